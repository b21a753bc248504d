"""A sequence classifier over the *target span* and the sentence (entity-marker pooling).

With ``input_format=markers`` the target's mentions are wrapped in ``[TGT] … [/TGT]``.
:class:`TargetPoolingClassifier` pools the encoder states of those spans (the tokens from
each ``[TGT]`` through its ``[/TGT]``, masked mean) and concatenates them with the
sentence's masked mean before dropout + a linear layer — the entity-marker
representation of Baldini Soares et al. (2019), so that two targets of one sentence get
different features even where the sentence mean barely changes. A row whose span was
truncated away (no ``[TGT]`` within ``max_length``) falls back to the sentence mean; a
``[TGT]`` whose ``[/TGT]`` was cut pools up to the end of the row.

The ids of ``[TGT]`` and ``[/TGT]`` are stored in the config (``framing_target_markers``),
a new one is made by ``framing.models.pooled.pooled_from_pretrained("target", …)``,
the folder is saved with the model type ``framing-target-pooling`` (refused by
transformers' ``Auto*`` classes, see :mod:`framing.models.pooled`) and read back strictly
by :func:`framing.models.safe_load.read_transformer_folder`.
"""

from __future__ import annotations

import torch

from framing.models.pooled import TARGET_MODEL_TYPE, MeanPoolingClassifier, masked_mean

MARKERS_KEY = "framing_target_markers"  # [id of [TGT], id of [/TGT]]


def target_span_mask(
    input_ids: torch.Tensor, attention_mask: torch.Tensor, open_id: int, close_id: int
) -> torch.Tensor:
    """1 on the tokens from each ``open_id`` through its ``close_id`` (both included), on
    padding never; rows with no such span get the attention mask (the sentence mean)."""
    is_open = (input_ids == open_id).long()
    is_close = (input_ids == close_id).long()
    # inside: more spans opened up to here than closed before here
    inside = is_open.cumsum(dim=1) - (is_close.cumsum(dim=1) - is_close) > 0
    span = inside.long() * attention_mask.long()
    empty = span.sum(dim=1, keepdim=True) == 0
    return torch.where(empty, attention_mask.long(), span)


class TargetPoolingClassifier(MeanPoolingClassifier):
    """Encoder → [sentence mean ; target-span mean] → dropout → linear layer (the encoder,
    dropout, head initialisation and embeddings as :class:`MeanPoolingClassifier`'s)."""

    framing_model_type = TARGET_MODEL_TYPE
    pooling = "target"
    pools = 2

    def set_target_markers(self, open_id: int, close_id: int) -> None:
        """The token ids of ``[TGT]`` and ``[/TGT]`` (stored in the config, so saved)."""
        setattr(self.config, MARKERS_KEY, [int(open_id), int(close_id)])

    def markers(self) -> tuple[int, int]:
        ids = getattr(self.config, MARKERS_KEY, None)
        if not isinstance(ids, list | tuple) or len(ids) != 2:
            raise ValueError(
                f"target pooling: config has no {MARKERS_KEY} ([TGT] and [/TGT] token ids), "
                f"got {ids!r}"
            )
        return int(ids[0]), int(ids[1])

    def pool(
        self, hidden: torch.Tensor, input_ids: torch.Tensor | None, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        """The sentence mean and the mean over the ``[TGT] … [/TGT]`` span, side by side."""
        if input_ids is None:
            raise ValueError("target pooling needs input_ids (to find the [TGT] span)")
        span = target_span_mask(input_ids, attention_mask, *self.markers())
        return torch.cat([masked_mean(hidden, attention_mask), masked_mean(hidden, span)], -1)
