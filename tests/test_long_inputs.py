"""Issue #15, finding 4: the context-window feature is linear in the sentence length."""

from __future__ import annotations

import random
import re
import time

import pytest

from framing.models.features import _window, _word_offsets, context_window, target_columns

WORDS = ["officials", "waited", "for", "news", "of", "aid", "in", "the", "north", "-", "’s"]


def _sentence(n_chars: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    out, size = [], 0
    while size < n_chars:
        word = "Russia" if rng.random() < 0.05 else rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)


def _spans(sentence: str, name: str = "Russia") -> list[list[int]]:
    return [list(m.span()) for m in re.finditer(name, sentence)]


def test_a_one_megabyte_unpunctuated_sentence_featurises_in_seconds() -> None:
    sentence = _sentence(1_000_000)
    spans = _spans(sentence)
    assert len(spans) > 5_000
    started = time.perf_counter()
    _, window = target_columns([sentence], [spans], [[]], "replace", 5)
    assert time.perf_counter() - started < 20  # was hours (quadratic); ~1 s here
    # the same words as the reference scan of every word of the sentence (linear too)
    assert window[0] == _window(sentence, spans, 5, _word_offsets(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        _sentence(20_000, seed=1),
        "a" * 5_000 + " Russia " + "b" * 3_000,  # a word longer than the first reach
        "x " + " " * 4_000 + "Russia" + "-" * 900 + "y",  # long gaps between words
        "--ab " * 400 + "Russia --cd ’e f-g",  # runs that start without a letter
        "w " * 3 + "Russia",  # fewer words than the window
    ],
)
@pytest.mark.parametrize("size", [1, 5, 12])
def test_the_bounded_scan_equals_the_whole_sentence_scan(sentence: str, size: int) -> None:
    spans = _spans(sentence)
    assert context_window(sentence, spans, size) == _window(
        sentence, spans, size, _word_offsets(sentence)
    )
