"""The prediction file format: its columns, its reader and the run-row writer.

Two kinds of rows share this format and this module:

* **inference rows** (``framing predict``, :func:`framing.analyze_articles`), in this
  order: ``article_id``, ``source``, ``date``, ``sentence_index``, ``start``, ``end``
  (offsets into the cleaned article body), ``sentence``, ``actor``, ``mentions`` (the
  actor's spans ``[[start, end], …]`` relative to the sentence); with a stance model
  ``stance`` and ``p_<label>`` per stance label; with a framing model ``frame`` (a
  list for a multi-label model) and ``frame_p_<label>`` per frame label; then
  ``stance_model`` / ``frame_model``, the ids of the models that predicted
  (:func:`output_fields`);
* **run rows** (a run's out-of-fold ``predictions.jsonl``): ``example_id``,
  ``article_id``, ``sentence_index``, ``start``, ``end``, ``sentence``, ``actor``,
  ``mentions``, ``gold``, ``predicted``, ``p_<label>`` per label, ``fold``, ``model``
  (:func:`run_fields`, :func:`write_run_predictions`).

Files are JSONL, CSV or Parquet, chosen by the extension. Every file goes through a
:class:`framing.io.TempFile` and is renamed into place; inference rows are written by
:class:`framing.prediction_writer.OutputWriter` (durable parts, a lock per output).
:func:`iter_prediction_rows` reads any of them back (CSV values typed as in JSONL).
This module is a leaf: it imports nothing of the package but :mod:`framing.io`.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.io import atomic_write, dumps

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

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


def output_fields(stance: Any | None, frame: Any | None) -> list[str]:
    """The inference-row columns, in order, for a stance and/or framing model (anything
    with ``labels``)."""
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


# example columns copied into every run row, in output order
RUN_ID_COLUMNS = (
    "example_id",
    "article_id",
    "sentence_index",
    "start",
    "end",
    "sentence",
    "actor",
)


def run_fields(labels: Sequence[str]) -> list[str]:
    """The run-row columns, in order, for a model with ``labels``."""
    p_cols = [f"p_{lab}" for lab in labels]
    return [*RUN_ID_COLUMNS, "mentions", "gold", "predicted", *p_cols, "fold", "model"]


def run_rows(
    examples: Mapping[str, Sequence[Any]],
    scored: Sequence[int],
    proba: Any,
    pred: Sequence[Any],
    fold_of: Sequence[int],
    labels: Sequence[str],
    model_id: str,
) -> list[dict[str, Any]]:
    """Run rows for the ``scored`` examples: ``examples`` holds the :data:`RUN_ID_COLUMNS`,
    ``target_spans`` and ``label`` as columns; ``proba`` is ``(n_examples, n_labels)``,
    ``pred`` one decision per scored example."""
    p_cols = [f"p_{lab}" for lab in labels]
    rows = []
    for k, i in enumerate(scored):
        i = int(i)
        row = {c: examples[c][i] for c in RUN_ID_COLUMNS}
        row.update(
            mentions=examples["target_spans"][i], gold=examples["label"][i], predicted=pred[k]
        )
        row.update({c: round(float(proba[i, j]), 6) for j, c in enumerate(p_cols)})
        row.update(fold=int(fold_of[i]), model=model_id)
        rows.append(row)
    return rows


def write_run_predictions(
    out_dir: str | os.PathLike[str], rows: Iterable[dict[str, Any]], labels: Sequence[str]
) -> None:
    """A run's ``predictions.jsonl`` and ``predictions.csv`` in ``out_dir``."""
    out = Path(out_dir)
    rows = list(rows)
    with atomic_write(out / "predictions.jsonl") as fh:
        for row in rows:
            fh.write(dumps(row) + "\n")
    with atomic_write(out / "predictions.csv") as fh:
        writer = csv.DictWriter(fh, fieldnames=run_fields(labels))
        writer.writeheader()
        for row in rows:
            flat = dict(row)
            for key in ("mentions", "gold", "predicted"):
                if isinstance(flat[key], list):
                    flat[key] = json.dumps(flat[key]) if key == "mentions" else ";".join(flat[key])
            writer.writerow(flat)


RUN_PREDICTIONS = ("predictions.jsonl", "predictions.jsonl.gz")
COMPACT_ID_COLUMNS = ("example_id", "gold", "predicted")


def run_predictions_file(run_dir: str | os.PathLike[str]) -> Path | None:
    """A run's predictions: ``predictions.jsonl``, else the compact
    ``predictions.jsonl.gz``; ``None`` when it has neither."""
    for name in RUN_PREDICTIONS:
        path = Path(run_dir) / name
        if path.is_file():
            return path
    return None


def compact_run_predictions(run_dir: str | os.PathLike[str]) -> Path:
    """Replace a run's ``predictions.jsonl`` and ``predictions.csv`` by one
    ``predictions.jsonl.gz`` holding per example only ``example_id``, ``gold``,
    ``predicted``, ``p_<label>`` and ``fold`` (the sentence, offsets and spans are in the
    corpus). Written reproducibly (no gzip timestamp) and atomically."""
    run_dir = Path(run_dir)
    source = run_dir / "predictions.jsonl"
    target = run_dir / "predictions.jsonl.gz"
    with (
        atomic_write(target, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
    ):
        for row in iter_prediction_rows(source):
            keep = {c: row[c] for c in COMPACT_ID_COLUMNS}
            keep.update({k: v for k, v in row.items() if k.startswith("p_")})
            keep["fold"] = row["fold"]
            gz.write((dumps(keep) + "\n").encode("utf-8"))
    source.unlink()
    with contextlib.suppress(FileNotFoundError):
        (run_dir / "predictions.csv").unlink()
    return target


def csv_line(values: Sequence[Any]) -> bytes:
    """One CSV line (with its line end), UTF-8."""
    import io

    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue().encode("utf-8")


def csv_values(row: dict[str, Any], fields: Sequence[str]) -> list[Any]:
    """The CSV cells of an inference row: mentions as JSON, label lists joined by ``;``."""
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
    if kind == ".gz" and Path(path.stem).suffix.lower() in (".jsonl", ".ndjson"):
        opener: Any = gzip.open
    elif kind in (".jsonl", ".ndjson", ".json"):
        opener = open
    else:
        raise PredictError(f"{path}: predictions must be .jsonl, .jsonl.gz, .csv or .parquet")
    with opener(path, "rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PredictError(f"{path}:{lineno}: invalid JSON: {exc.msg}") from None
            yield row if columns is None else {c: row.get(c) for c in columns}


def labels_from_columns(columns: Iterable[str]) -> tuple[list[str], list[str]]:
    """Stance and frame labels from the probability column names (``p_*``, ``frame_p_*``)."""
    stance, frames = [], []
    for c in columns:
        if c.startswith("frame_p_"):
            frames.append(c[len("frame_p_") :])
        elif c.startswith("p_"):
            stance.append(c[2:])
    return stance, frames


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
