"""Draw the random 10% of annotated sentences for the second, independent annotation.

    python data/syria/agreement/sample.py                     # the corpus proper → agreement/sample.jsonl
    python data/syria/agreement/sample.py --split realistic   # a test-only split → agreement/realistic/sample.jsonl

The sample file holds only what the second annotator may see: an id and the
sentence text (stance must be decidable from the sentence alone). No labels.
A test-only split's sample also gives the article's ``date`` (before 8 December
2024 "the government" is Assad's, hard case 28) and the ``previous`` sentence of
the article, which the guidelines allow only to resolve a pronoun or "the group"
(section 1). The corpus proper's sample was drawn and annotated without them, and
stays as it was.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from framing.corpus import Annotation, load_corpus
from framing.io import write_jsonl

SEED = 1312
SHARE = 0.10
HERE = Path(__file__).resolve().parent


def sample_dir(split: str | None) -> Path:
    """Where a sample and its annotation live: ``agreement/`` or ``agreement/<split>/``."""
    return HERE if split is None else HERE / split


def population(anns: list[Annotation], test_only: dict[str, list[str]], split: str | None):
    """The annotations a sample is drawn from: the corpus proper (every test-only
    article left out, so adding one keeps the sample) or one test-only split."""
    if split is None:
        only = {a for ids in test_only.values() for a in ids}
        return [a for a in anns if a.article_id not in only]
    if split not in test_only:
        raise SystemExit(f"splits.json: no test-only split {split!r} (have: {sorted(test_only)})")
    keep = set(test_only[split])
    return [a for a in anns if a.article_id in keep]


def draw(
    anns: list[Annotation],
    dates: dict[str, str | None] | None = None,
    seed: int = SEED,
    share: float = SHARE,
) -> list[dict]:
    """A seeded ``share`` of ``anns`` as sample rows, in corpus order.

    With ``dates`` (article id → ISO date) each row also holds the article's date and
    the previous annotated sentence of the same article ("" for its first)."""
    chosen = sorted(random.Random(seed).sample(range(len(anns)), round(share * len(anns))))
    rows = []
    for i in chosen:
        ann = anns[i]
        row = {"id": f"{ann.article_id}:{ann.start}-{ann.end}"}
        if dates is not None:
            before = [a for a in anns if a.article_id == ann.article_id and a.end <= ann.start]
            row["date"] = dates.get(ann.article_id)
            row["previous"] = max(before, key=lambda a: a.start).text if before else ""
        row["text"] = ann.text
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split", help="a test-only split of splits.json (default: the corpus proper)"
    )
    args = parser.parse_args(argv)
    corpus = load_corpus(HERE.parent)
    anns = population(corpus.annotations, corpus.test_only, args.split)
    dates = None if args.split is None else {a.id: a.date for a in corpus.articles.values()}
    out = sample_dir(args.split)
    out.mkdir(exist_ok=True)
    n = write_jsonl(out / "sample.jsonl", draw(anns, dates))
    print(f"{n} sentences sampled with seed {SEED}")


if __name__ == "__main__":
    main()
