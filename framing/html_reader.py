"""Reading a saved web page: the main text and metadata extracted with trafilatura
(optional extra ``html``). One reader of :data:`framing.readers.READERS`."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType

from framing.corpus import Article
from framing.extras import require
from framing.input_files import read_input
from framing.io import RecordError

MIN_HTML_WORDS = 30  # less main text than this is a consent, error or index page
_CONSENT = re.compile(
    r"\b(?:cookies?|consent|privacy (?:policy|settings)|page not found|404)\b", re.IGNORECASE
)
# scripts written without spaces between words (Han, kana): two characters count as a word
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# trafilatura's options for the main text, tried in turn until one finds an article:
# precision first (least page furniture); a page whose article that mode misses (a table
# layout, a reprint notice taken for the body) gets the balanced mode. Measured on real
# pages: benchmarks/html_extraction.py, experiments/README.md.
PRECISION: dict[str, bool] = {
    "include_comments": False,
    "include_tables": False,
    "favor_precision": True,
}
BALANCED: dict[str, bool] = {"include_comments": False, "include_tables": False}
EXTRACTION_OPTIONS: tuple[Mapping[str, bool], ...] = (PRECISION, BALANCED)


def count_words(text: str) -> int:
    """Words in ``text``: spaced words, plus one per two characters of Chinese or Japanese."""
    unspaced = len(_UNSPACED.findall(text))
    return len(_UNSPACED.sub(" ", text).split()) + unspaced // 2


def no_article(text: str) -> str | None:
    """Why ``text`` (a page's extracted main text) is no article, or ``None`` if it is one."""
    if not text.strip():
        return "no main text found in the HTML page"
    n_words = count_words(text)
    if n_words < MIN_HTML_WORDS or (n_words < 120 and _CONSENT.search(text)):
        return (
            f"no article text in the HTML page (only {n_words} words, e.g. a consent or error page)"
        )
    return None


def page_date(doc_date: str | None, raw: str | bytes) -> str | None:
    """The page's date from trafilatura, unless it is a year-only guess.

    With no date in the page's metadata or byline, htmldate's extensive search falls back on
    the year of a copyright line or a lone year as ``YYYY-01-01``; a scraped archive's footer
    carries the year of the scrape, which would date every old article into it (and flip
    dated aliases). A 1 January date is kept only when the page's metadata and time elements
    (htmldate without the extensive search) give it too.
    """
    if not doc_date or not doc_date.endswith("-01-01"):
        return doc_date
    htmldate = require("htmldate", "html", "reading HTML")
    try:
        confirmed = htmldate.find_date(raw, extensive_search=False, original_date=True)
    except Exception:  # htmldate raises many kinds on broken markup
        return None
    return doc_date if confirmed == doc_date else None


@contextlib.contextmanager
def _quiet(module: ModuleType) -> Iterator[None]:
    """The module's own warnings off: framing reports a page it cannot read, naming it."""
    logger = logging.getLogger(module.__name__)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_html(
    path: Path,
    article_id: str | None = None,
    options: Sequence[Mapping[str, bool]] = EXTRACTION_OPTIONS,
    unwrap: Callable[[bytes], tuple[str | bytes, str | None]] | None = None,
) -> Iterator[Article | RecordError]:
    """The article in the saved page ``path``: trafilatura with each of ``options`` in turn
    until one gives an article's worth of text; the last one's reason if none does.
    ``unwrap`` takes the page and its URL out of a one-file archive
    (:mod:`framing.web_archives`)."""
    where = str(path)
    try:
        raw = read_input(path)
    except OSError as exc:
        yield RecordError(where, f"cannot read: {exc.strerror or exc}")
        return
    page: str | bytes = raw
    url = None
    if unwrap is not None:
        try:
            page, url = unwrap(raw)
        except ValueError as exc:
            yield RecordError(where, str(exc))
            return
    yield page_article(page, where, article_id or path.stem, url, {"path": str(path)}, options)


def page_article(
    page: str | bytes,
    where: str,
    article_id: str,
    url: str | None = None,
    meta: Mapping[str, str] | None = None,
    options: Sequence[Mapping[str, bool]] = EXTRACTION_OPTIONS,
) -> Article | RecordError:
    """The article in one web page's HTML (a file, an archive's page, a WARC response),
    or the error naming ``where``; ``meta`` joins the article's metadata."""
    trafilatura = require("trafilatura", "html", "reading HTML")
    doc, problem = None, "no extraction options given"
    for option_set in options:
        try:
            with _quiet(trafilatura):  # "discarding data: None" when a mode finds nothing
                doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, **option_set)
        except Exception as exc:  # trafilatura raises many kinds on broken markup
            return RecordError(where, f"HTML extraction failed: {exc}")
        problem = no_article("" if doc is None else doc.text or "")
        if problem is None:
            break
    if doc is None or problem is not None:  # the most permissive mode's reason
        return RecordError(where, problem)
    # trafilatura gives one paragraph per line
    text = "\n\n".join(line for line in doc.text.split("\n") if line.strip())
    record = {
        "id": article_id,
        "text": text,
        "title": doc.title,
        "date": page_date(doc.date, page),
        "url": doc.url or url,
        "source": doc.sitename,
        "author": doc.author,
        **(meta or {}),
    }
    from framing.readers import _one_article  # the readers' registry imports this module

    return _one_article({k: v for k, v in record.items() if v is not None}, where)
