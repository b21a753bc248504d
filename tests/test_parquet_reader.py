"""framing/parquet_reader.py: one article per row of a Parquet file."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
from test_readers import split, write

from framing.readers import Columns, read_path


def test_rows_structs_and_timestamps(tmp_path):
    table = pa.table(
        {
            "id": ["p1", "p2", "p3"],
            "text": ["Russia kept its base.", None, "Assad fled."],
            "published": [dt.datetime(2024, 11, 30, 10, 0), None, dt.datetime(2025, 1, 2)],
            "source": [{"name": "Ledger"}, {"name": "Courier"}, {"name": "Ledger"}],
        }
    )
    path = tmp_path / "corpus.parquet"
    pq.write_table(table, path, row_group_size=2)  # two row groups, read as one stream
    cols = Columns(date="published", source="source.name")
    arts, errs = split(read_path(path, columns=cols))
    assert [(a.id, a.text, a.date, a.source) for a in arts] == [
        ("p1", "Russia kept its base.", "2024-11-30", "Ledger"),  # a timestamp is a day
        ("p3", "Assad fled.", "2025-01-02", "Ledger"),
    ]
    assert [e.where for e in errs] == [f"{path}:row 2"] and "'text'" in errs[0].reason


def test_the_progress_bar_counts_the_rows_in_the_footer(tmp_path):
    from framing import inference

    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["A.", "B."]}), path)
    bad = write(tmp_path / "bad.parquet", b"no")
    assert inference._estimate_total([path, bad]) == 2


def test_a_file_that_is_not_parquet_is_one_error(tmp_path):
    path = write(tmp_path / "bad.parquet", b"not parquet at all")
    good = write(tmp_path / "good.txt", "Russia kept its base.")
    arts, errs = split(read_path(tmp_path))
    assert [a.id for a in arts] == ["good"] and good.exists()
    assert [e.where for e in errs] == [str(path)] and "not a readable Parquet file" in errs[
        0
    ].reason
