"""Crafted model folders: refused in one line naming the file, never run, never half-loaded.

Issue #15, findings 1 (remote code) and 7 (strict weights, model id, damaged files).
Every folder is built here from a tiny random BERT; nothing is downloaded.
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from framing.models import load_saved_model, model_fingerprint, save_model  # noqa: E402
from framing.models.hf import TransformerModel  # noqa: E402
from framing.models.safe_load import ModelFolderError  # noqa: E402

LABELS = ["negative", "neutral", "positive"]
WORDS = ["russia", "assad", "hts", "the", "was", "praised", "blamed", "target"]


class _Payload:
    """Pickled, it would create ``flag`` when unpickled: the proof no code ran."""

    def __init__(self, flag: Path) -> None:
        self.flag = flag

    def __reduce__(self):
        return (Path.touch, (self.flag,))


def _tokenizer(folder: Path):
    from transformers import BertTokenizerFast

    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    tok = BertTokenizerFast(vocab_file=str(vocab))
    vocab.unlink()
    return tok


def _bert_config(n_tokens: int, pooling: str = "cls"):
    from transformers import BertConfig

    config = BertConfig(
        vocab_size=n_tokens,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=3,
        id2label=dict(enumerate(LABELS)),
        label2id={lab: i for i, lab in enumerate(LABELS)},
    )
    if pooling == "mean":
        config.framing_pooling = "mean"
    return config


def _save(folder: Path, pooling: str = "cls", seed: int = 0) -> Path:
    import torch
    from transformers import BertForSequenceClassification

    from framing.models.pooled import MeanPoolingClassifier

    torch.manual_seed(seed)
    tok = _tokenizer(folder.parent)
    config = _bert_config(len(tok), pooling)
    model = TransformerModel(checkpoint="unused", labels=LABELS, task="stance", pooling=pooling)
    model.tokenizer = tok
    cls = MeanPoolingClassifier if pooling == "mean" else BertForSequenceClassification
    model.model = cls(config).eval()
    save_model(model, folder, actors={"name": "t", "actors": {}}, splitter="sentencex", n_train=1)
    return folder


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _save(tmp_path_factory.mktemp("base") / "model")


@pytest.fixture
def folder(saved: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(saved, tmp_path / "model"))


def _one_line_naming(exc: pytest.ExceptionInfo, name: str) -> str:
    message = str(exc.value)
    assert "\n" not in message and "Traceback" not in message
    assert name in message, message
    return message


def _edit_json(path: Path, **changes) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def test_the_crafted_folder_loads_when_intact(folder: Path) -> None:
    model, _ = load_saved_model(folder)
    assert model.labels == LABELS and model.pooling == "cls"


# ---------------------------------------------------------------- finding 1: remote code
@pytest.mark.parametrize("model_type", ["evil-unknown", "bert"])
def test_auto_map_is_refused_and_its_code_never_runs(folder: Path, model_type: str) -> None:
    flag = folder / "code_ran"
    (folder / "modeling_evil.py").write_text(
        f"from pathlib import Path\nPath({str(flag)!r}).touch()\n"
    )
    _edit_json(
        folder / "config.json",
        model_type=model_type,
        auto_map={"AutoModelForSequenceClassification": "modeling_evil.EvilModel"},
    )
    with pytest.raises(ModelFolderError) as exc:
        load_saved_model(folder)
    assert "auto_map" in _one_line_naming(exc, str(folder / "config.json"))
    assert not flag.exists()


def test_auto_map_in_the_tokenizer_config_is_refused(folder: Path) -> None:
    _edit_json(folder / "tokenizer_config.json", auto_map={"AutoTokenizer": ["evil.Tok", None]})
    with pytest.raises(ModelFolderError) as exc:
        load_saved_model(folder)
    _one_line_naming(exc, "tokenizer_config.json")


def test_a_training_checkpoint_with_auto_map_is_refused(folder: Path) -> None:
    _edit_json(folder / "config.json", auto_map={"AutoModel": "modeling_evil.EvilModel"})
    model = TransformerModel(checkpoint=str(folder), labels=LABELS, task="stance")
    with pytest.raises(ModelFolderError, match="auto_map"):
        model._load_pretrained()


# ---------------------------------------------------------------- finding 7: strict weights
def _drop_tensors(folder: Path, prefix: str) -> None:
    from safetensors.torch import load_file, save_file

    path = folder / "model.safetensors"
    tensors = load_file(path)
    kept = {k: v for k, v in tensors.items() if not k.startswith(prefix)}
    assert len(kept) < len(tensors)
    save_file(kept, path, metadata={"format": "pt"})


@pytest.mark.parametrize("prefix", ["classifier.", "bert.encoder.layer.1."])
def test_missing_tensors_are_refused(folder: Path, prefix: str) -> None:
    _drop_tensors(folder, prefix)
    with pytest.raises(ModelFolderError) as exc:
        load_saved_model(folder)
    message = _one_line_naming(exc, str(folder))
    assert "missing" in message and prefix in message


def test_mean_pooling_flag_on_a_cls_model_is_refused(folder: Path) -> None:
    _edit_json(folder / "config.json", framing_pooling="mean")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["model"]["pooling"] = "mean"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFolderError) as exc:
        load_saved_model(folder)
    assert "missing" in _one_line_naming(exc, str(folder))


def test_pooling_differing_from_the_manifest_is_refused(folder: Path) -> None:
    _edit_json(folder / "config.json", framing_pooling="mean")
    with pytest.raises(ModelFolderError) as exc:
        load_saved_model(folder)
    _one_line_naming(exc, "config.json")


def test_model_id_hashes_the_weights(saved: Path, tmp_path: Path) -> None:
    other = _save(tmp_path / "other", seed=1)
    same_manifest = Path(shutil.copytree(saved, tmp_path / "copy"))
    shutil.copy(other / "model.safetensors", same_manifest / "model.safetensors")
    assert model_fingerprint(saved) == model_fingerprint(shutil.copytree(saved, tmp_path / "c2"))
    assert model_fingerprint(same_manifest) != model_fingerprint(saved)


def test_pickle_weights_are_never_unpickled(folder: Path) -> None:
    flag = folder / "code_ran"
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(pickle.dumps(_Payload(flag)))
    with pytest.raises(ModelFolderError) as exc:
        load_saved_model(folder)
    _one_line_naming(exc, "pytorch_model.bin")
    assert not flag.exists()


def test_a_pickle_renamed_to_safetensors_is_one_line(folder: Path) -> None:
    flag = folder / "code_ran"
    (folder / "model.safetensors").write_bytes(pickle.dumps(_Payload(flag)))
    with pytest.raises(ModelFolderError) as exc:
        load_saved_model(folder)
    _one_line_naming(exc, str(folder))
    assert not flag.exists()


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"kind": "transformer"}'])
def test_a_corrupt_manifest_is_one_line(folder: Path, content: bytes) -> None:
    (folder / "manifest.json").write_bytes(content)
    with pytest.raises(ModelFolderError) as exc:
        load_saved_model(folder)
    _one_line_naming(exc, "manifest.json")


# ---------------------------------------------------------------- skops files
def _skops_folder(tmp_path: Path) -> Path:
    import skops.io as sio
    from sklearn.dummy import DummyClassifier

    folder = tmp_path / "sk"
    folder.mkdir()
    sio.dump(DummyClassifier().fit([[0], [1]], ["a", "b"]), folder / "model.skops")
    manifest = {"kind": "sklearn", "task": "stance", "labels": ["a", "b"], "model": {}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_a_truncated_skops_file_is_one_line(tmp_path: Path) -> None:
    folder = _skops_folder(tmp_path)
    path = folder / "model.skops"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ModelFolderError) as exc:
        load_saved_model(folder)
    _one_line_naming(exc, "model.skops")


def test_a_pickle_renamed_to_skops_is_never_unpickled(tmp_path: Path) -> None:
    folder = _skops_folder(tmp_path)
    flag = tmp_path / "code_ran"
    (folder / "model.skops").write_bytes(pickle.dumps(_Payload(flag)))
    with pytest.raises(ModelFolderError) as exc:
        load_saved_model(folder)
    _one_line_naming(exc, "model.skops")
    assert not flag.exists()
