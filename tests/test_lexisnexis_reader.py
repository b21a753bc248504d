"""framing/lexisnexis_reader.py: LexisNexis downloads (Nexis Uni .docx, Academic text), many
articles per file, each with its header fields. The fixtures are written here, in the
layout of each export, with invented text."""

from __future__ import annotations

import json
import sys

import pytest

from framing.io import RecordError
from framing.lexisnexis_reader import read_lexisnexis
from framing.readers import Columns, read_articles, read_path, supported_suffixes

TARTUS_HEAD = ("Ships leave Tartus as lease talks stall", "The Coastal Herald", "2025-03-10")


def head(article):
    return article.title, article.source, article.date


def split(items):
    items = list(items)
    return [a for a in items if not isinstance(a, RecordError)], [
        e for e in items if isinstance(e, RecordError)
    ]


ACADEMIC = """\ufeff


Download Request: Selected Items: 1-3
Time Of Request: Tuesday, March 11, 2025  10:02:11

Terms: (Syria and Russia)

Source: Selected sources
Project ID: None



                               1 of 3 DOCUMENTS



                               The Coastal Herald

                            March 10, 2025 Monday
                                   Edition 1;
                                    National

Ships leave Tartus as lease talks stall

BYLINE: Rana Haddad

SECTION: WORLD; Pg. 7

LENGTH: 96 words


Two Russian supply ships left the port of Tartus on Sunday, port workers said,
as talks on the future of the naval base stalled in Damascus.

The transitional government has not renewed the lease signed under Bashar
al-Assad, officials said.

LOAD-DATE: March 11, 2025

LANGUAGE: ENGLISH

PUBLICATION-TYPE: Newspaper


                  Copyright 2025 Coastal Herald Media Ltd
                              All Rights Reserved

                               2 of 3 DOCUMENTS



                               The Inland Courier

                            March 9, 2025 Sunday

BYLINE: Staff

LENGTH: 12 words

LOAD-DATE: March 9, 2025


                               3 of 3 DOCUMENTS



                               The Inland Courier

                            March 8, 2025 Saturday

Bakeries in Homs reopen

LENGTH: 40 words

DAMASCUS: Bakeries in Homs reopened on Saturday after flour deliveries
resumed, the trade ministry said.

LOAD-DATE: March 8, 2025
"""


def test_academic_text_export(tmp_path):
    path = tmp_path / "download.txt"
    path.write_text(ACADEMIC, encoding="utf-8")
    arts, errs = split(read_path(path, "lexisnexis"))
    assert [a.id for a in arts] == ["download-1", "download-3"]
    first, third = arts
    assert head(first) == TARTUS_HEAD
    # wrapped lines joined into their paragraph; no field or copyright line in the text
    assert first.text == (
        "Two Russian supply ships left the port of Tartus on Sunday, port workers said, "
        "as talks on the future of the naval base stalled in Damascus.\n\n"
        "The transitional government has not renewed the lease signed under Bashar "
        "al-Assad, officials said."
    )
    assert (
        first.meta.items()
        >= {
            "byline": "Rana Haddad",
            "section": "WORLD; Pg. 7",
            "length": "96 words",
            "load_date": "March 11, 2025",
            "publication_type": "Newspaper",
        }.items()
    )
    assert first.meta["copyright"].startswith("Copyright 2025 Coastal Herald Media Ltd")
    assert first.meta["date_line"].startswith("March 10, 2025 Monday")
    # an upper-case word and colon opening the body is text, not a field
    assert third.text.startswith("DAMASCUS: Bakeries in Homs reopened")
    assert third.title == "Bakeries in Homs reopen"
    # the document without a body is one error naming the file and the document
    assert [(e.where, e.reason) for e in errs] == [
        (f"{path}:document 2", "document 'download-2' has no body text")
    ]


def test_plain_text_is_not_an_export(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Just a plain article about Syria.", encoding="utf-8")
    arts, errs = split(read_path(path, "lexisnexis"))
    assert arts == []
    assert "no 'N of M DOCUMENTS' line" in errs[0].reason
    # without --format a .txt file stays one plain article
    assert [a.text for a in read_path(path)] == ["Just a plain article about Syria."]


def test_academic_text_in_another_encoding(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(ACADEMIC.replace("Haddad", "Hadd\u00e2d").encode("cp1252", "replace"))
    arts, errs = split(read_path(path, "lexisnexis"))
    assert errs and "cp1252" in errs[0].reason  # named, with the way out
    arts, _ = split(read_path(path, "lexisnexis", Columns(encoding="cp1252")))
    assert arts[0].meta["byline"] == "Rana Hadd\u00e2d"


# ---------------------------------------------------------------------------
docx = pytest.importorskip("docx")


def nexis_uni(path, documents, cover=True):
    """A Nexis Uni "Microsoft Word" download: cover page, then each document's lines."""
    doc = docx.Document()
    if cover:
        for line in (
            "Date and Time: Tuesday, March 11, 2025 10:02:00 AM EET",
            "Job Number: 1234",
            "Documents (3)",
            "1. Ships leave Tartus as lease talks stall",
            "Client/Matter: -None-",
            "Search Terms: Syria and Russia",
        ):
            doc.add_paragraph(line)
        table = doc.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Content Type", "Narrowed by"
        table.cell(1, 0).text, table.cell(1, 1).text = "News", "Sources: selected"
    for lines in documents:
        for line in lines:
            if isinstance(line, list):  # a table, one list of cells per row
                table = doc.add_table(rows=len(line), cols=len(line[0]))
                for r, row in enumerate(line):
                    for c, cell in enumerate(row):
                        table.cell(r, c).text = cell
            else:
                doc.add_paragraph(line)
        doc.add_paragraph("End of Document")
    doc.save(path)
    return path


FIRST = [
    "Ships leave Tartus as lease talks stall",
    "The Coastal Herald",
    "March 10, 2025 Monday 9:20 AM GMT",
    "",
    "Copyright 2025 Coastal Herald Media Ltd All Rights Reserved",
    "Section:\u00a0WORLD; Version:2",
    "Length:\u00a096 words",
    "Byline:\u00a0Rana Haddad",
    "Body",
    "",
    "Two Russian supply ships left the port of Tartus on Sunday, port workers said.",
    "",
    "The transitional government has not renewed the lease, officials said.",
    [["Ship", "Left"], ["Sparta IV", "Sunday"]],
    "Classification",
    "Language:\u00a0ENGLISH",
    "Subject:\u00a0NAVAL BASES (90%)",
    "Load-Date:\u00a0March 11, 2025",
]
NO_BODY = [
    "Corrections",
    "The Inland Courier",
    "March 9, 2025 Sunday",
    "Length:\u00a012 words",
    "Body",
    "Load-Date:\u00a0March 9, 2025",
]
THIRD = [
    "Bakeries in Homs reopen",
    "The Inland Courier",
    "March 8, 2025 Saturday",
    "Body",
    "Bakeries in Homs reopened on Saturday after flour deliveries resumed.",
    "Load-Date:\u00a0March 8, 2025",
]


def test_nexis_uni_docx(tmp_path):
    path = nexis_uni(tmp_path / "Files (3).docx", [FIRST, NO_BODY, THIRD])
    arts, errs = split(read_path(path))  # .docx: no --format needed
    assert [a.id for a in arts] == ["Files (3)-1", "Files (3)-3"]
    first, third = arts
    # the cover page (its date line, its list of titles) is no part of the first document
    assert head(first) == TARTUS_HEAD
    assert first.text == (
        "Two Russian supply ships left the port of Tartus on Sunday, port workers said.\n\n"
        "The transitional government has not renewed the lease, officials said.\n\n"
        "Ship | Left\n\nSparta IV | Sunday"
    )
    assert (
        first.meta.items()
        >= {
            "section": "WORLD; Version:2",
            "byline": "Rana Haddad",
            "language": "ENGLISH",
            "load_date": "March 11, 2025",
        }.items()
    )
    assert first.meta["copyright"].startswith("Copyright 2025")
    assert (third.title, third.date) == ("Bakeries in Homs reopen", "2025-03-08")
    assert "Load-Date" not in third.text
    assert [(e.where, e.reason) for e in errs] == [
        (f"{path}:document 2", "document 'Files (3)-2' has no body text")
    ]


def test_docx_that_is_no_export_and_a_folder(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("Minutes of the editorial meeting.")
    doc.save(tmp_path / "minutes.docx")
    nexis_uni(tmp_path / "batch.docx", [THIRD], cover=False)
    assert ".docx" in supported_suffixes()
    arts, errs = split(read_articles([tmp_path]))
    assert [(a.id, a.title) for a in arts] == [("batch-1", "Bakeries in Homs reopen")]
    assert [e.where for e in errs] == [str(tmp_path / "minutes.docx")]
    assert "not a Nexis Uni export" in errs[0].reason


def test_docx_without_python_docx_names_the_extra(tmp_path, monkeypatch):
    from framing.extras import MissingExtra

    path = nexis_uni(tmp_path / "batch.docx", [THIRD], cover=False)
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(MissingExtra, match=r"framing\[lexisnexis\]"):
        list(read_lexisnexis(path, Columns()))


def test_segment_reads_a_download(tmp_path):
    from framing.cli import main

    path = nexis_uni(tmp_path / "batch.docx", [FIRST, THIRD])
    out = tmp_path / "sentences.jsonl"
    assert main(["segment", str(path), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["article_id"] for r in rows} == {"batch-1", "batch-2"}
    assert any("Tartus" in r["text"] for r in rows)
    assert not any("Load-Date" in r["text"] or "Byline" in r["text"] for r in rows)


def test_damaged_and_compressed_docx(tmp_path):
    import gzip

    good = nexis_uni(tmp_path / "batch.docx", [THIRD], cover=False)
    (tmp_path / "batch.docx.gz").write_bytes(gzip.compress(good.read_bytes()))
    (tmp_path / "cut.docx").write_bytes(good.read_bytes()[:300])
    arts, errs = split(read_path(tmp_path / "batch.docx.gz"))
    assert [a.title for a in arts] == ["Bakeries in Homs reopen"] and not errs
    arts, errs = split(read_path(tmp_path / "cut.docx"))
    assert arts == [] and [e.where for e in errs] == [str(tmp_path / "cut.docx")]
    assert errs[0].reason.startswith("not a readable .docx file")


def test_field_like_body_line_stays_text(tmp_path):
    memo = [
        "Leaked memo",
        "The Coastal Herald",
        "March 7, 2025 Friday",
        "Body",
        "The memo was short.",
        "Subject: the future of the naval base",
        "It asked for a reply within a week.",
        "Classification",
        "Subject:\u00a0NAVAL BASES (90%)",
        "Load-Date:\u00a0March 8, 2025",
    ]
    (art,) = read_path(nexis_uni(tmp_path / "memo.docx", [memo], cover=False))
    assert art.text.endswith("It asked for a reply within a week.")
    assert "Subject: the future of the naval base" in art.text
    assert art.meta["subject"] == "NAVAL BASES (90%)"


def test_the_progress_bar_does_not_count_a_download_as_one_article(tmp_path):
    from framing import inference

    path = nexis_uni(tmp_path / "batch.docx", [FIRST, THIRD])
    text = tmp_path / "download.txt"
    text.write_text(ACADEMIC, encoding="utf-8")
    assert inference._estimate_total([path]) is None  # many documents: the count is unknown
    assert inference._estimate_total([text], "lexisnexis") is None
    assert inference._estimate_total([text]) == 1  # a plain .txt file is one article
