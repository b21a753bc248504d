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

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

MARKINGS = ("replace", "wrap", "none")
TARGET_TOKEN = "TARGETACTOR"
OTHER_TOKEN = "OTHERACTOR"
NO_MENTION = "NOTARGETMENTION"
_WORDS = re.compile(r"\w[\w'’-]*")
_WORD_CHAR = re.compile(r"[\w'’-]").match  # a character a word (``_WORDS``) may hold
_ALNUM = re.compile(r"\w").match
_RUN = re.compile(r"[\w'’-]*").match


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
    replace = marking == "replace"
    if not len(other_spans) and len(target_spans) == 1:  # the common case: one target mention
        ((s, e),) = target_spans
        s, e = int(s), int(e)
        if s >= 0:
            middle = target_token if replace else f"{wrap[0]} {sentence[s:e]} {wrap[1]}"
            return sentence[:s] + middle + sentence[e:]
    spans = [(int(s), int(e), True) for s, e in target_spans] + [
        (int(s), int(e), False) for s, e in other_spans
    ]
    spans.sort()
    out, pos = [], 0
    for s, e, is_target in spans:
        if s < pos:  # overlapping spans: keep the first
            continue
        out.append(sentence[pos:s])
        if replace:
            out.append(target_token if is_target else other_token)
        else:
            left, right = (wrap[0], wrap[1]) if is_target else (wrap[2], wrap[3])
            out.append(f"{left} {sentence[s:e]} {right}")
        pos = e
    out.append(sentence[pos:])
    return "".join(out)


def _word_offsets(sentence: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the words (``_WORDS``) of ``sentence``, in order."""
    starts, ends = [], []
    for m in _WORDS.finditer(sentence):
        s, e = m.span()
        starts.append(s)
        ends.append(e)
    return starts, ends


def _window(
    sentence: str,
    target_spans: Sequence[Sequence[int]],
    size: int,
    offsets: tuple[list[int], list[int]],
) -> str:
    starts, ends = offsets
    n = len(starts)
    out: list[str] = []
    for s, e in target_spans:
        if size:
            # words are sorted and disjoint: those ending by s are a prefix, those
            # starting from e a suffix (the same lists as filtering every word)
            left = range(bisect_right(ends, s))[-size:]
            right = range(bisect_left(starts, e), n)[:size]
            out.extend(["L_" + sentence[starts[i] : ends[i]].lower() for i in left])
            out.extend(["R_" + sentence[starts[i] : ends[i]].lower() for i in right])
    return " ".join(out) if out else NO_MENTION


def _words_before(sentence: str, s: int, size: int) -> list[str]:
    """The last ``size + 1`` (or fewer) words of ``sentence[:s]``, as ``_WORDS.findall``
    over the whole prefix ends, in time bounded by the window, not by ``s``.

    The scan starts ``reach`` characters before ``s``, moved forward to the end of any
    run of word characters it lands in: from a run boundary the words found are whole
    words of the prefix, and only the leftmost ones can be missed. When too few are
    found the reach grows fourfold, up to the start of the sentence.
    """
    reach = 32 * (size + 2)
    while True:
        p = max(0, s - reach)
        if p > 0 and _WORD_CHAR(sentence, p - 1):
            p = _RUN(sentence, p).end()
        words = _WORDS.findall(sentence, p, s) if p < s else []
        if len(words) > size or s - reach <= 0:
            return words[-(size + 1) :]
        reach *= 4


def _words_from(sentence: str, i: int, size: int) -> list[str]:
    """The first ``size`` words of ``sentence[i:]`` (a lazy scan: stops after them)."""
    return [m.group() for m in itertools.islice(_WORDS.finditer(sentence, i), size)]


def _window_by_slices(
    sentence: str, target_spans: Sequence[Sequence[int]], size: int
) -> str | None:
    """:func:`context_window` from regex scans of the text before and after each
    mention (``size > 0``), or ``None`` when only the whole-sentence scan can tell.

    A word (``_WORDS``) is the part of a maximal run of word characters
    (``[\\w'’-]``) from its first ``\\w``. So unless a run holds both sides of offset
    ``i``, the words of ``sentence[:i]`` / ``sentence[i:]`` are exactly the words
    ending by / starting from ``i``; when the character before ``i`` is a ``\\w`` in
    such a run, a word crosses ``i`` (its part before ``i`` is the last word of
    ``sentence[:i]``; the words from ``i`` start after its run).
    """
    n = len(sentence)
    out: list[str] = []
    for s, e in target_spans:
        if not (0 <= s <= n and 0 <= e <= n):
            return None
        left = _words_before(sentence, s, size)
        if 0 < s < n and _WORD_CHAR(sentence, s - 1) and _WORD_CHAR(sentence, s):
            if not _ALNUM(sentence, s - 1):
                return None
            left.pop()  # a word crosses s: not a word before the mention
        if 0 < e < n and _WORD_CHAR(sentence, e) and _WORD_CHAR(sentence, e - 1):
            if not _ALNUM(sentence, e - 1):
                return None
            right = _words_from(sentence, _RUN(sentence, e).end(), size)  # skip the crossing word
        else:
            right = _words_from(sentence, e, size)
        # lowering words joined by spaces lowers each word as it is (a space is neither
        # cased nor case-ignorable, so even a final sigma stays final)
        if left:
            out.append("L_" + " ".join(left[-size:]).lower().replace(" ", " L_"))
        if right:
            out.append("R_" + " ".join(right[:size]).lower().replace(" ", " R_"))
    return " ".join(out) if out else NO_MENTION


def context_window(sentence: str, target_spans: Sequence[Sequence[int]], size: int = 5) -> str:
    """Words within ``size`` words left and right of each target mention.

    Left words are prefixed ``L_``, right words ``R_``, so "condemned X" and
    "X condemned" differ. With no target mention the result is ``NO_MENTION``.
    """
    if not len(target_spans):
        return NO_MENTION
    if size > 0:
        fast = _window_by_slices(sentence, target_spans, size)
        if fast is not None:
            return fast
    return _window(sentence, target_spans, size, _word_offsets(sentence))


def target_columns(
    sentences: Sequence[str],
    targets: Sequence[Sequence[Sequence[int]]],
    others: Sequence[Sequence[Sequence[int]]],
    marking: str = "replace",
    window: int = 5,
) -> tuple[list[str], list[str]]:
    """``(text, window)`` columns for a batch: :func:`mark_sentence` and
    :func:`context_window` of each example."""
    if marking == "none":
        text = list(sentences)
    else:
        text = [
            mark_sentence(s, t, o, marking)
            for s, t, o in zip(sentences, targets, others, strict=True)
        ]
    if not window:
        return text, [""] * len(text)
    return text, [context_window(s, t, window) for s, t in zip(sentences, targets, strict=True)]


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
        cols = self.transform_columns(
            X["sentence"].tolist(), X["target_spans"].tolist(), X["other_spans"].tolist()
        )
        return pd.DataFrame(
            {
                "text": cols["text"],
                "window": cols["window"],
                "actor": X["actor"].astype(str).tolist(),
            },
            index=X.index,
        )

    def transform_columns(
        self,
        sentences: Sequence[str],
        targets: Sequence[Sequence[Sequence[int]]],
        others: Sequence[Sequence[Sequence[int]]],
    ) -> dict[str, list[str]]:
        """``text`` and ``window`` as lists, without a DataFrame (the fast predict path)."""
        text, window = target_columns(sentences, targets, others, self.marking, self.window)
        return {"text": text, "window": window}


def examples_frame(examples) -> pd.DataFrame:
    """The columns models need, from a :class:`datasets.Dataset` or a mapping of lists."""
    from framing.examples import columns

    return pd.DataFrame(columns(examples, ("sentence", "target_spans", "other_spans", "actor")))


def as_label_matrix(proba: np.ndarray, classes: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Reorder/extend probability columns from ``classes`` to ``labels`` (missing → 0)."""
    out = np.zeros((proba.shape[0], len(labels)), dtype=float)
    index = {c: i for i, c in enumerate(classes)}
    for j, lab in enumerate(labels):
        if lab in index:
            out[:, j] = proba[:, index[lab]]
    return out
