"""Audit class "interruptions" of `framing predict` (helpers shared with audit_writers).

Real signals to real processes: ``framing predict`` runs in a subprocess reading its
articles from a FIFO, so the suite knows how far the run got when it sends SIGTERM,
SIGINT or SIGKILL (at 10%, 50% and 95% of the input); then ``--resume`` runs on the
whole input. Lost: articles of an uninterrupted run missing from the resumed output,
plus articles written twice. Handled: the expected exit code, nothing lost or doubled,
the resumed file byte for byte the uninterrupted one, no temporary files left. The
model is a majority-class stance model trained on the shipped corpus (fast). One more
case measures a SIGKILL at 95% of 3,000 articles and the resumed run's time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from audit import Outcome

ROOT = Path(__file__).resolve().parent.parent
N = 600
CHUNK = 20
MEASURE_N = 3000


def article(i: int) -> dict:
    return {
        "id": f"a{i:05d}",
        "text": f"Russia sent {i} aid trucks to Idlib on Monday. "
        f"HTS fighters blocked road number {i % 7} near the border. "
        f"Assad's former ministers fled to Moscow, officials said.",
    }


def write_input(path: Path, n: int) -> Path:
    path.write_text("".join(json.dumps(article(i)) + "\n" for i in range(n)), encoding="utf-8")
    return path


def train_model(work: Path) -> Path:
    from hydra import compose, initialize_config_dir

    import framing.run as fr

    out = work / "majority_run"
    work.mkdir(parents=True, exist_ok=True)
    if not (out / "model" / "manifest.json").is_file():
        with initialize_config_dir(str(fr.CONFIG_DIR), version_base="1.3"):
            cfg = compose("config", overrides=["model=majority", "split.n_splits=2", "n_boot=20"])
        fr.run(cfg, out)
    return out


def cli(model: Path, source: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "framing.cli",
        "-q",
        "predict",
        "--model",
        str(model),
        "--input",
        str(source),
        "-o",
        str(out),
        "--no-progress",
        "--batch-size",
        "1",
        *extra,
    ]


def start(args: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        # a shell in the background ignores SIGINT, and so would the child
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def n_durable(out: Path) -> int:
    """Articles in the committed parts of ``out``."""
    from framing.prediction_writer import parts_dir

    ids = set()
    for part in parts_dir(out).glob("[0-9]*.jsonl"):
        with part.open(encoding="utf-8") as fh:
            ids.update(json.loads(line)["article_id"] for line in fh)
    return len(ids)


def interrupt(work: Path, model: Path, out: Path, k: int, sig: int, chunk: int) -> int:
    """Feed ``k`` articles through a FIFO, wait for their whole chunks to be durable,
    send ``sig``; the exit code."""
    fifo = work / f"feed-{out.stem}.jsonl"
    os.mkfifo(fifo)
    proc = start(cli(model, fifo, out, "--chunk", str(chunk)))
    with fifo.open("w", encoding="utf-8") as feed:
        feed.write("".join(json.dumps(article(i)) + "\n" for i in range(k)))
        feed.flush()
        deadline = time.monotonic() + 120
        while n_durable(out) < k // chunk * chunk and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(sig)
        code = proc.wait(timeout=120)
    fifo.unlink()
    return code


def ids_of(path: Path) -> list[str]:
    """Article ids in the order their (contiguous) rows appear, one per block."""
    from framing.predictions import iter_prediction_rows

    blocks: list[str] = []
    for row in iter_prediction_rows(path, columns=["article_id"]):
        if not blocks or blocks[-1] != row["article_id"]:
            blocks.append(row["article_id"])
    return blocks


def lost_and_doubled(out: Path, reference: Path) -> int:
    got = Counter(ids_of(out)) if out.exists() else Counter()
    want = ids_of(reference)
    return sum(1 for a in want if a not in got) + sum(n - 1 for n in got.values())


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".parts", ".lock"))]


def run(work: Path) -> list[Outcome]:
    from framing.inference import predict_files

    model = train_model(work)
    source = write_input(work / "articles.jsonl", N)
    reference = work / "reference.jsonl"
    predict_files([source], reference, [model], progress=False)
    out = []
    expected = {signal.SIGTERM: 130, signal.SIGINT: 130, signal.SIGKILL: -signal.SIGKILL}
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        for frac in (0.10, 0.50, 0.95):
            case = f"{sig.name} at {frac:.0%}, then --resume"
            folder = work / f"{sig.name}-{int(frac * 100)}"
            folder.mkdir()
            target = folder / "out.jsonl"
            code = interrupt(folder, model, target, int(frac * N), sig, CHUNK)
            resumed = start(cli(model, source, target, "--resume"))
            _, err = resumed.communicate(timeout=300)
            lost = lost_and_doubled(target, reference)
            same = target.exists() and target.read_bytes() == reference.read_bytes()
            ok = code == expected[sig] and resumed.returncode == 0 and same and not lost
            note = f"exit {code}, resume exit {resumed.returncode}; {err.strip()[-200:]}"
            out.append(Outcome(case, ok and not leftovers(folder), lost, note=note))
    out.append(measure_kill_at_95(work, model))
    return out


def measure_kill_at_95(work: Path, model: Path) -> Outcome:
    """SIGKILL at 95% of 3,000 articles, then --resume: only the rest is predicted."""
    from framing.inference import predict_files

    folder = work / "measure"
    folder.mkdir()
    source = write_input(folder / "articles.jsonl", MEASURE_N)
    full = predict_files([source], folder / "full.jsonl", [model], progress=False)
    target = folder / "out.jsonl"
    code = interrupt(folder, model, target, int(0.95 * MEASURE_N), signal.SIGKILL, 100)
    resumed = predict_files([source], target, [model], resume=True, progress=False)
    lost = lost_and_doubled(target, folder / "full.jsonl")
    same = target.read_bytes() == (folder / "full.jsonl").read_bytes()
    note = (
        f"full run {full.seconds:.2f} s for {full.articles_written} articles; after the kill "
        f"(exit {code}) the resumed run {resumed.seconds:.2f} s for "
        f"{resumed.articles_written} articles ({resumed.skipped_done} already durable)"
    )
    print(f"measure: {note}", file=sys.stderr)
    ok = same and code == -signal.SIGKILL and resumed.articles_written <= MEASURE_N * 0.05 + 100
    return Outcome(f"SIGKILL at 95% of {MEASURE_N:,} articles, --resume", ok, lost, note=note)
