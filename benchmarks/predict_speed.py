"""Speed and memory of ``framing predict`` with the scikit-learn baselines.

1. **Throughput.** Trains (or takes, ``--stance``/``--framing``) TF-IDF + logistic
   regression models on the shipped corpus ``data/syria``, builds a JSONL corpus of
   ``--mb`` MB of new articles (paragraphs of the shipped articles shuffled into fresh
   articles with fresh ids, sources and dates) and runs
   :func:`framing.predict.predict_files` over it with the framing model, the stance
   model and both. Printed: articles, sentences, pairs, seconds and pairs/s end to end,
   plus the two parts on their own — read + clean + split + match (articles/s) and
   ``model.predict_proba`` on ready pairs (pairs/s) — to show where the time goes.
2. **Memory.** Peak RSS of ``framing predict`` (framing model) on a ``--small-mb`` and a
   ``--big-mb`` input, each in a fresh subprocess, side by side: streaming keeps it flat.
   ``--rss-shard N`` predicts one shard in N of each input (every record is still read,
   split into shards and streamed through; the model sees 1/N) to bound the time.
The transformer comparison (framing vs a plain ``transformers`` pipeline, int8) is
``benchmarks/transformer_speed.py``.

    python benchmarks/predict_speed.py [--mb 3] [--small-mb 10] [--big-mb 200]
        [--rss-shard 1] [--skip-rss] [--workdir DIR]

It prints figures; it does not assert anything.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "data" / "syria" / "articles.jsonl"
MB = 1_000_000
TARGET_PAIRS_PER_S = 20_000
BASELINE_PAIRS = 6_000  # pairs the scikit-learn pipeline baseline predicts (it is slow)

log = logging.getLogger("predict_speed")


# ---------------------------------------------------------------------------
# models and corpus
def train(task: str, out: Path) -> Path:
    """A tfidf_logreg run on the shipped corpus (reused when ``out`` already holds one)."""
    if (out / "model" / "manifest.json").is_file():
        return out
    from hydra import compose, initialize_config_dir

    import framing.run as fr

    with initialize_config_dir(str(fr.CONFIG_DIR), version_base="1.3"):
        cfg = compose(
            "config",
            overrides=[
                f"data.path={ROOT / 'data' / 'syria'}",
                "model=tfidf_logreg",
                "n_boot=50",
                "split.n_splits=2",
                f"task={task}",
            ],
        )
    log.info("training %s tfidf_logreg on data/syria -> %s", task, out)
    fr.run(cfg, out)
    return out


def build_corpus(path: Path, target_mb: float, seed: int = 0) -> tuple[int, int]:
    """At least ``target_mb`` MB of JSONL articles; returns (bytes, articles).

    Each article takes 4–12 paragraphs drawn from the shipped articles, so articles
    differ from each other and from the training data while staying on topic.
    """
    rng = random.Random(seed)
    paragraphs, sources = [], []
    with ARTICLES.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            paragraphs += [p for p in rec["text"].split("\n\n") if p.strip()]
            sources.append(rec.get("source") or "unknown")
    sources = sorted(set(sources))
    target = int(target_mb * MB)
    size = n = 0
    with path.open("w", encoding="utf-8") as out:
        while size < target:
            k = rng.randint(4, 12)
            text = "\n\n".join(rng.choice(paragraphs) for _ in range(k))
            month = rng.randint(0, 17)
            rec = {
                "id": f"bench-{n:08d}",
                "source": rng.choice(sources),
                "date": f"{2025 + (month + 11) // 12 - 1}-{(month + 11) % 12 + 1:02d}-{rng.randint(1, 28):02d}",
                "text": text,
            }
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            out.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return size, n


# ---------------------------------------------------------------------------
# 1. throughput
def throughput(corpus: Path, stance_run: Path, frame_run: Path, workdir: Path) -> None:
    from framing.predict import load_model, predict_files
    from framing.readers import read_articles

    stance, frame = load_model(stance_run), load_model(frame_run)
    mb = corpus.stat().st_size / MB
    print(f"\n## End to end: `predict_files` on {mb:.1f} MB of articles ({corpus.name})\n")
    print("| models | articles | sentences | pairs | seconds | articles/s | pairs/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, models in (
        ("framing", [frame]),
        ("stance", [stance]),
        ("stance + framing", [stance, frame]),
    ):
        out = workdir / "speed_out.jsonl"
        stats = predict_files([corpus], out, models, progress=False)
        print(
            f"| {name} | {stats.articles_written:,} | {stats.sentences:,} | {stats.pairs:,} | "
            f"{stats.seconds:.1f} | {stats.articles_written / stats.seconds:,.0f} | "
            f"{stats.pairs_per_second:,.0f} |"
        )
        out.unlink()
    # the parts on their own
    seg = frame.segmenter
    t0 = time.perf_counter()
    docs = [seg.segment(a) for a in read_articles([corpus]) if not isinstance(a, Exception)]
    t_seg = time.perf_counter() - t0
    n_sent = sum(len(d.sentences) for d in docs)
    print(
        f"\nread + clean + split + match alone: {len(docs):,} articles, {n_sent:,} sentences "
        f"in {t_seg:.1f} s = {len(docs) / t_seg:,.0f} articles/s, {n_sent / t_seg:,.0f} sentences/s"
    )
    model_only(docs, frame, stance)


def model_only(docs: list[Any], frame: Any, stance: Any, limit: int = 20_000) -> None:
    """``predict_proba`` alone on ready (sentence, actor) pairs: the fast path the models
    use, and the scikit-learn pipeline it replaces on the first ``BASELINE_PAIRS`` pairs
    (same pairs, same batches, run back to back). CPU pairs/s (pairs per second of this
    process's CPU time) is less sensitive to other load on a shared machine."""
    import numpy as np

    from framing.models.features import as_label_matrix, examples_frame

    print("\n## Model only: `predict_proba` on ready pairs (batches of 2,048)\n")
    print(
        "| model | pairs | seconds | pairs/s | CPU pairs/s "
        "| scikit-learn pipeline pairs/s (CPU) | speed-up (CPU) | same probabilities |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for model in (frame, stance):
        examples = _examples(docs, model.task == "stance", limit=limit)
        n = len(examples["sentence"])
        inner = model.model
        model.predict_examples({k: v[:256] for k, v in examples.items()})  # build the fast path
        t0, c0 = time.perf_counter(), time.process_time()
        proba = model.predict_examples(examples)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        row = f"| {model.task} | {n:,} | {dt:.2f} | {n / dt:,.0f} | {n / dc:,.0f} "
        pipeline = getattr(inner, "pipeline", None)
        if pipeline is None:
            print(row + "| – | – | – |")
            continue
        m = min(n, BASELINE_PAIRS)
        t0, c0 = time.perf_counter(), time.process_time()
        slow = []
        for i in range(0, m, 2048):
            chunk = {k: v[i : min(i + 2048, m)] for k, v in examples.items()}
            p = pipeline.predict_proba(examples_frame(chunk))
            if not inner.multilabel:
                p = as_label_matrix(p, [str(c) for c in pipeline.classes_], inner.labels)
            slow.append(p)
        sdt, sdc = time.perf_counter() - t0, time.process_time() - c0
        same = np.array_equal(np.concatenate(slow), proba[:m])
        print(
            row + f"| {m / sdt:,.0f} ({m / sdc:,.0f}) | {(n / dc) / (m / sdc):.1f}x "
            f"| {'yes, bit for bit' if same else 'NO'} |"
        )
    print(f"\n(target: model only >= {TARGET_PAIRS_PER_S:,} pairs/s)")


def _examples(docs: list[Any], stance: bool, limit: int) -> dict[str, list[Any]]:
    from framing.examples import ModelInputs

    inputs = ModelInputs()
    for doc in docs:
        for s in doc.sentences:
            for actor in s.actors if stance else [""]:
                if stance:
                    inputs.add_stance(s, actor)
                else:
                    inputs.add_framing(s)
                if len(inputs) >= limit:
                    return inputs.columns
    return inputs.columns


# ---------------------------------------------------------------------------
# 2. memory
_CHILD = """
import json, resource, sys, time
from framing.cli import main
t = time.perf_counter()
rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "seconds": time.perf_counter() - t,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def peak_rss(corpus: Path, frame_run: Path, workdir: Path, shard: int) -> dict[str, Any]:
    out = workdir / f"{corpus.stem}_predictions.jsonl"
    args = ["-q", "predict", "--model", str(frame_run), "--input", str(corpus)]
    args += ["-o", str(out), "--no-progress"]
    if shard > 1:
        args += ["--shard", f"0/{shard}"]
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"predict failed: {proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["rows"] = sum(1 for _ in out.open("rb"))
    out.unlink()
    return result


def memory(workdir: Path, frame_run: Path, small_mb: float, big_mb: float, shard: int) -> None:
    print("\n## Peak RSS of `framing predict` (framing model), fresh process each\n")
    if shard > 1:
        print(f"(every record read and sharded; the model predicts shard 0/{shard})\n")
    print("| input MB | articles | rows written | seconds | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|")
    for mb in (small_mb, big_mb):
        corpus = workdir / f"rss_{mb:g}mb.jsonl"
        size, n = build_corpus(corpus, mb, seed=int(mb))
        r = peak_rss(corpus, frame_run, workdir, shard)
        print(
            f"| {size / MB:.1f} | {n:,} | {r['rows']:,} | {r['seconds']:.0f} | {r['peak_rss_mb']:.0f} |"
        )
        corpus.unlink()


# ---------------------------------------------------------------------------
def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--stance", type=Path, help="stance run folder (default: train one)")
    p.add_argument("--framing", type=Path, help="framing run folder (default: train one)")
    p.add_argument("--mb", type=float, default=3.0, help="throughput corpus size (MB)")
    p.add_argument("--small-mb", type=float, default=10.0)
    p.add_argument("--big-mb", type=float, default=200.0)
    p.add_argument("--rss-shard", type=int, default=1, help="predict 1/N of the RSS inputs")
    p.add_argument("--skip-rss", action="store_true")
    p.add_argument("--workdir", type=Path, help="keep models and files here (default: a temp dir)")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("framing", "framing.run", "framing.models", "framing.predict"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="predict_speed_")
        workdir = Path(tmp.name)
    else:
        workdir = args.workdir
        workdir.mkdir(parents=True, exist_ok=True)
    try:
        print(
            f"# framing predict speed — {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
        )
        stance_run = args.stance or train("stance", workdir / "run_stance")
        frame_run = args.framing or train("framing", workdir / "run_framing")
        corpus = workdir / "speed.jsonl"
        build_corpus(corpus, args.mb)
        throughput(corpus, stance_run, frame_run, workdir)
        if not args.skip_rss:
            memory(workdir, frame_run, args.small_mb, args.big_mb, args.rss_shard)
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
