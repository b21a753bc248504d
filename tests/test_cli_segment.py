"""`framing segment`: articles in, one row per sentence out."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from framing.cli import main
from framing.readers import read_articles
from framing.segment import Segmenter

FIELDS = ["article_id", "index", "start", "end", "text", "actors", "mentions"]


def _rows_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _rows_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == FIELDS
        rows = list(reader)
    for row in rows:
        row["index"], row["start"], row["end"] = (
            int(row["index"]),
            int(row["start"]),
            int(row["end"]),
        )
        row["actors"] = row["actors"].split(";") if row["actors"] else []
        row["mentions"] = json.loads(row["mentions"])
    return rows


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


def _check_rows(rows: list[dict], inputs: list[Path], segmenter: Segmenter) -> None:
    """Every row is a sentence of the cleaned body; together they are all its sentences."""
    bodies = {
        a.id: segmenter.segment(a) for a in read_articles(inputs) if not isinstance(a, Exception)
    }
    by_article: dict[str, list[dict]] = {}
    for row in rows:
        assert list(row) == FIELDS
        by_article.setdefault(row["article_id"], []).append(row)
    assert set(by_article) == set(bodies)
    for art_id, art_rows in by_article.items():
        seg = bodies[art_id]
        body = seg.text
        assert [r["index"] for r in art_rows] == list(range(len(art_rows)))
        assert len(art_rows) == len(seg.sentences)
        for row in art_rows:
            assert body[row["start"] : row["end"]] == row["text"]
            assert row["text"] == row["text"].strip() and row["text"]
            for m in row["mentions"]:
                assert row["start"] <= m["start"] < m["end"] <= row["end"]
                assert body[m["start"] : m["end"]] == m["surface"]
                assert set(m) == {
                    "actor",
                    "start",
                    "end",
                    "surface",
                    "ambiguous",
                    "sense",
                    "sense_reason",
                    "how",
                }
            # actors: those with a mention judged the actor ("fled to Moscow" is a place)
            judged = [m["actor"] for m in row["mentions"] if m["sense"] == "actor"]
            assert row["actors"] == list(dict.fromkeys(judged))


# ---------------------------------------------------------------------------


def test_segment_scraped_jsonl(tmp_path, scraped_dir, segmenter):
    out = tmp_path / "out.jsonl"
    assert main(["-q", "segment", str(scraped_dir), "-o", str(out)]) == 0
    rows = _rows_jsonl(out)
    _check_rows(rows, [scraped_dir], segmenter)
    assert {r["article_id"] for r in rows} == {p.stem for p in scraped_dir.glob("*.txt")}
    # debris is gone, glued paragraphs are cut, actors are found
    texts = [r["text"] for r in rows]
    assert not any("HTSHTS" in t or "Share this article" in t for t in texts)
    assert (
        "The convoy that collected it was escorted by army trucks to Hmeimim air base, about 60km to the north."
        in texts
    )
    assert any(r["actors"] == ["Russia"] for r in rows)
    assert not (tmp_path / "out.jsonl.errors.jsonl").exists()
    assert _leftovers(tmp_path) == []


def test_segment_csv_by_extension(tmp_path, scraped_dir, segmenter):
    out_jsonl, out_csv = tmp_path / "out.jsonl", tmp_path / "out.csv"
    assert main(["-q", "segment", str(scraped_dir), "-o", str(out_jsonl)]) == 0
    assert main(["-q", "segment", str(scraped_dir), "-o", str(out_csv)]) == 0
    rows = _rows_csv(out_csv)
    _check_rows(rows, [scraped_dir], segmenter)
    assert rows == _rows_jsonl(out_jsonl)


def test_segment_subprocess(tmp_path, scraped_dir, root):
    out = tmp_path / "sub.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "framing.cli", "segment", str(scraped_dir), "-o", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "sentences ->" in proc.stderr  # the INFO summary line
    in_process = tmp_path / "in.jsonl"
    assert main(["-q", "segment", str(scraped_dir), "-o", str(in_process)]) == 0
    assert out.read_text(encoding="utf-8") == in_process.read_text(encoding="utf-8")


@pytest.fixture
def mixed(tmp_path, scraped_dir) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sorted(scraped_dir.glob("*.txt"))[:2]:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "broken.txt").write_bytes(b"bad \xff\xfe bytes")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    (folder / "more.jsonl").write_text(
        '{"id": "j1", "text": "Russia said so. The Kremlin agreed."}\n'
        "{oops\n"
        '{"id": "j3", "text": "Bashar al-Assad fled to Moscow."}\n'
        '{"id": "j4"}\n',
        encoding="utf-8",
    )
    (folder / "rows.csv").write_text(
        "id,text\nc1,HTS took Damascus.\nc2,Too,many,cells\n", encoding="utf-8"
    )
    (folder / "z_dup.jsonl").write_text(  # the same article again
        '{"id": "j1", "text": "Russia said so. The Kremlin agreed."}\n', encoding="utf-8"
    )
    return folder


def test_segment_mixed_good_and_bad(tmp_path, mixed, scraped_dir, segmenter):
    out = tmp_path / "out" / "rows.jsonl"
    assert main(["-q", "segment", str(mixed), "-o", str(out)]) == 0
    rows = _rows_jsonl(out)
    good_txt = [p.stem for p in sorted(scraped_dir.glob("*.txt"))[:2]]
    assert {r["article_id"] for r in rows} == {*good_txt, "j1", "j3", "c1"}
    _check_rows(rows, [mixed], segmenter)
    j3 = [r for r in rows if r["article_id"] == "j3"]
    assert [(m["actor"], m["surface"]) for m in j3[0]["mentions"]] == [
        ("Assad", "Bashar al-Assad"),
        ("Russia", "Moscow"),
    ]
    errors = _rows_jsonl(out.parent / "rows.jsonl.errors.jsonl")
    assert all(set(e) == {"where", "reason"} for e in errors)
    wheres = [e["where"] for e in errors]
    assert wheres[:5] == [
        str(mixed / "broken.txt"),
        str(mixed / "empty.txt"),
        f"{mixed / 'more.jsonl'}:2",
        f"{mixed / 'more.jsonl'}:4",
        f"{mixed / 'rows.csv'}:row 2 (line 3)",
    ]
    assert wheres[5].startswith(str(mixed))  # the duplicate: see test_readers for its where
    assert len(errors) == 6
    reasons = [e["reason"] for e in errors]
    assert "not valid UTF-8" in reasons[0]
    assert "empty text" in reasons[1]
    assert "invalid JSON" in reasons[2]
    assert "no text field" in reasons[3]
    assert "cells, the header has" in reasons[4]
    assert "'j1': duplicate id" in reasons[5]
    assert _leftovers(out.parent) == []


def test_segment_only_bad_inputs_fails(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["-q", "segment", str(bad), "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == ""
    assert len(_rows_jsonl(tmp_path / "out.jsonl.errors.jsonl")) == 1


@pytest.mark.parametrize("name", ["out.txt", "out.json", "out"])
def test_segment_bad_output_extension(tmp_path, scraped_dir, name):
    assert main(["-q", "segment", str(scraped_dir), "-o", str(tmp_path / name)]) == 2
    assert list(tmp_path.iterdir()) == []


def test_segment_custom_columns_and_actors(tmp_path):
    data = tmp_path / "in.csv"
    data.write_text(
        "doc,body,headline\nd1,Wagner fighters left Mali. Prigozhin was silent.,Wagner leaves\n",
        encoding="utf-8",
    )
    actors = tmp_path / "actors.yaml"
    actors.write_text("name: mini\nactors:\n  Wagner: [Wagner, Prigozhin]\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    argv = [
        "-q",
        "segment",
        str(data),
        "-o",
        str(out),
        "--id-field",
        "doc",
        "--text-field",
        "body",
        "--title-field",
        "headline",
        "--actors",
        str(actors),
    ]
    assert main(argv) == 0
    rows = _rows_jsonl(out)
    assert [(r["article_id"], r["text"], r["actors"]) for r in rows] == [
        ("d1", "Wagner fighters left Mali.", ["Wagner"]),
        ("d1", "Prigozhin was silent.", ["Wagner"]),
    ]


def test_segment_output_is_atomic(tmp_path, scraped_dir, monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    calls = {"n": 0}
    real = Segmenter.segment

    def flaky(self, article):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, article)

    monkeypatch.setattr(Segmenter, "segment", flaky)
    assert main(["-q", "segment", str(scraped_dir), "-o", str(out)]) == 130
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert _leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_segment_clean_rerun_removes_stale_error_file(tmp_path, mixed):
    out = tmp_path / "out.jsonl"
    assert main(["-q", "segment", str(mixed), "-o", str(out)]) == 0
    assert (tmp_path / "out.jsonl.errors.jsonl").exists()
    good = mixed / "factions_merge_army.txt"
    assert main(["-q", "segment", str(good), "-o", str(out)]) == 0
    assert not (tmp_path / "out.jsonl.errors.jsonl").exists()
