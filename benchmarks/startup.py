"""Start-up time of the command line: ``framing --help``, ``--version`` and
``framing predict`` with a scikit-learn model on one article.

Each command runs in a fresh Python process (after one untimed run that warms the
file cache); printed: the median wall time over ``--repeat`` runs and the median CPU
time (user + sys) of the child process, which depends less on a busy machine than the
wall time. The targets (issue 13): ``--help`` under 1 s, predict under 3 s on an
idle machine. Also printed: whether each command imported torch, transformers,
datasets or scikit-learn (``--help`` imports none; predict with a scikit-learn model
imports scikit-learn, never torch).

    python benchmarks/startup.py [--model RUN_OR_MODEL_DIR] [--repeat 5] [--workdir DIR]

Without ``--model`` a TF-IDF + logistic regression stance model is trained on the
shipped corpus (``framing-run model=tfidf_logreg``) into the work folder first. It
prints figures; it does not assert anything.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("torch", "transformers", "datasets", "sklearn")
ARTICLE = (
    "Russia said on Monday it would keep its naval base in Tartus. HTS leaders in Damascus "
    "condemned the crimes of the Assad regime and promised elections.\n"
)
# runs the CLI's main() like the console script and reports the heavy modules it imported
PROBE = (
    "import sys, json, atexit\n"
    "atexit.register(lambda: print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)),"
    " file=sys.stderr))\n"
    "from framing.cli import main\n"
    "main({argv!r})\n"
)


def timed(argv: list[str]) -> tuple[float, float, list[str]]:
    """Wall seconds, child CPU seconds (user + sys) and heavy modules of one fresh process."""
    code = PROBE.format(heavy=HEAVY, argv=argv)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy()
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"startup: {' '.join(argv)} failed:\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    heavy = json.loads(proc.stderr.strip().splitlines()[-1])
    return wall, cpu, heavy


def train(out: Path) -> Path:
    """A tfidf_logreg stance run on the shipped corpus (reused when already there)."""
    if not (out / "model" / "manifest.json").is_file():
        subprocess.run(
            [sys.executable, "-m", "framing.run", "model=tfidf_logreg", "n_boot=10",
             f"hydra.run.dir={out}"],
            check=True, capture_output=True,
        )  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, help="a run or model folder (default: train one)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workdir", type=Path, help="where the model and article go (default: temp)")
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="framing_startup_"))
    work.mkdir(parents=True, exist_ok=True)
    model = args.model or train(work / "tfidf_logreg")
    article = work / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    commands = {
        "framing --help": ["--help"],
        "framing --version": ["--version"],
        "framing predict (1 article)": [
            "predict", "--model", str(model), "--input", str(article),
            "-o", str(work / "pred.jsonl"), "--no-progress",
        ],
    }  # fmt: skip
    print(f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}, "
          f"{os.cpu_count()} CPUs; median of {args.repeat} fresh processes")  # fmt: skip
    print(f"{'command':30} {'wall s':>8} {'cpu s':>8}  heavy imports")
    for name, argv in commands.items():
        timed(argv)  # warm the file cache
        runs = [timed(argv) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"{name:30} {wall:8.2f} {cpu:8.2f}  {', '.join(runs[-1][2]) or '-'}")


if __name__ == "__main__":
    main()
