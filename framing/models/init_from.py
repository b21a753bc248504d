"""Start a transformer's fine-tuning from a saved framing model (two-stage transfer).

``TransformerModel(init_from=DIR)`` continues from the weights of a model that
``framing-run`` saved in ``DIR`` (``<run>/model``) instead of a pretrained
checkpoint: its tokenizer, encoder and classification head. The saved model must be
a transformer for the same task and labels, with the same input format; its weights
are read by :func:`framing.models.safe_load.read_transformer_folder`, as a saved model
is: safetensors only, strictly (a missing, unexpected or mis-shaped tensor is an
error), and no remote code is ever run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class InitFromError(ValueError):
    """A saved model that cannot seed this model's fine-tuning."""


def load_initial(
    directory: str | Path, task: str, labels: list[str], input_format: str
) -> tuple[Any, Any, str]:
    """``(model, tokenizer, pooling)`` of the saved framing model in ``directory``."""
    from framing.models import read_manifest
    from framing.models.safe_load import read_transformer_folder
    from framing.sources import resolve_path

    directory = resolve_path(directory)
    if not (directory / "manifest.json").is_file():
        raise InitFromError(f"model.init_from {str(directory)!r}: no saved framing model there")
    manifest = read_manifest(directory)
    want = {"kind": "transformer", "task": task, "labels": list(labels)}
    for key, value in want.items():
        if manifest.get(key) != value:
            raise InitFromError(
                f"model.init_from {str(directory)!r}: {key} is {manifest.get(key)!r}, "
                f"this model needs {value!r}"
            )
    saved_format = manifest.get("model", {}).get("input_format", "pair")
    if saved_format != input_format:
        raise InitFromError(
            f"model.init_from {str(directory)!r}: saved with input_format {saved_format!r}, "
            f"this model uses {input_format!r}"
        )
    pooling = str(manifest.get("model", {}).get("pooling", "cls"))
    tokenizer, model = read_transformer_folder(directory, pooling)
    return model, tokenizer, pooling
