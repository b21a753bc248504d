"""framing.corpus (the data contract) and framing.io (atomic writes, JSONL)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from framing.corpus import Annotation, Article, Mention, Sentence, load_corpus
from framing.input_files import iter_jsonl
from framing.io import RecordError, atomic_write, dumps, write_jsonl

# ---------------------------------------------------------------------------
# records


def test_article_round_trip():
    record = {
        "id": "syr-1",
        "title": "T",
        "source": "Ledger",
        "date": "2025-01-01",
        "url": "http://x",
        "genre": "wire",
        "debris": ["a"],
        "text": "Body — with “quotes”.",
    }
    art = Article.from_record(record)
    assert art.meta == {"genre": "wire", "debris": ["a"]}
    assert art.to_record() == record
    assert Article.from_record(art.to_record()) == art
    assert list(art.to_record())[-1] == "text"  # text last: readable JSONL


def test_article_minimal_and_coercion():
    art = Article.from_record({"id": 5, "text": "x", "date": 20250101})
    assert (art.id, art.date, art.title) == ("5", "20250101", None)
    assert art.to_record() == {"id": "5", "date": "20250101", "text": "x"}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"text": "x"}, "missing article id"),
        ({"id": "  ", "text": "x"}, "missing article id"),
        ({"id": "a"}, "'text' must be a string, got NoneType"),
        ({"id": "a", "text": ["x"]}, "'text' must be a string, got list"),
        ({"id": "a", "text": " \n "}, "empty text"),
    ],
)
def test_article_errors(record, reason):
    with pytest.raises(RecordError, match=reason) as info:
        Article.from_record(record, where="f.jsonl:3")
    assert info.value.where == "f.jsonl:3"
    assert str(info.value).startswith("f.jsonl:3: ")


def test_annotation_round_trip():
    record = {
        "article_id": "syr-1",
        "start": 0,
        "end": 10,
        "text": "0123456789",
        "frame": "political",
        "stance": {"Russia": "negative", "HTS": "positive"},
        "annotator": "A1",
    }
    ann = Annotation.from_record(record)
    assert ann.meta == {"annotator": "A1"}
    assert ann.to_record() == record
    assert Annotation.from_record(ann.to_record()) == ann


def test_annotation_coercion_and_defaults():
    ann = Annotation.from_record({"article_id": 3, "start": "4", "end": 9.0})
    assert (ann.article_id, ann.start, ann.end, ann.text, ann.frame, ann.stance) == (
        "3",
        4,
        9,
        "",
        None,
        {},
    )


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"start": 0, "end": 1}, "missing 'article_id'"),
        ({"article_id": "a"}, "missing 'start', 'end'"),
        ({"article_id": "a", "start": "x", "end": 1}, "must be integers"),
        ({"article_id": "a", "start": 0, "end": None}, "must be integers"),
        (
            {"article_id": "a", "start": 0, "end": 1, "stance": ["Russia"]},
            "'stance' must be an object",
        ),
    ],
)
def test_annotation_errors(record, reason):
    with pytest.raises(RecordError, match=reason):
        Annotation.from_record(record, where="ann.jsonl:2")


def test_sentence_record():
    s = Sentence(
        "a1",
        0,
        0,
        20,
        "Russia and the Kremlin",
        [Mention("Russia", 0, 6, "Russia"), Mention("Russia", 11, 22, "the Kremlin", True)],
    )
    rec = s.to_record()
    assert rec["actors"] == ["Russia"]
    assert rec["mentions"][1] == {
        "actor": "Russia",
        "start": 11,
        "end": 22,
        "surface": "the Kremlin",
        "ambiguous": True,
        "sense": "actor",
        "sense_reason": "",
        "how": "alias",
    }
    assert json.loads(dumps(rec)) == rec


# ---------------------------------------------------------------------------
# load_corpus


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    _write_lines(
        tmp_path / "articles.jsonl",
        [
            json.dumps({"id": "a1", "title": "One", "text": "Russia left. HTS stayed."}),
            "{not json",
            json.dumps({"id": "a2", "text": "Assad fled."}),
            json.dumps({"id": "a1", "text": "A duplicate."}),
            json.dumps({"id": "a3", "text": ""}),
            "",
        ],
    )
    _write_lines(
        tmp_path / "annotations.jsonl",
        [
            json.dumps(
                {
                    "article_id": "a2",
                    "start": 0,
                    "end": 11,
                    "text": "Assad fled.",
                    "frame": "political",
                    "stance": {"Assad": "negative"},
                }
            ),
            json.dumps(
                {
                    "article_id": "a1",
                    "start": 13,
                    "end": 24,
                    "text": "HTS stayed.",
                    "frame": None,
                    "stance": {"HTS": "neutral"},
                }
            ),
            json.dumps(
                {
                    "article_id": "a1",
                    "start": 0,
                    "end": 12,
                    "text": "Russia left.",
                    "frame": "political",
                    "stance": {},
                }
            ),
            json.dumps({"article_id": "a1", "start": "x", "end": 12}),
        ],
    )
    (tmp_path / "splits.json").write_text(json.dumps({"seed": 7, "test": ["a2"]}), encoding="utf-8")
    return tmp_path


def test_load_corpus(tiny_corpus):
    corpus = load_corpus(tiny_corpus)
    assert corpus.path == tiny_corpus
    assert list(corpus.articles) == ["a1", "a2"]
    assert corpus.articles["a1"].text == "Russia left. HTS stayed."  # the first a1 is kept
    assert len(corpus.annotations) == 3
    assert corpus.test_ids == ["a2"] and corpus.split_seed == 7
    by_art = corpus.annotations_by_article()
    assert [a.start for a in by_art["a1"]] == [0, 13]  # sorted by offset
    errs = corpus.errors
    assert len(errs) == 4
    arts = str(tiny_corpus / "articles.jsonl")
    assert errs[0].where == f"{arts}:2" and "invalid JSON" in errs[0].reason
    assert errs[1].where.startswith(arts) and "a1: duplicate id" in errs[1].reason
    assert errs[2].where == f"{arts}:5" and "empty text" in errs[2].reason
    assert errs[3].where == f"{tiny_corpus / 'annotations.jsonl'}:4"


def test_load_corpus_without_optional_files(tmp_path):
    _write_lines(tmp_path / "articles.jsonl", [json.dumps({"id": "a", "text": "x"})])
    corpus = load_corpus(tmp_path)
    assert corpus.annotations == [] and corpus.test_ids == [] and corpus.split_seed is None


def test_load_corpus_test_only_sets(tmp_path):
    _write_lines(tmp_path / "articles.jsonl", [json.dumps({"id": "a", "text": "x"})])
    split = {"seed": 1, "test": ["a"], "test_only": {"realistic": ["r1", "r2"]}}
    (tmp_path / "splits.json").write_text(json.dumps(split), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.test_only == {"realistic": ["r1", "r2"]}
    assert corpus.test_sets == {"fixed": ["a"], "realistic": ["r1", "r2"]}
    assert corpus.errors == []
    split["test_only"] = ["r1"]  # not a mapping: one clear error, the rest still loads
    (tmp_path / "splits.json").write_text(json.dumps(split), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.test_only == {} and corpus.test_ids == ["a"]
    (err,) = corpus.errors
    assert err.where == str(tmp_path / "splits.json") and "test_only" in err.reason


def test_load_corpus_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="no articles.jsonl"):
        load_corpus(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_corpus(tmp_path / "nope")


def test_shipped_corpus_loads_cleanly(shipped_corpus):
    corpus = load_corpus(shipped_corpus)
    assert corpus.errors == []
    assert len(corpus.articles) >= 50
    assert set(corpus.test_ids) <= set(corpus.articles)


def test_war_reporting_corpus_loads_cleanly_and_rebuilds_the_same(tmp_path, monkeypatch):
    """The supplementary training corpus: no held-out split, every sentence anchored, and
    its build script reproduces the committed files byte for byte."""
    import importlib.util
    import shutil

    root = Path(__file__).resolve().parents[1] / "data" / "war_reporting"
    corpus = load_corpus(root)
    assert corpus.errors == [] and corpus.test_ids == [] and len(corpus.articles) >= 16
    copy = tmp_path / "war_reporting"
    shutil.copytree(root, copy)
    spec = importlib.util.spec_from_file_location("war_build", copy / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "MAIN_BUILD", root.parent / "syria" / "authoring" / "build.py")
    assert module.main() == 0
    for name in ("articles.jsonl", "annotations.jsonl"):
        assert (copy / name).read_bytes() == (root / name).read_bytes(), name


# ---------------------------------------------------------------------------
# framing.io


def _temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_atomic_write_replaces_on_success(tmp_path):
    path = tmp_path / "sub" / "out.txt"
    with atomic_write(path) as fh:
        fh.write("new\n")
        assert not path.exists()  # nothing under the final name while writing
    assert path.read_text(encoding="utf-8") == "new\n"
    assert _temp_files(path.parent) == []


def test_atomic_write_keeps_old_file_on_error(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="boom"), atomic_write(path) as fh:
        fh.write("half a file")
        raise RuntimeError("boom")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert _temp_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_atomic_write_on_interrupt(tmp_path):
    path = tmp_path / "out.jsonl"

    def records():
        yield {"a": 1}
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_jsonl(path, records())
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_binary_and_newlines(tmp_path):
    path = tmp_path / "b.bin"
    with atomic_write(path, "wb") as fh:
        fh.write(b"\x00\x01\r\n")
    assert path.read_bytes() == b"\x00\x01\r\n"
    text = tmp_path / "t.txt"
    with atomic_write(text) as fh:
        fh.write("a\nb\n")
    assert text.read_bytes() == b"a\nb\n"  # no newline translation


def test_atomic_write_permissions_follow_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "out.txt"
        with atomic_write(path) as fh:
            fh.write("x")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_write_and_iter_jsonl(tmp_path):
    path = tmp_path / "x.jsonl"
    assert write_jsonl(path, [{"a": "é"}, {"b": [1]}]) == 2
    assert "é" in path.read_text(encoding="utf-8")  # readable UTF-8, not \\u escapes
    with path.open("ab") as fh:
        fh.write(b"\n   \n7\n\xff\n{\n")
    got = list(iter_jsonl(path))
    assert got[:2] == [(1, {"a": "é"}), (2, {"b": [1]})]
    errs = got[2:]
    assert [n for n, _ in errs] == [5, 6, 7]
    assert all(isinstance(e, RecordError) for _, e in errs)
    assert errs[0][1].reason == "expected a JSON object, got int"
    assert errs[1][1].where == f"{path}:6" and "not valid UTF-8" in errs[1][1].reason
    assert "invalid JSON" in errs[2][1].reason
