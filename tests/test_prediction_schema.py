"""One prediction-row schema: a run's ``predictions.jsonl`` and ``framing predict`` rows.

Both kinds of rows take their columns from :func:`framing.predictions.prediction_fields`;
run rows add only ``gold`` and ``fold``. Checked on the column lists, on real files
written by a run and by ``framing predict`` on the same tiny corpus, and on the
readers (CSV read back as JSONL, the compact file of a reference run).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from run_helpers import build_tiny_corpus, run_cfg

from framing import predictions
from framing.inference import predict_files
from framing.predictions import (
    KEY_FIELDS,
    iter_prediction_rows,
    output_fields,
    prediction_columns,
    run_fields,
)
from framing.report import make_report
from framing.run import run
from framing.runs import compact_run_predictions

STANCE = ["negative", "neutral", "positive"]
FRAMES = ["economic", "political", "other"]


def _without_run_columns(fields: list[str]) -> list[str]:
    return [f for f in fields if f not in ("gold", "fold")]


def test_run_rows_are_inference_rows_plus_gold_and_fold():
    stance, frame = SimpleNamespace(labels=STANCE), SimpleNamespace(labels=FRAMES)
    assert _without_run_columns(run_fields("stance", STANCE)) == output_fields(stance, None)
    assert _without_run_columns(run_fields("framing", FRAMES)) == output_fields(None, frame)
    fields = run_fields("stance", STANCE)
    assert fields[: len(KEY_FIELDS)] == KEY_FIELDS
    assert fields[len(KEY_FIELDS) :] == [
        "gold",
        "stance",
        "p_negative",
        "p_neutral",
        "p_positive",
        "fold",
        "stance_model",
    ]
    assert run_fields("framing", FRAMES)[len(KEY_FIELDS) :] == [
        "gold",
        "frame",
        *[f"frame_p_{x}" for x in FRAMES],
        "fold",
        "frame_model",
    ]
    both = output_fields(stance, frame)
    assert both[len(KEY_FIELDS) :] == [
        "stance",
        *[f"p_{x}" for x in STANCE],
        "frame",
        *[f"frame_p_{x}" for x in FRAMES],
        "stance_model",
        "frame_model",
    ]


def test_both_kinds_of_rows_come_from_the_one_column_definition(monkeypatch):
    """Renaming a task's columns in :data:`TASK_COLUMNS` renames them in both."""
    monkeypatch.setitem(predictions.TASK_COLUMNS, "stance", ("verdict", "q_", "verdict_by"))
    inference = output_fields(SimpleNamespace(labels=["a", "b"]), None)
    ran = run_fields("stance", ["a", "b"])
    assert inference[len(KEY_FIELDS) :] == ["verdict", "q_a", "q_b", "verdict_by"]
    assert ran[len(KEY_FIELDS) :] == ["gold", "verdict", "q_a", "q_b", "fold", "verdict_by"]
    with pytest.raises(ValueError, match="one task"):
        predictions.prediction_fields(STANCE, FRAMES, run=True)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_corpus(tmp_path_factory.mktemp("schema") / "data")


@pytest.mark.parametrize("task", ["stance", "framing"])
def test_a_run_and_framing_predict_write_the_same_columns(tiny, tmp_path, task):
    labels = STANCE if task == "stance" else None
    run(run_cfg(tiny, f"task={task}", "model=tfidf_logreg"), tmp_path / "run")
    out = tmp_path / "pred.jsonl"
    predict_files([tiny / "articles.jsonl"], out, [tmp_path / "run" / "model"], progress=False)
    ran = list(iter_prediction_rows(tmp_path / "run" / "predictions.jsonl"))
    predicted = list(iter_prediction_rows(out))
    assert ran and predicted
    if labels is None:
        labels = [c[len("frame_p_") :] for c in ran[0] if c.startswith("frame_p_")]
    wanted = run_fields(task, labels)
    assert list(ran[0]) == wanted
    assert prediction_columns(tmp_path / "run" / "predictions.csv") == wanted
    assert list(predicted[0]) == _without_run_columns(wanted)
    # the same example, the same id and the same key values in both files
    by_id = {r["example_id"]: r for r in predicted}
    shared = [r for r in ran if r["example_id"] in by_id]
    assert len(shared) >= len(ran) // 2
    for r in shared:
        p = by_id[r["example_id"]]
        for key in ("article_id", "source", "date", "sentence_index", "start", "end", "actor"):
            assert r[key] == p[key], key
        assert r["sentence"] == p["sentence"] and r["mentions"] == p["mentions"]
    model_col = "stance_model" if task == "stance" else "frame_model"
    assert ran[0][model_col] == "tfidf_logreg" and predicted[0][model_col].startswith(
        "tfidf_logreg@"
    )
    # the CSV reads back as the JSONL, and framing report reads a run's predictions too
    assert list(iter_prediction_rows(tmp_path / "run" / "predictions.csv")) == ran
    report = make_report(tmp_path / "run" / "predictions.jsonl", tmp_path / "report")
    heading = "## Stance toward each actor" if task == "stance" else "## Frames"
    assert heading in report.markdown.read_text(encoding="utf-8")


def test_compact_reference_predictions_keep_the_label_column(tmp_path):
    fields = run_fields("framing", FRAMES)
    row = dict.fromkeys(fields)
    row.update(
        example_id="a:0-5",
        article_id="a",
        gold="economic",
        frame="other",
        frame_p_economic=0.2,
        frame_p_political=0.3,
        frame_p_other=0.5,
        fold=1,
        frame_model="tfidf_logreg",
        mentions=[],
    )
    predictions.write_run_predictions(tmp_path, [row], fields)
    path = compact_run_predictions(tmp_path)
    assert not (tmp_path / "predictions.jsonl").exists()
    assert not (tmp_path / "predictions.csv").exists()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        kept = [json.loads(line) for line in fh]
    assert kept == [
        {
            "example_id": "a:0-5",
            "gold": "economic",
            "frame": "other",
            "frame_p_economic": 0.2,
            "frame_p_political": 0.3,
            "frame_p_other": 0.5,
            "fold": 1,
        }
    ]
    assert predictions.run_prediction(kept[0]) == ("economic", "other")
    assert predictions.run_prediction({"gold": "x", "predicted": "y"}) == ("x", "y")  # old rows
