"""Reading LexisNexis exports: many articles in one file, each with its header fields.

Researchers get much of their news from LexisNexis, as downloads that hold many
documents each. Two export formats are read:

* **Nexis Uni, "Microsoft Word"** (``.docx``; read with python-docx, optional extra
  ``lexisnexis``): a cover page (the search, the list of titles), then per document its
  title, publication, date line, an optional copyright line, header fields
  (``Section:``, ``Length:``, ``Byline:``, ``Highlight:``, ``Dateline:``), a line
  ``Body``, the paragraphs, an optional trailer (``Classification``, ``Language:``,
  ``Subject:``, ``Load-Date:``, ``Graphic``, ``Notes``) and ``End of Document``;
* **LexisNexis Academic, plain text** (``.txt`` with ``--format lexisnexis``):
  documents headed ``N of M DOCUMENTS``, each with its publication and date line
  (indented, with edition lines), the title, upper-case header fields (``BYLINE:``,
  ``SECTION:``, ``LENGTH:``), the body, hard-wrapped at ~80 characters, then trailer
  fields (``LOAD-DATE:``, ``LANGUAGE:``, ``PUBLICATION-TYPE:``) and a copyright line.

Each document becomes one article: id ``<file>-<n>`` (``n``: its place in the file,
from 1), ``title``, ``source`` (the publication), ``date`` (the date line's day), the
body as ``text`` (one paragraph per block, a wrapped line joined to its paragraph) and
every header and trailer field as metadata (``byline``, ``section``, ``length``,
``load_date``, ``language``, ``copyright``, …; keys in lower case). The cover page and
the field lines never reach the text. A document without a body is an error naming the
file and the document's number; the other documents are kept.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.corpus import Article
from framing.dates import iso_day
from framing.extras import require
from framing.input_files import content_path, content_suffix, read_input
from framing.io import RecordError

if TYPE_CHECKING:
    from framing.readers import Columns

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# "July 1, 2019 Monday 9:20 AM GMT", "January 11, 2010 Monday", "1 July 2019", "Monday, July 1, 2019"
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS}),?\s+\d{{4}})\b"
)
_FIELD = re.compile(r"^([A-Za-z][A-Za-z\-]*(?: [A-Za-z][A-Za-z\-]*){0,2}):[\s\u00a0]*(.*)$", re.S)
# Nexis Uni: the headings that end the body (so does "Load-Date:")
_TRAILER_HEADINGS = {"classification", "graphic", "notes"}
# Academic: the upper-case fields after the body; the first of them ends it
_TRAILER_FIELDS = {
    "load-date", "language", "publication-type", "journal-code", "subject", "geographic",
    "organization", "company", "person", "industry", "ticker", "document-type", "url",
    "correction-date", "correction", "distribution", "graphic", "notes",
}  # fmt: skip
# Academic: the fields between the title and the body (an upper-case word and a colon
# opening the body, "DAMASCUS: …", is text)
_HEADER_FIELDS = {
    "byline", "section", "length", "dateline", "highlight", "edition", "series", "type",
    "source", "headline", "correction-appended", "column", "body",
}  # fmt: skip
_END = "end of document"
_ACADEMIC_SPLIT = re.compile(r"^[ \t]*\d+ of \d+ DOCUMENTS?[ \t]*$", re.M)
_MAX_TITLE = 400  # a "title" longer than this is a paragraph: the document has none


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def _field(line: str) -> tuple[str, str] | None:
    """``("section", "POLITICS")`` for a field line ``Section: POLITICS``, else ``None``."""
    m = _FIELD.match(line.strip())
    return (m[1], m[2].strip()) if m else None


def _date_line(line: str) -> str | None:
    m = _DATE.search(line) if len(line) < 120 else None
    return iso_day(re.sub(r",\s*", ", ", m[0])) if m else None


def _is_copyright(line: str) -> bool:
    return line.lower().startswith("copyright")


def _is_plain(line: str) -> bool:
    """Neither a field line nor a copyright line."""
    return _field(line) is None and not _is_copyright(line)


def _document(
    head: dict[str, str | None],
    header: list[str],
    body: list[str],
    trailer: list[str],
    art_id: str,
    where: str,
) -> Article | RecordError:
    """One document's article: ``head`` its title, source, date line and date; the field
    and copyright lines of its ``header`` and ``trailer`` become metadata."""
    text = "\n\n".join(p for p in body if p)
    if not text.strip():
        return RecordError(where, f"document {art_id!r} has no body text")
    meta: dict[str, Any] = {}
    for line in (*header, *trailer):
        field = _field(line)
        if _is_copyright(line):
            meta.setdefault("copyright", line)
        elif field is not None and field[1]:
            meta.setdefault(_key(field[0]), field[1])
    if head.get("date_line"):
        meta["date_line"] = head["date_line"]
    title = head.get("title")
    if title is not None and len(title) > _MAX_TITLE:
        title = None
    return Article(
        art_id, text, title, head.get("source"), head.get("date"), None, meta, origin=where
    )


# ---------------------------------------------------------------------------
# Nexis Uni (.docx)
def _docx_lines(path: Path) -> list[str]:
    """The document's paragraphs in order, a table as one line per row (cells joined by
    " | "), so a table inside an article keeps its text."""
    docx = require("docx", "lexisnexis", "reading Nexis Uni .docx exports")
    document = docx.Document(io.BytesIO(read_input(path)))  # .docx.gz too
    lines: list[str] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                cells = [c.text.strip() for c in row.cells]
                lines.append(" | ".join(dict.fromkeys(c for c in cells if c)))
        else:
            lines.append(block.text.replace("\u00a0", " ").strip())
    return lines


def _split_nexis_uni(lines: list[str]) -> Iterator[tuple[list[str], list[str], list[str]]]:
    """(header, body, trailer) per document of a Nexis Uni export; a document ends at
    ``End of Document``, its body starts after the line ``Body``."""
    start = 0
    for end, line in enumerate(lines):
        if line.lower() != _END:
            continue
        part, start = lines[start:end], end + 1
        try:
            b = next(i for i, x in enumerate(part) if x.lower() == "body")
        except StopIteration:
            yield [x for x in part if x], [], []
            continue
        body, trailer, in_trailer = [], [], False
        for x in part[b + 1 :]:
            field = _field(x)
            # "Subject: …" may be a line of the body; "Load-Date:" never is
            if not in_trailer and (
                x.lower() in _TRAILER_HEADINGS
                or (field is not None and field[0].lower() == "load-date" and field[1])
            ):
                in_trailer = True
            (trailer if in_trailer else body).append(x)
        yield [x for x in part[:b] if x], body, [x for x in trailer if x]


def _nexis_uni_head(header: list[str]) -> tuple[dict[str, str | None], list[str]]:
    """Title, publication and date line of a Nexis Uni document (the three plain lines that
    end with the last date line before the fields), and its field lines; the first
    document's header also holds the cover page, which this leaves out."""
    dated = [(i, day) for i, x in enumerate(header) if _is_plain(x) and (day := _date_line(x))]
    if not dated:
        return {}, [x for x in header if not _is_plain(x)]
    d, day = dated[-1]
    before = [x for x in header[:d] if _is_plain(x)]
    head = {
        "date_line": header[d],
        "date": day,
        "source": before[-1] if before else None,
        "title": before[-2] if len(before) > 1 else None,
    }
    return head, [x for x in header[d + 1 :] if not _is_plain(x)]


def _read_docx(path: Path, stem: str) -> Iterator[Article | RecordError]:
    try:
        lines = _docx_lines(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:  # python-docx's errors
        yield RecordError(str(path), f"not a readable .docx file ({type(exc).__name__}: {exc})")
        return
    n = 0
    for n, (header, body, trailer) in enumerate(_split_nexis_uni(lines), 1):
        head, fields = _nexis_uni_head(header)
        yield _document(head, fields, body, trailer, f"{stem}-{n}", f"{path}:document {n}")
    if n == 0:
        yield RecordError(
            str(path), "not a Nexis Uni export (no 'End of Document' line): no article read"
        )


# ---------------------------------------------------------------------------
# LexisNexis Academic (.txt)
def _paragraphs(block: str) -> list[tuple[bool, str]]:
    """(indented, paragraph) per blank-line-separated paragraph; wrapped lines joined."""
    out = []
    for para in re.split(r"\n[ \t]*\n", block):
        lines = [x for x in para.split("\n") if x.strip()]
        if lines:
            indented = lines[0].startswith((" ", "\t"))
            out.append((indented, " ".join(x.strip() for x in lines)))
    return out


def _academic_head(header: list[str]) -> dict[str, str | None]:
    """The publication (the first paragraph), the date line (the first that holds a date)
    and the title (the first plain paragraph after it) of an Academic document."""
    plain = [x for x in header if _is_plain(x)]
    dated, day = next(
        ((i, day) for i, x in enumerate(plain) if (day := _date_line(x))), (None, None)
    )
    if dated is None:
        return {"title": plain[0] if plain else None}
    return {
        "date_line": plain[dated],
        "date": day,
        "source": plain[0] if dated > 0 else None,
        "title": plain[dated + 1] if dated + 1 < len(plain) else None,
    }


def _upper_field(paragraph: str) -> str | None:
    """The key of an Academic field paragraph (``LENGTH: 355 words``), else ``None``."""
    field = _field(paragraph)
    return field[0].lower() if field is not None and field[0].isupper() else None


def _split_academic(segment: str) -> tuple[list[str], list[str], list[str]]:
    """(header, body, trailer) of one Academic document. The header is the centred
    publication and date lines, the first left-aligned paragraph (the title) and the
    upper-case fields right after it (``BYLINE:``, ``LENGTH: 355 words``); the trailer
    starts at the first trailer field after the body (``LOAD-DATE:``); centred lines at
    the body's end (the copyright) are trailer too."""
    paras = _paragraphs(segment)
    at = next((i for i, (indented, _) in enumerate(paras) if not indented), len(paras))
    if at < len(paras) and _upper_field(paras[at][1]) not in _HEADER_FIELDS:
        at += 1  # past the title
    while at < len(paras) and _upper_field(paras[at][1]) in _HEADER_FIELDS:
        at += 1
    end = next(
        (i for i in range(at, len(paras)) if _upper_field(paras[i][1]) in _TRAILER_FIELDS),
        len(paras),
    )
    while end > at and paras[end - 1][0]:  # centred copyright lines
        end -= 1
    texts = [p for _, p in paras]
    return texts[:at], texts[at:end], texts[end:]


def _read_academic(path: Path, columns: Columns, stem: str) -> Iterator[Article | RecordError]:
    text = columns.read_text(path)
    if isinstance(text, RecordError):
        yield text
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    segments = _ACADEMIC_SPLIT.split(text)[1:]  # [0]: the download request
    if not segments:
        yield RecordError(
            str(path), "not a LexisNexis export (no 'N of M DOCUMENTS' line): no article read"
        )
        return
    for n, segment in enumerate(segments, 1):
        header, body, trailer = _split_academic(segment)
        head = _academic_head(header)
        yield _document(head, header, body, trailer, f"{stem}-{n}", f"{path}:document {n}")


def read_lexisnexis(
    path: Path, columns: Columns, rel_id: str | None = None
) -> Iterator[Article | RecordError]:
    """The articles of one LexisNexis export: Nexis Uni ``.docx`` or Academic text."""
    stem = rel_id if rel_id is not None else content_path(path).stem
    if content_suffix(path) == ".docx":
        yield from _read_docx(path, stem)
    else:
        yield from _read_academic(path, columns, stem)
