"""Audit class "bad inputs": CSV quoting, undecodable files, bad lines, huge sentences."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import time
from pathlib import Path

from audit import Outcome

from framing.cli import main as cli
from framing.io import RecordError
from framing.readers import Columns, read_articles


def _text(i: int) -> str:
    return f"Russia and HTS met in Damascus on day {i}, officials said."


def _csv(n: int, broken: dict[int, str] | None = None) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "text", "source"])
    lines = buf.getvalue().splitlines(keepends=True)
    for i in range(n):
        row = io.StringIO()
        csv.writer(row, lineterminator="\n").writerow([f"r{i}", _text(i), "wire"])
        lines.append((broken or {}).get(i, row.getvalue()))
    return "".join(lines)


def _read(paths, **kw) -> tuple[dict[str, str], list[RecordError]]:
    arts, errs = {}, []
    for item in read_articles(paths, **kw):
        if isinstance(item, RecordError):
            errs.append(item)
        else:
            arts[item.id] = item.text
    return arts, errs


def _lost(arts: dict[str, str], expected: dict[str, str]) -> int:
    """Good records missing, or present with another record's text merged in."""
    return sum(1 for k, v in expected.items() if arts.get(k) != v)


def _csv_cases(work: Path) -> list[Outcome]:
    out = []
    stray = {37: 'r37,"Unclosed quote on row 37 and nothing after,wire\n'}
    path = work / "stray.csv"
    path.write_text(_csv(100, stray))
    expected = {f"r{i}": _text(i) for i in range(100) if i != 37}
    arts, errs = _read([path])
    out.append(
        Outcome(
            "CSV unterminated quote (strict)",
            len(errs) == 1 and "line 39" in errs[0].where,
            _lost(arts, expected),
        )
    )
    arts, errs = _read([path], columns=Columns(csv_mode="lenient"))
    out.append(
        Outcome(
            "CSV unterminated quote (lenient)", not errs and "r37" in arts, _lost(arts, expected)
        )
    )
    rows = {i: f'r{i},"{_text(i)}\n\nSecond paragraph of {i}.",wire\n' for i in range(0, 50, 7)}
    path = work / "newlines.csv"
    path.write_text(_csv(50, rows))
    expected = {
        f"r{i}": _text(i) + (f"\n\nSecond paragraph of {i}." if i in rows else "")
        for i in range(50)
    }
    arts, errs = _read([path])
    out.append(Outcome("CSV quoted embedded newlines", not errs, _lost(arts, expected)))
    path = work / "unquoted.csv"
    path.write_text(_csv(20, {5: "r5,broken\nacross lines,wire\n"}))
    expected = {f"r{i}": _text(i) for i in range(20) if i != 5}
    arts, errs = _read([path])
    out.append(Outcome("CSV unquoted newline (row split)", len(errs) == 2, _lost(arts, expected)))
    path = work / "cells.csv"
    path.write_text(_csv(20, {3: "r3,x,wire,extra cell\n", 4: "r4,y\n"}))
    expected = {f"r{i}": _text(i) for i in range(20) if i not in (3, 4)}
    arts, errs = _read([path])
    out.append(Outcome("CSV wrong cell counts", len(errs) == 2, _lost(arts, expected)))
    return out


BAD_FILES = {
    "Latin-1 header": "id,text,t\u00edtulo\nx1,Caf\u00e9 talks.,T\n".encode("latin-1"),
    # a UTF-16 byte-order mark, then bytes that are not UTF-16 (a lone surrogate); good
    # UTF-16 is read since the thirteenth session (audit_shapes.py)
    "broken UTF-16": codecs.BOM_UTF16_LE + b"\x00\xd8A\x00" + "d,text\n".encode("utf-16-le"),
    "binary": bytes(range(256)) * 8,
}


def _folder_cases(work: Path) -> list[Outcome]:
    out = []
    for kind, data in BAD_FILES.items():
        folder = work / kind.replace(" ", "_")
        folder.mkdir()
        expected = {}
        for i in range(150):
            (folder / f"a{i:03d}.jsonl").write_text(
                json.dumps({"id": f"g{i}", "text": _text(i)}) + "\n"
            )
            expected[f"g{i}"] = _text(i)
        (folder / "zz_bad.csv").write_bytes(data)
        arts, errs = _read([folder])
        ok = len(errs) == 1 and "zz_bad.csv" in errs[0].where
        out.append(Outcome(f"folder + {kind} CSV (read)", ok, _lost(arts, expected)))
        seg = folder.parent / f"{folder.name}.seg.jsonl"
        code = cli(["-q", "segment", str(folder), "-o", str(seg)])
        ids = (
            {json.loads(x)["article_id"] for x in seg.read_text().splitlines()}
            if seg.exists()
            else set()
        )
        err_file = Path(str(seg) + ".errors.jsonl")
        ok = code == 0 and err_file.is_file() and "zz_bad.csv" in err_file.read_text()
        out.append(Outcome(f"folder + {kind} CSV (segment)", ok, len(set(expected) - ids)))
    return out


def _jsonl_cases(work: Path) -> list[Outcome]:
    path = work / "mixed.jsonl"
    lines, expected = [], {}
    for i in range(40):
        if i % 8 == 3:
            lines.append("{not json" if i % 16 == 3 else json.dumps([i]))
        else:
            lines.append(json.dumps({"id": f"j{i}", "text": _text(i)}))
            expected[f"j{i}"] = _text(i)
    path.write_text("\n".join(lines) + "\n")
    arts, errs = _read([path])
    ok = len(errs) == 5 and all(e.where.startswith(f"{path}:") for e in errs)
    return [Outcome("JSONL invalid and non-object lines", ok, _lost(arts, expected))]


def _unlistable_case(work: Path) -> list[Outcome]:
    folder = work / "tree"
    (folder / "ok").mkdir(parents=True)
    (folder / "locked").mkdir()
    (folder / "ok" / "a.jsonl").write_text(json.dumps({"id": "a", "text": _text(1)}) + "\n")
    real = os.scandir

    def scandir(path="."):
        if Path(path) == folder / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    os.scandir = scandir
    try:
        arts, errs = _read([folder])
    finally:
        os.scandir = real
    ok = len(errs) == 1 and "locked" in errs[0].where
    return [Outcome("a folder that cannot be listed", ok, _lost(arts, {"a": _text(1)}))]


def _long_sentence_case(work: Path) -> list[Outcome]:
    from framing.models.features import target_columns

    words = ["officials", "waited", "for", "news", "Russia", "of", "aid", "in", "the", "north"]
    sentence = " ".join(words[(i * 7) % len(words)] for i in range(200_000))[:1_000_000]
    spans = [[i, i + 6] for i in range(len(sentence)) if sentence.startswith("Russia", i)]
    started = time.perf_counter()
    target_columns([sentence], [spans], [[]], "replace", 5)
    seconds = time.perf_counter() - started
    return [Outcome("1 MB unpunctuated sentence (features)", seconds < 10, note=f"{seconds:.1f} s")]


def run(work: Path) -> list[Outcome]:
    return [
        *_csv_cases(work),
        *_folder_cases(work),
        *_jsonl_cases(work),
        *_unlistable_case(work),
        *_long_sentence_case(work),
    ]
