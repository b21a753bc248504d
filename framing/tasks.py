"""Tasks: how examples and label sets are built from an annotated corpus.

* **stance** — one example per (annotated sentence, actor in its stance map);
  the example carries the target's mention spans and the other actors' spans
  (offsets relative to the sentence) so models can be target-aware.
* **framing** — one example per annotated sentence with its primary frame
  (or, with ``multilabel``, its list of frames).

Mentions come from the actor lexicon; an annotation may add spans the lexicon
cannot find with a ``mentions`` list of ``{"actor", "start", "end"}`` in article
offsets (e.g. a pronoun). Examples are a :class:`datasets.Dataset` of
:func:`framing.examples.example_row` rows.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from framing.corpus import Annotation, Corpus, Sentence
from framing.examples import columns, example_features, example_id, example_row, relative_spans

if TYPE_CHECKING:
    from datasets import Dataset

    from framing.segment import Segmenter

__all__ = [
    "FRAMING",
    "STANCE",
    "TASKS",
    "TaskError",
    "columns",
    "corpus_examples",
    "example_features",
]
log = logging.getLogger(__name__)

STANCE = "stance"
FRAMING = "framing"
TASKS = (STANCE, FRAMING)


class TaskError(ValueError):
    """A task cannot be built as configured (one clear line for the user)."""


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
            in_sentence = sorted(set(sentence.actors) | set(ann.stance))
            base = {
                "article_id": art_id,
                "sentence_index": sentence.index,
                "start": sentence.start,
                "end": sentence.end,
                "sentence": sentence.text,
                "actors_in_sentence": in_sentence,
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
                    target, other = relative_spans(sentence, actor, extra)
                    rows.append(
                        example_row(
                            **base,
                            example_id=example_id(art_id, ann.start, ann.end, actor),
                            actor=actor,
                            target_spans=target,
                            other_spans=other,
                            label=label,
                        )
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
                _, other = relative_spans(sentence, "", extra)
                rows.append(
                    example_row(
                        **base,
                        example_id=example_id(art_id, ann.start, ann.end),
                        actor="",
                        target_spans=[],
                        other_spans=other,
                        label=frames if multilabel else frames[0],
                    )
                )
    if unknown:
        listed = ", ".join(f"{k!r} ({v}x)" for k, v in sorted(unknown.items()))
        raise TaskError(
            f"{corpus.path}: {task} labels {listed} are not in the task's label set {list(labels)}"
        )
    if not rows:
        raise TaskError(f"{corpus.path}: no {task} examples (no annotations with {task} labels)")
    from datasets import Dataset

    return Dataset.from_list(rows, features=example_features(task, multilabel))
