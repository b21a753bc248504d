"""framing.pairs: pair precision and recall against gold stance keys."""

from __future__ import annotations

import json

import pytest

from framing.corpus import Article, load_corpus
from framing.pairs import found_pairs, pair_scores, scores_markdown, split_ids
from framing.segment import Segmenter

TEXT = (
    "Ahmed al-Sharaa met envoys on Monday. He asked for wheat. "
    "She speaks fluent Russian at home. Moscow sent grain."
)


@pytest.fixture
def corpus(tmp_path):
    seg = Segmenter()
    article = {"id": "a1", "text": TEXT, "date": "2025-05-01"}
    sentences = seg.segment(Article.from_record(article)).sentences
    gold = [{"HTS": "neutral"}, {"HTS": "neutral"}, {"Russia": "neutral"}, {"Russia": "positive"}]
    assert len(sentences) == len(gold)
    anns = [
        {"article_id": "a1", "start": s.start, "end": s.end, "text": s.text, "stance": g}
        for s, g in zip(sentences, gold, strict=True)
    ]
    (tmp_path / "articles.jsonl").write_text(json.dumps(article) + "\n", encoding="utf-8")
    (tmp_path / "annotations.jsonl").write_text(
        "".join(json.dumps(a) + "\n" for a in anns), encoding="utf-8"
    )
    (tmp_path / "splits.json").write_text(json.dumps({"test": ["a1"]}), encoding="utf-8")
    return load_corpus(tmp_path)


def test_scores_per_actor_and_way_of_finding(corpus):
    errors: list[dict] = []
    scores = pair_scores(corpus, Segmenter(), errors=errors)
    # "He asked" is the speaker rule's ("asked"), so missed; "Russian" the language: no pair
    assert scores["overall"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": pytest.approx(0.6667, abs=1e-4),
        "tp": 2,
        "fp": 0,
        "fn": 2,
    }
    assert scores["per_actor"]["HTS"]["tp"] == 1 and scores["per_actor"]["Russia"]["fn"] == 1
    assert scores["per_how"]["alias"] == {"precision": 1.0, "recall": 0.5, "tp": 2, "fp": 0}
    missed = sorted((e["actor"], e["evidence"]) for e in errors)
    assert missed == [("HTS", []), ("Russia", ["Russian"])]
    assert "| all | 1.000 | 0.500 |" in scores_markdown(scores)


def test_found_pairs_credit_the_best_way(corpus):
    seg = Segmenter()
    text = "HTS took Idlib. The group and its fighters held it."
    second = seg.segment(Article("x", text)).sentences[1]
    assert found_pairs(second) == {"HTS": "role_noun"}


def test_split_ids(corpus):
    assert split_ids(corpus, "test") == ["a1"]
    assert split_ids(corpus, "train") == []
    with pytest.raises(ValueError, match="split must be"):
        split_ids(corpus, "dev")


def test_split_ids_keep_test_only_sets_out_of_train(corpus):
    corpus.test_ids = []
    assert split_ids(corpus, "train") == ["a1"]
    corpus.test_only = {"realistic": ["a1"]}
    assert split_ids(corpus, "train") == []  # a test-only article is never train
    assert split_ids(corpus, "realistic") == ["a1"]
    assert split_ids(corpus, "test") == []
    with pytest.raises(ValueError, match="one of train, test, all, realistic"):
        split_ids(corpus, "fixed")
