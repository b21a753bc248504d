"""The one writer of inference predictions: durable parts, a lock, an atomic final file.

:class:`OutputWriter` takes the rows of whole articles. Every ``chunk_articles``
articles (or ``chunk_seconds``) it commits them as one numbered part file (JSONL) in
``.<output name>.parts/`` next to the output: written to a temporary file, fsynced and
renamed, so a part is whole or absent and a SIGKILL loses at most the chunk in memory.
:meth:`OutputWriter.commit` writes the final file (JSONL, CSV or Parquet) from the
parts through a :class:`framing.io.TempFile` and renames it over the output: a reader
only ever sees a finished file. A resumed run continues the parts, so its final file is
byte for byte the one an uninterrupted run writes (JSONL, CSV; Parquet: the same table).

One run at a time per output: an :class:`framing.io.OutputLock` is held from the start
to the end (a second writer, e.g. two shards given the same ``-o``, stops with one
line). Holding it, the writer removes what dead runs of this output left behind: their
temporary files, and their parts unless ``resume``.

``parts/meta.json`` records the columns, the model ids and which existing output the
parts continue (``None``: they replace it), so ``--resume`` never mixes runs.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from framing.io import (
    DeferSignals,
    LockedError,
    OutputLock,
    TempFile,
    atomic_write,
    fsync,
    remove_dead_temps,
)
from framing.predictions import (
    OUTPUT_SUFFIXES,
    PARQUET_ROW_GROUP,
    PredictError,
    csv_line,
    csv_values,
    iter_prediction_rows,
    jsonl_line,
    prediction_columns,
    prediction_schema,
)

log = logging.getLogger("framing.predict")

CHUNK_ARTICLES = 100  # articles per durable part (at most this many lost to a SIGKILL)
CHUNK_SECONDS = 10.0  # … or this much work, whichever comes first
_PART = re.compile(r"\d{6}\.jsonl")


def parts_dir(output: str | os.PathLike[str]) -> Path:
    """Where the durable parts of ``output`` live: ``.<name>.parts/`` next to it."""
    output = Path(output)
    return output.with_name(f".{output.name}.parts")


def _identity(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform opens folders
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class OutputWriter:
    """Inference rows to ``path`` (JSONL, CSV or Parquet) through durable parts.

    With ``resume`` the articles already in the output, or in the parts of an
    interrupted or killed run, are :attr:`done`; both are checked to come from the same
    models. :meth:`write_article` takes the rows of one whole article; :meth:`commit`
    writes the final file (also after an interrupt: it only ever holds whole articles);
    :meth:`close` stops without touching the output, keeping the parts for ``--resume``.
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
        chunk_articles: int = CHUNK_ARTICLES,
        chunk_seconds: float = CHUNK_SECONDS,
    ) -> None:
        self.path = Path(path)
        self.kind = self.path.suffix.lower()
        if self.kind not in OUTPUT_SUFFIXES:
            raise PredictError(
                f"{self.path}: output must end in {', '.join(OUTPUT_SUFFIXES)} (the format)"
            )
        self.fields = list(fields)
        self.model_ids = {k: v for k, v in (model_ids or {}).items() if k in self.fields}
        self.multilabel_frames = multilabel_frames
        self.row_group_size = row_group_size
        if chunk_articles < 1:
            raise PredictError(f"chunk of {chunk_articles} articles: need at least 1")
        self.chunk_articles = chunk_articles
        self.chunk_seconds = chunk_seconds
        self.parts = parts_dir(self.path)
        self.done: set[str] = set()
        self.n_rows = 0  # written by this run
        self.n_articles = 0
        self._buffer: list[bytes] = []
        self._buffered_articles = 0
        self._last_part = time.monotonic()
        self._lock = OutputLock(self.path)
        try:
            self._lock.acquire()
        except LockedError as exc:
            raise PredictError(str(exc)) from None
        try:
            for stale in remove_dead_temps(self.path):
                log.info("removed %s, left by a run that died", stale)
            self._errors_temps()
            self._base = self._prepare(resume)
        except BaseException:
            self._lock.release()
            raise

    # ------------------------------------------------------------------
    def _errors_temps(self) -> None:
        from framing.io import error_file

        errors = error_file(self.path)
        if not OutputLock(errors).path.exists():  # no run is writing it as its output
            remove_dead_temps(errors)
            return
        with contextlib.suppress(LockedError), OutputLock(errors):  # none does now
            remove_dead_temps(errors)

    def _meta(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.parts / "meta.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def _prepare(self, resume: bool) -> Path | None:
        """Set up the parts folder and :attr:`done`; the existing output the final file
        continues, or ``None``."""
        meta = self._meta() if resume else None
        if meta is None:
            if self.parts.exists():
                if not resume:
                    log.info("removing %s, the progress of an earlier run", self.parts)
                shutil.rmtree(self.parts)
            base = self.path if resume and self.path.exists() else None
            if base is not None:
                self._check_old(base)
            self.parts.mkdir(parents=True)
            meta = {
                "fields": self.fields,
                "models": self.model_ids,
                "base": _identity(base) if base is not None else None,
            }
            with atomic_write(self.parts / "meta.json") as fh:
                json.dump(meta, fh)
            _fsync_dir(self.parts.parent)
        else:
            if meta.get("fields") != self.fields or meta.get("models") != self.model_ids:
                raise PredictError(
                    f"{self.path}: cannot resume: the interrupted run used other models or "
                    f"labels ({self.parts}); drop --resume to start over"
                )
            base = None
            if meta.get("base") is not None:
                base = self.path
                if _identity(self.path) != meta["base"]:
                    raise PredictError(
                        f"{self.path}: cannot resume: the output changed after the run that "
                        f"left {self.parts}; drop --resume to start over"
                    )
            for tmp in self.parts.glob("*.tmp"):
                tmp.unlink()
        if base is not None:
            for row in iter_prediction_rows(base, columns=["article_id"]):
                self.done.add(str(row["article_id"]))
        self._n_parts = 0
        for part in self._part_files():
            self._n_parts += 1
            for row in self._part_rows(part):
                self.done.add(str(row["article_id"]))
        return base

    def _check_old(self, old: Path) -> None:
        try:
            names = prediction_columns(old)
            first = next(iter_prediction_rows(old), None)
        except Exception as exc:
            raise PredictError(f"{old}: cannot read the existing output: {exc}") from None
        if names and list(names) != self.fields:
            raise PredictError(
                f"{old}: cannot resume: its columns differ from this run's "
                f"(other models or labels?); write to a new output or drop --resume"
            )
        for key, wanted in self.model_ids.items():
            if first is not None and first.get(key) != wanted:
                raise PredictError(
                    f"{old}: cannot resume: it was written by {key} {first.get(key)!r}, "
                    f"this run uses {wanted!r}"
                )

    def _part_files(self) -> list[Path]:
        return sorted(p for p in self.parts.iterdir() if _PART.fullmatch(p.name))

    def _part_rows(self, part: Path) -> Iterator[dict[str, Any]]:
        with part.open("rb") as fh:
            for lineno, line in enumerate(fh, 1):
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise PredictError(f"{part}:{lineno}: invalid JSON: {exc.msg}") from None

    # ------------------------------------------------------------------
    def write_article(self, rows: list[dict[str, Any]]) -> None:
        """Take the rows of one whole article; commit a part when a chunk is full."""
        with DeferSignals():
            self._buffer.extend(jsonl_line(r, self.fields) for r in rows)
            self._buffered_articles += 1
            self.n_rows += len(rows)
            self.n_articles += 1
            if (
                self._buffered_articles >= self.chunk_articles
                or time.monotonic() - self._last_part >= self.chunk_seconds
            ):
                self._flush_part()

    def _flush_part(self) -> None:
        """Commit the buffered articles as the next part (whole or not at all)."""
        self._last_part = time.monotonic()
        if not self._buffered_articles:
            return
        temp = TempFile(self.parts / f"{self._n_parts:06d}.jsonl")
        try:
            with temp.tmp.open("wb") as fh:
                fh.write(b"".join(self._buffer))
                fsync(fh)
            temp.commit()
        except BaseException:
            temp.discard()
            raise
        _fsync_dir(self.parts)
        self._n_parts += 1
        self._buffer = []
        self._buffered_articles = 0

    # ------------------------------------------------------------------
    def commit(self) -> None:
        """Write the final file from the existing output (when resumed) and the parts,
        rename it over the output, drop the parts and release the lock."""
        try:
            with DeferSignals():
                self._flush_part()
                temp = TempFile(self.path)
                try:
                    if self.kind == ".parquet":
                        self._write_parquet(temp.tmp)
                    else:
                        with temp.tmp.open("wb") as fh:
                            self._write_text(fh)
                            fsync(fh)
                    temp.commit()
                except BaseException:
                    temp.discard()
                    raise
                _fsync_dir(self.path.parent)
                shutil.rmtree(self.parts, ignore_errors=True)
        finally:
            self._lock.release()

    def close(self) -> None:
        """Stop without touching the output: commit the buffered articles as a part
        (``--resume`` goes on from them) and release the lock."""
        try:
            with DeferSignals():
                self._flush_part()
        finally:
            self._lock.release()

    def _write_text(self, fh: Any) -> None:
        base = self._base
        if base is not None and base.stat().st_size:
            with base.open("rb") as src:
                last = b""
                while chunk := src.read(1 << 20):
                    fh.write(chunk)
                    last = chunk[-1:]
            if last != b"\n":
                fh.write(b"\n")
        elif self.kind == ".csv":
            fh.write(csv_line(self.fields))
        for part in self._part_files():
            if self.kind == ".csv":
                fh.write(
                    b"".join(csv_line(csv_values(r, self.fields)) for r in self._part_rows(part))
                )
            else:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, fh)

    def _write_parquet(self, target: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = prediction_schema(self.fields, self.multilabel_frames)
        with pq.ParquetWriter(target, schema) as out:
            if self._base is not None:
                source = pq.ParquetFile(self._base)
                for i in range(source.num_row_groups):
                    out.write_table(source.read_row_group(i).cast(schema))
            batch: list[dict[str, Any]] = []
            for part in self._part_files():
                for row in self._part_rows(part):
                    batch.append(row)
                    if len(batch) >= self.row_group_size:
                        out.write_table(pa.Table.from_pylist(batch, schema=schema))
                        batch = []
            if batch:
                out.write_table(pa.Table.from_pylist(batch, schema=schema))
        with target.open("rb") as fh:
            os.fsync(fh.fileno())
