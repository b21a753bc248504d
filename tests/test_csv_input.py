"""Issue #15, findings 2 and 3: CSV rows are never merged; a bad file never sinks the others."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import pytest
from run_helpers import trained_run

from framing.cli import main
from framing.csv_records import iter_csv_records
from framing.io import RecordError
from framing.readers import Columns, read_articles, read_path


def _split(items):
    items = list(items)
    return (
        [i for i in items if not isinstance(i, RecordError)],
        [i for i in items if isinstance(i, RecordError)],
    )


def _csv(rows: list[tuple[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "text", "source"])
    for art_id, text in rows:
        writer.writerow([art_id, text, "wire"])
    return buf.getvalue()


ROWS = [(f"r{i}", f"Sentence number {i}, about the talks in Damascus.") for i in range(20)]


def _with_stray_quote(row: int) -> str:
    """Row ``row`` (0-based) gets an opening quote that never closes."""
    lines = _csv(ROWS).splitlines(keepends=True)
    lines[row + 1] = f'r{row},"Unclosed quote in row {row} and no end,wire\n'
    return "".join(lines)


def test_an_unterminated_quote_is_one_error_on_its_line_and_no_row_is_merged(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(_with_stray_quote(3))
    arts, errs = _split(read_path(path))
    assert [e.where for e in errs] == [f"{path}:row 4 (line 5)"]
    assert "quote" in errs[0].reason
    assert [a.id for a in arts] == [f"r{i}" for i in range(20) if i != 3]
    assert all(a.text == dict(ROWS)[a.id] for a in arts)  # nothing swallowed


def test_lenient_mode_keeps_the_row_with_the_quote_as_text(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(_with_stray_quote(3))
    arts, errs = _split(read_path(path, columns=Columns(csv_mode="lenient")))
    assert errs == []
    assert [a.id for a in arts] == [f"r{i}" for i in range(20)]
    assert arts[3].text == '"Unclosed quote in row 3 and no end'
    assert all(a.text == dict(ROWS)[a.id] for a in arts if a.id != "r3")


def test_a_quote_open_at_the_end_of_the_file_is_reported(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(_csv(ROWS[:2]) + 'r9,"never closed\nr10,after,wire\n')
    arts, errs = _split(read_path(path))
    assert [a.id for a in arts] == ["r0", "r1", "r10"]
    assert [e.where for e in errs] == [f"{path}:row 3 (line 4)"]


def test_an_embedded_newline_in_a_quoted_field_stays_one_row(tmp_path):
    rows = [("a", "First paragraph.\n\nSecond, after a blank line."), ("b", "Plain.")]
    path = tmp_path / "in.csv"
    path.write_text(_csv(rows))
    arts, errs = _split(read_path(path))
    assert errs == []
    assert [(a.id, a.text) for a in arts] == rows
    assert arts[1].origin == f"{path}:row 2 (line 5)"


def test_a_newline_in_an_unquoted_field_is_reported_not_merged(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,text,source\na,Broken\nline,wire\nb,Fine.,wire\n")
    arts, errs = _split(read_path(path))
    assert [a.id for a in arts] == ["b"]
    assert [e.where for e in errs] == [f"{path}:row 1 (line 2)", f"{path}:row 2 (line 3)"]
    assert all("2 cells, the header has 3" in e.reason for e in errs)


def test_a_short_row_is_padded_only_in_lenient_mode(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,text,source\na,No source\nb,Fine.,wire\n")
    _, errs = _split(read_path(path))
    assert [e.where for e in errs] == [f"{path}:row 1 (line 2)"]
    arts, errs = _split(read_path(path, columns=Columns(csv_mode="lenient")))
    assert errs == [] and [(a.id, a.source) for a in arts] == [("a", None), ("b", "wire")]


def test_a_quoted_field_running_too_long_is_reported_and_its_lines_read_again():
    # the stray quote closes at a later row's closing quote, so csv alone would merge
    text = 'id,text\n1,"stray\n2,b\n3,c\n4,d\n5,"e"\n6,f\n'
    records = list(iter_csv_records(io.StringIO(text, newline=""), max_lines=3))
    assert [(r.line, r.problem is not None) for r in records] == [
        (1, False),
        (2, True),
        (3, False),
        (4, False),
        (5, False),
        (6, False),
        (7, False),
    ]


def test_unknown_csv_mode_is_one_line():
    with pytest.raises(ValueError, match="unknown CSV mode 'loose'"):
        Columns(csv_mode="loose")


# ---------------------------------------------------------------- finding 3: per-file isolation
BAD_FILES = {
    "latin1": "id,text,t\u00edtulo\nx1,Caf\u00e9 talks.,T\n".encode("latin-1"),
    # a byte-order mark promising UTF-16, then bytes that are not (a lone surrogate)
    "utf16": codecs.BOM_UTF16_LE + b"\x00\xd8A\x00" + "d,text\nx1,Talks.\n".encode("utf-16-le"),
    "binary": bytes(range(256)) * 4,
}


def _folder(tmp_path: Path, kind: str, n_good: int = 6) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n_good):
        record = {"id": f"g{i}", "text": f"Russia and HTS met in Damascus on day {i}."}
        (folder / f"good{i}.jsonl").write_text(json.dumps(record) + "\n")
    (folder / "m_bad.csv").write_bytes(BAD_FILES[kind])
    return folder


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_bad_csv_is_one_error_and_every_good_file_is_read(tmp_path, kind):
    folder = _folder(tmp_path, kind)
    arts, errs = _split(read_articles([folder]))
    assert sorted(a.id for a in arts) == [f"g{i}" for i in range(6)]
    assert len(errs) == 1 and str(folder / "m_bad.csv") in errs[0].where
    str(errs[0]).encode("utf-8")  # always writable


def test_a_reader_failure_stays_in_its_file(tmp_path, monkeypatch):
    import framing.readers as readers

    folder = _folder(tmp_path, "latin1")
    real = readers.read_jsonl

    def flaky(path, columns):
        if path.name == "good2.jsonl":
            raise RuntimeError("library bug")
        return real(path, columns)

    monkeypatch.setattr(readers, "read_jsonl", flaky)
    arts, errs = _split(read_articles([folder]))
    assert sorted(a.id for a in arts) == [f"g{i}" for i in range(6) if i != 2]
    assert [Path(e.where).name.split(":")[0] for e in errs] == ["good2.jsonl", "m_bad.csv"]
    assert "RuntimeError: library bug" in errs[0].reason


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_segment_writes_every_good_article_and_the_errors_file(tmp_path, kind):
    folder = _folder(tmp_path, kind)
    out = tmp_path / "seg.jsonl"
    assert main(["-q", "segment", str(folder), "-o", str(out)]) == 0
    ids = {json.loads(line)["article_id"] for line in out.read_text().splitlines()}
    assert ids == {f"g{i}" for i in range(6)}
    (error,) = [json.loads(line) for line in (tmp_path / "seg.jsonl.errors.jsonl").open()]
    assert "m_bad.csv" in error["where"]


def test_predict_writes_every_good_article_and_names_the_bad_file(tmp_path, tmp_path_factory):
    from framing.predict import error_file, predict_files

    model = trained_run(tmp_path_factory.getbasetemp(), "framing")
    folder = _folder(tmp_path, "latin1")
    out = tmp_path / "pred.jsonl"
    stats = predict_files([folder], out, [model], progress=False)
    assert stats.articles_written == 6 and stats.errors == 1
    ids = {json.loads(line)["article_id"] for line in out.read_text().splitlines()}
    assert ids == {f"g{i}" for i in range(6)}
    (error,) = [json.loads(line) for line in error_file(out).open()]
    assert "m_bad.csv" in error["where"]
