"""Tasks: how examples and label sets are built from an annotated corpus.

* **stance** — one example per (annotated sentence, actor in its stance map);
  the example carries the target's mention spans and the other actors' spans
  (offsets relative to the sentence) so models can be target-aware.
* **framing** — one example per annotated sentence with its primary frame
  (or, with ``multilabel``, its list of frames).

Mentions come from the actor lexicon; an annotation may add spans the lexicon
cannot find with a ``mentions`` list of ``{"actor", "start", "end"}`` in article
offsets (e.g. a pronoun). Examples are a :class:`datasets.Dataset`.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from datasets import Dataset, Features, Value
from datasets import Sequence as HFSequence

from framing.corpus import Annotation, Corpus, Sentence
from framing.segment import Segmenter

log = logging.getLogger(__name__)

STANCE = "stance"
FRAMING = "framing"
TASKS = (STANCE, FRAMING)


class TaskError(ValueError):
    """A task cannot be built as configured (one clear line for the user)."""


def columns(examples: Any, names: Sequence[str]) -> dict[str, list]:
    """Whole columns as Python lists, in one conversion.

    Indexing a :class:`datasets.Dataset` by column name gives a lazy column whose
    iteration converts one row at a time; this reads the batch at once. Plain
    mappings of lists (e.g. from :func:`framing.predict`) pass through.
    """
    if isinstance(examples, Dataset):
        if len(examples) == 0:
            return {n: [] for n in names}
        return examples.select_columns(list(names))[:]
    return {n: list(examples[n]) for n in names}


def _span_list() -> HFSequence:
    return HFSequence(HFSequence(Value("int32")))


def example_features(task: str, multilabel: bool = False) -> Features:
    feats: dict[str, Any] = {
        "example_id": Value("string"),
        "article_id": Value("string"),
        "sentence_index": Value("int32"),
        "start": Value("int32"),
        "end": Value("int32"),
        "sentence": Value("string"),
        "actor": Value("string"),
        "target_spans": _span_list(),
        "other_spans": _span_list(),
        "actors_in_sentence": HFSequence(Value("string")),
        "n_actors": Value("int32"),
        "source": Value("string"),
        "date": Value("string"),
        "label": HFSequence(Value("string")) if multilabel else Value("string"),
    }
    return Features(feats)


def _relative_spans(
    sentence: Sentence, actor: str, extra: Sequence[dict[str, Any]]
) -> tuple[list[list[int]], list[list[int]]]:
    target, other = [], []
    for m in sentence.mentions:
        if not m.is_actor:  # "Russian" the language is no mention of Russia
            continue
        (target if m.actor == actor else other).append(
            [m.start - sentence.start, m.end - sentence.start]
        )
    for m in extra:
        if m.get("sense", "actor") != "actor":
            continue
        s, e = int(m["start"]) - sentence.start, int(m["end"]) - sentence.start
        if 0 <= s < e <= sentence.end - sentence.start:
            (target if m.get("actor") == actor else other).append([s, e])
    return sorted(target), sorted(other)


def _sentence_for(
    ann: Annotation, sentences: list[Sentence], starts: list[int], text: str
) -> Sentence:
    i = bisect.bisect_left(starts, ann.start)
    if i < len(sentences) and sentences[i].start == ann.start and sentences[i].end == ann.end:
        return sentences[i]
    # not on a splitter boundary (validate reports it): keep the annotated span
    sub = Sentence(ann.article_id, -1, ann.start, ann.end, text[ann.start : ann.end])
    sub.mentions = [
        m for s in sentences for m in s.mentions if ann.start <= m.start and m.end <= ann.end
    ]
    return sub


def corpus_examples(
    corpus: Corpus,
    task: str,
    segmenter: Segmenter,
    labels: Sequence[str],
    multilabel: bool = False,
    actors: Iterable[str] | None = None,
) -> Dataset:
    """Examples of ``task`` from an annotated corpus, as a :class:`datasets.Dataset`.

    Raises :class:`TaskError` when the data hold a label missing from ``labels``
    or no example at all.
    """
    if task not in TASKS:
        raise TaskError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    keep_actors = set(actors) if actors is not None else None
    label_set = set(labels)
    rows: list[dict[str, Any]] = []
    unknown: dict[str, int] = {}
    for art_id, anns in sorted(corpus.annotations_by_article().items()):
        article = corpus.articles.get(art_id)
        if article is None:
            log.warning("annotations for unknown article %s skipped", art_id)
            continue
        seg = segmenter.segment(article)
        starts = [s.start for s in seg.sentences]
        for ann in anns:
            sentence = _sentence_for(ann, seg.sentences, starts, seg.text)
            base = {
                "article_id": art_id,
                "sentence_index": sentence.index,
                "start": sentence.start,
                "end": sentence.end,
                "sentence": sentence.text,
                "actors_in_sentence": sorted(set(sentence.actors) | set(ann.stance)),
                "n_actors": len(set(sentence.actors) | set(ann.stance)),
                "source": article.source or "",
                "date": article.date or "",
            }
            extra = ann.meta.get("mentions") or []
            if task == STANCE:
                for actor, label in sorted(ann.stance.items()):
                    if keep_actors is not None and actor not in keep_actors:
                        continue
                    if label not in label_set:
                        unknown[label] = unknown.get(label, 0) + 1
                        continue
                    target, other = _relative_spans(sentence, actor, extra)
                    rows.append(
                        {
                            **base,
                            "example_id": f"{art_id}:{ann.start}-{ann.end}:{actor}",
                            "actor": actor,
                            "target_spans": target,
                            "other_spans": other,
                            "label": label,
                        }
                    )
            else:
                frames = ann.meta.get("frames") if multilabel else None
                frames = list(frames) if frames else ([ann.frame] if ann.frame else [])
                if not frames:
                    continue
                bad = [f for f in frames if f not in label_set]
                for f in bad:
                    unknown[f] = unknown.get(f, 0) + 1
                if bad:
                    continue
                _, other = _relative_spans(sentence, "", extra)
                rows.append(
                    {
                        **base,
                        "example_id": f"{art_id}:{ann.start}-{ann.end}",
                        "actor": "",
                        "target_spans": [],
                        "other_spans": other,
                        "label": frames if multilabel else frames[0],
                    }
                )
    if unknown:
        listed = ", ".join(f"{k!r} ({v}x)" for k, v in sorted(unknown.items()))
        raise TaskError(
            f"{corpus.path}: {task} labels {listed} are not in the task's label set {list(labels)}"
        )
    if not rows:
        raise TaskError(f"{corpus.path}: no {task} examples (no annotations with {task} labels)")
    return Dataset.from_list(rows, features=example_features(task, multilabel))
