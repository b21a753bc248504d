"""framing/json_reader.py: .json documents (an array, one record, a news API's response)."""

from __future__ import annotations

import json

from test_readers import split, write

from framing.cli import main as cli
from framing.readers import Columns, read_path

ARTICLES = [
    {"id": "a1", "text": "Russia kept talking to HTS."},
    {"id": "a2", "text": "Assad fled to Moscow."},
]


def test_a_pretty_printed_array_is_read_whole(tmp_path):
    # one JSONL line per record would lose a1 (its line ends with a comma)
    path = write(tmp_path / "export.json", json.dumps(ARTICLES, indent=2))
    arts, errs = split(read_path(path))
    assert errs == [] and [a.id for a in arts] == ["a1", "a2"]
    assert arts[0].origin == f"{path}:[0]"


def test_a_news_api_response_is_its_array_of_articles(tmp_path):
    response = {
        "status": "ok",
        "totalResults": 2,
        "articles": [
            {"source": {"id": None, "name": "Ledger"}, "content": "Russia kept its base."},
            {"source": {"id": None, "name": "Courier"}, "content": ""},  # empty: one error
        ],
    }
    path = write(tmp_path / "everything.json", json.dumps(response))
    cols = Columns(text="content", source="source.name")
    arts, errs = split(read_path(path, columns=cols))
    assert [(a.id, a.source) for a in arts] == [("everything:0", "Ledger")]
    assert [e.where for e in errs] == [f"{path}:articles[1]"] and "empty text" in errs[0].reason


def test_one_record_per_file_in_a_folder_with_format_json(tmp_path):
    # a scraper's file per article (news-please names its text maintext)
    for name, text in (("x/one", "HTS took Aleppo."), ("two", "Russia withdrew.")):
        write(tmp_path / f"{name}.json", json.dumps({"maintext": text, "title": name}))
    write(tmp_path / "notes.txt", "Not read with --format json.")
    cols = Columns(text="maintext")
    arts, errs = split(read_path(tmp_path, fmt="json", columns=cols))
    assert errs == [] and sorted(a.id for a in arts) == ["two", "x/one"]
    # without --format a folder's .json files are left alone (often not articles)
    arts, errs = split(read_path(tmp_path, columns=cols))
    assert [a.id for a in arts] == ["notes"] and errs == []


def test_bad_documents_and_records_are_errors_naming_their_place(tmp_path):
    broken = write(tmp_path / "broken.json", '[\n {"id": "a1", "text": "Fine."},\n {"id": \n')
    (err,) = split(read_path(broken))[1]
    assert err.where.startswith(f"{broken}:") and "invalid JSON" in err.reason
    assert "nothing in this file was read" in err.reason
    mixed = write(tmp_path / "mixed.json", json.dumps([ARTICLES[0], "a string", {"id": "x"}]))
    arts, errs = split(read_path(mixed))
    assert [a.id for a in arts] == ["a1"]
    assert [e.where for e in errs] == [f"{mixed}:[1]", f"{mixed}:[2]"]
    assert "expected a JSON object" in errs[0].reason and "no text field" in errs[1].reason
    other = write(tmp_path / "other.json", json.dumps({"status": "ok", "count": 3}))
    (err,) = split(read_path(other))[1]
    assert "no text field 'text' and no array of records (members: count, status)" in err.reason
    lines = write(tmp_path / "lines.json", "".join(json.dumps(a) + "\n" for a in ARTICLES))
    arts, errs = split(read_path(lines))  # JSON Lines under a .json name
    assert errs == [] and [a.id for a in arts] == ["a1", "a2"]


def test_segment_reads_a_json_export(tmp_path):
    path = write(tmp_path / "export.json", json.dumps(ARTICLES, indent=2))
    out = tmp_path / "s.jsonl"
    assert cli(["segment", str(path), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["article_id"] for r in rows] == ["a1", "a2"]
    assert not (tmp_path / "s.jsonl.errors.jsonl").exists()
