"""Annotation tasks: one per sentence, with its actor mentions and the model's scores.

A task carries what either tool needs to show the sentence and what the importer
needs to map the labels back: the article id and the sentence's offsets in the
cleaned article text, the mentions (offsets relative to the sentence) and the
pre-annotation scores of a stance and/or a framing model.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from framing.corpus import Article, Mention
from framing.io import RecordError
from framing.segment import Segmenter

log = logging.getLogger(__name__)

NOT_ACTOR = "not_actor"  # the label an annotator gives a highlighted mention that is not the actor


def task_id(article_id: str, start: int, end: int) -> str:
    """The key of a sentence across export and import: ``article:start-end``."""
    return f"{article_id}:{start}-{end}"


@dataclass(slots=True)
class AnnotationTask:
    article_id: str
    index: int
    start: int  # offsets of the sentence in the cleaned article text
    end: int
    text: str
    mentions: list[Mention] = field(default_factory=list)  # relative to ``text``
    stance_scores: dict[str, dict[str, float]] = field(default_factory=dict)  # actor → label → p
    frame_scores: dict[str, float] = field(default_factory=dict)  # label → p
    model_ids: dict[str, str] = field(default_factory=dict)  # task → model id

    @property
    def id(self) -> str:
        return task_id(self.article_id, self.start, self.end)

    @property
    def actors(self) -> list[str]:
        return list(dict.fromkeys(m.actor for m in self.mentions))

    def meta(self) -> dict[str, Any]:
        """The keys both exports carry so an import maps back exactly."""
        return {
            "task_id": self.id,
            "article_id": self.article_id,
            "sentence_index": self.index,
            "sentence_start": self.start,
            "sentence_end": self.end,
            "mentions": [m.to_record() for m in self.mentions],
        }

    def scores(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.stance_scores:
            out["stance"] = self.stance_scores
        if self.frame_scores:
            out["frame"] = self.frame_scores
        if self.model_ids:
            out["models"] = self.model_ids
        return out


def best(scores: dict[str, float]) -> tuple[str, float]:
    """The top label and its probability."""
    label = max(scores, key=scores.__getitem__)
    return label, scores[label]


def _probabilities(frame: Any, labels: Sequence[str]) -> list[dict[str, float]]:
    cols = [f"p_{lab}" for lab in labels]
    return [
        {lab: round(float(p), 4) for lab, p in zip(labels, row, strict=True)}
        for row in frame[cols].to_numpy()
    ]


def score_tasks(tasks: list[AnnotationTask], models: Iterable[Any]) -> None:
    """Fill the tasks' scores in place from loaded models (``framing.load_model``)."""
    texts = [t.text for t in tasks]
    for model in models:
        if not tasks:
            return
        if model.task == "stance":
            proba = model.predict_proba(texts, actors=[t.actors for t in tasks])
            for row, p in zip(proba.itertuples(), _probabilities(proba, model.labels), strict=True):
                tasks[row.sentence_index].stance_scores[row.actor] = p
        else:
            proba = model.predict_proba(texts)
            for row, p in zip(proba.itertuples(), _probabilities(proba, model.labels), strict=True):
                tasks[row.sentence_index].frame_scores = p
        for t in tasks:
            t.model_ids[model.task] = model.model_id


def build_tasks(
    articles: Iterable[Article | RecordError],
    segmenter: Segmenter,
    models: Sequence[Any] = (),
    only_with_actors: bool = False,
    keep: set[str] | None = None,
) -> Iterator[AnnotationTask | RecordError]:
    """Tasks for every sentence of every article (bad input records passed through).

    ``only_with_actors`` drops sentences without a mention; ``keep`` (task ids)
    keeps only those sentences, e.g. the ones ``framing annotate select`` chose.
    """
    for item in articles:
        if isinstance(item, RecordError):
            yield item
            continue
        seg = segmenter.segment(item)
        tasks = []
        for s in seg.sentences:
            if only_with_actors and not s.mentions:
                continue
            if keep is not None and task_id(item.id, s.start, s.end) not in keep:
                continue
            rel = [m._replace(start=m.start - s.start, end=m.end - s.start) for m in s.mentions]
            tasks.append(AnnotationTask(item.id, s.index, s.start, s.end, s.text, rel))
        score_tasks(tasks, models)
        yield from tasks
