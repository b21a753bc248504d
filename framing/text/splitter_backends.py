"""Sentence-splitter backends: each maps a chunk of text (no hard breaks) to sentence
spans ``(start, end)`` relative to it. :data:`BACKENDS` names them; the passes around
them (blocks, glue, merges) are in :mod:`framing.text.sentences`. Each library is
imported when its backend is built, so only the chosen one is loaded."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate

Span = tuple[int, int]


def _blingfire_backend() -> Callable[[str], list[Span]]:
    """blingfire's sentence breaker, called through its C entry point.

    ``blingfire.text_to_sentences_and_offsets`` maps UTF-8 byte offsets back to
    characters in a Python loop over every byte, which costs more than the
    splitting itself; here the same mapping is one numpy cumulative sum.
    """
    import ctypes

    import blingfire
    import numpy as np

    c_split = blingfire.blingfire.TextToSentencesWithOffsets

    def split(chunk: str) -> list[Span]:
        data = chunk.encode("utf-8")
        n = len(data)
        if n == 0:
            return []
        size = 2 * n + 16
        out = ctypes.create_string_buffer(size)
        starts = (ctypes.c_int32 * size)()
        ends = (ctypes.c_int32 * size)()
        o_len = c_split(data, n, out, starts, ends, size)
        if o_len < 0 or o_len > size:  # the library's own error signal: fall back to its wrapper
            return list(blingfire.text_to_sentences_and_offsets(chunk)[1])
        count = out.raw[:o_len].count(b"\n") + 1
        st = np.frombuffer(starts, dtype=np.int32, count=count)
        en = np.frombuffer(ends, dtype=np.int32, count=count) + 1
        if n != len(chunk):  # non-ASCII: byte index -> character index
            is_first = (np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80
            char_of_byte = np.concatenate([np.cumsum(is_first) - 1, [len(chunk)]])
            st = char_of_byte[st]
            en = char_of_byte[en - 1] + 1
        return list(zip(st.tolist(), en.tolist(), strict=True))

    return split


def _pysbd_backend() -> Callable[[str], list[Span]]:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def split(chunk: str) -> list[Span]:
        return [(s.start, s.end) for s in seg.segment(chunk)]

    return split


def _syntok_backend() -> Callable[[str], list[Span]]:
    from syntok import segmenter

    def split(chunk: str) -> list[Span]:
        spans = []
        for paragraph in segmenter.analyze(chunk):
            for sentence in paragraph:
                first, last = sentence[0], sentence[-1]
                spans.append((first.offset, last.offset + len(last.value)))
        return spans

    return split


def _sentencex_backend() -> Callable[[str], list[Span]]:
    """sentencex's sentences, as offsets.

    ``segment`` gives the sentences as strings that tile the chunk (whitespace
    included), which is cheaper than the dictionaries of
    ``get_sentence_boundaries``; when they do tile it, their running lengths are
    the same offsets. Should they ever not tile it, the offsets are asked for.
    """
    from sentencex import get_sentence_boundaries, segment

    def split(chunk: str) -> list[Span]:
        pieces = list(segment("en", chunk))
        if "".join(pieces) != chunk:
            return [
                (b["start_index"], b["end_index"]) for b in get_sentence_boundaries("en", chunk)
            ]
        ends = list(accumulate(map(len, pieces)))
        return list(zip([0, *ends], ends, strict=False))  # (0, e1), (e1, e2), …

    return split


def _regex_backend() -> Callable[[str], list[Span]]:
    """The naive baseline: break after . ! ? followed by space and a capital."""
    rx = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"“‘']?[A-Z0-9])")

    def split(chunk: str) -> list[Span]:
        spans, pos = [], 0
        for m in rx.finditer(chunk):
            spans.append((pos, m.start()))
            pos = m.end()
        spans.append((pos, len(chunk)))
        return spans

    return split


BACKENDS: dict[str, Callable[[], Callable[[str], list[Span]]]] = {
    "blingfire": _blingfire_backend,
    "pysbd": _pysbd_backend,
    "syntok": _syntok_backend,
    "sentencex": _sentencex_backend,
    "regex": _regex_backend,
}
