"""NewsMTSC benchmark: fine-tune a :class:`~framing.models.hf.TransformerModel` recipe on the
NewsMTSC train file, select the epoch on dev (dev-rw + dev-mt), report the paper's metrics.

    python benchmarks/newsmtsc.py --name markers_mean --set input_format=markers \\
        --set pooling=mean --set epochs=4 --out ~/.cache/framing/runs/markers_mean
    python benchmarks/newsmtsc.py ... --test      # also test-rw / test-mt (final recipe only)
    python benchmarks/newsmtsc.py --evaluate ~/.cache/framing/runs/markers_mean/model --test
    python benchmarks/newsmtsc.py --name ens --ensemble RUN1/model RUN2/model ... --test \\
        --out ~/.cache/framing/runs/newsmtsc_ensemble --save

The data folder (default ``~/.cache/framing/newsmtsc``) holds the release's
``newsmtsc-{rw,mt}-{train,dev,test}.jsonl`` (the two train files are the same), read by
:func:`framing.public_sets.newsmtsc_examples`. ``--set key=value`` sets any
``TransformerModel`` option (values parsed as YAML scalars). With ``early_stopping``
(the default) each epoch is scored on dev by ``best_metric`` and the best is kept;
``--set early_stopping=false`` keeps the last epoch (the plain recipe). Test is read only
with ``--test``. ``--ensemble DIR ...`` scores the average of saved models' probabilities
(:class:`~framing.models.ensemble.EnsembleModel`; choose the members on dev with
``benchmarks/newsmtsc_ensemble.py``); with ``--save`` the ensemble folder, members copied
in, is written to ``OUT/model``. Printed and written to ``OUT/results.json``: macro-F1,
accuracy and F1 over positive+negative (Hamborg & Donnay 2021's metrics) per split and
over dev-rw + dev-mt pooled (``dev``, what recipes are chosen by), the training
minutes and the wall time; ``--save`` writes the model folder in framing's format.
``--limit N`` trains on the first N train examples only and scores nothing: with
``--threads 1`` its ``train_cpu_seconds_per_example_epoch`` (process CPU time) estimates
an idle core's training speed on a loaded machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

import yaml
from datasets import concatenate_datasets

from framing.evaluation import classification_metrics
from framing.io import atomic_write
from framing.models import load_saved_model, save_model
from framing.models.ensemble import EnsembleModel
from framing.models.hf import TransformerModel
from framing.public_sets import newsmtsc_examples
from framing.tasks import columns

log = logging.getLogger("benchmarks.newsmtsc")
LABELS = ["negative", "neutral", "positive"]
PAPER = {"RoBERTa SPC": {"rw": 81.1, "mt": 79.4}, "BERT SPC": {"rw": 80.1, "mt": 73.7}}


def parse_options(pairs: list[str]) -> dict[str, Any]:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--set {pair!r}: expected key=value")
        options[key.strip()] = yaml.safe_load(value)
    return options


def predictions(model: TransformerModel, examples: Any) -> tuple[list[str], list[str]]:
    """(gold, predicted) labels of ``examples``."""
    pred = [model.labels[i] for i in model.predict_proba(examples).argmax(axis=1)]
    return list(columns(examples, ["label"])["label"]), pred


def split_metrics(gold: list[str], pred: list[str], labels: list[str]) -> dict[str, Any]:
    m = classification_metrics(gold, pred, labels, n_boot=0)
    return {k: m[k] for k in ("n", "macro_f1", "accuracy", "f1_pn")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("~/.cache/framing/newsmtsc"))
    ap.add_argument("--name", default="newsmtsc")
    ap.add_argument("--set", dest="options", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--out", type=Path, help="folder for results.json (and the model)")
    ap.add_argument("--save", action="store_true", help="save the model folder into OUT/model")
    ap.add_argument("--test", action="store_true", help="also evaluate test-rw and test-mt")
    ap.add_argument(
        "--evaluate", type=Path, metavar="MODEL", help="score a saved model instead of training"
    )
    ap.add_argument(
        "--ensemble",
        type=Path,
        nargs="+",
        metavar="MODEL",
        help="score the average of these saved models' probabilities instead of training",
    )
    ap.add_argument(
        "--limit",
        type=int,
        default=0,
        help="train on the first N train examples only, no scoring (a throughput probe; 0: all)",
    )
    ap.add_argument(
        "--no-dev", action="store_true", help="skip dev (e.g. an ensemble already chosen on dev)"
    )
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    data = args.data.expanduser()
    start = time.perf_counter()
    dev = {s: newsmtsc_examples(data / f"newsmtsc-{s}-dev.jsonl") for s in ("rw", "mt")}
    if args.ensemble:
        folders = [m.expanduser() for m in args.ensemble]
        model = EnsembleModel.from_saved(folders, name=args.name)
        results: dict[str, Any] = {"name": args.name, "members": [str(f) for f in folders]}
        results["params"] = model.params()
        results["train_minutes"] = round(
            sum(
                load_saved_model(f)[1].get("benchmark", {}).get("train_minutes") or 0
                for f in folders
            ),
            2,
        )
    elif args.evaluate:
        model, manifest = load_saved_model(args.evaluate.expanduser())
        results = {"name": args.name, "model": str(args.evaluate)}
        results["params"] = manifest["model"]
        results["train_minutes"] = manifest.get("benchmark", {}).get("train_minutes")
    else:
        train = newsmtsc_examples(data / "newsmtsc-rw-train.jsonl")
        if args.limit:
            train = train.select(range(min(args.limit, len(train))))
        options = {"name": args.name, **parse_options(args.options)}
        model = TransformerModel(task="stance", labels=LABELS, **options)
        log.info("%s: %d train examples, options %s", args.name, len(train), options)
        t, cpu = time.perf_counter(), time.process_time()
        model.fit(train, validation=concatenate_datasets([dev["rw"], dev["mt"]]))
        cpu = time.process_time() - cpu
        results = {
            "name": args.name,
            "options": options,
            "params": model.params(),
            "n_train": len(train),
            "train_minutes": round((time.perf_counter() - t) / 60, 2),
            # CPU seconds of this process per training example and epoch: with one torch
            # thread, about the wall seconds an idle core would take
            "train_cpu_seconds_per_example_epoch": round(
                cpu / (len(train) * model.params().get("epochs", 1)), 4
            ),
            "history": model.history,
        }
    score_start = time.perf_counter()
    results["splits"] = {}
    if not args.limit and not args.no_dev:  # a throughput probe's model is not scored
        scored = {s: predictions(model, ex) for s, ex in dev.items()}
        for s, (gold, pred) in scored.items():
            results["splits"][f"dev-{s}"] = split_metrics(gold, pred, model.labels)
        # dev-rw + dev-mt as one set: what epochs and recipes are chosen by
        gold = [label for g, _ in scored.values() for label in g]
        pred = [label for _, p in scored.values() for label in p]
        results["splits"]["dev"] = split_metrics(gold, pred, model.labels)
    if args.test:
        for s in ("rw", "mt"):
            test = newsmtsc_examples(data / f"newsmtsc-{s}-test.jsonl")
            results["splits"][f"test-{s}"] = split_metrics(*predictions(model, test), model.labels)
    n_scored = sum(m["n"] for k, m in results["splits"].items() if k != "dev")
    results["inference_seconds"] = round(time.perf_counter() - score_start, 1)
    results["inference_examples_per_second"] = round(
        n_scored / max(results["inference_seconds"], 0.1), 1
    )
    if args.test:
        results["paper_macro_f1"] = PAPER
    results["wall_minutes"] = round((time.perf_counter() - start) / 60, 2)
    print(
        f"{args.name}: training {results['train_minutes']} min, wall {results['wall_minutes']} min, "
        f"scoring {results['inference_examples_per_second']} examples/s"
    )
    for split, m in results["splits"].items():
        print(
            f"  {split:8s} n={m['n']:4d}  macro-F1 {100 * m['macro_f1']:.1f}  "
            f"accuracy {100 * m['accuracy']:.1f}  F1pn {100 * m['f1_pn']:.1f}"
        )
    if args.out:
        out = args.out.expanduser()
        out.mkdir(parents=True, exist_ok=True)
        if args.save and args.ensemble:
            save_model(
                model,
                out / "model",
                actors={},
                splitter="sentencex",  # what predict uses on new articles (NewsMTSC gives sentences)
                n_train=0,
                extra={"benchmark": {k: results[k] for k in ("name", "train_minutes", "splits")}},
            )
        elif args.save and not args.evaluate:
            save_model(
                model,
                out / "model",
                actors={},
                splitter="sentencex",  # what predict uses on new articles (NewsMTSC gives sentences)
                n_train=len(train),
                extra={"benchmark": {k: results[k] for k in ("name", "train_minutes", "splits")}},
            )
        with atomic_write(out / "results.json") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
