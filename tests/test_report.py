"""Summaries (``framing predict --summary``) and ``framing report`` on hand-made predictions."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from framing import predict as fp
from framing import report as fr
from framing.cli import main
from framing.examples import example_id
from framing.summary import summarize_rows

STANCE = ["negative", "neutral", "positive"]
FRAMES = ["economic", "security_and_defense", "political"]
FIELDS = [
    *fp.KEY_FIELDS,
    "stance",
    *[f"p_{x}" for x in STANCE],
    "frame",
    *[f"frame_p_{x}" for x in FRAMES],
    "stance_model",
    "frame_model",
]

# (article, source, date, sentence index, actor, stance, frame)
HAND_MADE = [
    ("A", "S1", "2025-01-10", 0, "Russia", "positive", "political"),
    ("A", "S1", "2025-01-10", 0, "HTS", "negative", "political"),
    ("A", "S1", "2025-01-10", 1, "Russia", "positive", "economic"),
    ("A", "S1", "2025-01-10", 2, "", None, "political"),
    ("A", "S1", "2025-01-10", 3, "Russia", "negative", "security_and_defense"),
    ("A", "S1", "2025-01-10", 4, "Russia", "neutral", "political"),
    ("B", "S2", "2025-02-03", 0, "HTS", "positive", "economic"),
    ("B", "S2", "2025-02-03", 1, "HTS", "positive", "economic"),
    ("B", "S2", "2025-02-03", 2, "Assad", "negative", "political"),
]


def _row(art, source, date, index, actor, stance, frame) -> dict:
    row = {
        "example_id": example_id(art, 10 * index, 10 * index + 9, actor),
        "article_id": art,
        "source": source,
        "date": date,
        "sentence_index": index,
        "start": 10 * index,
        "end": 10 * index + 9,
        "sentence": f"Sentence {index} of {art}.",
        "actor": actor,
        "mentions": [[0, 3]] if actor else [],
        "evidence": [],
        "sense": "actor" if actor else None,
        "stance": stance,
    }
    for lab in STANCE:
        row[f"p_{lab}"] = None if stance is None else (0.8 if lab == stance else 0.1)
    row["frame"] = frame
    for lab in FRAMES:
        row[f"frame_p_{lab}"] = 0.8 if lab == frame else 0.1
    row["stance_model"] = "stance@x"
    row["frame_model"] = "frame@y"
    return row


def write_predictions(path: Path, fields=FIELDS, rows=None) -> Path:
    rows = rows if rows is not None else [_row(*r) for r in HAND_MADE]
    writer = fp.OutputWriter(path, fields)
    for art in dict.fromkeys(r["article_id"] for r in rows):
        writer.write_article([{k: r[k] for k in fields} for r in rows if r["article_id"] == art])
    writer.commit()
    return path


@pytest.fixture(params=[".jsonl", ".csv", ".parquet"])
def predictions(request, tmp_path) -> Path:
    return write_predictions(tmp_path / f"pred{request.param}")


# ---------------------------------------------------------------------------
def test_summary_numbers(predictions):
    summary = fr.summarize_predictions(predictions)
    assert summary.stance_labels == STANCE and summary.frame_labels == FRAMES
    st = summary.stance.set_index(["article_id", "actor"])
    russia = st.loc[("A", "Russia")]
    assert russia["n"] == 4
    assert (russia["n_positive"], russia["n_neutral"], russia["n_negative"]) == (2, 1, 1)
    assert (russia["share_positive"], russia["share_neutral"], russia["share_negative"]) == (
        0.5,
        0.25,
        0.25,
    )
    assert russia["net_stance"] == 0.25
    assert russia["source"] == "S1" and russia["date"] == "2025-01-10"
    assert st.loc[("A", "HTS"), "net_stance"] == -1
    assert st.loc[("B", "HTS"), "n"] == 2 and st.loc[("B", "HTS"), "net_stance"] == 1
    assert st.loc[("B", "Assad"), "share_negative"] == 1
    assert len(st) == 4  # the actor-less row is no stance pair

    fr_ = summary.frames.set_index("article_id")
    # sentence 0 of A has two rows (two actors) but is one sentence
    assert fr_.loc["A", "n_sentences"] == 5 and fr_.loc["B", "n_sentences"] == 3
    assert fr_.loc["A", "top_frame"] == "political"
    assert fr_.loc["A", "share_political"] == 0.6
    assert fr_.loc["A", "share_economic"] == 0.2
    assert fr_.loc["B", "share_economic"] == round(2 / 3, 6)
    assert fr_.loc["B", "top_frame"] == "economic"


def test_summary_net_stance_weighted_by_probability(predictions):
    """p = 0.8 on the predicted label, 0.1 elsewhere: a row scores p_positive - p_negative."""
    plain = fr.summarize_predictions(predictions)
    assert "net_stance_probability" not in plain.stance.columns  # the default is unchanged
    st = fr.summarize_predictions(predictions, net="probability").stance
    st = st.set_index(["article_id", "actor"])
    # A/Russia: positive 0.7, positive 0.7, negative -0.7, neutral 0.0
    assert st.loc[("A", "Russia"), "net_stance_probability"] == pytest.approx(0.175)
    assert st.loc[("A", "Russia"), "net_stance"] == 0.25  # the label count stays beside it
    assert st.loc[("A", "HTS"), "net_stance_probability"] == pytest.approx(-0.7)
    assert st.loc[("B", "HTS"), "net_stance_probability"] == pytest.approx(0.7)
    with pytest.raises(ValueError, match="unknown net stance weighting 'soft'"):
        summarize_rows([], STANCE, net="soft")


def test_write_summary_csv_and_json(tmp_path, predictions):
    summary = fr.summarize_predictions(predictions)
    written = fr.write_summary(summary, tmp_path / "summary.csv")
    assert written == [tmp_path / "summary.csv", tmp_path / "summary_frames.csv"]
    stance = pd.read_csv(written[0])
    assert list(stance.columns[:5]) == ["article_id", "source", "date", "actor", "n"]
    assert stance["net_stance"].tolist() == [0.25, -1.0, 1.0, -1.0]
    frames = pd.read_csv(written[1])
    assert frames["n_sentences"].tolist() == [5, 3]
    (path,) = fr.write_summary(summary, tmp_path / "summary.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert set(doc) == {"stance", "frames"}
    assert doc["stance"][0]["net_stance"] == 0.25 and doc["frames"][1]["top_frame"] == "economic"
    with pytest.raises(ValueError):
        fr.write_summary(summary, tmp_path / "summary.xlsx")


def test_summary_of_one_task(tmp_path):
    fields = [f for f in FIELDS if not f.startswith(("stance", "p_"))]
    frames_only = write_predictions(tmp_path / "f.jsonl", fields)
    summary = fr.summarize_predictions(frames_only)
    assert summary.stance is None and summary.frames is not None
    assert fr.write_summary(summary, tmp_path / "s.csv") == [tmp_path / "s.csv"]
    assert pd.read_csv(tmp_path / "s.csv")["n_sentences"].tolist() == [5, 3]


def test_multilabel_frames_are_counted_per_frame(tmp_path):
    rows = [{**_row(*r), "frame": [r[-1]]} for r in HAND_MADE]  # a multi-label model: lists
    rows[0]["frame"] = rows[1]["frame"] = ["political", "economic"]
    path = tmp_path / "ml.parquet"
    writer = fp.OutputWriter(path, FIELDS, multilabel_frames=True)
    for art in ("A", "B"):
        writer.write_article([r for r in rows if r["article_id"] == art])
    writer.commit()
    for other in (path, write_predictions(tmp_path / "ml.jsonl", rows=rows)):
        frames = fr.summarize_predictions(other).frames.set_index("article_id")
        assert frames.loc["A", "share_political"] == 0.6
        assert frames.loc["A", "share_economic"] == 0.4  # sentence 0 carries both


def test_report_tables(predictions):
    df = fp.load_predictions(predictions)
    df["month"] = pd.to_datetime(df["date"]).dt.strftime("%Y-%m")
    st = fr.stance_tables(df, STANCE)
    overall = st["overall"]
    assert overall.loc["Russia", "n"] == 4 and overall.loc["Russia", "net_stance"] == 0.25
    assert overall.loc["HTS", "net_stance"] == pytest.approx(1 / 3)
    assert st["by_source"].loc["HTS", "S1"] == -1 and st["by_source"].loc["HTS", "S2"] == 1
    assert st["by_month"].loc["2025-01", "Russia"] == 0.25
    assert st["n_by_month"].loc["2025-02", "HTS"] == 2
    ft = fr.frame_tables(df, FRAMES)
    assert ft["overall"].loc["political", "share"] == 0.5
    assert ft["overall"].loc["economic", "n"] == 3
    assert ft["by_source"].loc["S2", "economic"] == pytest.approx(2 / 3)


def test_report_files(tmp_path, predictions):
    out = tmp_path / "report"
    assert main(["-q", "report", str(predictions), "--output", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {
        "report.md",
        "stance_by_source.png",
        "stance_over_time.png",
        "frames_overall.png",
        "frames_by_source.png",
    }
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "report.md").read_text(encoding="utf-8")
    for name in names - {"report.md"}:
        assert f"]({name})" in md
    assert "| Russia | 4 | 0.25 | 0.25 | 0.50 | 0.25 |" in md
    assert "| 2025-01 |" in md
    assert "| political | 4 | 0.500 |" in md


def test_report_of_stance_only_without_dates(tmp_path):
    fields = [f for f in FIELDS if not f.startswith("frame")]
    rows = [{**_row(*r), "date": None} for r in HAND_MADE]
    path = write_predictions(tmp_path / "s.csv", fields, rows)
    report = fr.make_report(path, tmp_path / "out")
    assert [p.name for p in report.figures] == ["stance_by_source.png"]
    md = report.markdown.read_text(encoding="utf-8")
    assert "No dated articles." in md and "## Frames" not in md


def test_report_refuses_a_file_without_predictions(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"article_id": "a", "sentence": "x"}) + "\n", encoding="utf-8")
    assert main(["-q", "report", str(path), "-o", str(tmp_path / "out")]) == 2
