"""Comparison tables: one row per run or per group (mean ± sd), and their rendering
as a terminal table, Markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from framing import metrics as registry
from framing.metrics import Metric
from framing.runs import MISSING, CompareError, RunInfo

FORMATS = ("table", "markdown", "csv", "json")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | metric | ci | int | seconds | seconds_mean | meansd | p | signed


def run_columns() -> tuple[Column, ...]:
    """The run table's columns: the run, then every metric of :data:`framing.metrics.METRICS`."""
    return (
        Column("run", "run"),
        Column("task", "task"),
        Column("model", "model"),
        Column("overrides_shown", "overrides"),
        *(Column(m.key, m.header, m.kind) for m in registry.METRICS),
        Column("n", "n", "int"),
        Column("wall_seconds", "wall s", "seconds"),
    )


def _aliases() -> dict[str, str]:
    return {
        **{alias: m.key for m in registry.METRICS for alias in m.aliases},
        "wall": "wall_seconds",
        "time": "wall_seconds",
        "n_examples": "n",
    }


def _metric(key: str) -> Metric | None:
    return next((m for m in registry.METRICS if m.key == key), None)


def _metric_keys() -> tuple[str, ...]:
    return tuple(m.key for m in registry.METRICS)


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


def _metric_values(m: dict[str, Any], ci: dict[str, Any]) -> dict[str, float | None]:
    """Each metric's value, a ``ci`` metric followed by its interval (``_low``, ``_high``)."""
    out: dict[str, float | None] = {}
    for metric in registry.METRICS:
        out[metric.key] = _num(metric.read(m))
        if metric.kind == "ci":
            out[f"{metric.key}_low"] = _num(ci.get("low"))
            out[f"{metric.key}_high"] = _num(ci.get("high"))
    return out


def run_row(run: RunInfo, hidden_overrides: Collection[str] = ()) -> dict[str, Any]:
    """The raw values of one run's table row (``hidden_overrides`` left out of ``overrides``)."""
    m = run.metrics
    overall = m.get("overall") or {}
    headline = m.get("headline") or {}
    ci = headline.get("ci") or overall.get("macro_f1_ci") or {}
    return {
        "run": run.name,
        "path": str(run.path),
        "task": m.get("task"),
        "model": m.get("model"),
        "overrides": list(run.overrides),
        "overrides_shown": " ".join(o for o in run.overrides if o not in hidden_overrides),
        "metric": headline.get("metric", "macro_f1"),
        **_metric_values(m, ci),
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
    if value is None or value is MISSING or value == "":
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
    metric = _metric(key) or _metric(key.split("_mean")[0])
    descending = (metric is not None and metric.higher_is_better) != reverse
    present = [r for r in rows if _sort_value(value_of(r))[0] == 0]
    missing = [r for r in rows if _sort_value(value_of(r))[0] == 1]
    present.sort(key=lambda r: _sort_value(value_of(r)), reverse=descending)
    return present + missing


def _canonical(key: str) -> str:
    return _aliases().get(key.lower(), key)


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
        elif all(by_path[r["path"]].lookup(key) is MISSING for r in rows):
            raise CompareError(f"--sort {sort}: no run has this column, override or config key")
        else:
            rows = _sort_rows(rows, key, lambda r: by_path[r["path"]].lookup(key), reverse)
    notes = [f"shared overrides: {' '.join(shared)}"] if shared else []
    return Table(rows, _visible(run_columns(), rows), notes)


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
        if all(run.lookup(key) is MISSING for run in runs):
            raise CompareError(
                f"--group-by {key}: no run has this key "
                "(an override key such as seed, or a config key such as model.name)"
            )
    groups: dict[tuple[Any, ...], list[RunInfo]] = {}
    for run in runs:
        values = [run.lookup(k) for k in keys]
        value = tuple(None if v is MISSING else v for v in values)
        groups.setdefault(value, []).append(run)
    rows = []
    for value, members in groups.items():
        raw = [run_row(r) for r in members]
        row: dict[str, Any] = {k: v for k, v in zip(keys, value, strict=True)}
        row["runs"] = len(members)
        row["run_names"] = [r.name for r in members]
        for metric in (*_metric_keys(), "wall_seconds"):
            mean, sd, n = _mean_sd([r[metric] for r in raw])
            row[f"{metric}_mean"], row[f"{metric}_sd"], row[f"{metric}_n"] = mean, sd, n
        sizes = {r["n"] for r in raw}
        row["n"] = sizes.pop() if len(sizes) == 1 else None
        row["task"] = raw[0]["task"] if len({r["task"] for r in raw}) == 1 else None
        rows.append(row)
    if sort:
        key = _canonical(sort)
        key = f"{key}_mean" if key in (*_metric_keys(), "wall_seconds") else key
        if not rows or key not in rows[0]:
            raise CompareError(
                f"--sort {sort}: with --group-by, sort by a group key ({', '.join(keys)}) "
                f"or a metric ({', '.join((*_metric_keys(), 'wall_seconds'))})"
            )
        rows = _sort_rows(rows, key, lambda r: r.get(key), reverse)
    columns = [Column(k, k) for k in keys] + [
        Column("runs", "runs", "int"),
        *(Column(m.key, m.group_header or m.header, "meansd") for m in registry.METRICS),
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
