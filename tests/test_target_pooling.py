"""Target pooling (model.pooling=target): span mask, forward, safe save/load, refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

import test_models_hf  # noqa: E402  (the tiny random BERT and its examples)
from test_models_hf import LABELS, _examples, _model, _save  # noqa: E402

tiny_checkpoint = test_models_hf.tiny_checkpoint  # the module-scoped fixture, shared

from framing.models import load_saved_model  # noqa: E402
from framing.models.hf import TransformerModel  # noqa: E402
from framing.models.hf_inputs import MARKERS  # noqa: E402
from framing.models.safe_load import ModelFolderError  # noqa: E402


def test_span_mask_covers_target_tokens_only_and_falls_back_when_truncated() -> None:
    import torch

    from framing.models.target_pooled import target_span_mask

    # 7 = [TGT], 8 = [/TGT]; 0 = padding
    ids = torch.tensor(
        [
            [2, 5, 7, 11, 12, 8, 6, 3, 0],  # one span
            [2, 7, 11, 8, 5, 7, 13, 8, 3],  # two mentions of the target
            [2, 5, 6, 5, 6, 3, 0, 0, 0],  # span truncated away: sentence mean
            [2, 5, 6, 7, 11, 12, 3, 0, 0],  # [/TGT] cut: up to the end of the row
        ]
    )
    attention = (ids != 0).long()
    mask = target_span_mask(ids, attention, 7, 8)
    expected = [
        [0, 0, 1, 1, 1, 1, 0, 0, 0],
        [0, 1, 1, 1, 0, 1, 1, 1, 0],
        [1, 1, 1, 1, 1, 1, 0, 0, 0],
        [0, 0, 0, 1, 1, 1, 1, 0, 0],
    ]
    assert mask.tolist() == expected


def _target_model(checkpoint: Path):
    from transformers import AutoTokenizer

    from framing.models.pooled import pooled_from_pretrained

    tok = AutoTokenizer.from_pretrained(checkpoint)
    tok.add_special_tokens({"additional_special_tokens": list(MARKERS)})
    model = pooled_from_pretrained(
        "target", str(checkpoint), num_labels=3, id2label=dict(enumerate(LABELS))
    )
    model.resize_token_embeddings(len(tok))
    model.set_target_markers(*tok.convert_tokens_to_ids(list(MARKERS[:2])))
    return model.eval(), tok


def test_forward_concatenates_sentence_mean_and_span_mean(tiny_checkpoint: Path) -> None:
    import torch

    model, tok = _target_model(tiny_checkpoint)
    enc = tok(
        ["[TGT] Russia [/TGT] was blamed by [OTH] HTS [/OTH].", "Assad was condemned."],
        padding=True,
        return_tensors="pt",
    )
    with torch.inference_mode():
        out = model(**enc).logits
        hidden = model.encoder(**enc).last_hidden_state
    assert out.shape == (2, 3)
    ids = enc["input_ids"][0].tolist()
    lo, hi = (
        ids.index(tok.convert_tokens_to_ids("[TGT]")),
        ids.index(tok.convert_tokens_to_ids("[/TGT]")),
    )
    mask0 = enc["attention_mask"][0].bool()
    sentence = hidden[0][mask0].mean(0)
    span = hidden[0][lo : hi + 1].mean(0)
    torch.testing.assert_close(out[0], model.classifier(torch.cat([sentence, span])))
    # no span in row 1: both halves are the sentence mean
    mean1 = hidden[1][enc["attention_mask"][1].bool()].mean(0)
    torch.testing.assert_close(out[1], model.classifier(torch.cat([mean1, mean1])))


def test_two_targets_of_one_sentence_get_different_features(tiny_checkpoint: Path) -> None:
    m = _model(tiny_checkpoint, input_format="markers", pooling="target", epochs=1)
    m.fit(_examples())
    sentence = "Moscow praised the new authorities, while Assad was condemned."
    data = {
        "sentence": [sentence, sentence],
        "target_spans": [[[0, 6]], [[42, 47]]],
        "other_spans": [[[42, 47]], [[0, 6]]],
        "actor": ["Russia", "Assad"],
    }
    proba = m.predict_proba(data)
    assert proba.shape == (2, 3) and not np.allclose(proba[0], proba[1])


def test_finetune_save_load_round_trip_is_identical(
    tiny_checkpoint: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = _examples()
    model = _model(tiny_checkpoint, input_format="markers", pooling="target").fit(data)
    proba = model.predict_proba(data)
    saved = _save(model, tmp_path / "model", n_train=len(data["sentence"]))
    config = json.loads((saved / "config.json").read_text())
    assert config["model_type"] == "framing-target-pooling"
    assert config["framing_pooling"] == "target"
    caplog.clear()
    again, manifest = load_saved_model(saved)
    assert manifest["model"]["pooling"] == "target" == again.pooling
    np.testing.assert_allclose(again.predict_proba(data), proba, atol=1e-6)
    # the tokenizer is read with the folder's encoder config: no "model of type" warning
    assert not [r for r in caplog.records if "model of type" in r.getMessage()]

    # transformers' Auto classes refuse the folder instead of loading random heads
    from transformers import AutoModelForSequenceClassification

    with pytest.raises((ValueError, KeyError)):
        AutoModelForSequenceClassification.from_pretrained(saved)

    # damaged or mismatched folders: one-line errors, never random weights
    bad = Path(shutil.copytree(saved, tmp_path / "bad_markers"))
    values = json.loads((bad / "config.json").read_text())
    values["framing_target_markers"] = [1, 2]
    (bad / "config.json").write_text(json.dumps(values))
    with pytest.raises(ModelFolderError, match="framing_target_markers") as exc:
        load_saved_model(bad)
    assert "\n" not in str(exc.value)

    bad = Path(shutil.copytree(saved, tmp_path / "bad_type"))
    values = json.loads((bad / "config.json").read_text())
    values["framing_pooling"] = "mean"
    (bad / "config.json").write_text(json.dumps(values))
    with pytest.raises(ModelFolderError, match="framing-target-pooling"):
        load_saved_model(bad)

    manifest_path = saved / "manifest.json"
    bad = Path(shutil.copytree(saved, tmp_path / "bad_manifest"))
    values = json.loads(manifest_path.read_text())
    values["model"]["pooling"] = "mean"
    (bad / "manifest.json").write_text(json.dumps(values))
    with pytest.raises(ModelFolderError, match="pooling 'target' differs"):
        load_saved_model(bad)


def test_target_pooling_needs_markers(tiny_checkpoint: Path) -> None:
    for fmt in ("pair", "sentence"):
        with pytest.raises(ValueError, match="pooling 'target' needs input_format 'markers'"):
            TransformerModel(
                checkpoint=str(tiny_checkpoint), input_format=fmt, pooling="target", labels=LABELS
            )
    with pytest.raises(ValueError, match="needs input_format 'markers'"):
        TransformerModel(
            checkpoint=str(tiny_checkpoint),
            input_format="markers",
            pooling="target",
            task="framing",
            labels=LABELS,
        )
