"""`framing predict` finds pairs the way `framing segment` does and keeps every mention's
surface, ambiguous flag, sense and how-found; not-the-actor pairs are left out by default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from run_helpers import trained_run

from framing.analyze import analyze_articles
from framing.cli import main
from framing.engine import evidence, pair_actors
from framing.predictions import KEY_FIELDS, iter_prediction_rows
from framing.segment import Segmenter
from framing.summary import summarize_predictions

LANGUAGE = "Many shops in the old town have Russian on their signs."
VENUE = "Officials attended a conference in Moscow on regional trade."
ORDINARY = "Russia bombed the outskirts of Idlib on Tuesday."
ARTICLES = [
    {"id": "lang", "text": LANGUAGE, "date": "2025-03-01", "source": "s"},
    {"id": "venue", "text": VENUE, "date": "2025-03-01", "source": "s"},
    {"id": "plain", "text": ORDINARY, "date": "2025-03-01", "source": "s"},
]


@pytest.fixture(scope="module")
def stance_run(tmp_path_factory) -> Path:
    return trained_run(tmp_path_factory.getbasetemp(), "stance")


def test_segmenter_judges_language_and_venue_not_the_actor():
    for text, reason in ((LANGUAGE, "language"), (VENUE, "place")):
        (sentence,) = Segmenter().segment_text(text, "a", date="2025-03-01")
        assert pair_actors(sentence) == []
        assert pair_actors(sentence, keep_not_actor=True) == ["Russia"]
        found, sense = evidence(sentence, "Russia")
        assert sense == "not_actor"
        assert found[0]["sense_reason"] == reason and found[0]["ambiguous"] is True
        start, end = found[0]["start"], found[0]["end"]
        assert text[start:end] == found[0]["surface"]


def test_no_stance_row_by_default_a_flagged_row_with_the_option(stance_run):
    df = analyze_articles(ARTICLES, stance_run)
    assert list(df.columns[: len(KEY_FIELDS)]) == KEY_FIELDS
    assert set(df["article_id"]) == {"plain"}
    (row,) = df.to_dict(orient="records")
    assert row["sense"] == "actor"
    assert row["evidence"] == [
        {
            "start": 0,
            "end": 6,
            "surface": "Russia",
            "ambiguous": False,
            "sense": "actor",
            "sense_reason": "",
            "how": "alias",
        }
    ]
    kept = analyze_articles(ARTICLES, stance_run, keep_not_actor=True)
    flagged = kept[kept["sense"] == "not_actor"]
    assert sorted(flagged["article_id"]) == ["lang", "venue"]
    assert all(flagged["actor"] == "Russia") and flagged["stance"].notna().all()
    assert flagged["mentions"].map(len).eq(0).all()  # no span judged the actor
    reasons = {r["article_id"]: r["evidence"][0]["sense_reason"] for _, r in flagged.iterrows()}
    assert reasons == {"lang": "language", "venue": "place"}
    # the ordinary pair's row is the same with the option
    plain = kept[kept["article_id"] == "plain"].to_dict(orient="records")
    assert plain == [row]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_cli_keep_not_actor_and_summary(tmp_path, stance_run, suffix):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    out, kept = tmp_path / f"p{suffix}", tmp_path / f"k{suffix}"
    common = ["predict", "--model", str(stance_run), "--input", str(src), "--no-progress"]
    assert main([*common, "-o", str(out), "--summary", str(tmp_path / "s.json")]) == 0
    assert main([*common, "-o", str(kept), "--keep-not-actor"]) == 0
    rows, kept_rows = list(iter_prediction_rows(out)), list(iter_prediction_rows(kept))
    assert [r["article_id"] for r in rows] == ["plain"]
    assert {r["article_id"]: r["sense"] for r in kept_rows} == {
        "lang": "not_actor",
        "venue": "not_actor",
        "plain": "actor",
    }
    assert kept_rows[-1]["evidence"][0]["surface"] == "Russia"
    summary = json.loads((tmp_path / "s.json").read_text())["stance"]
    assert [s["article_id"] for s in summary] == ["plain"]
    # flagged rows count toward no summary unless asked
    assert list(summarize_predictions(kept).stance["article_id"]) == ["plain"]
    assert sorted(summarize_predictions(kept, keep_not_actor=True).stance["article_id"]) == [
        "lang",
        "plain",
        "venue",
    ]


def test_actors_override_changes_the_pairs(tmp_path, stance_run):
    only_moscow = tmp_path / "actors.yaml"
    only_moscow.write_text("actors:\n  Russia:\n    aliases: [Moscow]\n", encoding="utf-8")
    df = analyze_articles(ARTICLES, stance_run, actors=only_moscow)
    assert list(df["article_id"]) == ["venue"]  # no sense rule in that config
    assert df["evidence"][0][0]["how"] == "alias"


def test_report_tables_leave_out_not_actor_rows():
    import pandas as pd

    from framing.report import stance_tables

    rows = [
        {"actor": "Russia", "stance": "negative", "sense": "not_actor", "source": "s"},
        {"actor": "Russia", "stance": "positive", "sense": "actor", "source": "s"},
    ]
    df = pd.DataFrame(rows).assign(month="2025-03")
    overall = stance_tables(df, ["negative", "neutral", "positive"])["overall"]
    assert overall.loc["Russia", "n"] == 1 and overall.loc["Russia", "net_stance"] == 1.0
