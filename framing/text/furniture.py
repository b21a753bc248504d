"""Page furniture: the lines of a scraped page that are not the article.

Bullet lines such as ``• Source …`` or ``• you may also like``, share/subscribe/
follow prompts, lone share buttons next to them, bylines, lone dates and photo
credits. :func:`furniture_kind` names the kind of a line; the cleaner
(:mod:`framing.text.clean`) removes such lines and records each removal. Removal is
conservative: a prompt's own sentence goes, body text after it on the same line stays.
"""

from __future__ import annotations

import re

_LONE_BULLET = re.compile(r"[•·▪◦●‣∙■□►▸*–—-]+")
_BULLET = re.compile(r"^(?:[•·▪◦●‣∙■□►▸*–—-]|\d{1,2}[.)])\s+")
TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_LINE = re.compile(
    rf"^(?:(?:published|updated|posted|last updated)\s*:?\s*)?"
    rf"(?:[\d]{{1,4}}|{_MONTHS}|[,./:-]|\s|am|pm|gmt|utc|[ap]\.m\.)+$",
    re.IGNORECASE,
)
_FURNITURE = [
    ("source", re.compile(r"^source\b", re.IGNORECASE)),
    (
        "related",
        re.compile(
            r"^(?:you (?:may|might) also like|related(?: articles| stories| coverage| content)?|"
            r"read more|read also|also read|more on this(?: story)?|most (?:read|popular|viewed)|"
            r"recommended(?: for you)?|see also|trending(?: now)?|more from|latest news|top stories)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "prompt",
        re.compile(
            r"^(?:(?:share(?: this| on| via)?|subscribe|sign up|follow us|join (?:us|our)|"
            r"newsletter|advertisement|sponsored|click here|comments?|print(?: this)?|"
            r"email(?: this)?|tweet|skip to|cookie|accept (?:all )?cookies|listen to this|"
            r"download (?:our|the) app|support (?:our|independent) journalism)\b|"
            r"our (?:editorial )?standards\s*:)",
            re.IGNORECASE,
        ),
    ),
    (
        "byline",
        re.compile(
            r"^(?:by\s+[A-Z\u00c0-\u024f]|staff (?:reporter|writer)|(?:our|special) correspondent|"
            r"reporting by|editing by|additional reporting|written by|compiled by)",
            re.IGNORECASE,
        ),
    ),
    (
        "credit",
        re.compile(
            r"^(?:photo|image|picture|video|graphic|illustration)s?\s*(?::|credit|by|©)|"
            r"(?:/|\b)(?:afp|reuters|ap|getty images|epa|anadolu|sana)(?: via getty images)?\)?$|^©|^copyright\b|"
            r"all rights reserved",
            re.IGNORECASE,
        ),
    ),
]
# a share button's label alone on a line: page furniture only next to other furniture
_BUTTON = re.compile(
    r"(?:save|bookmark|copy(?: the)? link|link copied|whatsapp|facebook|twitter|x|telegram|"
    r"linkedin|reddit|pinterest|flipboard|messenger|gift(?: this)? article|like|more)",
    re.IGNORECASE,
)
# the end of a prompt's first sentence, when body text follows on the same line
_PROMPT_SENTENCE_END = re.compile(r"[.!?][\"'”’»)\]]*\s+(?=[\"“‘'(]?[A-Z0-9])")
PROMPT_KINDS = ("related", "prompt")
_MAX_FURNITURE_WORDS = (
    14  # a furniture line is short; a long line is prose even if it starts "Share…"
)
MAX_FURNITURE_CHARS = 12 * _MAX_FURNITURE_WORDS


def count_words(line: str) -> int:
    return len(line.split())


def furniture_kind(line: str) -> str | None:
    """The kind of page furniture ``line`` is, or ``None`` for ordinary text."""
    if len(line) > MAX_FURNITURE_CHARS:  # too long for furniture: prose
        return None
    stripped = line.strip()
    if not stripped:
        return None
    if _LONE_BULLET.fullmatch(stripped):
        return "bullet"
    content = _BULLET.sub("", stripped)
    if not content:
        return "bullet"
    if count_words(content) > _MAX_FURNITURE_WORDS:
        return None
    if _DATE_LINE.match(content) and any(ch.isdigit() for ch in content):
        return "date"
    for kind, pattern in _FURNITURE:
        if pattern.search(content):
            if kind == "byline" and TERMINAL.search(content) and count_words(content) > 6:
                return None  # "By then, the convoy had left." is prose
            return kind
    return None


def split_leading_prompt(line: str) -> tuple[str, str] | None:
    """``(prompt, body)`` when ``line`` opens with a "Read more at …"/"Sign up …" sentence
    followed by other text on the same line; ``None`` otherwise."""
    m = _PROMPT_SENTENCE_END.search(line)
    if m is None:
        return None
    prompt, body = line[: m.start() + 1].strip(), line[m.end() :].strip()
    rest = line[m.start() + 1 : m.end()].strip()  # closing quotes/brackets of the prompt
    prompt = (prompt + rest) if rest else prompt
    if not body or furniture_kind(prompt) not in PROMPT_KINDS:
        return None
    return prompt, body


def mark_lone_buttons(lines: list[str], kinds: list[str | None]) -> None:
    """A button label alone on a line ("Save") next to removed furniture is furniture too."""
    for i, line in enumerate(lines):
        if kinds[i] is not None or not _BUTTON.fullmatch(line):
            continue
        prev = next((j for j in range(i - 1, -1, -1) if lines[j]), None)
        nxt = next((j for j in range(i + 1, len(lines)) if lines[j]), None)
        if any(j is not None and kinds[j] is not None for j in (prev, nxt)):
            kinds[i] = "prompt"
