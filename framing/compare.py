"""Compare runs: one table row per run, groups with mean ± sd, significance, plots.

``framing compare PATH…`` takes run folders, sweep folders (every run below them)
or globs. A run folder is one holding ``metrics.json``; its Hydra overrides come
from ``.hydra/overrides.yaml`` and its resolved config from ``config.yaml``.

Examples::

    framing compare experiments/sweeps/*_stance_baselines
    framing compare experiments/sweeps/*_seeds --group-by model.name --sort macro_f1
    framing compare RUN_A RUN_B --test --mcnemar
    framing compare experiments/sweeps/*_stance_baselines --plot figures/

The same table is written into each sweep folder as ``summary.md`` / ``summary.csv``
by the Hydra callback :class:`framing.callbacks.SweepSummary`.
"""

from __future__ import annotations

import argparse
import csv
import glob
import io
import json
import logging
import math
import os
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from framing.io import atomic_write, walk_files

log = logging.getLogger("framing.compare")

FORMATS = ("table", "markdown", "csv", "json")
_MISSING = object()
_GLOB_CHARS = re.compile(r"[*?\[]")


class CompareError(ValueError):
    """A problem with the runs given (reported as one line, exit code 2)."""


# ---------------------------------------------------------------------------
# runs
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
        value = self.metrics.get(key, _MISSING)
        if value is not _MISSING and not isinstance(value, dict | list):
            return value
        node: Any = self.config
        for part in key.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return _MISSING
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
    for key in ("headline", "overall", "subsets"):
        if key in metrics and not isinstance(metrics[key], dict):
            return f"{key!r} must be an object, got {type(metrics[key]).__name__}"
    headline = metrics.get("headline") or {}
    value = headline.get("value", (metrics.get("overall") or {}).get("macro_f1"))
    if value is None:
        return "no headline metric (headline.value or overall.macro_f1)"
    if _num(value) is None:
        return f"headline metric {value!r} is not a number"
    return None


def load_runs(paths: Sequence[str | os.PathLike[str]]) -> list[RunInfo]:
    """Every readable run named by ``paths``, named relative to their common folder; a run
    whose metrics.json is unreadable or malformed is skipped with a one-line warning."""
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
# tables
@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | metric | ci | int | seconds | seconds_mean | meansd | p | signed


RUN_COLUMNS = (
    Column("run", "run"),
    Column("task", "task"),
    Column("model", "model"),
    Column("overrides_shown", "overrides"),
    Column("macro_f1", "macro-F1 [95% CI]", "ci"),
    Column("accuracy", "accuracy", "metric"),
    Column("f1_pn", "F1pn", "metric"),
    Column("multi_actor_macro_f1", "multi-actor F1", "metric"),
    Column("n", "n", "int"),
    Column("wall_seconds", "wall s", "seconds"),
)
METRIC_KEYS = ("macro_f1", "accuracy", "f1_pn", "multi_actor_macro_f1")
_ALIASES = {
    "macro-f1": "macro_f1",
    "f1": "macro_f1",
    "headline": "macro_f1",
    "f1pn": "f1_pn",
    "multi_actor": "multi_actor_macro_f1",
    "multi-actor": "multi_actor_macro_f1",
    "wall": "wall_seconds",
    "time": "wall_seconds",
    "n_examples": "n",
}


@dataclass
class Table:
    """Rows of raw values and the columns to show; ``notes`` go under the table."""

    rows: list[dict[str, Any]]
    columns: list[Column]
    notes: list[str] = field(default_factory=list)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) and math.isfinite(float(value)):
        return float(value)
    return None


def run_row(run: RunInfo, hidden_overrides: Collection[str] = ()) -> dict[str, Any]:
    """The raw values of one run's table row (``hidden_overrides`` left out of ``overrides``)."""
    m = run.metrics
    overall = m.get("overall") or {}
    headline = m.get("headline") or {}
    ci = headline.get("ci") or overall.get("macro_f1_ci") or {}
    multi = ((m.get("subsets") or {}).get("multi_actor") or {}).get("macro_f1")
    return {
        "run": run.name,
        "path": str(run.path),
        "task": m.get("task"),
        "model": m.get("model"),
        "overrides": list(run.overrides),
        "overrides_shown": " ".join(o for o in run.overrides if o not in hidden_overrides),
        "metric": headline.get("metric", "macro_f1"),
        "macro_f1": _num(headline.get("value", overall.get("macro_f1"))),
        "macro_f1_low": _num(ci.get("low")),
        "macro_f1_high": _num(ci.get("high")),
        "accuracy": _num(overall.get("accuracy")),
        "f1_pn": _num(overall.get("f1_pn")),
        "multi_actor_macro_f1": _num(multi),
        "n": m.get("n_examples", overall.get("n")),
        "wall_seconds": _num(m.get("wall_seconds")),
    }


def _shared_overrides(runs: Sequence[RunInfo]) -> list[str]:
    if len(runs) < 2:
        return []
    first = runs[0].overrides
    return [o for o in first if all(o in r.overrides for r in runs[1:])]


def _visible(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> list[Column]:
    """Drop columns that are empty in every row, and ``task`` when all rows share it."""
    out = []
    for col in columns:
        values = [r.get(col.key) for r in rows]
        if all(v in (None, "") for v in values):
            continue
        if col.key == "task" and len({str(v) for v in values}) <= 1:
            continue
        out.append(col)
    return out


def _sort_value(value: Any) -> tuple[int, int, Any]:
    if value is None or value is _MISSING or value == "":
        return (1, 0, 0)
    num = _num(value)
    if num is not None:
        return (0, 0, num)
    return (0, 1, str(value))


def _sort_rows(
    rows: list[dict[str, Any]],
    key: str,
    value_of: Callable[[dict[str, Any]], Any],
    reverse: bool,
) -> list[dict[str, Any]]:
    """Sort by ``key``: metrics best first, anything else ascending; missing values last."""
    descending = key in METRIC_KEYS or key.split("_mean")[0] in METRIC_KEYS
    descending = descending != reverse
    present = [r for r in rows if _sort_value(value_of(r))[0] == 0]
    missing = [r for r in rows if _sort_value(value_of(r))[0] == 1]
    present.sort(key=lambda r: _sort_value(value_of(r)), reverse=descending)
    return present + missing


def _canonical(key: str) -> str:
    return _ALIASES.get(key.lower(), key)


def runs_table(
    runs: Sequence[RunInfo],
    sort: str | None = None,
    reverse: bool = False,
    all_overrides: bool = False,
) -> Table:
    """One row per run. Overrides every run shares are moved into a note."""
    shared = [] if all_overrides else _shared_overrides(runs)
    by_path = {}
    rows = []
    for run in runs:
        row = run_row(run, set(shared))
        by_path[row["path"]] = run
        rows.append(row)
    if sort:
        key = _canonical(sort)
        if rows and key in rows[0]:
            rows = _sort_rows(rows, key, lambda r: r.get(key), reverse)
        elif all(by_path[r["path"]].lookup(key) is _MISSING for r in rows):
            raise CompareError(f"--sort {sort}: no run has this column, override or config key")
        else:
            rows = _sort_rows(rows, key, lambda r: by_path[r["path"]].lookup(key), reverse)
    notes = [f"shared overrides: {' '.join(shared)}"] if shared else []
    return Table(rows, _visible(RUN_COLUMNS, rows), notes)


def _mean_sd(values: Sequence[float | None]) -> tuple[float | None, float | None, int]:
    vals = [v for v in values if v is not None]
    if not vals:
        return None, None, 0
    sd = float(np.std(vals, ddof=1)) if len(vals) > 1 else None
    return float(np.mean(vals)), sd, len(vals)


def group_table(
    runs: Sequence[RunInfo],
    keys: Sequence[str],
    sort: str | None = None,
    reverse: bool = False,
) -> Table:
    """One row per distinct value of ``keys``: mean ± sd of each metric over its runs."""
    keys = [k for key in keys for k in key.split(",") if k]
    for key in keys:
        if all(run.lookup(key) is _MISSING for run in runs):
            raise CompareError(
                f"--group-by {key}: no run has this key "
                "(an override key such as seed, or a config key such as model.name)"
            )
    groups: dict[tuple[Any, ...], list[RunInfo]] = {}
    for run in runs:
        values = [run.lookup(k) for k in keys]
        value = tuple(None if v is _MISSING else v for v in values)
        groups.setdefault(value, []).append(run)
    rows = []
    for value, members in groups.items():
        raw = [run_row(r) for r in members]
        row: dict[str, Any] = {k: v for k, v in zip(keys, value, strict=True)}
        row["runs"] = len(members)
        row["run_names"] = [r.name for r in members]
        for metric in (*METRIC_KEYS, "wall_seconds"):
            mean, sd, n = _mean_sd([r[metric] for r in raw])
            row[f"{metric}_mean"], row[f"{metric}_sd"], row[f"{metric}_n"] = mean, sd, n
        sizes = {r["n"] for r in raw}
        row["n"] = sizes.pop() if len(sizes) == 1 else None
        row["task"] = raw[0]["task"] if len({r["task"] for r in raw}) == 1 else None
        rows.append(row)
    if sort:
        key = _canonical(sort)
        key = f"{key}_mean" if key in (*METRIC_KEYS, "wall_seconds") else key
        if not rows or key not in rows[0]:
            raise CompareError(
                f"--sort {sort}: with --group-by, sort by a group key ({', '.join(keys)}) "
                "or a metric (macro_f1, accuracy, f1_pn, multi_actor_macro_f1, wall_seconds)"
            )
        rows = _sort_rows(rows, key, lambda r: r.get(key), reverse)
    columns = [Column(k, k) for k in keys] + [
        Column("runs", "runs", "int"),
        Column("macro_f1", "macro-F1 (mean ± sd)", "meansd"),
        Column("accuracy", "accuracy", "meansd"),
        Column("f1_pn", "F1pn", "meansd"),
        Column("multi_actor_macro_f1", "multi-actor F1", "meansd"),
        Column("n", "n", "int"),
        Column("wall_seconds", "wall s (mean)", "seconds_mean"),
    ]
    shown = []
    for col in columns:
        if col.kind in ("meansd", "seconds_mean"):
            if all(r.get(f"{col.key}_mean") is None for r in rows):
                continue
        elif col.key == "n" and all(r.get("n") is None for r in rows):
            continue
        shown.append(col)
    return Table(rows, shown)


# ---------------------------------------------------------------------------
# rendering
def _fmt_p(p: float | None) -> str:
    if p is None:
        return ""
    return f"{p:.1e}" if p < 0.001 else f"{p:.3f}"


def _cell(row: dict[str, Any], col: Column) -> str:
    k = col.key
    if col.kind == "ci":
        v = row.get(k)
        if v is None:
            return ""
        low, high = row.get(f"{k}_low"), row.get(f"{k}_high")
        return (
            f"{v:.3f} [{low:.3f}, {high:.3f}]"
            if low is not None and high is not None
            else f"{v:.3f}"
        )
    if col.kind == "meansd":
        mean, sd = row.get(f"{k}_mean"), row.get(f"{k}_sd")
        if mean is None:
            return ""
        return f"{mean:.3f} ± {sd:.3f}" if sd is not None else f"{mean:.3f}"
    if col.kind == "seconds_mean":
        v = row.get(f"{k}_mean")
        return "" if v is None else f"{v:.1f}"
    v = row.get(k)
    if v is None:
        return ""
    if col.kind == "metric":
        return f"{v:.3f}"
    if col.kind == "signed":
        return f"{v:+.3f}"
    if col.kind == "seconds":
        return f"{v:.1f}"
    if col.kind == "p":
        return _fmt_p(v)
    if col.kind == "int":
        return f"{int(v)}" if isinstance(v, int | float) else str(v)
    return str(v)


def _numeric(col: Column) -> bool:
    return col.kind != "text"


def _simple_table(headers: list[str], body: list[list[str]], right: list[bool]) -> str:
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *map(line, body)])


def _markdown(headers: list[str], body: list[list[str]], right: list[bool]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(esc(h) for h in headers) + " |"]
    lines.append("|" + "|".join("---:" if r else "---" for r in right) + "|")
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def _csv_value(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.6g}"  # six significant digits: small p-values stay readable
    if isinstance(value, list):
        return " ".join(map(str, value))
    return value


def render(table: Table, fmt: str = "table") -> str:
    """The table as text: ``table`` (terminal), ``markdown``, ``csv`` or ``json``."""
    if fmt == "json":
        rows = [{k: v for k, v in row.items() if k != "overrides_shown"} for row in table.rows]
        return json.dumps(rows, indent=2, ensure_ascii=False, default=str) + "\n"
    if fmt == "csv":
        keys: list[str] = []
        for row in table.rows:
            keys += [k for k in row if k not in keys and k != "overrides_shown"]
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=keys, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in table.rows:
            writer.writerow({k: _csv_value(row.get(k)) for k in keys})
        return buf.getvalue()
    headers = [c.header for c in table.columns]
    body = [[_cell(row, c) for c in table.columns] for row in table.rows]
    right = [_numeric(c) for c in table.columns]
    if fmt == "markdown":
        text = _markdown(headers, body, right)
        notes = "".join(f"\n\n{n[:1].upper()}{n[1:]}." for n in table.notes)
        return text + notes + "\n"
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        from tabulate import tabulate
    except ImportError:
        text = _simple_table(headers, body, right)
    else:
        text = tabulate(
            body,
            headers=headers,
            tablefmt="simple",
            disable_numparse=True,
            colalign=["right" if r else "left" for r in right],
        )
    return text + "".join(f"\n{n}" for n in table.notes) + "\n"


# ---------------------------------------------------------------------------
# significance
def load_predictions(run: RunInfo) -> dict[str, tuple[Any, Any]]:
    """``example_id -> (gold, predicted)`` from the run's out-of-fold ``predictions.jsonl``."""
    path = run.path / "predictions.jsonl"
    if not path.is_file():
        raise CompareError(f"{run.path}: no predictions.jsonl")
    out: dict[str, tuple[Any, Any]] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                key = str(rec["example_id"])
                pair = (rec["gold"], rec["predicted"])
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise CompareError(f"{path}:{lineno}: bad prediction row ({exc})") from None
            if key in out:
                raise CompareError(f"{path}: example id {key!r} occurs twice")
            out[key] = pair
    return out


def matched_predictions(
    run_a: RunInfo, run_b: RunInfo
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Ids, gold, A's and B's predictions over the examples both runs scored.

    Raises :class:`CompareError` when the example ids differ or the gold labels do.
    """
    pa, pb = load_predictions(run_a), load_predictions(run_b)
    only_a, only_b = set(pa) - set(pb), set(pb) - set(pa)
    if only_a or only_b:
        raise CompareError(
            f"{run_a.name} and {run_b.name} were not scored on the same examples: "
            f"{len(only_a) + len(only_b)} example ids differ "
            f"({len(only_a)} only in {run_a.name}, {len(only_b)} only in {run_b.name})"
        )
    ids = sorted(pa)
    differ = sum(1 for i in ids if pa[i][0] != pb[i][0])
    if differ:
        raise CompareError(
            f"{run_a.name} and {run_b.name} were not scored on the same examples: "
            f"{differ} of {len(ids)} examples have different gold labels"
        )
    if any(isinstance(pa[i][0], list) or isinstance(pa[i][1], list) for i in ids) or any(
        isinstance(pb[i][1], list) for i in ids
    ):
        raise CompareError("--test compares single-label runs; these hold multi-label predictions")
    gold = [str(pa[i][0]) for i in ids]
    return ids, gold, [str(pa[i][1]) for i in ids], [str(pb[i][1]) for i in ids]


def paired_test(
    run_a: RunInfo,
    run_b: RunInfo,
    n_boot: int = 10_000,
    n_rounds: int = 10_000,
    seed: int = 0,
    with_mcnemar: bool = False,
) -> dict[str, Any]:
    """Paired bootstrap, approximate randomisation (and McNemar) for macro-F1 of B − A."""
    from framing.evaluation import macro_f1
    from framing.significance import approximate_randomization, mcnemar, paired_bootstrap

    _, gold, pred_a, pred_b = matched_predictions(run_a, run_b)
    labels = [str(x) for x in run_a.metrics.get("labels", [])]
    for lab in [*run_b.metrics.get("labels", []), *gold, *pred_a, *pred_b]:
        if str(lab) not in labels:
            labels.append(str(lab))
    if set(run_a.metrics.get("labels", [])) != set(run_b.metrics.get("labels", [])):
        log.warning("the runs' label sets differ; using their union %s", labels)
    result: dict[str, Any] = {
        "metric": "macro_f1",
        "n": len(gold),
        "a": {"run": run_a.name, "path": str(run_a.path), "model": run_a.model},
        "b": {"run": run_b.name, "path": str(run_b.path), "model": run_b.model},
    }
    result["a"]["macro_f1"] = macro_f1(gold, pred_a, labels)
    result["b"]["macro_f1"] = macro_f1(gold, pred_b, labels)
    boot = paired_bootstrap(gold, pred_a, pred_b, labels, n_boot=n_boot, seed=seed)
    result["difference"] = boot["difference"]
    result["paired_bootstrap"] = boot
    result["approximate_randomization"] = approximate_randomization(
        gold, pred_a, pred_b, labels, n_rounds=n_rounds, seed=seed
    )
    if with_mcnemar:
        result["mcnemar"] = mcnemar(gold, pred_a, pred_b)
    return result


TEST_COLUMNS = [
    Column("test", "test"),
    Column("statistic", "statistic"),
    Column("difference", "B − A", "signed"),
    Column("ci", "95% CI"),
    Column("p_value", "p", "p"),
    Column("replicates", "replicates", "int"),
]


def test_table(result: dict[str, Any]) -> Table:
    """The test result as a table (one row per test) with A, B and n in the notes."""
    boot, ar = result["paired_bootstrap"], result["approximate_randomization"]
    rows = [
        {
            "test": "paired bootstrap",
            "statistic": "Δ macro-F1",
            "difference": boot["difference"],
            "ci": f"[{boot['ci']['low']:+.3f}, {boot['ci']['high']:+.3f}]",
            "ci_low": boot["ci"]["low"],
            "ci_high": boot["ci"]["high"],
            "p_value": boot["p_value"],
            "replicates": boot["n_boot"],
        },
        {
            "test": "approximate randomisation",
            "statistic": "Δ macro-F1",
            "difference": ar["difference"],
            "p_value": ar["p_value"],
            "replicates": ar["n_rounds"],
        },
    ]
    mc = result.get("mcnemar")
    if mc:
        counts = f"only A right {mc['only_a']}, only B right {mc['only_b']}"
        rows.append({"test": "McNemar exact", "statistic": counts, "p_value": mc["exact_p"]})
        rows.append(
            {
                "test": "McNemar χ² (cc)",
                "statistic": f"χ² = {mc['chi2']:.2f}",
                "p_value": mc["chi2_p"],
            }
        )
    a, b = result["a"], result["b"]
    notes = [
        f"A = {a['run']} ({a['model']}): macro-F1 {a['macro_f1']:.3f}",
        f"B = {b['run']} ({b['model']}): macro-F1 {b['macro_f1']:.3f}",
        f"{result['n']} examples, same ids and gold labels; seed {boot['seed']}; two-sided "
        f"p-values; resampling ones add-one smoothed (smallest possible 1/(replicates + 1))",
    ]
    return Table(rows, TEST_COLUMNS, notes)


# ---------------------------------------------------------------------------
# plots
def make_plots(runs: Sequence[RunInfo], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Headline with intervals, per-actor heatmap, confusion matrices; PNG + SVG each."""
    from sklearn.metrics import confusion_matrix

    from framing.plots import plot_confusions, plot_headline, plot_per_actor

    out = Path(out_dir)
    written: list[Path] = []
    rows = [run_row(r) for r in runs]
    labels = [r.label for r in runs]
    metric = rows[0]["metric"].replace("macro_f1", "macro-F1") if rows else "macro-F1"
    written += plot_headline(
        labels,
        [r["macro_f1"] if r["macro_f1"] is not None else float("nan") for r in rows],
        [r["macro_f1_low"] for r in rows],
        [r["macro_f1_high"] for r in rows],
        out / "headline",
        metric=metric,
    )
    per_actor = [(r.metrics.get("overall") or {}).get("per_actor") or {} for r in runs]
    actors = sorted({a for pa in per_actor for a in pa})
    if actors:
        matrix = np.array(
            [[(pa.get(a) or {}).get("macro_f1", np.nan) for a in actors] for pa in per_actor],
            dtype=float,
        )
        keep = [i for i, pa in enumerate(per_actor) if pa]
        written += plot_per_actor(
            [labels[i] for i in keep], actors, matrix[keep], out / "per_actor"
        )
    else:
        log.info("no per-actor scores in these runs; per_actor plot skipped")
    panels = []
    for run, label in zip(runs, labels, strict=True):
        try:
            preds = load_predictions(run)
        except CompareError as exc:
            log.warning("confusion matrix skipped: %s", exc)
            continue
        pairs = list(preds.values())
        if any(isinstance(g, list) or isinstance(p, list) for g, p in pairs):
            log.warning("%s: multi-label predictions; confusion matrix skipped", run.name)
            continue
        labs = [str(x) for x in run.metrics.get("labels", [])]
        for g, p in pairs:
            for lab in (str(g), str(p)):
                if lab not in labs:
                    labs.append(lab)
        cm = confusion_matrix([str(g) for g, _ in pairs], [str(p) for _, p in pairs], labels=labs)
        panels.append((label, labs, cm))
    if panels:
        written += plot_confusions(panels, out / "confusion_matrices")
    for path in written:
        log.info("wrote %s", path)
    return written


# ---------------------------------------------------------------------------
# sweep summary (used by framing.callbacks.SweepSummary)
def write_sweep_summary(
    sweep_dir: str | os.PathLike[str], sort: str | None = None
) -> tuple[Path, Path]:
    """Write ``summary.md`` and ``summary.csv`` (the ``framing compare`` table) into a sweep."""
    sweep = Path(sweep_dir)
    table = runs_table(load_runs([sweep]), sort=sort)
    md, csv_path = sweep / "summary.md", sweep / "summary.csv"
    with atomic_write(md) as fh:
        fh.write(f"# Sweep {sweep.name}\n\n")
        fh.write(render(table, "markdown"))
    with atomic_write(csv_path) as fh:
        fh.write(render(table, "csv"))
    return md, csv_path


# ---------------------------------------------------------------------------
# command line
def _emit(text: str, output: str | None) -> None:
    if output:
        with atomic_write(output) as fh:
            fh.write(text)
        log.info("wrote %s", output)
    else:
        print(text, end="" if text.endswith("\n") else "\n", flush=True)


def handler(args: argparse.Namespace) -> int:
    """``framing compare``: returns the exit code (2 for unusable runs)."""
    try:
        runs = load_runs(args.paths)
        test = args.test or args.mcnemar
        if test and len(runs) != 2:
            raise CompareError(f"--test compares exactly two runs; got {len(runs)}")
        if args.group_by:
            table = group_table(runs, args.group_by, sort=args.sort, reverse=args.reverse)
        else:
            table = runs_table(
                runs, sort=args.sort, reverse=args.reverse, all_overrides=args.all_overrides
            )
        if test:
            result = paired_test(
                runs[0],
                runs[1],
                n_boot=args.n_boot,
                n_rounds=args.n_rounds,
                seed=args.seed,
                with_mcnemar=args.mcnemar,
            )
            tests = test_table(result)
            if args.format == "json":
                rows = json.loads(render(table, "json"))
                text = json.dumps({"runs": rows, "test": result}, indent=2, ensure_ascii=False)
                text += "\n"
            elif args.format == "csv":
                text = render(tests, "csv")
            else:
                sep = "\n" if args.format == "markdown" else ""
                notes = "\n".join(f"- {n}" if args.format == "markdown" else n for n in tests.notes)
                tests.notes = []
                text = (
                    render(table, args.format) + "\n" + notes + "\n" + sep
                    + render(tests, args.format)
                )  # fmt: skip
        else:
            text = render(table, args.format)
        _emit(text, args.output)
        if args.plot:
            make_plots(runs, args.plot)
    except CompareError as exc:
        log.error("%s", exc)
        return 2
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_cli(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``framing compare``."""
    p = subparsers.add_parser(
        "compare",
        help="compare runs: table, groups (mean ± sd), significance tests, plots",
        description=(
            "One row per run (run folders, sweep folders or globs): Hydra overrides and "
            "headline metrics. --test runs paired significance tests on two runs."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="run folders, sweep folders or globs")
    p.add_argument(
        "--group-by",
        nargs="+",
        metavar="KEY",
        help="group by config/override keys (e.g. model.name); mean ± sd over the rest",
    )
    p.add_argument(
        "--sort",
        metavar="KEY",
        help="sort by a column (macro_f1, accuracy, f1_pn, multi_actor_macro_f1, n, "
        "wall_seconds, run, model) or a config/override key; metrics best first",
    )
    p.add_argument("--reverse", action="store_true", help="reverse the sort order")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument(
        "--all-overrides",
        action="store_true",
        help="show every override in each row (default: shared ones go under the table)",
    )
    p.add_argument(
        "--test", action="store_true", help="paired significance tests of two runs (B − A)"
    )
    p.add_argument("--mcnemar", action="store_true", help="add McNemar's test (implies --test)")
    p.add_argument(
        "--n-boot", type=_positive_int, default=10_000, help="bootstrap replicates (10000)"
    )
    p.add_argument(
        "--n-rounds",
        type=_positive_int,
        default=10_000,
        help="approximate randomisation rounds (10000)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the resampling tests (0)")
    p.add_argument("--plot", metavar="DIR", help="write comparison plots (PNG + SVG) to DIR")
    p.set_defaults(func=handler)
    return p
