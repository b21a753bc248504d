"""Compare sentence splitter candidates on the hard-case fixture set.

Prints, per candidate (backend alone, and backend + framing's pre/post passes),
the exact-match accuracy over ``tests/fixtures/sentence_cases.jsonl`` (a case
counts only if every sentence is right), accuracy per category, and speed in
sentences per second on the same cases repeated.

    python benchmarks/splitter_comparison.py [--markdown] [--failures BACKEND]

``--cleaner`` scores the whole clean → split path instead, on the held-out scraped
cases of ``tests/fixtures/cleaner_cases_heldout.jsonl`` (raw text with prompts, share
buttons, link dumps and headings in it; a case counts only if the body's sentences are
exactly the expected ones, so a removal that takes body text with it fails the case).
"""

from __future__ import annotations

import argparse
import collections
import json
import time
from pathlib import Path

from framing.text.sentences import BACKENDS, SentenceSplitter

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
CASES = FIXTURES / "sentence_cases.jsonl"  # the cases the passes were developed on
HELDOUT = FIXTURES / "sentence_cases_heldout.jsonl"  # written separately, never tuned on
CLEANER_HELDOUT = FIXTURES / "cleaner_cases_heldout.jsonl"  # raw scraped text → sentences


def load_cases(path: Path = CASES) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def evaluate(
    splitter: SentenceSplitter, cases: list[dict]
) -> tuple[float, dict[str, float], list[dict]]:
    per_cat: dict[str, list[bool]] = collections.defaultdict(list)
    failures = []
    for case in cases:
        got = splitter.split(case["text"])
        ok = got == case["sentences"]
        per_cat[case["category"]].append(ok)
        if not ok:
            failures.append({"id": case["id"], "expected": case["sentences"], "got": got})
    total = sum(sum(v) for v in per_cat.values()) / len(cases)
    return total, {k: sum(v) / len(v) for k, v in sorted(per_cat.items())}, failures


def speed(splitter: SentenceSplitter, cases: list[dict], seconds: float = 1.0) -> float:
    texts = [c["text"] for c in cases]
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for t in texts:
            n += len(splitter.spans(t))
    return n / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--failures",
        metavar="NAME",
        help="print failed cases of one candidate, e.g. 'blingfire+passes'",
    )
    ap.add_argument(
        "--heldout",
        action="store_true",
        help="score the held-out cases instead of the development cases",
    )
    ap.add_argument(
        "--cleaner",
        action="store_true",
        help="score clean + split (default backend) on the held-out cleaner cases",
    )
    args = ap.parse_args()
    if args.cleaner:
        score_cleaner(load_cases(CLEANER_HELDOUT), show_failures=args.failures is not None)
        return
    cases = load_cases(HELDOUT if args.heldout else CASES)
    rows = []
    for backend in BACKENDS:
        for prepass in (False, True):
            name = f"{backend}{'+passes' if prepass else ''}"
            try:
                splitter = SentenceSplitter(backend, prepass=prepass)
            except ImportError as exc:
                print(f"{name}: not installed ({exc})")
                continue
            acc, cats, fails = evaluate(splitter, cases)
            rows.append((name, acc, cats, speed(splitter, cases)))
            if args.failures == name:
                for f in fails:
                    print(json.dumps(f, ensure_ascii=False))
    cats = sorted(rows[0][2])
    print(f"{len(cases)} cases in {len(cats)} categories\n")
    print("| candidate | exact-match | sentences/s | " + " | ".join(cats) + " |")
    print("|---|---|---|" + "---|" * len(cats))
    for name, acc, per, sps in rows:
        print(
            f"| {name} | {acc:.1%} | {sps:,.0f} | "
            + " | ".join(f"{per[c]:.0%}" for c in cats)
            + " |"
        )


def score_cleaner(cases: list[dict], show_failures: bool = False) -> None:
    """Exact-match accuracy of ``clean_text`` + the default splitter, per category."""
    from framing.text.clean import clean_text
    from framing.text.sentences import get_splitter

    splitter = get_splitter()
    per_cat: dict[str, list[bool]] = collections.defaultdict(list)
    for case in cases:
        got = splitter.split(clean_text(case["text"], title=case.get("title")).text)
        per_cat[case["category"]].append(got == case["sentences"])
        if show_failures and got != case["sentences"]:
            print(json.dumps({"id": case["id"], "expected": case["sentences"], "got": got}))
    total = sum(sum(v) for v in per_cat.values())
    print(f"clean + split: {total}/{len(cases)} cases exact ({total / len(cases):.1%})")
    print("| " + " | ".join(per_cat) + " |")
    print("|" + "---|" * len(per_cat))
    print("| " + " | ".join(f"{sum(v)}/{len(v)}" for v in per_cat.values()) + " |")


if __name__ == "__main__":
    main()
