"""SemEval-2016 task 6 (subtask A): an ensemble of models, its weights chosen on a dev
split of the training file; the test file is read once, by ``--test``, for the chosen
recipe.

    S=~/.cache/framing/runs/semeval2016_ensemble
    # 1. each member trains on 80% of the training file and scores the other 20% (dev,
    #    stratified by target x stance, --seed); its dev probabilities are cached in S
    python benchmarks/semeval2016_ensemble.py --cache $S \\
        --member 'svm=experiment=semeval2016' \\
        --member 'minilm=task=stance model=transformer'
    # 2. the members retrain on the whole training file, the ensemble (weights from step 1)
    #    is saved as a framing model (S/final/model) and scored once on the test file
    python benchmarks/semeval2016_ensemble.py --cache $S --member ... --test

Each ``--member NAME=OVERRIDES`` is a set of ``framing-run`` overrides (space separated);
its model is composed and built exactly as ``framing-run`` builds it, with ``seed`` set to
``--seed``. Members that train with early stopping (the transformer) take their inner
validation split from their own training data, never from dev. Step 1 prints each member's
dev F_avg (the task's metric: mean F1 of FAVOR and AGAINST), macro-F1 and accuracy, then
every weighting on a grid (``--step``, weights summing to 1) and the chosen one: the best
dev F_avg, ties going to the weights nearest to equal. ``S/dev.json`` holds it all;
``--test`` reads the chosen weights from there, so the recipe is fixed before the test file
is read. With ``--folds K`` the members are scored out of fold in a K-fold cross-validation
of the training file (stratified the same way) instead of on one dev split, and the
selection is ``S/cvK.json`` (``--test --folds K`` reads that one). ``--test`` writes
``S/test.json`` and each member's and the ensemble's test probabilities
(``S/NAME.test.npy``). Cached dev probabilities are reused when the member's overrides and
the split are unchanged.

The recipe chosen here (the SVM and the default MiniLM, 0.5 / 0.5) is also a ``framing-run``
experiment: ``framing-run experiment=semeval2016_ensemble`` (``model=ensemble``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split

from framing.evaluation import classification_metrics
from framing.io import atomic_write
from framing.public_sets import semeval_examples
from framing.resources import CONFIG_DIR
from framing.run import instantiate_model
from framing.tasks import columns

log = logging.getLogger("benchmarks.semeval2016_ensemble")
TRAIN = "semeval2016-task6-trainingdata.txt"
TEST = "SemEval2016-Task6-subtaskA-testdata-gold.txt"
OFFICIAL_BASELINE_F_AVG = 68.98  # SVM-ngrams, Mohammad et al. (2016), on the test file


def compose(overrides: list[str], seed: int) -> Any:
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        return hydra_compose("config", overrides=[*overrides, f"seed={seed}"])


def parse_members(specs: list[str]) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for spec in specs:
        name, sep, rest = spec.partition("=")
        if not sep or not name or name in members:
            raise SystemExit(f"--member {spec!r}: expected a new NAME=OVERRIDES")
        members[name] = rest.split()
    return members


def dev_splits(
    examples: Any, share: float, folds: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, dev) indices of the training file, stratified by target x stance: one dev
    split of ``share``, or with ``folds`` > 1 the folds of a cross-validation."""
    c = columns(examples, ["actor", "label"])
    strata = [f"{a}\t{lab}" for a, lab in zip(c["actor"], c["label"], strict=True)]
    idx = np.arange(len(strata))
    if folds > 1:
        cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
        return [(np.sort(tr), np.sort(te)) for tr, te in cv.split(idx, strata)]
    train, dev = train_test_split(idx, test_size=share, stratify=strata, random_state=seed)
    return [(np.sort(train), np.sort(dev))]


def split_name(args: argparse.Namespace) -> str:
    """``dev`` (one split) or ``cv<K>``: names the cached probabilities and the selection."""
    return f"cv{args.folds}" if args.folds > 1 else "dev"


def scores(gold: list[str], proba: np.ndarray, labels: list[str]) -> dict[str, float]:
    pred = [labels[i] for i in np.asarray(proba).argmax(axis=1)]
    m = classification_metrics(gold, pred, labels, n_boot=0)
    return {k: round(100 * m[k], 2) for k in ("f1_pn", "macro_f1", "accuracy")}


def weight_grid(n: int, step: float) -> list[tuple[float, ...]]:
    """Every weighting of ``n`` members on a grid of ``step`` that sums to 1."""
    k = round(1 / step)
    return [
        tuple(round(c / k, 6) for c in combo)
        for combo in itertools.product(range(k + 1), repeat=n)
        if sum(combo) == k
    ]


def choose_weights(
    probs: list[np.ndarray], gold: list[str], labels: list[str], step: float
) -> tuple[tuple[float, ...], list[dict[str, Any]]]:
    """The grid's weighting with the best F_avg on ``gold`` (ties: nearest to equal)."""
    n = len(probs)
    table = []
    for w in weight_grid(n, step):
        mixed = sum(wi * p for wi, p in zip(w, probs, strict=True))
        table.append({"weights": list(w), **scores(gold, mixed, labels)})
    equal = np.full(n, 1 / n)
    best = max(table, key=lambda r: (r["f1_pn"], -float(np.abs(r["weights"] - equal).sum())))
    return tuple(best["weights"]), table


def fit_member(name: str, overrides: list[str], seed: int, train: Any) -> tuple[Any, float]:
    cfg = compose(overrides, seed)
    model = instantiate_model(cfg, "stance", list(cfg.task.labels), False)
    started = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - started
    log.info("%s: trained on %d tweets in %.0f s", name, len(train), seconds)
    return model, seconds


def dev_probabilities(
    members: dict[str, list[str]], examples: Any, args: argparse.Namespace
) -> tuple[dict[str, np.ndarray], list[str], list[str], dict[str, Any]]:
    splits = dev_splits(examples, args.dev_share, args.folds, args.seed)
    dev_idx = np.concatenate([dev for _, dev in splits])
    gold = [columns(examples, ["label"])["label"][i] for i in dev_idx]
    key = {"seed": args.seed, "dev_share": args.dev_share, "n_dev": len(dev_idx)}
    if args.folds > 1:
        key = {"seed": args.seed, "folds": args.folds, "n_dev": len(dev_idx)}
    probs, info, labels = {}, {}, None
    for name, overrides in members.items():
        npy = args.cache / f"{name}.{split_name(args)}.npy"
        meta = npy.with_suffix(".json")
        if npy.is_file() and meta.is_file():
            saved = json.loads(meta.read_text())
            if saved["overrides"] == overrides and saved["split"] == key:
                probs[name], info[name] = np.load(npy), saved
                labels = labels or saved["labels"]
                continue
            log.info("%s: cached dev probabilities are for other settings; retraining", name)
        parts, seconds = [], 0.0
        for train, dev in splits:  # dev probabilities in the order of dev_idx
            model, fold_seconds = fit_member(name, overrides, args.seed, examples.select(train))
            parts.append(np.asarray(model.predict_proba(examples.select(dev)), dtype=float))
            seconds += fold_seconds
        probs[name] = np.concatenate(parts)
        info[name] = {
            "overrides": overrides,
            "split": key,
            "labels": list(model.labels),
            "train_seconds": round(seconds, 1),
        }
        labels = labels or list(model.labels)
        if info[name]["labels"] != labels:
            raise SystemExit(f"member {name}: labels {info[name]['labels']} differ from {labels}")
        np.save(npy, probs[name])
        with atomic_write(meta) as fh:
            json.dump(info[name], fh, indent=2)
    assert labels is not None
    return probs, gold, labels, info


def select(members: dict[str, list[str]], examples: Any, args: argparse.Namespace) -> None:
    probs, gold, labels, info = dev_probabilities(members, examples, args)
    names = list(members)
    how = f"out-of-fold, {args.folds} folds" if args.folds > 1 else "one dev split"
    print(f"dev: {len(gold)} tweets of the training file ({how}, seed {args.seed})")
    print(f"{'member':<12} {'F_avg':>6} {'macro-F1':>8} {'accuracy':>8}  train s")
    singles = {}
    for name in names:
        singles[name] = scores(gold, probs[name], labels)
        s = singles[name]
        print(
            f"{name:<12} {s['f1_pn']:6.2f} {s['macro_f1']:8.2f} {s['accuracy']:8.2f}  "
            f"{info[name]['train_seconds']:.0f}"
        )
    weights, table = choose_weights([probs[n] for n in names], gold, labels, args.step)
    if len(names) > 1:
        print("weights (" + ", ".join(names) + ")  F_avg  macro-F1  accuracy")
        for row in table:
            mark = "  <- chosen" if tuple(row["weights"]) == weights else ""
            w = ", ".join(f"{x:.2f}" for x in row["weights"])
            print(
                f"  {w:<20} {row['f1_pn']:6.2f} {row['macro_f1']:8.2f} {row['accuracy']:8.2f}{mark}"
            )
    payload = {
        "train_file": TRAIN,
        "seed": args.seed,
        "dev_share": args.dev_share,
        "folds": args.folds,
        "n_dev": len(gold),
        "members": {n: {**info[n], "dev": singles[n]} for n in names},
        "grid": table,
        "chosen_weights": dict(zip(names, weights, strict=True)),
    }
    with atomic_write(args.cache / f"{split_name(args)}.json") as fh:
        json.dump(payload, fh, indent=2)


def final_test(members: dict[str, list[str]], examples: Any, args: argparse.Namespace) -> None:
    """Retrain every member on the whole training file, save the weighted ensemble, score
    the test file once."""
    from framing.models import save_model
    from framing.models.ensemble import EnsembleModel

    selection = args.cache / f"{split_name(args)}.json"
    chosen = json.loads(selection.read_text())
    if set(chosen["chosen_weights"]) != set(members) or any(
        chosen["members"][n]["overrides"] != members[n] for n in members
    ):
        raise SystemExit(f"{selection}: chosen for other members; run step 1 first")
    weights = [chosen["chosen_weights"][n] for n in members]
    fitted, seconds = [], {}
    for name, overrides in members.items():
        model, seconds[name] = fit_member(name, overrides, args.seed, examples)
        model.name = name
        fitted.append(model)
    ensemble = EnsembleModel(fitted, weights=weights, name="semeval2016_ensemble")
    out = args.cache / "final" / "model"
    save_model(ensemble, out, actors={}, splitter="semeval2016", n_train=len(examples))
    test = semeval_examples(args.data / TEST)
    gold = list(columns(test, ["label"])["label"])
    labels = list(ensemble.labels)
    probs = {n: np.asarray(m.predict_proba(test)) for n, m in zip(members, fitted, strict=True)}
    probs["ensemble"] = ensemble.predict_proba(test)
    rows = {}
    for name, proba in probs.items():  # kept for intervals and paired tests outside
        np.save(args.cache / f"{name}.test.npy", proba)
        rows[name] = scores(gold, proba, labels)
    print(f"test: {len(gold)} tweets; weights {dict(zip(members, weights, strict=True))}")
    for name, s in rows.items():
        print(
            f"{name:<12} F_avg {s['f1_pn']:.2f}  macro-F1 {s['macro_f1']:.2f}  "
            f"accuracy {s['accuracy']:.2f}"
        )
    print(f"official SVM-ngrams baseline F_avg {OFFICIAL_BASELINE_F_AVG}; model saved in {out}")
    with atomic_write(args.cache / "test.json") as fh:
        json.dump(
            {"weights": chosen["chosen_weights"], "train_seconds": seconds, "test": rows},
            fh,
            indent=2,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("~/.cache/framing/semeval2016"))
    ap.add_argument("--member", action="append", required=True, metavar="NAME=OVERRIDES")
    ap.add_argument("--cache", type=Path, default=Path("~/.cache/framing/runs/semeval2016_ens"))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--dev-share", type=float, default=0.2)
    ap.add_argument(
        "--folds",
        type=int,
        default=0,
        help="> 1: choose on the out-of-fold probabilities of a K-fold CV instead (cvK.json)",
    )
    ap.add_argument("--step", type=float, default=0.05, help="grid step of the weights")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    ap.add_argument("--test", action="store_true", help="step 2: retrain on all, score test")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        pass
    args.data, args.cache = args.data.expanduser(), args.cache.expanduser()
    args.cache.mkdir(parents=True, exist_ok=True)
    members = parse_members(args.member)
    examples = semeval_examples(args.data / TRAIN)
    if args.test:
        final_test(members, examples, args)
    else:
        select(members, examples, args)


if __name__ == "__main__":
    main()
