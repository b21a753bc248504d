"""``framing check`` and the experiment runner's hook (``eval.checks=true``)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import Any

from framing.checks.score import format_table, metrics_summary, run_checks, write_results
from framing.checks.suite import CheckError
from framing.subcommand import add_command

log = logging.getLogger(__name__)
RESULTS_FILE = "checks.json"  # in a run folder, next to metrics.json


def add_cli(subparsers: Any) -> None:
    p = add_command(subparsers, "check", cmd_check)
    p.add_argument("--model", required=True, help="a run folder (with model/) or a model folder")
    p.add_argument(
        "--suite",
        action="append",
        metavar="S",
        help="a suite file or a folder of them (repeatable; default: the shipped framing/checks/suites/)",
    )
    p.add_argument("-o", "--output", metavar="JSON", help="also write the results here (JSON)")
    p.add_argument(
        "--actors", help="actor config YAML for the actor slots (default: the model's own)"
    )


def cmd_check(args: argparse.Namespace) -> int:
    """behavioural checks of a stance model: pass rates per capability

    Run a saved stance model on check suites (minimal pairs and templates, the shipped
    suites in framing/checks/suites/ by default) and print the pass rate per capability and
    actor.
    """
    from framing import load_model

    try:
        model = load_model(args.model)
        results = run_checks(model, args.suite, actors=args.actors)
    except (CheckError, FileNotFoundError) as exc:
        log.error("%s", exc)
        return 2
    print(format_table(results))
    if args.output:
        log.info("checks -> %s", write_results(args.output, results))
    return 0


def checks_metrics(cfg: Any, out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The run hook: with ``eval.checks=true``, check the run's saved model.

    Writes ``<run>/checks.json`` (with failing examples) and returns
    ``{"checks": pass rates}`` for ``metrics.json``; returns ``{}`` when the key is off.
    """
    eval_cfg = cfg.get("eval") or {}
    if not eval_cfg.get("checks", False):
        return {}
    from framing import load_model
    from framing.sources import ConfigError

    model_dir = Path(out_dir) / "model"
    if not (model_dir / "manifest.json").is_file():
        raise ConfigError("eval.checks=true needs the run's saved model: set save_model=true")
    suites = eval_cfg.get("check_suites") or None
    try:
        results = run_checks(load_model(model_dir), list(suites) if suites else None)
    except CheckError as exc:
        raise ConfigError(f"eval.checks: {exc}") from None
    write_results(Path(out_dir) / RESULTS_FILE, results)
    log.info(
        "checks: %.3f of %d cases pass",
        results["summary"]["pass_rate"] or 0.0,
        results["summary"]["cases"],
    )
    return {"checks": metrics_summary(results)}
