"""Audit class "input shapes": good articles as common tools export them (thirteenth session).

Each shape once lost articles or fields (README, "Segmenting articles"): a pretty-printed
JSON array and a news API's JSON response, nested fields, a UTF-8 byte-order mark on a
JSONL file, a gzipped JSONL file, a Parquet file, UTF-16 from Windows tools, Excel's ``sep=;`` line, a hand-made header with
capitals and spaces, a record's own ``text`` beside the field read, and two outlets'
files numbered from 1. A case is handled when every article is read, whole, with no error.
"""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path

from audit import Outcome
from audit_inputs import _lost, _read, _text

from framing.readers import Columns

N = 30
ROWS = [(f"r{i}", _text(i)) for i in range(N)]
EXPECTED = dict(ROWS)


def _jsonl(rows: list[tuple[str, str]] = ROWS) -> str:
    return "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows)


def _tsv(sep: str = "\t") -> str:
    return f"id{sep}text\r\n" + "".join(f"{i}{sep}{t}\r\n" for i, t in ROWS)


def _parquet(records: list[dict[str, str]]) -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(records), buf)
    return buf.getvalue()


def _case(work: Path, name: str, data: str | bytes, columns: Columns | None = None) -> Outcome:
    path = work / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    arts, errs = _read([path], columns=columns or Columns())
    return Outcome(name, not errs, _lost(arts, EXPECTED), note=f"{len(errs)} error(s)")


def run(work: Path) -> list[Outcome]:
    records = [{"id": i, "text": t} for i, t in ROWS]
    api = {"status": "ok", "totalResults": N, "articles": [
        {"source": {"id": None, "name": "Ledger"}, "url": i, "content": t}
        for i, t in ROWS
    ]}  # fmt: skip
    nested = "".join(
        json.dumps({"meta": {"id": i}, "article": {"body": t}}) + "\n" for i, t in ROWS
    )
    out = [
        _case(work, "pretty.json", json.dumps(records, indent=2)),
        _case(work, "news_api.json", json.dumps(api), Columns(id="url", text="content")),
        _case(work, "nested.jsonl", nested, Columns(id="meta.id", text="article.body")),
        _case(work, "bom.jsonl", codecs.BOM_UTF8 + _jsonl().encode("utf-8")),
        _case(work, "corpus.jsonl.gz", gzip.compress(_jsonl().encode("utf-8"))),
        _case(work, "hub.parquet", _parquet(records)),
        _case(work, "utf16.jsonl", codecs.BOM_UTF16_LE + _jsonl().encode("utf-16-le")),
        _case(work, "excel_unicode.tsv", codecs.BOM_UTF16_LE + _tsv().encode("utf-16-le")),
        _case(work, "excel_sep.csv", "sep=;\r\n" + _tsv(";")),
        _case(work, "header.csv", " ID , Text\n" + "".join(f'{i},"{t}"\n' for i, t in ROWS)),
        _case(
            work,
            "teaser.jsonl",
            "".join(json.dumps({"id": i, "text": "Teaser.", "body": t}) + "\n" for i, t in ROWS),
            Columns(text="body"),
        ),
    ]
    # two outlets numbered from 1: every article of both (the second outlet's renamed)
    for name, rows in (("a.csv", ROWS[:15]), ("b.csv", ROWS[15:])):
        body = "".join(f'{k},"{t}"\n' for k, (_, t) in enumerate(rows, 1))
        (work / name).write_text("id,text\n" + body, encoding="utf-8")
    arts, errs = _read([work / "a.csv", work / "b.csv"])
    lost = sum(1 for t in EXPECTED.values() if t not in set(arts.values()))
    out.append(Outcome("two outlets' CSVs numbered from 1", not errs, lost))
    out.append(_saved_pages(work / "pages"))
    out.append(_crawl(work / "crawl.warc.gz"))
    return out


def _crawl(path: Path) -> Outcome:
    """A crawler's web archive (fourteenth session): 30 article pages among the requests,
    images and redirects a crawl saves; kept when its article's first sentence is read."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for i in range(N):
        url = f"https://ledger.example/port-talks-{i}"
        page = f"<html><head><title>Day {i}</title></head><body><article>{_page_body(i)}</article></body></html>"
        for kind, status, ctype, body in (
            ("response", "200 OK", "text/html; charset=utf-8", page.encode("utf-8")),
            ("response", "200 OK", "image/jpeg", b"\xff\xd8\xff"),
            ("response", "301 Moved Permanently", "text/html", b""),
        ):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            target = (
                url if ctype.startswith("text/html") and status.startswith("200") else url + "/x"
            )
            writer.write_record(
                writer.create_warc_record(
                    target, kind, payload=io.BytesIO(body), http_headers=headers
                )
            )
    path.write_bytes(buf.getvalue())
    arts, errs = _read([path])
    lost = sum(
        1
        for i in range(N)
        if _text(i) not in arts.get(f"https://ledger.example/port-talks-{i}", "")
    )
    return Outcome("a crawl's web archive (.warc.gz)", not errs, lost, note=f"{len(errs)} error(s)")


def _page_body(i: int) -> str:
    return (
        f"<p>{_text(i)}</p><p>Talks on the port lease went on for a third day, and both "
        "delegations said they expected to meet again before the end of the month.</p>"
        "<p>Residents of the coastal city said the quay had been quiet since the winter, "
        "with only a few patrols and fishing boats in sight.</p>"
    )


def _saved_pages(folder: Path) -> Outcome:
    """Thirty saved pages as a researcher's browser saves them (fourteenth session): ten
    laid out with tables, ten Chrome "single file" .mhtml, ten Safari .webarchive; a page
    is kept when its article's first sentence is read."""
    import plistlib
    from email.message import EmailMessage
    from email.policy import SMTP

    folder.mkdir()
    for i in range(N):
        page = (
            f"<html><head><title>Port talks, day {i}</title></head><body>"
            '<table><tr><td><a href="/">Home</a><br><a href="/archive">Archive</a></td>'
            f"<td>{_page_body(i)}</td></tr></table></body></html>"
        )
        if i % 3 == 0:
            (folder / f"p{i}.html").write_text(page, encoding="utf-8")
        elif i % 3 == 1:
            msg = EmailMessage()
            msg["Snapshot-Content-Location"] = f"https://ledger.example/{i}"
            msg.make_related()
            part = EmailMessage()
            part.set_content(page, subtype="html", cte="quoted-printable")
            del part["Content-Type"]
            part["Content-Type"] = "text/html"  # Chrome leaves the charset to the page
            msg.attach(part)
            (folder / f"p{i}.mhtml").write_bytes(msg.as_bytes(policy=SMTP))
        else:
            main = {"WebResourceData": page.encode("utf-8"), "WebResourceURL": f"p{i}"}
            data = plistlib.dumps({"WebMainResource": main}, fmt=plistlib.FMT_BINARY)
            (folder / f"p{i}.webarchive").write_bytes(data)
    arts, errs = _read([folder])
    lost = sum(1 for i in range(N) if _text(i) not in arts.get(f"p{i}", ""))
    return Outcome(
        "saved pages: tables, .mhtml, .webarchive", not errs, lost, note=f"{len(errs)} error(s)"
    )
