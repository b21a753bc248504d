"""HTML markup inside a text field: the tags out, the paragraphs kept.

Scraped data sets often store an article's HTML body in the ``text`` field of a JSONL
or CSV record (``<p>…</p><p>…</p>``). Left as it is, the tags reach the model and two
paragraphs read as one sentence. :func:`strip_markup` turns such text into plain text
with the standard library's :class:`html.parser.HTMLParser`: block elements and ``<br>``
become paragraph and line breaks, inline tags go, ``<script>``/``<style>`` and a page's
``<head>``, ``<nav>``, ``<aside>``, ``<header>`` and ``<footer>`` go with their content,
entities are decoded. Text with no known HTML tag is returned as it is
(a literal "a < b" or "<3" is not markup). Whole ``.html`` pages go through
trafilatura instead (:func:`framing.html_reader.read_html`), which also finds the main text.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

_BLOCK = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "nav",
        "main",
        "blockquote",
        "figure",
        "figcaption",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "hr",
        "address",
    ]
)
_INLINE = frozenset(
    [
        "a",
        "span",
        "b",
        "i",
        "em",
        "strong",
        "u",
        "small",
        "sub",
        "sup",
        "abbr",
        "cite",
        "q",
        "time",
        "mark",
        "font",
        "img",
    ]
)
# gone with their content: code, and a page's boilerplate containers (HTML5's own
# names for navigation, asides, headers and footers; <head> with its <title>)
_CODE = frozenset(("script", "style", "noscript", "template", "iframe", "svg"))
_DROP = _CODE | frozenset(("head", "title", "nav", "aside", "header", "footer"))
# a tag the parser should take for markup: a known element's opening or closing tag
_KNOWN_TAG = re.compile(
    r"</?(?:" + "|".join(sorted(_BLOCK | _INLINE | _DROP | {"br"}, key=len, reverse=True)) + r")"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[^\S\n]+")
_BREAKS = re.compile(r" *\n[\n ]*")


class _TextParser(HTMLParser):
    def __init__(self, drop: frozenset[str] = _DROP) -> None:
        super().__init__(convert_charrefs=True)
        self.drop = drop
        self.parts: list[str] = []
        self.tags: Counter[str] = Counter()
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        if tag in self.drop:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.drop:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            # in HTML a line break in the source is a space
            self.parts.append(data.replace("\r", " ").replace("\n", " "))


def has_markup(text: str) -> bool:
    """Whether ``text`` holds a known HTML element's tag."""
    return "<" in text and _KNOWN_TAG.search(text) is not None


def strip_markup(text: str) -> tuple[str, Counter[str]]:
    """``text`` without its HTML markup (see the module docstring), and the tags removed
    with their counts; text without markup comes back unchanged with no tags."""
    if not has_markup(text):
        return text, Counter()
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    if parser.skipping:  # a <header>, <nav> … never closed: keep what follows it
        parser = _TextParser(drop=_CODE)
        parser.feed(text)
        parser.close()
    plain = _SPACES.sub(" ", "".join(parser.parts))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", _BREAKS.sub(_keep_breaks, plain))]
    return "\n\n".join(p for p in paragraphs if p), parser.tags


def _keep_breaks(match: re.Match[str]) -> str:
    # one newline (a <br>) stays a line break; two or more are a paragraph break
    return "\n\n" if match.group().count("\n") >= 2 else "\n"
