"""Cleaning scraped news text.

``clean_text(raw)`` turns a scraped article into a :class:`CleanedArticle`:

1. HTML markup in a text field (``<p>…</p>``) is turned into paragraphs
   (:mod:`framing.text.markup`), then unicode is repaired and normalised
   (:mod:`framing.text.unicode`; ``ftfy``: mojibake, HTML entities, line endings; NFC;
   zero-width and non-breaking spaces);
2. title and standfirst, the short lines before the first body paragraph, are
   kept apart from the body (after a title, a standfirst that ends in a full
   stop counts when it is one sentence of at most 15 words, or has at most 45
   words when two or more blank lines part it from the body, so a one-sentence
   lede is rarely taken for one, and neither a short two-sentence lede behind a
   single blank line nor a paragraph opening with a wire dateline ever is);
3. page furniture is dropped: bullet lines such as ``• Source …`` or
   ``• you may also like``, share/subscribe/follow prompts, bylines, lone dates,
   photo credits, and the teaser headlines that follow such a block after the body;
4. runs of dumped link text (``entranceHTSHTSHTST…``) are cut out, and brackets
   left empty by missing link text are dropped;
5. whitespace is normalised: one space between words, one blank line between
   paragraphs, single line breaks kept (the sentence splitter decides about them),
   except after a word broken with a hyphen at a line end ("Rus-" / "sia"), which is
   joined again.

Everything removed is listed in ``CleanedArticle.removed`` so it can be audited.
The body is what sentence offsets refer to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from framing.text.furniture import (
    MAX_FURNITURE_CHARS,
    PROMPT_KINDS,
    TERMINAL,
    count_words,
    furniture_kind,
    mark_lone_buttons,
    split_leading_prompt,
)
from framing.text.markup import strip_markup
from framing.text.sentences import split_sentences
from framing.text.unicode import normalize_spaced, one_space
from framing.text.unicode import normalize_unicode as normalize_unicode  # re-export

if TYPE_CHECKING:
    from framing.corpus import Article

# ---------------------------------------------------------------------------
# the head of an article
_MAX_HEAD_WORDS = 60
_SHORT_STANDFIRST = 15
_MIN_STANDFIRST_WORDS = 6
# a wire dateline opens the body's first paragraph, never a title or standfirst:
# "DAMASCUS, Jan 5 (Reuters) - ", "BEIRUT (AP) — ", "DEIR EZ-ZOR, Syria -- "
_DATELINE = re.compile(
    r"[A-Z][A-Z'.\-]{2,}(?:[ /][A-Z][A-Z'.\-]+)*(?:,[^\n()]{1,30}?)?\s*(?:\([^()\n]{1,30}\))?"
    r"\s*(?:--?|[–—])\s"
)
_MAX_RESIDUE_CHARS = 2  # what a link dump leaves of a line, at most, to go with it


@dataclass(frozen=True, slots=True)
class Removal:
    """One piece of text the cleaner took out (or set apart) and why."""

    kind: str
    text: str

    def to_record(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


@dataclass(slots=True)
class CleanedArticle:
    """The cleaned body plus what was set apart or removed."""

    text: str
    title: str | None = None
    standfirst: str | None = None
    removed: list[Removal] = field(default_factory=list)

    def removed_records(self) -> list[dict[str, str]]:
        return [r.to_record() for r in self.removed]


def _is_prose(line: str) -> bool:
    # the end-anchored pattern is tried on the line's tail only: searching a whole
    # paragraph for "$" costs a scan of every position
    return bool(TERMINAL.search(line[-8:])) or len(line) > 400 or count_words(line) >= 25


# ---------------------------------------------------------------------------
# link-text dumps: a unit of >= 2 characters starting with a capital, repeated
# at least three times inside one token, possibly with short other link texts
# interleaved ("HTSHTSHTSTHTSHTS").
# every dump glues a capital to a lower-case letter ("entranceHTS", "KremlinKremlin")
# or runs capitals together ("HTSHTSHTS"): a cheap test before the costly pattern
_DUMP_HINT = re.compile(r"[a-z][A-Z]|[A-Z]{6}")
# the same test without the regex engine, which would stop at every character:
# ASCII lower-case letters become "a", capitals "A", every other byte of the
# UTF-8 text a space (bytes of non-ASCII characters are >= 0x80, so letters next
# to each other in the text stay next to each other, and only those)
_LETTER_CASE = bytes(
    ord("a") if chr(b).islower() and b < 128 else ord("A") if chr(b).isupper() and b < 128 else 32
    for b in range(256)
)


def _has_dump_hint(line: str) -> bool:
    """``_DUMP_HINT.search(line)`` (see above), faster."""
    cases = line.encode("utf-8", "surrogatepass").translate(_LETTER_CASE)
    return b"aA" in cases or b"AAAAAA" in cases


_DUMP_SEED = re.compile(r"([A-Z][^\s]{1,39}?)\1{2,}")
_FRAGMENT = re.compile(r"[A-Z][A-Za-z0-9]{0,9}?")


def _extend_dump(text: str, start: int, end: int, unit: str) -> tuple[int, int]:
    while True:
        if text.startswith(unit, end):
            end += len(unit)
            continue
        frag = _FRAGMENT.match(text, end)
        if frag:
            # a short other link text, accepted only when the unit follows it
            for k in range(frag.end(), min(end + 11, len(text)) + 1):
                if text.startswith(unit, k) and _FRAGMENT.fullmatch(text, end, k):
                    end = k + len(unit)
                    break
            else:
                return start, end
            continue
        return start, end


def remove_link_dumps(line: str, removed: list[Removal]) -> str:
    """Cut runs of dumped link text out of ``line`` (see module docstring)."""
    if not _has_dump_hint(line) or not _DUMP_SEED.search(line):
        return line
    out: list[str] = []
    pos = 0
    for m in _DUMP_SEED.finditer(line):
        if m.start() < pos:
            continue
        start, end = _extend_dump(line, m.start(), m.end(), m.group(1))
        removed.append(Removal("link_dump", line[start:end]))
        out.append(line[pos:start])
        glued = (
            start > 0
            and not line[start - 1].isspace()
            and end < len(line)
            and not line[end].isspace()
        )
        out.append(" " if glued else "")
        pos = end
    out.append(line[pos:])
    return "".join(out)


_EMPTY_BRACKETS = re.compile(r"\s*(?:\(\s*\)|\[\s*\])")
# a news API's truncation marker at the end of a text field (NewsAPI: "… [+2345 chars]")
_TRUNCATED = re.compile(r"\s*\[\+\d[\d,]* chars?\]$")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,;:.!?](?:\s|$))")


def _tidy_line(line: str, removed: list[Removal]) -> str:
    before = len(removed)
    line = remove_link_dumps(line, removed)
    if line.endswith("]") and (marker := _TRUNCATED.search(line)):
        removed.append(Removal("truncation", marker.group().strip()))
        line = line[: marker.start()]
    if "(" in line or "[" in line:
        found = [m.group().strip() for m in _EMPTY_BRACKETS.finditer(line)]
        if found:
            removed.extend(Removal("empty_brackets", f) for f in found)
            line = _SPACE_BEFORE_PUNCT.sub("", _EMPTY_BRACKETS.sub("", line))
    if len(removed) > before:
        line = one_space(line).strip()
        if (
            line
            and len(line) <= _MAX_RESIDUE_CHARS
            and any(r.kind == "link_dump" for r in removed[before:])
        ):
            removed.append(Removal("link_dump", line))  # a stray letter of the dump
            return ""
    return line


# ---------------------------------------------------------------------------
def _same_text(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().casefold()  # noqa: E731
    return norm(a) == norm(b)


def clean_text(raw: str, title: str | None = None) -> CleanedArticle:
    """Clean one scraped article; ``title`` is the known title, if any."""
    removed: list[Removal] = []
    raw, tags = strip_markup(raw)
    if tags:  # HTML in a text field: the tags, counted, are what was removed
        removed.append(Removal("markup", " ".join(f"<{t}>×{n}" for t, n in sorted(tags.items()))))
    text = normalize_spaced(raw)
    lines = [ln.strip() for ln in text.split("\n")]

    # --- furniture anywhere, and the trailing block after the body
    # (lines are stripped: empty and long ones are never furniture, no need to ask)
    kinds = [furniture_kind(ln) if 0 < len(ln) <= MAX_FURNITURE_CHARS else None for ln in lines]
    for i, line in enumerate(lines):
        # a prompt with body text after it on the same line: remove the prompt only
        if kinds[i] in PROMPT_KINDS or (
            kinds[i] is None
            and line[:12]
            .lower()
            .startswith(
                ("read", "sign up", "subscribe", "follow", "join", "share", "more on", "see also")
            )
        ):
            split = split_leading_prompt(line)
            if split is not None:
                removed.append(Removal(furniture_kind(split[0]) or "prompt", split[0]))
                lines[i], kinds[i] = split[1], furniture_kind(split[1])
    mark_lone_buttons(lines, kinds)
    tail_from = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        if not lines[i]:
            continue
        if kinds[i] is not None:
            tail_from = i
        elif len(lines[i]) > 300 or count_words(lines[i]) >= 20 or _is_prose(lines[i]):
            break  # a sentence: body text, even after a prompt (teasers are headlines)
    if tail_from < len(lines) and not any(kinds[j] for j in range(tail_from, len(lines))):
        tail_from = len(lines)
    for i in range(tail_from, len(lines)):
        if lines[i]:
            removed.append(Removal(kinds[i] or "teaser", lines[i]))
    lines = lines[:tail_from]
    kept: list[str] = []
    for line, kind in zip(lines, kinds, strict=False):
        if kind is not None:
            removed.append(Removal(kind, line))
        else:
            kept.append(line)

    # --- head: short non-prose lines before the first body paragraph
    found_title = title
    standfirst = None
    while kept and not kept[0]:
        kept.pop(0)
    head: list[str] = []
    idx = 0
    while idx < len(kept):
        line = kept[idx]
        if not line:
            idx += 1
            continue
        blank_after = 0
        while idx + 1 + blank_after < len(kept) and not kept[idx + 1 + blank_after]:
            blank_after += 1
        # a title or standfirst is a paragraph of its own (hard-wrapped lines are not)
        is_head = blank_after >= 1 and not _is_prose(line) and count_words(line) <= _MAX_HEAD_WORDS
        # a one-sentence standfirst after a title, set off from the body by a wider gap
        # (or a short one: standfirsts run 10-25 words, one-sentence ledes 15-40, so in the
        # overlap the text is kept: a kept standfirst adds one summary sentence, a removed
        # lede loses the article's first); behind a single blank line a short paragraph of
        # two sentences or more is the lede
        is_head = is_head or (
            len(head) == 1
            and blank_after >= 1
            and count_words(line) <= (45 if blank_after >= 2 else _SHORT_STANDFIRST)
            and (blank_after >= 2 or len(split_sentences(line)) == 1)
        )
        # a standfirst is a sentence or two, not a section heading ("What comes next")
        could_be_title = not head and (title is None or _same_text(line, title))
        if not could_be_title and count_words(line) < _MIN_STANDFIRST_WORDS:
            is_head = False
        if _DATELINE.match(line):
            is_head = False
        nxt = next((x for x in kept[idx + 1 :] if x), None)
        if not is_head or nxt is None:
            break
        head.append(line)
        idx += 1
        if len(head) == 2:
            break
    if head:
        # a title must be followed by something; a lone heading before the body is a title
        first = head[0]
        if title is None or _same_text(first, title):
            found_title = first
            rest = head[1:]
        else:
            rest = head
        if rest:
            standfirst = rest[0]
        kept = kept[idx:]
        if (
            found_title is not None
            and title is None
            or found_title is not None
            and head[0] == found_title
        ):
            removed.append(Removal("title", found_title))
        if standfirst:
            removed.append(Removal("standfirst", standfirst))

    # --- tidy lines and rebuild paragraphs
    paragraphs: list[list[str]] = [[]]
    for line in kept:
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        tidy = _tidy_line(line, removed)
        if tidy:
            paragraphs[-1].append(tidy)
    body = "\n\n".join("\n".join(_join_hyphenated(p, removed)) for p in paragraphs if p)
    return CleanedArticle(text=body, title=found_title, standfirst=standfirst, removed=removed)


_WRAP_HYPHEN = re.compile(r"[A-Za-z]-$")
# second halves of compounds news copy breaks at their own hyphen ("Russian-|backed"):
# after a line-end hyphen these keep it
_COMPOUND_TAILS = frozenset(
    "backed led based built controlled held run owned allied aligned sponsored brokered "  # noqa: SIM905
    "made born speaking friendly style linked affiliated dominated supplied funded trained "
    "armed leaning appointed installed".split()
)


def _join_hyphenated(lines: list[str], removed: list[Removal]) -> list[str]:
    """Hard-wrapped lines with a word broken at the line end joined again: "Rus-" and
    "sia" become "Russia" (the hyphen listed in ``removed``), "al-" and "Assad" become
    "al-Assad" (before a capital the hyphen is the name's own), "Russian-" and "backed"
    become "Russian-backed" (a compound's usual second half keeps its hyphen)."""
    out: list[str] = []
    for line in lines:
        if out and line[:1].isalpha() and _WRAP_HYPHEN.search(out[-1]):
            prev, first = out.pop(), line.split()[0]
            tail = first.rstrip(",.;:!?)'\"”’").lower()
            if line[0].islower() and prev[-2].islower() and tail not in _COMPOUND_TAILS:
                removed.append(Removal("hyphenation", prev.rsplit(None, 1)[-1] + first))
                out.append(prev[:-1] + line)
            else:
                out.append(prev + line)
        else:
            out.append(line)
    return out


def clean_article(article: Article) -> CleanedArticle:
    """Clean an :class:`~framing.corpus.Article`; its ``title`` field guides title detection."""
    return clean_text(article.text, title=article.title)
