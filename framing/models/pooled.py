"""A sequence classifier over the *mean* of an encoder's token states.

``AutoModelForSequenceClassification`` classifies from the first token (BERT's pooler
over ``[CLS]``). Sentence-embedding checkpoints such as all-MiniLM-L6-v2 were trained
so that the attention-masked mean of the token states is the sentence representation;
their ``[CLS]`` state and pooler were not, so a classifier starting from the mean
begins from features that already separate sentences. :class:`MeanPoolingClassifier`
is that classifier: any ``AutoModel`` encoder + dropout + a linear layer on the masked
mean. It is a :class:`~transformers.PreTrainedModel`, so ``Trainer`` and
``save_pretrained`` (safetensors) work with it.

``transformers`` has no such architecture, so ``pipeline()`` and the ``Auto*`` classes
cannot load a saved one: :func:`save_classifier` writes ``config.json`` with the model
type ``framing-mean-pooling`` (the encoder's own type kept under ``framing_encoder_type``)
so that they refuse the folder ("does not recognize this architecture") instead of
loading the encoder into a ``[CLS]`` classifier with random weights. ``framing.load_model``
reads it strictly (:func:`framing.models.safe_load.read_transformer_folder`;
:func:`load_mean_pooling` reads the classifier alone); folders saved before this
(the encoder's model type and ``framing_pooling: "mean"``) load too. Target pooling
(:mod:`framing.models.target_pooled`) is saved and read the same way, with the model
type ``framing-target-pooling``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

from framing.io import atomic_write

POOLING_KEY = "framing_pooling"
POOLED_MODEL_TYPE = "framing-mean-pooling"  # a model type transformers does not resolve
ENCODER_TYPE_KEY = "framing_encoder_type"
# framing's own model types (none resolvable by transformers) -> their pooling
TARGET_MODEL_TYPE = "framing-target-pooling"  # framing.models.target_pooled's
POOLED_MODEL_TYPES = {POOLED_MODEL_TYPE: "mean", TARGET_MODEL_TYPE: "target"}


class MeanPoolingClassifier(PreTrainedModel):
    """Encoder → masked mean of the token states → dropout → linear layer."""

    config_class = PretrainedConfig
    base_model_prefix = "encoder"
    supports_gradient_checkpointing = True
    framing_model_type = POOLED_MODEL_TYPE
    pooling = "mean"  # written to the config as framing_pooling
    pools = 1  # pooled vectors side by side before the linear layer (a subclass may add)

    def __init__(self, config: PretrainedConfig) -> None:
        super().__init__(config)
        setattr(config, POOLING_KEY, self.pooling)
        self.encoder = AutoModel.from_config(config, **_no_pooler(config))
        dropout = getattr(config, "classifier_dropout", None)
        if dropout is None:
            dropout = getattr(config, "hidden_dropout_prob", 0.1)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(self.pools * config.hidden_size, config.num_labels)
        self.post_init()

    def _init_weights(self, module: nn.Module) -> None:
        if module is getattr(self, "classifier", None):
            std = getattr(self.config, "initializer_range", 0.02)
            nn.init.normal_(module.weight, mean=0.0, std=std)
            nn.init.zeros_(module.bias)

    def get_input_embeddings(self) -> nn.Module:
        return self.encoder.get_input_embeddings()

    def set_input_embeddings(self, value: nn.Module) -> None:
        self.encoder.set_input_embeddings(value)

    def forward(
        self,
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        **kwargs: Any,
    ) -> SequenceClassifierOutput:
        inputs: dict[str, Any] = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            inputs["token_type_ids"] = token_type_ids
        hidden = self.encoder(**inputs).last_hidden_state
        if attention_mask is None:
            attention_mask = torch.ones(hidden.shape[:2], device=hidden.device)
        logits = self.classifier(self.dropout(self.pool(hidden, input_ids, attention_mask)))
        loss = None if labels is None else classification_loss(self.config, logits, labels)
        return SequenceClassifierOutput(loss=loss, logits=logits)

    def pool(
        self, hidden: torch.Tensor, input_ids: torch.Tensor | None, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        """The vector the head classifies: here the masked mean of the token states."""
        return masked_mean(hidden, attention_mask)


def masked_mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The mean of ``hidden`` (batch, tokens, dim) over the tokens where ``mask`` is 1."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)


def classification_loss(
    config: PretrainedConfig, logits: torch.Tensor, labels: torch.Tensor
) -> torch.Tensor:
    """Cross-entropy, or binary cross-entropy for a multi-label config."""
    if config.problem_type == "multi_label_classification":
        return nn.functional.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype))
    return nn.functional.cross_entropy(logits, labels.view(-1))


def _no_pooler(config: PretrainedConfig) -> dict[str, Any]:
    """``add_pooling_layer=False`` for encoders that have a (here unused) pooler."""
    if config.model_type in {"bert", "roberta", "xlm-roberta", "camembert", "mpnet"}:
        return {"add_pooling_layer": False}
    return {}


def read_config(directory: str | Path) -> PretrainedConfig:
    """The config of a saved folder; for a framing-pooled folder the encoder's config class,
    with ``framing_pooling`` (``"mean"`` or ``"target"``)."""
    path = Path(directory) / "config.json"
    values = json.loads(path.read_text(encoding="utf-8"))
    model_type = values.get("model_type")
    if model_type not in POOLED_MODEL_TYPES:
        return AutoConfig.from_pretrained(directory, trust_remote_code=False)
    encoder_type = values.pop(ENCODER_TYPE_KEY, None)
    if not encoder_type:
        raise ValueError(f"{path}: model type {model_type} without {ENCODER_TYPE_KEY}")
    if values.get(POOLING_KEY) != POOLED_MODEL_TYPES[model_type]:
        raise ValueError(
            f"{path}: model type {model_type} with {POOLING_KEY} {values.get(POOLING_KEY)!r}"
        )
    values.pop("model_type")
    values.pop("architectures", None)
    return AutoConfig.for_model(encoder_type, **values)


def save_classifier(model: PreTrainedModel, directory: str | Path) -> None:
    """``save_pretrained`` (safetensors); for framing's pooled classifiers, then
    ``config.json`` marked so that transformers' ``Auto*`` classes and ``pipeline()``
    refuse the folder (see the module docstring)."""
    directory = Path(directory)
    model.save_pretrained(directory, safe_serialization=True)
    model_type = getattr(model, "framing_model_type", None)
    if model_type is None:
        return
    path = directory / "config.json"
    values = json.loads(path.read_text(encoding="utf-8"))
    values[ENCODER_TYPE_KEY] = values.get("model_type")
    values["model_type"] = model_type
    values["architectures"] = ["Framing" + type(model).__name__]
    with atomic_write(path) as fh:
        json.dump(values, fh, indent=2, sort_keys=True)


def saved_pooling(directory: str | Path, config: PretrainedConfig | None = None) -> str:
    """The pooling of a saved folder (or its read ``config``): cls, mean or target."""
    config = config or read_config(directory)
    return str(getattr(config, POOLING_KEY, "cls"))


def pooled_class(pooling: str) -> type[PreTrainedModel]:
    """framing's classifier class for ``pooling`` "mean" or "target"."""
    if pooling == "target":
        from framing.models.target_pooled import TargetPoolingClassifier

        return TargetPoolingClassifier
    if pooling == "mean":
        return MeanPoolingClassifier
    raise ValueError(f"no framing classifier for pooling {pooling!r}")


def pooled_from_pretrained(pooling: str, checkpoint: str, **config_kwargs: Any) -> PreTrainedModel:
    """A new mean- or target-pooling classifier over ``checkpoint``'s pretrained encoder."""
    config = AutoConfig.from_pretrained(checkpoint, trust_remote_code=False, **config_kwargs)
    model = pooled_class(pooling)(config)
    model.encoder = AutoModel.from_pretrained(
        checkpoint, config=config, trust_remote_code=False, **_no_pooler(config)
    )
    return model


def load_mean_pooling(
    directory: str | Path, config: PretrainedConfig | None = None
) -> MeanPoolingClassifier:
    """Read a folder written by :func:`save_classifier` (safetensors only, strict: every
    tensor of the classifier read from the folder)."""
    from framing.models.safe_load import check_loading_info, refuse_remote_code

    refuse_remote_code(directory)
    config = config or read_config(directory)
    model, info = MeanPoolingClassifier.from_pretrained(
        directory, config=config, use_safetensors=True, output_loading_info=True
    )
    check_loading_info(directory, info)
    return model
