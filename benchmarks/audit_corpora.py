"""Audit class "corrupted corpora": what validate rejects is refused for training.

A small corpus is written with offsets taken from the package's own segmenter, then
corrupted one way per case. Handled: :func:`framing.corpus_contract.load_training_corpus`
refuses it in one line naming the file (and line), ``framing validate`` reports it
as an error, and in lenient mode every good annotation is kept (``lost`` counts the
good annotations missing).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from audit import Outcome, one_line

from framing.cli import main as cli
from framing.corpus import Article
from framing.corpus_contract import CorpusError, load_training_corpus
from framing.segment import Segmenter

TEXTS = {
    f"a{i}": f"Russia praised the deal on day {i}. HTS condemned the strikes. Assad fled to Moscow."
    for i in range(6)
}


def _good() -> list[dict]:
    seg = Segmenter()
    return [
        {
            "article_id": art_id,
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "frame": "political",
            "stance": {a: "neutral" for a in s.actors},
        }
        for art_id, text in TEXTS.items()
        for s in seg.segment(Article(art_id, text)).sentences
    ]


def _with(i: int, **changes) -> list[dict]:
    anns = _good()
    anns[i] = {**anns[i], **changes}
    return anns


# case → (annotations, extra lines, splits.json text or None, good annotations expected)
N = len(_good())
CASES = {
    "offset beyond the text": (_with(0, end=10_000), (), None, N - 1),
    "negative offset": (_with(0, start=-5), (), None, N - 1),
    "reversed offsets": (_with(1, start=60, end=40), (), None, N - 1),
    "duplicate annotation": ([*_good(), _good()[2]], (), None, N),
    "overlapping annotations": (_with(1, start=_good()[1]["start"] - 4), (), None, N - 1),
    "unknown article id": (_with(2, article_id="ghost"), (), None, N - 1),
    "300 invalid JSON lines": (_good(), ["{broken"] * 300, None, N),
    "splits.json not JSON": (_good(), (), "{oops", N),
    "splits.json test not a list": (_good(), (), '{"test": "a1"}', N),
    "test ids not in the corpus": (_good(), (), '{"test": ["a1", "ghost"]}', N),
}


def _write(folder: Path, anns, extra, splits) -> Path:
    folder.mkdir(parents=True)
    arts = "\n".join(json.dumps({"id": i, "text": t}) for i, t in TEXTS.items())
    (folder / "articles.jsonl").write_text(arts + "\n")
    lines = [json.dumps(a) for a in anns] + list(extra)
    (folder / "annotations.jsonl").write_text("\n".join(lines) + "\n")
    if splits is not None:
        (folder / "splits.json").write_text(splits)
    return folder


def _case(work: Path, name: str, anns, extra, splits, n_good: int) -> Outcome:
    folder = _write(work / name.replace(" ", "_"), anns, extra, splits)
    try:
        load_training_corpus(folder)
        refused = False
    except CorpusError as exc:
        refused = one_line(exc, str(folder))
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = cli(["-q", "validate", str(folder)])
    reported = code == 1 and "error:" in out.getvalue()
    kept = len(load_training_corpus(folder, lenient=True).annotations)
    return Outcome(name, refused and reported, max(0, n_good - kept), note=f"kept {kept}/{n_good}")


def run(work: Path) -> list[Outcome]:
    good = _write(work / "good", _good(), (), '{"test": ["a1"], "seed": 3}')
    out = [Outcome("the intact corpus loads", len(load_training_corpus(good).annotations) == N)]
    out += [_case(work, name, *spec) for name, spec in CASES.items()]
    return out
