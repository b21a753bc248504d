"""The data contract a corpus must meet to be trained on (issue #15, finding 8).

:func:`contract_problems` finds what the contract rejects outright (bad records,
offsets, duplicate or overlapping spans, a corrupt ``splits.json``, test ids not in the
corpus); :func:`load_training_corpus` refuses such a corpus for training with
:class:`CorpusError`, or with ``lenient`` leaves the unusable annotations out.
``framing validate`` (:mod:`framing.validate`) reports the same problems and more.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from framing.corpus import Corpus, load_corpus

log = logging.getLogger("framing.validate")


@dataclass(frozen=True, slots=True)
class Problem:
    severity: str  # "error" | "warning"
    article_id: str
    field: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        loc = f" ({self.where})" if self.where else ""
        return (
            f"{self.severity}: article {self.article_id or '-'}: {self.field}: {self.message}{loc}"
        )


class CorpusError(ValueError):
    """A corpus the data contract rejects, refused for training (one line)."""


def contract_problems(corpus: Corpus, lengths: Mapping[str, int]) -> tuple[list[Problem], set[int]]:
    """What the data contract rejects outright, and the indices of unusable annotations.

    ``lengths``: the cleaned text length of each annotated article. Rejected: bad
    records (invalid JSON, missing fields, a corrupt ``splits.json``), annotations of
    unknown articles, offsets negative, reversed or empty, or beyond the cleaned text,
    a span annotated twice, spans that overlap, and test ids not in the corpus. The
    same checks refuse a corpus for training (:func:`load_training_corpus`).
    """
    problems = [Problem("error", "", "record", e.reason, e.where) for e in corpus.errors]
    bad: set[int] = set()
    ann_path = f"{corpus.path}/annotations.jsonl"
    spans: dict[str, list[tuple[int, int, int]]] = collections.defaultdict(list)
    for n, ann in enumerate(corpus.annotations):
        where = ann.origin or f"{ann_path} record {n + 1}"
        message = None
        if ann.article_id not in lengths:
            field_name, message = "article_id", "no such article in articles.jsonl"
        elif not (0 <= ann.start < ann.end <= lengths[ann.article_id]):
            field_name = "start/end"
            message = (
                f"offsets {ann.start}:{ann.end} outside the cleaned text "
                f"(length {lengths[ann.article_id]}), negative or reversed"
            )
        if message:
            problems.append(Problem("error", ann.article_id, field_name, message, where))
            bad.add(n)
        else:
            spans[ann.article_id].append((ann.start, ann.end, n))
    for art_id, found in spans.items():
        found.sort()
        last_end, last = -1, None
        for start, end, n in found:
            if last is not None and start < last_end:
                prev = corpus.annotations[last]
                what = (
                    "annotated twice"
                    if (start, end) == (prev.start, prev.end)
                    else f"overlaps span {prev.start}:{prev.end}"
                )
                problems.append(
                    Problem(
                        "error",
                        art_id,
                        "start/end",
                        f"span {start}:{end} {what} (first at {prev.origin or 'another record'})",
                        corpus.annotations[n].origin or ann_path,
                    )
                )
                bad.add(n)
                continue
            last_end, last = end, n
    for set_name, ids in corpus.test_sets.items():
        for test_id in ids:
            if test_id not in corpus.articles:
                problems.append(
                    Problem(
                        "error",
                        test_id,
                        "splits.json",
                        f"test id not in articles.jsonl (test set {set_name!r})",
                        f"{corpus.path}/splits.json",
                    )
                )
    return problems, bad


def cleaned_lengths(corpus: Corpus) -> dict[str, int]:
    """The cleaned text length of each annotated article (what offsets refer to)."""
    from framing.text.clean import clean_article

    wanted = {a.article_id for a in corpus.annotations}
    return {i: len(clean_article(corpus.articles[i]).text) for i in wanted if i in corpus.articles}


def load_training_corpus(path: str | Path, lenient: bool = False) -> Corpus:
    """:func:`~framing.corpus.load_corpus` for training: a corpus holding anything
    :func:`contract_problems` rejects is refused with :class:`CorpusError`; with
    ``lenient`` the problems are logged and the unusable annotations left out."""
    corpus = load_corpus(path)
    problems, bad = contract_problems(corpus, cleaned_lengths(corpus))
    if not problems:
        return corpus
    if not lenient:
        more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
        raise CorpusError(
            f"{corpus.path}: {problems[0]}{more}; see framing validate {corpus.path}, "
            "or set data.lenient=true to train on the rest"
        )
    for problem in problems:
        log.warning("%s", problem)
    corpus.annotations = [a for n, a in enumerate(corpus.annotations) if n not in bad]
    known = set(corpus.articles)
    corpus.test_ids = [t for t in corpus.test_ids if t in known]
    corpus.test_only = {k: [t for t in v if t in known] for k, v in corpus.test_only.items()}
    log.warning("%s: lenient: %d annotation(s) left out", corpus.path, len(bad))
    return corpus
