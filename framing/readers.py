"""Readers: files and folders of articles → :class:`~framing.corpus.Article` records.

Supported inputs (chosen by extension, or ``fmt``):

* ``.txt``            one article per file; id = the file's path relative to the
                      folder given (without extension);
* ``.jsonl``/``.ndjson`` one article per line (its text a string, or a list of
                      paragraph strings);
* ``.json``           an array of records, one record, or an object holding one array
                      (:mod:`framing.json_reader`; in a folder only with ``fmt="json"``);
* ``.csv``/``.tsv``   one article per row;
* ``.parquet``        one article per row (:mod:`framing.parquet_reader`);
* ``.html``/``.htm``  a saved web page (:mod:`framing.html_reader`, trafilatura);
* ``.mhtml``/``.mht``, ``.webarchive``  a browser's one-file archive of a page
                      (:mod:`framing.web_archives`), then as ``.html``;
* ``.warc``/``.warc.gz``  a crawler's web archive: every HTML page in it
                      (:mod:`framing.warc_reader`; the older ``.arc``/``.arc.gz`` too);
* ``.docx``           a Nexis Uni download: every document in it; LexisNexis Academic's
                      text downloads with ``fmt="lexisnexis"``
                      (:mod:`framing.lexisnexis_reader`);
* a folder            every supported file below it, in sorted order (with ``fmt``:
                      that format's files).

The formats are listed once, in :data:`READERS`: adding one is a reading function and
one :class:`Reader` entry (``--format`` choices, folder scanning and dispatch follow).

Field names of JSONL/CSV are configurable with :class:`Columns`; columns not
mapped are kept as article metadata. Readers are generators that never raise on
a bad record: they yield a :class:`~framing.io.RecordError` naming the file and
line/row instead, and go on with the next record.
"""

from __future__ import annotations

import codecs
import csv
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framing.article_ids import unique_ids
from framing.corpus import ARTICLE_FIELDS, Article
from framing.csv_reader import read_csv
from framing.csv_records import MODES as CSV_MODES
from framing.dates import is_iso_day, iso_day, warn_unreadable_date
from framing.extras import MissingExtra
from framing.html_reader import read_html
from framing.input_files import (
    content_path,
    content_suffix,
    has_utf16_bom,
    iter_jsonl,
    read_input,
)
from framing.io import RecordError, walk_files
from framing.json_reader import read_json
from framing.lexisnexis_reader import read_lexisnexis
from framing.parquet_reader import read_parquet
from framing.record_fields import MISSING, field_value, nested_hint, one_line_value, without_fields
from framing.warc_reader import read_warc
from framing.web_archives import mhtml_page, webarchive_page

MAX_ARTICLE_CHARS = 2_000_000  # longer "articles" are almost always a broken dump


log = logging.getLogger(__name__)
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class Columns:
    """How JSONL/CSV input is read: the fields that hold an article's parts, and the CSV
    mode (``strict`` or ``lenient``, see :mod:`framing.csv_records`)."""

    id: str = "id"
    text: str = "text"
    title: str = "title"
    source: str = "source"
    date: str = "date"
    url: str = "url"
    csv_mode: str = "strict"
    # CSV column separator (None: from the header line, see :func:`header_delimiter`)
    delimiter: str | None = None
    encoding: str = "utf-8"  # of .txt, JSONL and CSV files (HTML pages declare their own)

    def __post_init__(self) -> None:
        if self.csv_mode not in CSV_MODES:
            raise ValueError(
                f"unknown CSV mode {self.csv_mode!r}; choose one of {', '.join(CSV_MODES)}"
            )
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise ValueError(f"a CSV delimiter is one character, got {self.delimiter!r}")
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise ValueError(f"unknown text encoding {self.encoding!r}") from None
        if "a,\n".encode(self.encoding, errors="replace") != b"a,\n":
            # lines and cells are split on the bytes of "\n" and "," before decoding
            raise ValueError(
                f"text encoding {self.encoding!r} is not ASCII-compatible (UTF-16 or "
                "UTF-32?): save the file as UTF-8"
            )

    @property
    def utf8(self) -> bool:
        return codecs.lookup(self.encoding).name == "utf-8"

    def codec(self, head: bytes) -> str:
        """The codec of a file that starts with ``head``: UTF-16 where a byte-order mark says
        so (whatever :attr:`encoding` is), else :attr:`encoding` (a UTF-8 one skipped)."""
        if has_utf16_bom(head):
            return "utf-16"
        return "utf-8-sig" if self.utf8 else self.encoding

    def not_decodable(self, head: bytes = b"") -> str:
        """The error reason for bytes of a file starting with ``head`` that its codec
        (:meth:`codec`) cannot read, with the way out."""
        if has_utf16_bom(head):
            return "not valid UTF-16 after its byte-order mark"
        if self.utf8:
            return "not valid UTF-8 (another encoding? give it with --encoding, e.g. cp1252)"
        return f"not valid {self.encoding}"

    @classmethod
    def from_args(cls, args: Any) -> Columns:
        """Columns named by the options :func:`framing.subcommand.add_input_arguments` adds."""
        return cls(
            id=args.id_field,
            text=args.text_field,
            title=args.title_field,
            source=args.source_field,
            date=args.date_field,
            url=args.url_field,
            csv_mode=getattr(args, "csv_mode", "strict"),
            delimiter=getattr(args, "csv_delimiter", None),
            encoding=getattr(args, "encoding", None) or "utf-8",
        )

    def to_article(self, record: dict[str, Any], where: str, fallback_id: str) -> Article:
        """The article of one record; fields may be dotted paths into nested objects
        (:mod:`framing.record_fields`)."""
        text = field_value(record, self.text)
        if text is MISSING:
            fields = ", ".join(sorted(record)) or "none"
            raise RecordError(
                where, f"no text field {self.text!r} (fields: {fields}{nested_hint(record)})"
            )
        if isinstance(text, list) and text and all(isinstance(p, str) for p in text):
            text = "\n\n".join(p for p in text if p.strip())  # a list of paragraphs

        def one_line(field: str) -> Any:
            return one_line_value(record, field, where)

        date = one_line(self.date)
        extra = {}
        if date is not None and not (isinstance(date, str) and is_iso_day(date)):
            day = iso_day(date)
            if day is None:
                warn_unreadable_date(where, date)
                extra["date_raw"] = date  # kept, but no alias compares it
            date = day
        mapped = {
            "id": one_line(self.id) or fallback_id,
            "text": text,
            "title": one_line(self.title),
            "source": one_line(self.source),
            "date": date,
            "url": one_line(self.url),
        }
        used = {self.id, self.text, self.title, self.source, self.date, self.url}
        for key, value in without_fields(record, used).items():
            # the record's own "text" when the text is read from "body" must not replace it
            mapped[f"input_{key}" if key in ARTICLE_FIELDS else key] = value
        mapped.update(extra)
        return _check_size(Article.from_record(mapped, where=where), where)

    def read_text(self, path: Path) -> str | RecordError:
        """The whole text of a one-document file (``.txt``, ``.json``; decompressed,
        decoded by :meth:`codec`), or the error naming it."""
        try:
            raw = read_input(path)
            return raw.decode(self.codec(raw))
        except UnicodeDecodeError as exc:
            reason = self.not_decodable(raw)
            return RecordError(str(path), f"{reason}: {exc.reason} at byte {exc.start}")
        except OSError as exc:
            return RecordError(str(path), f"cannot read: {exc.strerror or exc}")

    def article_or_error(
        self, record: dict[str, Any], where: str, fallback_id: str
    ) -> Article | RecordError:
        """:meth:`to_article`, a bad record's error returned instead of raised (readers yield
        both and go on with the next record)."""
        try:
            return self.to_article(record, where, fallback_id)
        except RecordError as exc:
            return exc


def _check_size(article: Article, where: str) -> Article:
    if len(article.text) > MAX_ARTICLE_CHARS:
        raise RecordError(
            where,
            f"article {article.id!r}: text of {len(article.text):,} characters exceeds {MAX_ARTICLE_CHARS:,}",
        )
    return article


def _one_article(record: dict[str, Any], where: str) -> Article | RecordError:
    """The article of a one-article file, or the error naming what is wrong with it."""
    try:
        return _check_size(Article.from_record(record, where), where)
    except RecordError as exc:
        return exc


def read_txt(
    path: Path, article_id: str | None = None, columns: Columns = Columns()
) -> Iterator[Article | RecordError]:
    where = str(path)
    text = columns.read_text(path)
    if isinstance(text, RecordError):
        yield text
        return
    yield _one_article({"id": article_id or path.stem, "text": text, "path": str(path)}, where)


def read_jsonl(path: Path, columns: Columns = Columns()) -> Iterator[Article | RecordError]:
    try:
        records = iter_jsonl(path, columns.encoding, not_decodable=columns.not_decodable())
        for lineno, rec in records:
            if isinstance(rec, RecordError):
                yield rec
                continue
            where = f"{path}:{lineno}"
            yield columns.article_or_error(rec, where, f"{path.stem}:{lineno}")
    except OSError as exc:
        yield RecordError(str(path), f"cannot read: {exc.strerror or exc}")


# ---------------------------------------------------------------------------
# the registry: adding an input format is one reading function and one entry here
@dataclass(frozen=True)
class Reader:
    """An input format: its ``--format`` names (the first is shown), the file suffixes
    read from folders, and ``read(path, columns, article_id)`` (``article_id``: the id a
    one-article file gets from its path below a folder, else ``None``)."""

    names: tuple[str, ...]
    suffixes: tuple[str, ...]
    read: Callable[[Path, Columns, str | None], Iterator[Article | RecordError]]
    # read from a folder without --format (a folder's .json files are often not articles)
    in_folders: bool = True
    # a file holds an unknown number of articles (no cheap count for the progress bar)
    many_per_file: bool = False


READERS: tuple[Reader, ...] = (
    Reader(
        ("txt", "text"), (".txt",), lambda path, columns, rel_id: read_txt(path, rel_id, columns)
    ),
    Reader(
        ("jsonl", "ndjson"),
        (".jsonl", ".ndjson"),
        lambda path, columns, rel_id: read_jsonl(path, columns),
    ),
    Reader(
        ("json",),
        (".json",),
        lambda path, columns, rel_id: read_json(path, columns, rel_id),
        in_folders=False,
        many_per_file=True,
    ),
    Reader(("csv",), (".csv",), lambda path, columns, rel_id: read_csv(path, columns)),
    Reader(("parquet",), (".parquet",), lambda path, columns, rel_id: read_parquet(path, columns)),
    Reader(("tsv",), (".tsv",), lambda path, cols, rel_id: read_csv(path, cols, delimiter="\t")),
    Reader(
        ("html", "htm"), (".html", ".htm"), lambda path, columns, rel_id: read_html(path, rel_id)
    ),
    Reader(
        ("mhtml", "mht"),
        (".mhtml", ".mht"),
        lambda path, columns, rel_id: read_html(path, rel_id, unwrap=mhtml_page),
    ),
    Reader(
        ("webarchive",),
        (".webarchive",),
        lambda path, columns, rel_id: read_html(path, rel_id, unwrap=webarchive_page),
    ),
    Reader(
        ("warc", "arc"),
        (".warc", ".arc"),
        lambda path, columns, rel_id: read_warc(path),
        many_per_file=True,
    ),
    # Nexis Uni's .docx downloads; LexisNexis Academic's text files with --format lexisnexis
    Reader(
        ("lexisnexis", "nexis", "docx"),
        (".docx", ".txt"),
        lambda path, columns, rel_id: read_lexisnexis(path, columns, rel_id),
        many_per_file=True,
    ),
)


def format_names() -> list[str]:
    """The ``--format`` choices: each reader's first name."""
    return [r.names[0] for r in READERS]


def supported_suffixes(fmt: str | None = None) -> set[str]:
    """The file suffixes read from folders: those of format ``fmt``, else of every format
    read from folders by default."""
    reader = reader_for(fmt.lower()) if fmt else None
    if reader is not None:
        return set(reader.suffixes)
    return {suffix for r in READERS if r.in_folders for suffix in r.suffixes}


def reader_for(kind: str) -> Reader | None:
    """The reader of format (or suffix without the dot) ``kind``."""
    return next((r for r in READERS if kind in r.names), None)


def _iter_files(root: Path, fmt: str | None = None) -> Iterator[Path | RecordError]:
    """Supported files below ``root`` (sorted; with ``fmt``, that format's files), and an error
    for a folder that cannot be listed."""
    suffixes = supported_suffixes(fmt)
    for item in walk_files(root):
        if isinstance(item, OSError):
            yield RecordError(
                str(item.filename or root), f"cannot list this folder: {item.strerror or item}"
            )
        elif content_suffix(item) in suffixes and item.is_file():
            yield item


def read_path(
    path: str | Path, fmt: str | None = None, columns: Columns = Columns()
) -> Iterator[Article | RecordError]:
    """Articles (or errors) from one file or folder; ``fmt`` overrides the extension."""
    path = Path(path)
    if path.is_dir():
        for file in _iter_files(path, fmt):
            if isinstance(file, RecordError):
                yield file
                continue
            rel_id = content_path(file.relative_to(path)).with_suffix("").as_posix()
            yield from _read_file(file, fmt, columns, rel_id)
        return
    if not path.exists():
        yield RecordError(str(path), "no such file or folder")
        return
    yield from _read_file(path, fmt, columns, None)


def _read_file(
    path: Path, fmt: str | None, columns: Columns, rel_id: str | None
) -> Iterator[Article | RecordError]:
    """One file's articles; whatever goes wrong in it stays in it (one error naming it)."""
    try:
        yield from _read_by_kind(path, fmt, columns, rel_id)
    except MissingExtra:
        raise  # not this file's fault: every file of its kind would fail the same way
    except Exception as exc:  # a reader or library failure must not end the other files
        log.debug("reading %s failed", path, exc_info=True)
        yield RecordError(
            str(path), f"unreadable, rest of the file skipped ({type(exc).__name__}: {exc})"
        )


def _read_by_kind(
    path: Path, fmt: str | None, columns: Columns, rel_id: str | None
) -> Iterator[Article | RecordError]:
    kind = (fmt or content_suffix(path).lstrip(".")).lower()
    reader = reader_for(kind)
    if reader is None:
        yield RecordError(
            str(path),
            f"unsupported input format {kind!r} (use one of {', '.join(format_names())})",
        )
        return
    yield from reader.read(path, columns, rel_id)


def read_articles(
    paths: Iterable[str | Path], fmt: str | None = None, columns: Columns = Columns()
) -> Iterator[Article | RecordError]:
    """Stream articles from several files/folders, each id once
    (:func:`framing.article_ids.unique_ids`)."""
    return unique_ids(item for path in paths for item in read_path(path, fmt, columns))
