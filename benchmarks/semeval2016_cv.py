"""SemEval-2016 task 6 (subtask A): choose a recipe by cross-validation on the training
file only. The test file is never read here; ``framing-run experiment=semeval2016``
reports it once for the chosen recipe.

    python benchmarks/semeval2016_cv.py \\
        --candidate 'recipe=experiment=semeval2016' \\
        --candidate 'min_df 2=experiment=semeval2016 model.min_df=2' \\
        --candidate 'pooled=experiment=semeval2016 model=tfidf_svm model.min_df=1' \\
        --seeds 13 14 15 --out ~/.cache/framing/runs/semeval2016_cv.json

Each ``--candidate NAME=OVERRIDES`` is a set of ``framing-run`` overrides (space
separated); its model is composed and built exactly as ``framing-run`` builds it. Folds:
``--folds`` (5) stratified by target × stance, reshuffled per seed; the seed is also the
run's ``seed`` (the calibration folds). Printed, and written to ``--out`` as JSON after
each candidate: per candidate the mean and sd over seeds of F_avg (the task's official
metric, mean F1 of FAVOR and AGAINST over the pooled out-of-fold predictions) and
macro-F1, and the wall time.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold

from framing.evaluation import f1_pn, macro_f1
from framing.io import atomic_write
from framing.public_sets import semeval_examples
from framing.resources import CONFIG_DIR
from framing.run import instantiate_model

log = logging.getLogger("benchmarks.semeval2016_cv")
TRAIN = "semeval2016-task6-trainingdata.txt"
OFFICIAL_BASELINE_F_AVG = 68.98  # SVM-ngrams, Mohammad et al. (2016), on the test file


def compose(overrides: list[str], seed: int) -> Any:
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        return hydra_compose("config", overrides=[*overrides, f"seed={seed}"])


def cross_validate(examples: Any, overrides: list[str], seed: int, n_folds: int) -> dict:
    cfg = compose(overrides, seed)
    labels = list(cfg.task.labels)
    y = np.array(examples["label"])
    strata = [f"{a}\t{label}" for a, label in zip(examples["actor"], y, strict=True)]
    folds = StratifiedKFold(n_folds, shuffle=True, random_state=seed).split(y, strata)
    pred = np.empty(len(y), dtype=object)
    for train, test in folds:
        model = instantiate_model(cfg, "stance", labels, False)
        model.fit(examples.select(train))
        proba = model.predict_proba(examples.select(test))
        pred[test] = np.array(labels)[proba.argmax(axis=1)]
    gold, guess = y.tolist(), pred.tolist()
    return {"f_avg": f1_pn(gold, guess, labels), "macro_f1": macro_f1(gold, guess, labels)}


def summary(scores: list[dict], key: str) -> dict[str, float]:
    values = [100 * s[key] for s in scores]
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return {"mean": round(statistics.fmean(values), 2), "sd": round(sd, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("~/.cache/framing/semeval2016"))
    parser.add_argument("--candidate", action="append", required=True, metavar="NAME=OVERRIDES")
    parser.add_argument("--seeds", type=int, nargs="+", default=[13])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    examples = semeval_examples(args.data.expanduser() / TRAIN)
    results = []
    for spec in args.candidate:
        name, _, rest = spec.partition("=")
        overrides = rest.split()
        started = time.perf_counter()
        scores = [cross_validate(examples, overrides, s, args.folds) for s in args.seeds]
        row = {
            "name": name,
            "overrides": overrides,
            "f_avg": summary(scores, "f_avg"),
            "macro_f1": summary(scores, "macro_f1"),
            "per_seed": [{k: round(100 * v, 2) for k, v in s.items()} for s in scores],
            "wall_seconds": round(time.perf_counter() - started, 1),
        }
        results.append(row)
        print(
            f"{name:<28} F_avg {row['f_avg']['mean']:.2f} ± {row['f_avg']['sd']:.2f}  "
            f"macro-F1 {row['macro_f1']['mean']:.2f} ± {row['macro_f1']['sd']:.2f}  "
            f"({row['wall_seconds']:.0f} s, {len(args.seeds)} seed(s) × {args.folds} folds)",
            flush=True,
        )
        if args.out:  # rewritten after every candidate: a long run keeps what it measured
            write_results(args.out.expanduser(), len(examples), args, results)


def write_results(out: Path, n_train: int, args: argparse.Namespace, results: list) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "train_file": TRAIN,
        "n_train": n_train,
        "folds": args.folds,
        "seeds": args.seeds,
        "official_baseline_test_f_avg": OFFICIAL_BASELINE_F_AVG,
        "candidates": results,
    }
    with atomic_write(out) as fh:
        json.dump(payload, fh, indent=2)


if __name__ == "__main__":
    main()
