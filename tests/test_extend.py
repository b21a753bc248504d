"""Each extension point, extended the way the README's "How to extend" says, with a toy.

In the spirit of scikit-learn's ``check_estimator``: a toy actor domain, reader,
dataset, model, metric and behavioural-check suite are added through the one place each
is listed (a YAML, a registry entry or a ``_target_``) and run through the code that
uses them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from run_helpers import build_tiny_corpus, compose_cfg, run_cfg

from framing import metrics, readers, sources
from framing.corpus import Article
from framing.io import RecordError
from framing.run import run
from framing.segment import Segmenter
from framing.tables import render, runs_table


# ---------------------------------------------------------------------------
# actor domain: one YAML
def test_toy_actor_domain(tmp_path):
    domain = tmp_path / "fruit.yaml"
    domain.write_text(
        "name: fruit\n"
        "actors:\n"
        "  Apple:\n"
        "    aliases: [Apple, apples, the orchard]\n"
        "  Pear:\n"
        "    aliases: [Pear, pears]\n",
        encoding="utf-8",
    )
    seg = Segmenter(str(domain)).segment(
        Article.from_record({"id": "a", "text": "The orchard sold apples. Pears were cheaper."})
    )
    assert [s.actors for s in seg.sentences] == [["Apple"], ["Pear"]]
    assert Segmenter(str(domain)).lexicon.names == ["Apple", "Pear"]


# ---------------------------------------------------------------------------
# reader: one reading function and one Reader entry
def _read_markdown(path: Path, columns, rel_id):
    text = path.read_text(encoding="utf-8")
    if not text.startswith("# "):
        yield RecordError(str(path), "no '# title' line")
        return
    title, _, body = text.partition("\n")
    yield Article.from_record(
        {"id": rel_id or path.stem, "title": title[2:], "text": body.strip()}, str(path)
    )


def test_toy_reader(tmp_path, monkeypatch):
    toy = readers.Reader(("markdown", "md"), (".md",), _read_markdown)
    monkeypatch.setattr(readers, "READERS", (*readers.READERS, toy))
    (tmp_path / "one.md").write_text("# Title\nRussia sent aid to Idlib.\n", encoding="utf-8")
    (tmp_path / "bad.md").write_text("no title\n", encoding="utf-8")
    (tmp_path / "two.txt").write_text("A plain text article.", encoding="utf-8")
    items = list(readers.read_articles([tmp_path]))
    good = {a.id: a for a in items if isinstance(a, Article)}
    bad = [e for e in items if isinstance(e, RecordError)]
    assert set(good) == {"one", "two"} and good["one"].title == "Title"
    assert len(bad) == 1 and "bad.md" in bad[0].where
    assert "markdown" in readers.format_names() and ".md" in readers.supported_suffixes()


# ---------------------------------------------------------------------------
# dataset: one loader, one DATASETS entry, one YAML (here: overrides of data.*)
def _toy_source(path, task, labels, multilabel, segmenter, actors=None, **options):
    from datasets import Dataset

    from framing.examples import example_features, example_row

    rows = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        label, text = line.split("\t")
        rows.append(
            example_row(
                example_id=f"toy:{i}",
                article_id=f"toy:{i // 2}",
                sentence=text,
                actor="Russia",
                target_spans=[[0, 6]],
                other_spans=[],
                label=label,
            )
        )
    return Dataset.from_list(rows, features=example_features(task)), {}


def test_toy_dataset(tmp_path, monkeypatch):
    monkeypatch.setitem(sources.DATASETS, "toy", _toy_source)
    data = tmp_path / "toy.tsv"
    labels = ["negative", "neutral", "positive"]
    data.write_text(
        "\n".join(f"{labels[i % 3]}\tRussia item {i}" for i in range(24)) + "\n", encoding="utf-8"
    )
    cfg = compose_cfg(
        "data.format=toy",
        f"data.path={data}",
        "model=majority",
        "split.n_splits=2",
        "n_boot=10",
        "save_model=false",
    )
    metrics_ = run(cfg, tmp_path / "run")
    assert metrics_["n_examples"] == 24
    assert len((tmp_path / "run" / "predictions.jsonl").read_text().splitlines()) == 24


# ---------------------------------------------------------------------------
# model: one class and one YAML (here: ``model._target_`` overrides)
class FirstLabel:
    """A toy model: always the first label, with certainty."""

    kind = "toy"

    def __init__(self, task: str, labels: list[str], multilabel: bool = False, **params):
        self.task, self.labels, self.multilabel, self._params = task, labels, multilabel, params

    def fit(self, examples):
        self.n_seen = len(examples)
        return self

    def predict_proba(self, examples):
        proba = np.zeros((len(examples["sentence"]), len(self.labels)))
        proba[:, 0] = 1.0
        return proba

    def save(self, directory):
        Path(directory).mkdir(parents=True, exist_ok=True)

    def params(self):
        return dict(self._params)


def test_toy_model(tmp_path):
    corpus = build_tiny_corpus(tmp_path / "corpus", n_articles=6)
    cfg = run_cfg(
        corpus,
        "model=majority",
        "+model.toy_param=3",
        f"model._target_={__name__}.FirstLabel",
        "~model.classifier",
        "~model.features",
        "save_model=false",
    )
    out = run(cfg, tmp_path / "run")
    rows = [
        json.loads(x) for x in (tmp_path / "run" / "predictions.jsonl").read_text().splitlines()
    ]
    assert {r["stance"] for r in rows} == {"negative"}
    assert out["overall"]["accuracy"] == pytest.approx(
        np.mean([r["gold"] == "negative" for r in rows])
    )


# ---------------------------------------------------------------------------
# metric: compute it in evaluation (a key of metrics.json) and add one Metric
def test_toy_metric(tmp_path, monkeypatch):
    toy = metrics.Metric(
        "negative_recall",
        "neg. recall",
        lambda m: m["overall"]["per_class"]["negative"]["recall"],
        higher_is_better=True,
        aliases=("negrec",),
    )
    monkeypatch.setattr(metrics, "METRICS", (*metrics.METRICS, toy))
    from framing.runs import load_runs

    for name, recall in (("a", 0.25), ("b", 0.75)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "metrics.json").write_text(
            json.dumps(
                {
                    "task": "stance",
                    "model": name,
                    "headline": {"metric": "macro_f1", "value": 0.5},
                    "overall": {"per_class": {"negative": {"recall": recall}}},
                }
            ),
            encoding="utf-8",
        )
    table = runs_table(load_runs([tmp_path / "a", tmp_path / "b"]), sort="negrec")
    assert [r["run"] for r in table.rows] == ["b", "a"]  # best first
    text = render(table, "markdown")
    assert "neg. recall" in text and "0.750" in text


# ---------------------------------------------------------------------------
# behavioural check: a capability is an entry of a suite, a suite is one YAML file
TOY_SUITE = """\
suite: toy
description: A toy suite with one capability of its own.
task: stance
cases_per_actor: 2
actors:
  Russia: [Russia, the Kremlin]
lists:
  place: [Homs, Hama]
capabilities:
  - name: toy_capability
    description: The place and the weather do not change the stance; praise raises it.
    tests:
      - {type: inv, name: weather, template: "{actor} sent a delegation to {place}.",
         perturb: ["{sentence} It was raining."]}
      - {type: dir, name: praise raises, direction: up,
         template: "{actor} met officials in {place}.", then: "{actor} was praised in {place}."}
"""


def test_toy_check_suite(tmp_path):
    """A suite file with a new capability runs in a run (``eval.check_suites``) and in
    ``framing check --suite``: a majority model keeps every label (INV passes) and never
    moves (DIR ``up`` fails), so the capability passes half of its cases."""
    from framing.cli import main as cli_main

    suite = tmp_path / "toy.yaml"
    suite.write_text(TOY_SUITE, encoding="utf-8")
    corpus = build_tiny_corpus(tmp_path / "corpus", n_articles=6)
    cfg = run_cfg(corpus, "model=majority", "eval.checks=true", f"eval.check_suites=['{suite}']")
    out = run(cfg, tmp_path / "run")
    (capability,) = out["checks"]["capabilities"]
    assert capability["capability"] == "toy_capability"
    assert capability["cases"] == 4 and capability["pass_rate"] == 0.5
    report = tmp_path / "checks.json"
    code = cli_main(
        ["check", "--model", str(tmp_path / "run"), "--suite", str(suite), "-o", str(report)]
    )
    assert code == 0
    results = json.loads(report.read_text(encoding="utf-8"))
    assert [c["capability"] for c in results["capabilities"]] == ["toy_capability"]
    assert results["capabilities"][0]["pass_rate"] == 0.5
