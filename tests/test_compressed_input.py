"""Compressed inputs (framing/input_files.py): .gz, .bz2 and .xz of every text format."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma

from test_readers import split, write

from framing.cli import main as cli
from framing.readers import read_articles, read_path

JSONL = '{"id": "j1", "text": "Russia kept its base."}\n{"id": "j2", "text": "HTS objected."}\n'


def test_every_format_compressed_three_ways_is_read(tmp_path):
    write(tmp_path / "a.jsonl.gz", gzip.compress(JSONL.encode()))
    write(tmp_path / "b.csv.bz2", bz2.compress(b'id,text\nc1,"Assad fled, aides said."\n'))
    write(tmp_path / "sub" / "c.txt.xz", lzma.compress(b"Moscow agreed."))
    write(tmp_path / "d.tsv.gz", gzip.compress(b"id\ttext\nt1\tDamascus waited.\n"))
    write(tmp_path / "notes.gz", gzip.compress(b"not an input format"))  # no content suffix
    arts, errs = split(read_path(tmp_path))
    assert errs == []
    assert sorted((a.id, a.text) for a in arts) == [
        ("c1", "Assad fled, aides said."),
        ("j1", "Russia kept its base."),
        ("j2", "HTS objected."),
        ("sub/c", "Moscow agreed."),  # the id of a .txt.xz is its path without both suffixes
        ("t1", "Damascus waited."),
    ]
    # a .json document compressed is read whole; a folder's only with --format json
    doc = write(
        tmp_path / "e.json.gz", gzip.compress(json.dumps([{"id": "e1", "text": "X."}]).encode())
    )
    assert [a.id for a in split(read_path(doc))[0]] == ["e1"]
    assert "e1" in {a.id for a in split(read_path(tmp_path, fmt="json"))[0]}


def test_a_truncated_or_false_archive_keeps_what_came_before(tmp_path):
    data = gzip.compress((JSONL * 200).replace('"j', '"k').encode())
    cut = write(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    fake = write(tmp_path / "fake.jsonl.gz", b"plain bytes, not gzip")
    good = write(tmp_path / "good.jsonl", JSONL)
    arts, errs = split(read_articles([cut, fake, good]))
    assert [a.id for a in arts][-2:] == ["j1", "j2"]  # the files after are read
    assert len(errs) == 2 and [e.where for e in errs] == [str(cut), str(fake)]
    assert "rest of the file skipped" in errs[0].reason and "ended" in errs[0].reason
    assert "Not a gzipped file" in errs[1].reason


def test_segment_reads_a_compressed_corpus(tmp_path):
    path = write(tmp_path / "corpus.jsonl.gz", gzip.compress(JSONL.encode()))
    out = tmp_path / "s.jsonl"
    assert cli(["segment", str(path), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["article_id"] for r in rows] == ["j1", "j2"]
