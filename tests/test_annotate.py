"""The annotation loop's readers, merge rules, agreement and selection, on hand-written
fixtures in each tool's export format (tests/fixtures/annotate/)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from framing.annotate import doccano, label_studio
from framing.annotate.agreement import agreement
from framing.annotate.judgments import Judgment, Span, judgment_from_spans
from framing.annotate.merge import CorpusMerger
from framing.annotate.selection import STRATEGIES, select
from framing.corpus import iter_article_records
from framing.io import RecordError
from framing.labels import task_labels

FIX = Path(__file__).parent / "fixtures" / "annotate"
ACTORS = {"Russia", "HTS", "Assad"}


def _split(items):
    judgments = [j for j in items if isinstance(j, Judgment)]
    errors = [e for e in items if isinstance(e, RecordError)]
    return {(j.article_id, j.start, j.annotator): j for j in judgments}, errors


def _merger(annotations=(), pending=()):
    articles = {a.id: a for a in iter_article_records(FIX / "articles.jsonl")}
    return CorpusMerger(
        articles, list(annotations), list(pending), task_labels("stance"), task_labels("framing")
    )


# ---------------------------------------------------------------------------
# Label Studio
def test_label_studio_export_read_with_its_quirks():
    by, errors = _split(list(label_studio.read_export(FIX / "label_studio_export.json", ACTORS)))
    # completed_by: an int id, or an object with an email
    assert {who for _, _, who in by} == {"user1", "b@example.org"}
    # a region after an astral character in UTF-16 offsets (56-63) maps to the mention
    # at code points 55-62: confirmed, not an added mention
    j = by[("fx-1", 67, "user1")]
    assert j.stance == {"Russia": "negative"} and j.frame == "security_and_defense"
    assert j.added == [] and j.rejected == []
    # a span the lexicon missed comes back as an added mention, in article offsets
    added = by[("fx-1", 148, "user1")].added
    assert added == [{"actor": "HTS", "start": 212, "end": 223, "surface": "its leaders"}]
    # not_actor on a highlighted mention is a rejection; the skipped annotation is left out
    j = by[("fx-2", 0, "user1")]
    assert j.rejected[0]["actor"] == "Assad" and (j.rejected[0]["start"], j.rejected[0]["end"]) == (
        32,
        46,
    )
    assert ("fx-2", 0, "b@example.org") not in by
    # a combining mark before the mentions: offsets are code points, nothing normalised
    j = by[("fx-2", 73, "user1")]
    assert j.text[10:15] == "Assad" and j.stance == {"Assad": "negative", "Russia": "negative"}
    # one bad annotation: one line naming the file, the task and the annotation
    assert len(errors) == 1
    assert "label_studio_export.json task 4 (id 104) annotation 8" in str(errors[0])


def test_label_studio_config_names_every_result_field():
    xml = label_studio.label_config(["Russia", "HTS"], ["negative", "neutral"], ["economic"])
    for name in ('name="actor"', 'name="stance_Russia"', 'name="stance_HTS"', 'name="frame"'):
        assert name in xml
    assert '<Label value="not_actor"' in xml and 'value="$text"' in xml


def test_utf16_offsets():
    text = "a🚀b Russia"
    assert label_studio.utf16_to_codepoints(text, 5) == 4
    assert label_studio.resolve_offsets(text, {"start": 5, "end": 11, "text": "Russia"}, "w") == (
        4,
        10,
    )
    assert label_studio.resolve_offsets(text, {"start": 4, "end": 10, "text": "Russia"}, "w") == (
        4,
        10,
    )
    with pytest.raises(RecordError, match="holds"):
        label_studio.resolve_offsets(text, {"start": 0, "end": 2, "text": "Russia"}, "w")


# ---------------------------------------------------------------------------
# doccano
def test_doccano_export_read_with_its_quirks():
    by, errors = _split(list(doccano.read_export(FIX / "doccano", ACTORS)))
    assert {who for _, _, who in by} == {"A1", "A2"}  # the per-user file names
    # metadata at the top level and under "meta" (older doccano) both map back
    assert by[("fx-1", 0, "A1")].stance == {"Russia": "negative"}
    assert by[("fx-2", 157, "A1")].stance == {"HTS": "positive"}
    assert by[("fx-2", 157, "A1")].frame == "economic"
    assert by[("fx-2", 73, "A2")].rejected[0]["surface"] == "Moscow"
    wheres = sorted(e.where for e in errors)
    assert wheres == [f"{FIX / 'doccano' / 'A1.jsonl'}:3", f"{FIX / 'doccano' / 'A1.jsonl'}:4"]
    assert "triple" in str(errors[1]) and "JSON" in str(errors[0])


def test_doccano_zip_export_reads_like_the_folder(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in (FIX / "doccano").glob("*.jsonl"):
            zf.write(f, f.name)
    from_zip, zerr = _split(list(doccano.read_export(archive, ACTORS)))
    from_dir, derr = _split(list(doccano.read_export(FIX / "doccano", ACTORS)))
    assert {k: j.labels() for k, j in from_zip.items()} == {
        k: j.labels() for k, j in from_dir.items()
    }
    assert len(zerr) == len(derr) == 2


# ---------------------------------------------------------------------------
# judgments
META = {
    "task_id": "x:10-30",
    "article_id": "x",
    "sentence_start": 10,
    "sentence_end": 30,
    "mentions": [{"actor": "Russia", "start": 0, "end": 6}],
}
TEXT = "Moscow and HTS met.."


@pytest.mark.parametrize(
    ("spans", "choices", "message"),
    [
        ([Span(7, 10, "not_actor")], None, "not a highlighted mention"),
        ([Span(0, 6, "Russia", "negative")], {"Russia": "positive"}, "two stances"),
        ([Span(0, 60, "Russia")], None, "outside the sentence"),
        ([Span(11, 14, "Hamas")], None, "unknown actor"),
        ([Span(0, 6, "not_actor")], {"Russia": "negative"}, "every mention"),
    ],
)
def test_bad_spans_are_one_clear_error(spans, choices, message):
    with pytest.raises(RecordError, match=message):
        judgment_from_spans(META, TEXT, "A", "f:1", spans, None, choices, ACTORS)


def test_edited_text_is_refused_and_empty_judgment_is_none():
    with pytest.raises(RecordError, match="text edited"):
        judgment_from_spans(META, TEXT + "!", "A", "f:1", [], "economic", None, ACTORS)
    assert (
        judgment_from_spans(META, TEXT, "A", "f:1", [Span(0, 6, "Russia")], None, None, ACTORS)
        is None
    )


# ---------------------------------------------------------------------------
# merge rules
def _judgments(path, reader):
    return list(reader(path, ACTORS))


def test_reimport_is_idempotent_and_a_changed_label_is_reported_not_written():
    first = _merger().merge(_judgments(FIX / "doccano", doccano.read_export))
    rows = [r.to_record() for r in first.rows]
    again = _merger(first.rows, first.adjudication).merge(
        _judgments(FIX / "doccano", doccano.read_export)
    )
    assert [r.to_record() for r in again.rows] == rows and again.added == again.updated == 0
    # A1 changes their mind about one sentence: reported, the stored label kept
    changed = [
        j for j in _judgments(FIX / "doccano", doccano.read_export) if isinstance(j, Judgment)
    ]
    for j in changed:
        if j.annotator == "A1" and j.start == 0:
            j.stance = {"Russia": "positive"}
    third = _merger(again.rows, again.adjudication).merge(changed)
    assert [r.to_record() for r in third.rows] == rows
    assert [(c.kind, c.fields) for c in third.conflicts if c.kind == "reimport"] == [
        ("reimport", ["stance.Russia"])
    ]


def test_disagreement_goes_to_adjudication_and_back():
    result = _merger().merge(_judgments(FIX / "doccano", doccano.read_export))
    keys = {(r.article_id, r.start) for r in result.rows}
    assert ("fx-2", 157) not in keys  # A1 positive vs A2 neutral: not written
    pending = {(p["article_id"], p["start"]): p for p in result.adjudication}
    assert pending[("fx-2", 157)]["conflicts"] == ["stance.HTS"]
    assert ("fx-2", 73) in keys  # only A2 labelled it (A1's line is bad): written as is
    entry = dict(pending[("fx-2", 157)])
    entry["resolved"] = {"frame": "economic", "stance": {"HTS": "positive"}}
    done = _merger(result.rows, result.adjudication).adjudicate([("adj.jsonl:1", entry)])
    row = next(r for r in done.rows if (r.article_id, r.start) == ("fx-2", 157))
    assert (
        row.stance == {"HTS": "positive"} and row.meta["adjudicated"] == "resolved in adj.jsonl:1"
    )
    assert set(row.meta["labels_by"]) == {"A1", "A2"}
    assert ("fx-2", 157) not in {(p["article_id"], p["start"]) for p in done.adjudication}
    # importing the same export again does not reopen what was adjudicated
    again = _merger(done.rows, done.adjudication).merge(
        _judgments(FIX / "doccano", doccano.read_export)
    )
    assert [r.to_record() for r in again.rows] == [r.to_record() for r in done.rows]
    assert again.adjudication == done.adjudication and again.conflicts == []


def test_a_later_annotator_joins_a_pending_conflict_without_losing_the_first_two():
    result = _merger().merge(_judgments(FIX / "doccano", doccano.read_export))
    third = [
        j
        for j in _judgments(FIX / "doccano", doccano.read_export)
        if isinstance(j, Judgment) and j.annotator == "A2" and j.start == 157
    ]
    third[0].annotator = "A3"
    later = _merger(result.rows, result.adjudication).merge(third)
    entry = next(p for p in later.adjudication if p["start"] == 157)
    assert set(entry["labels_by"]) == {"A1", "A2", "A3"}


def test_not_actor_against_a_stance_is_a_conflict():
    items = _judgments(FIX / "label_studio_export.json", label_studio.read_export)
    items += _judgments(FIX / "doccano", doccano.read_export)
    result = _merger().merge(items)
    fields = {c.key[:2]: c.fields for c in result.conflicts if c.kind == "annotators"}
    assert fields[("fx-2", 73)] == ["stance.Russia"]  # A2: Moscow is not Russia; user1: negative


# ---------------------------------------------------------------------------
# agreement
def test_agreement_coefficients_match_hand_computed_values():
    ratings = {i: {"A": a, "B": b} for i, (a, b) in enumerate(zip("aabb", "abbb", strict=True))}
    rep = agreement(ratings)
    assert rep["items"] == 4 and rep["all_agree"] == 0.75
    assert rep["cohen_kappa"]["A|B"]["kappa"] == pytest.approx(0.5)  # (0.75-0.5)/(1-0.5)
    assert rep["fleiss_kappa"]["kappa"] == pytest.approx(0.21875 / 0.46875, abs=1e-4)
    assert rep["krippendorff_alpha"]["alpha"] == pytest.approx(1 - 0.25 / (30 / 56), abs=1e-4)
    # one annotator only: nothing to compare
    assert agreement({0: {"A": "a"}})["items"] == 0


# ---------------------------------------------------------------------------
# selection
PROBA = np.array([[0.9, 0.05, 0.05], [0.4, 0.35, 0.25], [0.5, 0.5, 0.0], [0.34, 0.33, 0.33]])
TEXTS = ["a b", "c d", "e f", "g h"]


def test_strategies_pick_what_they_promise():
    assert select(PROBA, TEXTS, 2, "uncertainty") == [3, 1]
    assert select(PROBA, TEXTS, 2, "margin") == [2, 3]
    assert select(PROBA, TEXTS, 4, "random", seed=1) == select(PROBA, TEXTS, 4, "random", seed=1)
    assert sorted(select(PROBA, TEXTS, 4, "random", seed=1)) == [0, 1, 2, 3]
    picked = select(PROBA, TEXTS, 1, "diverse")
    assert len(picked) == 1 and picked[0] in (3, 1, 2, 0)
    assert set(STRATEGIES) == {"uncertainty", "margin", "random", "diverse"}
    with pytest.raises(ValueError, match="unknown strategy"):
        select(PROBA, TEXTS, 1, "entropy")


def test_diverse_spreads_over_clusters():
    texts = ["Russia bombed Idlib"] * 4 + ["bread prices fell"] * 4
    proba = np.tile([0.34, 0.33, 0.33], (8, 1))  # all equally uncertain
    chosen = select(proba, texts, 2, "diverse")
    assert {texts[i] for i in chosen} == {"Russia bombed Idlib", "bread prices fell"}
