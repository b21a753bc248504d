"""Accuracy of the actor config's sense rules on a sense test set.

    python benchmarks/sense_rules.py data/senses/sense_cases.jsonl --part dev
    python benchmarks/sense_rules.py data/senses/sense_cases.jsonl --part test --model
    python benchmarks/sense_rules.py data/senses/sense_cases.jsonl --part test,test2 --model

``--part`` is one part name, a comma-separated union of parts, or ``all``.
Rules are tuned on ``--part dev`` only. The headline is strict: a span the lexicon does
not match (or matches as another actor's alias) counts as wrong. "Pair outcome" asks what a
researcher's figures see: the whole pipeline (``Segmenter``: dated aliases, role nouns that
need an antecedent) is run on the case text, and the case is right when a mention of the
case's actor over its span makes a pair exactly when the gold sense is ``actor`` (so a
``not_actor`` word the lexicon does not know, or a role noun without its antecedent, is
right: it makes no pair). ``--model`` also fits a TF-IDF logistic
regression on the ``--train-parts`` cases (default ``dev``; the words around the mention,
the mention masked) and scores it on the chosen part, for comparison; the model is given
the gold span, so it is compared with the strict figure's sense decisions, not with the
pair outcome. ``--hybrid`` (with ``--model``) scores a third decider by the pair outcome:
the rules where one of an ambiguous alias's rules fires, the model where none does (where
the alias's ``otherwise`` default would decide). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from framing.actors import load_lexicon
from framing.segment import Segmenter
from framing.senses import read_sense_cases, score_senses

WINDOW = 40  # characters of context each side for the learned model


def context(case: dict) -> str:
    text, a, b = case["text"], case["start"], case["end"]
    return f"{text[max(0, a - WINDOW) : a]} MENTION {text[b : b + WINDOW]}"


def fit_model(train: list[dict]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(C=10.0, max_iter=1000),
    )
    return model.fit([context(c) for c in train], [c["sense"] for c in train])


def model_accuracy(model: Any, test: list[dict]) -> float:
    predicted = model.predict([context(c) for c in test])
    return sum(p == c["sense"] for p, c in zip(predicted, test, strict=True)) / len(test)


def case_mentions(case: dict, segmenter: Segmenter) -> list[Any]:
    """The mentions of the case's actor over its span, through the whole pipeline. Another
    mention of the same actor elsewhere in the sentence does not count ("Assad arrived in
    Moscow for talks with Putin": Putin's pair is right, the case asks about "Moscow")."""
    sentences = segmenter.segment_text(case["text"], case["id"], date=case.get("date"))
    return [
        m
        for s in sentences
        for m in s.mentions
        if m.actor == case["actor"] and m.start < case["end"] and case["start"] < m.end
    ]


def makes_pair(case: dict, segmenter: Segmenter) -> bool:
    """Whether the case's own mention makes a (sentence, actor) pair."""
    return any(m.is_actor for m in case_mentions(case, segmenter))


def pair_outcome(cases: list[dict], segmenter: Segmenter) -> float:
    """Share of cases whose mention makes a pair exactly when gold says actor."""
    right = sum(makes_pair(c, segmenter) == (c["sense"] == "actor") for c in cases)
    return right / len(cases)


def hybrid_pair_outcome(cases: list[dict], lexicon: Any, model: Any) -> float:
    """The pair outcome when the model decides the ambiguous mentions no rule decides."""
    segmenter = Segmenter(lexicon)
    right = 0
    for case in cases:
        text, paired = case["text"], False
        for m in case_mentions(case, segmenter):
            alias = lexicon.alias_for(m.surface, case.get("date"))
            if (
                alias is not None
                and alias.ambiguous
                and alias.senses.rule_sense(text, m.start, m.end) is None
            ):  # no rule fires: the model decides instead of ``otherwise``
                span = {"text": text, "start": m.start, "end": m.end}
                paired = paired or model.predict([context(span)])[0] == "actor"
            else:
                paired = paired or m.is_actor
        right += paired == (case["sense"] == "actor")
    return right / len(cases)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", help="sense cases JSONL")
    parser.add_argument(
        "--part", default="dev", help="part name, comma-separated parts, or 'all' (default: dev)"
    )
    parser.add_argument("--actors", default=None, help="actor config (default: the packaged one)")
    parser.add_argument(
        "--model", action="store_true", help="also fit TF-IDF LR on --train-parts and score it"
    )
    parser.add_argument(
        "--train-parts",
        default="dev",
        help="comma-separated parts the --model is fitted on (default: dev)",
    )
    parser.add_argument(
        "--hybrid",
        action="store_true",
        help="with --model: the model decides where no rule of an ambiguous alias fires",
    )
    parser.add_argument("--wrong", action="store_true", help="list the wrong cases")
    args = parser.parse_args()
    cases = read_sense_cases(args.cases)
    parts = set(args.part.split(","))
    chosen = [c for c in cases if args.part == "all" or c.get("part") in parts]
    if not chosen:
        known = sorted({str(c.get("part")) for c in cases})
        parser.error(f"{args.cases}: no cases in part {args.part!r} (parts: {', '.join(known)})")
    lexicon = load_lexicon(args.actors)
    scores = score_senses(chosen, lexicon)
    print(f"rules, part {args.part}: accuracy {scores['accuracy']:.3f} on {scores['n']} mentions")
    for key, s in scores["by"].items():
        print(f"  {key}: {s['accuracy']:.3f} ({s['n']})")
    segmenter = Segmenter(lexicon)
    print(f"pair outcome (whole pipeline), part {args.part}: {pair_outcome(chosen, segmenter):.3f}")
    if args.wrong:
        for w in scores["wrong"]:
            print(
                json.dumps(
                    {
                        k: w[k]
                        for k in ("id", "surface", "sense", "sense_reason", "predicted", "text")
                    }
                )
            )
    if args.model:
        train_parts = set(args.train_parts.split(","))
        train = [c for c in cases if c.get("part") in train_parts]
        if args.part == "all" or train_parts & parts:
            print("model: fit and scored on the same part would say nothing; use other parts")
        elif not train:
            parser.error(f"{args.cases}: no cases in --train-parts {args.train_parts!r}")
        else:
            model = fit_model(train)
            print(
                f"TF-IDF LR (fit on {len(train)} cases of {args.train_parts}), part {args.part}: "
                f"accuracy {model_accuracy(model, chosen):.3f}"
            )
            if args.hybrid:
                print(
                    f"rules + TF-IDF LR where no rule fires, part {args.part}: pair outcome "
                    f"{hybrid_pair_outcome(chosen, lexicon, model):.3f}"
                )


if __name__ == "__main__":
    main()
