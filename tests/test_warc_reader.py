"""framing/warc_reader.py: the HTML pages of a crawler's web archive as articles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")
pytest.importorskip("warcio")

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from framing.io import RecordError  # noqa: E402
from framing.readers import read_path, supported_suffixes  # noqa: E402

PAGES = Path(__file__).parent / "fixtures" / "html_more"
NEW_YEAR = (PAGES / "new_year_dispatch.html").read_bytes()
TABLES = (PAGES / "orbit_review_table_layout.html").read_bytes()


def _warc(gzip: bool = True, resource: bool = False) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)

    def response(url: str, payload: bytes, ctype: str = "text/html", status: str = "200 OK"):
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        return writer.create_warc_record(
            url, "response", payload=io.BytesIO(payload), http_headers=headers
        )

    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "tests"}))
    writer.write_record(response("https://ledger.example/new-year", NEW_YEAR))
    writer.write_record(response("https://ledger.example/logo.png", b"\x89PNG", "image/png"))
    writer.write_record(response("https://ledger.example/old", b"", status="301 Moved"))
    writer.write_record(response("https://ledger.example/", b"<html><body>Home</body></html>"))
    if resource:
        writer.write_record(
            writer.create_warc_record(
                "https://review.example/tartus",
                "resource",
                payload=io.BytesIO(TABLES),
                warc_content_type="text/html; charset=utf-8",
            )
        )
    else:
        writer.write_record(
            response("https://review.example/tartus", TABLES, "text/html; charset=utf-8")
        )
    return buf.getvalue()


@pytest.mark.parametrize(("name", "gzip"), [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_every_html_page_is_an_article_and_the_rest_is_skipped(tmp_path, caplog, name, gzip):
    path = tmp_path / name
    path.write_bytes(_warc(gzip=gzip))
    with caplog.at_level("INFO", logger="framing.warc_reader"):
        items = list(read_path(path))
    articles = [a for a in items if not isinstance(a, RecordError)]
    errors = [e for e in items if isinstance(e, RecordError)]
    assert [a.id for a in articles] == [
        "https://ledger.example/new-year",
        "https://review.example/tartus",
    ]
    new_year, tartus = articles
    assert new_year.date == "2025-01-01"  # the page's own date, not the crawl's
    assert new_year.url == "https://ledger.example/new-year"
    assert new_year.meta["warc_date"].startswith("20")
    assert new_year.meta["warc_record_id"].startswith("<urn:uuid:")
    assert "Fireworks were set off over the old market in Idlib" in new_year.text
    assert "Negotiators from the new government in Damascus" in tartus.text  # balanced mode
    (error,) = errors  # the home page: HTML, but no article in it
    assert error.where == f"{path}:record 5 (https://ledger.example/)"
    assert error.reason.startswith("no article text in the HTML page")
    assert "3 records that are not HTML pages skipped" in caplog.text
    assert "HTTP 301: 1" in caplog.text


def test_a_resource_record_of_html_is_a_page(tmp_path):
    path = tmp_path / "browsertrix.warc.gz"
    path.write_bytes(_warc(resource=True))
    ids = [a.id for a in read_path(path) if not isinstance(a, RecordError)]
    assert ids == ["https://ledger.example/new-year", "https://review.example/tartus"]


def _read(path: Path) -> tuple[list[str], list[RecordError]]:
    items = list(read_path(path))
    ids = [a.id for a in items if not isinstance(a, RecordError)]
    return ids, [e for e in items if isinstance(e, RecordError)]


def test_a_damaged_archive_keeps_the_records_before_the_damage(tmp_path):
    plain, packed = _warc(gzip=False), _warc()
    # a plain WARC cut inside its last record: warcio itself ends quietly there
    path = tmp_path / "cut.warc"
    path.write_bytes(plain[: plain.index(b"https://review.example/tartus") + 200])
    ids, errors = _read(path)
    assert ids == ["https://ledger.example/new-year"]
    assert errors[-1].where == str(path)
    assert errors[-1].reason.startswith("damaged after record 5: its last ")
    # a .warc.gz cut inside its last record's gzip member
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(packed[:-300])
    ids, errors = _read(path)
    assert ids == ["https://ledger.example/new-year"]
    assert errors[-1].where == f"{path}:record 6 (https://review.example/tartus)"
    assert errors[-1].reason.startswith("damaged record (") and "bytes missing" in errors[-1].reason
    # a byte changed in a page: its digest no longer matches
    at = plain.index(b"Fireworks")
    path = tmp_path / "altered.warc"
    path.write_bytes(plain[:at] + b"f" + plain[at + 1 :])
    ids, errors = _read(path)
    assert ids == ["https://review.example/tartus"]
    assert errors[0].where == f"{path}:record 2 (https://ledger.example/new-year)"
    assert errors[0].reason.startswith("damaged record (") and "digest" in errors[0].reason


def test_not_a_warc_is_one_error_naming_it(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("these are my notes, not an archive\n", encoding="utf-8")
    (error,) = read_path(path)
    assert isinstance(error, RecordError)
    assert error.where == str(path)
    assert error.reason == (
        "not a WARC or ARC file (it starts with neither 'WARC/' nor 'filedesc://')"
    )
    path.write_bytes(b"")
    (error,) = read_path(path)
    assert error.reason == "not a WARC or ARC file (an empty file)"


def test_folders_read_warc_files(tmp_path):
    assert ".warc" in supported_suffixes()
    (tmp_path / "crawl.warc.gz").write_bytes(_warc())
    ids = [a.id for a in read_path(tmp_path) if not isinstance(a, RecordError)]
    assert len(ids) == 2


def test_a_warc_gzipped_whole_is_read_too(tmp_path):
    # `gzip crawl.warc` makes one gzip stream, not one member per record as crawlers write
    import gzip

    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(_warc(gzip=False)))
    ids, errors = _read(path)
    assert ids == ["https://ledger.example/new-year", "https://review.example/tartus"]
    assert [e.where for e in errors] == [f"{path}:record 5 (https://ledger.example/)"]


def test_the_progress_bar_does_not_count_a_warc_as_one_article(tmp_path):
    from framing import inference

    path = tmp_path / "crawl.warc"
    path.write_bytes(_warc(gzip=False))
    assert inference._estimate_total([path]) is None  # many pages: the count is unknown


def _arc() -> bytes:
    """An ARC file (the Internet Archive's format before WARC), written by hand: a
    filedesc record, then one line of URL, IP, date, type and length per record."""

    def record(url: str, ctype: str, payload: bytes) -> bytes:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype.encode() + b"\r\n\r\n" + payload
        arc_type = ctype.split(";")[0]  # the header line is split on spaces
        return f"{url} 192.0.2.1 20250101120000 {arc_type} {len(http)}\n".encode() + http + b"\n"

    desc = b"1 0 Test crawler\nURL IP-address Archive-date Content-type Archive-length\n"
    head = f"filedesc://crawl.arc 0.0.0.0 20250101120000 text/plain {len(desc)}\n".encode()
    return (
        head
        + desc
        + b"\n"
        + record("https://ledger.example/new-year", "text/html", NEW_YEAR)
        + record("https://ledger.example/logo.png", "image/png", b"\x89PNG")
        + record("https://review.example/tartus", "text/html; charset=utf-8", TABLES)
    )


@pytest.mark.parametrize("name", ["crawl.arc", "crawl.arc.gz"])
def test_an_arc_file_is_read_as_a_warc(tmp_path, name):
    import gzip

    path = tmp_path / name
    path.write_bytes(gzip.compress(_arc()) if name.endswith(".gz") else _arc())
    items = list(read_path(tmp_path))  # .arc is read from folders too
    articles = [a for a in items if not isinstance(a, RecordError)]
    assert [a.id for a in articles] == [
        "https://ledger.example/new-year",
        "https://review.example/tartus",
    ]
    from framing import inference

    assert inference._estimate_total([path]) is None  # many pages: the count is unknown
    assert articles[0].meta["warc_date"] == "2025-01-01T12:00:00Z"  # the crawl's date
    assert "Fireworks were set off over the old market in Idlib" in articles[0].text
    assert not [e for e in items if isinstance(e, RecordError)]
