"""Issue #15, finding 8: a corpus validate rejects is refused for training unless lenient."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from framing.cli import main
from framing.corpus import Article
from framing.corpus_contract import CorpusError, load_training_corpus
from framing.run import load_examples
from framing.segment import Segmenter

TEXTS = {
    "a1": "Russia praised the deal on Monday. HTS condemned the strikes. Assad fled to Moscow.",
    "a2": "The Kremlin said the base would stay. Syria's new leaders disagreed.",
}


def _good() -> list[dict]:
    seg = Segmenter()
    out = []
    for art_id, text in TEXTS.items():
        for s in seg.segment(Article(art_id, text)).sentences:
            out.append(
                {
                    "article_id": art_id,
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    "frame": "political",
                    "stance": {a: "neutral" for a in s.actors},
                }
            )
    return out


def _corpus(folder: Path, anns: list[dict], extra_lines=(), splits: str | None = None) -> Path:
    folder.mkdir(parents=True)
    articles = [json.dumps({"id": i, "text": t}) for i, t in TEXTS.items()]
    (folder / "articles.jsonl").write_text("\n".join(articles) + "\n")
    lines = [json.dumps(a) for a in anns] + list(extra_lines)
    (folder / "annotations.jsonl").write_text("\n".join(lines) + "\n")
    if splits is not None:
        (folder / "splits.json").write_text(splits)
    return folder


def _with(i: int, **changes) -> list[dict]:
    anns = _good()
    anns[i] = {**anns[i], **changes}
    return anns


BAD = {
    "out_of_range": (lambda: _with(0, end=10_000), "outside the cleaned text"),
    "negative": (lambda: _with(0, start=-4), "outside the cleaned text"),
    "reversed": (lambda: _with(1, start=50, end=40), "outside the cleaned text"),
    "duplicate": (lambda: [*_good(), _good()[2]], "annotated twice"),
    "overlapping": (lambda: _with(1, start=_good()[1]["start"] - 5), "overlaps span"),
}


def test_the_good_corpus_loads(tmp_path):
    corpus = load_training_corpus(_corpus(tmp_path / "c", _good()))
    assert len(corpus.annotations) == 5


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_span_is_refused_for_training_naming_the_line(tmp_path, case):
    make, message = BAD[case]
    folder = _corpus(tmp_path / "c", make())
    with pytest.raises(CorpusError) as exc:
        load_training_corpus(folder)
    text = str(exc.value)
    assert "\n" not in text and message in text
    assert f"{folder}/annotations.jsonl:" in text  # the line of the bad record
    # the same corpus through the runner's loader (data config) is refused too
    cfg = OmegaConf.create({"name": "c", "format": "corpus", "path": str(folder)})
    with pytest.raises(CorpusError):
        load_examples(cfg, "stance", ["negative", "neutral", "positive"], False, Segmenter())
    # lenient: the bad annotation is left out, the good ones kept
    lenient = load_training_corpus(folder, lenient=True)
    assert len(lenient.annotations) in (4, 5)
    assert all(a.start >= 0 and a.start < a.end for a in lenient.annotations)


def test_invalid_json_lines_are_refused_unless_lenient(tmp_path):
    folder = _corpus(tmp_path / "c", _good(), extra_lines=["{broken"] * 300)
    with pytest.raises(CorpusError, match=r"invalid JSON.* and 299 more"):
        load_training_corpus(folder)
    assert len(load_training_corpus(folder, lenient=True).annotations) == 5


@pytest.mark.parametrize("splits", ["{not json", "[1, 2]", '{"test": "a1"}', '{"seed": "x"}'])
def test_a_corrupt_splits_file_is_one_line_in_validate(tmp_path, capsys, splits):
    folder = _corpus(tmp_path / "c", _good(), splits=splits)
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    errors = [line for line in out if line.startswith("error")]
    assert len(errors) == 1 and "splits.json" in errors[0]
    with pytest.raises(CorpusError, match="splits.json"):
        load_training_corpus(folder)


def test_test_ids_not_in_the_corpus_are_errors(tmp_path, capsys):
    folder = _corpus(tmp_path / "c", _good(), splits='{"test": ["a1", "ghost"], "seed": 1}')
    assert main(["validate", str(folder)]) == 1
    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "ghost" in errors[0] and "test id not in" in errors[0]
    assert load_training_corpus(folder, lenient=True).test_ids == ["a1"]
