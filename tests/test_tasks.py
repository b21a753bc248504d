"""Tasks (framing.tasks): how stance and framing examples are built from a corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from datasets import Dataset

from framing.corpus import Annotation, Article, Corpus
from framing.tasks import TaskError, columns, corpus_examples, example_features

STANCE_LABELS = ["negative", "neutral", "positive"]
FRAMES = ["political", "security_and_defense", "economic", "other"]
TEXT = (
    "Officials praised Russia but condemned Assad on Monday. "
    "The Kremlin said nothing. "
    "He was praised by HTS leaders."
)
# sentences: [0, 55) [56, 81) [82, 112); "He" (Assad, a pronoun the lexicon misses) is [82, 84)
S0, S1, S2 = (0, 55), (56, 81), (82, 112)
ALIASES = {"Russia": {"Russia", "The Kremlin"}, "Assad": {"Assad", "He"}, "HTS": {"HTS"}}


def _ann(span, frame=None, stance=None, **meta):
    start, end = span
    return Annotation("a1", start, end, TEXT[start:end], frame, stance or {}, meta)


def _corpus(annotations, articles=None) -> Corpus:
    articles = articles or {"a1": Article("a1", TEXT, source="Wire", date="2025-01-02")}
    return Corpus(Path("hand-corpus"), articles, list(annotations))


@pytest.fixture()
def stance_corpus() -> Corpus:
    return _corpus(
        [
            _ann(S0, "political", {"Russia": "positive", "Assad": "negative"}),
            _ann(S1, "other", {"Russia": "neutral"}),
            _ann(
                S2,
                "political",
                {"Assad": "positive", "HTS": "neutral"},
                mentions=[{"actor": "Assad", "start": 82, "end": 84}],
            ),
        ]
    )


def test_text_offsets_are_what_the_test_assumes():
    assert TEXT[slice(*S0)].endswith("Monday.")
    assert TEXT[slice(*S1)] == "The Kremlin said nothing."
    assert TEXT[82:84] == "He"


def test_stance_one_row_per_sentence_and_actor(stance_corpus, segmenter):
    ex = corpus_examples(stance_corpus, "stance", segmenter, STANCE_LABELS)
    assert isinstance(ex, Dataset)
    assert ex.features == example_features("stance")
    rows = ex.to_list()
    assert [(r["sentence_index"], r["actor"], r["label"]) for r in rows] == [
        (0, "Assad", "negative"),
        (0, "Russia", "positive"),
        (1, "Russia", "neutral"),
        (2, "Assad", "positive"),
        (2, "HTS", "neutral"),
    ]
    assert len({r["example_id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["sentence"] == TEXT[r["start"] : r["end"]]
        assert r["article_id"] == "a1" and r["source"] == "Wire" and r["date"] == "2025-01-02"
        assert r["target_spans"], r
        for s, e in r["target_spans"]:
            assert r["sentence"][s:e] in ALIASES[r["actor"]]
        for s, e in r["other_spans"]:
            others = set().union(*(v for k, v in ALIASES.items() if k != r["actor"]))
            assert r["sentence"][s:e] in others


def test_stance_spans_point_at_target_and_other_actors(stance_corpus, segmenter):
    rows = {
        (r["sentence_index"], r["actor"]): r
        for r in corpus_examples(stance_corpus, "stance", segmenter, STANCE_LABELS).to_list()
    }
    russia = rows[(0, "Russia")]
    assert russia["target_spans"] == [[18, 24]]
    assert russia["other_spans"] == [[39, 44]]
    assert russia["actors_in_sentence"] == ["Assad", "Russia"] and russia["n_actors"] == 2
    assert rows[(0, "Assad")]["target_spans"] == [[39, 44]]
    assert rows[(1, "Russia")]["sentence"][slice(*rows[(1, "Russia")]["target_spans"][0])] == (
        "The Kremlin"
    )


def test_annotation_mentions_add_spans_the_lexicon_misses(stance_corpus, segmenter):
    rows = {
        (r["sentence_index"], r["actor"]): r
        for r in corpus_examples(stance_corpus, "stance", segmenter, STANCE_LABELS).to_list()
    }
    assad = rows[(2, "Assad")]
    assert assad["target_spans"] == [[0, 2]]  # "He", from the annotation's mentions
    assert assad["other_spans"] == [[18, 21]]  # HTS
    hts = rows[(2, "HTS")]
    assert hts["target_spans"] == [[18, 21]]
    assert [0, 2] in hts["other_spans"]
    # the annotated actor counts even though the lexicon finds no Assad here
    assert hts["actors_in_sentence"] == ["Assad", "HTS"] and hts["n_actors"] == 2


def test_mentions_outside_the_sentence_are_ignored(segmenter):
    corpus = _corpus(
        [
            _ann(
                S1,
                None,
                {"Russia": "neutral"},
                mentions=[{"actor": "Russia", "start": 0, "end": 9}],
            )
        ]
    )
    (row,) = corpus_examples(corpus, "stance", segmenter, STANCE_LABELS).to_list()
    assert row["target_spans"] == [[0, 11]]


def test_actor_filter(stance_corpus, segmenter):
    ex = corpus_examples(stance_corpus, "stance", segmenter, STANCE_LABELS, actors=["Russia"])
    assert set(ex["actor"]) == {"Russia"} and len(ex) == 2


def test_unknown_stance_label_is_a_task_error(stance_corpus, segmenter):
    with pytest.raises(TaskError, match=r"'neutral' \(2x\)"):
        corpus_examples(stance_corpus, "stance", segmenter, ["negative", "positive"])


def test_unknown_task_and_no_examples(stance_corpus, segmenter):
    with pytest.raises(TaskError, match="unknown task"):
        corpus_examples(stance_corpus, "sentiment", segmenter, STANCE_LABELS)
    empty = _corpus([_ann(S0, "political", {})])
    with pytest.raises(TaskError, match="no stance examples"):
        corpus_examples(empty, "stance", segmenter, STANCE_LABELS)


def test_annotation_for_unknown_article_is_skipped(segmenter, caplog):
    corpus = _corpus(
        [
            _ann(S1, "other", {"Russia": "neutral"}),
            Annotation("ghost", 0, 5, "Ghost", "other", {"Russia": "neutral"}),
        ]
    )
    ex = corpus_examples(corpus, "stance", segmenter, STANCE_LABELS)
    assert ex["article_id"] == ["a1"]
    assert "ghost" in caplog.text


def test_annotation_off_the_splitter_boundary_keeps_its_span(segmenter):
    # one annotation spanning the first two sentences
    corpus = _corpus([_ann((0, 81), "political", {"Russia": "positive"})])
    (row,) = corpus_examples(corpus, "stance", segmenter, STANCE_LABELS).to_list()
    assert row["sentence_index"] == -1
    assert row["sentence"] == TEXT[:81]
    assert row["target_spans"] == [[18, 24], [56, 67]]  # Russia and The Kremlin
    assert row["other_spans"] == [[39, 44]]


def test_framing_one_row_per_sentence(stance_corpus, segmenter):
    ex = corpus_examples(stance_corpus, "framing", segmenter, FRAMES)
    rows = ex.to_list()
    assert [r["label"] for r in rows] == ["political", "other", "political"]
    assert all(r["actor"] == "" and r["target_spans"] == [] for r in rows)
    assert [r["example_id"] for r in rows] == ["a1:0-55", "a1:56-81", "a1:82-112"]
    # every actor's mention is an "other" span (there is no target)
    assert rows[0]["other_spans"] == [[18, 24], [39, 44]]
    assert rows[2]["other_spans"] == [[0, 2], [18, 21]]


def test_framing_skips_sentences_without_frame_and_rejects_unknown_frames(segmenter):
    corpus = _corpus([_ann(S0, None, {"Russia": "positive"}), _ann(S1, "other")])
    assert corpus_examples(corpus, "framing", segmenter, FRAMES)["label"] == ["other"]
    bad = _corpus([_ann(S0, "astrology"), _ann(S1, "other")])
    with pytest.raises(TaskError, match="'astrology'"):
        corpus_examples(bad, "framing", segmenter, FRAMES)


def test_framing_multilabel_uses_frames_list(segmenter):
    corpus = _corpus(
        [
            _ann(S0, "political", frames=["political", "security_and_defense"]),
            _ann(S1, "other"),  # no frames list: the primary frame alone
        ]
    )
    ex = corpus_examples(corpus, "framing", segmenter, FRAMES, multilabel=True)
    assert ex.features == example_features("framing", multilabel=True)
    assert ex["label"] == [["political", "security_and_defense"], ["other"]]
    # single-label ignores the frames list
    assert corpus_examples(corpus, "framing", segmenter, FRAMES)["label"] == [
        "political",
        "other",
    ]
    bad = _corpus([_ann(S0, "political", frames=["political", "astrology"])])
    with pytest.raises(TaskError, match="astrology"):
        corpus_examples(bad, "framing", segmenter, FRAMES, multilabel=True)


def test_columns_reads_datasets_and_mappings(stance_corpus, segmenter):
    ex = corpus_examples(stance_corpus, "stance", segmenter, STANCE_LABELS)
    cols = columns(ex, ["actor", "label"])
    assert cols["actor"] == ["Assad", "Russia", "Russia", "Assad", "HTS"]
    assert columns(ex.select([]), ["actor"]) == {"actor": []}
    assert columns({"actor": ("x", "y"), "other": [1]}, ["actor"]) == {"actor": ["x", "y"]}
