"""Reading a CSV/TSV file: one article per record (:mod:`framing.csv_records` finds the
records). One reader of :data:`framing.readers.READERS`."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from framing.corpus import Article
from framing.csv_records import declared_delimiter, header_delimiter, iter_csv_records
from framing.input_files import open_input, peekable
from framing.io import RecordError

if TYPE_CHECKING:
    from framing.readers import Columns

log = logging.getLogger("framing.readers")


def read_csv(
    path: Path, columns: Columns, delimiter: str | None = None
) -> Iterator[Article | RecordError]:
    """Articles of a CSV/TSV file, one per record (see :mod:`framing.csv_records`).

    UTF-16 with a byte-order mark (Excel's "Unicode Text") is read as such; otherwise a
    header that is not text in ``columns.encoding`` (Latin-1 read as UTF-8, binary) makes
    the whole file one error; a bad record is one error naming its line, and the records
    after it are read on (never merged into it).
    """

    try:
        # opened once and peeked at, so a pipe or FIFO is read too
        raw = peekable(open_input(path))
        head = raw.peek(1 << 16)
        codec = columns.codec(head)  # UTF-16: Excel's "Unicode Text"
        first_text = head.decode(codec, errors="replace").split("\n", 1)[0]
        # undecodable bytes become lone surrogates, so one bad row does not lose the file
        # (UTF-16 has no such escape: its decoding errors end the file, reported as one)
        errors = "strict" if codec == "utf-16" else "surrogateescape"
        fh = io.TextIOWrapper(raw, encoding=codec, errors=errors, newline="")
    except OSError as exc:
        yield RecordError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    declared = declared_delimiter(first_text)
    if declared is not None:
        fh.readline()  # Excel's "sep=;" line: not the header
        log.info("%s: columns separated by %r (its sep= line)", path, declared)
    delimiter = delimiter or columns.delimiter or declared
    if delimiter is None:
        delimiter = header_delimiter(first_text)
        if delimiter != ",":
            log.info("%s: columns separated by %r (read from the header line)", path, delimiter)
    with fh:
        start = 1 if declared is None else 2
        records = iter_csv_records(fh, delimiter, mode=columns.csv_mode, first_line=start)
        first = next(records, None)
        if first is None:
            yield RecordError(str(path), "empty CSV file (no header)")
            return
        if first.problem:
            yield RecordError(f"{path}:line {first.line}", f"malformed CSV header: {first.problem}")
            return
        header = first.cells or []
        if any(_has_surrogates(name) or "\0" in name for name in header):
            yield RecordError(
                f"{path}:line {first.line}",
                "the header is not UTF-8 text (Latin-1, UTF-16 or binary?); save the file as UTF-8",
            )
            return
        row_no = 0
        for record in records:  # checked against the header's cell count
            row_no += 1
            where = f"{path}:row {row_no} (line {record.line})"
            if record.problem:
                yield RecordError(where, f"malformed CSV: {record.problem}")
                continue
            cells = record.cells or []
            if any(_has_surrogates(v) for v in cells):
                yield RecordError(where, columns.not_decodable())
                continue
            record = dict(zip(header, cells, strict=True))
            yield columns.article_or_error(record, where, f"{path.stem}:{row_no}")


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
