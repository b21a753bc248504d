"""Run folders: find them (run folders, sweep folders, globs) and read them.

A run folder is one holding ``metrics.json``; its Hydra overrides come from
``.hydra/overrides.yaml`` and its resolved config from ``config.yaml``. A run that
stopped has ``metrics.json`` with ``status: failed`` and its error; readers skip it.
Its out-of-fold predictions (run rows, :mod:`framing.predictions`) are
``predictions.jsonl``, or in a committed reference run the compact
``predictions.jsonl.gz`` (:func:`compact_run_predictions`, :func:`slim_reference`).
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import json
import logging
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from framing.io import atomic_write, dumps, walk_files
from framing.predictions import PROBABILITY_PREFIXES, iter_prediction_rows

log = logging.getLogger("framing.compare")

MISSING = object()  # a key no run has (distinct from None)
_GLOB_CHARS = re.compile(r"[*?\[]")


class CompareError(ValueError):
    """A problem with the runs given (reported as one line, exit code 2)."""


@dataclass
class RunInfo:
    """One run folder: its metrics, resolved config and Hydra overrides."""

    path: Path
    metrics: dict[str, Any]
    config: dict[str, Any] = field(default_factory=dict)
    overrides: list[str] = field(default_factory=list)
    name: str = ""

    @property
    def override_map(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for item in self.overrides:
            key, sep, value = str(item).partition("=")
            if sep:
                out[key.lstrip("+~")] = _parse_scalar(value)
        return out

    @property
    def model(self) -> str:
        return str(self.metrics.get("model", ""))

    @property
    def label(self) -> str:
        """A short label for plots: the run name, plus the model when the name lacks it."""
        model = self.model
        return self.name if not model or model in self.name else f"{self.name} · {model}"

    def lookup(self, key: str) -> Any:
        """A value by key: an override, a top-level metrics field, or a dotted config key."""
        overrides = self.override_map
        if key in overrides:
            return overrides[key]
        value = self.metrics.get(key, MISSING)
        if value is not MISSING and not isinstance(value, dict | list):
            return value
        node: Any = self.config
        for part in key.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return MISSING
        if isinstance(node, dict):
            return node.get("name", json.dumps(node, sort_keys=True))
        if isinstance(node, list):
            return json.dumps(node)
        return node


def _parse_scalar(text: str) -> Any:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, str | int | float | bool) or value is None else text


def _natural_key(path: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(path))]


def find_run_dirs(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Run folders named by ``paths`` (run folders, sweep folders, metrics.json files, globs)."""
    found: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            found.append(p)

    for arg in paths:
        text = str(arg)
        is_glob = bool(_GLOB_CHARS.search(text)) and not Path(text).exists()
        matches = (
            [Path(m) for m in sorted(glob.glob(text), key=_natural_key)]
            if is_glob
            else [Path(text)]
        )
        if not matches or not matches[0].exists():
            raise CompareError(f"{text}: no such file or folder")
        n_before = len(found)
        for p in matches:
            if p.is_file():
                if p.name == "metrics.json":
                    add(p.parent)
                elif not is_glob:  # a glob may match a sweep's other files: skip them
                    raise CompareError(
                        f"{p}: not a run folder (give the folder or its metrics.json)"
                    )
                continue
            if (p / "metrics.json").is_file():
                add(p)
                continue
            below = []
            for m in walk_files(p):
                if isinstance(m, OSError):
                    log.warning("%s: cannot list this folder (%s); skipped", m.filename, m.strerror)
                elif m.name == "metrics.json":
                    below.append(m.parent)
            below.sort(key=_natural_key)
            for job in sorted(p.iterdir(), key=_natural_key):
                if (job / ".hydra").is_dir() and not (job / "metrics.json").exists():
                    log.warning("%s: no metrics.json (the job failed or is still running)", job)
            if not below and not is_glob:
                raise CompareError(f"{p}: no run folders (folders with metrics.json) below it")
            for run_dir in below:
                add(run_dir)
        if is_glob and len(found) == n_before:
            raise CompareError(f"{text}: no run folders (folders with metrics.json) match")
    return found


def load_run(path: str | os.PathLike[str]) -> RunInfo:
    """Read one run folder."""
    path = Path(path)
    try:
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CompareError(f"{path}: cannot read metrics.json ({exc})") from None
    problem = metrics_problem(metrics)
    if problem:
        raise CompareError(f"{path / 'metrics.json'}: {problem}")
    config: dict[str, Any] = {}
    for candidate in (path / "config.yaml", path / ".hydra" / "config.yaml"):
        if candidate.is_file():
            try:
                config = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                log.warning("%s: unreadable (%s)", candidate, exc)
            break
    overrides: list[str] = []
    over_path = path / ".hydra" / "overrides.yaml"
    if over_path.is_file():
        try:
            overrides = [str(x) for x in (yaml.safe_load(over_path.read_text("utf-8")) or [])]
        except yaml.YAMLError as exc:
            log.warning("%s: unreadable (%s)", over_path, exc)
    return RunInfo(path=path, metrics=metrics, config=config, overrides=overrides)


def _display_names(paths: Sequence[Path]) -> list[str]:
    if len(paths) == 1:
        return [paths[0].resolve().name]
    resolved = [p.resolve() for p in paths]
    common = Path(os.path.commonpath([str(p) for p in resolved]))
    names = [p.relative_to(common).as_posix() for p in resolved]
    return [n if n not in ("", ".") else p.name for n, p in zip(names, resolved, strict=True)]


def metrics_problem(metrics: Any) -> str | None:
    """What makes a loaded ``metrics.json`` unusable for a table, or ``None``."""
    if not isinstance(metrics, dict):
        return f"expected a JSON object, got {type(metrics).__name__}"
    if metrics.get("status") == "failed":  # written by framing-run when the run stopped
        return f"the run failed ({metrics.get('error', 'no error recorded')})"
    for key in ("headline", "overall", "subsets"):
        if key in metrics and not isinstance(metrics[key], dict):
            return f"{key!r} must be an object, got {type(metrics[key]).__name__}"
    headline = metrics.get("headline") or {}
    value = headline.get("value", (metrics.get("overall") or {}).get("macro_f1"))
    if value is None:
        return "no headline metric (headline.value or overall.macro_f1)"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"headline metric {value!r} is not a number"
    return None


def load_runs(paths: Sequence[str | os.PathLike[str]]) -> list[RunInfo]:
    """Every readable, finished run named by ``paths``, named relative to their common
    folder. A run whose ``metrics.json`` is unreadable or malformed, or says ``status:
    failed`` (written by ``framing-run`` when the run stopped), is skipped with a one-line
    warning; none left is an error."""
    runs = []
    for path in find_run_dirs(paths):
        try:
            runs.append(load_run(path))
        except CompareError as exc:
            log.warning("%s; skipped", exc)
    if not runs:
        raise CompareError("no readable runs (see the warnings above)")
    for run, name in zip(runs, _display_names([r.path for r in runs]), strict=True):
        run.name = name
    return runs


# ---------------------------------------------------------------------------
# a run's predictions file
RUN_PREDICTIONS = ("predictions.jsonl", "predictions.jsonl.gz")
COMPACT_FIELDS = ("example_id", "gold", "stance", "frame", "fold")


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
    ``predictions.jsonl.gz`` holding per example only ``example_id``, ``gold``, the
    predicted label (``stance`` / ``frame``), its probabilities and ``fold`` (the
    sentence, offsets and spans are in the corpus). Written reproducibly (no gzip
    timestamp) and atomically."""
    run_dir = Path(run_dir)
    source = run_dir / "predictions.jsonl"
    target = run_dir / "predictions.jsonl.gz"
    with (
        atomic_write(target, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
    ):
        for row in iter_prediction_rows(source):
            keep = {
                k: v
                for k, v in row.items()
                if k in COMPACT_FIELDS or k.startswith(PROBABILITY_PREFIXES)
            }
            gz.write((dumps(keep) + "\n").encode("utf-8"))
    source.unlink()
    with contextlib.suppress(FileNotFoundError):
        (run_dir / "predictions.csv").unlink()
    return target


# ---------------------------------------------------------------------------
# committed reference runs
# files of a run or sweep folder a committed reference leaves out: Hydra's own config
# and logs hold the absolute paths of the machine that ran them; .hydra/config.yaml
# repeats config.yaml
REFERENCE_DROPPED = (".hydra/hydra.yaml", ".hydra/config.yaml", "run.log", "multirun.yaml")


def slim_reference(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Make the run folders named by ``paths`` (and their sweep folders) fit to commit:
    predictions in the compact ``predictions.jsonl.gz`` (:func:`compact_run_predictions`),
    no file of :data:`REFERENCE_DROPPED`. What ``framing compare`` reads stays: ``metrics.json``,
    ``config.yaml``, ``.hydra/overrides.yaml``, the predictions. Returns the run folders."""
    runs = find_run_dirs(paths)
    folders = {*runs, *(Path(p) for p in paths if Path(p).is_dir())}
    for run in runs:
        if (run / "predictions.jsonl").is_file():
            compact_run_predictions(run)
    for folder in folders:
        for name in REFERENCE_DROPPED:
            (folder / name).unlink(missing_ok=True)
    return runs
