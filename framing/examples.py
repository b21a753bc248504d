"""The example format: one row per unit a model classifies, built in one place.

A **stance** example is one (sentence, actor) pair; a **framing** example is one
sentence (``actor`` empty). Both carry the sentence text and two lists of mention
spans relative to the sentence: ``target_spans`` (the actor's) and ``other_spans``
(every other actor's), so models can be target-aware.

* :func:`example_row` / :func:`example_features` — a full example (ids, offsets,
  metadata, label) as a row of a :class:`datasets.Dataset`; built by the corpus
  tasks (:mod:`framing.tasks`) and the public sets (:mod:`framing.public_sets`);
* :class:`ModelInputs` — the columns a model's ``predict_proba`` reads
  (:data:`INPUT_COLUMNS`), built at inference (:mod:`framing.engine`,
  :class:`framing.framing_model.FramingModel`);
* :func:`relative_spans` — the target / other spans of a segmented sentence;
* :func:`example_id` — the id of a sentence or a (sentence, actor) pair of an article;
* :func:`columns` — whole columns of a Dataset (or a mapping of lists) as lists.

Models depend on this module, never on the tasks.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datasets import Features

    from framing.corpus import Sentence

# the columns every model reads
INPUT_COLUMNS = ("sentence", "target_spans", "other_spans", "actor")


def columns(examples: Any, names: Sequence[str]) -> dict[str, list]:
    """Whole columns as Python lists, in one conversion.

    Indexing a :class:`datasets.Dataset` by column name gives a lazy column whose
    iteration converts one row at a time; this reads the batch at once. Plain
    mappings of lists (e.g. :class:`ModelInputs` columns) pass through.
    """
    # a Dataset exists only once ``datasets`` is imported: do not import it (and with it
    # torch) just to ask, so predicting with a scikit-learn model stays light
    dataset_cls = getattr(sys.modules.get("datasets"), "Dataset", None)
    if dataset_cls is not None and isinstance(examples, dataset_cls):
        if len(examples) == 0:
            return {n: [] for n in names}
        return examples.select_columns(list(names))[:]
    return {n: list(examples[n]) for n in names}


def example_features(task: str, multilabel: bool = False) -> Features:
    """The :class:`datasets.Features` of examples (``label`` a list when multi-label)."""
    from datasets import Features, Value
    from datasets import Sequence as HFSequence

    span_list = HFSequence(HFSequence(Value("int32")))
    feats: dict[str, Any] = {
        "example_id": Value("string"),
        "article_id": Value("string"),
        "sentence_index": Value("int32"),
        "start": Value("int32"),
        "end": Value("int32"),
        "sentence": Value("string"),
        "actor": Value("string"),
        "target_spans": span_list,
        "other_spans": span_list,
        "actors_in_sentence": HFSequence(Value("string")),
        "n_actors": Value("int32"),
        "source": Value("string"),
        "date": Value("string"),
        "label": HFSequence(Value("string")) if multilabel else Value("string"),
    }
    return Features(feats)


def example_row(
    *,
    example_id: str,
    article_id: str,
    sentence: str,
    actor: str,
    target_spans: list[list[int]],
    other_spans: list[list[int]],
    label: Any,
    sentence_index: int = 0,
    start: int = 0,
    end: int | None = None,
    actors_in_sentence: Sequence[str] = (),
    n_actors: int | None = None,
    source: str = "",
    date: str = "",
) -> dict[str, Any]:
    """One example as a row of :func:`example_features` (``end`` defaults to the
    sentence's length, ``n_actors`` to the number of ``actors_in_sentence``)."""
    return {
        "example_id": example_id,
        "article_id": article_id,
        "sentence_index": sentence_index,
        "start": start,
        "end": len(sentence) if end is None else end,
        "sentence": sentence,
        "actor": actor,
        "target_spans": target_spans,
        "other_spans": other_spans,
        "actors_in_sentence": list(actors_in_sentence),
        "n_actors": len(actors_in_sentence) if n_actors is None else n_actors,
        "source": source,
        "date": date,
        "label": label,
    }


def example_id(article_id: str, start: int, end: int, actor: str = "") -> str:
    """The id of the sentence at ``start``–``end`` of an article, ``<article_id>:<start>-<end>``,
    or of the pair (that sentence, ``actor``), ``…:<actor>``: the same in a run's
    predictions (built from the corpus) and in ``framing predict`` rows."""
    key = f"{article_id}:{start}-{end}"
    return f"{key}:{actor}" if actor else key


def relative_spans(
    sentence: Sentence, actor: str, extra: Sequence[dict[str, Any]] = ()
) -> tuple[list[list[int]], list[list[int]]]:
    """``(target, other)``: the spans of ``actor``'s mentions and of every other actor's
    in ``sentence``, relative to its start and sorted. ``extra`` adds mentions the
    lexicon cannot find (``{"actor", "start", "end"}`` in article offsets); those
    outside the sentence are ignored. Mentions judged not the actor (``is_actor`` false,
    an ``extra`` with a ``sense`` other than ``"actor"``) are left out: "Russian" the
    language is no mention of Russia. A pair detector's mention (``how`` ``model``)
    names no words, so it gives no span: the model sees the pair as it sees a target
    given without one."""
    target, other = [], []
    for m in sentence.mentions:
        if not m.is_actor or m.how == "model":
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


class ModelInputs:
    """The :data:`INPUT_COLUMNS` of examples built one by one (inference).

    :meth:`add_stance` adds one (sentence, actor) pair, :meth:`add_framing` one
    sentence; :attr:`columns` is the mapping of lists ``predict_proba`` takes.
    """

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {c: [] for c in INPUT_COLUMNS}

    def __len__(self) -> int:
        return len(self.columns["sentence"])

    def add(self, sentence: str, actor: str, target: list, other: list) -> None:
        self.columns["sentence"].append(sentence)
        self.columns["target_spans"].append(target)
        self.columns["other_spans"].append(other)
        self.columns["actor"].append(actor)

    def add_stance(self, sentence: Sentence, actor: str) -> list[list[int]]:
        """Add the pair (``sentence``, ``actor``); returns the actor's spans."""
        target, other = relative_spans(sentence, actor)
        self.add(sentence.text, actor, target, other)
        return target

    def add_framing(self, sentence: Sentence, other: list[list[int]] | None = None) -> None:
        """Add ``sentence`` (``other``: the actor spans, when not its own mentions')."""
        if other is None:
            _, other = relative_spans(sentence, "")
        self.add(sentence.text, "", [], other)
