"""Pair finding against the gold (sentence, actor) pairs of an annotated corpus.

Prints precision and recall overall, per actor and per way of finding
(alias / role noun / carry-over), for one actor config or several side by side
(e.g. the lexicon before and after a change)::

    git show 6490c5d:configs/actors/syria.yaml > /tmp/actors_before.yaml
    python benchmarks/pair_finding.py data/syria --split train \\
        --actors /tmp/actors_before.yaml framing/conf/actors/syria.yaml

Tune on ``--split train``; report ``--split test`` once. ``--errors FILE`` writes
the missed and spurious pairs of the last config as JSONL. Prints figures, asserts
nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from framing.corpus import load_corpus
from framing.io import atomic_write, dumps
from framing.pairs import pair_scores, scores_markdown, split_ids
from framing.segment import Segmenter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", help="corpus folder")
    parser.add_argument(
        "--split",
        default="train",
        help="train (no held-out article), test (the fixed split), all, or a test-only set "
        "such as realistic",
    )
    parser.add_argument("--actors", nargs="+", default=["framing/conf/actors/syria.yaml"])
    parser.add_argument("--errors", help="write missed/spurious pairs (JSONL) of the last config")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON too")
    args = parser.parse_args()
    corpus = load_corpus(args.corpus)
    try:
        ids = split_ids(corpus, args.split)
    except ValueError as exc:
        parser.error(str(exc))
    for actors in args.actors:
        errors: list[dict] = []
        t0 = time.perf_counter()
        scores = pair_scores(corpus, Segmenter(actors), ids, errors)
        title = f"{args.corpus} {args.split} ({len(ids)} articles), actors {actors}"
        print(scores_markdown(scores, title) + f"\n\n({time.perf_counter() - t0:.1f}s)\n")
        if args.json:
            print(json.dumps(scores, indent=1))
    if args.errors:
        with atomic_write(Path(args.errors)) as fh:
            for e in errors:
                fh.write(dumps(e) + "\n")


if __name__ == "__main__":
    main()
