"""Pieces of the Hugging Face ``Trainer`` used by :class:`framing.models.hf.TransformerModel`.

* :func:`make_weighted_trainer` — a ``Trainer`` with optional class weights in the loss;
* :func:`make_log_callback`     — per-epoch loss and validation metrics into the run log
  and the model's ``history``;
* :func:`grouped_validation`    — the inner validation split early stopping holds out,
  grouped by article.

Both classes are made on first use, so importing this module does not import transformers.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

log = logging.getLogger("framing.models.hf")


@functools.cache
def make_weighted_trainer():
    from transformers import Trainer

    class WeightedTrainer(Trainer):
        """Trainer with optional class weights in the cross-entropy loss."""

        def __init__(self, *args: Any, class_weights=None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.class_weights = class_weights

        def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
            if self.class_weights is None:
                return super().compute_loss(model, inputs, return_outputs=return_outputs, **kwargs)
            import torch

            labels = inputs.pop("labels")
            outputs = model(**inputs)
            loss = torch.nn.functional.cross_entropy(
                outputs.logits, labels, weight=self.class_weights.to(outputs.logits.device)
            )
            return (loss, outputs) if return_outputs else loss

    return WeightedTrainer


@functools.cache
def make_log_callback():
    from transformers import TrainerCallback

    class LogCallback(TrainerCallback):
        """Per-epoch training loss and validation metrics into the run log."""

        def __init__(self, owner: Any) -> None:
            self.owner = owner

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs:
                entry = {
                    "epoch": round(state.epoch or 0, 2),
                    **{k: round(v, 4) if isinstance(v, float) else v for k, v in logs.items()},
                }
                self.owner.history.append(entry)
                log.info(
                    "%s epoch %.2f: %s",
                    self.owner.name,
                    state.epoch or 0,
                    ", ".join(
                        f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in logs.items()
                    ),
                )

    return LogCallback


def grouped_validation(
    groups: Sequence[str], share: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Inner train/validation indices, grouped by article (no article on both sides)."""
    idx = np.arange(len(groups))
    if share <= 0 or len(set(groups)) < 4:
        return idx, np.array([], dtype=int)
    from sklearn.model_selection import GroupShuffleSplit

    tr, va = next(
        GroupShuffleSplit(n_splits=1, test_size=share, random_state=seed).split(idx, groups=groups)
    )
    return np.sort(tr), np.sort(va)
