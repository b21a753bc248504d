"""framing.readers: every input format, and bad records that never stop the stream."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from framing import readers
from framing.corpus import Article
from framing.csv_records import header_delimiter
from framing.io import RecordError
from framing.readers import Columns, read_articles, read_path
from framing.text.clean import clean_article


def split(items) -> tuple[list[Article], list[RecordError]]:
    items = list(items)
    for item in items:
        assert isinstance(item, Article | RecordError), item
    return [i for i in items if isinstance(i, Article)], [
        i for i in items if isinstance(i, RecordError)
    ]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# txt


def test_txt_folder_ids_from_relative_paths(tmp_path):
    write(tmp_path / "a.txt", "Hello world. It works.")
    write(tmp_path / "sub" / "b.txt", "\ufeffSub article here.")
    write(tmp_path / "sub" / "deeper" / "c.TXT", "Upper-case extension.")
    write(tmp_path / "notes.md", "ignored: not an input format")
    write(tmp_path / ".hidden.txt", "ignored: hidden")
    arts, errs = split(read_path(tmp_path))
    assert errs == []
    assert [a.id for a in arts] == ["a", "sub/b", "sub/deeper/c"]
    assert arts[1].text == "Sub article here."  # BOM dropped
    assert arts[0].meta["path"] == str(tmp_path / "a.txt")


def test_single_txt_file_id_is_its_stem(tmp_path):
    path = write(tmp_path / "sub" / "story.txt", "One story.")
    (art,) = read_path(path)
    assert isinstance(art, Article)
    assert art.id == "story"
    assert art.text == "One story."


def test_txt_broken_files(tmp_path):
    write(tmp_path / "1_good.txt", "First good article.")
    write(tmp_path / "2_bytes.txt", b"bad \xff\xfe bytes")
    write(tmp_path / "3_empty.txt", "  \n\n ")
    write(tmp_path / "4_good.txt", "Second good article.")
    arts, errs = split(read_path(tmp_path))
    assert [a.id for a in arts] == ["1_good", "4_good"]
    assert [e.where for e in errs] == [str(tmp_path / "2_bytes.txt"), str(tmp_path / "3_empty.txt")]
    assert "not valid UTF-8" in errs[0].reason and "byte 4" in errs[0].reason
    assert "empty text" in errs[1].reason
    assert str(errs[0]).startswith(str(tmp_path / "2_bytes.txt"))


# ---------------------------------------------------------------------------
# JSONL


def test_jsonl_custom_columns(tmp_path):
    rows = [
        {
            "doc": "d1",
            "body": "First text.",
            "headline": "H1",
            "outlet": "Ledger",
            "day": "2025-01-02",
            "link": "http://x",
            "lang": "en",
        },
        {"doc": 7, "body": "Second text.", "headline": None},
    ]
    path = write(tmp_path / "in.ndjson", "".join(json.dumps(r) + "\n" for r in rows))
    cols = Columns(id="doc", text="body", title="headline", source="outlet", date="day", url="link")
    arts, errs = split(read_path(path, columns=cols))
    assert errs == []
    a, b = arts
    assert (a.id, a.text, a.title, a.source, a.date, a.url) == (
        "d1",
        "First text.",
        "H1",
        "Ledger",
        "2025-01-02",
        "http://x",
    )
    assert a.meta == {"lang": "en"}
    assert (b.id, b.title) == ("7", None)


def test_jsonl_nested_fields_are_named_with_dots(tmp_path):
    rows = [
        {
            "meta": {"id": "n1", "published": "14 January 2025", "lang": "en"},
            "article": {"headline": "Bases", "body": "Russia kept talking to HTS."},
        },
        {"meta": {"id": "n2"}, "article": {"headline": "No body"}},
    ]
    path = write(tmp_path / "in.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    cols = Columns(
        id="meta.id", text="article.body", title="article.headline", date="meta.published"
    )
    arts, errs = split(read_path(path, columns=cols))
    (a,) = arts
    assert (a.id, a.text, a.title, a.date) == (
        "n1",
        "Russia kept talking to HTS.",
        "Bases",
        "2025-01-14",
    )
    assert a.meta == {"meta": {"lang": "en"}}  # what was read is not kept twice
    assert rows[0]["meta"]["id"] == "n1"  # the record itself is not changed
    (err,) = errs
    assert err.where == f"{path}:2" and "no text field 'article.body'" in err.reason
    # without the path, the error says how to name a member
    _, errs = split(read_path(path))
    assert "named with dots, e.g. meta.id" in errs[0].reason


def test_an_object_in_a_one_line_field_is_json_with_one_warning(tmp_path, caplog):
    # NewsAPI's shape: "source" is an object, the text is "content", the date "publishedAt"
    rec = {
        "source": {"id": None, "name": "Reuters"},
        "title": "Bases",
        "publishedAt": "2025-02-01T10:00:00Z",
        "content": "Russia kept talking to HTS.",
    }
    path = write(tmp_path / "api.jsonl", (json.dumps(rec) + "\n") * 2)
    cols = Columns(text="content", date="publishedAt")
    arts, errs = split(read_path(path, columns=cols))
    assert errs == [] and [a.source for a in arts] == ['{"id": null, "name": "Reuters"}'] * 2
    warnings = [r.getMessage() for r in caplog.records if "holds an object" in r.getMessage()]
    assert len(warnings) == 1 and "e.g. source.name" in warnings[0]
    arts, _ = split(read_path(path, columns=Columns(text="content", source="source.name")))
    assert arts[0].source == "Reuters" and arts[0].meta["input_source"] == {"id": None}


def test_a_record_field_named_like_another_article_field_never_replaces_it(tmp_path):
    rec = {"id": "c1", "text": "Teaser.", "body": "The full story.", "title": "Old", "hl": "New"}
    path = write(tmp_path / "in.jsonl", json.dumps(rec) + "\n")
    csv_path = write(
        tmp_path / "in.csv", "id,text,body,title,hl\nc1,Teaser.,The full story.,Old,New\n"
    )
    for p in (path, csv_path):
        (a,) = split(read_path(p, columns=Columns(text="body", title="hl")))[0]
        assert (a.text, a.title) == ("The full story.", "New"), p
        assert a.meta == {"input_text": "Teaser.", "input_title": "Old"}, p


def test_header_names_match_whatever_their_case_and_spaces(tmp_path):
    # a hand-made CSV: "ID, Text" (a space after each comma); every row was "no text field"
    path = write(
        tmp_path / "in.csv",
        "ID, Text, Date, Source\n1, Russia kept its base., 2025-01-02, Ledger\n",
    )
    (a,) = split(read_path(path))[0]
    assert (a.id, a.text.strip(), a.date, a.source, a.meta) == (
        "1",
        "Russia kept its base.",
        "2025-01-02",
        "Ledger",  # one-line fields lose their spaces
        {},
    )
    # an exact name wins; two names equal but for case are no match
    both = write(tmp_path / "b.jsonl", json.dumps({"Text": "Upper.", "text": "Lower."}) + "\n")
    assert split(read_path(both))[0][0].text == "Lower."
    two = write(tmp_path / "t.jsonl", json.dumps({"TEXT": "A.", "Text": "B."}) + "\n")
    assert "no text field 'text'" in split(read_path(two))[1][0].reason


def test_jsonl_text_as_a_list_of_paragraphs(tmp_path):
    rows = [
        {"id": "p1", "text": ["Russia kept its base.", "", "HTS condemned the deal."]},
        {"id": "p2", "text": ["Assad fled.", 3]},  # not all strings: an error
    ]
    path = write(tmp_path / "in.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    arts, errs = split(read_path(path))
    assert [a.text for a in arts] == ["Russia kept its base.\n\nHTS condemned the deal."]
    assert len(errs) == 1 and errs[0].where == f"{path}:2" and "must be a string" in errs[0].reason


def test_jsonl_broken_records(tmp_path):
    lines = [
        b'{"id": "j1", "text": "One."}',
        b"{bad json",
        b"[1, 2]",
        b'{"id": "j4"}',
        b'{"id": "j5", "text": ""}',
        b'{"id": "j6", "text": 42}',
        b'{"text": "No id here."}',
        b"\xff\xfe",
        b"",
        b'{"id": "j10", "text": "Last.", "title": 7, "extra": [1]}',
    ]
    path = write(tmp_path / "in.jsonl", b"\n".join(lines) + b"\n")
    arts, errs = split(read_path(path))
    assert [a.id for a in arts] == ["j1", "in:7", "j10"]  # missing id: file stem + line
    assert arts[2].title == "7" and arts[2].meta == {"extra": [1]}
    assert [e.where for e in errs] == [f"{path}:{n}" for n in (2, 3, 4, 5, 6, 8)]
    reasons = [e.reason for e in errs]
    assert reasons[0].startswith("invalid JSON")
    assert reasons[1] == "expected a JSON object, got list"
    assert reasons[2] == "no text field 'text' (fields: id)"
    assert "empty text" in reasons[3]
    assert "'text' must be a string" in reasons[4]
    assert "not valid UTF-8" in reasons[5]
    for err in errs:
        assert str(err).startswith(f"{path}:")


def test_fmt_overrides_the_extension(tmp_path):
    path = write(tmp_path / "in.data", '{"id": "x", "text": "T."}\n')
    (art,) = read_path(path, fmt="jsonl")
    assert art.id == "x"


# ---------------------------------------------------------------------------
# CSV / TSV


def test_csv_custom_columns(tmp_path):
    path = write(
        tmp_path / "in.csv",
        'doc,body,headline,lang\nc1,"First, with a comma.",T1,en\nc2,"Multi\nline ""quoted"" text.",,ar\n',
    )
    cols = Columns(id="doc", text="body", title="headline")
    arts, errs = split(read_path(path, columns=cols))
    assert errs == []
    assert [(a.id, a.text, a.title, a.meta) for a in arts] == [
        ("c1", "First, with a comma.", "T1", {"lang": "en"}),
        ("c2", 'Multi\nline "quoted" text.', None, {"lang": "ar"}),
    ]


def test_tsv_custom_columns(tmp_path):
    path = write(tmp_path / "in.tsv", "doc\tbody\theadline\nt1\tTab, separated text.\tH1\n")
    cols = Columns(id="doc", text="body", title="headline")
    (art,) = read_path(path, columns=cols)
    assert (art.id, art.text, art.title) == ("t1", "Tab, separated text.", "H1")


def test_csv_broken_rows(tmp_path):
    path = write(
        tmp_path / "in.csv",
        "id,text,title\n"
        'c1,"First, text.",T1\n'
        "c2,Second.,T2,EXTRA\n"
        "c3,,T3\n"
        ",No id.,T4\n"
        "c5,Last.,T5\n",
    )
    arts, errs = split(read_path(path))
    assert [a.id for a in arts] == ["c1", "in:4", "c5"]
    assert [e.where for e in errs] == [f"{path}:row 2 (line 3)", f"{path}:row 3 (line 4)"]
    assert errs[0].reason.endswith("4 cells, the header has 3")
    assert "empty text" in errs[1].reason


def test_csv_without_text_column(tmp_path):
    path = write(tmp_path / "in.csv", "id,body\nc1,Text.\nc2,More.\n")
    arts, errs = split(read_path(path))
    assert arts == []
    assert [e.where.split(" (line")[0] for e in errs] == [f"{path}:row 1", f"{path}:row 2"]
    assert errs[1].where == f"{path}:row 2 (line 3)"
    assert all("no text field 'text'" in e.reason and "body" in e.reason for e in errs)


def test_csv_first_row_line_number(tmp_path):
    path = write(tmp_path / "in.csv", "id,text,title\nc1,,T1\n")
    _, errs = split(read_path(path))
    assert [e.where for e in errs] == [f"{path}:row 1 (line 2)"]


def test_csv_non_utf8_is_reported(tmp_path):
    path = write(
        tmp_path / "in.csv", b'id,text\nc1,"ok one."\nc2,"bad \xff here"\nc3,"ok three."\n'
    )
    _, errs = split(read_path(path))
    assert len(errs) >= 1
    assert str(path) in errs[0].where and "not valid UTF-8" in errs[0].reason


def test_csv_non_utf8_row_keeps_good_rows(tmp_path):
    path = write(
        tmp_path / "in.csv", b'id,text\nc1,"ok one."\nc2,"bad \xff here"\nc3,"ok three."\n'
    )
    arts, errs = split(read_path(path))
    assert [a.id for a in arts] == ["c1", "c3"]
    assert len(errs) == 1 and "row 2" in errs[0].where
    assert "--encoding" in errs[0].reason  # the way out is named


@pytest.mark.parametrize(
    ("header", "sep"),
    [("id;title;text", ";"), ("id|text", "|"), ("id\ttext", "\t"), ('"a;b",text', ",")],
)
def test_csv_delimiter_from_the_header_line(header, sep):
    assert header_delimiter(header) == sep


def test_semicolon_csv_from_excel_is_read(tmp_path):
    path = write(
        tmp_path / "in.csv",
        'id;title;text\r\nc1;Moscow, again;"Russia kept its base; HTS objected."\r\n',
    )
    arts, errs = split(read_path(path))
    assert errs == [] and [(a.id, a.title, a.text) for a in arts] == [
        ("c1", "Moscow, again", "Russia kept its base; HTS objected.")
    ]
    # an explicit delimiter wins over the header's
    _, errs = split(read_path(path, columns=Columns(delimiter=",")))
    assert errs and "the header has 1" in errs[0].reason  # read with ",": one header cell


def test_an_excel_sep_line_declares_the_delimiter_and_is_not_the_header(tmp_path):
    # Excel writes "sep=;" first; read as the header it made every row "no text field"
    text = '\ufeffsep=;\r\nid;text\r\nc1;Russia kept its base, HTS objected.\r\nc2;"bad"x\r\n'
    path = write(tmp_path / "in.csv", text)
    arts, errs = split(read_path(path))
    assert [(a.id, a.text) for a in arts] == [("c1", "Russia kept its base, HTS objected.")]
    assert [e.where for e in errs] == [f"{path}:row 2 (line 4)"]  # lines counted from the file


def test_byte_order_marks_are_read_whatever_the_format(tmp_path):
    import codecs

    rows = [("t1", "Russia kept talking to HTS."), ("t2", "Assad fled.")]
    jsonl = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows)
    tsv = "id\ttext\r\n" + "".join(f"{i}\t{t}\r\n" for i, t in rows)
    files = {
        # a UTF-8 BOM cost the first JSONL record ("invalid JSON")
        "utf8.jsonl": codecs.BOM_UTF8 + jsonl.encode("utf-8"),
        # Windows "Unicode" (UTF-16 with a BOM): Notepad's .txt, Excel's Unicode Text
        "le.jsonl": codecs.BOM_UTF16_LE + jsonl.encode("utf-16-le"),
        "be.jsonl": codecs.BOM_UTF16_BE + jsonl.encode("utf-16-be"),
        "excel.tsv": codecs.BOM_UTF16_LE + tsv.encode("utf-16-le"),
        "export.json": codecs.BOM_UTF16_LE
        + json.dumps([{"id": i, "text": t} for i, t in rows]).encode("utf-16-le"),
    }
    for name, data in files.items():
        arts, errs = split(read_path(write(tmp_path / name, data)))
        assert errs == [] and [(a.id, a.text) for a in arts] == rows, name
    notepad = write(tmp_path / "n.txt", codecs.BOM_UTF16_LE + "Assad fled.\r\n".encode("utf-16-le"))
    (art,) = split(read_path(notepad))[0]
    assert art.text == "Assad fled.\r\n"
    broken = write(tmp_path / "b.txt", codecs.BOM_UTF16_LE + b"\x00\xd8A\x00")
    (err,) = split(read_path(broken))[1]
    assert "not valid UTF-16 after its byte-order mark" in err.reason
    # a line of a UTF-16 JSONL file that is not UTF-16 is one error; the others are read
    first, second = (json.dumps({"id": i, "text": t}) + "\n" for i, t in rows)
    le = "utf-16-le"
    data = first.encode(le) + b"\x00\xd8A\x00" + "\n".encode(le) + second.encode(le)
    tail = write(tmp_path / "t.jsonl", codecs.BOM_UTF16_LE + data)
    arts, errs = split(read_path(tail))
    assert [a.id for a in arts] == ["t1", "t2"]
    assert [e.where for e in errs] == [f"{tail}:2"] and "not valid UTF-16" in errs[0].reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("in.csv", "sep=;\nid;text\nc1;Russia kept its base.\n"),
        ("in.jsonl", '{"id": "c1", "text": "Russia kept its base."}\n'),
    ],
)
def test_a_pipe_is_read_without_seeking(tmp_path, name, data):
    # peeking at the first bytes (byte-order mark, delimiter) must not seek or reopen:
    # a FIFO or /dev/stdin can do neither
    import threading

    fifo = tmp_path / name
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("w", encoding="utf-8") as fh:
            fh.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    arts, errs = split(read_path(fifo))
    writer.join(timeout=10)
    assert errs == [] and [(a.id, a.text) for a in arts] == [("c1", "Russia kept its base.")]


def test_windows_1252_input_with_encoding(tmp_path):
    text = "Russia’s envoy said “the base will stay” – HTS objected."
    csv_path = write(tmp_path / "in.csv", f'id,text\nc1,"{text}"\n'.encode("cp1252"))
    txt_path = write(tmp_path / "a1.txt", text.encode("cp1252"))
    jsonl_path = write(
        tmp_path / "in.jsonl",
        json.dumps({"id": "j1", "text": text}, ensure_ascii=False).encode("cp1252") + b"\n",
    )
    cp1252 = Columns(encoding="cp1252")
    for path in (csv_path, txt_path, jsonl_path):
        arts, errs = split(read_path(path, columns=cp1252))
        assert errs == [] and [a.text for a in arts] == [text], path
        # read as UTF-8 (the default) the same file is one error naming the way out
        arts, errs = split(read_path(path))
        assert arts == [] and len(errs) == 1 and "not valid UTF-8" in errs[0].reason, path
        assert "--encoding" in errs[0].reason, path


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"encoding": "nonsense"}, "unknown text encoding 'nonsense'"),
        ({"encoding": "utf-16"}, "not ASCII-compatible"),
        ({"delimiter": ";;"}, "one character"),
    ],
)
def test_bad_encoding_or_delimiter_is_one_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Columns(**kwargs)


# ---------------------------------------------------------------------------
# HTML


def test_html_fixtures(html_dir, html_expected):
    arts, errs = split(read_path(html_dir))
    assert errs == []
    by_id = {a.id: a for a in arts}
    assert set(by_id) == {Path(name).stem for name in html_expected}
    for name, exp in html_expected.items():
        art = by_id[Path(name).stem]
        assert art.title == exp["title"]
        assert art.date and exp["published"].startswith(art.date[:10])
        assert art.meta["path"] == str(html_dir / name)
        body = clean_article(art).text
        for text in (art.text, body):
            missing = [s for s in exp["body_must_contain"] if s not in text]
            assert not missing, (name, missing)
            present = [s for s in exp["body_must_not_contain"] if s in text]
            assert not present, (name, present)


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>x</title></head><body></body></html>",
        "<html><head><script>var a = 1;</script></head><body><script>dataLayer.push({})</script></body></html>",
        "",
    ],
    ids=["empty-body", "scripts-only", "empty-file"],
)
def test_html_without_main_text(tmp_path, page):
    write(tmp_path / "a_good.txt", "A good article.")
    write(tmp_path / "b_page.html", page)
    write(tmp_path / "c_good.txt", "Another good article.")
    arts, errs = split(read_path(tmp_path))
    assert [a.id for a in arts] == ["a_good", "c_good"]
    assert [(e.where, e.reason) for e in errs] == [
        (str(tmp_path / "b_page.html"), "no main text found in the HTML page")
    ]


def test_html_boilerplate_only_page_is_an_error(tmp_path):
    page = (
        "<!DOCTYPE html><html><head><title>Page not found | The Levant Ledger</title></head><body>"
        '<div class="cookie-banner"><p>We use cookies to improve your experience.</p>'
        "<button>Accept all cookies</button></div>"
        '<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav></header>'
        "<main></main><footer><p>© 2025 The Levant Ledger. All rights reserved.</p>"
        '<a href="/privacy">Privacy policy</a></footer></body></html>'
    )
    path = write(tmp_path / "404.html", page)
    arts, errs = split(read_path(path))
    assert arts == []
    assert len(errs) == 1


# ---------------------------------------------------------------------------
# files, formats, sizes, duplicates


def test_missing_file_and_unsupported_extension(tmp_path):
    good = write(tmp_path / "good.txt", "Good.")
    odd = write(tmp_path / "notes.md", "Not an input.")
    missing = tmp_path / "missing.jsonl"
    arts, errs = split(read_articles([missing, good, odd]))
    assert [a.id for a in arts] == ["good"]
    assert [(e.where, e.reason) for e in errs] == [
        (str(missing), "no such file or folder"),
        (
            str(odd),
            "unsupported input format 'md' (use one of txt, jsonl, json, csv, parquet, tsv, html, mhtml, webarchive, warc, lexisnexis)",
        ),
    ]


def test_too_long_article_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ARTICLE_CHARS", 20)
    write(tmp_path / "a.txt", "Short.")
    write(tmp_path / "b.txt", "This text is longer than twenty characters.")
    write(
        tmp_path / "c.jsonl",
        '{"id": "c1", "text": "This one is far too long as well."}\n{"id": "c2", "text": "Fine."}\n',
    )
    arts, errs = split(read_path(tmp_path))
    assert [a.id for a in arts] == ["a", "c2"]
    assert [e.where for e in errs] == [str(tmp_path / "b.txt"), f"{tmp_path / 'c.jsonl'}:1"]
    assert all("exceeds" in e.reason for e in errs)


def test_duplicate_ids_across_inputs(tmp_path, caplog):
    a = write(tmp_path / "a.jsonl", '{"id": "d1", "text": "A."}\n{"id": "d2", "text": "B."}\n')
    b = write(tmp_path / "b.csv", "id,text\nd3,C.\nd1,A.\nd1#2,F.\nd1,D.\n")
    c = write(tmp_path / "d1.txt", "E.")
    arts, errs = split(read_articles([a, b, c]))
    # the same id and text: a duplicate, skipped; the same id with another text: kept
    assert [(x.id, x.text) for x in arts] == [
        ("d1", "A."),
        ("d2", "B."),
        ("d3", "C."),
        ("d1#2", "F."),  # an id as read is never renamed before a duplicate
        ("d1#3", "D."),
        ("d1#4", "E."),
    ]
    assert [x.meta.get("original_id") for x in arts[3:]] == [None, "d1", "d1"]
    assert len(errs) == 1
    assert str(b) in errs[0].where and "'d1': duplicate id, same text" in errs[0].reason
    renamed = [r.getMessage() for r in caplog.records if "already used" in r.getMessage()]
    assert len(renamed) == 2  # one per file
    assert "kept as 'd1#3'" in renamed[0] and str(b) in renamed[0]


def test_the_python_api_keeps_ids_unique_the_same_way():
    from framing.analyze import _as_articles

    given = Article(id="0", text="A.")
    items = list(_as_articles([given, {"text": "A."}], [], ["B.", "A."]))
    kept = [(a.id, a.text) for a in items if isinstance(a, Article)]
    # texts are numbered from 0 as articles are: "B." was skipped as a duplicate id
    assert kept == [("0", "A."), ("1", "A."), ("0#2", "B.")]
    assert [type(a).__name__ for a in items][-1] == "RecordError"  # "A." again as id 1
    assert (given.id, given.meta) == ("0", {})  # the caller's article is not changed


def test_outlets_numbered_from_one_lose_nothing(tmp_path):
    a = write(tmp_path / "outlet_a.csv", "id,text\n1,Russia kept its base.\n2,HTS objected.\n")
    b = write(tmp_path / "outlet_b.csv", "id,text\n1,Assad fled.\n2,Moscow agreed.\n")
    arts, errs = split(read_articles([a, b]))
    assert errs == [] and [x.id for x in arts] == ["1", "2", "1#2", "2#2"]


def test_duplicate_id_error_names_file_and_line(tmp_path):
    write(tmp_path / "a.jsonl", '{"id": "d1", "text": "A."}\n')
    write(tmp_path / "b.jsonl", '{"id": "x", "text": "B."}\n{"id": "d1", "text": "A."}\n')
    _, errs = split(read_articles([tmp_path]))
    assert len(errs) == 1
    assert errs[0].where == f"{tmp_path / 'b.jsonl'}:2"
