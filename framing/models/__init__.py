"""Models share one small interface (no base class; Hydra ``_target_`` is the registry):

``fit(examples)``, ``predict_proba(examples) -> ndarray`` (columns in ``labels``
order), ``save(directory)``, ``load(directory, manifest)`` and the attributes
``kind``, ``task``, ``labels``, ``multilabel``, ``params()``.

A saved model folder holds the model's own files and ``manifest.json``: task,
labels, the actor config, the input format (splitter, target marking), the
package versions that trained it. :func:`load_model` reads any of them.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib
import json
import logging
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from framing.io import atomic_write
from framing.models.safe_load import ModelFolderError, loader_error, read_json_object
from framing.models.skops_io import dump_skops, load_skops

__all__ = [
    "MANIFEST",
    "SAVED_KINDS",
    "Model",
    "dump_skops",
    "load_saved_model",
    "load_skops",
    "model_fingerprint",
    "read_manifest",
    "resolve_model_dir",
    "save_model",
]
log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
# a saved model's ``kind`` (its manifest) → the class whose ``load(directory, manifest)``
# reads it back: adding a kind of saved model is one entry here
SAVED_KINDS = {
    "sklearn": "framing.models.sklearn:SklearnModel",
    "transformer": "framing.models.hf:TransformerModel",
    "embedding_logreg": "framing.models.embeddings:EmbeddingLogReg",
}


class Model(Protocol):
    kind: str
    task: str
    labels: list[str]
    multilabel: bool

    def fit(self, examples: Any) -> Any: ...

    def predict_proba(self, examples: Any) -> np.ndarray: ...

    def save(self, directory: str | Path) -> None: ...

    def params(self) -> dict[str, Any]: ...


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("framing", "scikit-learn", "skops", "transformers", "torch", "datasets"):
        with contextlib.suppress(PackageNotFoundError):
            out[pkg] = version(pkg)
    return out


def save_model(
    model: Model,
    directory: str | Path,
    *,
    actors: dict[str, Any],
    splitter: str,
    n_train: int,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Save ``model`` and its manifest into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.save(directory)
    manifest = {
        "kind": model.kind,
        "task": model.task,
        "labels": list(model.labels),
        "multilabel": bool(model.multilabel),
        "model": model.params(),
        "actors": actors,
        "input_format": {
            "splitter": splitter,
            "target_marking": model.params().get("target_marking", "none"),
        },
        "n_train_examples": n_train,
        "versions": _versions(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    if extra:
        manifest.update(extra)
    with atomic_write(directory / MANIFEST) as fh:
        json.dump(manifest, fh, indent=2, ensure_ascii=False)
    return directory


def resolve_model_dir(path: str | Path) -> Path:
    """A model folder, given itself or a run folder holding ``model/``."""
    path = Path(path)
    if (path / MANIFEST).is_file():
        return path
    if (path / "model" / MANIFEST).is_file():
        return path / "model"
    raise FileNotFoundError(
        f"{path}: no {MANIFEST} here or in {path / 'model'} (not a saved model or run folder)"
    )


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The folder's manifest, checked for the fields every loader needs (one-line errors)."""
    directory = resolve_model_dir(path)
    where = directory / MANIFEST
    manifest = read_json_object(where)
    if manifest.get("kind") not in SAVED_KINDS:
        raise ModelFolderError(f"{where}: unknown model kind {manifest.get('kind')!r}")
    if not isinstance(manifest.get("task"), str):
        raise ModelFolderError(f"{where}: no 'task' (a string)")
    labels = manifest.get("labels")
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        raise ModelFolderError(f"{where}: 'labels' must be a non-empty list of strings")
    if not isinstance(manifest.get("model", {}), dict):
        raise ModelFolderError(f"{where}: 'model' must be an object")
    return manifest


def model_fingerprint(path: str | Path) -> str:
    """A hash of every file of the saved model (weights, config, manifest)."""
    from framing.models.safe_load import folder_digest

    return folder_digest(resolve_model_dir(path))


def load_saved_model(path: str | Path) -> tuple[Model, dict[str, Any]]:
    """Load a saved model and its manifest (safe loaders only: skops, safetensors).

    A folder that cannot be loaded safely and completely raises :class:`ModelFolderError`
    (one line naming the file): custom code, pickle weights, missing or extra tensors,
    a truncated or foreign file, a corrupt manifest.
    """
    directory = resolve_model_dir(path)
    manifest = read_manifest(directory)
    kind = manifest.get("kind")
    trained = manifest.get("versions", {}).get("framing", "unknown")
    log.info(
        "loading %s %s model from %s (trained with framing %s)",
        kind,
        manifest.get("task"),
        directory,
        trained,
    )
    target = SAVED_KINDS.get(str(kind))
    if target is None:
        raise ModelFolderError(f"{directory / MANIFEST}: unknown model kind {kind!r}")
    module, _, name = target.partition(":")
    loader = getattr(importlib.import_module(module), name)
    try:
        return loader.load(directory, manifest), manifest
    except ModelFolderError:
        raise
    except (KeyError, TypeError, AttributeError) as exc:  # a manifest or config lacking a field
        raise loader_error(directory, exc) from None
