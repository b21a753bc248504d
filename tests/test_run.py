"""The experiment runner end to end on tiny data: ``framing.run.run`` and ``framing-run``.

The command-line cases start their ``framing-run`` processes together at the start of the
module (``cli`` fixture) so they overlap with the in-process runs.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import platform
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hydra.utils import instantiate
from omegaconf import OmegaConf
from run_helpers import (
    build_contrast_corpus,
    build_tiny_corpus,
    compose_cfg,
    corpus_records,
    run_cfg,
    start_framing_run,
    start_framing_run_cases,
)

from framing.calibration import expected_calibration_error
from framing.compare import CompareError
from framing.corpus import load_corpus
from framing.models import load_saved_model
from framing.predictions import label_column, model_column, probability_columns
from framing.resources import CLONE_ROOT
from framing.run import ConfigError, load_examples, resolve_path, run
from framing.segment import Segmenter
from framing.splits import SplitError
from framing.tasks import TaskError, corpus_examples

STANCE = ["negative", "neutral", "positive"]
ACTORS = {"Russia", "HTS", "Assad"}
ONE_LINE_ERRORS = (ConfigError, TaskError, SplitError)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return build_tiny_corpus(tmp_path_factory.mktemp("tiny") / "corpus")


@pytest.fixture(scope="module")
def tiny_unannotated_test(tmp_path_factory) -> Path:
    """12 annotated articles plus one without annotations that splits.json names as test."""
    return build_tiny_corpus(tmp_path_factory.mktemp("tiny_ua") / "corpus", unannotated_test=1)


class CLI:
    """``framing-run`` processes started at once; results collected on demand.

    The sweep and the unknown-model case run the installed console script; the cases that
    must exit 2 share one warm interpreter that forks per case and calls the same
    ``framing.run.main`` the console script calls (see ``run_helpers``).
    """

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.procs: dict[str, subprocess.Popen] = {}
        self.results: dict[str, tuple[int, str, str]] = {}
        self.cases_dir = cwd / "cases"
        self.cases_dir.mkdir()
        self.cases: subprocess.Popen | None = None

    def start(self, name: str, *args: str) -> None:
        self.procs[name] = start_framing_run(
            [*args, f"hydra.run.dir={self.cwd / 'runs' / name}"], self.cwd
        )

    def start_cases(self, cases: dict[str, list[str]]) -> None:
        cases = {
            name: [*args, f"hydra.run.dir={self.cwd / 'runs' / name}"]
            for name, args in cases.items()
        }
        self.cases = start_framing_run_cases(cases, self.cases_dir)

    def result(self, name: str) -> tuple[int, str, str]:
        if name not in self.results:
            if name in self.procs:
                out, err = self.procs[name].communicate(timeout=300)
                self.results[name] = (self.procs[name].returncode, out, err)
            else:
                out, err = self.cases.communicate(timeout=300)
                assert self.cases.returncode == 0, err
                codes = json.loads((self.cases_dir / "codes.json").read_text())
                for case, code in codes.items():
                    self.results[case] = (
                        code,
                        (self.cases_dir / f"{case}.out").read_text(encoding="utf-8"),
                        (self.cases_dir / f"{case}.err").read_text(encoding="utf-8"),
                    )
        return self.results[name]

    def stop(self) -> None:
        for proc in [*self.procs.values(), self.cases]:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.communicate()


@pytest.fixture(scope="module")
def cli(tmp_path_factory, tiny, tiny_unannotated_test):
    cwd = tmp_path_factory.mktemp("cli")
    c = CLI(cwd)
    data = f"data.path={tiny}"
    c.start(
        "sweep",
        "-m",
        "model=majority,tfidf_logreg_blind",
        data,
        "split.n_splits=2",
        "n_boot=50",
        f"hydra.sweep.dir={cwd / 'sweep'}",
    )
    c.start("no_such_model", "model=no_such_model", data)
    c.start("no_data", "data.path=/nonexistent")
    c.start_cases(
        {
            "labels": ["task.labels=[negative,positive]", data, "n_boot=50"],
            "heldout_empty": ["split=heldout", f"data.path={tiny_unannotated_test}"],
            "too_many_folds": ["split.n_splits=50", data],
            "bad_seed": ["seed=abc", data],
            "bad_flag": ["save_model=maybe", data],
        }
    )
    yield c
    c.stop()


@pytest.fixture(scope="module")
def stance_run(tmp_path_factory, tiny, cli):
    # requests ``cli`` so the command-line processes run alongside this (slowest) run
    cfg = run_cfg(tiny)
    out = tmp_path_factory.mktemp("stance_run")
    return cfg, out, run(cfg, out)


@pytest.fixture(scope="module")
def framing_run(tmp_path_factory, tiny):
    cfg = run_cfg(tiny, "task=framing")
    out = tmp_path_factory.mktemp("framing_run")
    return cfg, out, run(cfg, out)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _expected_examples(corpus: Path, task: str) -> int:
    _, annotations = corpus_records(corpus)
    if task == "stance":
        return sum(len(a["stance"]) for a in annotations)
    return sum(1 for a in annotations if a.get("frame"))


def _without_wall(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k not in ("wall_seconds", "environment")}


# ---------------------------------------------------------------------------
def _check_run_folder(out: Path, metrics: dict, task: str, labels: list[str], n: int) -> None:
    assert {p.name for p in out.iterdir()} >= {
        "config.yaml",
        "confusion_matrix.png",
        "metrics.json",
        "model",
        "predictions.csv",
        "predictions.jsonl",
        "reliability_diagram.png",
    }
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]  # atomic writes
    on_disk = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(metrics))
    assert on_disk["task"] == task and on_disk["labels"] == labels
    assert on_disk["n_examples"] == n
    assert on_disk["headline"]["metric"] == "macro_f1"
    assert on_disk["headline"]["value"] == on_disk["overall"]["macro_f1"]
    ci = on_disk["overall"]["macro_f1_ci"]
    assert on_disk["headline"]["ci"] == ci
    assert ci["n_boot"] == 50
    assert ci["low"] <= on_disk["overall"]["macro_f1"] <= ci["high"]
    folds = on_disk["folds"]
    assert [f["fold"] for f in folds] == [0, 1]
    assert sum(f["n"] for f in folds) == n
    assert all(f["n_train"] == n - f["n"] for f in folds)
    agg = on_disk["aggregate"]["macro_f1"]
    values = [f["macro_f1"] for f in folds]
    assert agg["mean"] == pytest.approx(np.mean(values))
    assert agg["sd"] == pytest.approx(np.std(values, ddof=1))
    assert agg["n_folds"] == 2
    assert "mean" in on_disk["aggregate"]["accuracy"]
    assert (out / "confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "reliability_diagram.png").read_bytes()[:4] == b"\x89PNG"
    _check_calibration(out, on_disk, task, labels)
    cfg = OmegaConf.load(out / "config.yaml")
    assert cfg.task.name == task and cfg.n_boot == 50 and cfg.split.n_splits == 2


def _check_calibration(out: Path, metrics: dict, task: str, labels: list[str]) -> None:
    """The ECE in metrics.json is the ECE of predictions.jsonl (15 bins), overall and per fold."""
    rows = _jsonl(out / "predictions.jsonl")
    proba = np.array([[r[c] for c in probability_columns(task, labels)] for r in rows])
    gold = np.array([labels.index(r["gold"]) for r in rows])
    cal = metrics["calibration"]
    assert cal["n_bins"] == 15 and sum(cal["bins"]["count"]) == len(rows)
    assert cal["ece"] == pytest.approx(expected_calibration_error(gold, proba), abs=1e-5)
    assert 0 <= cal["classwise_ece"] <= 1 and "before_temperature" not in cal  # no temperature
    for f in metrics["folds"]:
        mine = [i for i, r in enumerate(rows) if r["fold"] == f["fold"]]
        assert f["ece"] == pytest.approx(
            expected_calibration_error(gold[mine], proba[mine]), abs=1e-5
        )
    assert metrics["aggregate"]["ece"]["n_folds"] == len(metrics["folds"])


def _check_predictions(out: Path, task: str, labels: list[str], n: int) -> list[dict]:
    rows = _jsonl(out / "predictions.jsonl")
    assert len(rows) == n
    assert len({r["example_id"] for r in rows}) == n
    p_cols = probability_columns(task, labels)
    predicted = label_column(task)
    for r in rows:
        assert r["fold"] in (0, 1)
        probs = [r[c] for c in p_cols]
        assert sum(probs) == pytest.approx(1.0, abs=1e-4)
        assert r[predicted] == labels[int(np.argmax(probs))]
        assert r["gold"] in labels
        assert r["sentence"]
    # out-of-fold: grouped by article, each article scored in exactly one fold
    folds_of_article: dict[str, set[int]] = {}
    for r in rows:
        folds_of_article.setdefault(r["article_id"], set()).add(r["fold"])
    assert all(len(v) == 1 for v in folds_of_article.values())
    assert {f for v in folds_of_article.values() for f in v} == {0, 1}
    with (out / "predictions.csv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == n
    assert list(table[0]) == list(rows[0])
    assert list(rows[0]) == [
        "example_id",
        "article_id",
        "source",
        "date",
        "sentence_index",
        "start",
        "end",
        "sentence",
        "actor",
        "mentions",
        "evidence",
        "sense",
        "gold",
        predicted,
        *p_cols,
        "fold",
        model_column(task),
    ]
    assert [t["example_id"] for t in table] == [r["example_id"] for r in rows]
    assert [t[predicted] for t in table] == [r[predicted] for r in rows]
    assert json.loads(table[0]["mentions"]) == rows[0]["mentions"]
    return rows


def test_stance_run_end_to_end(stance_run, tiny):
    cfg, out, metrics = stance_run
    n = _expected_examples(tiny, "stance")
    _check_run_folder(out, metrics, "stance", STANCE, n)
    assert metrics["model"] == "tfidf_logreg" and metrics["split"] == "kfold"
    assert 0.0 <= metrics["overall"]["f1_pn"] <= 1.0
    assert "f1_pn" in metrics["folds"][0] and "f1_pn" in metrics["aggregate"]
    per_actor = metrics["overall"]["per_actor"]
    assert set(per_actor) <= ACTORS and sum(v["n"] for v in per_actor.values()) == n
    subsets = metrics["subsets"]
    assert set(subsets) == {"multi_actor", "multi_actor_differing"}
    assert 0 < subsets["multi_actor_differing"]["n"] <= subsets["multi_actor"]["n"] < n
    assert "macro_f1_ci" in subsets["multi_actor"]
    rows = _check_predictions(out, "stance", STANCE, n)
    assert {r["actor"] for r in rows} <= ACTORS
    for r in rows:
        for s, e in r["mentions"]:
            assert 0 <= s < e <= len(r["sentence"])
    assert all(r["stance_model"] == "tfidf_logreg" for r in rows)


def test_stance_run_saves_a_reloadable_model(stance_run, tiny):
    cfg, out, _ = stance_run
    manifest = json.loads((out / "model" / "manifest.json").read_text(encoding="utf-8"))
    assert (out / "model" / "model.skops").is_file()
    assert manifest["kind"] == "sklearn" and manifest["task"] == "stance"
    assert manifest["labels"] == STANCE and manifest["multilabel"] is False
    assert manifest["model"]["name"] == "tfidf_logreg"
    assert manifest["input_format"] == {"splitter": "sentencex", "target_marking": "replace"}
    assert set(manifest["actors"]["actors"]) == ACTORS
    n = _expected_examples(tiny, "stance")
    assert manifest["n_train_examples"] == n
    assert manifest["data"] == "syria" and manifest["seed"] == cfg.seed

    model, manifest2 = load_saved_model(out / "model")
    assert manifest2 == manifest
    again, _ = load_saved_model(out)  # a run folder works too
    examples, _ = load_examples(cfg.data, "stance", STANCE, False, Segmenter())
    proba = model.predict_proba(examples)
    assert proba.shape == (n, 3)
    assert np.array_equal(proba, again.predict_proba(examples))
    # the same as a model refit on all the data in this process
    fresh = instantiate(cfg.model, task="stance", labels=STANCE, multilabel=False, _convert_="all")
    assert np.allclose(fresh.fit(examples).predict_proba(examples), proba, atol=1e-10)


def test_framing_run_end_to_end(framing_run, tiny):
    cfg, out, metrics = framing_run
    labels = list(cfg.task.labels)
    assert len(labels) == 15
    n = _expected_examples(tiny, "framing")
    _check_run_folder(out, metrics, "framing", labels, n)
    assert "f1_pn" not in metrics["overall"]
    assert "per_actor" not in metrics["overall"]
    assert "subsets" not in metrics
    rows = _check_predictions(out, "framing", labels, n)
    assert all(r["actor"] == "" and r["mentions"] == [] for r in rows)
    manifest = json.loads((out / "model" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["task"] == "framing" and manifest["input_format"]["target_marking"] == "none"
    model, _ = load_saved_model(out)
    examples, _ = load_examples(cfg.data, "framing", labels, False, Segmenter())
    proba = model.predict_proba(examples)
    assert proba.shape == (n, 15)
    assert np.allclose(proba.sum(axis=1), 1)


def test_same_config_and_seed_give_the_same_numbers(stance_run, tmp_path):
    cfg, out, metrics = stance_run
    again = run(cfg, tmp_path / "again")
    assert _without_wall(again) == _without_wall(metrics)
    first = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "again" / "metrics.json").read_text(encoding="utf-8"))
    assert _without_wall(first) == _without_wall(second)
    assert (out / "predictions.jsonl").read_bytes() == (
        tmp_path / "again" / "predictions.jsonl"
    ).read_bytes()


def test_heldout_run_scores_only_the_test_articles(tiny, tmp_path):
    metrics = run(run_cfg(tiny, "split=heldout", "model=majority"), tmp_path)
    test_ids = set(json.loads((tiny / "splits.json").read_text())["test"])
    rows = _jsonl(tmp_path / "predictions.jsonl")
    assert {r["article_id"] for r in rows} == test_ids
    assert {r["fold"] for r in rows} == {0}
    assert metrics["split"] == "heldout" and len(metrics["folds"]) == 1
    assert metrics["aggregate"]["macro_f1"]["sd"] == 0.0
    # eval.end_to_end (on by default): the raw test articles scored end to end
    e2e = metrics["end_to_end"]["fixed"]
    assert e2e["articles"] == len(test_ids) and e2e["pairs"]["overall"]["tp"] > 0
    assert e2e["stance_found"]["n"] == e2e["pairs"]["overall"]["tp"]
    n_all = _expected_examples(tiny, "stance")
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n_train_examples"] == n_all - len(rows)  # refit on training articles only


def test_test_only_articles_are_never_trained_on(tmp_path):
    corpus = build_tiny_corpus(tmp_path / "corpus", n_articles=12, n_test=3)
    articles, annotations = corpus_records(corpus)
    fixed = [a["id"] for a in articles[:3]]
    only = [a["id"] for a in articles[3:5]]
    split = {"seed": 1, "test": fixed, "test_only": {"realistic": only}}
    (corpus / "splits.json").write_text(json.dumps(split), encoding="utf-8")
    n_of = {a["id"]: 0 for a in articles}
    for ann in annotations:
        n_of[ann["article_id"]] += len(ann["stance"])
    n_all, n_fixed, n_only = (
        sum(n_of.values()),
        sum(n_of[a] for a in fixed),
        sum(n_of[a] for a in only),
    )

    def n_trained(out):
        return json.loads((out / "model" / "manifest.json").read_text(encoding="utf-8"))[
            "n_train_examples"
        ]

    metrics = run(run_cfg(corpus, "model=majority"), tmp_path / "kfold")
    assert not {r["article_id"] for r in _jsonl(tmp_path / "kfold" / "predictions.jsonl")} & set(
        only
    )
    assert metrics["n_examples"] == n_all - n_only == n_trained(tmp_path / "kfold")
    for name, test in (("fixed", fixed), ("realistic", only)):
        out = tmp_path / name
        metrics = run(run_cfg(corpus, "split=heldout", f"split.test={name}", "model=majority"), out)
        assert {r["article_id"] for r in _jsonl(out / "predictions.jsonl")} == set(test)
        assert metrics["test_set"] == name
        assert n_trained(out) == n_all - n_fixed - n_only  # the same training articles
    with pytest.raises(SplitError, match="split.test='nope'"):
        run(run_cfg(corpus, "split=heldout", "split.test=nope", "model=majority"), tmp_path / "x")


def test_multilabel_framing_run(tiny, tmp_path):
    metrics = run(
        run_cfg(tiny, "task=framing", "task.multilabel=true", "model=majority", "save_model=false"),
        tmp_path,
    )
    for key in ("macro_f1", "micro_f1", "samples_f1", "hamming_loss", "subset_accuracy"):
        assert key in metrics["overall"]
        assert key in metrics["aggregate"]
    rows = _jsonl(tmp_path / "predictions.jsonl")
    assert all(isinstance(r["gold"], list) and isinstance(r["frame"], list) for r in rows)
    assert all(r["frame"] for r in rows)  # never an empty prediction
    assert not (tmp_path / "confusion_matrix.png").exists()
    assert not (tmp_path / "reliability_diagram.png").exists() and "calibration" not in metrics
    with (tmp_path / "predictions.csv").open(encoding="utf-8", newline="") as fh:
        first = next(csv.DictReader(fh))
    assert first["gold"] == ";".join(rows[0]["gold"])


def test_relative_data_path_falls_back_to_the_package_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_path("data/syria") == CLONE_ROOT / "data" / "syria"
    assert resolve_path("nowhere/at/all") == Path("nowhere/at/all")
    (tmp_path / "data" / "syria").mkdir(parents=True)
    assert resolve_path("data/syria") == Path("data/syria")  # the working directory wins


# ---------------------------------------------------------------------------
def test_target_aware_model_separates_actors_of_one_sentence(tmp_path):
    """In 'S praised A but condemned B' replace-marking tells A from B; a blind model cannot."""
    segmenter = Segmenter()
    heldout = [
        ("Witnesses praised HTS but condemned Russia.", {"HTS": "positive", "Russia": "negative"}),
        (
            "Witnesses condemned Assad but praised Russia.",
            {"Assad": "negative", "Russia": "positive"},
        ),
    ]
    corpus_dir = build_contrast_corpus(tmp_path / "contrast", segmenter, heldout=heldout)
    examples = corpus_examples(load_corpus(corpus_dir), "stance", segmenter, STANCE)
    is_test = np.array([a == "heldout" for a in examples["article_id"]])
    train = examples.select(np.flatnonzero(~is_test))
    test = examples.select(np.flatnonzero(is_test))
    assert len(train) >= 36 and len(test) == 4
    gold = test["label"]

    def predict(model_name: str) -> tuple[list[str], np.ndarray]:
        cfg = run_cfg(corpus_dir, f"model={model_name}")
        model = instantiate(
            cfg.model, task="stance", labels=STANCE, multilabel=False, _convert_="all"
        )
        proba = model.fit(train).predict_proba(test)
        return [STANCE[j] for j in proba.argmax(axis=1)], proba

    aware, _ = predict("tfidf_logreg")
    assert run_cfg(corpus_dir).model.target_marking == "replace"
    assert aware == gold
    blind, proba = predict("tfidf_logreg_blind")
    keys = list(zip(test["sentence"], blind, strict=True))
    for sentence in set(test["sentence"]):
        rows = [k for k, (s, _) in enumerate(keys) if s == sentence]
        assert len(rows) == 2
        assert blind[rows[0]] == blind[rows[1]]  # one label for both actors
        assert np.allclose(proba[rows[0]], proba[rows[1]])


# ---------------------------------------------------------------------------
def test_bad_config_values_raise_one_line_errors_in_process(tiny, tmp_path):
    with pytest.raises(ConfigError, match="unknown split.name 'bogus'"):
        run(run_cfg(tiny, "split.name=bogus", "model=majority"), tmp_path / "a")
    with pytest.raises(ConfigError, match="at least two distinct labels"):
        run(run_cfg(tiny, "task.labels=[neutral]"), tmp_path / "b")
    with pytest.raises(ConfigError, match="unknown data.format 'xml'"):
        run(run_cfg(tiny, "data.format=xml", "model=majority"), tmp_path / "c")
    with pytest.raises(ConfigError, match="does not exist"):
        run(run_cfg("/nonexistent/corpus"), tmp_path / "d")
    with pytest.raises(ConfigError, match="stance labels only"):
        run(run_cfg(tiny, "task=framing", "data.format=newsmtsc"), tmp_path / "e")
    with pytest.raises(ConfigError, match="split.test_data"):
        run(run_cfg(tiny, "split=cross_dataset", "~split.test_data"), tmp_path / "f")
    with pytest.raises(ConfigError, match="cannot be built"):
        run(run_cfg(tiny, "model.target_marking=bold"), tmp_path / "g")
    with pytest.raises(TaskError, match="'neutral'"):
        run(run_cfg(tiny, "task.labels=[negative,positive]"), tmp_path / "h")
    with pytest.raises(SplitError, match="n_splits=50"):
        run(run_cfg(tiny, "split.n_splits=50"), tmp_path / "i")


def test_vader_on_framing_is_refused_or_gives_probabilities(tiny, tmp_path):
    cfg = run_cfg(tiny, "task=framing", "model=vader", "save_model=false")
    try:
        run(cfg, tmp_path)
    except ONE_LINE_ERRORS:
        return
    labels = list(cfg.task.labels)
    for r in _jsonl(tmp_path / "predictions.jsonl"):
        assert sum(r[f"frame_p_{lab}"] for lab in labels) == pytest.approx(1.0, abs=1e-4)


def test_tfidf_svm_with_rare_classes_runs_or_says_one_line(tiny, tmp_path):
    cfg = run_cfg(tiny, "task=framing", "model=tfidf_svm", "save_model=false")
    try:
        metrics = run(cfg, tmp_path)
    except ONE_LINE_ERRORS:
        return
    assert math.isfinite(metrics["headline"]["value"])


# ---------------------------------------------------------------------------
def _one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.startswith("framing-run: error:")]
    assert len(lines) == 1, err
    return lines[0]


def test_cli_sweep_runs_two_jobs(cli):
    rc, out, err = cli.result("sweep")
    assert rc == 0, err[-3000:]
    sweep = cli.cwd / "sweep"
    jobs = sorted(p for p in sweep.iterdir() if p.is_dir())
    assert [p.name for p in jobs] == ["0", "1"]
    models = set()
    for job in jobs:
        metrics = json.loads((job / "metrics.json").read_text(encoding="utf-8"))
        models.add(metrics["model"])
        assert metrics["overall"]["macro_f1_ci"]["n_boot"] == 50
        assert len(metrics["folds"]) == 2
        assert (job / ".hydra" / "config.yaml").is_file()
        assert (job / "predictions.jsonl").is_file() and (job / "model" / "manifest.json").is_file()
    assert models == {"majority", "tfidf_logreg_blind"}
    assert "Traceback" not in err


def test_cli_unknown_model(cli):
    rc, out, err = cli.result("no_such_model")
    assert rc != 0
    assert "no_such_model" in err
    assert "Traceback" not in err + out


def test_cli_label_missing_from_task(cli):
    rc, out, err = cli.result("labels")
    assert rc == 2, err[-3000:]
    line = _one_error_line(err)
    assert "'neutral'" in line and "label set" in line
    assert "Traceback" not in err + out


def test_cli_empty_heldout_split(cli):
    rc, out, err = cli.result("heldout_empty")
    assert rc == 2, err[-3000:]
    assert "empty test split" in _one_error_line(err)
    assert "Traceback" not in err + out


def test_cli_more_folds_than_articles(cli):
    rc, out, err = cli.result("too_many_folds")
    assert rc == 2, err[-3000:]
    line = _one_error_line(err)
    assert "n_splits=50" in line and "12 article" in line
    assert "Traceback" not in err + out


def test_cli_missing_data_path(cli):
    rc, out, err = cli.result("no_data")
    assert rc == 2, err[-3000:]
    assert "/nonexistent" in _one_error_line(err)
    assert "Traceback" not in err + out


def test_failed_run_marks_its_folder_and_compare_skips_it(cli, caplog):
    rc, _, _ = cli.result("no_data")
    assert rc == 2
    failed = cli.cwd / "runs" / "no_data"
    record = json.loads((failed / "metrics.json").read_text(encoding="utf-8"))
    assert record["status"] == "failed" and "/nonexistent" in record["error"]
    assert record["environment"]["started"]
    assert cli.result("sweep")[0] == 0
    from framing.compare import load_runs

    with caplog.at_level(logging.WARNING, logger="framing.compare"):
        runs = load_runs([str(cli.cwd / "sweep"), str(failed)])
    assert [r.metrics["model"] for r in runs] == ["majority", "tfidf_logreg_blind"]
    assert any("the run failed" in m and "/nonexistent" in m for m in caplog.messages)
    with pytest.raises(CompareError, match="no readable runs"):
        load_runs([str(failed)])


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("bad_seed", "seed=abc: Value 'abc' of type 'str' could not be converted to Integer"),
        ("bad_flag", "save_model=maybe: Value 'maybe' is not a valid bool"),
    ],
)
def test_wrongly_typed_value_is_one_line_before_the_run(cli, case, message):
    rc, out, err = cli.result(case)
    assert rc == 2, err[-3000:]
    assert "Traceback" not in err + out
    assert message in _one_error_line(err)
    assert not (cli.cwd / "runs" / case).exists()  # stopped before composing: no stub folder


def test_wrong_type_from_a_config_file_is_stopped_by_the_schema():
    from hydra.errors import ConfigCompositionException
    from omegaconf.errors import ValidationError

    with pytest.raises((ValidationError, ConfigCompositionException), match="n_boot"):
        compose_cfg("n_boot=many")
    assert compose_cfg("seed=7").seed == 7


def test_run_records_its_environment(cli):
    assert cli.result("sweep")[0] == 0
    metrics = json.loads((cli.cwd / "sweep" / "0" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["status"] == "complete"
    env = metrics["environment"]
    assert set(env) >= {"started", "git", "python", "platform", "device", "versions"}
    assert env["started"].endswith("+00:00") and env["python"] == platform.python_version()
    assert env["device"] == "cpu" or env["device"].startswith("cuda: ")
    assert set(env["git"]) == {"commit", "dirty"}
    if env["git"]["commit"] is not None:  # the tests run from a git checkout
        assert len(env["git"]["commit"]) == 40 and isinstance(env["git"]["dirty"], bool)
    for lib in (
        "framing",
        "torch",
        "transformers",
        "scikit-learn",
        "datasets",
        "hydra-core",
        "numpy",
    ):
        assert env["versions"][lib], lib
    manifest = json.loads((cli.cwd / "sweep" / "0" / "model" / "manifest.json").read_text("utf-8"))
    assert manifest["versions"] == {
        k: v for k, v in env["versions"].items() if k in manifest["versions"]
    }


def test_git_state_outside_a_checkout_is_null(tmp_path):
    from framing.environment import git_state

    assert git_state(tmp_path) == {"commit": None, "dirty": None}
