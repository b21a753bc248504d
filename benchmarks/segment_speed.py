"""Speed and memory of the read → clean → split → match path on a large JSONL corpus.

Builds a JSONL corpus of at least ``--mb`` MB (10^6 bytes) in a temporary folder by
repeating the shipped articles (``data/syria/articles.jsonl``, fresh ids) and the
scraped debris fixtures (``tests/fixtures/scraped/*.txt``), then streams it through
``framing.readers.read_articles`` + ``framing.segment.Segmenter().segment`` in one
process pinned to one core, and prints MB, articles, sentences, wall seconds,
sentences/s, MB/s and peak RSS. Sentences/s is given twice: for the whole loop
(reading and JSON decoding included) and for the time spent inside
``Segmenter.segment`` alone (clean + split + match, what issue #2 sets the target for). It also prints the process's CPU seconds and
sentences per CPU second: on a machine shared with other work the wall time
includes the time the process waited for the core, the CPU time does not.

To show that memory does not grow with the corpus, the same run is made on a
``--small-mb`` corpus and on the ``--mb`` corpus, each in a fresh subprocess (so
each peak RSS is that run's own), and both peaks are printed side by side.

    python benchmarks/segment_speed.py [--mb 50] [--small-mb 10] [--keep]

It prints figures; it does not assert anything.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "data" / "syria" / "articles.jsonl"
DEBRIS = ROOT / "tests" / "fixtures" / "scraped"
MB = 1_000_000

log = logging.getLogger("segment_speed")


# ---------------------------------------------------------------------------
# corpus


def _templates() -> list[dict]:
    """The records repeated to build the corpus: shipped articles + debris fixtures."""
    records = []
    with ARTICLES.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                records.append(json.loads(line))
    for path in sorted(DEBRIS.glob("*.txt")):
        records.append({"id": f"debris-{path.stem}", "text": path.read_text(encoding="utf-8")})
    return records


def build_corpus(path: Path, target_mb: float) -> tuple[int, int]:
    """Write at least ``target_mb`` MB of JSONL to ``path``; returns (bytes, articles)."""
    templates = _templates()
    target = int(target_mb * MB)
    size = n = 0
    rep = 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            rep += 1
            for rec in templates:
                rec = dict(rec, id=f"{rec['id']}-r{rep}")
                line = json.dumps(rec, ensure_ascii=False) + "\n"
                fh.write(line)
                size += len(line.encode("utf-8"))
                n += 1
                if size >= target:
                    break
    log.info("built %s: %.1f MB, %d articles (%d templates)", path, size / MB, n, len(templates))
    return size, n


# ---------------------------------------------------------------------------
# one measured run (in its own process)


def _pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"cpu {cpu}"
    return "not pinned (no sched_setaffinity)"


def _rss_kib() -> int:
    """Peak RSS so far in KiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def run_one(path: Path) -> dict:
    pinned = _pin_to_one_core()
    from framing.io import RecordError
    from framing.readers import read_articles
    from framing.segment import Segmenter

    segmenter = Segmenter()
    # warm the lazy parts (backend, regexes) so the timing is the steady state
    from framing.corpus import Article

    segmenter.segment(Article(id="warm", text="Russia left. The Kremlin said so."))
    rss_before = _rss_kib()
    articles = sentences = mentions = errors = 0
    seg_wall = 0.0  # time inside Segmenter.segment: clean + split + match, without reading
    t0 = time.perf_counter()
    c0 = time.process_time()
    for item in read_articles([path]):
        if isinstance(item, RecordError):
            errors += 1
            continue
        s0 = time.perf_counter()
        seg = segmenter.segment(item)
        seg_wall += time.perf_counter() - s0
        articles += 1
        sentences += len(seg.sentences)
        mentions += sum(len(s.mentions) for s in seg.sentences)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    size = path.stat().st_size
    return {
        "mb": size / MB,
        "articles": articles,
        "errors": errors,
        "sentences": sentences,
        "mentions": mentions,
        "wall_s": wall,
        "sentences_per_s": sentences / wall,
        "segment_s": seg_wall,
        "segment_sentences_per_s": sentences / seg_wall,
        "cpu_s": cpu,
        "sentences_per_cpu_s": sentences / cpu,
        "mb_per_s": size / MB / wall,
        "rss_before_mib": rss_before / 1024,
        "peak_rss_mib": _rss_kib() / 1024,
        "pinned": pinned,
    }


def run_in_subprocess(path: Path) -> dict:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = "1"
    env["TOKENIZERS_PARALLELISM"] = "false"
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        log.error("worker failed (exit %d):\n%s", proc.returncode, proc.stderr)
        raise SystemExit(proc.returncode)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------


def _table(results: list[tuple[str, dict]]) -> str:
    rows = [
        ("MB", "{mb:.1f}"),
        ("articles", "{articles:,}"),
        ("bad records", "{errors:,}"),
        ("sentences", "{sentences:,}"),
        ("mentions", "{mentions:,}"),
        ("wall seconds, read + segment", "{wall_s:.2f}"),
        ("sentences/s, read + segment", "{sentences_per_s:,.0f}"),
        ("seconds in clean + split + match", "{segment_s:.2f}"),
        ("sentences/s, clean + split + match", "{segment_sentences_per_s:,.0f}"),
        ("CPU seconds", "{cpu_s:.2f}"),
        ("sentences per CPU second", "{sentences_per_cpu_s:,.0f}"),
        ("MB/s", "{mb_per_s:.2f}"),
        ("RSS before streaming (MiB)", "{rss_before_mib:.1f}"),
        ("peak RSS (MiB)", "{peak_rss_mib:.1f}"),
    ]
    width = max(len(name) for name, _ in rows)
    cols = [name for name, _ in results]
    colw = max(12, *(len(c) for c in cols))
    out = [f"{'':<{width}}  " + "  ".join(f"{c:>{colw}}" for c in cols)]
    for name, fmt in rows:
        cells = [fmt.format(**res) for _, res in results]
        out.append(f"{name:<{width}}  " + "  ".join(f"{c:>{colw}}" for c in cells))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mb", type=float, default=50, help="size of the large corpus (default 50)"
    )
    parser.add_argument(
        "--small-mb", type=float, default=10, help="size of the small corpus (default 10)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpus files")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )

    if args.worker:  # one measured run; result as a JSON line on stdout
        print(json.dumps(run_one(args.worker)))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="framing-segment-speed-"))
    try:
        sizes = [("small", args.small_mb), ("large", args.mb)]
        paths = {}
        for name, mb in sizes:
            paths[name] = tmp / f"corpus_{name}.jsonl"
            build_corpus(paths[name], mb)
        results = []
        for name, _ in sizes:
            log.info("streaming %s in a fresh process, one core ...", paths[name].name)
            res = run_in_subprocess(paths[name])
            results.append((f"{name} ({res['mb']:.0f} MB)", res))
        print(f"python {sys.version.split()[0]}, {results[0][1]['pinned']}; MB = 10^6 bytes")
        print("read_articles -> Segmenter().segment (clean, split, match), one process, one core")
        print()
        print(_table(results))
        small, large = results[0][1], results[1][1]
        print()
        print(
            f"peak RSS: {small['peak_rss_mib']:.1f} MiB at {small['mb']:.1f} MB vs "
            f"{large['peak_rss_mib']:.1f} MiB at {large['mb']:.1f} MB "
            f"({large['mb'] / small['mb']:.1f}x the data, "
            f"{large['peak_rss_mib'] - small['peak_rss_mib']:+.1f} MiB peak RSS; growth while "
            f"streaming {small['peak_rss_mib'] - small['rss_before_mib']:.1f} vs "
            f"{large['peak_rss_mib'] - large['rss_before_mib']:.1f} MiB)"
        )
    finally:
        if args.keep:
            log.info("kept %s", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
