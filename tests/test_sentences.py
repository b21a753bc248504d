"""framing.text.sentences: the hard-case fixtures and the offset invariants."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.text.clean import clean_text
from framing.text.sentences import SentenceSplitter, get_splitter, split_sentences

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _load(name: str) -> list[dict]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


DEV = _load("sentence_cases.jsonl")
HELDOUT = _load("sentence_cases_heldout.jsonl")
HELDOUT_MIN_EXACT = 0.95


def _spans_ok(text: str, spans: list[tuple[int, int]]) -> None:
    prev_end = 0
    for start, end in spans:
        assert prev_end <= start < end <= len(text), spans
        piece = text[start:end]
        assert piece and piece == piece.strip(), (start, end, piece)
        prev_end = end


# ---------------------------------------------------------------------------
# fixture cases


@pytest.mark.parametrize("case", DEV, ids=[c["id"] for c in DEV])
def test_dev_cases_exact(case):
    assert SentenceSplitter().split(case["text"]) == case["sentences"]
    spans = split_sentences(case["text"])
    assert [case["text"][a:b] for a, b in spans] == case["sentences"]
    _spans_ok(case["text"], spans)


@pytest.mark.parametrize("case", HELDOUT, ids=[c["id"] for c in HELDOUT])
def test_heldout_cases_keep_offsets_valid(case):
    """Every held-out case, right or wrong, gives valid spans that cover its text."""
    text = case["text"]
    spans = split_sentences(text)
    _spans_ok(text, spans)
    covered = set()
    for a, b in spans:
        covered.update(range(a, b))
    assert all(ch.isspace() or i in covered for i, ch in enumerate(text))


def test_heldout_exact_match_rate():
    splitter = SentenceSplitter()
    wrong = [c["id"] for c in HELDOUT if splitter.split(c["text"]) != c["sentences"]]
    rate = 1 - len(wrong) / len(HELDOUT)
    assert rate >= HELDOUT_MIN_EXACT, f"exact {rate:.3f} < {HELDOUT_MIN_EXACT}; wrong: {wrong}"


def test_fixture_files_are_disjoint():
    assert not {c["text"] for c in DEV} & {c["text"] for c in HELDOUT}
    assert len({c["id"] for c in DEV + HELDOUT}) == len(DEV) + len(HELDOUT)


# ---------------------------------------------------------------------------
# API


def test_unknown_backend_is_rejected():
    with pytest.raises(ValueError, match="unknown sentence splitter backend 'nope'"):
        SentenceSplitter("nope")


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
def test_blank_text_has_no_sentences(text):
    assert SentenceSplitter().spans(text) == []


def test_get_splitter_is_shared():
    assert get_splitter("sentencex") is get_splitter("sentencex")
    assert get_splitter("regex") is not get_splitter("sentencex")
    assert "regex" in repr(get_splitter("regex"))


def test_blank_line_always_ends_a_sentence():
    assert SentenceSplitter().split("A heading without a stop\n\nthe next paragraph.") == [
        "A heading without a stop",
        "the next paragraph.",
    ]


def test_hard_wrap_is_not_a_break():
    text = "The convoy left Homs on\nTuesday and reached Tartus at\nnoon. Nobody was hurt."
    assert SentenceSplitter().split(text) == [
        "The convoy left Homs on\nTuesday and reached Tartus at\nnoon.",
        "Nobody was hurt.",
    ]


def test_offsets_index_the_original_text():
    text = "  Mr. Lavrov spoke.  The U.S. envoy replied.\n\nGen. Smith left.”"
    spans = SentenceSplitter().spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Mr. Lavrov spoke.",
        "The U.S. envoy replied.",
        "Gen. Smith left.”",
    ]


# ---------------------------------------------------------------------------
# the property: offsets are exact, ordered, disjoint, and lose no character

_PIECES = list("abcxyzXYZ ,.;:!?…\"'“”‘’«»()[]-—–/&\n\t•·0123456789éÉßñДжسلام中文") + [
    "Mr. ",
    "Dr.",
    "U.S. ",
    "U.S.",
    "...",
    "..",
    "\n\n",
    "\n \n",
    "  ",
    "\u00a0",
    "\u200b",
    "\r\n",
    "Gen.",
    "e.g. ",
    "i.e.",
    "The ",
    "Russia. ",
    "Kremlin’s ",
    "A. K. ",
    "1. ",
    "• ",
    "HTSHTSHTS",
    "&amp;",
    "bbc.com",
    "?!",
    "said.”",
    ".The ",
]
TEXTS = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=60).map("".join),
    st.text(
        alphabet=st.characters(
            whitelist_categories=("L", "N", "P", "Zs", "Cc", "Sm", "So"),
            whitelist_characters="\n\r\t",
        ),
        max_size=200,
    ),
)

BACKENDS = ["sentencex", "blingfire", "regex"] + [
    name for name in ("pysbd", "syntok") if importlib.util.find_spec(name) is not None
]


def _check_property(splitter: SentenceSplitter, raw: str) -> None:
    body = clean_text(raw).text
    spans = splitter.spans(body)
    _spans_ok(body, spans)
    covered = bytearray(len(body))
    for a, b in spans:
        covered[a:b] = b"\x01" * (b - a)
    lost = [(i, ch) for i, ch in enumerate(body) if not ch.isspace() and not covered[i]]
    assert not lost, (body, spans, lost)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_spans_property_default(raw):
    _check_property(SentenceSplitter(), raw)


@pytest.mark.parametrize("backend", BACKENDS)
def test_spans_property_every_backend(backend):
    splitter = SentenceSplitter(backend, prepass=True)

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(TEXTS)
    def check(raw):
        _check_property(splitter, raw)

    check()


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_on_dev_cases_keeps_offsets_valid(backend):
    splitter = SentenceSplitter(backend, prepass=True)
    for case in DEV:
        _spans_ok(case["text"], splitter.spans(case["text"]))
