"""The prediction engine: segmented articles → batched (sentence, actor) pairs → rows.

:class:`Predictor` streams articles through a stance and/or a framing model. New
articles take the very path training data took: :class:`framing.segment.Segmenter`
(clean → split → match, with the actor config and splitter saved in the model's
manifest) → :class:`framing.examples.ModelInputs` → ``model.predict_proba`` →
:func:`framing.labels.decide`. Rows are in the inference format of
:mod:`framing.predictions`.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from framing.corpus import Article, Sentence
from framing.examples import ModelInputs, example_id, relative_spans
from framing.framing_model import DEFAULT_BATCH_SIZE, FramingModel
from framing.given_targets import actors_of, locate, parse_targets, sentence_targets, spans_for
from framing.io import RecordError
from framing.predictions import (
    PredictError,
    label_column,
    model_column,
    output_fields,
    probability_columns,
)

log = logging.getLogger("framing.predict")


@dataclass(slots=True)
class ArticleFailure:
    """An article (or input record) that could not be predicted."""

    where: str
    reason: str
    article_id: str | None = None
    stage: str = "read"

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"where": self.where, "reason": self.reason, "stage": self.stage}
        if self.article_id is not None:
            record["article_id"] = self.article_id
        return record


@dataclass(slots=True)
class ArticleResult:
    """The rows of one article, all predicted."""

    article: Article
    rows: list[dict[str, Any]]
    n_sentences: int = 0
    n_pairs: int = 0


@dataclass(slots=True)
class _Doc:
    article: Article
    sentences: list[Sentence]
    # per sentence: the actors to predict stance for (order of first mention)
    actors: list[list[str]]
    frame_mentions: list[list[list[int]]] | None = None
    # per sentence: the mentions given with the input (--targets-from), else None
    given: list[list[dict[str, Any]]] | None = None
    n_stance: int = 0
    n_frame: int = 0


def pair_actors(sentence: Sentence, keep_not_actor: bool = False) -> list[str]:
    """The actors of a sentence's stance pairs, in order of first mention: those with a
    mention judged to be the actor, and with ``keep_not_actor`` also those whose every
    mention is judged not the actor ("Russian" the language)."""
    if keep_not_actor:
        return list(dict.fromkeys(m.actor for m in sentence.mentions))
    return sentence.actors


def evidence(sentence: Sentence, actor: str) -> tuple[list[dict[str, Any]], str]:
    """``(mentions, sense)`` of one pair: every mention of ``actor`` in the sentence
    (surface, offsets relative to the sentence, ambiguous flag, sense, sense_reason,
    how found) and the pair's sense, ``"actor"`` when any mention is judged the actor,
    else ``"not_actor"``."""
    out = []
    sense = "not_actor"
    for m in sentence.mentions:
        if m.actor != actor:
            continue
        rec = m.to_record()
        del rec["actor"]
        rec["start"] -= sentence.start
        rec["end"] -= sentence.start
        out.append(rec)
        if m.is_actor:
            sense = "actor"
    return out, sense


def _where(article: Article) -> str:
    return article.origin or f"article {article.id!r}"


def shard_of(key: str, n: int) -> int:
    """The shard (``0 … n-1``) of an article id: ``zlib.crc32(utf-8 id) % n``."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % n


def parse_shard(spec: str) -> tuple[int, int]:
    """``"I/N"`` → ``(I, N)`` with ``0 <= I < N``."""
    try:
        i, n = (int(x) for x in spec.split("/"))
    except ValueError:
        raise PredictError(f"--shard {spec!r}: expected I/N, e.g. 0/4") from None
    if n < 1 or not 0 <= i < n:
        raise PredictError(f"--shard {spec!r}: need 0 <= I < N")
    return i, n


class Predictor:
    """Stream articles through a stance and/or a framing model, in batches of pairs.

    :meth:`run` takes articles (or :class:`~framing.io.RecordError` from a reader) and
    yields an :class:`ArticleResult` or an :class:`ArticleFailure` per article, in
    input order within each batch. Sentences and actor mentions come from the stance
    model's segmenter when there is one, else from the framing model's: the one
    :meth:`framing.segment.Segmenter.segment` path of ``framing segment`` (the article's
    date for dated aliases, role nouns, carry-over, mention senses). ``actors``
    overrides the model's actor config (an actor YAML, mapping or lexicon);
    ``pair_detector`` (a :class:`~framing.pair_detector.PairDetector` or its folder) adds
    the pairs a trained detector finds after the rules (``how`` ``"model"``).

    A stance pair is an actor with a mention judged to be the actor; with
    ``keep_not_actor`` the actors whose every mention is judged not the actor
    ("Russian" the language, "Moscow" the venue) get a row too, with ``sense``
    ``"not_actor"``. Every row's ``evidence`` lists its actor's mentions.
    """

    def __init__(
        self,
        stance: FramingModel | None = None,
        frame: FramingModel | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        targets_from: str | None = None,
        *,
        keep_not_actor: bool = False,
        actors: Any = None,
        pair_detector: Any = None,
    ) -> None:
        if stance is None and frame is None:
            raise PredictError("give a stance model, a framing model or both")
        if stance is not None and stance.task != "stance":
            raise PredictError(f"{stance.path}: a {stance.task} model given as the stance model")
        if frame is not None and frame.task != "framing":
            raise PredictError(f"{frame.path}: a {frame.task} model given as the framing model")
        if batch_size < 1:
            raise PredictError("batch size must be at least 1")
        self.stance = stance
        self.frame = frame
        self.batch_size = batch_size
        if targets_from and stance is None:
            raise PredictError("--targets-from gives stance targets: it needs a stance model")
        self.targets_from = targets_from or None  # a record field of given targets
        self.keep_not_actor = keep_not_actor
        main = stance or frame
        assert main is not None
        if actors is not None or pair_detector is not None:
            from framing.segment import Segmenter

            self.segmenter = Segmenter(
                main.segmenter.lexicon if actors is None else actors,
                splitter=main.splitter,
                pair_detector=pair_detector,
            )
        else:
            self.segmenter = main.segmenter
        self._frame_segmenter = None
        if stance is not None and frame is not None:
            if frame.splitter != stance.splitter:
                log.warning(
                    "the framing model was trained on sentences split by %r, the stance model "
                    "by %r; both see the stance model's sentences",
                    frame.splitter,
                    stance.splitter,
                )
            if actors is None and frame.manifest.get("actors") != stance.manifest.get("actors"):
                self._frame_segmenter = frame.segmenter

    @property
    def fields(self) -> list[str]:
        return output_fields(self.stance, self.frame)

    # ------------------------------------------------------------------
    def _segment(self, article: Article) -> _Doc | ArticleFailure:
        from framing.readers import MAX_ARTICLE_CHARS

        if len(article.text) > MAX_ARTICLE_CHARS:
            return ArticleFailure(
                _where(article),
                f"text of {len(article.text):,} characters exceeds {MAX_ARTICLE_CHARS:,}",
                article.id,
            )
        try:
            seg = self.segmenter.segment(article)
        except Exception as exc:  # a bad article must not stop the run
            return ArticleFailure(
                _where(article),
                f"segmentation failed: {type(exc).__name__}: {exc}",
                article.id,
                "segment",
            )
        if not seg.sentences:
            return ArticleFailure(
                _where(article), "no sentences left after cleaning", article.id, "segment"
            )
        doc = _Doc(article, seg.sentences, [[] for _ in seg.sentences])
        if self.stance is not None and self.targets_from is not None:
            given = self._given(article, seg.text, seg.sentences)
            if isinstance(given, ArticleFailure):
                return given
            doc.given = given
            doc.actors = [actors_of(g) for g in given]
            doc.n_stance = sum(len(a) for a in doc.actors)
        elif self.stance is not None:
            doc.actors = [pair_actors(s, self.keep_not_actor) for s in seg.sentences]
            doc.n_stance = sum(len(a) for a in doc.actors)
        if self.frame is not None:
            doc.n_frame = len(seg.sentences)
            if self._frame_segmenter is not None:
                # the framing model's own actors, found the same way on the same sentences
                own = self._frame_segmenter.match(
                    [
                        Sentence(s.article_id, s.index, s.start, s.end, s.text)
                        for s in seg.sentences
                    ],
                    seg.text,
                    article.date,
                )
                doc.frame_mentions = [
                    [[m.start - s.start, m.end - s.start] for m in s.mentions if m.is_actor]
                    for s in own
                ]
        return doc

    def _given(self, article: Article, text: str, sentences: list[Sentence]):
        """Per sentence, the mentions of the targets in the article's ``targets_from`` field."""
        field = self.targets_from
        assert field is not None
        if article.meta.get(field) is None:
            return ArticleFailure(_where(article), f"no targets field {field!r}", article.id)
        try:
            targets = parse_targets(article.meta[field], article.text, _where(article), field)
        except RecordError as exc:
            return ArticleFailure(exc.where, exc.reason, article.id)
        mentions = locate(targets, article.text, text)
        return [sentence_targets(mentions, s.start, s.end) for s in sentences]

    def _spans(self, doc: _Doc, k: int, sentence: Sentence, actor: str) -> tuple[list, list]:
        if doc.given is not None:
            return spans_for(doc.given[k], actor, sentence.start)
        return relative_spans(sentence, actor)

    def run(
        self, items: Iterable[Article | RecordError | ArticleFailure]
    ) -> Iterator[ArticleResult | ArticleFailure]:
        pending: list[_Doc] = []
        n_pairs = 0
        for item in items:
            if isinstance(item, ArticleFailure):
                yield item
                continue
            if isinstance(item, RecordError):
                yield ArticleFailure(item.where, item.reason)
                continue
            doc = self._segment(item)
            if isinstance(doc, ArticleFailure):
                yield doc
                continue
            pending.append(doc)
            n_pairs += max(doc.n_stance, doc.n_frame)
            if n_pairs >= self.batch_size:
                yield from self._flush(pending)
                pending, n_pairs = [], 0
        if pending:
            yield from self._flush(pending)

    def _flush(self, docs: list[_Doc]) -> Iterator[ArticleResult | ArticleFailure]:
        try:
            results: list[ArticleResult | ArticleFailure] = list(self._predict(docs))
        except Exception as exc:
            if len(docs) == 1:
                results = [self._failure(docs[0], exc)]
            else:  # find the article(s) that fail; the others are kept
                log.debug("batch of %d articles failed (%s); retrying one by one", len(docs), exc)
                results = []
                for doc in docs:
                    try:
                        results.extend(self._predict([doc]))
                    except Exception as one:
                        results.append(self._failure(doc, one))
        yield from results

    @staticmethod
    def _failure(doc: _Doc, exc: Exception) -> ArticleFailure:
        return ArticleFailure(
            _where(doc.article),
            f"prediction failed: {type(exc).__name__}: {exc}",
            doc.article.id,
            "predict",
        )

    def _examples(self, docs: list[_Doc], stance: bool) -> dict[str, list[Any]]:
        inputs = ModelInputs()
        for doc in docs:
            for k, sentence in enumerate(doc.sentences):
                if stance:
                    for actor in doc.actors[k]:
                        inputs.add(sentence.text, actor, *self._spans(doc, k, sentence, actor))
                else:
                    other = doc.frame_mentions[k] if doc.frame_mentions is not None else None
                    inputs.add_framing(sentence, other)
        return inputs.columns

    def _predict(self, docs: list[_Doc]) -> Iterator[ArticleResult]:
        stance_p = stance_lab = frame_p = frame_lab = None
        if self.stance is not None:
            proba = self.stance.predict_examples(self._examples(docs, True), self.batch_size)
            stance_lab = self.stance.decide(proba)
            stance_p = proba.round(6).tolist()
        if self.frame is not None:
            proba = self.frame.predict_examples(self._examples(docs, False), self.batch_size)
            frame_lab = self.frame.decide(proba)
            frame_p = proba.round(6).tolist()
        si = fi = 0
        stance_cols = probability_columns("stance", self.stance.labels) if self.stance else []
        frame_cols = probability_columns("framing", self.frame.labels) if self.frame else []
        stance_col, frame_col = label_column("stance"), label_column("framing")
        model_ids = {
            model_column(m.task): m.model_id for m in (self.stance, self.frame) if m is not None
        }
        for doc in docs:
            art = doc.article
            rows: list[dict[str, Any]] = []
            for k, sentence in enumerate(doc.sentences):
                base = {
                    "example_id": example_id(art.id, sentence.start, sentence.end),
                    "article_id": art.id,
                    "source": art.source,
                    "date": art.date,
                    "sentence_index": sentence.index,
                    "start": sentence.start,
                    "end": sentence.end,
                    "sentence": sentence.text,
                }
                frame_part: dict[str, Any] = {}
                if frame_p is not None:
                    frame_part = {
                        frame_col: frame_lab[fi],
                        **dict(zip(frame_cols, frame_p[fi], strict=True)),
                    }
                    fi += 1
                actors = doc.actors[k] if self.stance is not None else []
                for actor in actors:
                    found, sense = evidence(sentence, actor)
                    if doc.given is not None:
                        sense = "actor"  # the input names the target (--targets-from)
                    row = {
                        **base,
                        "example_id": example_id(art.id, sentence.start, sentence.end, actor),
                        "actor": actor,
                        "mentions": self._spans(doc, k, sentence, actor)[0],
                        "evidence": found,
                        "sense": sense,
                        stance_col: stance_lab[si],
                        **dict(zip(stance_cols, stance_p[si], strict=True)),
                        **frame_part,
                    }
                    si += 1
                    rows.append(row)
                if not actors and self.frame is not None:
                    row = {**base, "actor": "", "mentions": [], "evidence": [], "sense": None}
                    if self.stance is not None:
                        row[stance_col] = None
                        row.update(dict.fromkeys(stance_cols))
                    row.update(frame_part)
                    rows.append(row)
            for row in rows:
                row.update(model_ids)
            yield ArticleResult(art, rows, len(doc.sentences), doc.n_stance + doc.n_frame)
