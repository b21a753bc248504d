"""Reading web archives (WARC, ISO 28500): every HTML page a crawler saved, as an article.

A ``.warc`` or ``.warc.gz`` file (Common Crawl's CC-NEWS, the Internet Archive, Browsertrix,
``wget --warc-file``) holds many records. Each ``response`` record with HTTP status 200
and an HTML body, and each ``resource`` record of type ``text/html``, becomes one article:
its main text and metadata as :func:`framing.html_reader.page_article` extracts them from
a saved page, its id the page's URL (``WARC-Target-URI``), its ``warc_date`` (when it was
crawled, which is not when it was published) and ``warc_record_id`` kept as metadata.
Other records (requests, metadata, images, scripts, redirects, errors) are not articles
and are counted in one log line. A page without an article's worth of text (an index or
a consent page) is an error naming the file, the record and the URL; a damaged archive
keeps the records before the damage, then one error names the file. Records are read
with warcio (optional extra ``html``). The Internet Archive's older ARC format (``.arc``,
``.arc.gz``; crawls before ~2008) is read the same way: warcio gives each ARC record the
WARC headers it would have had (its URL as ``WARC-Target-URI``, its archive date as
``WARC-Date``; ``warc_record_id`` is then made up by warcio).
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from framing.corpus import Article
from framing.extras import require
from framing.html_reader import page_article
from framing.input_files import open_input, peekable
from framing.io import RecordError

log = logging.getLogger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _html_payload(record: Any) -> tuple[str | None, str]:
    """(the page's URL, "") for an HTML page record, or (None, why it is skipped)."""
    if record.rec_type == "response":
        if record.http_headers is None:
            return None, "response without HTTP headers"
        status = record.http_headers.get_statuscode()
        if status != "200":
            return None, f"HTTP {status}"
        content_type = record.http_headers.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None, f"{record.rec_type} record"
    if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
        return None, "not HTML"
    return record.rec_headers.get_header("WARC-Target-URI") or "", ""


class _WholeGzip(Exception):
    """A .warc.gz compressed as one gzip stream (``gzip crawl.warc``), not record by record."""


def read_warc(path: Path) -> Iterator[Article | RecordError]:
    """The articles of the HTML pages in the web archive ``path``."""
    require("warcio.archiveiterator", "html", "reading WARC files")
    skipped: Counter[str] = Counter()
    done = [0]  # records read so far, kept across a second reading
    try:
        # warcio undoes a .warc.gz's gzip itself, record by record, and so reads up to a
        # damaged record where a gzip stream would stop at its first read; a file gzipped
        # whole is read again as one stream, from the record where warcio stopped
        on_disk = path.suffix.lower() in (".gz", ".warc", ".arc")
        try:
            yield from _read(
                path, path.open("rb") if on_disk else open_input(path), on_disk, done, skipped
            )
        except _WholeGzip:
            yield from _read(path, open_input(path), False, done, skipped)
    except OSError as exc:
        yield RecordError(str(path), f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # warcio's ArchiveLoadFailed and parse errors of a damaged file
        at = f" after record {done[0]}" if done[0] else ""
        yield RecordError(str(path), f"not a readable WARC or ARC file{at}: {exc}")
    if skipped:
        log.info(
            "%s: %d records that are not HTML pages skipped (%s)",
            path,
            sum(skipped.values()),
            ", ".join(f"{k}: {v}" for k, v in skipped.most_common()),
        )


def _read(
    path: Path, opened: IO[bytes], on_disk: bool, done: list[int], skipped: Counter[str]
) -> Iterator[Article | RecordError]:
    """The records of ``opened`` after the first ``done[0]``, which it counts on."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with opened as raw:
        fh = peekable(raw)
        head = fh.peek(16)[:16]
        if head.startswith(b"\x1f\x8b"):  # gzip: look inside its first member
            head = zlib.decompressobj(31).decompress(fh.peek(4096))[:16]
        head = head.lstrip()
        if not head.startswith((b"WARC/", b"filedesc://")):  # ARC files open "filedesc://"
            why = (
                "an empty file" if not head else "it starts with neither 'WARC/' nor 'filedesc://'"
            )
            yield RecordError(str(path), f"not a WARC or ARC file ({why})")
            return
        # arc2warc: an ARC record gets the WARC headers (URL, date) the rest reads
        records = ArchiveIterator(fh, check_digests=True, arc2warc=True)
        n = 0
        try:
            for n, record in enumerate(records, 1):
                if n <= done[0]:
                    continue
                done[0] = n
                yield from _record(path, n, record, skipped)
        except ArchiveLoadFailed as exc:
            if on_disk and "non-chunked gzip" in str(exc):
                raise _WholeGzip from None
            raise
        # warcio ends quietly at a record cut short: bytes left after the last whole
        # record (more than the blank lines between records) are a damaged tail
        left = path.stat().st_size - records.offset if on_disk else 0
        if left > 4:
            yield RecordError(
                str(path), f"damaged after record {n}: its last {left} bytes are no whole record"
            )


def _record(
    path: Path, n: int, record: Any, skipped: Counter[str]
) -> Iterator[Article | RecordError]:
    """Record ``n`` as an article, an error, or nothing (counted in ``skipped``)."""
    url, why = _html_payload(record)
    if url is None:
        skipped[why] += 1
        return
    where = f"{path}:record {n}" + (f" ({url})" if url else "")
    page = record.content_stream().read()  # chunking and compression undone
    short = getattr(record.raw_stream, "limit", 0)  # bytes its length promised
    if short or record.digest_checker.passed is False:  # cut short or altered
        why = f"{short} bytes missing" if short else "; ".join(record.digest_checker.problems)
        yield RecordError(where, f"damaged record ({why})")
        return
    meta = {
        "path": str(path),
        "warc_date": record.rec_headers.get_header("WARC-Date"),
        "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
    }
    yield page_article(
        page, where, url or f"{path.name}#{n}", url or None, {k: v for k, v in meta.items() if v}
    )
