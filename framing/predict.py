"""Inference over new articles with saved models: ``framing predict`` and the Python API.

New articles take the very path training data took: :func:`framing.readers.read_articles`
→ :class:`framing.segment.Segmenter` (clean → split → match, with the actor config and
splitter saved in the model's manifest) → examples → ``model.predict_proba``.

Output rows (JSONL, CSV or Parquet, chosen by the output's extension), in this order:

* ``article_id``, ``source``, ``date``;
* ``sentence_index``, ``start``, ``end`` (offsets into the cleaned article body) and
  ``sentence``;
* ``actor`` and ``mentions`` — the actor's mention spans ``[[start, end], …]``,
  relative to the sentence (empty for a row without an actor);
* with a stance model: ``stance`` and ``p_<label>`` per stance label;
* with a framing model: ``frame`` (a list of frames for a multi-label model) and
  ``frame_p_<label>`` per frame label;
* ``stance_model`` / ``frame_model``: the ids of the models that predicted.

A stance model gives one row per (sentence, actor the lexicon finds in it); a framing
model one row per sentence. Given together, the rows are one per (sentence, actor) with
the sentence's frame alongside, and a sentence without any actor gets one row with an
empty actor and the frame only.

Scale and safety: input is streamed and predicted in batches of ``batch_size`` pairs
(the model does its own, model-specific batching inside); ``shard`` keeps the articles
whose ``zlib.crc32(id) % N == I``; ``resume`` skips the articles already in the output
and appends to it; a bad article goes to ``<output>.errors.jsonl`` and the run goes
on; every file is written to a temporary file and renamed into place; an interrupt
(Ctrl-C, or SIGTERM from the command line) keeps the whole articles written so far
under the output name, so ``--resume`` continues where it stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import logging
import os
import signal
import sys
import tempfile
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from framing.corpus import Article
from framing.io import RecordError, dumps, target_mode

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from framing.corpus import Sentence
    from framing.readers import Columns
    from framing.segment import Segmenter

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 2048  # pairs per predict_proba call
PARQUET_ROW_GROUP = 20_000  # rows buffered per Parquet row group
OUTPUT_SUFFIXES = (".jsonl", ".csv", ".parquet")
KEY_FIELDS = [
    "article_id",
    "source",
    "date",
    "sentence_index",
    "start",
    "end",
    "sentence",
    "actor",
    "mentions",
]


class PredictError(ValueError):
    """Prediction cannot run as asked (one clear line for the user)."""


class ModelVersionWarning(UserWarning):
    """A model was trained with a different version of the package than the running one."""


def package_version() -> str:
    """The installed version of ``framing`` (``"unknown"`` when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("framing")
    except PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------------------
# models
def _model_id(manifest: dict[str, Any], directory: Path) -> str:
    """A short, stable id: the model's name and a hash of its manifest (which has its creation time)."""
    name = str(manifest.get("model", {}).get("name") or manifest.get("kind") or "model")
    digest = hashlib.sha1((directory / "manifest.json").read_bytes()).hexdigest()[:10]
    return f"{name}@{digest}"


def _normalize_sentence(text: str) -> str:
    from framing.text.clean import normalize_unicode

    return " ".join(normalize_unicode(text).split())


class FramingModel:
    """A saved stance or framing model, ready for new text.

    Made by :func:`load_model`. Attributes: ``task`` (``"stance"`` or ``"framing"``),
    ``labels``, ``multilabel``, ``manifest`` (the saved manifest), ``trained_with``
    (the ``framing`` version that trained the model), ``model_id``, ``path`` and
    ``model`` (the underlying model object with ``predict_proba(examples)``).

    :meth:`predict` and :meth:`predict_proba` take sentences as strings and return a
    :class:`pandas.DataFrame` with **one row per (sentence, actor) pair** for a stance
    model and one row per sentence for a framing model; column ``sentence_index`` is
    the position of the sentence in the input list.
    """

    def __init__(self, model: Any, manifest: dict[str, Any], path: str | os.PathLike[str]) -> None:
        self.model = model
        self.manifest = manifest
        self.path = Path(path)
        self.task: str = str(model.task)
        self.labels: list[str] = [str(x) for x in model.labels]
        self.multilabel: bool = bool(getattr(model, "multilabel", False))
        self.trained_with: str = str(manifest.get("versions", {}).get("framing", "unknown"))
        self.model_id: str = _model_id(manifest, self.path)
        self._segmenter: Segmenter | None = None

    def __repr__(self) -> str:
        return (
            f"FramingModel(task={self.task!r}, id={self.model_id!r}, labels={self.labels}, "
            f"trained_with={self.trained_with!r}, path={str(self.path)!r})"
        )

    @property
    def splitter(self) -> str:
        return str(self.manifest.get("input_format", {}).get("splitter", "sentencex"))

    @property
    def segmenter(self) -> Segmenter:
        """The clean → split → match path with the model's own actor config and splitter."""
        if self._segmenter is None:
            from framing.segment import Segmenter

            actors = self.manifest.get("actors")
            if actors is None:
                log.warning(
                    "%s: the manifest has no actor config; using the packaged default", self.path
                )
            self._segmenter = Segmenter(actors, splitter=self.splitter)
        return self._segmenter

    @property
    def actors(self) -> list[str]:
        """The canonical actor names of the model's lexicon."""
        return self.segmenter.lexicon.names

    # ------------------------------------------------------------------
    def predict_examples(
        self, examples: Mapping[str, Sequence[Any]], batch_size: int = DEFAULT_BATCH_SIZE
    ) -> np.ndarray:
        """Probabilities ``(n, len(labels))`` for examples (a mapping of lists with keys
        ``sentence``, ``target_spans``, ``other_spans``, ``actor``), fed in chunks of
        ``batch_size``; the model batches further inside as it needs."""
        import numpy as np

        n = len(examples["sentence"])
        out = np.empty((n, len(self.labels)), dtype=float)
        for i in range(0, n, batch_size):
            chunk = {k: list(v[i : i + batch_size]) for k, v in examples.items()}
            proba = np.asarray(self.model.predict_proba(chunk), dtype=float)
            if proba.shape != (len(chunk["sentence"]), len(self.labels)):
                raise RuntimeError(
                    f"model {self.model_id} returned probabilities of shape {proba.shape} for "
                    f"{len(chunk['sentence'])} examples and {len(self.labels)} labels"
                )
            out[i : i + batch_size] = proba
        return out

    def decide(self, proba: np.ndarray) -> list[Any]:
        """Labels from probabilities: the argmax, or for multi-label every label ≥ 0.5
        (the argmax when none is)."""
        return decide(proba, self.labels, self.multilabel)

    def _score(
        self, sentences: Sequence[str] | str, actors: Sequence[Any] | None
    ) -> tuple[list[dict[str, Any]], np.ndarray]:
        if isinstance(sentences, str):
            sentences = [sentences]
        sentences = list(sentences)
        if actors is not None:
            if self.task != "stance":
                raise ValueError(f"actors are for stance models; this is a {self.task} model")
            if isinstance(actors, str) or len(actors) != len(sentences):
                raise ValueError(
                    "actors must hold one entry per sentence: a list of actor names, "
                    "one name, or None for the lexicon's matches"
                )
        lexicon = self.segmenter.lexicon
        known = set(lexicon.names)
        unknown: set[str] = set()
        keys: list[dict[str, Any]] = []
        examples: dict[str, list[Any]] = {
            "sentence": [],
            "target_spans": [],
            "other_spans": [],
            "actor": [],
        }
        for i, raw in enumerate(sentences):
            text = _normalize_sentence(str(raw))
            mentions = lexicon.find(text)
            if self.task == "stance":
                wanted = actors[i] if actors is not None else None
                if wanted is None:
                    names = list(dict.fromkeys(m.actor for m in mentions))
                else:
                    names = [wanted] if isinstance(wanted, str) else [str(a) for a in wanted]
                    unknown.update(a for a in names if a not in known)
            else:
                names = [""]
            for actor in names:
                target = [[m.start, m.end] for m in mentions if m.actor == actor]
                other = [[m.start, m.end] for m in mentions if m.actor != actor]
                keys.append(
                    {"sentence_index": i, "sentence": text, "actor": actor, "mentions": target}
                )
                examples["sentence"].append(text)
                examples["target_spans"].append(target)
                examples["other_spans"].append(other)
                examples["actor"].append(actor)
        if unknown:
            log.warning(
                "actors %s are not in the model's lexicon (%s); predicted without mention spans",
                sorted(unknown),
                ", ".join(sorted(known)),
            )
        import numpy as np

        if not keys:
            return keys, np.empty((0, len(self.labels)))
        return keys, self.predict_examples(examples)

    def _frame(self, keys: list[dict[str, Any]], proba: np.ndarray, with_label: bool):
        import pandas as pd

        df = pd.DataFrame(keys, columns=["sentence_index", "sentence", "actor", "mentions"])
        if with_label:
            df["label"] = self.decide(proba)
        for j, lab in enumerate(self.labels):
            df[f"p_{lab}"] = proba[:, j]
        return df

    def predict_proba(
        self, sentences: Sequence[str] | str, actors: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """Probabilities per (sentence, actor) pair, as a DataFrame.

        Columns: ``sentence_index`` (position in ``sentences``), ``sentence`` (the text
        as the model saw it: unicode repaired, whitespace collapsed), ``actor`` (``""``
        for a framing model), ``mentions`` (the actor's spans in the sentence) and
        ``p_<label>`` per label.

        ``actors`` (stance only): ``None`` takes the actors the model's lexicon finds in
        each sentence (a sentence with none gives no row); otherwise one entry per
        sentence — a list of actor names, one name, or ``None`` for the lexicon's
        matches in that sentence.
        """
        keys, proba = self._score(sentences, actors)
        return self._frame(keys, proba, with_label=False)

    def predict(
        self, sentences: Sequence[str] | str, actors: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """Like :meth:`predict_proba`, with the predicted ``label`` column before the
        probabilities (a list of labels for a multi-label model)."""
        keys, proba = self._score(sentences, actors)
        return self._frame(keys, proba, with_label=True)


def decide(proba: np.ndarray, labels: Sequence[str], multilabel: bool = False) -> list[Any]:
    """Labels from a probability matrix (see :meth:`FramingModel.decide`)."""
    import numpy as np

    labels = list(labels)
    if multilabel:
        out: list[Any] = []
        for row in proba:
            chosen = [labels[j] for j in np.flatnonzero(row >= 0.5)]
            out.append(chosen or [labels[int(row.argmax())]])
        return out
    return [labels[j] for j in proba.argmax(axis=1)] if len(proba) else []


def load_model(path: str | os.PathLike[str] | FramingModel) -> FramingModel:
    """Load a saved model from a run folder (with ``model/``) or a model folder.

    Only safe formats are read (scikit-learn pipelines through skops with a fixed list of
    trusted types, transformers through safetensors; never pickle): a model holding any
    other type is refused with ``ValueError``. The ``framing`` version that trained the
    model is logged and kept in ``trained_with``; a :class:`ModelVersionWarning` is
    issued when it differs from the running version.
    """
    if isinstance(path, FramingModel):
        return path
    from framing.models import load_saved_model, resolve_model_dir

    directory = resolve_model_dir(path)
    model, manifest = load_saved_model(directory)
    loaded = FramingModel(model, manifest, directory)
    running = package_version()
    log.info(
        "%s model %s from %s: trained with framing %s (running %s)",
        loaded.task,
        loaded.model_id,
        directory,
        loaded.trained_with,
        running,
    )
    if loaded.trained_with != running:
        warnings.warn(
            f"{directory}: model trained with framing {loaded.trained_with}, running {running}; "
            "predictions may differ from those measured at training",
            ModelVersionWarning,
            stacklevel=2,
        )
    return loaded


# ---------------------------------------------------------------------------
# the engine: segmented articles → batched pairs → rows
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
        from framing.tasks import _relative_spans

        ex: dict[str, list[Any]] = {
            "sentence": [],
            "target_spans": [],
            "other_spans": [],
            "actor": [],
        }
        for doc in docs:
            for k, sentence in enumerate(doc.sentences):
                if stance:
                    for actor in doc.actors[k]:
                        target, other = _relative_spans(sentence, actor, ())
                        ex["sentence"].append(sentence.text)
                        ex["target_spans"].append(target)
                        ex["other_spans"].append(other)
                        ex["actor"].append(actor)
                else:
                    if doc.frame_mentions is not None:
                        other = doc.frame_mentions[k]
                    else:
                        _, other = _relative_spans(sentence, "", ())
                    ex["sentence"].append(sentence.text)
                    ex["target_spans"].append([])
                    ex["other_spans"].append(other)
                    ex["actor"].append("")
        return ex

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
                        "mentions": [
                            [m.start - sentence.start, m.end - sentence.start]
                            for m in sentence.mentions
                            if m.actor == actor
                        ],
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


def output_fields(stance: FramingModel | None, frame: FramingModel | None) -> list[str]:
    """The output columns, in order, for a stance and/or framing model."""
    fields = list(KEY_FIELDS)
    if stance is not None:
        fields += ["stance", *[f"p_{lab}" for lab in stance.labels]]
    if frame is not None:
        fields += ["frame", *[f"frame_p_{lab}" for lab in frame.labels]]
    if stance is not None:
        fields.append("stance_model")
    if frame is not None:
        fields.append("frame_model")
    return fields


# ---------------------------------------------------------------------------
# interrupts and atomic files
class _DeferSignals:
    """Hold SIGINT/SIGTERM while a block runs (a write, a rename); deliver them after.

    Only in the main thread (elsewhere signals cannot be caught and nothing is held).
    """

    SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None)

    def __enter__(self) -> _DeferSignals:
        self.received: list[int] = []
        self.previous: dict[int, Any] = {}
        if threading.current_thread() is not threading.main_thread():
            return self
        for sig in self.SIGNALS:
            with contextlib.suppress(ValueError, OSError):  # unusual platforms
                self.previous[sig] = signal.signal(sig, self._hold)
        return self

    def _hold(self, signum: int, frame: Any) -> None:
        self.received.append(signum)

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(self.received):
            signal.raise_signal(sig)  # handled now by the restored handler


class _TempFile:
    """A temporary file next to ``path``, renamed over it by :meth:`commit`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        os.chmod(self.tmp, target_mode(path))

    def commit(self) -> None:
        self.tmp.replace(self.path)

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


def _fsync(fh: IO[Any]) -> None:
    fh.flush()
    os.fsync(fh.fileno())


class OutputWriter:
    """Prediction rows to ``path`` (JSONL, CSV or Parquet), through a temporary file.

    With ``resume`` an existing output is read (its article ids are :attr:`done`),
    checked to come from the same models, and copied to the front of the new file.
    :meth:`write_article` takes the rows of one whole article; :meth:`commit` renames
    the file into place (also after an interrupt: it only ever holds whole articles);
    :meth:`discard` drops it, leaving the old output untouched.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        fields: Sequence[str],
        *,
        multilabel_frames: bool = False,
        resume: bool = False,
        model_ids: Mapping[str, str | None] | None = None,
        row_group_size: int = PARQUET_ROW_GROUP,
    ) -> None:
        self.path = Path(path)
        self.model_ids = dict(model_ids or {})
        self.kind = self.path.suffix.lower()
        if self.kind not in OUTPUT_SUFFIXES:
            raise PredictError(
                f"{self.path}: output must end in {', '.join(OUTPUT_SUFFIXES)} (the format)"
            )
        self.fields = list(fields)
        self.multilabel_frames = multilabel_frames
        self.row_group_size = row_group_size
        self.done: set[str] = set()
        self.n_old_rows = 0
        self.n_rows = 0
        self.n_articles = 0
        old = self.path if resume and self.path.exists() else None
        if old is not None:
            self._check_old(old)
        self._temp = _TempFile(self.path)
        self._buffer: list[dict[str, Any]] = []
        self._fh: IO[Any] | None = None
        self._csv: Any = None
        self._parquet: Any = None
        try:
            self._open(old)
        except BaseException:
            self._close_quietly()
            self._temp.discard()
            raise

    # ------------------------------------------------------------------
    def _check_old(self, old: Path) -> None:
        first: dict[str, Any] | None = None
        if self.kind == ".parquet":
            import pyarrow.parquet as pq

            try:
                names = pq.ParquetFile(old).schema_arrow.names
            except Exception as exc:
                raise PredictError(f"{old}: cannot read the existing output: {exc}") from None
        elif self.kind == ".csv":
            with old.open(encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                names = next(reader, None) or []
        else:
            names = None
        for row in iter_prediction_rows(old):
            first = row
            break
        if names is None:
            names = list(first) if first is not None else self.fields
        if names and list(names) != self.fields:
            raise PredictError(
                f"{old}: cannot resume: its columns differ from this run's "
                f"(other models or labels?); write to a new output or drop --resume"
            )
        for key, wanted in self.model_ids.items():
            if first is not None and key in self.fields and first.get(key) != wanted:
                raise PredictError(
                    f"{old}: cannot resume: it was written by {key} {first.get(key)!r}, "
                    f"this run uses {wanted!r}"
                )
        for row in iter_prediction_rows(old, columns=["article_id"]):
            self.done.add(str(row["article_id"]))
            self.n_old_rows += 1

    def _open(self, old: Path | None) -> None:
        if self.kind == ".parquet":
            import pyarrow.parquet as pq

            schema = prediction_schema(self.fields, self.multilabel_frames)
            self._parquet = pq.ParquetWriter(self._temp.tmp, schema)
            if old is not None:
                source = pq.ParquetFile(old)
                for i in range(source.num_row_groups):
                    self._parquet.write_table(source.read_row_group(i).cast(schema))
            return
        self._fh = self._temp.tmp.open("wb")
        if old is not None:
            with old.open("rb") as src:
                size = 0
                last = b""
                while chunk := src.read(1 << 20):
                    self._fh.write(chunk)
                    size += len(chunk)
                    last = chunk[-1:]
                if size and last != b"\n":
                    self._fh.write(b"\n")
                if self.kind == ".csv" and size == 0:
                    self._write_csv_header()
        elif self.kind == ".csv":
            self._write_csv_header()

    def _write_csv_header(self) -> None:
        assert self._fh is not None
        self._fh.write(_csv_line(self.fields))

    # ------------------------------------------------------------------
    def write_article(self, rows: list[dict[str, Any]]) -> None:
        """Write the rows of one whole article (signals are held while writing)."""
        with _DeferSignals():
            if self.kind == ".parquet":
                self._buffer.extend(rows)
                if len(self._buffer) >= self.row_group_size:
                    self._flush_parquet()
            elif self.kind == ".csv":
                assert self._fh is not None
                self._fh.write(b"".join(_csv_line(_csv_values(r, self.fields)) for r in rows))
            else:
                assert self._fh is not None
                self._fh.write("".join(dumps(r) + "\n" for r in rows).encode("utf-8"))
            self.n_rows += len(rows)
            self.n_articles += 1

    def _flush_parquet(self) -> None:
        import pyarrow as pa

        if self._buffer:
            table = pa.Table.from_pylist(self._buffer, schema=self._parquet.schema)
            self._parquet.write_table(table)
            self._buffer = []

    def commit(self) -> None:
        """Finish the file and rename it over the output."""
        with _DeferSignals():
            if self._parquet is not None:
                self._flush_parquet()
                self._parquet.close()
                self._parquet = None
            if self._fh is not None:
                _fsync(self._fh)
                self._fh.close()
                self._fh = None
            self._temp.commit()

    def _close_quietly(self) -> None:
        with contextlib.suppress(Exception):
            if self._parquet is not None:
                self._parquet.close()
        with contextlib.suppress(Exception):
            if self._fh is not None:
                self._fh.close()
        self._parquet = self._fh = None

    def discard(self) -> None:
        self._close_quietly()
        self._temp.discard()


def _csv_line(values: Sequence[Any]) -> bytes:
    import io

    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue().encode("utf-8")


def _csv_values(row: dict[str, Any], fields: Sequence[str]) -> list[Any]:
    out = []
    for f in fields:
        v = row.get(f)
        if v is None:
            v = ""
        elif f == "mentions":
            v = json.dumps(v)
        elif isinstance(v, list):
            v = ";".join(v)
        out.append(v)
    return out


def prediction_schema(fields: Sequence[str], multilabel_frames: bool = False) -> pa.Schema:
    """The Arrow schema of prediction rows (for Parquet output)."""
    import pyarrow as pa

    types = {
        "sentence_index": pa.int32(),
        "start": pa.int64(),
        "end": pa.int64(),
        "mentions": pa.list_(pa.list_(pa.int32())),
        "frame": pa.list_(pa.string()) if multilabel_frames else pa.string(),
    }
    out = []
    for f in fields:
        if f.startswith(("p_", "frame_p_")):
            out.append(pa.field(f, pa.float64()))
        else:
            out.append(pa.field(f, types.get(f, pa.string())))
    return pa.schema(out)


class ErrorLog:
    """Bad articles to ``<output>.errors.jsonl`` (``where``, ``reason``, …), atomically.

    A run rewrites the file: with ``--resume`` the articles that failed before are tried
    again, so the file always lists the input's articles that are not in the output.
    No errors: a stale file from an earlier run is removed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.n = 0
        self._temp = _TempFile(path)
        self._fh = self._temp.tmp.open("w", encoding="utf-8")

    def add(self, failure: ArticleFailure) -> None:
        with _DeferSignals():
            self._fh.write(dumps(failure.to_record()) + "\n")
            self.n += 1

    def commit(self) -> None:
        with _DeferSignals():
            _fsync(self._fh)
            self._fh.close()
            if self.n:
                self._temp.commit()
            else:
                self._temp.discard()
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self._fh.close()
        self._temp.discard()


def error_file(output: str | os.PathLike[str]) -> Path:
    """Where the bad articles of ``output`` go: ``<output>.errors.jsonl``."""
    output = Path(output)
    return output.with_name(output.name + ".errors.jsonl")


# ---------------------------------------------------------------------------
# reading predictions back (resume, summaries, reports)
_INT_FIELDS = ("sentence_index", "start", "end")


def _csv_row(row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k in _INT_FIELDS:
            out[k] = int(v) if v != "" else None
        elif k.startswith(("p_", "frame_p_")):
            out[k] = float(v) if v != "" else None
        elif k == "mentions":
            out[k] = json.loads(v) if v else []
        elif k == "frame" and ";" in v:
            out[k] = v.split(";")
        elif k in ("source", "date", "stance", "frame", "stance_model", "frame_model"):
            out[k] = v if v != "" else None
        else:
            out[k] = v
    return out


def iter_prediction_rows(
    path: str | os.PathLike[str], columns: Sequence[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream the rows of a predictions file (JSONL, CSV or Parquet) as dicts.

    ``columns`` restricts the keys (missing ones are ``None``). CSV values come back
    typed as in JSONL (mentions as lists, numbers as numbers, ``""`` as ``None``).
    """
    path = Path(path)
    kind = path.suffix.lower()
    if kind == ".parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        names = pf.schema_arrow.names
        cols = [c for c in columns if c in names] if columns is not None else None
        for batch in pf.iter_batches(batch_size=10_000, columns=cols):
            for row in batch.to_pylist():
                yield row if columns is None else {c: row.get(c) for c in columns}
        return
    if kind == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            for raw in csv.DictReader(fh):
                if columns is not None:
                    raw = {c: raw.get(c, "") for c in columns}
                yield _csv_row(raw)
        return
    if kind not in (".jsonl", ".ndjson", ".json"):
        raise PredictError(f"{path}: predictions must be .jsonl, .csv or .parquet")
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PredictError(f"{path}:{lineno}: invalid JSON: {exc.msg}") from None
            yield row if columns is None else {c: row.get(c) for c in columns}


def prediction_columns(path: str | os.PathLike[str]) -> list[str]:
    """The column names of a predictions file."""
    path = Path(path)
    kind = path.suffix.lower()
    if kind == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    if kind == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            return next(csv.reader(fh), [])
    for row in iter_prediction_rows(path):
        return list(row)
    return []


def load_predictions(
    path: str | os.PathLike[str], columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """A predictions file as a DataFrame (only ``columns`` when given; streamed in)."""
    import pandas as pd

    names = prediction_columns(path)
    cols = [c for c in columns if c in names] if columns is not None else names
    rows = iter_prediction_rows(path, columns=cols)
    return pd.DataFrame.from_records(rows, columns=cols)


# ---------------------------------------------------------------------------
# the driver
@dataclass
class PredictStats:
    """What a run did."""

    articles_read: int = 0
    articles_written: int = 0
    articles_in_output: int = 0  # with --resume: those already there too
    skipped_done: int = 0
    skipped_shard: int = 0
    errors: int = 0
    rows: int = 0
    pairs: int = 0
    sentences: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    output: Path | None = None
    errors_path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pairs_per_second(self) -> float:
        return self.pairs / self.seconds if self.seconds else 0.0


def _estimate_total(paths: Sequence[Path]) -> int | None:
    """A cheap count of input records for the progress bar (lines of JSONL/CSV, files)."""
    from framing.readers import SUPPORTED

    total = 0
    for path in paths:
        files = (
            [p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUPPORTED]
            if path.is_dir()
            else [path]
        )
        for file in files:
            suffix = file.suffix.lower()
            if suffix in (".jsonl", ".ndjson", ".csv", ".tsv"):
                try:
                    with file.open("rb") as fh:
                        n = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 22), b""))
                except OSError:
                    continue
                total += max(n - (1 if suffix in (".csv", ".tsv") else 0), 0)
            else:
                total += 1
    return total or None


def iter_input(
    items: Iterable[Article | RecordError],
    *,
    shard: tuple[int, int] | None = None,
    done: set[str] | frozenset[str] = frozenset(),
    stats: PredictStats | None = None,
    tick: Callable[[], None] | None = None,
) -> Iterator[Article | RecordError]:
    """Keep this shard's records (by article id; a bad record by where it was read) and
    skip the articles in ``done``."""
    stats = stats if stats is not None else PredictStats()
    for item in items:
        stats.articles_read += 1
        key = item.where if isinstance(item, RecordError) else item.id
        if shard is not None and shard_of(key, shard[1]) != shard[0]:
            stats.skipped_shard += 1
            continue
        if tick is not None:
            tick()
        if isinstance(item, Article) and item.id in done:
            stats.skipped_done += 1
            continue
        yield item


def predict_files(
    inputs: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    models: Sequence[str | os.PathLike[str] | FramingModel],
    *,
    summary: str | os.PathLike[str] | None = None,
    summary_net: str = "label",
    shard: tuple[int, int] | str | None = None,
    resume: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    fmt: str | None = None,
    columns: Columns | None = None,
    progress: bool | None = None,
    row_group_size: int = PARQUET_ROW_GROUP,
) -> PredictStats:
    """Predict every article of ``inputs`` with ``models`` (one stance and/or one framing
    model) into ``output``; see the module docstring for the rows and the guarantees.

    On ``KeyboardInterrupt`` the whole articles written so far are kept under ``output``
    (and the errors so far in the error file), then the interrupt is raised again.
    """
    from tqdm.auto import tqdm

    from framing.readers import Columns, read_articles

    output = Path(output)
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise PredictError(
            f"{output}: output must end in {', '.join(OUTPUT_SUFFIXES)} (the format)"
        )
    if summary is not None and Path(summary).suffix.lower() not in (".csv", ".json"):
        raise PredictError(f"{summary}: a summary must end in .csv or .json")
    if summary_net not in ("label", "probability"):
        raise PredictError(f"summary_net {summary_net!r}: choose label or probability")
    if isinstance(shard, str):
        shard = parse_shard(shard)
    stance, frame = split_models([load_model(m) for m in models])
    predictor = Predictor(stance, frame, batch_size)
    stats = PredictStats(output=output, errors_path=error_file(output))
    writer = OutputWriter(
        output,
        predictor.fields,
        multilabel_frames=bool(frame and frame.multilabel),
        resume=resume,
        model_ids={
            "stance_model": stance.model_id if stance else None,
            "frame_model": frame.model_id if frame else None,
        },
        row_group_size=row_group_size,
    )
    if resume:
        log.info("resuming %s: %d articles already there", output, len(writer.done))
    errors: ErrorLog | None = None
    bar = None
    started = time.perf_counter()
    try:
        errors = ErrorLog(error_file(output))
        in_paths = [Path(p) for p in inputs]
        total = _estimate_total(in_paths) if progress is not False else None
        if total and shard is not None:
            total = -(-total // shard[1])
        bar = tqdm(
            total=total,
            unit=" articles",
            desc="predict",
            disable=None if progress is None else not progress,
            dynamic_ncols=True,
        )
        items = iter_input(
            read_articles(in_paths, fmt=fmt, columns=columns or Columns()),
            shard=shard,
            done=writer.done,
            stats=stats,
            tick=bar.update,
        )
        for result in predictor.run(items):
            if isinstance(result, ArticleFailure):
                log.warning("%s: %s", result.where, result.reason)
                errors.add(result)
                stats.errors += 1
                continue
            writer.write_article(result.rows)
            stats.articles_written += 1
            stats.rows += len(result.rows)
            stats.pairs += result.n_pairs
            stats.sentences += result.n_sentences
            bar.set_postfix(rows=stats.rows, errors=stats.errors, refresh=False)
    except KeyboardInterrupt:
        # everything written is whole articles: keep it under the output name
        stats.interrupted = True
        stats.seconds = time.perf_counter() - started
        if bar is not None:
            bar.close()
        writer.commit()
        if errors is not None:
            errors.commit()
        log.warning(
            "interrupted: %s holds %d whole articles (%d from this run); "
            "rerun with --resume to go on",
            output,
            len(writer.done) + writer.n_articles,
            writer.n_articles,
        )
        raise
    except BaseException:
        if bar is not None:
            bar.close()
        writer.discard()
        if errors is not None:
            errors.discard()
        raise
    stats.seconds = time.perf_counter() - started
    assert bar is not None and errors is not None
    stats.articles_in_output = len(writer.done) + stats.articles_written
    bar.close()
    writer.commit()
    errors.commit()
    if stats.errors:
        log.warning("%d bad article(s) skipped; see %s", stats.errors, errors.path)
    log.info(
        "%d articles, %d sentences, %d pairs -> %d rows in %s (%.0f pairs/s)%s",
        stats.articles_written,
        stats.sentences,
        stats.pairs,
        stats.rows,
        output,
        stats.pairs_per_second,
        f"; {stats.skipped_done} already done" if stats.skipped_done else "",
    )
    if summary is not None:
        from framing.report import summarize_predictions, write_summary

        written = write_summary(summarize_predictions(output, net=summary_net), summary)
        log.info("summary -> %s", ", ".join(str(p) for p in written))
    return stats


def split_models(
    models: Sequence[FramingModel],
) -> tuple[FramingModel | None, FramingModel | None]:
    """``(stance_model, framing_model)`` from up to two models of different tasks."""
    stance = frame = None
    for m in models:
        if m.task == "stance":
            if stance is not None:
                raise PredictError("give at most one stance model")
            stance = m
        elif m.task == "framing":
            if frame is not None:
                raise PredictError("give at most one framing model")
            frame = m
        else:
            raise PredictError(f"{m.path}: unknown task {m.task!r}")
    if stance is None and frame is None:
        raise PredictError("give a stance model, a framing model or both")
    return stance, frame


# ---------------------------------------------------------------------------
# the Python API over articles
def _as_articles(articles: Any) -> Iterator[Article | RecordError]:
    from framing.readers import Columns, _check_size, read_path

    if isinstance(articles, str | os.PathLike | Article | Mapping):
        articles = [articles]
    seen: set[str] = set()
    columns = Columns()
    for i, item in enumerate(articles):
        where = f"articles[{i}]"
        out: Iterable[Article | RecordError]
        try:
            if isinstance(item, Article):
                out = [_check_size(item, item.origin or where)]
            elif isinstance(item, Mapping):
                out = [columns.to_article(dict(item), where, fallback_id=str(i))]
            elif isinstance(item, os.PathLike) or (
                isinstance(item, str)
                and item.strip()
                and "\n" not in item
                and len(item) < 4096
                and Path(item).exists()
            ):
                out = read_path(item)
            elif isinstance(item, str):
                out = [_check_size(Article.from_record({"id": str(i), "text": item}, where), where)]
            else:
                out = [RecordError(where, f"not an article: {type(item).__name__}")]
        except RecordError as exc:
            out = [exc]
        for art in out:
            if isinstance(art, Article):
                if art.id in seen:
                    yield RecordError(art.origin or where, f"article {art.id!r}: duplicate id")
                    continue
                seen.add(art.id)
            yield art


def analyze_articles(
    articles: Any,
    stance_model: str | os.PathLike[str] | FramingModel | None = None,
    frame_model: str | os.PathLike[str] | FramingModel | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
) -> pd.DataFrame:
    """Predict stance and/or frames for articles; one row per (sentence, actor).

    ``articles``: an iterable of (or a single) file/folder path (a :class:`~pathlib.Path`,
    or a one-line string naming an existing file or folder), :class:`~framing.corpus.Article`,
    dict with ``id`` and ``text`` (and optional ``title``, ``source``, ``date``, ``url``),
    or plain text (its id is its position in the input). Models: folders (run or model)
    or :func:`load_model` results. Columns as in ``framing predict`` (see
    :mod:`framing.predict`). Bad articles are logged and skipped; they are listed in
    ``df.attrs["errors"]`` (``where``, ``reason``).
    """
    import pandas as pd
    from tqdm.auto import tqdm

    stance = load_model(stance_model) if stance_model is not None else None
    frame = load_model(frame_model) if frame_model is not None else None
    if stance is not None and stance.task != "stance":
        raise PredictError(f"{stance.path}: stance_model is a {stance.task} model")
    if frame is not None and frame.task != "framing":
        raise PredictError(f"{frame.path}: frame_model is a {frame.task} model")
    predictor = Predictor(stance, frame, batch_size)
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    items = _as_articles(articles)
    if progress:
        items = tqdm(items, unit=" articles", desc="analyze")
    for result in predictor.run(items):
        if isinstance(result, ArticleFailure):
            log.warning("%s: %s", result.where, result.reason)
            errors.append(result.to_record())
        else:
            rows.extend(result.rows)
    df = pd.DataFrame.from_records(rows, columns=predictor.fields)
    df.attrs["errors"] = errors
    return df


# ---------------------------------------------------------------------------
# the command line
def add_cli(subparsers: Any) -> None:
    from framing.readers import add_input_arguments

    p = subparsers.add_parser(
        "predict",
        help="predict stance and/or frames for new articles with saved models",
        description=(
            "Run saved models over new articles (clean → split → match as in training). "
            "Give a stance model, a framing model or one of each."
        ),
    )
    p.add_argument(
        "--model",
        action="append",
        required=True,
        metavar="RUN_OR_MODEL_DIR",
        help="a run folder (with model/) or a model folder; repeat for stance + framing",
    )
    p.add_argument(
        "--input",
        nargs="+",
        required=True,
        metavar="PATH",
        help="files or folders of articles (txt, jsonl, csv, tsv, html)",
    )
    p.add_argument(
        "-o", "--output", required=True, help="predictions file: .jsonl, .csv or .parquet"
    )
    p.add_argument(
        "--summary",
        metavar="FILE",
        help="also write per-article summaries: .csv or .json "
        "(a CSV with both tasks: FILE for stance, FILE's stem + _frames.csv for frames)",
    )
    p.add_argument(
        "--summary-net",
        choices=("label", "probability"),
        default="label",
        help="the summary's net stance: 'label' gives net_stance = (n_positive - n_negative) / n "
        "only; 'probability' adds net_stance_probability = mean(p_positive - p_negative)",
    )
    p.add_argument(
        "--shard",
        metavar="I/N",
        help="keep only the articles with crc32(id) %% N == I (for array jobs)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="skip articles already in the output and append to it",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help=f"(sentence, actor) pairs per model call (default {DEFAULT_BATCH_SIZE})",
    )
    add_input_arguments(p)
    p.add_argument(
        "--no-progress", action="store_true", help="no progress bar (default: on a terminal)"
    )
    p.set_defaults(func=cmd_predict)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def cmd_predict(args: argparse.Namespace) -> int:
    from framing.readers import Columns

    columns = Columns.from_args(args)
    previous_term = None
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        # an array job's time limit (SIGTERM) ends the run like Ctrl-C: resumable output
        previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    logging.captureWarnings(True)
    try:
        stats = predict_files(
            args.input,
            args.output,
            args.model,
            summary=args.summary,
            summary_net=args.summary_net,
            shard=args.shard,
            resume=args.resume,
            batch_size=args.batch_size,
            fmt=args.format,
            columns=columns,
            progress=False if args.no_progress else None,
        )
    except KeyboardInterrupt:
        return 130
    except (PredictError, FileNotFoundError, ValueError) as exc:
        log.error("%s", exc)
        return 2
    finally:
        logging.captureWarnings(False)
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
    return 0 if stats.articles_in_output or not stats.errors else 1


if __name__ == "__main__":  # pragma: no cover
    from framing.cli import main

    sys.exit(main(["predict", *sys.argv[1:]]))
