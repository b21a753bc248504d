"""Stance toward Russia and Assad on real news: saved stance models scored on NewsMTSC
sentences labelled under this project's guidelines.

    python benchmarks/real_news_stance.py --model RUN [RUN ...] [--pool tune|test|all]
    python benchmarks/real_news_stance.py --model RUN [RUN ...] --corpus DIR --set tune|test

``data/real_news/newsmtsc_stance.jsonl`` holds, for every (sentence, actor) pair of the
real-news audit (``data/real_news/newsmtsc_mentions.jsonl``: NewsMTSC sentences in which the
packaged lexicon found Russia, Assad or HTS and a reader said the mention refers to it),
two blind readers' stance labels under ``data/ANNOTATION.md`` (``stance_by``) and the
label used here (``stance``: the readers' common label; pairs they disagree on are left
out and counted). Standoff: no text; the sentences are read from the user's NewsMTSC files
(``--newsmtsc``) and cleaned as ``framing segment`` cleans them.

Each model gets each pair's cleaned sentence and actor (``FramingModel.predict`` with
``actors=``; the mention spans come from the model's own actor config). Printed per model:
macro-F1 with a 95% bootstrap interval, accuracy, per-class F1 and the share of pairs
predicted neutral, next to the always-neutral baseline; then how well its probabilities
are calibrated on these pairs (top-label ECE, 15 bins; mean confidence) and how often it
is confidently wrong (its errors made with a top probability of at least 0.7); with two or
more models, the paired bootstrap of each model against the first. Nothing is asserted.
Both bootstraps resample pairs; ``--cluster`` resamples whole articles instead (whole
sentences in the NewsMTSC pools, whose release does not give the article), as pairs of
one article are not independent.

``--corpus DIR --set NAME`` scores the gold pairs of an annotated corpus folder's held-out
set instead, with the same printout: e.g. the FA-KES Syria news folder that
``benchmarks/fakes_corpus.py build`` writes (sets ``tune`` and ``test``).

Pools: ``tune`` (sentences of the NewsMTSC train and dev files) and ``test`` (its test
files). A model fine-tuned on NewsMTSC train has seen the tune pool's sentences (with
NewsMTSC's own targets and labels), so compare such models on ``--pool test`` only.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path
from typing import Any

from real_news_mentions import DEFAULT_NEWSMTSC, read_sentences

from framing.calibration import calibration_metrics
from framing.corpus import Article
from framing.evaluation import classification_metrics
from framing.input_files import iter_jsonl
from framing.segment import Segmenter
from framing.significance import paired_bootstrap

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LABELS = ROOT / "data/real_news/newsmtsc_stance.jsonl"
LABELS = ("negative", "neutral", "positive")
CONFIDENT = 0.7  # an error made with at least this top probability is "confidently wrong"


def read_pairs(labels: Path, folder: Path, pool: str) -> tuple[list[dict[str, Any]], int]:
    """The agreed pairs of ``pool`` with their cleaned sentence; and how many were left out
    because the readers disagree."""
    rows = []
    for line, rec in iter_jsonl(labels):
        if not isinstance(rec, dict):
            raise SystemExit(f"real_news_stance: {labels}:{line}: {rec}")
        if pool in ("all", rec["pool"]):
            rows.append(rec)
    texts = read_sentences(folder, {r["source"] for r in rows})
    segmenter = Segmenter()
    pairs, disagreed = [], 0
    for r in rows:
        if r["stance"] is None:
            disagreed += 1
            continue
        raw = texts[(r["source"], r["gid"])]
        clean = segmenter.segment(Article(id=r["gid"], text=raw)).cleaned.text
        # the release does not say which article a sentence is from: the sentence is the group
        pairs.append({**r, "text": clean, "group": clean})
    return pairs, disagreed


def read_corpus_pairs(folder: Path, name: str) -> tuple[list[dict[str, Any]], int]:
    """Every gold (sentence, actor) pair of the held-out set ``name`` of a corpus folder."""
    from framing.corpus import load_corpus
    from framing.end_to_end import test_set_ids

    corpus = load_corpus(folder)
    try:
        ids = test_set_ids(corpus, name)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    pairs = [
        {"actor": actor, "stance": label, "text": text, "group": article}
        for article, article_pairs in corpus.stance_pairs_by_article(ids)
        for text, actor, label in article_pairs
    ]
    return pairs, 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", nargs="+", required=True, help="run or model folders")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--newsmtsc", type=Path, default=DEFAULT_NEWSMTSC)
    parser.add_argument("--pool", choices=["tune", "test", "all"], default="test")
    parser.add_argument("--corpus", type=Path, help="score a corpus folder's gold pairs instead")
    parser.add_argument("--set", default="test", help="with --corpus: its held-out set")
    parser.add_argument("--n-boot", type=int, default=10_000)
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="bootstrap whole articles (--corpus) or sentences (NewsMTSC pools) instead of pairs",
    )
    args = parser.parse_args()

    from framing import load_model

    if args.corpus:
        pairs, disagreed = read_corpus_pairs(args.corpus, args.set)
        args.pool = f"{args.corpus} {args.set}"
    else:
        pairs, disagreed = read_pairs(args.labels, args.newsmtsc, args.pool)
    gold = [p["stance"] for p in pairs]
    groups = [p["group"] for p in pairs] if args.cluster else None
    counts = collections.Counter(gold)
    print(
        f"pool {args.pool}: {len(pairs)} agreed pairs ({disagreed} left out: readers disagree); "
        + ", ".join(f"{k} {counts[k]}" for k in LABELS)
        + "; per actor "
        + ", ".join(
            f"{a} {n}" for a, n in sorted(collections.Counter(p["actor"] for p in pairs).items())
        )
    )
    always = ["neutral"] * len(gold)
    base = classification_metrics(gold, always, LABELS, n_boot=0)
    print(f"  always neutral: macro-F1 {base['macro_f1']:.3f}, accuracy {base['accuracy']:.3f}")
    predictions: list[tuple[str, list[str]]] = []
    for path in args.model:
        model = load_model(path)
        frame = model.predict([p["text"] for p in pairs], actors=[p["actor"] for p in pairs])
        predicted = [str(x) for x in frame["stance"]]
        m = classification_metrics(gold, predicted, LABELS, n_boot=args.n_boot, groups=groups)
        ci = m.get("macro_f1_ci")  # none with --n-boot 0
        interval = f" [{ci['low']:.3f}, {ci['high']:.3f}]" if ci else ""
        per_class = ", ".join(f"{k} {m['per_class'][k]['f1']:.2f}" for k in LABELS)
        neutral = predicted.count("neutral") / len(predicted)
        print(
            f"  {path}: macro-F1 {m['macro_f1']:.3f}{interval}, "
            f"accuracy {m['accuracy']:.3f}; F1 {per_class}; predicted neutral {neutral:.0%}"
        )
        columns = [f"p_{k}" for k in LABELS]
        if all(c in frame.columns for c in columns):
            proba = frame[columns].to_numpy(dtype=float)
            cal = calibration_metrics(gold, proba, LABELS)
            wrong = [g != p for g, p in zip(gold, predicted, strict=True)]
            confident = sum(w and proba[i].max() >= CONFIDENT for i, w in enumerate(wrong))
            print(
                f"    calibration: ECE {cal['ece']:.3f}, mean confidence "
                f"{cal['mean_confidence']:.3f}; errors made with p >= {CONFIDENT}: "
                f"{confident} of {sum(wrong)}"
            )
        predictions.append((str(path), predicted))
    first_name, first = predictions[0]
    for name, predicted in predictions[1:] if args.n_boot else []:
        test = paired_bootstrap(gold, first, predicted, LABELS, n_boot=args.n_boot, groups=groups)
        lo, hi = test["ci"]["low"], test["ci"]["high"]
        print(
            f"  {name} - {first_name}: {test['difference']:+.3f} [{lo:+.3f}, {hi:+.3f}], "
            f"p = {test['p_value']:.3f}"
        )


if __name__ == "__main__":
    main()
