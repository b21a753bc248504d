"""Audit class "crafted model folders": remote code, pickles, partial weights, damaged files.

A tiny random BERT classifier (and a skops model) is saved with framing's own writer,
then damaged one way per case. Handled: ``load_saved_model`` refuses it with one line
naming the file; ``code_ran``: the crafted folder's code or pickle left its marker.
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

from audit import Outcome, one_line

LABELS = ["negative", "neutral", "positive"]


class _Payload:
    def __init__(self, flag: Path) -> None:
        self.flag = flag

    def __reduce__(self):
        return (Path.touch, (self.flag,))


def _transformer_folder(work: Path) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    from framing.models import save_model
    from framing.models.hf import TransformerModel

    torch.manual_seed(0)
    vocab = work / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "russia", "hts"]))
    tok = BertTokenizerFast(vocab_file=str(vocab))
    config = BertConfig(
        vocab_size=len(tok),
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=3,
        id2label=dict(enumerate(LABELS)),
        label2id={lab: i for i, lab in enumerate(LABELS)},
    )
    model = TransformerModel(checkpoint="unused", labels=LABELS, task="stance")
    model.tokenizer, model.model = tok, BertForSequenceClassification(config).eval()
    return save_model(
        model, work / "base", actors={"name": "t", "actors": {}}, splitter="sentencex", n_train=1
    )


def _skops_folder(work: Path) -> Path:
    import skops.io as sio
    from sklearn.dummy import DummyClassifier

    folder = work / "skops_base"
    folder.mkdir()
    sio.dump(DummyClassifier().fit([[0], [1]], ["a", "b"]), folder / "model.skops")
    (folder / "manifest.json").write_text(
        json.dumps({"kind": "sklearn", "task": "stance", "labels": ["a", "b"], "model": {}})
    )
    return folder


def _edit(path: Path, **changes) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def _drop(prefix: str):
    def damage(folder: Path) -> None:
        from safetensors.torch import load_file, save_file

        tensors = load_file(folder / "model.safetensors")
        kept = {k: v for k, v in tensors.items() if not k.startswith(prefix)}
        save_file(kept, folder / "model.safetensors", metadata={"format": "pt"})

    return damage


def _auto_map(model_type: str):
    def damage(folder: Path) -> None:
        (folder / "modeling_evil.py").write_text(
            f"from pathlib import Path\nPath({str(folder / 'code_ran')!r}).touch()\n"
        )
        _edit(
            folder / "config.json",
            model_type=model_type,
            auto_map={"AutoModelForSequenceClassification": "modeling_evil.Evil"},
        )

    return damage


def _mean_flag(folder: Path) -> None:
    _edit(folder / "config.json", framing_pooling="mean")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["model"]["pooling"] = "mean"
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _pickle_bin(folder: Path) -> None:
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(pickle.dumps(_Payload(folder / "code_ran")))


# case → (damage, the name the one-line error must hold)
TRANSFORMER_CASES = {
    "auto_map, unknown model_type": (_auto_map("evil-type"), "config.json"),
    "auto_map, known model_type": (_auto_map("bert"), "config.json"),
    "auto_map in tokenizer_config.json": (
        lambda f: _edit(f / "tokenizer_config.json", auto_map={"AutoTokenizer": ["e.T", None]}),
        "tokenizer_config.json",
    ),
    "classifier tensors removed": (_drop("classifier."), "missing"),
    "a layer removed": (_drop("bert.encoder.layer.1."), "missing"),
    "embeddings removed": (_drop("bert.embeddings."), "missing"),
    "mean-pooling flag on a CLS model": (_mean_flag, "missing"),
    "pooling differs from the manifest": (
        lambda f: _edit(f / "config.json", framing_pooling="mean"),
        "config.json",
    ),
    "pickle pytorch_model.bin": (_pickle_bin, "pytorch_model.bin"),
    "pickle renamed model.safetensors": (
        lambda f: (f / "model.safetensors").write_bytes(pickle.dumps(_Payload(f / "code_ran"))),
        "",
    ),
    "truncated model.safetensors": (
        lambda f: (f / "model.safetensors").write_bytes(
            (f / "model.safetensors").read_bytes()[:5000]
        ),
        "",
    ),
    "manifest.json not JSON": (
        lambda f: (f / "manifest.json").write_text("{oops"),
        "manifest.json",
    ),
    "manifest.json a list": (lambda f: (f / "manifest.json").write_text("[]"), "manifest.json"),
    "manifest.json without labels": (
        lambda f: (f / "manifest.json").write_text('{"kind": "transformer", "task": "stance"}'),
        "manifest.json",
    ),
    "unknown model kind": (lambda f: _edit(f / "manifest.json", kind="evil"), "manifest.json"),
    "config.json not JSON": (lambda f: (f / "config.json").write_text("{"), "config.json"),
}
SKOPS_CASES = {
    "truncated model.skops": (
        lambda f: (f / "model.skops").write_bytes((f / "model.skops").read_bytes()[:300]),
        "model.skops",
    ),
    "pickle renamed model.skops": (
        lambda f: (f / "model.skops").write_bytes(pickle.dumps(_Payload(f / "code_ran"))),
        "model.skops",
    ),
    "model.skops missing": (lambda f: (f / "model.skops").unlink(), "model.skops"),
}


def _try(base: Path, work: Path, name: str, damage, must_name: str) -> Outcome:
    from framing.models import load_saved_model
    from framing.models.safe_load import ModelFolderError

    folder = Path(shutil.copytree(base, work / name.replace(" ", "_").replace(",", "")))
    must_name = must_name or folder.name  # "": the folder itself
    damage(folder)
    try:
        load_saved_model(folder)
    except ModelFolderError as exc:
        handled, note = one_line(exc, must_name), str(exc)[:120]
    except Exception as exc:  # anything else is a traceback for the user
        handled, note = False, f"{type(exc).__name__}: {str(exc)[:100]}"
    else:
        handled, note = False, "loaded"
    return Outcome(name, handled, code_ran=(folder / "code_ran").exists(), note=note)


def run(work: Path) -> list[Outcome]:
    import transformers

    from framing.models import load_saved_model, model_fingerprint

    transformers.utils.logging.disable_progress_bar()
    base = _transformer_folder(work)
    out = [Outcome("intact folder loads", bool(load_saved_model(base)))]
    out += [_try(base, work, name, d, n) for name, (d, n) in TRANSFORMER_CASES.items()]
    sk = _skops_folder(work)
    out += [_try(sk, work, name, d, n) for name, (d, n) in SKOPS_CASES.items()]
    other = Path(shutil.copytree(base, work / "reweighted"))
    from safetensors.torch import load_file, save_file

    tensors = load_file(other / "model.safetensors")
    tensors["classifier.bias"] = tensors["classifier.bias"] + 1.0
    save_file(tensors, other / "model.safetensors", metadata={"format": "pt"})
    out.append(
        Outcome(
            "model id changes with the weights (same manifest)",
            model_fingerprint(other) != model_fingerprint(base),
        )
    )
    return out
