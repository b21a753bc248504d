"""A ``TfidfVectorizer`` whose saved state holds its vocabulary as two arrays.

skops writes a fitted vectorizer's ``vocabulary_`` (tens of thousands of n-grams) as
one JSON node per entry: a TF-IDF stance model's file was 37 MB, almost all of it
``schema.json``, and reading it (the type audit, then the load) took most of
``framing predict``'s start-up. :class:`CompactTfidfVectorizer` is the same
estimator (same parameters, same fit and transform); only its pickled/skops state
differs: ``vocabulary_`` becomes the UTF-8 bytes of the terms, one ``uint8`` array,
and their byte lengths and column indices, two ``int64`` arrays, rebuilt into the
dict on load. Files saved with scikit-learn's own ``TfidfVectorizer`` still load.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

_KEYS = ("_vocabulary_bytes", "_vocabulary_lengths", "_vocabulary_columns")


def pack_vocabulary(vocabulary: dict[str, int]) -> dict[str, np.ndarray]:
    """``{term: column}`` → the three arrays of :data:`_KEYS` (exact for any strings)."""
    encoded = [term.encode("utf-8") for term in vocabulary]
    return {
        "_vocabulary_bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(),
        "_vocabulary_lengths": np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)),
        "_vocabulary_columns": np.fromiter(
            vocabulary.values(), dtype=np.int64, count=len(vocabulary)
        ),
    }


def unpack_vocabulary(blob: np.ndarray, lengths: np.ndarray, columns: np.ndarray) -> dict[str, int]:
    """The inverse of :func:`pack_vocabulary`; a malformed state raises ``ValueError``."""
    data = np.asarray(blob, dtype=np.uint8).tobytes()
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.ndim != 1 or len(lengths) != len(columns) or (lengths < 0).any():
        raise ValueError("vocabulary arrays disagree in length")
    ends = np.cumsum(lengths)
    if len(ends) and int(ends[-1]) != len(data):
        raise ValueError("vocabulary bytes and lengths disagree")
    starts = (ends - lengths).tolist()
    terms = [data[s:e].decode("utf-8") for s, e in zip(starts, ends.tolist(), strict=True)]
    return dict(zip(terms, np.asarray(columns, dtype=np.int64).tolist(), strict=True))


class CompactTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` with a compact saved vocabulary (see the module docstring)."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        vocabulary = state.pop("vocabulary_", None)
        if isinstance(vocabulary, dict):
            state.update(pack_vocabulary(vocabulary))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        packed = [state.pop(key, None) for key in _KEYS]
        if all(part is not None for part in packed):
            state["vocabulary_"] = unpack_vocabulary(*packed)
        super().__setstate__(state)
