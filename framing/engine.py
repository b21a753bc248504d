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
from typing import TYPE_CHECKING, Any

from framing.corpus import Article
from framing.examples import ModelInputs, relative_spans
from framing.framing_model import DEFAULT_BATCH_SIZE, FramingModel
from framing.io import RecordError
from framing.predictions import PredictError, output_fields

if TYPE_CHECKING:
    from framing.corpus import Sentence

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
    # per sentence: the actors to predict stance for (lexicon order)
    actors: list[list[str]]
    frame_mentions: list[list[list[int]]] | None = None
    n_stance: int = 0
    n_frame: int = 0


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
    model's segmenter when there is one (stance pairs are the lexicon's mentions), else
    from the framing model's.
    """

    def __init__(
        self,
        stance: FramingModel | None = None,
        frame: FramingModel | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
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
        main = stance or frame
        assert main is not None
        self.segmenter = main.segmenter
        self._frame_lexicon = None
        if stance is not None and frame is not None:
            if frame.splitter != stance.splitter:
                log.warning(
                    "the framing model was trained on sentences split by %r, the stance model "
                    "by %r; both see the stance model's sentences",
                    frame.splitter,
                    stance.splitter,
                )
            if frame.manifest.get("actors") != stance.manifest.get("actors"):
                self._frame_lexicon = frame.segmenter.lexicon

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
        if self.stance is not None:
            doc.actors = [s.actors for s in seg.sentences]
            doc.n_stance = sum(len(a) for a in doc.actors)
        if self.frame is not None:
            doc.n_frame = len(seg.sentences)
            if self._frame_lexicon is not None:
                doc.frame_mentions = [
                    [[m.start, m.end] for m in self._frame_lexicon.find(s.text)]
                    for s in seg.sentences
                ]
        return doc

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
                        inputs.add_stance(sentence, actor)
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
        stance_cols = [f"p_{lab}" for lab in self.stance.labels] if self.stance else []
        frame_cols = [f"frame_p_{lab}" for lab in self.frame.labels] if self.frame else []
        stance_id = self.stance.model_id if self.stance else None
        frame_id = self.frame.model_id if self.frame else None
        for doc in docs:
            art = doc.article
            rows: list[dict[str, Any]] = []
            for k, sentence in enumerate(doc.sentences):
                base = {
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
                        "frame": frame_lab[fi],
                        **dict(zip(frame_cols, frame_p[fi], strict=True)),
                    }
                    fi += 1
                actors = doc.actors[k] if self.stance is not None else []
                for actor in actors:
                    row = {
                        **base,
                        "actor": actor,
                        "mentions": relative_spans(sentence, actor)[0],
                        "stance": stance_lab[si],
                        **dict(zip(stance_cols, stance_p[si], strict=True)),
                        **frame_part,
                    }
                    si += 1
                    rows.append(row)
                if not actors and self.frame is not None:
                    row = {**base, "actor": "", "mentions": []}
                    if self.stance is not None:
                        row["stance"] = None
                        row.update(dict.fromkeys(stance_cols))
                    row.update(frame_part)
                    rows.append(row)
            for row in rows:
                if stance_id is not None:
                    row["stance_model"] = stance_id
                if frame_id is not None:
                    row["frame_model"] = frame_id
            yield ArticleResult(art, rows, len(doc.sentences), doc.n_stance + doc.n_frame)
