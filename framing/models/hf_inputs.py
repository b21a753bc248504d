"""What a fine-tuned transformer reads and is trained to output, per input format.

Target-aware input formats for stance (:func:`encoder_inputs`):

* ``pair``    — the target (actor name) as the first segment, the sentence as the second;
* ``markers`` — the sentence with the target's mentions wrapped in ``[TGT] … [/TGT]`` and
  other actors' in ``[OTH] … [/OTH]`` (:data:`MARKERS`, added to the tokenizer as special
  tokens); a target with no mention is announced at the start: ``[TGT] Russia [/TGT] : …``;
* ``sentence`` — the sentence alone (framing, or a target-blind ablation).

:func:`label_targets` turns label names into the training targets (class ids, or 0/1
rows for a multi-label model). Used by :class:`framing.models.hf.TransformerModel`;
importing this module imports neither torch nor transformers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from framing.examples import columns
from framing.models.features import mark_sentence

INPUT_FORMATS = ("pair", "markers", "sentence")
MARKERS = ("[TGT]", "[/TGT]", "[OTH]", "[/OTH]")


def encoder_inputs(examples: Any, input_format: str) -> tuple[list[str], list[str] | None]:
    """Texts (and second segments) the encoder sees, per the input format (only the
    columns that format reads are required: ``sentence``; ``actor`` for ``pair``; the
    spans too for ``markers``)."""
    if input_format == "sentence":
        return list(columns(examples, ["sentence"])["sentence"]), None
    if input_format == "pair":
        c = columns(examples, ["sentence", "actor"])
        return [a or "target" for a in c["actor"]], list(c["sentence"])
    c = columns(examples, ["sentence", "target_spans", "other_spans", "actor"])
    texts = []
    for sentence, target, other, actor in zip(
        c["sentence"], c["target_spans"], c["other_spans"], c["actor"], strict=True
    ):
        marked = mark_sentence(sentence, target, other, "wrap", wrap=MARKERS)
        if not len(target):
            marked = f"{MARKERS[0]} {actor} {MARKERS[1]} : {marked}"
        texts.append(marked)
    return texts, None


def label_targets(labels: Sequence, names: Sequence[str], multilabel: bool) -> list:
    """Training targets: the index of each label in ``names``, or (multi-label) a 0/1 row."""
    index = {lab: i for i, lab in enumerate(names)}
    if multilabel:
        out = []
        for labs in labels:
            row = [0.0] * len(names)
            for lab in labs:
                row[index[lab]] = 1.0
            out.append(row)
        return out
    return [index[lab] for lab in labels]
