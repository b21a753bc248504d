"""Select an ensemble of saved NewsMTSC fine-tunes on dev only.

    python benchmarks/newsmtsc_ensemble.py ~/.cache/framing/runs/r0_plain/model ... \\
        --cache ~/.cache/framing/runs/ensemble

Each member (a saved model folder) is scored once on dev-rw and dev-mt; its class
probabilities are cached as ``CACHE/<member>.<split>.npy`` (reused when present). Then
candidate subsets are scored on dev by averaging the members' probabilities: all members,
the best k by mean dev macro-F1 (k = 2 … n), and greedy forward selection by mean dev
macro-F1. The table (macro-F1, accuracy, F1pn per dev split and their mean) is printed
and written to ``CACHE/selection.json``. Test is never read here: evaluate the chosen
subset once with ``benchmarks/newsmtsc.py --ensemble DIR ... --test``.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from framing.evaluation import classification_metrics
from framing.io import atomic_write
from framing.models import load_saved_model, resolve_model_dir
from framing.public_sets import newsmtsc_examples
from framing.tasks import columns

log = logging.getLogger("benchmarks.newsmtsc_ensemble")
SPLITS = ("dev-rw", "dev-mt")


def member_name(directory: Path) -> str:
    """``runs/<name>/model`` → ``<name>``; any other folder → its own name."""
    return directory.parent.name if directory.name == "model" else directory.name


def member_probabilities(
    members: list[Path], data: Path, cache: Path, splits: tuple[str, ...] = SPLITS
) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, list[str]], dict[str, float]]:
    """Per member and split the class probabilities (cached), the gold labels, the
    seconds each member took to score the splits (0 when read from the cache)."""
    examples = {
        s: newsmtsc_examples(data / f"newsmtsc-{s.split('-')[1]}-{s.split('-')[0]}.jsonl")
        for s in splits
    }
    gold = {s: list(columns(ex, ["label"])["label"]) for s, ex in examples.items()}
    probs: dict[str, dict[str, np.ndarray]] = {}
    seconds: dict[str, float] = {}
    labels_seen: list[str] | None = None
    for directory in members:
        name = member_name(directory)
        files = {s: cache / f"{name}.{s}.npy" for s in splits}
        label_file = cache / f"{name}.labels.json"
        if all(f.is_file() for f in files.values()) and label_file.is_file():
            labels = json.loads(label_file.read_text())
            probs[name] = {s: np.load(f) for s, f in files.items()}
            seconds[name] = 0.0
        else:
            model, _ = load_saved_model(directory)
            labels = list(model.labels)
            t = time.perf_counter()
            probs[name] = {s: model.predict_proba(examples[s]) for s in splits}
            seconds[name] = round(time.perf_counter() - t, 1)
            for s, f in files.items():
                np.save(f, probs[name][s])
            label_file.write_text(json.dumps(labels))
            log.info("%s: %s scored in %.1f s", name, "+".join(splits), seconds[name])
        if labels_seen is not None and labels != labels_seen:
            raise SystemExit(f"{directory}: labels {labels} differ from {labels_seen}")
        labels_seen = labels
    assert labels_seen is not None
    return probs, {"labels": labels_seen, **gold}, seconds


def subset_scores(
    subset: list[str],
    probs: dict[str, dict[str, np.ndarray]],
    gold: dict[str, list[str]],
    splits: tuple[str, ...] = SPLITS,
) -> dict[str, Any]:
    labels = gold["labels"]
    out: dict[str, Any] = {"members": subset}
    for s in splits:
        mean = np.mean([probs[m][s] for m in subset], axis=0)
        pred = [labels[i] for i in mean.argmax(axis=1)]
        m = classification_metrics(gold[s], pred, labels, n_boot=0)
        out[s] = {k: round(100 * m[k], 2) for k in ("macro_f1", "accuracy", "f1_pn")}
    out["mean_macro_f1"] = round(np.mean([out[s]["macro_f1"] for s in splits]), 2)
    return out


def candidates(
    probs: dict[str, dict[str, np.ndarray]], gold: dict[str, list[str]]
) -> dict[str, dict[str, Any]]:
    names = list(probs)
    singles = {n: subset_scores([n], probs, gold) for n in names}
    ranked = sorted(names, key=lambda n: -singles[n]["mean_macro_f1"])
    table = {f"single {n}": singles[n] for n in names}
    table["all"] = subset_scores(names, probs, gold)
    for k in range(2, len(names)):
        table[f"best-{k}"] = subset_scores(ranked[:k], probs, gold)
    chosen: list[str] = []
    best = -1.0
    while len(chosen) < len(names):
        scored = [subset_scores([*chosen, n], probs, gold) for n in names if n not in chosen]
        top = max(scored, key=lambda r: r["mean_macro_f1"])
        if top["mean_macro_f1"] <= best:
            break
        chosen, best = top["members"], top["mean_macro_f1"]
    table["greedy"] = subset_scores(chosen, probs, gold)
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("members", nargs="+", type=Path, help="saved model folders (or run folders)")
    ap.add_argument("--data", type=Path, default=Path("~/.cache/framing/newsmtsc"))
    ap.add_argument(
        "--test",
        action="store_true",
        help="score the CHOSEN members on test-rw and test-mt and print the average's metrics",
    )
    ap.add_argument(
        "--score-only",
        action="store_true",
        help="only cache the members' probabilities (to score members in parallel processes)",
    )
    ap.add_argument("--cache", type=Path, default=Path("~/.cache/framing/runs/ensemble"))
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cache = args.cache.expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    members = [resolve_model_dir(m.expanduser()) for m in args.members]
    splits = ("test-rw", "test-mt") if args.test else SPLITS
    probs, gold, seconds = member_probabilities(members, args.data.expanduser(), cache, splits)
    if args.score_only:
        return
    if args.test:
        row = subset_scores(list(probs), probs, gold, splits)
        for s in splits:
            print(
                f"{s}: macro-F1 {row[s]['macro_f1']:.1f}  accuracy {row[s]['accuracy']:.1f}  "
                f"F1pn {row[s]['f1_pn']:.1f}  ({len(row['members'])} members)"
            )
        with atomic_write(cache / "test.json") as fh:
            json.dump({"test_seconds": seconds, "ensemble": row}, fh, indent=2)
        return
    table = candidates(probs, gold)
    print(f"{'candidate':32s} {'dev-rw':>7s} {'dev-mt':>7s} {'mean':>6s}  members")
    for name, row in table.items():
        print(
            f"{name:32s} {row['dev-rw']['macro_f1']:7.1f} {row['dev-mt']['macro_f1']:7.1f} "
            f"{row['mean_macro_f1']:6.2f}  {len(row['members'])}: {' '.join(row['members'])}"
        )
    with atomic_write(cache / "selection.json") as fh:
        json.dump({"dev_seconds": seconds, "candidates": table}, fh, indent=2)


if __name__ == "__main__":
    main()
