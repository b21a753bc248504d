"""Transformer and embedding models: a tiny random BERT built in the test, no network."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from framing.models import load_saved_model, save_model  # noqa: E402
from framing.models.hf import TransformerModel  # noqa: E402
from framing.models.hf_inputs import MARKERS  # noqa: E402
from framing.models.hf_setup import resolve_checkpoint  # noqa: E402

LABELS = ["negative", "neutral", "positive"]
SENTENCES = [
    (
        "Moscow praised the new authorities for their restraint, while Assad was condemned.",
        "Russia",
        "Assad",
    ),
    (
        "HTS fighters were accused of reprisals, and Russia offered help to the victims.",
        "HTS",
        "Russia",
    ),
    (
        "The Kremlin was blamed for the strikes, and al-Sharaa was thanked by the families.",
        "Russia",
        "HTS",
    ),
    ("Assad loyalists were welcomed back, but HTS was criticised for the delays.", "Assad", "HTS"),
]


def _examples(n: int = 48) -> dict[str, list]:
    rows: dict[str, list] = {
        k: [] for k in ("sentence", "target_spans", "other_spans", "actor", "label", "article_id")
    }
    for i in range(n):
        sentence, good, bad = SENTENCES[i % len(SENTENCES)]
        actor = good if i % 2 == 0 else bad
        label = "positive" if actor == good else "negative"
        if i % 5 == 0:
            label = "neutral"
        rows["sentence"].append(sentence)
        rows["target_spans"].append([[0, 6]])
        rows["other_spans"].append([])
        rows["actor"].append(actor)
        rows["label"].append(label)
        rows["article_id"].append(f"a{i % 8}")
    return rows


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer BERT with a WordPiece tokenizer trained here."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
    from transformers import BertConfig, BertModel, BertTokenizerFast

    out = tmp_path_factory.mktemp("tiny-bert")
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(
        vocab_size=300, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    )
    tok.train_from_iterator(
        [s for s, _, _ in SENTENCES] * 20 + ["Russia HTS Assad target"], trainer=trainer
    )
    fast = BertTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )
    fast.save_pretrained(out)
    config = BertConfig(
        vocab_size=fast.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    BertModel(config).save_pretrained(out)
    return out


def _model(checkpoint: Path, **kw) -> TransformerModel:
    args = dict(
        checkpoint=str(checkpoint),
        epochs=2,
        batch_size=8,
        learning_rate=5e-3,
        max_length=64,
        seed=3,
        labels=LABELS,
        task="stance",
    )
    args.update(kw)
    return TransformerModel(**args)


def _save(model, folder: Path, n_train: int, splitter: str = "sentencex") -> Path:
    """``model`` saved into ``folder`` with an empty actor config; returns ``folder``."""
    save_model(
        model, folder, actors={"name": "t", "actors": {}}, splitter=splitter, n_train=n_train
    )
    return folder


@pytest.mark.parametrize(
    ("fmt", "pooling"), [("pair", "cls"), ("markers", "cls"), ("markers", "mean")]
)
def test_finetune_save_load_gives_identical_predictions(
    tiny_checkpoint: Path, tmp_path: Path, fmt: str, pooling: str
) -> None:
    data = _examples()
    model = _model(tiny_checkpoint, input_format=fmt, pooling=pooling).fit(data)
    proba = model.predict_proba(data)
    assert proba.shape == (len(data["sentence"]), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert model.history and any(
        "eval_macro_f1" in h for h in model.history
    )  # per-epoch validation logged
    saved = _save(model, tmp_path / "model", n_train=len(data["sentence"]))
    assert (saved / "model.safetensors").is_file() and not list(saved.glob("*.bin"))
    config = json.loads((saved / "config.json").read_text())
    assert [config["id2label"][str(i)] for i in range(3)] == LABELS
    again, manifest = load_saved_model(saved)
    assert manifest["model"]["input_format"] == fmt
    assert manifest["model"]["pooling"] == pooling == again.pooling
    np.testing.assert_allclose(again.predict_proba(data), proba, atol=1e-6)
    if fmt == "markers":
        assert all(m in again.tokenizer.get_vocab() for m in MARKERS)


def test_markers_mark_target_and_announce_unmentioned_target(tiny_checkpoint: Path) -> None:
    m = _model(tiny_checkpoint, input_format="markers")
    texts, pairs = m.encode_inputs(
        {
            "sentence": ["Russia met HTS.", "They met."],
            "target_spans": [[[0, 6]], []],
            "other_spans": [[[11, 14]], []],
            "actor": ["Russia", "HTS"],
        }
    )
    assert pairs is None
    assert texts[0] == "[TGT] Russia [/TGT] met [OTH] HTS [/OTH]."
    assert texts[1].startswith("[TGT] HTS [/TGT] :")


def test_pair_format_puts_target_first(tiny_checkpoint: Path) -> None:
    m = _model(tiny_checkpoint, input_format="pair")
    texts, pairs = m.encode_inputs(
        {
            "sentence": ["Russia met HTS."],
            "target_spans": [[[0, 6]]],
            "other_spans": [[]],
            "actor": ["Russia"],
        }
    )
    assert texts == ["Russia"] and pairs == ["Russia met HTS."]


def test_same_seed_same_model(tiny_checkpoint: Path) -> None:
    data = _examples(24)
    a = _model(tiny_checkpoint, epochs=1).fit(data).predict_proba(data)
    b = _model(tiny_checkpoint, epochs=1).fit(data).predict_proba(data)
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_given_validation_set_scores_the_epochs(
    tiny_checkpoint: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import framing.models.hf as hf
    import framing.models.hf_trainer as hf_trainer

    def no_inner_split(*args, **kwargs):
        raise AssertionError("the inner validation split is not used when a set is given")

    monkeypatch.setattr(hf, "grouped_validation", no_inner_split)
    data, dev = _examples(24), _examples(12)
    m = _model(tiny_checkpoint, epochs=2, patience=5)
    scored = []
    compute = hf_trainer.epoch_metrics
    monkeypatch.setattr(
        hf_trainer,
        "epoch_metrics",
        lambda pred, multilabel: scored.append(len(pred[1])) or compute(pred, multilabel),
    )
    m.fit(data, validation=dev)
    assert scored == [12, 12]  # every epoch scored on the 12 given examples
    assert [h["epoch"] for h in m.history if "eval_macro_f1" in h] == [1.0, 2.0]


def test_class_weights_and_multilabel(tiny_checkpoint: Path) -> None:
    data = _examples(24)
    _model(tiny_checkpoint, epochs=1, class_weights=True, early_stopping=False).fit(data)
    frames = ["political", "economic", "other"]
    ml = dict(data)
    ml["label"] = [["political", "economic"] if i % 2 else ["other"] for i in range(24)]
    m = TransformerModel(
        checkpoint=str(tiny_checkpoint),
        epochs=1,
        batch_size=8,
        task="framing",
        labels=frames,
        multilabel=True,
        early_stopping=False,
    )
    proba = m.fit(ml).predict_proba(ml)
    assert proba.shape == (24, 3) and ((proba >= 0) & (proba <= 1)).all()


def test_bad_input_format_is_a_clear_error(tiny_checkpoint: Path) -> None:
    with pytest.raises(ValueError, match="input_format"):
        TransformerModel(checkpoint=str(tiny_checkpoint), input_format="nope", labels=LABELS)
    with pytest.raises(ValueError, match="pooling"):
        TransformerModel(checkpoint=str(tiny_checkpoint), pooling="max", labels=LABELS)


def test_mean_pooling_classifies_the_masked_mean_and_works_in_a_pipeline(
    tiny_checkpoint: Path, tmp_path: Path
) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer, pipeline

    from framing.models.pooled import load_mean_pooling, pooled_from_pretrained, saved_pooling

    model = pooled_from_pretrained(
        "mean", str(tiny_checkpoint), num_labels=3, id2label=dict(enumerate(LABELS))
    ).eval()
    encoder = AutoModel.from_pretrained(tiny_checkpoint).eval()  # the same pretrained weights
    tok = AutoTokenizer.from_pretrained(tiny_checkpoint)
    enc = tok(
        ["Russia was blamed.", "HTS fighters were accused of reprisals, and more."],
        padding=True,
        return_tensors="pt",
    )
    with torch.inference_mode():
        hidden = encoder(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        mean = (hidden * mask).sum(1) / mask.sum(1)  # padding left out of the mean
        expected = model.classifier(mean)
        got = model(**enc).logits
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    model.save_pretrained(tmp_path / "m")
    assert saved_pooling(tmp_path / "m") == "mean" and saved_pooling(tiny_checkpoint) == "cls"
    again = load_mean_pooling(tmp_path / "m").eval()
    with torch.inference_mode():
        torch.testing.assert_close(again(**enc).logits, got)
    clf = pipeline("text-classification", model=again, tokenizer=tok, device=-1)
    scores = clf(["Russia was blamed."], top_k=None)[0]
    assert {s["label"] for s in scores} == set(LABELS)


def test_int8_quantisation_keeps_shape(tiny_checkpoint: Path) -> None:
    data = _examples(16)
    m = _model(tiny_checkpoint, epochs=1, early_stopping=False).fit(data)
    full = m.predict_proba(data)
    q = m.quantize_int8().predict_proba(data)
    assert q.shape == full.shape
    np.testing.assert_allclose(q.sum(axis=1), 1.0, atol=1e-5)


def test_default_checkpoint_loads_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    from transformers import AutoModel, AutoTokenizer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    path = resolve_checkpoint("default")
    assert os.path.isdir(path)
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path)
    assert model.config.hidden_size == 384
    out = model(**tok(["Russia keeps its bases."], return_tensors="pt"))
    assert out.last_hidden_state.shape[-1] == 384


def test_embedding_logreg_is_target_aware_and_reloads(tmp_path: Path) -> None:
    from framing.models.embeddings import EmbeddingLogReg

    data = _examples(24)
    m = EmbeddingLogReg(labels=LABELS, task="stance").fit(data)
    proba = m.predict_proba(data)
    assert proba.shape == (24, 3)
    again, _ = load_saved_model(_save(m, tmp_path / "emb", n_train=24))
    np.testing.assert_allclose(again.predict_proba(data), proba, atol=1e-6)
    assert again.features(data).shape[1] == 384 * 2 + len(m.actors)


def test_transformer_run_end_to_end(
    tiny_checkpoint: Path, tmp_path: Path, tiny_corpus_dir: Path
) -> None:
    from hydra import compose, initialize_config_dir

    from framing.run import CONFIG_DIR, run

    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        cfg = compose(
            "config",
            overrides=[
                "model=transformer",
                f"model.checkpoint={tiny_checkpoint}",
                "model.epochs=1",
                "model.batch_size=8",
                f"data.path={tiny_corpus_dir}",
                "split.n_splits=2",
                "n_boot=20",
            ],
        )
    metrics = run(cfg, tmp_path / "run")
    assert metrics["model"] == "transformer" and len(metrics["folds"]) == 2
    assert (tmp_path / "run" / "model" / "model.safetensors").is_file()
    model, manifest = load_saved_model(tmp_path / "run")
    assert manifest["kind"] == "transformer" and manifest["versions"]["framing"]


def test_temperature_fitted_on_validation_saved_and_applied(
    tiny_checkpoint: Path, tmp_path: Path
) -> None:
    from framing.calibration import fit_temperature, undo_temperature
    from framing.models.hf_trainer import grouped_validation

    data = _examples()
    model = _model(tiny_checkpoint, epochs=1, patience=1).fit(data)
    t = model.temperature
    assert t > 0 and t != 1.0 and model.params()["temperature"] == t
    proba = model.predict_proba(data)
    _, val = grouped_validation(data["article_id"], model.validation_share, model.seed)
    y = np.array([LABELS.index(data["label"][i]) for i in val])

    def nll(p: np.ndarray) -> float:
        return float(-np.log(p[val][np.arange(len(val)), y]).mean())

    unscaled = undo_temperature(proba, t)
    assert nll(proba) <= nll(unscaled) + 1e-9
    # T is the NLL minimiser for the unscaled model's validation predictions
    assert fit_temperature(np.log(unscaled[val]), y) == pytest.approx(t, rel=1e-3)
    _save(model, tmp_path / "m", n_train=48, splitter="x")
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["temperature"] == t and manifest["model"]["temperature_scaling"]
    loaded, _ = load_saved_model(tmp_path / "m")
    assert loaded.temperature == t
    np.testing.assert_allclose(loaded.predict_proba(data), proba, atol=1e-5)
    off = _model(tiny_checkpoint, epochs=1, patience=1, temperature_scaling=False).fit(data)
    assert off.temperature == 1.0
    np.testing.assert_allclose(undo_temperature(proba, t), off.predict_proba(data), atol=1e-4)


def test_recalibrate_refits_the_temperature_on_labelled_pairs_and_keeps_the_labels(
    tiny_checkpoint: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``framing recalibrate``: T · T2 saved in a copy, T2 the NLL minimiser on the pairs;
    the predicted labels are unchanged; a non-transformer or too few pairs is one line."""
    from run_helpers import build_tiny_corpus

    from framing import load_model
    from framing.actors import load_lexicon
    from framing.calibration import fit_temperature
    from framing.cli import main
    from framing.recalibrate import labelled_pairs

    corpus = build_tiny_corpus(tmp_path / "corpus", n_articles=6, n_test=2)
    model = _model(tiny_checkpoint, epochs=1, temperature_scaling=False).fit(_examples())
    save_model(
        model, tmp_path / "m", actors=load_lexicon().to_config(), splitter="sentencex", n_train=48
    )
    out = tmp_path / "recal"
    assert (
        main(["recalibrate", "--model", str(tmp_path / "m"), "--data", str(corpus), "-o", str(out)])
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    info = manifest["recalibration"]
    pairs = labelled_pairs(corpus, "all")
    assert info["n_pairs"] == len(pairs) >= 20 and info["temperature_before"] == 1.0
    assert manifest["model"]["temperature"] == info["temperature"] != 1.0
    assert info["ece_after"] <= info["ece_before"] + 1e-9
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "## Recalibration" in card and f"{info['n_pairs']} labelled pairs" in card
    texts, actors = [p[0] for p in pairs], [p[1] for p in pairs]
    old = load_model(tmp_path / "m").predict(texts, actors=actors)
    new = load_model(out).predict(texts, actors=actors)
    assert list(new["stance"]) == list(old["stance"])
    cols = [f"p_{k}" for k in LABELS]
    y = np.array([LABELS.index(p[2]) for p in pairs])
    t2 = fit_temperature(np.log(old[cols].to_numpy(dtype=float)), y)
    assert info["temperature"] == pytest.approx(t2, rel=1e-6)
    few = build_tiny_corpus(tmp_path / "few_corpus", n_articles=1, n_test=1)
    lines = (few / "annotations.jsonl").read_text(encoding="utf-8").splitlines()
    (few / "annotations.jsonl").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    assert (
        main(
            [
                "recalibrate",
                "--model",
                str(tmp_path / "m"),
                "--data",
                str(few),
                "-o",
                str(tmp_path / "few"),
            ]
        )
        == 2
    )
    assert "at least 20 are needed" in caplog.text and not (tmp_path / "few").exists()
    assert (
        main(["recalibrate", "--model", str(tmp_path / "m"), "--data", str(corpus), "-o", str(out)])
        == 2
    )
    assert "not an empty folder" in caplog.text


def test_quiet_logging_turns_off_the_libraries_progress_bars():
    import logging

    import transformers

    from framing.models.hf_setup import route_library_logging

    root = logging.getLogger()
    level = root.level
    try:
        transformers.utils.logging.enable_progress_bar()  # as a fresh process starts
        root.setLevel(logging.INFO)
        route_library_logging()
        assert transformers.utils.logging.is_progress_bar_enabled()
        root.setLevel(logging.WARNING)  # framing -q
        route_library_logging()
        assert not transformers.utils.logging.is_progress_bar_enabled()
    finally:
        root.setLevel(level)
        transformers.utils.logging.enable_progress_bar()
