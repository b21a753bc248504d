"""The prediction file format: its columns, its row encoding, its reader.

One schema for every prediction row, defined here (:func:`prediction_fields`):

* the **key** columns (:data:`KEY_FIELDS`): ``example_id`` (``<article_id>:<start>-<end>``
  for a sentence, ``…:<actor>`` for a (sentence, actor) pair;
  :func:`framing.examples.example_id`), ``article_id``, ``source``, ``date``,
  ``sentence_index``, ``start``, ``end`` (offsets into the cleaned article body),
  ``sentence``, ``actor`` (empty on a frame-only row), ``mentions`` (the actor's spans
  ``[[start, end], …]`` relative to the sentence, those judged the actor), ``evidence``
  (every mention of the actor: :data:`EVIDENCE_FIELDS`) and ``sense`` (``actor``, or
  ``not_actor`` for a pair kept by ``--keep-not-actor`` whose every mention is judged not
  the actor; empty on a frame-only row);
* per task (:data:`TASK_COLUMNS`): the predicted label, ``stance`` or ``frame`` (a list
  for a multi-label model), one probability per label, ``p_<label>`` (stance) or
  ``frame_p_<label>`` (framing), and last the id of the model that predicted,
  ``stance_model`` / ``frame_model``.

**Inference rows** (``framing predict``, :func:`framing.analyze_articles`;
:func:`output_fields`) hold these for a stance and/or a framing model. **Run rows** (a
run's out-of-fold ``predictions.jsonl``; :func:`run_fields`, :func:`run_rows`) hold them
for the run's one task and add only ``gold`` (before the predicted label) and ``fold``
(before the model id); their ``evidence`` and ``sense`` are empty (a run's examples are
annotated pairs, not the matcher's), and their model id is the model config's name (the
out-of-fold predictions come from one model per fold). Run rows of older versions
(``predicted``, ``model``; a framing run's ``p_<label>``) are still read
(:func:`run_prediction`).

Files are JSONL, CSV or Parquet, chosen by the extension; a row is encoded by
:func:`jsonl_line` / :func:`csv_values` for both kinds. Every file goes through a
:class:`framing.io.TempFile` and is renamed into place; inference rows are written by
:class:`framing.prediction_writer.OutputWriter` (durable parts, a lock per output), run
rows by :func:`write_run_predictions`. :func:`iter_prediction_rows` reads any of them
back (CSV values typed as in JSONL). This module is a leaf: it imports nothing of the
package but :mod:`framing.io`.
"""

from __future__ import annotations

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
# the key columns a run row copies from its example, then those of the actor's mentions
EXAMPLE_KEY_FIELDS = (
    "example_id",
    "article_id",
    "source",
    "date",
    "sentence_index",
    "start",
    "end",
    "sentence",
    "actor",
)
KEY_FIELDS = [*EXAMPLE_KEY_FIELDS, "mentions", "evidence", "sense"]
# task → (predicted-label column, probability-column prefix, model-id column)
TASK_COLUMNS = {
    "stance": ("stance", "p_", "stance_model"),
    "framing": ("frame", "frame_p_", "frame_model"),
}
PROBABILITY_PREFIXES = tuple(prefix for _, prefix, _ in TASK_COLUMNS.values())
EVIDENCE_FIELDS = ("start", "end", "surface", "ambiguous", "sense", "sense_reason", "how")


class PredictError(ValueError):
    """Prediction cannot run as asked (one clear line for the user)."""


def label_column(task: str) -> str:
    """The predicted-label column of ``task``: ``stance`` or ``frame``."""
    return TASK_COLUMNS[task][0]


def probability_columns(task: str, labels: Iterable[str]) -> list[str]:
    """The probability columns of ``task``'s ``labels``: ``p_<label>`` / ``frame_p_<label>``."""
    prefix = TASK_COLUMNS[task][1]
    return [f"{prefix}{lab}" for lab in labels]


def model_column(task: str) -> str:
    """The model-id column of ``task``: ``stance_model`` or ``frame_model``."""
    return TASK_COLUMNS[task][2]


def prediction_fields(
    stance_labels: Sequence[str] | None = None,
    frame_labels: Sequence[str] | None = None,
    *,
    run: bool = False,
) -> list[str]:
    """The columns of prediction rows, in order: :data:`KEY_FIELDS`, then per task given
    (stance first) its label and probability columns, then the model ids. ``run``: the
    rows of a run (one task), which add ``gold`` before the label and ``fold`` before
    the model id."""
    tasks = [
        (task, labels)
        for task, labels in (("stance", stance_labels), ("framing", frame_labels))
        if labels is not None
    ]
    if not tasks:
        raise PredictError("give a stance model, a framing model or both")
    if run and len(tasks) != 1:
        raise ValueError("a run's prediction rows hold one task")
    fields = list(KEY_FIELDS)
    for task, labels in tasks:
        if run:
            fields.append("gold")
        fields += [label_column(task), *probability_columns(task, labels)]
    if run:
        fields.append("fold")
    fields += [model_column(task) for task, _ in tasks]
    return fields


def output_fields(stance: Any | None, frame: Any | None) -> list[str]:
    """The inference-row columns, in order, for a stance and/or framing model (anything
    with ``labels``)."""
    return prediction_fields(
        stance.labels if stance is not None else None, frame.labels if frame is not None else None
    )


def run_fields(task: str, labels: Sequence[str]) -> list[str]:
    """The run-row columns, in order, for a ``task`` model with ``labels``."""
    if task not in TASK_COLUMNS:
        raise ValueError(f"unknown task {task!r}")
    return prediction_fields(
        labels if task == "stance" else None, labels if task == "framing" else None, run=True
    )


# the example columns a run row is built from (``target_spans`` become ``mentions``)
RUN_EXAMPLE_COLUMNS = (*EXAMPLE_KEY_FIELDS, "target_spans", "label")


def run_rows(
    examples: Mapping[str, Sequence[Any]],
    scored: Sequence[int],
    proba: Any,
    pred: Sequence[Any],
    fold_of: Sequence[int],
    task: str,
    labels: Sequence[str],
    model_id: str,
) -> list[dict[str, Any]]:
    """Run rows for the ``scored`` examples: ``examples`` holds the
    :data:`RUN_EXAMPLE_COLUMNS` as columns; ``proba`` is ``(n_examples, n_labels)``,
    ``pred`` one decision per scored example."""
    p_cols = probability_columns(task, labels)
    label_col, model_col = label_column(task), model_column(task)
    rows = []
    for k, i in enumerate(scored):
        i = int(i)
        row = {c: examples[c][i] for c in EXAMPLE_KEY_FIELDS}
        row["source"] = row["source"] or None  # as in inference rows: absent, not ""
        row["date"] = row["date"] or None
        row.update(
            mentions=examples["target_spans"][i],
            evidence=None,
            sense=None,
            gold=examples["label"][i],
        )
        row[label_col] = pred[k]
        row.update({c: round(float(proba[i, j]), 6) for j, c in enumerate(p_cols)})
        row["fold"] = int(fold_of[i])
        row[model_col] = model_id
        rows.append(row)
    return rows


def jsonl_line(row: Mapping[str, Any], fields: Sequence[str]) -> bytes:
    """One JSONL line (with its line end) of a prediction row: ``fields``, in order."""
    return (dumps({f: row.get(f) for f in fields}) + "\n").encode("utf-8")


def write_run_predictions(
    out_dir: str | os.PathLike[str], rows: Iterable[dict[str, Any]], fields: Sequence[str]
) -> None:
    """A run's ``predictions.jsonl`` and ``predictions.csv`` in ``out_dir`` (columns
    ``fields``: :func:`run_fields`), encoded as inference rows are."""
    out = Path(out_dir)
    rows = list(rows)
    with atomic_write(out / "predictions.jsonl", "wb") as fh:
        fh.write(b"".join(jsonl_line(row, fields) for row in rows))
    with atomic_write(out / "predictions.csv", "wb") as fh:
        fh.write(csv_line(fields))
        fh.write(b"".join(csv_line(csv_values(row, fields)) for row in rows))


def run_prediction(row: Mapping[str, Any]) -> tuple[Any, Any]:
    """``(gold, predicted label)`` of a run row, also of one written by an older version
    (``predicted``). Raises :class:`KeyError` when the row has neither."""
    for name in ("stance", "frame", "predicted"):
        if name in row:
            return row["gold"], row[name]
    raise KeyError("stance")


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
        elif f in ("mentions", "evidence"):
            v = json.dumps(v, ensure_ascii=False) if f == "evidence" else json.dumps(v)
        elif isinstance(v, list):
            v = ";".join(v)
        out.append(v)
    return out


def prediction_schema(fields: Sequence[str], multilabel_frames: bool = False) -> pa.Schema:
    """The Arrow schema of prediction rows (for Parquet output)."""
    import pyarrow as pa

    ev = {"start": pa.int32(), "end": pa.int32(), "ambiguous": pa.bool_()}
    types = {
        "sentence_index": pa.int32(),
        "fold": pa.int32(),
        "start": pa.int64(),
        "end": pa.int64(),
        "mentions": pa.list_(pa.list_(pa.int32())),
        "evidence": pa.list_(pa.struct([(k, ev.get(k, pa.string())) for k in EVIDENCE_FIELDS])),
        "frame": pa.list_(pa.string()) if multilabel_frames else pa.string(),
    }
    out = []
    for f in fields:
        if f.startswith(PROBABILITY_PREFIXES):
            out.append(pa.field(f, pa.float64()))
        else:
            out.append(pa.field(f, types.get(f, pa.string())))
    return pa.schema(out)


# ---------------------------------------------------------------------------
# reading predictions back (resume, summaries, reports)
_INT_FIELDS = ("sentence_index", "start", "end", "fold")
_OPTIONAL_FIELDS = ("source", "date", "sense", "stance", "frame", "stance_model", "frame_model")


def _csv_row(row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k in _INT_FIELDS:
            out[k] = int(v) if v != "" else None
        elif k.startswith(PROBABILITY_PREFIXES):
            out[k] = float(v) if v != "" else None
        elif k == "mentions":
            out[k] = json.loads(v) if v else []
        elif k == "evidence":  # empty in run rows
            out[k] = json.loads(v) if v else None
        elif k in ("frame", "gold") and ";" in v:  # multi-label
            out[k] = v.split(";")
        elif k in _OPTIONAL_FIELDS:
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
