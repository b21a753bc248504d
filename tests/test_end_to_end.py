"""End-to-end evaluation (framing evaluate-pipeline, eval.end_to_end) on a hand-made
two-article corpus and a rule stance model whose answers are known."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from framing import end_to_end as e2e
from framing.cli import main
from framing.corpus import load_corpus
from framing.framing_model import FramingModel
from framing.resources import CONFIG_DIR
from framing.segment import Segmenter

LABELS = ["negative", "neutral", "positive"]
DATE = "2025-03-01"
# (sentence, gold stance map): sentence 2 of a1 has "Russian" the language and no gold
# pair; sentence 2 of a2 is about Assad without naming him (a missed pair)
ARTICLES = {
    "a1": [
        ("Russia praised the agreement in a statement.", {"Russia": "positive"}),
        ("Many shops in the old town have Russian on their signs.", {}),
        ("Russia condemned the strikes on the coast.", {"Russia": "negative"}),
    ],
    "a2": [
        ("HTS fighters attacked a checkpoint near the border.", {"HTS": "negative"}),
        ("The old army collapsed within days.", {"Assad": "negative"}),
    ],
}
OLD_ACTORS = {
    "name": "old",
    "actors": {
        "Russia": {"aliases": ["Russia", "Russian"]},
        "HTS": {"aliases": ["HTS"]},
        "Assad": {"aliases": ["Assad"]},
    },
}


class RuleStance:
    """positive on "praised", negative on "condemned"/"attacked", else neutral."""

    task = "stance"
    labels = LABELS

    def predict_proba(self, examples):
        out = []
        for text in examples["sentence"]:
            k = 2 if "praised" in text else 0 if ("condemned" in text or "attacked" in text) else 1
            out.append(np.eye(3)[k])
        return np.array(out)


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    articles, annotations = [], []
    seg = Segmenter()
    for art_id, sentences in ARTICLES.items():
        text = " ".join(s for s, _ in sentences)
        articles.append({"id": art_id, "text": text, "source": "hand", "date": DATE})
        spans = seg.segment_text(text, art_id, date=DATE)
        assert [s.text for s in spans] == [s for s, _ in sentences]
        for sentence, (_, stance) in zip(spans, sentences, strict=True):
            annotations.append(
                {
                    "article_id": art_id,
                    "start": sentence.start,
                    "end": sentence.end,
                    "text": sentence.text,
                    "frame": None,
                    "stance": stance,
                }
            )
    for name, records in (("articles", articles), ("annotations", annotations)):
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in records)
    splits = {"seed": 1, "test": ["a1"], "test_only": {"realistic": ["a2"]}}
    (folder / "splits.json").write_text(json.dumps(splits), encoding="utf-8")
    return folder


@pytest.fixture
def model(tmp_path) -> FramingModel:
    actors = yaml.safe_load((CONFIG_DIR / "actors" / "syria.yaml").read_text())
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "manifest.json").write_text("{}", encoding="utf-8")
    manifest = {"actors": actors, "input_format": {"splitter": "sentencex"}}
    return FramingModel(RuleStance(), manifest, folder)


def test_scores_of_the_whole_pipeline(corpus, model):
    scores = e2e.evaluate_pipeline(model, load_corpus(corpus), ["a1", "a2"])
    pairs = scores["pairs"]["overall"]
    assert (pairs["tp"], pairs["fp"], pairs["fn"]) == (3, 0, 1)  # "Russian" the language: no pair
    assert scores["pairs"]["per_actor"]["Assad"]["recall"] == 0.0
    assert scores["pairs"]["per_how"]["alias"]["tp"] == 3
    assert scores["stance_found"]["n"] == 3 and scores["stance_found"]["accuracy"] == 1.0
    # on gold pairs the rule says neutral for the unnamed Assad sentence
    assert scores["stance_gold"]["n"] == 4 and scores["stance_gold"]["accuracy"] == 0.75
    net = scores["net_stance"]
    assert (net["cells_gold"], net["cells_found"], net["cells_both"]) == (3, 2, 2)
    assert net["mae"] == 0.0  # a1 Russia 0 = (1 − 1)/2, a2 HTS −1: both right
    assert net["mae_missing_as_zero"] == pytest.approx(1 / 3, abs=1e-4)  # Assad −1 missed


def test_old_actors_find_the_language_pair(corpus, model, tmp_path):
    old = tmp_path / "old.yaml"
    old.write_text(yaml.safe_dump(OLD_ACTORS), encoding="utf-8")
    scores = e2e.evaluate_pipeline(model, load_corpus(corpus), ["a1"], actors=old)
    assert scores["actors"] == "old"
    pairs = scores["pairs"]["overall"]
    assert (pairs["tp"], pairs["fp"], pairs["fn"]) == (2, 1, 0)
    assert scores["net_stance"]["cells_both"] == 1


def test_cli_writes_the_scores(corpus, model, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(e2e, "load_model", lambda path: model)
    out = tmp_path / "e2e.json"
    argv = ["evaluate-pipeline", "--model", "m", "--data", str(corpus), "--set", "realistic"]
    assert main([*argv, "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["set"] == "realistic" and doc["articles"] == 1
    assert doc["pairs"]["overall"]["recall"] == 0.5
    assert "net stance MAE" in capsys.readouterr().out
    assert main([*argv[:-1], "nope"]) == 2


def test_run_hook_uses_only_sets_the_model_never_trained_on(corpus, model, monkeypatch):
    monkeypatch.setattr(e2e, "load_model", lambda path: model)
    base = {
        "task": {"name": "stance"},
        "data": {"format": "corpus", "path": str(corpus)},
        "eval": {"end_to_end": True},
    }
    kfold = e2e.end_to_end_metrics({**base, "split": {"name": "kfold"}}, Path("run"))
    assert list(kfold["end_to_end"]) == ["realistic"]
    heldout = e2e.end_to_end_metrics(
        {**base, "split": {"name": "heldout", "test": "fixed"}}, Path("run")
    )
    assert list(heldout["end_to_end"]) == ["fixed", "realistic"]
    assert heldout["end_to_end"]["fixed"]["pairs"]["overall"]["tp"] == 2
    off = {**base, "eval": {"end_to_end": False}, "split": {"name": "heldout"}}
    assert e2e.end_to_end_metrics(off, Path("run")) == {}
    framing_task = {**base, "task": {"name": "framing"}, "split": {"name": "heldout"}}
    assert e2e.end_to_end_metrics(framing_task, Path("run")) == {}
    # several sources: the corpus the run is split on (data.target) is scored
    sources = {
        **base,
        "split": {"name": "heldout", "test": "fixed"},
        "data": {
            "target": "syria",
            "sources": {
                "syria": {"format": "corpus", "path": str(corpus)},
                "newsmtsc": {"format": "newsmtsc", "path": "train.jsonl"},
            },
        },
    }
    assert list(e2e.end_to_end_metrics(sources, Path("run"))["end_to_end"]) == [
        "fixed",
        "realistic",
    ]
    public_target = {**sources, "data": {**sources["data"], "target": "newsmtsc"}}
    assert e2e.end_to_end_metrics(public_target, Path("run")) == {}
