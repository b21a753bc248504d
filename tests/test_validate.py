"""framing.validate and `framing validate`: the corpus checker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.cli import main
from framing.corpus import Article, load_corpus
from framing.labels import task_labels
from framing.validate import corpus_stats, stats_markdown, validate_corpus

ARTICLES = [
    {
        "id": "a1",
        "title": "Envoys in Damascus",
        "text": "Envoys in Damascus\n\nBy Staff Reporter\n\n"
        "Russia sent envoys to Damascus on Monday for talks on the future of its two bases "
        "on the coast. HTS welcomed the visit. "
        "Bashar al-Assad was not mentioned.\n\nThe talks lasted two days.",
    },
    {
        "id": "a2",
        "text": "The Kremlin said the base would stay.Syria's new leaders disagreed.\n\n"
        "Advertisement\n\nThe old regime had signed the lease.",
    },
]
# (article, sentence index) -> frame, stance
LABELS = {
    ("a1", 0): ("political", {"Russia": "neutral"}),
    ("a1", 1): ("political", {"HTS": "positive"}),
    ("a1", 2): ("political", {"Assad": "neutral"}),
    ("a2", 0): ("security_and_defense", {"Russia": "negative"}),
    ("a2", 1): (None, {"HTS": "negative"}),
    ("a2", 2): ("legality_constitutionality_jurisprudence", {"Assad": "negative"}),
}


def _annotations(segmenter) -> list[dict]:
    out = []
    for rec in ARTICLES:
        seg = segmenter.segment(Article.from_record(rec))
        for s in seg.sentences:
            if (rec["id"], s.index) in LABELS:
                frame, stance = LABELS[(rec["id"], s.index)]
                out.append(
                    {
                        "article_id": rec["id"],
                        "start": s.start,
                        "end": s.end,
                        "text": s.text,
                        "frame": frame,
                        "stance": stance,
                        "annotator": "T",
                    }
                )
    return out


def _write(folder: Path, annotations: list[dict], extra_lines: tuple[str, ...] = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "articles.jsonl").write_text(
        "".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8"
    )
    lines = [json.dumps(a) for a in annotations] + list(extra_lines)
    (folder / "annotations.jsonl").write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    (folder / "splits.json").write_text(json.dumps({"seed": 1, "test": ["a2"]}), encoding="utf-8")
    return folder


@pytest.fixture
def good(segmenter) -> list[dict]:
    anns = _annotations(segmenter)
    assert len(anns) == len(LABELS)
    return anns


def _run(capsys, *argv) -> tuple[int, list[str]]:
    code = main(["validate", *map(str, argv)])
    out = capsys.readouterr().out
    return code, out.splitlines()


def _problems(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith(("error:", "warning:"))]


# ---------------------------------------------------------------------------


def test_annotations_point_into_the_cleaned_text(good):
    """The fixture corpus really exercises the cleaner: offsets are not raw offsets."""
    a1 = [a for a in good if a["article_id"] == "a1"]
    assert a1[0]["text"] == (
        "Russia sent envoys to Damascus on Monday for talks on the future of its two bases on the coast."
    )
    assert a1[0]["start"] == 0
    a2 = [a["text"] for a in good if a["article_id"] == "a2"]
    assert a2 == [
        "The Kremlin said the base would stay.",
        "Syria's new leaders disagreed.",
        "The old regime had signed the lease.",
    ]


def test_valid_corpus(tmp_path, good, capsys):
    folder = _write(tmp_path / "c", good)
    code, lines = _run(capsys, folder)
    assert code == 0
    assert _problems(lines) == []
    assert lines[-1] == f"{folder}: 2 articles, 6 annotations: 0 error(s), 0 warning(s)"


def _mutate(anns: list[dict], i: int, **changes) -> list[dict]:
    anns = [dict(a) for a in anns]
    anns[i].update(changes)
    return anns


CASES = {
    "out_of_range": (
        lambda a: _mutate(a, 0, end=10_000),
        "a1",
        "start/end",
        "outside the cleaned text",
    ),
    "negative_start": (
        lambda a: _mutate(a, 0, start=-3),
        "a1",
        "start/end",
        "outside the cleaned text",
    ),
    "not_a_sentence": (
        lambda a: _mutate(a, 0, end=a[0]["end"] - 8, text=a[0]["text"][:-8]),
        "a1",
        "start/end",
        "not a sentence of the current splitter",
    ),
    "unknown_frame": (
        lambda a: _mutate(a, 1, frame="diplomacy"),
        "a1",
        "frame",
        "unknown frame 'diplomacy'",
    ),
    "unknown_label": (
        lambda a: _mutate(a, 3, stance={"Russia": "hostile"}),
        "a2",
        "stance",
        "unknown stance label 'hostile'",
    ),
    "unknown_actor": (
        lambda a: _mutate(a, 3, stance={"Iran": "negative"}),
        "a2",
        "stance",
        "unknown actor 'Iran'",
    ),
    "duplicate_span": (lambda a: [*a, dict(a[2])], "a1", "start/end", "annotated twice"),
    "unknown_article": (
        lambda a: _mutate(a, 4, article_id="zz"),
        "zz",
        "article_id",
        "no such article",
    ),
    "text_mismatch": (
        lambda a: _mutate(a, 5, text="The new regime had signed the lease."),
        "a2",
        "text",
        "cleaner changed?",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_problem_is_one_line_naming_article_and_field(tmp_path, good, capsys, case):
    mutate, art_id, field, message = CASES[case]
    folder = _write(tmp_path / "c", mutate(good))
    code, lines = _run(capsys, folder)
    assert code == 1
    problems = _problems(lines)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"error: article {art_id}: {field}: ")
    assert message in problems[0]
    assert f"({folder}/annotations.jsonl:" in problems[0]  # file:line
    assert lines[-1].endswith("1 error(s), 0 warning(s)")


def test_bad_annotation_record(tmp_path, good, capsys):
    folder = _write(tmp_path / "c", good, extra_lines=("{broken",))
    code, lines = _run(capsys, folder)
    assert code == 1
    (problem,) = _problems(lines)
    assert problem.startswith("error: article -: record: invalid JSON")
    assert f"annotations.jsonl:{len(good) + 1}" in problem


def test_unmatched_actor_is_a_warning(tmp_path, good, capsys, segmenter):
    # "The talks lasted two days." mentions no actor: the annotator's call, kept
    anns = good + [
        {
            "article_id": "a1",
            **_unannotated_span(good, segmenter),
            "frame": "other",
            "stance": {"Russia": "neutral"},
        }
    ]
    folder = _write(tmp_path / "c", anns)
    code, lines = _run(capsys, folder)
    assert code == 0
    # by default a summary with counts per actor
    (summary,) = _problems(lines)
    assert summary.startswith("warning: 1 annotated (sentence, actor) pair(s) the lexicon")
    assert "(Russia 1)" in summary and "--verbose" in summary
    code, lines = _run(capsys, folder, "--verbose")
    assert code == 0
    (problem,) = _problems(lines)
    assert problem.startswith("warning: article a1: stance: Russia labelled but not matched")
    assert "The talks lasted two days." in problem
    code, lines = _run(capsys, folder, "--strict")
    assert code == 1
    assert lines[-1].endswith("0 error(s), 1 warning(s)")


def _unannotated_span(good: list[dict], segmenter) -> dict:
    """The span of the a1 sentence nobody annotated ("The talks lasted two days.")."""
    seg = segmenter.segment(Article.from_record(ARTICLES[0]))
    s = seg.sentences[-1]
    assert s.text == "The talks lasted two days."
    assert all(a["start"] != s.start for a in good if a["article_id"] == "a1")
    return {"start": s.start, "end": s.end, "text": s.text}


def test_max_lines(tmp_path, good, capsys):
    anns = [dict(a, frame="nope") for a in good]
    folder = _write(tmp_path / "c", anns)
    code, lines = _run(capsys, folder, "--max-lines", "2")
    assert code == 1
    assert len(_problems(lines)) == 2
    assert "... and 4 more" in lines


def test_stats_tables(tmp_path, good, capsys):
    folder = _write(tmp_path / "c", good)
    code, lines = _run(capsys, folder, "--stats")
    assert code == 0
    out = "\n".join(lines)
    assert "| actor | negative | neutral | positive | total | of which test |" in out
    assert "| Russia | 1 | 1 | 0 | 2 | 1 |" in out
    assert "| HTS | 1 | 0 | 1 | 2 | 1 |" in out
    assert "| Assad | 1 | 1 | 0 | 2 | 1 |" in out
    assert "| **all** | 3 (50%) | 2 (33%) | 1 (17%) | 6 | |" in out
    assert "| frame | sentences |" in out
    assert "| political | 3 |" in out
    assert "Articles: 2 (1 in the fixed test split); annotated sentences: 6" in out


def test_corpus_stats_direct(tmp_path, good, segmenter):
    corpus = load_corpus(_write(tmp_path / "c", good))
    stance, frames = task_labels("stance"), task_labels("framing")
    stats = corpus_stats(corpus, stance, frames)
    assert stats["pairs"] == 6
    assert stats["frames"]["security_and_defense"] == 1
    assert stats["stance_test"]["Russia"] == {"negative": 1, "neutral": 0, "positive": 0}
    assert validate_corpus(corpus, segmenter, stance, frames) == []
    assert stats_markdown(stats, stance).count("\n|") >= 8


def test_missing_corpus_folder(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 1


def test_shipped_corpus_validates(shipped_corpus, capsys):
    code = main(["validate", str(shipped_corpus), "--max-lines", "0"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert " 0 error(s)" in out


@pytest.mark.parametrize(
    ("mention", "message"),
    [
        ({"actor": "Russia", "start": 0, "end": 6, "sense": "not_actor"}, "needs sense_reason"),
        ({"actor": "Russia", "start": 0, "end": 6, "how": "guess"}, "how must be"),
        ({"actor": "Nobody", "start": 0, "end": 6}, "unknown actor 'Nobody'"),
        ({"actor": "Russia", "start": 0, "end": 100000}, "outside the sentence"),
        ({"actor": "Russia", "start": "x", "end": 6}, "bad mention"),
    ],
)
def test_annotator_mentions_are_checked(tmp_path, good, capsys, mention, message):
    first = good[0]
    fixed = dict(mention)
    if isinstance(fixed.get("start"), int):  # offsets relative to the first sentence
        fixed["start"] += first["start"]
        fixed["end"] += first["start"]
    anns = [dict(first, mentions=[fixed]), *good[1:]]
    code, lines = _run(capsys, _write(tmp_path / "c", anns))
    assert code == 1
    (problem,) = _problems(lines)
    assert problem.startswith("error: article a1: mentions: mention 1")
    assert message in problem


def test_a_not_actor_mention_is_valid(tmp_path, good, capsys):
    first = good[0]
    mention = {
        "actor": "Russia",
        "start": first["start"],
        "end": first["start"] + 6,
        "sense": "not_actor",
        "sense_reason": "language",
    }
    anns = [dict(first, mentions=[mention]), *good[1:]]
    code, lines = _run(capsys, _write(tmp_path / "c", anns))
    assert code == 0, lines
    assert _problems(lines) == []


def test_closed_pipe_ends_without_a_traceback(tmp_path, good, monkeypatch):
    """``framing validate data/syria | head``: the reader goes away, no traceback."""
    import os
    import sys

    folder = _write(tmp_path / "c", good)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone: every write fails with EPIPE
    closed = os.fdopen(write_end, "w", buffering=1)
    monkeypatch.setattr(sys, "stdout", closed)
    try:
        assert main(["validate", str(folder), "--verbose"]) == 141
        closed.write("later output is swallowed\n")  # stdout now points at devnull
        closed.flush()
    finally:
        monkeypatch.undo()
        closed.close()
