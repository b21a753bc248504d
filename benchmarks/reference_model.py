"""The learned reference detector against the rules, on an annotated corpus's gold pairs.

Grouped 5-fold cross-validation over the train articles (an article's sentences
stay in one fold): pair precision/recall of the rules alone, the model alone and
the union (rules OR model at a probability threshold). With ``--test``: fit on
all train articles, score the test articles once. Prints figures, asserts
nothing::

    python benchmarks/reference_model.py data/syria [--embeddings] [--test]
"""

from __future__ import annotations

import argparse

from framing.corpus import load_corpus
from framing.pair_detector import MIN_PRECISION, THRESHOLDS, choose_threshold, cross_validate
from framing.pairs import prf_table, split_ids
from framing.reference_model import (
    ReferenceDetector,
    combine,
    pair_prf,
    reference_examples,
)
from framing.segment import Segmenter


def _rows(examples, proba_sets) -> list[tuple[str, dict]]:
    rows = [("rules", pair_prf(examples, [e.rule_actors for e in examples]))]
    for t, sets in proba_sets.items():
        rows.append((f"model >= {t}", pair_prf(examples, sets)))
    for t, sets in proba_sets.items():
        rows.append((f"rules OR model >= {t}", pair_prf(examples, combine(examples, sets))))
    return rows


def _table(title: str, rows: list[tuple[str, dict]]) -> str:
    return "\n".join(prf_table(rows, title))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--actors", default=None, help="actor config (default: the packaged one)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--C", type=float, default=4.0)
    parser.add_argument("--test", action="store_true", help="also fit on train, score test once")
    parser.add_argument(
        "--embeddings",
        action="store_true",
        help="add sentence-transformer embeddings of the sentence and the previous one",
    )
    args = parser.parse_args()
    corpus = load_corpus(args.corpus)
    segmenter = Segmenter(args.actors)
    train = reference_examples(corpus, segmenter, split_ids(corpus, "train"))
    params = {"C": args.C, "embeddings": args.embeddings}
    predicted = cross_validate(train, folds=args.folds, **params)
    title = f"{args.corpus} train, grouped {args.folds}-fold CV ({len(train)} sentences)"
    print(_table(title, _rows(train, predicted)) + "\n")
    chosen, _ = choose_threshold(train, predicted)
    print(
        f"threshold chosen on the train folds (rules OR model, precision >= {MIN_PRECISION}): {chosen}\n"
    )
    if args.test:
        test = reference_examples(corpus, segmenter, split_ids(corpus, "test"))
        model = ReferenceDetector(**params).fit(train)
        sets = {t: model.predict(test, t) for t in THRESHOLDS}
        print(
            _table(f"{args.corpus} test, fit on train ({len(test)} sentences)", _rows(test, sets))
        )
        print(f"\nat the chosen threshold {chosen}: {pair_prf(test, combine(test, sets[chosen]))}")


if __name__ == "__main__":
    main()
