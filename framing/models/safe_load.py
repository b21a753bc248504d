"""What a model folder must pass before (and right after) its weights are read.

A saved model is data, never code: framing loads only safetensors (torch) and skops
(scikit-learn), never runs Python shipped with a folder (``auto_map`` in
``config.json`` is refused, and every transformers loader gets
``trust_remote_code=False``), and never accepts a model whose weights do not all come
from the folder (a missing classifier or layer would otherwise be initialised at
random and give different outputs from call to call). Every refusal is a
:class:`ModelFolderError`: one line naming the file and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# files of the folder that define its predictions (hashed into the model id)
PICKLE_WEIGHTS = ("pytorch_model.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl", "*.pickle", "*.joblib")
CODE_CONFIGS = ("config.json", "tokenizer_config.json", "config_sentence_transformers.json")
HASH_CHUNK = 1 << 20


class ModelFolderError(ValueError):
    """A model folder framing refuses to load (the message names the file)."""


def read_json_object(path: str | Path) -> dict[str, Any]:
    """A JSON file holding an object, or :class:`ModelFolderError` in one line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ModelFolderError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ModelFolderError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ModelFolderError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise ModelFolderError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def refuse_remote_code(directory: str | Path) -> None:
    """Refuse a local folder whose configs ask for custom code (``auto_map``)."""
    directory = Path(directory)
    if not directory.is_dir():
        return  # a hub id: the loaders get trust_remote_code=False
    for name in CODE_CONFIGS:
        path = directory / name
        if path.is_file() and "auto_map" in read_json_object(path):
            raise ModelFolderError(
                f"{path}: has 'auto_map' (custom model code); refused, framing never runs "
                "code from a model folder (trust_remote_code=False)"
            )


def _matching(directory: Path, patterns: Iterable[str]) -> list[Path]:
    return sorted({p for pattern in patterns for p in directory.glob(pattern) if p.is_file()})


def require_safetensors(directory: str | Path) -> None:
    """The folder's torch weights must be safetensors; pickle weights are never read."""
    directory = Path(directory)
    if list(directory.glob("*.safetensors")):
        return
    pickles = _matching(directory, PICKLE_WEIGHTS)
    if pickles:
        raise ModelFolderError(
            f"{pickles[0]}: pickle weights are not loaded (they can run code); "
            "re-save the model with save_pretrained(safe_serialization=True)"
        )
    raise ModelFolderError(f"{directory}: no model.safetensors (the model's weights)")


def check_loading_info(directory: str | Path, info: dict[str, Any]) -> None:
    """Strict loading: every expected tensor read from the folder, none left over or resized."""
    problems = []
    for key, what in (
        ("missing_keys", "missing"),
        ("mismatched_keys", "of the wrong shape"),
        ("unexpected_keys", "not used by the model"),
    ):
        keys = [k if isinstance(k, str) else k[0] for k in info.get(key) or ()]
        if keys:
            shown = ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
            problems.append(f"{len(keys)} tensor(s) {what} ({shown})")
    errors = [str(e).splitlines()[0] for e in info.get("error_msgs") or () if str(e).strip()]
    problems += errors[:1]
    if problems:
        raise ModelFolderError(
            f"{directory}: weights do not match the model: {'; '.join(problems)}; "
            "refusing to run with randomly initialised weights"
        )


def loader_error(path: str | Path, exc: BaseException) -> ModelFolderError:
    """A library's exception while reading ``path``, as one line naming it."""
    if isinstance(exc, ModelFolderError):
        return exc
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return ModelFolderError(f"{path}: cannot load ({type(exc).__name__}: {first})")


def folder_digest(directory: str | Path) -> str:
    """SHA-1 over the names and bytes of every file in the folder (weights included).

    Two folders get the same digest only when all their files are equal, so the
    model id changes whenever the weights do, not only when the manifest does.
    """
    directory = Path(directory)
    digest = hashlib.sha1()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        if path.name.startswith(".") or path.name.endswith(".tmp"):
            continue
        digest.update(path.relative_to(directory).as_posix().encode("utf-8") + b"\0")
        with path.open("rb") as fh:
            for chunk in iter(lambda fh=fh: fh.read(HASH_CHUNK), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def read_transformer_folder(directory: Path, pooling: str) -> tuple[Any, Any]:
    """``(tokenizer, model)`` of a saved transformer folder, read strictly: no custom
    code, safetensors only, every tensor present and none extra, the pooling the
    manifest names (``"cls"``, ``"mean"`` or ``"target"``, whose ``[TGT]``/``[/TGT]`` ids
    must be the tokenizer's); :class:`ModelFolderError` otherwise."""
    import functools

    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from framing.models.pooled import pooled_class, read_config, saved_pooling

    refuse_remote_code(directory)
    require_safetensors(directory)
    try:
        config = read_config(directory)  # framing-mean-pooling / -target-pooling folders too
    except Exception as exc:
        raise loader_error(directory / "config.json", exc) from None
    found = saved_pooling(directory, config)
    if found != pooling:
        raise ModelFolderError(
            f"{directory / 'config.json'}: pooling {found!r} differs from the manifest's "
            f"{pooling!r}"
        )
    try:
        # the config read above: a pooled folder's own model type is not transformers' to
        # read (it warned "a model of type framing-target-pooling" on every load)
        tokenizer = AutoTokenizer.from_pretrained(directory, config=config, trust_remote_code=False)
    except Exception as exc:
        raise loader_error(directory, exc) from None
    if found == "target":
        _check_target_markers(directory, config, tokenizer)
    loader = (
        pooled_class(found).from_pretrained
        if found != "cls"
        else functools.partial(
            AutoModelForSequenceClassification.from_pretrained, trust_remote_code=False
        )
    )
    try:
        model, info = loader(
            directory, config=config, use_safetensors=True, output_loading_info=True
        )
    except Exception as exc:
        raise loader_error(directory, exc) from None
    check_loading_info(directory, info)
    return tokenizer, model


def _check_target_markers(directory: Path, config: Any, tokenizer: Any) -> None:
    """A target-pooling folder's stored ``[TGT]``/``[/TGT]`` ids are its tokenizer's."""
    from framing.models.hf_inputs import MARKERS
    from framing.models.target_pooled import MARKERS_KEY

    stored = getattr(config, MARKERS_KEY, None)
    vocab = tokenizer.get_vocab()
    expected = [vocab.get(m) for m in MARKERS[:2]]
    if stored != expected:
        raise ModelFolderError(
            f"{directory / 'config.json'}: {MARKERS_KEY} {stored!r} are not the tokenizer's "
            f"ids of {MARKERS[0]} and {MARKERS[1]} ({expected})"
        )
