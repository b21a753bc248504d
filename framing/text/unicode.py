"""Unicode repair and whitespace: the first step of cleaning scraped text.

:func:`normalize_unicode` repairs mojibake and HTML entities (``ftfy``, only on the
lines that need it), removes zero-width characters, soft hyphens and control
characters, turns Unicode line and paragraph separators into newlines and normalises
to NFC. :func:`one_space` makes every run of whitespace other than newline one space;
:func:`normalize_spaced` does both, as :func:`framing.text.clean.clean_text` needs.
Each has a fast path for text with nothing to fix.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# whitespace other than space and newline (NBSP, thin space, tab …), and runs of spaces
_NOT_SPACE_SPACE = re.compile(r"[^\S \n]")
_SPACE_RUN = re.compile(r"  +")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# what ftfy is needed for: mojibake (UTF-8 read as Latin-1/cp1252), HTML
# entities, C1 controls, carriage returns; text without any of these skips it
_NEEDS_FTFY = re.compile(
    r"[ÃÂâÐÑØÙ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾]|&(?:#\d{2,7}|#x[0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});|[\r\x80-\x9f\ufffd]"
)


_FTFY_TRIGGER = re.compile(r"[ÃÂâÐÑØÙ&\r\x80-\x9f\ufffd]")  # cheap first look for _NEEDS_FTFY
_ODD_SPACE_CHARS = "\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_ODD_SPACE = re.compile(f"[{_ODD_SPACE_CHARS}]")


# one cheap scan: text with none of these characters needs no unicode repair at all
_TO_FIX_CHARS = (
    "ÃÂâÐÑØÙ&\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\u200b-\u200d\u2060\ufeff\u00ad\u2028\u2029"
)
_ANYTHING_TO_FIX = re.compile(f"[{_TO_FIX_CHARS}]")
# the same scan for clean_text, which also needs to know about odd spaces
_TO_FIX_OR_ODD_SPACE = re.compile(f"[{_TO_FIX_CHARS}{_ODD_SPACE_CHARS}]")


_FTFY_OPTIONS = {"uncurl_quotes": False, "fix_line_breaks": True, "normalization": "NFC"}
# what ftfy can change: anything but printable ASCII and tabs, or an entity ("&")
_FTFY_CAN_CHANGE = re.compile(r"[^\t\x20-\x25\x27-\x7e]")


def _fix_text(text: str) -> str:
    """``ftfy.fix_text(text, **_FTFY_OPTIONS)``, skipping the lines ftfy leaves alone.

    ftfy fixes a text one line (with its newline) at a time; the only state it
    carries from line to line is that HTML entities are no longer unescaped
    after a line with a "<". Each of its fixes needs a non-ASCII character, an
    entity or a control character, so a line of printable ASCII without "&" is
    kept as it is; the other lines go through ftfy with the same state.
    """
    max_line = ftfy.TextFixerConfig().max_decode_length
    if len(text) > max_line:  # ftfy would cut a long line into pieces: let it
        return ftfy.fix_text(text, **_FTFY_OPTIONS)
    lines = text.split("\n")
    last = len(lines) - 1
    unescape_html: str | bool = "auto"
    out = []
    for i, line in enumerate(lines):
        if unescape_html == "auto" and "<" in line:
            unescape_html = False
        segment = line if i == last else line + "\n"
        if _FTFY_CAN_CHANGE.search(line) is None:
            out.append(segment)
        else:
            out.append(ftfy.fix_text(segment, unescape_html=unescape_html, **_FTFY_OPTIONS))
    return "".join(out)


def normalize_unicode(text: str) -> str:
    """Repair mojibake and entities, normalise to NFC, unify spaces and line ends."""
    if not _ANYTHING_TO_FIX.search(text):
        if text.isascii() or unicodedata.is_normalized("NFC", text):
            return text
        return unicodedata.normalize("NFC", text)
    if _FTFY_TRIGGER.search(text) and _NEEDS_FTFY.search(text):
        text = _fix_text(text)
    if _ZERO_WIDTH.search(text):
        text = _ZERO_WIDTH.sub("", text)
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def one_space(text: str) -> str:
    """Every run of whitespace other than newline becomes one space.

    Same as ``re.sub(r"[^\\S\\n]{2,}|[^\\S \\n]", " ", text)``, in two scans that
    each skip ahead to a candidate (a class with a repeat or a choice first makes
    the regex engine try every position): odd whitespace becomes a space, then runs
    of spaces become one.
    """
    if _NOT_SPACE_SPACE.search(text):
        text = _NOT_SPACE_SPACE.sub(" ", text)
    return _SPACE_RUN.sub(" ", text)


def normalize_spaced(raw: str) -> str:
    """``normalize_unicode(raw)`` with runs of whitespace other than newline made one space."""
    if _TO_FIX_OR_ODD_SPACE.search(raw) is None and (
        raw.isascii() or unicodedata.is_normalized("NFC", raw)
    ):
        # normalize_unicode returns such text unchanged, and it has no odd space:
        # one scan instead of two
        return one_space(raw) if "  " in raw else raw
    text = normalize_unicode(raw)
    if "  " in text or _ODD_SPACE.search(text):
        text = one_space(text)
    return text
