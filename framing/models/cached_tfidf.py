"""Fast transforms of fitted scikit-learn steps, for prediction only (never persisted).

:class:`CachedTfidf` wraps a fitted ``TfidfVectorizer`` and gives the same matrix
(same columns, idf, sublinear tf and norm: the vectorizer's own ``_tfidf`` does the
weighting) from per-word caches of n-gram column indices; :class:`FastOneHot`
wraps a fitted ``OneHotEncoder``. :class:`framing.models.fast_predict.FastPredictor`
builds them from a loaded pipeline; the saved file holds scikit-learn's own types.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

_SAFE_TOKEN_PATTERNS = frozenset({r"(?u)\b\w\w+\b", r"\b\w\w+\b", r"(?u)\b\w+\b", r"\S+"})
# the same tokens, faster: ``\S+`` and ``str.split`` both cut at ``Py_UNICODE_ISSPACE``
# characters; ``\b\w\w+\b`` matches the maximal runs of 2+ ``\w``, as ``\w\w+`` does
# (a scan never resumes inside such a run)
_FAST_TOKENIZERS = {
    r"\S+": str.split,
    r"(?u)\b\w\w+\b": re.compile(r"\w\w+").findall,
    r"\b\w\w+\b": re.compile(r"\w\w+").findall,
}


class _Missing(dict):
    """A dict whose missing keys read as -1 (``map(d.__getitem__, keys)`` stays in C)."""

    def __missing__(self, key: str) -> int:
        return -1


class _WordSlots(dict):
    """Word → slot of its char_wb n-gram columns in a :class:`CachedTfidf`'s cache."""

    def __init__(self, owner: CachedTfidf) -> None:
        super().__init__()
        self.owner = owner

    def __missing__(self, word: str) -> int:
        slot = self[word] = self.owner._add_word(word)
        return slot


def _sorted_rows(counts: sp.csr_array) -> sp.csr_array:
    """``counts`` (small non-negative integer values) with each row's columns sorted,
    as ``sort_indices`` gives them, faster: each entry becomes the ``uint32``
    ``(row in chunk, column, count)``, sorted a chunk of rows at a time."""
    n_rows, n_cols = counts.shape
    if not counts.nnz:
        return counts
    bits = int(counts.data.max()).bit_length()
    rows_per_chunk = (1 << 32) // (max(n_cols, 1) << bits)
    if rows_per_chunk < 16 or counts.data.min() < 0:
        counts.sort_indices()
        return counts
    indptr = counts.indptr
    local = np.arange(n_rows, dtype=np.uint32) % np.uint32(rows_per_chunk)
    keys = np.repeat(local * np.uint32(n_cols), np.diff(indptr))
    keys += counts.indices.astype(np.uint32, copy=False)  # columns are >= 0
    keys <<= np.uint32(bits)
    keys |= counts.data.astype(np.uint32)
    bounds = indptr[::rows_per_chunk].tolist() + [int(indptr[-1])]
    for a, b in zip(bounds[:-1], bounds[1:], strict=False):
        keys[a:b].sort()
    data = (keys & np.uint32((1 << bits) - 1)).astype(counts.dtype)
    keys >>= np.uint32(bits)
    keys %= np.uint32(n_cols)
    indices = keys.view(np.int32) if counts.indices.dtype == np.int32 else keys
    return sp.csr_array((data, indices, indptr), shape=counts.shape)


class _Store:
    """Variable-length rows of integers in two growing arrays (row pointers, values):
    the CSR ``indptr`` and ``indices`` of the rows added so far (``ptr[: n + 1]``)."""

    def __init__(self, dtype: Any = np.int64, n_values: int = 4096) -> None:
        self.dtype = dtype
        self.ptr = np.zeros(1024, dtype=dtype)
        self.values = np.empty(n_values, dtype=dtype)
        self.n = 0

    def add(self, values: Sequence[int]) -> int:
        row, start = self.n, int(self.ptr[self.n])
        end = start + len(values)
        if row + 2 > len(self.ptr):
            self.ptr = np.concatenate([self.ptr, np.zeros(len(self.ptr), dtype=self.dtype)])
        if end > len(self.values):
            grown = np.empty(max(2 * len(self.values), end), dtype=self.dtype)
            grown[:start] = self.values[:start]
            self.values = grown
        self.values[start:end] = values
        self.ptr[row + 1] = end
        self.n += 1
        return row

    def expand(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The values of ``rows`` one after the other, and each row's length."""
        starts = self.ptr[rows]
        lengths = self.ptr[rows + 1] - starts
        total = int(lengths.sum())
        # position of each output value in ``values``: its row's start + its offset
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return self.values[offsets + np.arange(total, dtype=np.int64)], lengths


class _PieceIds(dict):
    """Whitespace-free piece of text → its row (the vocabulary token ids of its
    tokens) in the owner's ``_piece_store``."""

    def __init__(self, owner: CachedTfidf) -> None:
        super().__init__()
        self.owner = owner

    def __missing__(self, piece: str) -> int:
        owner = self.owner
        get = owner._tokens.__getitem__
        row = self[piece] = owner._piece_store.add(list(map(get, owner._tokenize(piece))))
        return row


class CachedTfidf:
    """The ``transform`` of a fitted :class:`~sklearn.feature_extraction.text.TfidfVectorizer`,
    fast, giving the very matrix the vectorizer gives (same counts, so the same tf-idf
    arithmetic, done by the vectorizer's own fitted ``TfidfTransformer``).

    * ``char_wb``: the n-grams of a document are those of each whitespace-separated
      word padded with a space (sklearn's ``_char_wb_ngrams``), so the column indices of
      a word's n-grams are cached once per distinct word; a batch's count matrix is the
      (documents × words) occurrence matrix times the (words × columns) cache matrix.
      The cache holds at most ``cache_size`` words between batches (it is emptied when
      it grows past that), so memory stays flat on any corpus.
    * ``word`` (default or ``\\S+`` token pattern, no stop words): tokens become ids of
      the vocabulary's tokens and n-grams are looked up as id pairs with numpy.
    * anything else: the vectorizer's own ``transform``.

    Built on the fly from a fitted vectorizer; not an estimator and never saved.
    """

    def __init__(self, vectorizer: Any, cache_size: int = 200_000) -> None:
        self.vectorizer = vectorizer
        self.cache_size = int(cache_size)
        self.n_features = len(vectorizer.vocabulary_)
        self.mode = self._mode(vectorizer)
        self._lock = threading.Lock()
        self._preprocess = vectorizer.build_preprocessor()
        if vectorizer.preprocessor is None and vectorizer.strip_accents is None:
            # what build_preprocessor's function does, without its Python call
            self._preprocess = str.lower if vectorizer.lowercase else str.__str__
        if self.mode == "char_wb":
            self._reset_cache()
        elif self.mode == "word":
            self._tokenize = _FAST_TOKENIZERS.get(vectorizer.token_pattern) or (
                vectorizer.build_tokenizer()
            )
            self._piece_store = _Store()
            self._piece_ids = (
                _PieceIds(self) if vectorizer.token_pattern in _FAST_TOKENIZERS else None
            )
            self._build_word_tables()

    @staticmethod
    def _mode(vec: Any) -> str:
        if (
            getattr(vec, "input", "content") != "content"
            or not hasattr(vec, "_tfidf")
            or np.dtype(vec.dtype) not in (np.dtype(np.float64), np.dtype(np.float32))
        ):
            return "sklearn"
        if vec.analyzer == "char_wb":
            return "char_wb"
        if (
            vec.analyzer == "word"
            and vec.tokenizer is None
            and vec.stop_words is None
            and vec.token_pattern in _SAFE_TOKEN_PATTERNS
            and 1 <= vec.ngram_range[0] <= vec.ngram_range[1] <= 8
        ):
            return "word"
        return "sklearn"

    # -- char_wb -------------------------------------------------------
    def _reset_cache(self) -> None:
        self._slots = _WordSlots(self)
        self._word_cols = _Store(np.int32, 16_384)  # per slot (word) its columns
        self._ones = np.ones(0, dtype=np.float64)

    def _add_word(self, word: str) -> int:
        vocab = self.vectorizer.vocabulary_
        # the vectorizer's own n-grams of one word (its document loop, for that word)
        cols = [c for c in map(vocab.get, self.vectorizer._char_wb_ngrams(word)) if c is not None]
        return self._word_cols.add(cols)

    def _char_wb_counts(self, docs: Sequence[str]) -> sp.csr_array:
        if len(self._slots) > self.cache_size:
            self._reset_cache()
        slots = self._slots
        get = slots.__getitem__
        pre = self._preprocess
        occ: list[int] = []
        extend = occ.extend
        indptr = [0]
        append = indptr.append
        for doc in docs:
            # sklearn: preprocess, collapse whitespace, split on whitespace
            extend(map(get, pre(doc).split()))
            append(len(occ))
        store = self._word_cols
        n_slots = store.n
        nnz = int(store.ptr[n_slots])
        if len(self._ones) < nnz:
            self._ones = np.ones(2 * nnz, dtype=np.float64)
        words = sp.csr_array(
            (
                self._ones[:nnz],
                store.values[:nnz],
                store.ptr[: n_slots + 1],
            ),
            shape=(n_slots, self.n_features),
        )
        occurrences = sp.csr_array(
            (
                np.ones(len(occ), dtype=np.float64),
                np.array(occ, dtype=np.int32),
                np.array(indptr, dtype=np.int32),
            ),
            shape=(len(docs), n_slots),
        )
        counts = occurrences @ words  # integer counts, exact in float64
        return _sorted_rows(counts)

    # -- word ----------------------------------------------------------
    def _build_word_tables(self) -> None:
        """Token ids of the vocabulary's n-grams and, per n, the sorted keys
        ``prefix_id * n_tokens + token_id`` of their n-token prefixes."""
        min_n, max_n = self.vectorizer.ngram_range
        tokens = _Missing()
        levels: list[dict[tuple[int, int], int]] = [{} for _ in range(max_n + 1)]
        cols: list[dict[int, int]] = [{} for _ in range(max_n + 1)]
        for feature, col in self.vectorizer.vocabulary_.items():
            parts = feature.split(" ")
            if not min_n <= len(parts) <= max_n:
                self.mode = "sklearn"  # not a vocabulary this analyzer made
                return
            ids = [tokens.setdefault(t, len(tokens)) for t in parts]
            prefix = ids[0]
            for n in range(2, len(parts) + 1):
                level = levels[n]
                prefix = level.setdefault((prefix, ids[n - 1]), len(level))
            cols[len(parts)][prefix] = col
        self._tokens = tokens
        k = self._n_tokens = max(len(tokens), 1)
        self._keys: list[np.ndarray] = [np.empty(0, np.int64)] * (max_n + 1)
        self._next: list[np.ndarray] = [np.empty(0, np.int64)] * (max_n + 1)
        self._col_of: list[np.ndarray] = []
        for n in range(max_n + 1):
            size = len(tokens) if n == 1 else len(levels[n])
            # one extra cell at the end: id -1 (no such prefix) -> column -1
            col_of = np.full(size + 1, -1, dtype=np.int64)
            for pid, col in cols[n].items():
                col_of[pid] = col
            self._col_of.append(col_of)
            if n >= 2 and levels[n]:
                pairs = np.array(list(levels[n].keys()), dtype=np.int64).reshape(-1, 2)
                keys = pairs[:, 0] * k + pairs[:, 1]
                order = np.argsort(keys)
                self._keys[n] = keys[order]
                self._next[n] = np.fromiter(levels[n].values(), np.int64, len(levels[n]))[order]

    def _word_counts(self, docs: Sequence[str]) -> sp.csr_array:
        min_n, max_n = self.vectorizer.ngram_range
        pre = self._preprocess
        ids_list: list[int] = []
        extend = ids_list.extend
        ends = []
        append = ends.append
        n_docs = len(docs)
        if self._piece_ids is not None:
            # whitespace never belongs to a token, so a document's tokens are those of
            # its whitespace-separated pieces, in order; token ids cached per piece
            if len(self._piece_ids) > self.cache_size:
                self._piece_ids.clear()
                self._piece_store = _Store()
            piece = self._piece_ids.__getitem__
            for doc in docs:
                extend(map(piece, pre(doc).split()))
                append(len(ids_list))
            slots = np.array(ids_list, dtype=np.int64)
            ids, per_piece = self._piece_store.expand(slots)
            piece_doc = np.repeat(np.arange(n_docs, dtype=np.int64), np.diff(ends, prepend=0))
            doc_of = np.repeat(piece_doc, per_piece)
        else:
            get, tokenize = self._tokens.__getitem__, self._tokenize
            for doc in docs:
                extend(map(get, tokenize(pre(doc))))
                append(len(ids_list))
            ids = np.array(ids_list, dtype=np.int64)
            doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), np.diff(ends, prepend=0))
        rows, cols = [], []
        if min_n == 1:
            c = self._col_of[1][ids]
            keep = c >= 0
            rows.append(doc_of[keep])
            cols.append(c[keep])
        prefix = ids
        k = self._n_tokens
        for n in range(2, max_n + 1):
            m = len(ids) - n + 1
            keys = self._keys[n]
            if m <= 0 or not len(keys):
                break
            a, b = prefix[:m], ids[n - 1 :]
            ok = (a >= 0) & (b >= 0) & (doc_of[:m] == doc_of[n - 1 :])
            key = np.where(ok, a * k + b, -1)
            pos = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
            found = ok & (keys[pos] == key)
            prefix = np.where(found, self._next[n][pos], -1)
            if n >= min_n:
                c = self._col_of[n][prefix]
                keep = c >= 0
                rows.append(doc_of[:m][keep])
                cols.append(c[keep])
        v = self.n_features
        flat = np.concatenate(rows) * v + np.concatenate(cols) if rows else np.empty(0, np.int64)
        cells, counts = np.unique(flat, return_counts=True)  # sorted: by row, then column
        indptr = np.searchsorted(cells, np.arange(n_docs + 1, dtype=np.int64) * v)
        return sp.csr_array(
            (
                counts.astype(np.float64),
                (cells % v).astype(np.int32),
                indptr.astype(np.int32),
            ),
            shape=(n_docs, v),
        )

    # ------------------------------------------------------------------
    def transform(self, docs: Sequence[str]) -> Any:
        """What ``vectorizer.transform(docs)`` gives."""
        vec = self.vectorizer
        if isinstance(docs, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        docs = list(docs)
        if self.mode == "sklearn" or not docs or not all(type(d) is str for d in docs):
            return vec.transform(docs)
        with self._lock:  # the caches grow as they go: one batch at a time
            if self.mode == "char_wb":
                counts = self._char_wb_counts(docs)
            else:
                counts = self._word_counts(docs)
        if counts.dtype != vec.dtype:
            counts = counts.astype(vec.dtype)
        if vec.binary:
            counts.data.fill(1)
        return vec._tfidf.transform(counts, copy=False)


class FastOneHot:
    """The ``transform`` of a fitted one-column :class:`~sklearn.preprocessing.OneHotEncoder`
    (no ``drop``, no infrequent categories, unknown categories ignored, sparse output),
    from a list of values; anything else goes to the encoder itself."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder
        cats = encoder.categories_
        self.fast = (
            len(cats) == 1
            and encoder.drop is None
            and encoder.handle_unknown == "ignore"
            and getattr(encoder, "_infrequent_enabled", False) is False
            and getattr(encoder, "sparse_output", True)
            and all(type(c) is str for c in cats[0])
        )
        self.index = {c: i for i, c in enumerate(cats[0])} if self.fast else {}

    def transform(self, values: Sequence[Any], column: Any) -> Any:
        if not self.fast or not all(type(v) is str for v in values):
            return self.encoder.transform(pd.DataFrame({c: list(values) for c in column}))
        cols = np.fromiter(map(self.index.get, values, [-1] * len(values)), np.int64, len(values))
        keep = cols >= 0
        indptr = np.concatenate([[0], np.cumsum(keep)])
        return sp.csr_matrix(
            (np.ones(int(keep.sum()), dtype=self.encoder.dtype), cols[keep], indptr),
            shape=(len(values), len(self.index)),
        )
