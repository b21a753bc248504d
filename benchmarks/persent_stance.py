"""PerSenT: saved stance models scored, zero-shot, on the author's sentiment toward the
main person of real news articles, paragraph by paragraph.

    python benchmarks/persent_stance.py --model RUN_A [RUN_B ...]            # dev.csv
    python benchmarks/persent_stance.py --model RUN_A ... --split random_test  # once per model

PerSenT (Bastan et al. 2020, CC BY 4.0; the CSVs of github.com/MHDBST/PerSenT in
``--data``, default ``~/.cache/framing/persent``) labels each paragraph of English news
articles (mostly 2016-2017) with the author's sentiment toward the article's main person:
Negative / Neutral / Positive, the same three labels as framing's stance. No framing model
trains on it, so it is a real-news check of how stance toward people transfers. Each
labelled paragraph is one example (:func:`framing.persent.persent_examples`: the person's
references from the release's masked copy as target spans), scored by each model's own
input format, pooling and ``max_length`` (a long paragraph is cut, like any long input).

Printed per model: macro-F1 with a 95% bootstrap interval, accuracy, per-class F1, the
share predicted neutral, top-label ECE and the confusion matrix, next to always-neutral;
with two or more models, the paired bootstrap of each against the first. Both bootstraps
resample whole articles (a cluster bootstrap), as the paragraphs of one article are not
independent. ``--out FILE`` writes the figures as JSON. Nothing is asserted. The dev file
is for choosing; read a test file (``random_test``: articles drawn at random;
``fixed_test``: four frequent persons) once.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
from pathlib import Path
from typing import Any

from sklearn.metrics import confusion_matrix

from framing.calibration import calibration_metrics
from framing.evaluation import classification_metrics
from framing.io import atomic_write
from framing.models import load_saved_model
from framing.persent import persent_examples
from framing.significance import paired_bootstrap
from framing.tasks import columns

LABELS = ("negative", "neutral", "positive")
SPLITS = ("dev", "random_test", "fixed_test")


def score(
    path: Path, examples: Any, gold: list[str], articles: list[str], n_boot: int
) -> tuple[dict, list[str]]:
    """One saved model's figures on ``examples`` and its predicted labels; the macro-F1
    interval resamples whole articles."""
    model, _ = load_saved_model(path)
    if list(model.labels) != list(LABELS):
        raise SystemExit(f"persent_stance: {path}: labels {model.labels}, not {list(LABELS)}")
    proba = model.predict_proba(examples)
    predicted = [model.labels[i] for i in proba.argmax(axis=1)]
    m = classification_metrics(gold, predicted, list(LABELS), n_boot=n_boot, groups=articles)
    cal = calibration_metrics(gold, proba, list(LABELS))
    out = {
        "macro_f1": m["macro_f1"],
        "macro_f1_ci": m.get("macro_f1_ci"),
        "accuracy": m["accuracy"],
        "f1": {k: m["per_class"][k]["f1"] for k in LABELS},
        "predicted_neutral": predicted.count("neutral") / len(predicted),
        "ece": cal["ece"],
        # rows: gold label, columns: predicted, both in LABELS order
        "confusion": confusion_matrix(gold, predicted, labels=list(LABELS)).tolist(),
    }
    return out, predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", nargs="+", required=True, type=Path, help="run/model folders")
    parser.add_argument("--data", type=Path, default=Path("~/.cache/framing/persent"))
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--n-boot", type=int, default=2_000)
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    csv_path = args.data.expanduser() / f"{args.split}.csv"
    if not csv_path.exists():
        raise SystemExit(f"persent_stance: {csv_path} does not exist (see --data)")
    examples = persent_examples(csv_path)
    gold = list(columns(examples, ["label"])["label"])
    counts = collections.Counter(gold)
    articles = list(columns(examples, ["article_id"])["article_id"])
    n_docs = len(set(articles))
    print(
        f"{csv_path}: {len(gold)} labelled paragraphs of {n_docs} articles; "
        + ", ".join(f"{k} {counts[k]}" for k in LABELS)
    )
    base = classification_metrics(gold, ["neutral"] * len(gold), list(LABELS), n_boot=0)
    print(f"  always neutral: macro-F1 {base['macro_f1']:.3f}, accuracy {base['accuracy']:.3f}")
    results: dict[str, Any] = {"split": args.split, "n": len(gold), "models": {}}
    predictions: list[tuple[str, list[str]]] = []
    for path in args.model:
        figures, predicted = score(path.expanduser(), examples, gold, articles, args.n_boot)
        ci = figures["macro_f1_ci"]
        interval = f" [{ci['low']:.3f}, {ci['high']:.3f}]" if ci else ""
        per_class = ", ".join(f"{k} {v:.2f}" for k, v in figures["f1"].items())
        print(
            f"  {path}: macro-F1 {figures['macro_f1']:.3f}{interval}, accuracy "
            f"{figures['accuracy']:.3f}; F1 {per_class}; predicted neutral "
            f"{figures['predicted_neutral']:.0%}; ECE {figures['ece']:.3f}"
        )
        rows = "; ".join(
            f"{g} -> " + " ".join(f"{n}" for n in row)
            for g, row in zip(LABELS, figures["confusion"], strict=True)
        )
        print(f"    confusion (gold -> predicted {' '.join(LABELS)}): {rows}")
        results["models"][str(path)] = figures
        predictions.append((str(path), predicted))
    first_name, first = predictions[0]
    for name, predicted in predictions[1:] if args.n_boot else []:
        test = paired_bootstrap(
            gold, first, predicted, list(LABELS), n_boot=args.n_boot, groups=articles
        )
        lo, hi = test["ci"]["low"], test["ci"]["high"]
        print(
            f"  {name} - {first_name}: {test['difference']:+.3f} [{lo:+.3f}, {hi:+.3f}], "
            f"p = {test['p_value']:.3f}"
        )
        results["models"][name]["vs_first"] = test
    if args.out:
        with atomic_write(args.out) as fh:
            fh.write(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
