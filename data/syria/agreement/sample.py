"""Draw the random 10% of annotated sentences for the second, independent annotation.

    python data/syria/agreement/sample.py   # writes data/syria/agreement/sample.jsonl

The sample file holds only what the second annotator may see: an id and the
sentence text (stance must be decidable from the sentence alone). No labels.
"""

from __future__ import annotations

import random
from pathlib import Path

from framing.corpus import load_corpus
from framing.io import write_jsonl

SEED = 1312
SHARE = 0.10
HERE = Path(__file__).resolve().parent


def main() -> None:
    corpus = load_corpus(HERE.parent)
    # the sample is drawn from the corpus proper: test-only articles (splits.json
    # "test_only", e.g. the realistic set) are left out, so adding them keeps the sample
    only = {a for ids in corpus.test_only.values() for a in ids}
    anns = [a for a in corpus.annotations if a.article_id not in only]
    chosen = sorted(random.Random(SEED).sample(range(len(anns)), round(SHARE * len(anns))))
    rows = [
        {"id": f"{anns[i].article_id}:{anns[i].start}-{anns[i].end}", "text": anns[i].text}
        for i in chosen
    ]
    n = write_jsonl(HERE / "sample.jsonl", rows)
    print(f"{n} sentences sampled with seed {SEED}")


if __name__ == "__main__":
    main()
