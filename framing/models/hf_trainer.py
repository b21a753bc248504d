"""Fine-tuning with the Hugging Face ``Trainer``, for :class:`framing.models.hf.TransformerModel`.

* :func:`fine_tune`             — the training loop: ``TrainingArguments`` from the model's
  hyper-parameters, per-epoch validation, best epoch kept, early stopping;
* :func:`epoch_metrics`         — the validation metrics each epoch is scored by (macro-F1);
* :func:`make_weighted_trainer` — a ``Trainer`` with optional class weights in the loss;
* :func:`make_log_callback`     — per-epoch loss and validation metrics into the run log
  and the model's ``history``;
* :func:`grouped_validation`    — the inner validation split early stopping holds out,
  grouped by article.

The ``Trainer`` subclass and the callback are made on first use and torch and transformers
are imported inside the functions, so importing this module imports neither.
"""

from __future__ import annotations

import functools
import logging
import math
import tempfile
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


def epoch_metrics(eval_pred: Any, multilabel: bool) -> dict[str, float]:
    """Validation metrics of one epoch: macro-F1 (and accuracy for single-label models)."""
    from sklearn.metrics import f1_score

    logits, labels = eval_pred
    if multilabel:
        pred = (1 / (1 + np.exp(-logits)) >= 0.5).astype(int)
        return {
            "macro_f1": float(f1_score(labels.astype(int), pred, average="macro", zero_division=0))
        }
    pred = logits.argmax(axis=1)
    return {
        "macro_f1": float(f1_score(labels, pred, average="macro", zero_division=0)),
        "accuracy": float((pred == labels).mean()),
    }


def fine_tune(owner: Any, train_ds: Any, val_ds: Any | None) -> Any:
    """Train ``owner.model`` (a :class:`~framing.models.hf.TransformerModel`'s) on the
    encoded ``train_ds`` with the owner's hyper-parameters; returns the trained model.

    With ``val_ds`` every epoch is scored on it, the best epoch by ``owner.best_metric``
    is kept and ``owner.patience`` epochs without improvement stop early.
    """
    import torch
    from transformers import DataCollatorWithPadding, EarlyStoppingCallback, TrainingArguments

    from framing.models.hf_setup import pick_device

    device = pick_device(owner.device)
    use_cpu = device == "cpu"
    steps_per_epoch = max(1, math.ceil(len(train_ds) / owner.batch_size))
    with tempfile.TemporaryDirectory(prefix="framing-hf-") as tmp:
        args = TrainingArguments(
            output_dir=tmp,
            num_train_epochs=owner.epochs,
            learning_rate=owner.learning_rate,
            per_device_train_batch_size=owner.batch_size,
            per_device_eval_batch_size=owner.eval_batch_size,
            warmup_steps=int(owner.warmup_ratio * steps_per_epoch * owner.epochs),
            weight_decay=owner.weight_decay,
            eval_strategy="epoch" if val_ds is not None else "no",
            save_strategy="epoch" if val_ds is not None else "no",
            load_best_model_at_end=val_ds is not None,
            metric_for_best_model=owner.best_metric if val_ds is not None else None,
            greater_is_better=owner.best_metric != "loss",
            save_total_limit=1,
            logging_strategy="epoch",
            report_to=[],
            seed=owner.seed,
            data_seed=owner.seed,
            use_cpu=use_cpu,
            fp16=owner.mixed_precision and device == "cuda",
            train_sampling_strategy="group_by_length",
            dataloader_num_workers=0,
            disable_tqdm=False,
        )
        callbacks = [make_log_callback()(owner)]
        if val_ds is not None:
            callbacks.append(EarlyStoppingCallback(early_stopping_patience=owner.patience))
        weights = None
        n_labels = len(owner.labels)
        if owner.class_weights and not owner.multilabel:
            counts = np.bincount(np.asarray(train_ds["labels"]), minlength=n_labels).astype(float)
            weights = torch.tensor(
                len(train_ds) / (n_labels * np.maximum(counts, 1.0)), dtype=torch.float
            )
        trainer = make_weighted_trainer()(
            model=owner.model,
            args=args,
            train_dataset=train_ds,
            eval_dataset=val_ds,
            processing_class=owner.tokenizer,
            data_collator=DataCollatorWithPadding(owner.tokenizer),
            compute_metrics=functools.partial(epoch_metrics, multilabel=owner.multilabel),
            callbacks=callbacks,
            class_weights=weights,
        )
        trainer.train()
        return trainer.model
