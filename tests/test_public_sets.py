"""Public stance sets (framing.public_sets): NewsMTSC and SemEval-2016 mapped onto examples."""

from __future__ import annotations

import json
import logging
import re

import pytest
from run_helpers import (
    SEMEVAL_ROWS,
    build_tiny_corpus,
    newsmtsc_records,
    run_cfg,
    write_newsmtsc,
    write_semeval,
)

from framing.public_sets import (
    NEWSMTSC_POLARITY,
    SEMEVAL_STANCE,
    newsmtsc_examples,
    semeval_examples,
)
from framing.run import run
from framing.tasks import TaskError, example_features


def test_label_maps_follow_the_design():
    assert NEWSMTSC_POLARITY == {2: "negative", 4: "neutral", 6: "positive"}
    assert SEMEVAL_STANCE == {"AGAINST": "negative", "NONE": "neutral", "FAVOR": "positive"}


def test_newsmtsc_mapping_and_spans(tmp_path, caplog):
    path = write_newsmtsc(tmp_path / "devtest_mt.jsonl")
    with caplog.at_level(logging.WARNING, logger="framing.public_sets"):
        ex = newsmtsc_examples(path)
    assert ex.features == example_features("stance")
    rows = ex.to_list()
    assert [(r["actor"], r["label"]) for r in rows] == [
        ("Trump", "negative"),  # 2.0
        ("Biden", "positive"),  # 6.0
        ("Pelosi", "neutral"),  # 4.0
        ("Sanders", "positive"),
    ]
    assert [r["example_id"] for r in rows] == ["g-1a", "g-1b", "g-2a", "g-3a"]
    trump, biden, pelosi, sanders = rows
    s = trump["sentence"]
    assert s == newsmtsc_records()[0]["sentence_normalized"]
    assert trump["start"] == 0 and trump["end"] == len(s)
    # own mention and further_mentions are the target, the other target's mentions "other"
    assert trump["target_spans"] == [[0, 5], [40, 45]]
    assert trump["other_spans"] == [[14, 19], [25, 30]]
    assert biden["target_spans"] == [[14, 19], [25, 30]]
    assert biden["other_spans"] == [[0, 5], [40, 45]]
    for r in rows:
        for a, b in r["target_spans"]:
            assert r["sentence"][a:b] == r["actor"]
    assert trump["n_actors"] == 2 and pelosi["n_actors"] == 1
    assert pelosi["other_spans"] == [] and sanders["target_spans"] == [[12, 19]]
    # the group (for article-grouped splits) comes from primary_gid
    assert trump["article_id"] == biden["article_id"]
    assert len({trump["article_id"], pelosi["article_id"], sanders["article_id"]}) == 3
    # three bad lines: invalid JSON, no targets, polarity 3.0 — each reported, none fatal
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3
    assert any(":2: invalid JSON" in w for w in warnings)
    assert any("non-empty 'targets'" in w for w in warnings)
    assert any("polarity 3.0 is not 2, 4 or 6" in w for w in warnings)


def test_newsmtsc_target_listed_twice_is_not_its_own_other(tmp_path):
    s = "Critics say Sanders was withholding his plan, and Cruz agreed."
    target = {"from": 12, "to": 19, "mention": "Sanders", "polarity": 2.0}
    again = {**target, "further_mentions": [{"from": 36, "to": 39, "mention": "his"}]}
    cruz = {"from": 50, "to": 54, "mention": "Cruz", "polarity": 4.0}
    path = tmp_path / "dup.jsonl"
    record = {"primary_gid": "g", "sentence_normalized": s, "targets": [target, again, cruz]}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    first, second, third = newsmtsc_examples(path).to_list()
    assert first["target_spans"] == [[12, 19]] and first["other_spans"] == [[50, 54]]
    assert second["target_spans"] == [[12, 19], [36, 39]] and second["other_spans"] == [[50, 54]]
    assert third["other_spans"] == [[12, 19], [12, 19], [36, 39]]


def test_newsmtsc_without_good_lines_is_a_task_error(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("{oops\n" + json.dumps({"sentence_normalized": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(TaskError, match="no NewsMTSC examples"):
        newsmtsc_examples(path)


def test_semeval_mapping(tmp_path, caplog):
    path = write_semeval(tmp_path / "semeval.tsv")
    with caplog.at_level(logging.WARNING, logger="framing.public_sets"):
        ex = semeval_examples(path)
    rows = ex.to_list()
    assert [r["label"] for r in rows] == ["negative", "positive", "neutral", "positive"]
    assert [r["actor"] for r in rows] == [t for _, t, _, _ in SEMEVAL_ROWS]
    assert [r["sentence"] for r in rows] == [tw for _, _, tw, _ in SEMEVAL_ROWS]
    assert rows[0]["example_id"] == "semeval:101" and rows[0]["article_id"] == "semeval:101"
    assert all(r["target_spans"] == [] and r["other_spans"] == [] for r in rows)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "'MAYBE'" in warnings[0]


def test_semeval_missing_columns(tmp_path):
    path = tmp_path / "semeval.tsv"
    path.write_text("ID\tTweet\tStance\n1\thello\tFAVOR\n", encoding="utf-8")
    with pytest.raises(TaskError, match="missing \\['Target'\\]"):
        semeval_examples(path)


def test_cross_dataset_run_tests_on_newsmtsc(tmp_path):
    corpus = build_tiny_corpus(tmp_path / "corpus", n_articles=6)
    newsmtsc = write_newsmtsc(tmp_path / "newsmtsc.jsonl", bad_lines=False)
    cfg = run_cfg(
        corpus,
        "split=cross_dataset",
        "split.test_data.format=newsmtsc",
        f"split.test_data.path={newsmtsc}",
        "model=tfidf_logreg",
    )
    out = tmp_path / "run"
    metrics = run(cfg, out)
    assert metrics["split"] == "cross_dataset"
    assert metrics["n_examples"] == 4 and metrics["overall"]["n"] == 4
    assert len(metrics["folds"]) == 1 and metrics["folds"][0]["n"] == 4
    rows = [json.loads(x) for x in (out / "predictions.jsonl").read_text().splitlines()]
    assert [r["example_id"] for r in rows] == ["g-1a", "g-1b", "g-2a", "g-3a"]
    assert [r["gold"] for r in rows] == ["negative", "positive", "neutral", "positive"]
    assert all(r["fold"] == 0 for r in rows)
    manifest = json.loads((out / "model" / "manifest.json").read_text(encoding="utf-8"))
    n_train = sum(
        len(json.loads(x)["stance"])
        for x in (corpus / "annotations.jsonl").read_text().splitlines()
    )
    assert manifest["n_train_examples"] == n_train == metrics["folds"][0]["n_train"]


def test_public_sets_as_the_training_data(tmp_path):
    semeval = write_semeval(tmp_path / "semeval.tsv", bad_row=False)
    cfg = run_cfg(semeval, "data=semeval2016", "model=majority", "save_model=false", "n_boot=20")
    cfg.data.path = str(semeval)
    metrics = run(cfg, tmp_path / "run")
    assert metrics["data"] == "semeval2016" and metrics["n_examples"] == len(SEMEVAL_ROWS)


def test_differing_subset_only_holds_multi_target_sentences(tmp_path):
    corpus = build_tiny_corpus(tmp_path / "corpus", n_articles=4)
    lines = [
        {
            "primary_gid": "polusa_1_1",
            "sentence_normalized": "Obama won the vote.",
            "targets": [{"from": 0, "to": 5, "mention": "Obama", "polarity": 6.0}],
        },
        {
            "primary_gid": "polusa_2_7",
            "sentence_normalized": "Trump lost the vote",  # same length, other sentence
            "targets": [{"from": 0, "to": 5, "mention": "Trump", "polarity": 2.0}],
        },
    ]
    path = tmp_path / "newsmtsc.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    cfg = run_cfg(
        corpus,
        "split=cross_dataset",
        "split.test_data.format=newsmtsc",
        f"split.test_data.path={path}",
        "model=majority",
        "save_model=false",
    )
    metrics = run(cfg, tmp_path / "run")
    assert "multi_actor" not in metrics["subsets"]  # every sentence has one target
    assert "multi_actor_differing" not in metrics["subsets"]


def test_semeval_cp1252_file_read_in_its_encoding(tmp_path, caplog):
    """The official training file is Windows-1252: curly quotes and accents come back intact."""
    path = tmp_path / "semeval_cp1252.tsv"
    tweet = "It’s “faith” for the café crowd – #SemST"
    rows = ["ID\tTarget\tTweet\tStance", f"7\tAtheism\t{tweet}\tAGAINST"]
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    with caplog.at_level(logging.INFO, logger="framing.public_sets"):
        ex = semeval_examples(path)
    assert ex[0]["sentence"] == tweet and "\ufffd" not in ex[0]["sentence"]
    assert "read as cp1252" in caplog.text and str(path) in caplog.text


def test_semeval_utf8_file_read_as_utf8(tmp_path, caplog):
    path = tmp_path / "semeval_utf8.tsv"
    tweet = "Ünïcode “quotes” and an emoji 🙂"
    path.write_text(
        f"ID\tTarget\tTweet\tStance\n8\tAtheism\t{tweet}\tFAVOR\n", encoding="utf-8-sig"
    )
    with caplog.at_level(logging.INFO, logger="framing.public_sets"):
        ex = semeval_examples(path)
    assert ex[0]["sentence"] == tweet and ex[0]["example_id"] == "semeval:8"  # BOM dropped
    assert "cp1252" not in caplog.text


def test_file_in_neither_encoding_names_the_byte(tmp_path):
    path = tmp_path / "bad.tsv"
    # 0x81 is undefined in cp1252 and, after 'x', invalid UTF-8
    path.write_bytes(b"ID\tTarget\tTweet\tStance\n9\tAtheism\tx\x81y\tNONE\n")
    expected = "bad.tsv: neither UTF-8 (byte 34) nor cp1252 (byte 34: b'\\x81')"
    with pytest.raises(TaskError, match=re.escape(expected)):
        semeval_examples(path)
