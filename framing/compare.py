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
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from framing.io import atomic_write
from framing.predictions import PredictError, iter_prediction_rows, run_prediction
from framing.runs import (
    CompareError,
    RunInfo,
    find_run_dirs,
    load_run,
    load_runs,
    run_predictions_file,
)
from framing.subcommand import add_command
from framing.tables import FORMATS, Column, Table, group_table, render, run_row, runs_table

__all__ = [
    "FORMATS",
    "CompareError",
    "RunInfo",
    "find_run_dirs",
    "group_table",
    "load_run",
    "load_runs",
    "make_plots",
    "matched_predictions",
    "paired_test",
    "render",
    "runs_table",
    "write_sweep_summary",
]
log = logging.getLogger("framing.compare")


# ---------------------------------------------------------------------------
# significance
def load_predictions(run: RunInfo) -> dict[str, tuple[Any, Any]]:
    """``example_id -> (gold, predicted)`` from the run's out-of-fold predictions
    (``predictions.jsonl``, or the compact ``predictions.jsonl.gz`` of a reference run)."""
    path = run_predictions_file(run.path)
    if path is None:
        raise CompareError(f"{run.path}: no predictions.jsonl")
    out: dict[str, tuple[Any, Any]] = {}
    try:
        for lineno, rec in enumerate(iter_prediction_rows(path), 1):
            try:
                key = str(rec["example_id"])
                pair = run_prediction(rec)
            except (KeyError, TypeError) as exc:
                raise CompareError(f"{path}: row {lineno}: bad prediction row ({exc})") from None
            if key in out:
                raise CompareError(f"{path}: example id {key!r} occurs twice")
            out[key] = pair
    except PredictError as exc:
        raise CompareError(f"bad prediction row ({exc})") from None
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
    """compare runs: table, groups (mean ± sd), significance tests, plots

    One row per run (run folders, sweep folders or globs): Hydra overrides and headline
    metrics. --test runs paired significance tests on two runs.
    """
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
    p = add_command(subparsers, "compare", handler)
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
    return p
