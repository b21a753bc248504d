"""Sentence splitting with character offsets.

A maintained splitter does the work inside each block of text; a small pre-pass
decides what it cannot see, and a small post-pass repairs its known misses:

* **blocks** — blank lines always end a sentence; a single line break ends one
  when the next line is a bullet, when the line before ends a sentence, or when
  the line before is a short heading. Other single line breaks are hard wrapping
  and are ignored.
* **glue** — paragraphs glued with no space (``…at Khmeimim.The runway…``,
  ``…leave.”Russia…``) are forced boundaries.
* **merges** — a break right after a title or initial (``Gen.``, ``Dr.``,
  ``A. K.``), or before a lower-case word, is undone.

Offsets are never changed by any pass: for every span ``text[start:end]`` is the
sentence, spans are in order, do not overlap, and every non-space character of
``text`` lies in one of them. The backend is chosen by measuring candidates on
``tests/fixtures/sentence_cases.jsonl`` (see ``benchmarks/splitter_comparison.py``);
the backends are in :mod:`framing.text.splitter_backends`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from framing.text.splitter_backends import BACKENDS, Span

__all__ = ["BACKENDS", "SentenceSplitter", "Span", "get_splitter", "split_sentences"]

_BULLET_START = re.compile(r"(?:[•·▪◦●‣∙■□►▸*–—-]|\d{1,2}[.)])\s")
_ENDS_SENTENCE = re.compile(r"[.!?…:][\"'”’»)\]]*\s*$")
_SOFT_END = re.compile(r"[,;\-–—(/&]\s*$")
_PARA_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
# a sentence end glued to the next sentence: "Khmeimim.The", "2015.Over",
# "leave.”Russia", "help?Yet"; the lower-case pair before the stop keeps out
# initials (U.S.A), and the upper-lower pair after keeps out domains (bbc.com)
_GLUE_STOPS = ".!?"
_GLUE_TAIL = r"(?:[”’\"'](?=[A-Z][a-z])|(?=[\"“‘']?[A-Z][a-z]))"
_GLUE = re.compile(f"[{_GLUE_STOPS}]{_GLUE_TAIL}")
_GLUE_LEFT = re.compile(r"[a-z0-9)”’\"']{2}$")
_GLUE_EXCEPT = re.compile(
    r"(?:\b(?:Gen|Col|Sgt|Capt|Maj|Lt|Cpl|Prof|Gov|Sen|Rep|Rev|Mrs|Messrs|Mme|Mlle|Jr|Sr|St|Ave|Blvd|Dept|Univ|Corp|Inc|Ltd|Co|vs|etc|approx|est|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|"
    r"\b[a-z0-9-]+\.(?:com|org|net|gov|edu|int|info|news|io|co|uk|ru|sy|tr|de|fr))[.!?]$",
)
# a piece ending in one of these (or a capital), a full stop and maybe a quote,
# is continued by the next piece
_NO_BREAK_WORDS = (  # noqa: SIM905 (one line of words reads better than a column)
    "Mr Mrs Ms Mx Dr Prof Gen Col Sgt Capt Maj Lt Cpl Adm Brig Gov Sen Rep Rev "
    "St Sts Mt Ft Jr Sr No Nos Nr Art Vol vol pp p fig Fig vs cf approx Approx ca c "
    "e.g i.e Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
).split()
_NO_BREAK_AFTER = re.compile(
    r"(?:^|[\s(\"“])(?:" + "|".join(re.escape(w) for w in _NO_BREAK_WORDS) + r"|[A-Z])\.[\"'”’]?$"
)
# the same test read backwards, for :func:`_no_break_after`: "$" (the end, or
# before a final newline) becomes an optional newline at the start, and "^"
# (the start of the piece) becomes the end, "\Z"
_NO_BREAK_AFTER_REVERSED = re.compile(
    r"\n?[\"'”’]?\.(?:"
    + "|".join(re.escape(w[::-1]) for w in _NO_BREAK_WORDS)
    + r"|[A-Z])(?:[\s(\"“]|\Z)"
)


def _no_break_after(piece: str) -> bool:
    """``_NO_BREAK_AFTER.search(piece)``, faster.

    An end-anchored search tries the pattern at every position of ``piece``;
    the reversed pattern is tried once, at the start of the reversed piece.
    """
    return _NO_BREAK_AFTER_REVERSED.match(piece[::-1]) is not None


_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "about",
        "as",
        "that",
        "than",
        "into",
        "over",
        "under",
        "after",
        "before",
        "between",
        "against",
        "during",
        "without",
        "his",
        "her",
        "its",
        "their",
        "our",
        "your",
    ]
)


_LONE_MARKER = re.compile(r"(?:\d{1,2}[.)]|[•·▪◦●‣∙■□►▸*–—-])$")


def _is_heading(line: str) -> bool:
    """A short line that starts with a capital and does not stop mid-phrase."""
    words = line.split()
    return (
        0 < len(words) <= 12
        and line.lstrip()[:1].isupper()
        and not _ENDS_SENTENCE.search(line)
        and not _SOFT_END.search(line)
        and words[-1].lower() not in _FUNCTION_WORDS
    )


def _blocks(text: str) -> Iterator[Span]:
    """Spans of text between hard breaks (see module docstring)."""
    start = 0
    for para in _PARA_BREAK.finditer(text + "\n\n"):
        end = para.start()
        if end > len(text):
            end = len(text)
        if start < end:
            yield from _line_blocks(text, start, end)
        start = para.end()


def _line_blocks(text: str, start: int, end: int) -> Iterator[Span]:
    nl = text.find("\n", start, end)
    if nl < 0:
        yield start, end
        return
    block_start = start
    line_start = start
    while nl >= 0:
        line = text[line_start:nl]
        nxt_start = nl + 1
        nxt_end = text.find("\n", nxt_start, end)
        nxt = text[nxt_start : nxt_end if nxt_end >= 0 else end].lstrip()
        breaks = bool(
            _BULLET_START.match(nxt)
            or _ENDS_SENTENCE.search(line)
            or (_is_heading(line) and nxt[:1].isupper() and len(nxt.split()) > len(line.split()))
            or _BULLET_START.match(line.lstrip())
        )
        if breaks:
            yield block_start, nl
            block_start = nxt_start
        line_start = nxt_start
        nl = text.find("\n", nxt_start, end)
    yield block_start, end


def _per_stop(stops: str, tail: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``[stops]tail`` as one regex per stop character.

    A regex that starts with one literal character scans for it several times
    faster than one that starts with a class. For the patterns split this way
    (``_GLUE``, ``_MISSED``) the tail holds no stop character, so matches at
    different stops never overlap and ``finditer`` reports every stop where the
    pattern matches: the per-stop scans together find the same matches.
    """
    return tuple((stop, re.compile(re.escape(stop) + tail)) for stop in stops)


def _finditer_per_stop(
    patterns: tuple[tuple[str, re.Pattern[str]], ...], text: str, start: int = 0, end: int = -1
) -> list[re.Match[str]]:
    """The matches of all ``patterns`` in ``text[start:end]``, in text order."""
    if end < 0:
        end = len(text)
    found = [
        m
        for stop, rx in patterns
        if text.find(stop, start, end) >= 0
        for m in rx.finditer(text, start, end)
    ]
    if len(patterns) > 1:
        found.sort(key=lambda m: m.start())
    return found


_GLUE_PER_STOP = _per_stop(_GLUE_STOPS, _GLUE_TAIL)


def _glue_points(text: str, start: int, end: int) -> list[int]:
    points = []
    for m in _finditer_per_stop(_GLUE_PER_STOP, text, start, end):  # _GLUE.finditer
        pos = m.end()
        left = text[max(start, m.start() - 40) : pos]
        if m.end() - m.start() == 1 and not _GLUE_LEFT.search(left[:-1]):
            continue  # "U.S.The": an initial, not a sentence end
        if not _GLUE_EXCEPT.search(left[: len(left) - (m.end() - m.start() - 1)]):
            points.append(pos)
    return points


class SentenceSplitter:
    """Split text into sentence spans.

    Parameters
    ----------
    backend:
        ``"sentencex"`` (default), ``"blingfire"``, ``"pysbd"``, ``"syntok"`` or ``"regex"``.
    prepass:
        Apply the block, glue and merge passes around the backend (default ``True``);
        ``False`` runs the backend alone, for comparison.
    """

    def __init__(self, backend: str = "sentencex", prepass: bool = True) -> None:
        if backend not in BACKENDS:
            raise ValueError(
                f"unknown sentence splitter backend {backend!r}; choose from {sorted(BACKENDS)}"
            )
        self.backend = backend
        self.prepass = prepass
        self._split = BACKENDS[backend]()

    def __repr__(self) -> str:
        return f"SentenceSplitter(backend={self.backend!r}, prepass={self.prepass})"

    def spans(self, text: str) -> list[Span]:
        """Sentence spans ``(start, end)``, stripped of surrounding whitespace."""
        if not text.strip():
            return []
        if not self.prepass:
            bounds = {0, len(text), *(start for start, _ in self._split(text))}
            return _segments(text, sorted(bounds))
        blocks = list(_blocks(text))
        # the backend sees the text once, with line breaks that are not sentence
        # breaks turned into spaces and every block on its own line (same length,
        # so offsets stay valid)
        flat = text.replace("\n", " ")
        if len(blocks) > 1:
            parts, pos = [], 0
            for _, b_end in blocks[:-1]:
                parts.append(flat[pos:b_end])
                parts.append("\n")
                pos = b_end + 1
            parts.append(flat[pos:])
            flat = "".join(parts)
        starts = {start for start, _ in self._split(flat)}
        bounds = {0, len(text), *starts}
        for b_start, b_end in blocks:
            bounds.add(b_start)
            bounds.add(b_end)
        bounds.update(_glue_points(text, 0, len(text)))
        bounds.update(_missed_points(text, starts))
        # never inside a web address ("news.Returns.html", "Data.Humdata.Org")
        bounds = {
            b
            for b in bounds
            if not (0 < b < len(text) and not text[b - 1].isspace() and not text[b].isspace())
            or not _inside_url(text, b)
        }
        return _merge(text, _segments(text, sorted(bounds)))

    def split(self, text: str) -> list[str]:
        return [text[a:b] for a, b in self.spans(text)]


# a sentence end the backend may miss: inside quotes, after an ellipsis or a
# closing bracket, before an opening bracket
_MISSED_STOPS = ".!?…"
_MISSED_TAIL = r"[”’\"')\]]*\s+(?=[“\"‘(\[]?[A-Z])"
_MISSED = re.compile(f"[{_MISSED_STOPS}]{_MISSED_TAIL}")
_MISSED_PER_STOP = _per_stop(_MISSED_STOPS, _MISSED_TAIL)
_LAST_TOKEN = re.compile(r"\S+$")


def _missed_points(text: str, known: set[int]) -> list[int]:
    points = []
    for m in _finditer_per_stop(_MISSED_PER_STOP, text):  # _MISSED.finditer
        end = m.end()
        if end in known:
            continue  # the backend split here already
        left = text[max(0, m.start() - 16) : m.start() + 1]
        token = _LAST_TOKEN.search(left)
        word = token.group() if token else ""
        if _no_break_after(left) or "." in word[:-1]:
            continue  # a title, initial or abbreviation such as U.S.: the backend decides
        points.append(end)
    return points


_URL_START = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
_URL_END = re.compile(
    r"\.(?:com|org|net|gov|edu|int|info|news|io|co|uk|ru|sy|tr|de|fr|pdf|html?|php|aspx?)$",
    re.IGNORECASE,
)
_TOKEN_TRAIL = ".,;:!?)]\"'”’»"


def _inside_url(text: str, pos: int) -> bool:
    """Whether the whitespace-free token around ``pos`` is a web or e-mail address."""
    start = pos
    while start > 0 and not text[start - 1].isspace() and pos - start < 300:
        start -= 1
    end = pos
    while end < len(text) and not text[end].isspace() and end - pos < 300:
        end += 1
    token = text[start:end].rstrip(_TOKEN_TRAIL).lstrip("(\"'“‘«[")
    return bool(_URL_START.match(token) or "/" in token or "@" in token or _URL_END.search(token))


def _segments(text: str, bounds: list[int]) -> list[Span]:
    """The stripped, non-empty pieces between consecutive boundaries.

    The pieces tile the text, so no non-space character is ever lost.
    """
    out: list[Span] = []
    append = out.append
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = text[a:b]
        rest = piece.lstrip()
        if rest:
            start = b - len(rest)  # after the leading whitespace
            append((start, start + len(rest.rstrip())))
    return out


_ALNUM = re.compile(r"[^\W_]")
_CLOCK_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_TIME_ZONE = re.compile(r"(?:[ECMP][SD]?T|GMT|UTC|BST|CES?T|EES?T|AST|MSK|TRT|local time)(?![\w])")
_STOP_CHARS = frozenset(".”’\"')]")


def _merge(text: str, spans: list[Span]) -> list[Span]:
    """Undo breaks after titles, initials, list numbers and abbreviations."""
    out: list[Span] = []
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            if text.find("\n", pb, a) < 0:
                # only punctuation: belongs to the sentence before (a piece that
                # starts with a letter or digit is not: str.isalnum is [^\W_])
                if not text[a].isalnum() and _ALNUM.search(text, a, b) is None:
                    out[-1] = (pa, b)
                    continue
                if pb - pa <= 3 and _LONE_MARKER.match(text, pa, pb):
                    out[-1] = (pa, b)
                    continue
                if text[pb - 1] in _STOP_CHARS:
                    prev = text[max(pa, pb - 16) : pb]
                    # "5 p.m. ET." / "at 9 a.m. GMT on Monday": a time zone goes with the time
                    if _CLOCK_END.search(prev) and _TIME_ZONE.match(text, a, b):
                        out[-1] = (pa, b)
                        continue
                    if _no_break_after(prev):
                        out[-1] = (pa, b)
                        continue
                    # an abbreviation such as "U.S." before a lower-case word or a
                    # number (the cheap test on the next piece first: it rarely holds)
                    if text[a].islower() or text[a].isdigit():
                        last_token = prev.rsplit(None, 1)[-1]
                        if "." in last_token[:-1]:
                            out[-1] = (pa, b)
                            continue
        out.append((a, b))
    return out


@lru_cache(maxsize=8)
def get_splitter(backend: str = "sentencex", prepass: bool = True) -> SentenceSplitter:
    """A shared splitter instance per configuration."""
    return SentenceSplitter(backend, prepass)


def split_sentences(text: str, backend: str = "sentencex") -> list[Span]:
    """Sentence spans of ``text`` with the default pre/post passes."""
    return get_splitter(backend).spans(text)
