"""Start a transformer's fine-tuning from a saved framing model (two-stage transfer).

``TransformerModel(init_from=DIR)`` continues from the weights of a model that
``framing-run`` saved in ``DIR`` (``<run>/model``) instead of a pretrained
checkpoint: its tokenizer, encoder and classification head. The saved model must be
a transformer for the same task and labels, with the same input format; its weights
load from safetensors only, strictly (a missing, unexpected or mis-shaped tensor is an
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
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

    from framing.models import read_manifest
    from framing.models.pooled import MeanPoolingClassifier, is_mean_pooling
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
    config = AutoConfig.from_pretrained(directory, trust_remote_code=False)
    pooling = "mean" if is_mean_pooling(directory, config) else "cls"
    cls = MeanPoolingClassifier if pooling == "mean" else AutoModelForSequenceClassification
    model, info = cls.from_pretrained(
        directory,
        config=config,
        use_safetensors=True,
        trust_remote_code=False,
        output_loading_info=True,
    )
    bad = {k: v for k, v in info.items() if k != "error_msgs" and v} | (
        {"error_msgs": info["error_msgs"]} if info.get("error_msgs") else {}
    )
    if bad:
        raise InitFromError(
            f"model.init_from {str(directory)!r}: weights do not load strictly: {bad}"
        )
    tokenizer = AutoTokenizer.from_pretrained(directory, trust_remote_code=False)
    return model, tokenizer, pooling
