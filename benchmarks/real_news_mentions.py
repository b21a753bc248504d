"""Pair finding on real news: the actor lexicon scored on NewsMTSC sentences.

    python benchmarks/real_news_mentions.py --pool tune --errors
    python benchmarks/real_news_mentions.py --pool test          # read once per lexicon

NewsMTSC (Hamborg & Donnay 2021) is English news, mostly US politics and world news
published before 2020. ``data/real_news/newsmtsc_mentions.jsonl`` holds, for every NewsMTSC
sentence in which the packaged lexicon found one of the three actors, a reader's label for
every found mention (``sense``: the span refers to the actor or not, with a reason) and the
explicit references the lexicon missed in that sentence (``missed``). The labels are standoff:
offsets into the cleaned sentence, no text; this script reads the sentences from the user's
NewsMTSC files (``--newsmtsc``, the ``newsmtsc-{rw,mt}-{train,dev,test}.jsonl`` files of the
README) and runs the whole pipeline (``Segmenter``) on each.

Pools: ``tune`` (sentences of the train and dev files: rules may be tuned on them) and
``test`` (the test files: scored once per lexicon, errors not read).

Printed figures (nothing asserted):
- pairs (sentence, actor): a pair is found when a mention of the actor makes one; a gold
  pair when a labelled mention of the actor refers to it or ``missed`` names the actor.
  Precision is what spurious pairs cost; recall only counts sentences in which the lexicon
  of the labelling found something, so it is an upper bound on recall over all news.
- mentions: precision of the mentions that make pairs, and sense accuracy on the lexicon's
  ambiguous mentions (kept and dropped alike).
- unlabelled: mentions the current lexicon finds that the labels do not cover (a new alias or
  a changed span); they are left out of the figures and listed with ``--errors``. A new
  mention whose text overlaps a ``missed`` reference of its actor counts as labelled
  ``actor``.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path
from typing import Any

from framing.corpus import Article
from framing.input_files import iter_jsonl
from framing.segment import Segmenter

DEFAULT_LABELS = Path(__file__).resolve().parents[1] / "data/real_news/newsmtsc_mentions.jsonl"
DEFAULT_NEWSMTSC = Path("~/.cache/framing/newsmtsc").expanduser()


def read_sentences(folder: Path, sources: set[str]) -> dict[tuple[str, str], str]:
    """``(source, gid) -> sentence_normalized`` for the sources the labels name (also read
    by ``real_news_stance.py``)."""
    out: dict[tuple[str, str], str] = {}
    for source in sorted(sources):
        path = folder / f"{source}.jsonl"
        if not path.exists():
            raise SystemExit(f"NewsMTSC file {path} not found (give --newsmtsc DIR)")
        for _, record in iter_jsonl(path):
            if not isinstance(record, dict):
                raise SystemExit(f"NewsMTSC file {path}: {record}")
            out.setdefault((source, record["primary_gid"]), record["sentence_normalized"])
    return out


def score(labels: list[dict[str, Any]], texts: dict, segmenter: Segmenter, date: str | None):
    counts: collections.Counter[str] = collections.Counter()
    per_actor: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    errors: list[str] = []
    for rec in labels:
        text = texts[(rec["source"], rec["gid"])]
        article = Article(id=rec["gid"], text=text, date=date)
        sentences = segmenter.segment(article).sentences
        gold = {(m["start"], m["end"], m["actor"]): m for m in rec["mentions"]}
        found_pairs, gold_pairs = set(), {m["actor"] for m in rec["missed"]}
        gold_pairs |= {m["actor"] for m in rec["mentions"] if m["sense"] == "actor"}
        for s in sentences:
            for m in s.mentions:
                label = gold.get((m.start, m.end, m.actor)) or _missed_label(rec, m)
                if label is None or label["surface"] != m.surface:
                    counts["unlabelled"] += 1
                    errors.append(f"UNLABELLED {m.actor} {m.surface!r} ({m.sense}) | {s.text}")
                    continue
                right = (label["sense"] == "actor") == m.is_actor
                if m.is_actor:
                    found_pairs.add(m.actor)
                    counts["pair_mentions"] += 1
                    counts["pair_mentions_right"] += label["sense"] == "actor"
                if m.ambiguous:
                    counts["ambiguous"] += 1
                    counts["ambiguous_right"] += right
                if not right:
                    gold_sense = label["sense"] + (f"/{label['reason']}" if label["reason"] else "")
                    errors.append(
                        f"{m.actor} {m.surface!r}: made {m.sense}, gold {gold_sense} | {s.text}"
                    )
        for actor in found_pairs | gold_pairs:
            c = per_actor[actor]
            c["found"] += actor in found_pairs
            c["gold"] += actor in gold_pairs
            c["both"] += actor in found_pairs and actor in gold_pairs
            if actor in gold_pairs and actor not in found_pairs:
                names = [m["surface"] for m in rec["missed"] if m["actor"] == actor]
                errors.append(f"MISSED {actor} {names} | {text}")
    return counts, per_actor, errors


def _missed_label(rec: dict[str, Any], mention: Any) -> dict[str, Any] | None:
    """A mention of a newer lexicon that the readers listed as a missed reference of its
    actor ("Kislyak" in "Ambassador Sergey Kislyak"): labelled the actor."""
    for missed in rec["missed"]:
        if missed["actor"] == mention.actor and (
            mention.surface in missed["surface"] or missed["surface"] in mention.surface
        ):
            return {"surface": mention.surface, "sense": "actor", "reason": None}
    return None


def ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--newsmtsc", type=Path, default=DEFAULT_NEWSMTSC)
    parser.add_argument("--pool", choices=["tune", "test", "all"], default="tune")
    parser.add_argument("--actors", default=None, help="actor config (default: packaged)")
    parser.add_argument("--date", default=None, help="article date for dated aliases")
    parser.add_argument("--errors", action="store_true", help="print every error")
    args = parser.parse_args()
    labels = [r for _, r in iter_jsonl(args.labels) if args.pool in ("all", r["pool"])]
    texts = read_sentences(args.newsmtsc, {r["source"] for r in labels})
    segmenter = Segmenter(actors=args.actors) if args.actors else Segmenter()
    counts, per_actor, errors = score(labels, texts, segmenter, args.date)
    n_mentions = sum(len(r["mentions"]) for r in labels)
    print(f"pool {args.pool}: {len(labels)} sentences, {n_mentions} labelled mentions")
    total = collections.Counter()
    for actor in sorted(per_actor):
        c = per_actor[actor]
        total.update(c)
        print(
            f"  {actor:7s} pairs: precision {ratio(c['both'], c['found'])}, "
            f"recall {ratio(c['both'], c['gold'])}"
        )
    print(
        f"  all     pairs: precision {ratio(total['both'], total['found'])}, "
        f"recall {ratio(total['both'], total['gold'])}"
    )
    print(
        f"  mentions making pairs that refer to the actor: "
        f"{ratio(counts['pair_mentions_right'], counts['pair_mentions'])}"
    )
    print(
        f"  sense accuracy on ambiguous mentions: "
        f"{ratio(counts['ambiguous_right'], counts['ambiguous'])}"
    )
    print(f"  unlabelled mentions (not scored): {counts['unlabelled']}")
    if args.errors:
        for line in errors:
            print(line[:300])


if __name__ == "__main__":
    main()
