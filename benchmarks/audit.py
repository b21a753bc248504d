"""The audit suite: replay every class of bad input from issue #15 and print a table.

Each class is a function ``(workdir) -> list[Outcome]`` in one of the ``audit_*``
modules next to this file; it builds its crafted inputs (small, generated here, no
downloads), runs the package on them and records per case:

* ``handled``  — the package did the right thing: a one-line error naming the file
  (and line) for what it refuses, every good record kept, the right output;
* ``lost``     — good records of the input missing from (or merged in) the output;
* ``code_ran`` — a marker file that the crafted input's code would create exists.

Printed: one row per class — cases tried, handled, records lost, code executed —
and the cases not handled. To add a class (e.g. interruptions, sharded writers),
write ``run(workdir) -> list[Outcome]`` in a new ``audit_<name>.py`` and add it to
:data:`CLASSES`.

    python benchmarks/audit.py [--only CLASS ...] [--markdown] [--workdir DIR]

It prints figures; it does not assert anything (the tests do, per finding).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# class name → module holding ``run(workdir)``
CLASSES: dict[str, str] = {
    "bad inputs": "audit_inputs",
    "input shapes (exports of common tools)": "audit_shapes",
    "crafted model folders": "audit_models",
    "corrupted corpora": "audit_corpora",
    "bad overrides and options": "audit_overrides",
    "cleaner (held-out scraped text)": "audit_cleaner",
    "interruptions (SIGTERM/SIGINT/SIGKILL, --resume)": "audit_interrupts",
    "concurrent and sharded writers": "audit_writers",
}


@dataclass
class Outcome:
    """One case of a class: what was tried and how it went."""

    case: str
    handled: bool
    lost: int = 0
    code_ran: bool = False
    note: str = ""


def one_line(exc: BaseException, *names: str) -> bool:
    """Whether an error message is one line naming every one of ``names``."""
    text = str(exc)
    return "\n" not in text.strip() and "Traceback" not in text and all(n in text for n in names)


def run_class(name: str, module: str, workdir: Path) -> tuple[list[Outcome], float]:
    started = time.perf_counter()
    folder = workdir / module
    folder.mkdir(parents=True, exist_ok=True)
    try:
        outcomes = importlib.import_module(module).run(folder)
    except Exception as exc:  # the suite itself broke: one failed case, the rest go on
        traceback.print_exc()
        outcomes = [Outcome(f"{name}: the class crashed", False, note=repr(exc))]
    return outcomes, time.perf_counter() - started


def table(results: dict[str, tuple[list[Outcome], float]], markdown: bool) -> str:
    header = ["class", "cases tried", "handled", "records lost", "code executed", "seconds"]
    rows = []
    total = [0, 0, 0, 0]
    for name, (outcomes, seconds) in results.items():
        counts = [
            len(outcomes),
            sum(o.handled for o in outcomes),
            sum(o.lost for o in outcomes),
            sum(o.code_ran for o in outcomes),
        ]
        total = [a + b for a, b in zip(total, counts, strict=True)]
        rows.append([name, *map(str, counts), f"{seconds:.1f}"])
    rows.append(["all", *map(str, total), ""])
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(r):
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    return "\n".join([fmt(header), *(fmt(r) for r in rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", nargs="+", metavar="CLASS", help="module names, e.g. audit_models"
    )
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--workdir", type=Path, help="keep the crafted inputs here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)  # the cases' own warnings are expected
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.CRITICAL)  # also for loggers that propagate (transformers)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="framing-audit-"))
    results = {}
    for name, module in CLASSES.items():
        if args.only and module not in args.only:
            continue
        results[name] = run_class(name, module, workdir)
    print(table(results, args.markdown))
    failed = [
        (n, o)
        for n, (outs, _) in results.items()
        for o in outs
        if not o.handled or o.lost or o.code_ran
    ]
    if failed:
        print("\nnot handled:")
        for name, o in failed:
            print(f"- {name}: {o.case} (lost {o.lost}, code ran: {o.code_ran}) {o.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
