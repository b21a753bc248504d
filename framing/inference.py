"""Predicting many articles: files in, a predictions file out (:func:`predict_files`,
behind ``framing predict``), and the :class:`~framing.engine.Predictor` of the given
models (:func:`build_predictor`, shared with the Python API over articles,
:func:`framing.analyze.analyze_articles`).

Scale and safety: input is streamed and predicted in batches of ``batch_size`` pairs
(the model does its own, model-specific batching inside); ``shard`` keeps the articles
whose ``zlib.crc32(id) % N == I``; ``resume`` skips the articles already in the output
(or in the durable parts of a killed run) and appends to it; a bad article goes to
``<output>.errors.jsonl`` and the run goes on. Rows are committed in durable parts as
they come and the output is written from them at the end, under a lock (one writer per
output): see :mod:`framing.prediction_writer`. An interrupt (Ctrl-C, or SIGTERM from
the command line) writes the whole articles done so far under the output name; a
SIGKILL loses at most the last ``chunk_articles`` articles; either way ``--resume``
continues where it stopped.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.corpus import Article
from framing.engine import ArticleFailure, Predictor, parse_shard, shard_of
from framing.framing_model import DEFAULT_BATCH_SIZE, FramingModel, load_model
from framing.io import ErrorLog, RecordError, ensure_writable_dir, error_file
from framing.prediction_writer import CHUNK_ARTICLES, OutputWriter
from framing.predictions import OUTPUT_SUFFIXES, PARQUET_ROW_GROUP, PredictError, model_column

if TYPE_CHECKING:
    from framing.readers import Columns

log = logging.getLogger("framing.predict")


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


def _parquet_rows(path: Path) -> int:
    """The row count in a Parquet file's footer (0 when it cannot be read)."""
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # an unreadable file is reported when it is read
        return 0


def _estimate_total(paths: Sequence[Path], fmt: str | None = None) -> int | None:
    """A cheap count of input records for the progress bar (lines of JSONL/CSV, files);
    ``None`` where it is unknown (``fmt``: the input format given, as to the readers)."""
    from framing.input_files import content_suffix, is_compressed
    from framing.readers import reader_for, supported_suffixes

    suffixes = supported_suffixes(fmt)

    total = 0
    for path in paths:
        files = (
            [p for p in sorted(path.rglob("*")) if p.is_file() and content_suffix(p) in suffixes]
            if path.is_dir()
            else [path]
        )
        for file in files:
            suffix = file.suffix.lower()
            reader = reader_for((fmt or suffix.lstrip(".")).lower())
            if (reader is not None and reader.many_per_file) or is_compressed(file):
                # a JSON document, a web archive, a LexisNexis download, a compressed
                # file: unknown count
                return None
            if suffix == ".parquet":
                total += _parquet_rows(file)
                continue
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
    chunk_articles: int = CHUNK_ARTICLES,
    targets_from: str | None = None,
    keep_not_actor: bool = False,
    actors: Any = None,
    pair_detector: Any = None,
) -> PredictStats:
    """Predict every article of ``inputs`` with ``models`` (one stance and/or one framing
    model) into ``output``; see the module docstring for the rows and the guarantees.

    ``keep_not_actor`` keeps, flagged ``sense = "not_actor"``, the pairs whose every
    mention is judged not the actor (left out by default, and from the summary unless
    kept); ``actors`` overrides the models' actor config; ``pair_detector`` (a trained
    :class:`~framing.pair_detector.PairDetector` or its folder) adds the pairs it finds
    after the rules (``how = "model"``).

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
    ensure_writable_dir(output.parent)  # a read-only output folder: before the models load
    predictor = build_predictor(
        models,
        batch_size,
        targets_from=targets_from,
        keep_not_actor=keep_not_actor,
        actors=actors,
        pair_detector=pair_detector,
    )
    stance, frame = predictor.stance, predictor.frame
    stats = PredictStats(output=output, errors_path=error_file(output))
    writer = OutputWriter(
        output,
        predictor.fields,
        multilabel_frames=bool(frame and frame.multilabel),
        resume=resume,
        model_ids={model_column(m.task): m.model_id for m in (stance, frame) if m is not None},
        row_group_size=row_group_size,
        chunk_articles=chunk_articles,
    )
    if resume:
        log.info("resuming %s: %d articles already there", output, len(writer.done))
    errors: ErrorLog | None = None
    bar = None
    started = time.perf_counter()
    try:
        errors = ErrorLog(error_file(output))
        in_paths = [Path(p) for p in inputs]
        total = _estimate_total(in_paths, fmt) if progress is not False else None
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
                errors.add(result.to_record())
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
        writer.close()  # the output is untouched; the work done so far stays resumable
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
        from framing.summary import summarize_predictions, write_summary

        written = write_summary(
            summarize_predictions(output, keep_not_actor, net=summary_net), summary
        )
        log.info("summary -> %s", ", ".join(str(p) for p in written))
    return stats


def build_predictor(
    models: Sequence[str | os.PathLike[str] | FramingModel],
    batch_size: int = DEFAULT_BATCH_SIZE,
    **options: Any,
) -> Predictor:
    """The :class:`Predictor` of up to one stance and one framing model (folders or
    :func:`load_model` results); ``options`` as :class:`Predictor` takes them."""
    stance, frame = split_models([load_model(m) for m in models])
    return Predictor(stance, frame, batch_size, **options)


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
