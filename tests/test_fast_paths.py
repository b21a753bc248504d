"""The fast paths in cleaning, splitting and actor matching agree with the slow ones.

Each fast path (see the comments where it is defined) claims to give exactly what
a simpler formulation gives; here the simpler formulation is the reference, and
hypothesis looks for text where the two differ.
"""

from __future__ import annotations

import re

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.actors import ActorLexicon, ahocorasick
from framing.text import clean as C
from framing.text import sentences as S
from framing.text import unicode as U

# characters and pieces that the fast paths treat specially
_CHARS = (
    "aAbBeEgGhHiIkKlLmMnNoOpPrRsStTuUvVwWxXyYzZ019"
    " \n\t\r\x0b\x0c\x1c\x85\u00a0\u2003\u2028\u2029\u200b\ufeff\u00ad"
    ".!?…,;:-–—'\"“”‘’()[]&_/é\u0301ÃÂâ€™ﬁＲ"
)
_PIECES = [
    "Mr.",
    "Dr. ",
    "Gen.",
    "e.g.",
    "i.e.",
    "U.S.",
    "Approx.",
    "St.",
    "A. ",
    "Jan.",
    "HTS",
    "HTSHTSHTS",
    "entranceHTS",
    "KremlinKremlinKremlin",
    "McDonald",
    "ABCDEF",
    "Russia",
    "Russian",
    "Russians",
    "Russia's",
    "Russia’s",
    "the Kremlin",
    "The Kremlin",
    "THE KREMLIN",
    "Moscow",
    "Moscow's",
    "al-Assad",
    "Bashar al-Assad",
    "Assad",
    "the regime",
    "regimes",
    "Putin",
    "Vladimir Putin",
    "xPutin",
    "Putin_",
    "Putinx",
    "Hay'at Tahrir al-Sham",
    "Hay’at Tahrir al-Sham",
    "Sharaa",
    "al-Sharaa",
    "Syria's new leaders",
    ". The",
    ".The",
    "?Yet",
    ".”Russia",
    " (AFP)",
    "\n\n",
    "\n",
    "  ",
    "&amp;",
    "Ã©",
    "Share this",
    "By Staff",
    "• ",
    "1. ",
    "Photo: AFP",
]
texts = st.lists(
    st.one_of(st.sampled_from(_PIECES), st.text(alphabet=_CHARS, max_size=6)), max_size=40
).map("".join)


# ---------------------------------------------------------------------------
# cleaning

_OLD_SPACES = re.compile(r"[^\S\n]{2,}|[^\S \n]")


@given(texts)
@settings(max_examples=400, deadline=None)
def test_one_space_is_the_old_substitution(text):
    assert U.one_space(text) == _OLD_SPACES.sub(" ", text)


@given(texts)
@settings(max_examples=300, deadline=None)
def test_normalize_spaced_is_normalize_then_spaces(text):
    expected = U.normalize_unicode(text)
    if "  " in expected or U._ODD_SPACE.search(expected):
        expected = _OLD_SPACES.sub(" ", expected)
    assert U.normalize_spaced(text) == expected


@given(st.one_of(texts, st.text(max_size=30)))
@settings(max_examples=500, deadline=None)
def test_dump_hint_without_regex_is_the_regex(text):
    assert C._has_dump_hint(text) == bool(C._DUMP_HINT.search(text))


@given(texts)
@settings(max_examples=300, deadline=None)
def test_fix_text_per_line_is_ftfy(text):
    assert U._fix_text(text) == ftfy.fix_text(text, **U._FTFY_OPTIONS)


@pytest.mark.parametrize(
    "text",
    [
        "plain\n&amp; entity\nCafÃ© au lait\n",
        "a <b> tag\nthen &amp; stays\n\nâ€™ mojibake",
        "line\r\nwith \x1b[31mred\x1b[0m and \x00 controls\n\u2028x",
        "ﬁne Ｒussia\n\n\n",
        "",
        "\n",
    ],
)
def test_fix_text_per_line_examples(text):
    assert U._fix_text(text) == ftfy.fix_text(text, **U._FTFY_OPTIONS)


# ---------------------------------------------------------------------------
# splitting


@given(texts)
@settings(max_examples=400, deadline=None)
def test_no_break_after_is_the_forward_search(text):
    for cut in range(max(0, len(text) - 20), len(text) + 1):
        piece = text[:cut]
        assert S._no_break_after(piece) == bool(S._NO_BREAK_AFTER.search(piece)), piece


@pytest.mark.parametrize(
    "piece",
    [
        "Dr.",
        "xDr.",
        " Dr.",
        '(Dr."',
        "e.g.",
        " i.e.’",
        "A.",
        "AB.",
        "U.S.",
        "approx.",
        "Mr.''",
        "\nMr.",
        "Mr.\n",
        "said Approx.",
        "Gen.”",
        "“Gen.",
        "c.",
        "foo c.",
        "É.",
    ],
)
def test_no_break_after_examples(piece):
    assert S._no_break_after(piece) == bool(S._NO_BREAK_AFTER.search(piece))


@given(texts)
@settings(max_examples=400, deadline=None)
def test_per_stop_scans_find_what_the_class_scans_find(text):
    for pattern, per_stop in ((S._GLUE, S._GLUE_PER_STOP), (S._MISSED, S._MISSED_PER_STOP)):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in S._finditer_per_stop(per_stop, text)] == expected
        if len(text) > 4:
            expected = [m.span() for m in pattern.finditer(text, 2, len(text) - 2)]
            found = S._finditer_per_stop(per_stop, text, 2, len(text) - 2)
            assert [m.span() for m in found] == expected


def _segments_reference(text, bounds):
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = text[a:b]
        stripped = piece.strip()
        if stripped:
            lead = piece.find(stripped[0])
            out.append((a + lead, a + lead + len(stripped)))
    return out


def _merge_reference(text, spans):
    out = []
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            if "\n" not in text[pb:a]:
                if S._ALNUM.search(text, a, b) is None:
                    out[-1] = (pa, b)
                    continue
                if pb - pa <= 3 and S._LONE_MARKER.match(text, pa, pb):
                    out[-1] = (pa, b)
                    continue
                if text[pb - 1] in S._STOP_CHARS:
                    prev = text[max(pa, pb - 16) : pb]
                    if S._NO_BREAK_AFTER.search(prev):
                        out[-1] = (pa, b)
                        continue
                    last_token = prev.rsplit(None, 1)[-1]
                    if "." in last_token[:-1] and (text[a].islower() or text[a].isdigit()):
                        out[-1] = (pa, b)
                        continue
        out.append((a, b))
    return out


@given(texts, st.lists(st.integers(min_value=0, max_value=400), max_size=30))
@settings(max_examples=400, deadline=None)
def test_segments_and_merge_match_the_reference(text, cuts):
    bounds = sorted({0, len(text), *(c for c in cuts if c <= len(text))})
    segments = S._segments(text, bounds)
    assert segments == _segments_reference(text, bounds)
    assert S._merge(text, segments) == _merge_reference(text, segments)


# ---------------------------------------------------------------------------
# actor matching

needs_ac = pytest.mark.skipif(ahocorasick is None, reason="pyahocorasick not installed")


def _mentions(found):
    return [(m.actor, m.start, m.end, m.surface, m.ambiguous) for m in found]


@needs_ac
def test_default_lexicon_uses_the_automaton(lexicon):
    assert lexicon._automaton is not None


@needs_ac
@given(texts)
@settings(max_examples=500, deadline=None)
def test_automaton_finds_what_the_regex_finds(lexicon, text):
    assert _mentions(lexicon._find_literal(text, 7)) == _mentions(lexicon._find_regex(text, 7))


_OVERLAPPING = ActorLexicon.from_config(
    {
        "actors": {
            "A": ["ab", "abc", "Abc d", {"alias": "b c", "ambiguous": True}, "x'y"],
            "B": ["bcd", "c d e", {"alias": "AB", "case_sensitive": True}, "cd"],
        }
    }
)


@needs_ac
@given(st.text(alphabet="abcdeABCx'’ _é1-", max_size=40))
@settings(max_examples=800, deadline=None)
def test_automaton_with_overlapping_aliases(text):
    assert _OVERLAPPING._automaton is not None
    found = _OVERLAPPING._find_literal(text)
    assert _mentions(found) == _mentions(_OVERLAPPING._find_regex(text))


def test_pattern_aliases_keep_the_regex_scan():
    lexicon = ActorLexicon.from_config({"actors": {"A": ["Assad", {"pattern": "Assad(?:ist)?s"}]}})
    assert lexicon._automaton is None
    assert [m.surface for m in lexicon.find("Assadists and Assad")] == ["Assadists", "Assad"]


_SENTENCEX_TEXT = st.lists(
    st.sampled_from(
        [
            "Mr.",
            " ",
            "  ",
            "\n",
            "\n\n",
            "Dr. Smith",
            "U.S.",
            "e.g.",
            "Hello",
            "world",
            ".",
            "!",
            "?",
            "…",
            '"',
            "”",
            "’",
            "(",
            ")",
            "A.",
            "1.",
            "2015.",
            "é",
            "\u00a0",
            "\t",
            "...",
            "?!",
            "😀",
            "\u200b",
            "The",
            "said",
            "\r",
            "。",
        ]
    ),
    max_size=30,
).map("".join)


@given(_SENTENCEX_TEXT)
@settings(max_examples=500, deadline=None)
def test_sentencex_offsets_from_segment_are_its_boundaries(text):
    sentencex = pytest.importorskip("sentencex")
    expected = [
        (b["start_index"], b["end_index"]) for b in sentencex.get_sentence_boundaries("en", text)
    ]
    assert S.BACKENDS["sentencex"]()(text) == expected
