"""CSV records with the physical line each starts on, and no silent merging.

Python's :mod:`csv` keeps reading lines while a quoted field is open, so one
unterminated quote swallows the rows after it into a single field. Here every
record is read with ``strict`` quoting and a cap on the lines one record may span:

* a quote that never closes properly (the usual sign: a "closing" quote followed by
  text, the opening quote of a later row's field), a record still open at the end of
  the file, or a quoted field running over ``max_lines`` lines, makes the record bad;
* a bad record is reported with the line it starts on, and reading goes on from the
  *next physical line*: the rows it had swallowed are read again as rows;
* a quoted field holding line breaks (a properly closed one) stays one record.

Modes (:data:`MODES`): ``strict`` (the default) reports a bad record or a record
whose cell count differs from the header's, and keeps every good one; ``lenient``
re-reads a bad record's first line with quotes taken literally and pads a short
record with empty cells, keeping them when the cell count then fits (a warning
names the line), and reports the rest.
"""

from __future__ import annotations

import collections
import csv
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

log = logging.getLogger(__name__)
MODES = ("strict", "lenient")
MAX_RECORD_LINES = 1000  # a quoted field longer than this is taken for an unterminated quote


class _Runaway(Exception):
    """A record took more than ``max_lines`` physical lines."""


class _LineSource:
    """Physical lines with their numbers, for :class:`csv.reader`; lines can be given back."""

    def __init__(self, fh: IO[str], max_lines: int) -> None:
        self.fh = fh
        self.max_lines = max_lines
        self.pending: collections.deque[tuple[int, str]] = collections.deque()
        self.next_lineno = 1
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _LineSource:
        return self

    def __next__(self) -> str:
        if self.pending:
            lineno, line = self.pending.popleft()
        else:
            line = self.fh.readline()
            if not line:
                raise StopIteration
            lineno, self.next_lineno = self.next_lineno, self.next_lineno + 1
        self.taken.append((lineno, line))
        if len(self.taken) > self.max_lines:
            raise _Runaway
        return line

    def start_record(self) -> None:
        self.taken = []

    def give_back(self, lines: list[tuple[int, str]]) -> None:
        self.pending.extendleft(reversed(lines))


@dataclass(slots=True)
class CsvRecord:
    """Cells of one record (``cells``) or why it is bad (``problem``); ``line``: where it starts."""

    line: int
    cells: list[str] | None = None
    problem: str | None = None


def iter_csv_records(
    fh: IO[str],
    delimiter: str = ",",
    n_fields: int | None = None,
    mode: str = "strict",
    max_lines: int = MAX_RECORD_LINES,
    first_line: int = 1,
) -> Iterator[CsvRecord]:
    """Records of an open CSV file (``newline=""``), header included, blank lines skipped.

    ``n_fields``: the header's cell count once known (``None`` reads the first record
    as the header; later records are then checked against it). ``first_line``: the
    number of the line ``fh`` is at (2 after a skipped ``sep=;`` line).
    """
    if mode not in MODES:
        raise ValueError(f"unknown CSV mode {mode!r}; choose one of {', '.join(MODES)}")
    source = _LineSource(fh, max_lines)
    source.next_lineno = first_line
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    while True:
        source.start_record()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, _Runaway) as exc:
            taken = source.taken
            if not taken:  # nothing was read: the file ended
                return
            (line, first), rest = taken[0], taken[1:]
            source.give_back(rest)  # the swallowed lines are rows of their own
            reader = csv.reader(source, delimiter=delimiter, strict=True)
            if isinstance(exc, _Runaway):
                problem = f"a quoted field runs over {max_lines} lines (an unterminated quote?)"
            elif "NUL" in str(exc):
                problem = "a NUL byte (binary data, or UTF-16 text)"
            else:
                problem = f"unterminated or misplaced quote ({exc})"
            if mode == "lenient" and n_fields is not None:
                literal = next(
                    csv.reader([first.rstrip("\r\n")], delimiter=delimiter, quoting=csv.QUOTE_NONE),
                    [],
                )
                if "\0" not in first and 0 < len(literal) <= n_fields:
                    log.warning("line %d: %s; read with the quotes as plain text", line, problem)
                    yield CsvRecord(line, literal + [""] * (n_fields - len(literal)))
                    continue
            yield CsvRecord(line, problem=problem)
            continue
        if not cells:
            continue
        line = source.taken[0][0] if source.taken else source.next_lineno - 1
        if n_fields is None:
            n_fields = len(cells)
        elif len(cells) > n_fields or (len(cells) < n_fields and mode == "strict"):
            yield CsvRecord(line, problem=f"{len(cells)} cells, the header has {n_fields}")
            continue
        elif len(cells) < n_fields:
            log.warning(
                "line %d: %d cells, the header has %d; the rest left empty",
                line,
                len(cells),
                n_fields,
            )
            cells = cells + [""] * (n_fields - len(cells))
        yield CsvRecord(line, cells)


_DELIMITERS = (",", ";", "\t", "|")  # the first wins a tie
_QUOTED = re.compile(r'"[^"]*"')


# Excel's "sep=;" first line: the separator, declared; the header is on the next line
_SEP_LINE = re.compile(r"sep=(.)\r?\n?", re.IGNORECASE)


def declared_delimiter(first_line: str) -> str | None:
    """The separator a ``sep=X`` first line declares (Excel writes one), else ``None``."""
    m = _SEP_LINE.fullmatch(first_line.lstrip("\ufeff"))
    return m[1] if m else None


def header_delimiter(line: str) -> str:
    """The column separator of a CSV file from its header line: the one of ``,`` ``;``
    tab ``|`` that occurs most outside quotes (``,`` when none does): Excel in many
    European locales writes ``;``."""
    bare = _QUOTED.sub("", line)
    return max(_DELIMITERS, key=lambda d: (bare.count(d), -_DELIMITERS.index(d)))
