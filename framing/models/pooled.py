"""A sequence classifier over the *mean* of an encoder's token states.

``AutoModelForSequenceClassification`` classifies from the first token (BERT's pooler
over ``[CLS]``). Sentence-embedding checkpoints such as all-MiniLM-L6-v2 were trained
so that the attention-masked mean of the token states is the sentence representation;
their ``[CLS]`` state and pooler were not, so a classifier starting from the mean
begins from features that already separate sentences. :class:`MeanPoolingClassifier`
is that classifier: any ``AutoModel`` encoder + dropout + a linear layer on the masked
mean. It is a :class:`~transformers.PreTrainedModel`, so ``Trainer``, ``save_pretrained``
(safetensors) and ``pipeline("text-classification", model=…)`` work with it; the saved
``config.json`` carries ``framing_pooling: "mean"`` and :func:`load_mean_pooling`
reads the folder back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

POOLING_KEY = "framing_pooling"


class MeanPoolingClassifier(PreTrainedModel):
    """Encoder → masked mean of the token states → dropout → linear layer."""

    config_class = PretrainedConfig
    base_model_prefix = "encoder"
    supports_gradient_checkpointing = True

    def __init__(self, config: PretrainedConfig) -> None:
        super().__init__(config)
        setattr(config, POOLING_KEY, "mean")
        self.encoder = AutoModel.from_config(config, **_no_pooler(config))
        dropout = getattr(config, "classifier_dropout", None)
        if dropout is None:
            dropout = getattr(config, "hidden_dropout_prob", 0.1)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
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
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        logits = self.classifier(self.dropout(pooled))
        loss = None
        if labels is not None:
            if self.config.problem_type == "multi_label_classification":
                loss = nn.functional.binary_cross_entropy_with_logits(
                    logits, labels.to(logits.dtype)
                )
            else:
                loss = nn.functional.cross_entropy(logits, labels.view(-1))
        return SequenceClassifierOutput(loss=loss, logits=logits)


def _no_pooler(config: PretrainedConfig) -> dict[str, Any]:
    """``add_pooling_layer=False`` for encoders that have a (here unused) pooler."""
    if config.model_type in {"bert", "roberta", "xlm-roberta", "camembert", "mpnet"}:
        return {"add_pooling_layer": False}
    return {}


def mean_pooling_from_pretrained(checkpoint: str, **config_kwargs: Any) -> MeanPoolingClassifier:
    """A new classifier whose encoder holds ``checkpoint``'s pretrained weights."""
    config = AutoConfig.from_pretrained(checkpoint, trust_remote_code=False, **config_kwargs)
    model = MeanPoolingClassifier(config)
    model.encoder = AutoModel.from_pretrained(
        checkpoint, config=config, trust_remote_code=False, **_no_pooler(config)
    )
    return model


def is_mean_pooling(directory: str | Path, config: PretrainedConfig | None = None) -> bool:
    """Whether a saved folder (or its read ``config``) holds a :class:`MeanPoolingClassifier`."""
    config = config or AutoConfig.from_pretrained(directory, trust_remote_code=False)
    return getattr(config, POOLING_KEY, "cls") == "mean"


def load_mean_pooling(
    directory: str | Path, config: PretrainedConfig | None = None
) -> MeanPoolingClassifier:
    """Read a folder written by ``MeanPoolingClassifier.save_pretrained`` (safetensors only,
    strict: every tensor of the classifier read from the folder)."""
    from framing.models.safe_load import check_loading_info, refuse_remote_code

    refuse_remote_code(directory)
    config = config or AutoConfig.from_pretrained(directory, trust_remote_code=False)
    model, info = MeanPoolingClassifier.from_pretrained(
        directory, config=config, use_safetensors=True, output_loading_info=True
    )
    check_loading_info(directory, info)
    return model
