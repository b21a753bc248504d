"""Reading a JSON document (``.json``): one reader of :data:`framing.readers.READERS`.

Three shapes are articles:

* an array of records (``[{"id": …, "text": …}, …]``, a pretty-printed export);
* one record (a scraper's file per article, e.g. news-please's ``maintext``, ``title``,
  ``date_publish``: name them with ``--text-field`` and friends);
* an object holding exactly one array of records, such as a news API's response
  (``{"status": "ok", "totalResults": 2, "articles": [...]}``).

Each record is read as a JSONL record is (:meth:`framing.readers.Columns.to_article`),
and a bad one is one error naming the file and its place (``file:[3]``,
``file:articles[3]``); the others are read on. A file that is JSON Lines despite its
name is read as JSON Lines. Unlike JSON Lines, a document is parsed whole, so a syntax
error anywhere loses the file (one error naming its line): prefer JSONL for large exports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.corpus import Article
from framing.io import RecordError
from framing.record_fields import MISSING, field_value

if TYPE_CHECKING:
    from framing.readers import Columns


def _records(doc: Any, columns: Columns) -> tuple[list[Any], str | None] | str:
    """The document's records and the member holding them (``None``: the top level or the
    record itself), or why it holds none."""
    if isinstance(doc, list):
        return doc, None
    if not isinstance(doc, dict):
        return f"a JSON {type(doc).__name__}, not an object or an array of objects"
    if field_value(doc, columns.text) is not MISSING:
        return [doc], None
    arrays = [
        key
        for key, value in doc.items()
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
    ]
    if len(arrays) == 1:
        return doc[arrays[0]], arrays[0]
    members = ", ".join(sorted(doc)) or "none"
    if arrays:
        return f"several arrays of records ({', '.join(arrays)}); no text field {columns.text!r}"
    return f"no text field {columns.text!r} and no array of records (members: {members})"


def read_json(
    path: Path, columns: Columns, article_id: str | None = None
) -> Iterator[Article | RecordError]:
    from framing.readers import read_jsonl

    where = str(path)
    text = columns.read_text(path)
    if isinstance(text, RecordError):
        yield text
        return
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            yield from read_jsonl(path, columns)  # JSON Lines under a .json name
            return
        yield RecordError(
            f"{where}:{exc.lineno}",
            f"invalid JSON: {exc.msg} (column {exc.colno}); a JSON document is read whole, "
            "so nothing in this file was read",
        )
        return
    found = _records(doc, columns)
    if isinstance(found, str):
        yield RecordError(where, found)
        return
    records, member = found
    if member is None and records and records[0] is doc:  # the file is one article
        yield from _article(doc, where, article_id or path.stem, columns)
        return
    for i, record in enumerate(records):
        place = f"{where}:{member or ''}[{i}]"
        yield from _article(record, place, f"{article_id or path.stem}:{i}", columns)


def _article(
    record: Any, where: str, fallback_id: str, columns: Columns
) -> Iterator[Article | RecordError]:
    if not isinstance(record, dict):
        yield RecordError(where, f"expected a JSON object, got {type(record).__name__}")
        return
    yield columns.article_or_error(record, where, fallback_id)
