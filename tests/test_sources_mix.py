"""Several sources in one run, several cross-dataset test files, PerSenT, extra test sets."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from run_helpers import build_tiny_corpus, compose_cfg, run_cfg, write_newsmtsc, write_persent

from framing.corpus import load_corpus
from framing.mixing import oversample
from framing.persent import entity_spans, masked_spans, persent_examples
from framing.run import ConfigError, run
from framing.sources import named_test_data
from framing.tasks import TaskError


def test_persent_one_example_per_labelled_paragraph(tmp_path, caplog):
    ds = persent_examples(write_persent(tmp_path / "persent.csv"))
    rows = ds.to_list()
    assert [r["example_id"] for r in rows] == [
        "persent:7:0",
        "persent:7:1",
        "persent:9:0",
        "persent:9:1",
    ]
    assert [r["label"] for r in rows] == ["neutral", "positive", "negative", "neutral"]
    assert rows[0]["sentence"] == "Jane Doe opened the bridge on Monday."
    assert rows[0]["target_spans"] == [[0, 8]]
    assert rows[1]["target_spans"] == [[18, 21]]  # the surname alone
    # "He" is a reference only the masked copy marks
    assert rows[3]["target_spans"] == [[0, 2]] and rows[3]["actor"] == "Karl Smith"
    assert {r["article_id"] for r in rows} == {"persent:7", "persent:9"}
    assert "Mixed" in caplog.text


def test_persent_missing_column_names_it(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("DOCUMENT_INDEX,TITLE\n1,x\n", encoding="utf-8")
    with pytest.raises(TaskError, match="TARGET_ENTITY"):
        persent_examples(path)


def test_masked_spans_align_despite_quotes_spaces_and_adjacent_placeholders():
    text = "For Liu he felt that \u201cbig cities\u201d need him, said Liu."
    masked = 'For [TGT][TGT] felt that "big cities" need [TGT], said [TGT]."'
    spans = masked_spans(text, masked)
    assert [text[a:b] for a, b in spans] == ["Liu he", "him", "Liu"]
    assert masked_spans("Nothing here.", "Nothing here.") == []
    assert masked_spans("A different paragraph.", "[TGT] spoke.") is None


def test_persent_repairs_mojibake_and_marks_pronouns(tmp_path):
    path = tmp_path / "p.csv"
    doc = "Mayor Ann Lee won.\nShe said: \u00e2\u20ac\u0153we did it\u00e2\u20ac\u009d."
    masked = "Mayor [TGT] won.\n[TGT] said: \u00e2\u20ac\u0153we did it."
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [
                ["DOCUMENT_INDEX", "TARGET_ENTITY", "DOCUMENT", "MASKED_DOCUMENT", "Paragraph0"]
                + ["Paragraph1"],
                ["1", "Ann Lee", doc, masked, "Positive", "Neutral"],
            ]
        )
    rows = persent_examples(path).to_list()
    assert rows[1]["sentence"] == "She said: \u201cwe did it\u201d."
    assert rows[1]["target_spans"] == [[0, 3]]
    assert rows[0]["target_spans"] == [[6, 13]]


def test_entity_spans_prefers_full_name():
    assert entity_spans("Jane Doe met Doe's aide; Doer left.", "Jane Doe") == [[0, 8], [13, 16]]


def test_oversample_is_a_seeded_factor():
    assert list(oversample(4, 2.0, 0)) == [0, 1, 2, 3, 0, 1, 2, 3]
    half = oversample(10, 0.5, 1)
    assert len(half) == 5 and len(set(half)) == 5
    assert np.array_equal(half, oversample(10, 0.5, 1))
    assert len(oversample(10, 0, 1)) == 0
    with pytest.raises(ConfigError):
        oversample(3, -1, 0)


def test_test_data_shapes():
    one = {"name": "t", "format": "newsmtsc", "path": "a"}
    assert list(named_test_data(one)) == ["split.test_data"]
    named = {"name": None, "format": None, "path": "???", "rw": {"format": "x", "path": "a"}}
    assert named_test_data(named) == {
        "split.test_data.rw": {"name": "rw", "format": "x", "path": "a"}
    }
    assert list(named_test_data([one, one])) == ["split.test_data[0]", "split.test_data[1]"]
    with pytest.raises(ConfigError, match="split.test_data"):
        named_test_data(None)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("mix")
    return {
        "corpus": build_tiny_corpus(root / "corpus", n_articles=6),
        "newsmtsc": write_newsmtsc(root / "newsmtsc.jsonl", bad_lines=False),
        "persent": write_persent(root / "persent.csv"),
    }


def _mixed_cfg(files, *overrides: str):
    """TF-IDF on the tiny corpus (the target) and the NewsMTSC fixture, plus ``overrides``."""
    return compose_cfg(
        "model=tfidf_logreg",
        "save_model=false",
        "split=heldout",
        "data=syria_newsmtsc",
        f"data.sources.syria.path={files['corpus']}",
        f"data.sources.newsmtsc.path={files['newsmtsc']}",
        *overrides,
    )


def test_extra_sources_only_add_training(files, tmp_path):
    base = run_cfg(files["corpus"], "model=tfidf_logreg", "save_model=false", "split=heldout")
    plain = run(base, tmp_path / "plain")
    cfg = _mixed_cfg(
        files,
        "n_boot=50",
        "data.sources.newsmtsc.weight=2",
        "+data.sources.newsmtsc.label_map={neutral: null}",
        f"+data.sources.persent={{format: persent, path: {files['persent']}, weight: 0.5}}",
    )
    mixed = run(cfg, tmp_path / "mixed")
    # the held-out test is the target's: same examples scored
    assert mixed["n_examples"] == plain["n_examples"]
    rows = [
        json.loads(x) for x in (tmp_path / "mixed" / "predictions.jsonl").read_text().splitlines()
    ]
    assert not any(
        ":" in r["article_id"] and r["article_id"].split(":")[0] in ("newsmtsc", "persent")
        for r in rows
    )
    src = {s["name"]: s for s in mixed["sources"]}
    assert src["syria"]["role"] == "target"
    assert src["newsmtsc"]["n_examples"] == 2 * 3  # 4 targets, the neutral one dropped, twice
    assert src["persent"]["n_examples"] == 2  # half of 4 paragraphs
    assert mixed["folds"][0]["n_train"] == plain["folds"][0]["n_train"] + 6 + 2


def test_unknown_target_source_is_named(files, tmp_path):
    cfg = compose_cfg(
        "data=syria_newsmtsc",
        "data.target=nope",
        f"data.sources.newsmtsc.path={files['newsmtsc']}",
    )
    with pytest.raises(ConfigError, match="data.target 'nope'"):
        run(cfg, tmp_path / "r")


def test_cross_dataset_several_test_files_each_reported(files, tmp_path):
    cfg = run_cfg(
        files["corpus"],
        "split=cross_dataset",
        "model=tfidf_logreg",
        "save_model=false",
        f"+split.test_data.rw={{format: newsmtsc, path: {files['newsmtsc']}}}",
        f"+split.test_data.pp={{format: persent, path: {files['persent']}}}",
    )
    m = run(cfg, tmp_path / "r")
    assert set(m["test_sets"]) == {"rw", "pp"}
    assert m["test_sets"]["rw"]["n"] == 4 and m["test_sets"]["pp"]["n"] == 4
    assert {"macro_f1", "accuracy", "f1_pn"} <= set(m["test_sets"]["rw"])
    assert m["n_examples"] == 8 and len(m["folds"]) == 2
    assert m["folds"][0]["n_train"] == m["folds"][1]["n_train"]


def test_cross_dataset_without_format_names_the_setting(files, tmp_path):
    cfg = run_cfg(
        files["corpus"], "split=cross_dataset", f"split.test_data.path={files['newsmtsc']}"
    )
    with pytest.raises(ConfigError, match=r"split.test_data.format is not set"):
        run(cfg, tmp_path / "r")


def test_eval_test_data_scores_the_final_model(files, tmp_path):
    cfg = run_cfg(
        files["corpus"],
        "split=heldout",
        "model=tfidf_logreg",
        "save_model=false",
        f"eval.test_data={{rw: {{format: newsmtsc, path: {files['newsmtsc']}}}, "
        f"fixed: {{format: corpus, path: {files['corpus']}, test_set: fixed}}}}",
    )
    m = run(cfg, tmp_path / "r")
    assert m["test_sets"]["rw"]["n"] == 4
    # the fixed test articles scored by the refit model = the held-out fold itself
    assert m["test_sets"]["fixed"]["n"] == m["n_examples"]
    assert m["test_sets"]["fixed"]["macro_f1"] == pytest.approx(m["overall"]["macro_f1"])


def test_extra_corpus_source_with_split_train_leaves_out_its_held_out_articles(files, tmp_path):
    """A researcher's own annotated folder as an extra source: ``split: train`` trains on its
    training articles only (its test and test-only sets stay unseen); ``all`` takes every one."""
    corpus = load_corpus(files["corpus"])
    held = [a for ids in corpus.test_sets.values() for a in ids]
    n = {}
    for split in ("all", "train"):
        cfg = _mixed_cfg(
            files,
            "n_boot=20",
            f"+data.sources.own={{format: corpus, path: {files['corpus']}, split: {split}}}",
        )
        metrics = run(cfg, tmp_path / split)
        n[split] = {s["name"]: s for s in metrics["sources"]}["own"]["n_examples"]
    pairs_in_held = len(corpus.stance_pairs(held))
    assert held and pairs_in_held > 0
    assert n["all"] - n["train"] == pairs_in_held


def test_a_missing_extra_source_names_its_config_key(files, tmp_path):
    cfg = _mixed_cfg(files, f"+data.sources.own={{format: corpus, path: {tmp_path / 'nowhere'}}}")
    with pytest.raises(ConfigError, match=r"^data.sources.own.path '.*nowhere' does not exist"):
        run(cfg, tmp_path / "r")


def test_min_actors_keeps_only_sentences_with_several_targets(files, tmp_path):
    """``min_actors: 2`` adds only the examples of sentences with two or more targets (the
    fixture's first sentence: Trump and Biden); a bad value names its key."""
    cfg = _mixed_cfg(
        files,
        "n_boot=20",
        f"+data.sources.multi={{format: newsmtsc, path: {files['newsmtsc']}, min_actors: 2}}",
    )
    src = {s["name"]: s for s in run(cfg, tmp_path / "ok")["sources"]}
    assert src["multi"]["n_examples"] == 2 and src["multi"]["min_actors"] == 2
    assert src["newsmtsc"]["n_examples"] == 4 and "min_actors" not in src["newsmtsc"]
    bad = _mixed_cfg(
        files, f"+data.sources.multi={{format: newsmtsc, path: {files['newsmtsc']}, min_actors: 0}}"
    )
    with pytest.raises(ConfigError, match=r"data.sources.multi.min_actors must be an integer"):
        run(bad, tmp_path / "bad")
