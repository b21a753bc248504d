"""`framing compare`: tables, groups, significance, plots, the sweep summary, a real sweep."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from framing.cli import main
from framing.compare import load_runs, render, runs_table
from framing.evaluation import classification_metrics

ROOT = Path(__file__).resolve().parent.parent
LABELS = ["negative", "neutral", "positive"]
ACTORS = ["Assad", "HTS", "Russia"]


# ---------------------------------------------------------------------------
# synthetic run folders
def _predictions(gold: list[str], accuracy: float, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    right = np.zeros(len(gold), bool)
    right[rng.choice(len(gold), int(round(accuracy * len(gold))), replace=False)] = True
    return [
        g if ok else str(rng.choice([lab for lab in LABELS if lab != g]))
        for g, ok in zip(gold, right, strict=True)
    ]


def make_run(
    folder: Path,
    gold: list[str],
    pred: list[str],
    model: str = "m",
    seed: int = 1,
    overrides: list[str] | None = None,
    ids: list[str] | None = None,
    headline: float | None = None,
    wall: float = 1.5,
    label_column: str = "stance",
) -> Path:
    """A run folder shaped like framing-run's: metrics.json, predictions.jsonl, .hydra/
    (``label_column="predicted"``: rows as versions before one prediction schema wrote)."""
    folder.mkdir(parents=True)
    ids = ids or [f"a{i // 4}:{i}:{ACTORS[i % 3]}" for i in range(len(gold))]
    actors = [i.rsplit(":", 1)[1] for i in ids]
    overall = classification_metrics(gold, pred, LABELS, actors, n_boot=200, seed=seed)
    value = overall["macro_f1"] if headline is None else headline
    ci = overall["macro_f1_ci"]
    metrics = {
        "task": "stance",
        "model": model,
        "data": "synthetic",
        "split": "kfold",
        "seed": seed,
        "labels": LABELS,
        "n_examples": len(gold),
        "headline": {"metric": "macro_f1", "value": value, "ci": ci},
        "overall": overall,
        "folds": [],
        "aggregate": {},
        "subsets": {"multi_actor": {"macro_f1": value - 0.05, "n": 10}},
        "wall_seconds": wall,
    }
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    with (folder / "predictions.jsonl").open("w", encoding="utf-8") as fh:
        for k, (g, p) in enumerate(zip(gold, pred, strict=True)):
            row = {"example_id": ids[k], "actor": actors[k], "gold": g, label_column: p, "fold": 0}
            fh.write(json.dumps(row) + "\n")
    hydra = folder / ".hydra"
    hydra.mkdir()
    overrides = overrides if overrides is not None else [f"model={model}", f"seed={seed}"]
    (hydra / "overrides.yaml").write_text(yaml.safe_dump(overrides), encoding="utf-8")
    config = {"seed": seed, "model": {"name": model, "C": 1.0}, "task": {"name": "stance"}}
    (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def gold() -> list[str]:
    rng = np.random.default_rng(0)
    return [str(x) for x in rng.choice(LABELS, 400)]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory, gold: list[str]) -> tuple[Path, Path]:
    tmp_path = tmp_path_factory.mktemp("two")
    weak = make_run(tmp_path / "sweep" / "0", gold, _predictions(gold, 0.5, 1), model="weak")
    strong = make_run(tmp_path / "sweep" / "1", gold, _predictions(gold, 0.9, 2), model="strong")
    return weak, strong


def _json_out(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------
# significance through the command
def test_identical_runs_are_not_different(
    tmp_path: Path, gold: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    pred = _predictions(gold, 0.7, 3)
    a = make_run(tmp_path / "a", gold, pred)
    b = make_run(tmp_path / "b", gold, pred)
    out = _json_out(capsys, ["compare", str(a), str(b), "--test", "--mcnemar", "--format", "json"])
    test = out["test"]
    assert test["n"] == 400 and test["difference"] == 0.0
    assert test["paired_bootstrap"]["p_value"] > 0.5
    assert test["approximate_randomization"]["p_value"] > 0.5
    assert test["mcnemar"]["p_value"] == 1.0
    assert test["paired_bootstrap"]["n_boot"] == 10_000  # the default


def test_old_run_rows_are_still_compared(
    tmp_path: Path, gold: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A run folder of a version before the one prediction schema (``predicted``, not
    ``stance``) compares as the same predictions written today."""
    pred = _predictions(gold, 0.7, 3)
    better = _predictions(gold, 0.9, 4)
    old = make_run(tmp_path / "old", gold, pred, label_column="predicted")
    new = make_run(tmp_path / "new", gold, pred)
    other = make_run(tmp_path / "other", gold, better)
    argv = ["--test", "--mcnemar", "--format", "json", "--seed", "1"]
    from_old = _json_out(capsys, ["compare", str(old), str(other), *argv])["test"]
    from_new = _json_out(capsys, ["compare", str(new), str(other), *argv])["test"]
    assert from_old["n"] == 400 and from_old["difference"] > 0
    for key in ("difference", "paired_bootstrap", "mcnemar"):
        assert from_old[key] == from_new[key]


def test_clearly_better_run_is_significant(
    two_runs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    weak, strong = two_runs
    out = _json_out(
        capsys, ["compare", str(weak), str(strong), "--mcnemar", "--format", "json", "--seed", "5"]
    )
    test = out["test"]
    assert test["a"]["model"] == "weak" and test["b"]["model"] == "strong"
    assert test["difference"] == pytest.approx(test["b"]["macro_f1"] - test["a"]["macro_f1"])
    assert test["difference"] > 0.3
    assert test["paired_bootstrap"]["ci"]["low"] > 0.2
    assert test["paired_bootstrap"]["p_value"] < 0.01
    assert test["approximate_randomization"]["p_value"] < 0.01
    assert test["mcnemar"]["p_value"] < 0.01
    assert test["paired_bootstrap"]["seed"] == 5


def test_test_as_text_table(
    two_runs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    weak, strong = two_runs
    argv = ["compare", str(weak), str(strong), "--test", "--n-boot", "500", "--n-rounds", "500"]
    assert main([*argv, "--mcnemar", "--format", "markdown"]) == 0
    text = capsys.readouterr().out
    assert "| paired bootstrap | Δ macro-F1 | +0." in text
    assert "| approximate randomisation |" in text and "McNemar exact" in text
    assert "- A = 0 (weak)" in text and "- B = 1 (strong)" in text
    assert main(argv) == 0
    assert "paired bootstrap" in capsys.readouterr().out
    assert main([*argv, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["test"] for r in rows] == ["paired bootstrap", "approximate randomisation"]
    assert float(rows[0]["p_value"]) == pytest.approx(1 / 501, rel=1e-4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("ids", "were not scored on the same examples: 10 example ids differ (5 only in a, 5 only in b)"),
        ("gold", "were not scored on the same examples: 7 of 400 examples have different gold labels"),
    ],
)  # fmt: skip
def test_mismatched_examples_are_refused(
    tmp_path: Path,
    gold: list[str],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    change: str,
    message: str,
) -> None:
    pred = _predictions(gold, 0.7, 3)
    a = make_run(tmp_path / "a", gold, pred)
    if change == "ids":
        ids = [f"a{i // 4}:{i}:{ACTORS[i % 3]}" for i in range(len(gold))]
        ids[:5] = [f"other:{i}:HTS" for i in range(5)]
        b = make_run(tmp_path / "b", gold, pred, ids=ids)
    else:
        other = list(gold)
        for i in range(7):
            other[i] = next(lab for lab in LABELS if lab != gold[i])
        b = make_run(tmp_path / "b", other, pred)
    with caplog.at_level(logging.ERROR, logger="framing.compare"):
        assert main(["compare", str(a), str(b), "--test"]) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and message in errors[0]
    assert capsys.readouterr().out == ""


def test_test_needs_two_runs(two_runs: tuple[Path, Path], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="framing.compare"):
        assert main(["compare", str(two_runs[0]), "--test"]) == 2
    assert "exactly two runs; got 1" in caplog.text


# ---------------------------------------------------------------------------
# tables
@pytest.fixture(scope="module")
def seed_sweep(
    tmp_path_factory: pytest.TempPathFactory, gold: list[str]
) -> tuple[Path, dict[str, list[float]]]:
    """Two models × three seeds with known headline values, in one sweep folder."""
    tmp_path = tmp_path_factory.mktemp("seeds")
    values = {"alpha": [0.50, 0.55, 0.60], "beta": [0.70, 0.72, 0.74]}
    job = 0
    for model, scores in values.items():
        for seed, value in zip((1, 2, 3), scores, strict=True):
            pred = _predictions(gold, 0.6, job)
            make_run(tmp_path / "seeds" / str(job), gold, pred, model, seed, headline=value)
            job += 1
    (tmp_path / "seeds" / "multirun.yaml").write_text("hydra: {}\n", encoding="utf-8")
    return tmp_path / "seeds", values


def test_table_formats(
    seed_sweep: tuple[Path, dict], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sweep, values = seed_sweep
    assert main(["compare", str(sweep)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert "macro-F1 [95% CI]" in table[0] and "multi-actor F1" in table[0]
    assert len([line for line in table if line.split()[:1] in (["0"], ["5"])]) == 2
    assert main(["compare", str(sweep), "--format", "markdown"]) == 0
    md = capsys.readouterr().out.splitlines()
    assert md[0].startswith("| run | model | overrides | macro-F1 [95% CI] |")
    assert md[1].startswith("|---|---|---|---:|")
    assert md[2].startswith("| 0 | alpha | model=alpha seed=1 | 0.500 [")
    assert len(md) == 2 + 6
    assert main(["compare", str(sweep), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [float(r["macro_f1"]) for r in rows] == values["alpha"] + values["beta"]
    assert rows[0]["overrides"] == "model=alpha seed=1" and rows[0]["n"] == "400"
    assert float(rows[0]["macro_f1_low"]) < float(rows[0]["macro_f1_high"])
    out = _json_out(capsys, ["compare", str(sweep / "*"), "--format", "json"])
    assert [r["run"] for r in out] == [str(i) for i in range(6)]
    assert out[3]["overrides"] == ["model=beta", "seed=1"] and out[3]["wall_seconds"] == 1.5
    # --output writes the file atomically and prints nothing
    target = tmp_path / "out" / "table.md"
    assert main(["compare", str(sweep), "--format", "markdown", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert target.read_text(encoding="utf-8").splitlines() == md
    assert [p.name for p in target.parent.iterdir()] == ["table.md"]


def test_table_without_tabulate(
    seed_sweep: tuple[Path, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    table = runs_table(load_runs([seed_sweep[0]]))
    with_tabulate = render(table, "table")
    monkeypatch.setitem(sys.modules, "tabulate", None)  # import fails: the simple fallback
    plain = render(table, "table").splitlines()
    assert plain[0].split() == with_tabulate.splitlines()[0].split()
    assert set(plain[1]) == {"-", " "} and len(plain) == 2 + 6
    widths = {len(line) for line in plain[2:]}
    assert len(widths) == 1  # right-aligned numbers: every row as wide as the last column


def test_shared_overrides_go_under_the_table(tmp_path: Path, gold: list[str]) -> None:
    pred = _predictions(gold, 0.6, 0)
    for job, model in enumerate(["a", "b"]):
        make_run(tmp_path / "s" / str(job), gold, pred, model, overrides=[f"model={model}", "x=1"])
    table = runs_table(load_runs([tmp_path / "s"]))
    assert [r["overrides_shown"] for r in table.rows] == ["model=a", "model=b"]
    assert render(table, "markdown").rstrip().endswith("Shared overrides: x=1.")
    assert render(table, "table").rstrip().endswith("shared overrides: x=1")


def test_sort(seed_sweep: tuple[Path, dict], capsys: pytest.CaptureFixture[str]) -> None:
    sweep, values = seed_sweep
    out = _json_out(capsys, ["compare", str(sweep), "--sort", "macro_f1", "--format", "json"])
    assert [r["macro_f1"] for r in out] == sorted(values["alpha"] + values["beta"], reverse=True)
    out = _json_out(capsys, ["compare", str(sweep), "--sort", "seed", "--format", "json"])
    assert [r["overrides"][1] for r in out] == ["seed=1"] * 2 + ["seed=2"] * 2 + ["seed=3"] * 2
    out = _json_out(
        capsys, ["compare", str(sweep), "--sort", "macro_f1", "--reverse", "--format", "json"]
    )
    assert out[0]["macro_f1"] == 0.5


def test_group_by_mean_sd(
    seed_sweep: tuple[Path, dict], capsys: pytest.CaptureFixture[str]
) -> None:
    sweep, values = seed_sweep
    out = _json_out(
        capsys,
        [
            "compare",
            str(sweep),
            "--group-by",
            "model.name",
            "--sort",
            "macro_f1",
            "--format",
            "json",
        ],
    )
    assert [r["model.name"] for r in out] == ["beta", "alpha"]
    for row in out:
        scores = values[row["model.name"]]
        assert row["runs"] == 3 and row["n"] == 400
        assert row["macro_f1_mean"] == pytest.approx(np.mean(scores))
        assert row["macro_f1_sd"] == pytest.approx(np.std(scores, ddof=1))
        assert row["multi_actor_macro_f1_mean"] == pytest.approx(np.mean(scores) - 0.05)
    # an override key works too, and the table shows mean ± sd
    assert main(["compare", str(sweep), "--group-by", "model", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "| model | runs | macro-F1 (mean ± sd) |" in md
    assert "| alpha | 3 | 0.550 ± 0.050 |" in md and "| beta | 3 | 0.720 ± 0.020 |" in md


def test_unknown_keys_and_paths_exit_2(
    seed_sweep: tuple[Path, dict], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sweep, _ = seed_sweep
    with caplog.at_level(logging.ERROR, logger="framing.compare"):
        assert main(["compare", str(sweep), "--group-by", "nope.key"]) == 2
        assert main(["compare", str(sweep), "--sort", "nope"]) == 2
        assert main(["compare", str(tmp_path / "missing")]) == 2
        (tmp_path / "empty").mkdir()
        assert main(["compare", str(tmp_path / "empty")]) == 2
    assert "--group-by nope.key: no run has this key" in caplog.text
    assert "no such file or folder" in caplog.text and "no run folders" in caplog.text


# ---------------------------------------------------------------------------
# plots
def test_plots_are_written(two_runs: tuple[Path, Path], tmp_path: Path) -> None:
    weak, strong = two_runs
    out = tmp_path / "plots"
    argv = ["compare", str(weak), str(strong), "--plot", str(out), "-o", str(tmp_path / "t")]
    assert main(argv) == 0
    stems = ("headline", "per_actor", "confusion_matrices")
    expected = sorted(f"{stem}.{ext}" for stem in stems for ext in ("png", "svg"))
    assert sorted(p.name for p in out.iterdir()) == expected  # no temporary files left
    for stem in stems:
        assert (out / f"{stem}.png").read_bytes().startswith(b"\x89PNG")
        assert b"<svg" in (out / f"{stem}.svg").read_bytes()[:2000]


# ---------------------------------------------------------------------------
# sweep summary callback
def test_sweep_summary_callback(
    tmp_path: Path, gold: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    from omegaconf import OmegaConf

    from framing.callbacks import SweepSummary

    pred = _predictions(gold, 0.6, 0)
    for job, model in enumerate(["a", "b"]):
        make_run(tmp_path / "s" / str(job), gold, pred, model, headline=0.4 + 0.1 * job)
    SweepSummary(sort="macro_f1").on_multirun_end(
        OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path / "s")}}})
    )
    md = (tmp_path / "s" / "summary.md").read_text(encoding="utf-8").splitlines()
    assert md[0] == "# Sweep s" and md[2].startswith("| run | model |")
    assert md[4].startswith("| 1 | b |") and md[5].startswith("| 0 | a |")  # sorted, best first
    rows = list(csv.DictReader((tmp_path / "s" / "summary.csv").open(encoding="utf-8")))
    assert [r["model"] for r in rows] == ["b", "a"]
    # a sweep folder without runs: a warning, never an exception
    (tmp_path / "empty").mkdir()
    with caplog.at_level(logging.WARNING, logger="framing.callbacks"):
        SweepSummary().on_multirun_end(
            OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path / "empty")}}})
        )
    assert "sweep summary not written" in caplog.text
    assert not (tmp_path / "empty" / "summary.md").exists()


# ---------------------------------------------------------------------------
# launcher configs
def test_launcher_configs_compose() -> None:
    from hydra import compose, initialize_config_dir

    import framing.run  # noqa: F401  (registers the config schema, framing/config_schema.py)

    with initialize_config_dir(config_dir=str(ROOT / "framing" / "conf"), version_base="1.3"):
        try:
            import hydra_plugins.hydra_joblib_launcher  # noqa: F401
        except ImportError:
            pass
        else:
            # the plugin's own config (no file of ours shadows it)
            cfg = compose(
                "config",
                ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
                return_hydra_config=True,
            )
            assert cfg.hydra.launcher._target_.endswith("JoblibLauncher")
            assert cfg.hydra.launcher.n_jobs == 2
        try:
            import hydra_plugins.hydra_submitit_launcher  # noqa: F401
        except ImportError:
            with pytest.raises(Exception, match="submitit_slurm"):
                compose("config", ["hydra/launcher=slurm"], return_hydra_config=True)
        else:
            cfg = compose("config", ["hydra/launcher=slurm"], return_hydra_config=True)
            assert cfg.hydra.launcher.timeout_min == 120
    launcher = yaml.safe_load((ROOT / "framing/conf/hydra/launcher/slurm.yaml").read_text("utf-8"))
    assert launcher["defaults"] == ["submitit_slurm", "_self_"]
    for key in ("timeout_min", "cpus_per_task", "gpus_per_node", "mem_gb", "array_parallelism"):
        assert key in launcher
    assert launcher["partition"] is None


# ---------------------------------------------------------------------------
# a real two-job sweep on a tiny corpus
def _framing_run() -> list[str]:
    script = Path(sys.executable).parent / "framing-run"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from framing.run import main; main()"]


@pytest.fixture(scope="module")
def real_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("real")
    corpus = tmp / "corpus"
    corpus.mkdir()
    shipped = ROOT / "data" / "syria"
    articles = shipped.joinpath("articles.jsonl").read_text("utf-8").splitlines()[:12]
    ids = {json.loads(line)["id"] for line in articles}
    (corpus / "articles.jsonl").write_text("\n".join(articles) + "\n", encoding="utf-8")
    annotations = [
        line
        for line in shipped.joinpath("annotations.jsonl").read_text("utf-8").splitlines()
        if line.strip() and json.loads(line)["article_id"] in ids
    ]
    (corpus / "annotations.jsonl").write_text("\n".join(annotations) + "\n", encoding="utf-8")
    sweep = tmp / "sweep"
    cmd = [
        *_framing_run(),
        "-m",
        "model=majority,tfidf_logreg_blind",
        "split.n_splits=2",
        "n_boot=50",
        "save_model=false",
        f"data.path={corpus}",
        f"hydra.sweep.dir={sweep}",
        "++hydra.callbacks.sweep_summary._target_=framing.callbacks.SweepSummary",
    ]
    env = {**os.environ, "HYDRA_FULL_ERROR": "1", "TQDM_DISABLE": "1"}
    done = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return sweep


@pytest.mark.slow
def test_real_sweep_compare(real_sweep: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _json_out(capsys, ["compare", str(real_sweep), "--format", "json"])
    assert [r["model"] for r in out] == ["majority", "tfidf_logreg_blind"]
    assert [r["overrides"][0] for r in out] == ["model=majority", "model=tfidf_logreg_blind"]
    assert all(r["n"] == out[0]["n"] > 100 for r in out)
    assert out[1]["macro_f1"] > out[0]["macro_f1"]
    assert all(r["macro_f1_low"] <= r["macro_f1"] <= r["macro_f1_high"] for r in out)
    # the sweep summary callback wrote the same table
    assert main(["compare", str(real_sweep), "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    summary = (real_sweep / "summary.md").read_text(encoding="utf-8")
    assert summary == f"# Sweep {real_sweep.name}\n\n{md}"
    rows = list(csv.DictReader(io.StringIO((real_sweep / "summary.csv").read_text("utf-8"))))
    assert [r["model"] for r in rows] == ["majority", "tfidf_logreg_blind"]
    # both jobs scored the same examples, so they can be tested against each other
    test = _json_out(
        capsys,
        ["compare", str(real_sweep / "0"), str(real_sweep / "1"), "--test", "--mcnemar",
         "--n-boot", "2000", "--n-rounds", "2000", "--format", "json"],
    )["test"]  # fmt: skip
    assert test["n"] == out[0]["n"]
    assert test["a"]["macro_f1"] == pytest.approx(out[0]["macro_f1"])
    assert test["b"]["macro_f1"] == pytest.approx(out[1]["macro_f1"])
    assert test["paired_bootstrap"]["p_value"] < 0.05
