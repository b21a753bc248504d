"""framing predict --targets-from: stance targets given with the input, not the lexicon."""

from __future__ import annotations

import json

import pytest
from run_helpers import build_tiny_corpus, newsmtsc_records, run_cfg

from framing.cli import main
from framing.given_targets import locate, parse_targets
from framing.io import RecordError
from framing.run import run


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("tf")
    corpus = build_tiny_corpus(root / "corpus", n_articles=6)
    run(run_cfg(corpus, "split=heldout", "model=tfidf_logreg", "n_boot=10"), root / "run")
    return root / "run"


def test_newsmtsc_records_predicted_on_their_own_targets(model_dir, tmp_path):
    records = newsmtsc_records()
    records.append(
        {
            "primary_gid": "names",
            "sentence_normalized": "Russia and Moscow met Trump.",
            "targets": ["Trump"],
        }
    )
    records.append(
        {
            "primary_gid": "bad",
            "sentence_normalized": "Nothing here.",
            "targets": [{"from": 40, "to": 45}],
        }
    )
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main(
        [
            "predict",
            "--model",
            str(model_dir),
            "--input",
            str(inp),
            "-o",
            str(out),
            "--id-field",
            "primary_gid",
            "--text-field",
            "sentence_normalized",
            "--targets-from",
            "targets",
            "--no-progress",
        ]
    )
    assert code == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    pairs = [(r["article_id"], r["actor"], r["mentions"]) for r in rows]
    assert pairs == [
        ("allsides_101_0", "Trump", [[0, 5], [40, 45]]),
        ("allsides_101_0", "Biden", [[14, 19], [25, 30]]),
        ("polusa_202_3", "Pelosi", [[0, 6]]),
        ("basil_303_1", "Sanders", [[12, 19]]),
        ("names", "Trump", [[22, 27]]),  # the lexicon's Russia/Moscow are not targets
    ]
    errors = [json.loads(x) for x in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert len(errors) == 1 and "targets[0]: span [40, 45] outside the text" in errors[0]["reason"]


def test_api_takes_targets_from(model_dir):
    import framing

    df = framing.analyze_articles(
        [{"id": "a", "text": "Officials met Karl Smith in Damascus.", "who": ["Karl Smith"]}],
        stance_model=model_dir,
        targets_from="who",
    )
    assert list(df["actor"]) == ["Karl Smith"] and list(df["mentions"]) == [[[14, 24]]]


def test_parse_targets_forms_and_errors():
    text = "Trump praised Biden."
    got = parse_targets(
        '[{"start": 14, "end": 19, "actor": "Joe Biden"}, "Trump"]', text, "f:1", "t"
    )
    assert got == [("Joe Biden", "Biden", 14), ("Trump", "Trump", None)]
    assert locate(got, text, text) == [
        {"actor": "Trump", "start": 0, "end": 5},
        {"actor": "Joe Biden", "start": 14, "end": 19},
    ]
    with pytest.raises(RecordError, match="must be a list"):
        parse_targets({"a": 1}, text, "f:1", "t")
    with pytest.raises(RecordError, match=r"t\[0\]: needs a span"):
        parse_targets([{"polarity": 2}], text, "f:1", "t")
