"""Reading a saved web page: the main text and metadata extracted with trafilatura
(optional extra ``html``). One reader of :data:`framing.readers.READERS`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from framing.corpus import Article
from framing.extras import require
from framing.input_files import read_input
from framing.io import RecordError

MIN_HTML_WORDS = 30  # less main text than this is a consent, error or index page
_CONSENT = re.compile(
    r"\b(?:cookies?|consent|privacy (?:policy|settings)|page not found|404)\b", re.IGNORECASE
)


def read_html(path: Path, article_id: str | None = None) -> Iterator[Article | RecordError]:
    trafilatura = require("trafilatura", "html", "reading HTML")

    where = str(path)
    try:
        raw = read_input(path)
    except OSError as exc:
        yield RecordError(where, f"cannot read: {exc.strerror or exc}")
        return
    try:
        doc = trafilatura.bare_extraction(
            raw,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        yield RecordError(where, f"HTML extraction failed: {exc}")
        return
    if doc is None or not (doc.text or "").strip():
        yield RecordError(where, "no main text found in the HTML page")
        return
    n_words = len(doc.text.split())
    if n_words < MIN_HTML_WORDS or (n_words < 120 and _CONSENT.search(doc.text)):
        yield RecordError(
            where,
            f"no article text in the HTML page (only {n_words} words, e.g. a consent or error page)",
        )
        return
    # trafilatura gives one paragraph per line
    text = "\n\n".join(line for line in doc.text.split("\n") if line.strip())
    record = {
        "id": article_id or path.stem,
        "text": text,
        "title": doc.title,
        "date": doc.date,
        "url": doc.url,
        "source": doc.sitename,
        "author": doc.author,
        "path": str(path),
    }
    from framing.readers import _one_article  # the readers' registry imports this module

    yield _one_article({k: v for k, v in record.items() if v is not None}, where)
