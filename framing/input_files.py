"""Opening and decoding input files: compression, byte-order marks, JSON Lines.

* :func:`open_input` / :func:`read_input`: a file's bytes, decompressed when its name ends
  in ``.gz``, ``.bz2`` or ``.xz`` (``articles.jsonl.gz``); :func:`content_suffix` is the
  suffix of what is inside (``.jsonl``), which chooses the reader.
* :func:`has_utf16_bom`: UTF-16 with a byte-order mark (Windows "Unicode") is read as
  such, whatever encoding is given.
* :func:`iter_jsonl`: the records of a JSON Lines file, a bad line as an error.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import json
import lzma
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from framing.io import RecordError

# compressed inputs: the suffix and how to open the file's content as bytes
COMPRESSION: dict[str, Callable[[Path, str], IO[bytes]]] = {
    ".gz": gzip.GzipFile,
    ".bz2": bz2.BZ2File,
    ".xz": lzma.LZMAFile,
}


def is_compressed(path: Path) -> bool:
    return path.suffix.lower() in COMPRESSION


def content_path(path: Path) -> Path:
    """``path`` without its compression suffix (``a.jsonl.gz`` → ``a.jsonl``)."""
    return path.with_suffix("") if is_compressed(path) else path


def content_suffix(path: Path) -> str:
    """The lower-case suffix of the file's content: ``.jsonl`` for ``a.jsonl.gz``."""
    return content_path(path).suffix.lower()


def open_input(path: Path) -> IO[bytes]:
    """The file's content as a binary stream, decompressed when its name says so."""
    opener = COMPRESSION.get(path.suffix.lower())
    return opener(path, "rb") if opener else path.open("rb")


def peekable(fh: IO[bytes]) -> io.BufferedReader:
    """``fh`` with ``peek``: its first bytes can be looked at without seeking back, which a
    pipe or FIFO (``--input /dev/stdin``) cannot do."""
    return fh if hasattr(fh, "peek") else io.BufferedReader(fh)  # type: ignore[return-value,arg-type]


def read_input(path: Path) -> bytes:
    """The file's whole content, decompressed when its name says so."""
    with open_input(path) as fh:
        return fh.read()


def iter_jsonl(
    path: str | os.PathLike[str], encoding: str = "utf-8", not_decodable: str | None = None
) -> Iterator[tuple[int, dict[str, Any] | RecordError]]:
    """Yield ``(line_number, record)`` per non-blank line, or a :class:`RecordError`.

    Bad lines are yielded as errors instead of raising, so a caller can report them
    and keep the good records. ``encoding``: of the file's bytes (UTF-8 by default);
    ``not_decodable``: the reason given for a line in another encoding, where the
    caller knows the way out (default "not valid UTF-8").
    """
    path = Path(path)
    with peekable(open_input(path)) as fh:
        if has_utf16_bom(fh.peek(2)):  # the byte-order mark says so, whatever ``encoding``
            yield from _jsonl_records(_utf16_lines(fh, path), path)
            return
        first = codecs.lookup(encoding).name == "utf-8"
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            try:
                line = raw.decode("utf-8-sig" if first else encoding)  # a BOM on line 1
                first = False
            except UnicodeDecodeError as exc:
                name = "UTF-8" if encoding == "utf-8" else encoding
                where_in = f"{exc.reason} at byte {exc.start}"
                reason = (
                    f"{not_decodable}: {where_in}"
                    if not_decodable
                    else f"not valid {name} ({where_in})"
                )
                yield lineno, RecordError(where, reason)
                continue
            yield from _jsonl_records([(lineno, line)], path)


def has_utf16_bom(head: bytes) -> bool:
    """Whether a file starting with ``head`` is UTF-16 with a byte-order mark (as Windows
    Notepad's "Unicode" and Excel's "Unicode Text" save)."""
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


_BAD_UTF16 = "\udc00"  # a lone surrogate: never in text decoded from valid UTF-16


def _mark_bad_utf16(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return _BAD_UTF16, exc.end


codecs.register_error("framing.bad_utf16", _mark_bad_utf16)


def _utf16_lines(fh: IO[bytes], path: Path) -> Iterator[tuple[int, str | RecordError]]:
    """The lines of a UTF-16 file; a line with bytes that are not UTF-16 is an error."""
    text = io.TextIOWrapper(fh, encoding="utf-16", errors="framing.bad_utf16", newline=None)
    try:
        for lineno, line in enumerate(text, 1):
            if _BAD_UTF16 in line:
                reason = "not valid UTF-16 (the file starts with a UTF-16 byte-order mark)"
                yield lineno, RecordError(f"{path}:{lineno}", reason)
            else:
                yield lineno, line
    finally:
        text.detach()


def _jsonl_records(
    lines: Iterable[tuple[int, str | RecordError]], path: Path
) -> Iterator[tuple[int, dict[str, Any] | RecordError]]:
    """The records of decoded JSONL lines (blank lines skipped, bad ones as errors)."""
    for lineno, line in lines:
        where = f"{path}:{lineno}"
        if isinstance(line, RecordError):
            yield lineno, line
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, RecordError(where, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(record, dict):
            kind = type(record).__name__
            yield lineno, RecordError(where, f"expected a JSON object, got {kind}")
            continue
        yield lineno, record
