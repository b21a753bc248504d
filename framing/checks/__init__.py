"""Behavioural checks of stance models, in the spirit of CheckList (Ribeiro et al., 2020).

Suites are data (``framing/checks/suites/*.yaml``, format in ``framing/checks/suites/README.md``): per
capability, tests of three kinds — MFT (a sentence with the expected stance toward an
actor), INV (variants whose predictions must agree) and DIR (a pair whose stance must
move one way, or must not flip). Modules:

* :mod:`framing.checks.suite`   the file format: load and check a suite;
* :mod:`framing.checks.expand`  templates → cases, with the actor config's aliases;
* :mod:`framing.checks.score`   run a model, pass rates per capability and actor, JSON;
* :mod:`framing.checks.command` ``framing check`` and the run hook (``eval.checks=true``).
"""

from __future__ import annotations

from framing.checks.expand import Case, Pair, expand_suite
from framing.checks.score import (
    check_suites,
    format_table,
    metrics_summary,
    run_checks,
    suite_files,
    write_results,
)
from framing.checks.suite import CheckError, Suite, load_suite

__all__ = [
    "Case",
    "CheckError",
    "Pair",
    "Suite",
    "check_suites",
    "expand_suite",
    "format_table",
    "load_suite",
    "metrics_summary",
    "run_checks",
    "suite_files",
    "write_results",
]
