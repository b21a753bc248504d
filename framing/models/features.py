"""Target-aware inputs shared by all models.

A stance example is a sentence, the target actor's mention spans and the other
actors' spans. Models see the sentence with the mentions *marked*:

* ``replace`` — every target mention becomes ``target_token`` and every other
  actor's mention ``other_token`` (the model cannot lean on actor names);
* ``wrap``    — mentions are kept and wrapped: ``<t> Russia </t>``, ``<o> HTS </o>``;
* ``none``    — the sentence as it is (target-blind).

``context_window`` gives the words within ``size`` words of the target's
mentions, a second view that keeps what is said *about* the target.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

MARKINGS = ("replace", "wrap", "none")
TARGET_TOKEN = "TARGETACTOR"
OTHER_TOKEN = "OTHERACTOR"
NO_MENTION = "NOTARGETMENTION"
_WORDS = re.compile(r"\w[\w'’-]*")


def mark_sentence(
    sentence: str,
    target_spans: Sequence[Sequence[int]],
    other_spans: Sequence[Sequence[int]] = (),
    marking: str = "replace",
    target_token: str = TARGET_TOKEN,
    other_token: str = OTHER_TOKEN,
    wrap: tuple[str, str, str, str] = ("<t>", "</t>", "<o>", "</o>"),
) -> str:
    """The sentence with target and other-actor mentions marked (see module docstring)."""
    if marking == "none":
        return sentence
    if marking not in MARKINGS:
        raise ValueError(f"unknown target marking {marking!r}; choose one of {', '.join(MARKINGS)}")
    spans = [(int(s), int(e), True) for s, e in target_spans] + [
        (int(s), int(e), False) for s, e in other_spans
    ]
    spans.sort()
    out, pos = [], 0
    for s, e, is_target in spans:
        if s < pos:  # overlapping spans: keep the first
            continue
        out.append(sentence[pos:s])
        if marking == "replace":
            out.append(target_token if is_target else other_token)
        else:
            left, right = (wrap[0], wrap[1]) if is_target else (wrap[2], wrap[3])
            out.append(f"{left} {sentence[s:e]} {right}")
        pos = e
    out.append(sentence[pos:])
    return "".join(out)


def context_window(sentence: str, target_spans: Sequence[Sequence[int]], size: int = 5) -> str:
    """Words within ``size`` words left and right of each target mention.

    Left words are prefixed ``L_``, right words ``R_``, so "condemned X" and
    "X condemned" differ. With no target mention the result is ``NO_MENTION``.
    """
    if not target_spans:
        return NO_MENTION
    words = [(m.start(), m.end(), m.group().lower()) for m in _WORDS.finditer(sentence)]
    out: list[str] = []
    for s, e in target_spans:
        left = [w for ws, we, w in words if we <= s][-size:] if size else []
        right = [w for ws, we, w in words if ws >= e][:size] if size else []
        out.extend("L_" + w for w in left)
        out.extend("R_" + w for w in right)
    return " ".join(out) if out else NO_MENTION


class TargetFeatures(BaseEstimator, TransformerMixin):
    """DataFrame of examples → DataFrame with ``text``, ``window`` and ``actor`` columns."""

    def __init__(self, marking: str = "replace", window: int = 5) -> None:
        self.marking = marking
        self.window = window

    def fit(self, X: pd.DataFrame, y: object = None) -> TargetFeatures:
        if self.marking not in MARKINGS:
            raise ValueError(
                f"unknown target marking {self.marking!r}; choose one of {', '.join(MARKINGS)}"
            )
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        sentences = X["sentence"].tolist()
        targets = X["target_spans"].tolist()
        others = X["other_spans"].tolist()
        text = [
            mark_sentence(s, t, o, self.marking)
            for s, t, o in zip(sentences, targets, others, strict=True)
        ]
        if self.window:
            window = [
                context_window(s, t, self.window) for s, t in zip(sentences, targets, strict=True)
            ]
        else:
            window = [""] * len(sentences)
        return pd.DataFrame(
            {"text": text, "window": window, "actor": X["actor"].astype(str).tolist()},
            index=X.index,
        )


def examples_frame(examples) -> pd.DataFrame:
    """The columns models need, from a :class:`datasets.Dataset` or a mapping of lists."""
    from framing.tasks import columns

    return pd.DataFrame(columns(examples, ("sentence", "target_spans", "other_spans", "actor")))


def as_label_matrix(proba: np.ndarray, classes: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Reorder/extend probability columns from ``classes`` to ``labels`` (missing → 0)."""
    out = np.zeros((proba.shape[0], len(labels)), dtype=float)
    index = {c: i for i, c in enumerate(classes)}
    for j, lab in enumerate(labels):
        if lab in index:
            out[:, j] = proba[:, index[lab]]
    return out
