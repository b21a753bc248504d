"""The fine-tuned (cross-encoder) pair detector: train, choose a threshold, save, load strictly,
apply after the rules; several corpora in one training set from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from test_models_hf import tiny_checkpoint  # noqa: E402,F401
from test_pair_detector import HTS_TEXT, _write_corpus  # noqa: E402

from framing.cli import main as cli  # noqa: E402
from framing.corpus import Article, load_corpus  # noqa: E402
from framing.models.safe_load import ModelFolderError  # noqa: E402
from framing.pair_detector import THRESHOLDS, PairDetector, train_pair_detector  # noqa: E402
from framing.pairs import split_ids  # noqa: E402
from framing.reference_model import sentence_examples  # noqa: E402
from framing.reference_transformer import (  # noqa: E402
    ABSENT,
    PRESENT,
    TransformerReferenceDetector,
    detector_rows,
)
from framing.segment import Segmenter  # noqa: E402


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_checkpoint):  # noqa: F811
    root = _write_corpus(tmp_path_factory.mktemp("corpus"))
    corpus = load_corpus(root)
    detector, info = train_pair_detector(
        corpus,
        Segmenter(),
        split_ids(corpus, "train"),
        model="transformer",
        checkpoint=str(tiny_checkpoint),
        epochs=2,
        max_length=64,
        validation_share=0.3,
    )
    folder = tmp_path_factory.mktemp("detector")
    detector.save(folder)
    return root, folder, detector, info


def test_rows_put_actor_rules_and_previous_sentence_before_the_sentence():
    text = "HTS fighters entered the town. The committee promised elections."
    sentences = Segmenter().segment(Article("x", text, date="2025-06-01")).sentences
    examples = sentence_examples(sentences, "2025-06-01", [frozenset({"HTS"})] * 2)
    rows = detector_rows(examples, ["HTS", "Russia"])
    assert rows["sentence"] == [sentences[0].text] * 2 + [sentences[1].text] * 2
    assert rows["actor"][2] == "HTS ; era:after prev:HTS ; HTS fighters entered the town."
    assert rows["actor"][0] == "HTS ; era:after rule:HTS"  # no previous sentence
    assert rows["label"] == [PRESENT, ABSENT, PRESENT, ABSENT]
    assert rows["article_id"] == ["x"] * 4


def test_training_chooses_the_threshold_on_a_held_out_share(trained):
    _, folder, detector, info = trained
    validation = info["validation"]
    assert set(validation["rules_or_model"]) == {str(t) for t in THRESHOLDS}
    assert detector.threshold in THRESHOLDS and validation["articles"] >= 1
    assert detector.kind == "transformer" and detector.actors == ["HTS", "Russia"]
    saved = json.loads((folder / "detector.json").read_text(encoding="utf-8"))
    assert saved["detector"] == "transformer" and saved["threshold"] == detector.threshold
    assert (folder / "model.safetensors").is_file()
    assert not list(folder.glob("*.skops")) and not list(folder.glob("*.bin"))


def test_a_loaded_detector_gives_the_same_probabilities_and_adds_pairs(trained):
    _, folder, detector, _ = trained
    loaded = PairDetector.load(folder)
    assert (loaded.kind, loaded.threshold, loaded.actors) == (
        "transformer",
        detector.threshold,
        detector.actors,
    )
    sentences = Segmenter().segment(Article("n", HTS_TEXT.format("Suwayda"))).sentences
    examples = sentence_examples(sentences, "2025-06-01")
    before = detector.detector.predict_proba(examples)
    after = loaded.detector.predict_proba(examples)
    assert before.shape == (3, 2) and np.allclose(before, after, atol=1e-5)
    eager = PairDetector(loaded.detector, 1e-9)  # every salient actor the rules missed
    eager.add_pairs(sentences, "2025-06-01")
    added = [sorted(m.actor for m in s.mentions if m.how == "model") for s in sentences]
    assert added == [[], ["HTS"], ["HTS"]]  # HTS named in sentence 0; Russia never named


def test_fit_keeps_the_validation_probabilities_it_scored(tiny_checkpoint):  # noqa: F811
    # the threshold is chosen on these; scoring the validation rows again would only cost time
    def examples(article_id, place):
        text = HTS_TEXT.format(place)
        sentences = Segmenter().segment(Article(article_id, text)).sentences
        gold = [frozenset({"HTS"})] * len(sentences)
        return sentence_examples(sentences, "2025-06-01", gold)

    fit = [e for i, place in enumerate(["Idlib", "Homs", "Hama"]) for e in examples(f"f{i}", place)]
    held = examples("v", "Suwayda") + examples("w", "Daraa")
    detector = TransformerReferenceDetector(
        ["HTS", "Russia"], checkpoint=str(tiny_checkpoint), epochs=1, max_length=64
    ).fit(fit, held)
    assert detector.validation_proba.shape == (len(held), 2)
    assert np.allclose(detector.validation_proba, detector.predict_proba(held), atol=1e-5)


def test_a_damaged_transformer_detector_is_one_line(trained, tmp_path):
    import shutil

    folder = trained[1]
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    (bad / "model.safetensors").write_bytes(b"\0" * 16)
    with pytest.raises(ModelFolderError, match="bad: cannot load .*Safetensor"):
        PairDetector.load(bad)
    shutil.copy(folder / "model.safetensors", bad / "model.safetensors")
    (bad / "transformer_detector.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelFolderError, match="transformer_detector.json: unreadable"):
        PairDetector.load(bad)
    info = json.loads((folder / "detector.json").read_text(encoding="utf-8"))
    (bad / "detector.json").write_text(json.dumps({**info, "detector": "svm"}), encoding="utf-8")
    with pytest.raises(ModelFolderError, match="unknown detector 'svm'"):
        PairDetector.load(bad)


def test_command_line_trains_on_several_corpora(tmp_path, capsys, tiny_checkpoint):  # noqa: F811
    first, second = tmp_path / "one", tmp_path / "two"
    for folder in (first, second):
        folder.mkdir()
        _write_corpus(folder)
    out = tmp_path / "det"
    args = ["-q", "train-pair-detector", "--data", str(first), "--data", str(second)]
    assert cli([*args, "-o", str(out), "--folds", "2"]) == 0
    assert "16 train articles, threshold" in capsys.readouterr().out
    trained_on = json.loads((out / "detector.json").read_text(encoding="utf-8"))["trained_on"]
    assert [t["articles"] for t in trained_on] == [8, 8]
    xenc = tmp_path / "xenc"
    transformer = ["--model", "transformer", "--checkpoint", str(tiny_checkpoint), "--epochs", "1"]
    assert cli([*args, *transformer, "-o", str(xenc)]) == 0
    assert "on the validation share, rules OR model" in capsys.readouterr().out
    assert PairDetector.load(xenc).kind == "transformer"


def test_a_folder_saved_before_there_were_two_kinds_loads_as_tfidf(tmp_path):
    root = _write_corpus(Path(tmp_path))
    corpus = load_corpus(root)
    detector, _ = train_pair_detector(
        corpus, Segmenter(), split_ids(corpus, "train"), folds=2, C=10.0, min_df=1
    )
    folder = tmp_path / "det"
    detector.save(folder)
    info = json.loads((folder / "detector.json").read_text(encoding="utf-8"))
    assert info.pop("detector") == "tfidf"
    (folder / "detector.json").write_text(json.dumps(info), encoding="utf-8")
    assert PairDetector.load(folder).kind == "tfidf"
