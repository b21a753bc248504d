"""The experiment runner: ``run(cfg, out_dir)`` and the Hydra app ``framing-run``.

``run`` takes its output folder explicitly, so it can be called without a live
HydraConfig (tests, notebooks). A run folder holds:

* ``config.yaml``            the resolved config (Hydra adds ``.hydra/`` too);
* ``metrics.json``           pooled out-of-fold metrics with a bootstrap interval,
                             per fold, mean ± sd over folds, subsets;
* ``predictions.jsonl/.csv`` one row per example: gold, prediction, per-label
                             probabilities, fold;
* ``confusion_matrix.png``;
* ``reliability_diagram.png/.svg`` accuracy against confidence per bin (single-label);
                             ``metrics.json`` carries the ECE under ``calibration``;
* ``model/``                 the model refit on all training data, with its manifest.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import DictConfig, OmegaConf

from framing.io import atomic_write, dumps
from framing.tasks import columns

log = logging.getLogger("framing.run")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PACKAGE_ROOT / "configs"


class ConfigError(ValueError):
    """A config value the run cannot use (reported as one line)."""


def resolve_path(path: str | os.PathLike[str]) -> Path:
    """An input path as given, else relative to the package's root (for the shipped data)."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    alt = PACKAGE_ROOT / p
    return alt if alt.exists() else p


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    os.environ["PYTHONHASHSEED"] = str(seed)
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)


# ---------------------------------------------------------------------------
def load_examples(
    data_cfg: DictConfig,
    task: str,
    labels: list[str],
    multilabel: bool,
    segmenter,
    actors: list[str] | None = None,
):
    """Examples of ``task`` from a data config (``format`` + ``path``)."""
    from framing.corpus import load_corpus
    from framing.public_sets import newsmtsc_examples, semeval_examples
    from framing.tasks import corpus_examples

    fmt = data_cfg.get("format", "corpus")
    if not data_cfg.get("path"):
        raise ConfigError(f"data config {data_cfg.get('name', '?')!r} has no path")
    path = resolve_path(data_cfg.path)
    if not path.exists():
        raise ConfigError(f"data.path {str(path)!r} does not exist")
    if fmt == "corpus":
        corpus = load_corpus(path)
        for err in corpus.errors:
            log.warning("%s", err)
        return corpus_examples(
            corpus, task, segmenter, labels, multilabel=multilabel, actors=actors
        ), corpus.test_ids
    if task != "stance":
        raise ConfigError(f"data format {fmt!r} holds stance labels only, not {task}")
    if fmt == "newsmtsc":
        return newsmtsc_examples(path), []
    if fmt == "semeval2016":
        return semeval_examples(path), []
    raise ConfigError(f"unknown data.format {fmt!r}; choose corpus, newsmtsc or semeval2016")


def make_folds(cfg: DictConfig, examples, test_ids, segmenter, task, labels, multilabel):
    from datasets import concatenate_datasets

    from framing import splits

    name = cfg.split.get("name", "kfold")
    cols = columns(examples, ["article_id", "label"])
    groups = cols["article_id"]
    if name == "kfold":
        folds = splits.kfold(
            cols["label"],
            groups,
            int(cfg.split.get("n_splits", 5)),
            int(cfg.seed),
            bool(cfg.split.get("stratified", True)),
        )
        return folds, examples, np.arange(len(groups))
    if name == "heldout":
        folds = splits.heldout(groups, test_ids)
        return folds, examples, folds[0].train
    if name == "cross_dataset":
        test_cfg = cfg.split.get("test_data")
        if not test_cfg:
            raise ConfigError(
                "split=cross_dataset needs split.test_data: a data config with format and path"
            )
        test_examples, _ = load_examples(test_cfg, task, labels, multilabel, segmenter)
        n_train = len(examples)
        combined = concatenate_datasets([examples, test_examples.cast(examples.features)])
        folds = splits.cross_dataset(n_train, len(test_examples))
        return folds, combined, folds[0].train
    raise ConfigError(f"unknown split.name {name!r}; choose kfold, heldout or cross_dataset")


def instantiate_model(cfg: DictConfig, task: str, labels: list[str], multilabel: bool):
    from hydra.utils import instantiate

    try:
        return instantiate(
            cfg.model, task=task, labels=labels, multilabel=multilabel, _convert_="all"
        )
    except Exception as exc:  # Hydra wraps the real cause
        cause = exc.__cause__ or exc
        raise ConfigError(f"model {cfg.model.get('name', '?')!r} cannot be built: {cause}") from exc


def _decide(proba: np.ndarray, labels: list[str], multilabel: bool) -> list:
    if multilabel:
        out = []
        for row in proba:
            chosen = [labels[j] for j in np.flatnonzero(row >= 0.5)]
            out.append(chosen or [labels[int(row.argmax())]])
        return out
    return [labels[j] for j in proba.argmax(axis=1)]


def _differing_sentences(examples) -> set[tuple[str, int, int, str]]:
    """Sentences whose actors have different gold stances."""
    c = columns(examples, ["article_id", "start", "end", "sentence", "label"])
    by_sentence: dict[tuple[str, int, int, str], set[str]] = {}
    for a, s, e, t, lab in zip(
        c["article_id"], c["start"], c["end"], c["sentence"], c["label"], strict=True
    ):
        by_sentence.setdefault((a, s, e, t), set()).add(str(lab))
    return {k for k, v in by_sentence.items() if len(v) > 1}


# ---------------------------------------------------------------------------
def run(cfg: DictConfig, out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Run one experiment described by ``cfg`` and write everything to ``out_dir``."""
    from tqdm.auto import tqdm

    from framing.actors import ActorLexicon
    from framing.calibration import fold_calibration, write_calibration
    from framing.evaluation import (
        aggregate_folds,
        classification_metrics,
        multilabel_metrics,
        plot_confusion,
    )
    from framing.models import save_model
    from framing.segment import Segmenter

    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_write(out / "config.yaml") as fh:
        fh.write(OmegaConf.to_yaml(cfg, resolve=True))
    seed_everything(int(cfg.seed))
    task = str(cfg.task.name)
    labels = [str(x) for x in cfg.task.labels]
    multilabel = bool(cfg.task.get("multilabel", False))
    if len(set(labels)) != len(labels) or len(labels) < 2:
        raise ConfigError(f"task.labels must hold at least two distinct labels, got {labels}")
    actors_cfg = OmegaConf.to_container(cfg.actors, resolve=True)
    lexicon = ActorLexicon.from_config(actors_cfg)
    splitter = str(cfg.get("splitter", "sentencex"))
    segmenter = Segmenter(lexicon, splitter=splitter)

    examples, test_ids = load_examples(cfg.data, task, labels, multilabel, segmenter)
    folds, examples, refit_idx = make_folds(
        cfg, examples, test_ids, segmenter, task, labels, multilabel
    )
    log.info(
        "%s: %d examples, %d fold(s), model %s",
        task,
        len(examples),
        len(folds),
        cfg.model.get("name"),
    )

    proba_all = np.full((len(examples), len(labels)), np.nan)
    fold_of = np.full(len(examples), -1)
    temperature_of = np.ones(len(examples))  # the softmax temperature each prediction used
    fold_metrics = []
    cols = columns(
        examples, ["label", "actor", "n_actors", "article_id", "start", "end", "sentence"]
    )
    gold_all = cols["label"]
    actors_all = cols["actor"]
    reusable = None  # a fold model trained on exactly the refit examples (held-out splits)
    for fold in tqdm(folds, desc=f"{cfg.model.get('name')} folds", unit="fold", disable=None):
        model = instantiate_model(cfg, task, labels, multilabel)
        try:
            model.fit(examples.select(fold.train))
        except ValueError as exc:
            raise ConfigError(
                f"model {cfg.model.get('name')!r} failed to train on fold {fold.index}: {exc}"
            ) from exc
        if np.array_equal(np.sort(fold.train), np.sort(refit_idx)):
            reusable = model
        proba = model.predict_proba(examples.select(fold.test))
        proba_all[fold.test] = proba
        fold_of[fold.test] = fold.index
        temperature_of[fold.test] = getattr(model, "temperature", 1.0)
        pred = _decide(proba, labels, multilabel)
        gold = [gold_all[i] for i in fold.test]
        if multilabel:
            fm = multilabel_metrics(gold, pred, labels)
        else:
            fm = classification_metrics(
                gold, pred, labels, [actors_all[i] for i in fold.test], n_boot=0
            )
            fm.update(fold_calibration(gold, proba, labels, getattr(model, "temperature", 1.0)))
        fm["fold"] = fold.index
        fm["n_train"] = len(fold.train)
        fold_metrics.append(fm)
        log.info(
            "fold %d: macro-F1 %.3f (%d test examples)", fold.index, fm["macro_f1"], len(fold.test)
        )

    scored = np.flatnonzero(fold_of >= 0)
    pred_all = _decide(proba_all[scored], labels, multilabel)
    gold_scored = [gold_all[i] for i in scored]
    n_boot = int(cfg.get("n_boot", 1000))
    if multilabel:
        overall = multilabel_metrics(gold_scored, pred_all, labels)
    else:
        overall = classification_metrics(
            gold_scored,
            pred_all,
            labels,
            [actors_all[i] for i in scored],
            n_boot=n_boot,
            seed=int(cfg.seed),
        )
    metrics: dict[str, Any] = {
        "task": task,
        "model": str(cfg.model.get("name")),
        "data": str(cfg.data.get("name")),
        "split": str(cfg.split.get("name")),
        "seed": int(cfg.seed),
        "labels": labels,
        "n_examples": len(scored),
        "headline": {
            "metric": "macro_f1",
            "value": overall["macro_f1"],
            "ci": overall.get("macro_f1_ci"),
        },
        "overall": overall,
        "folds": fold_metrics,
        "aggregate": aggregate_folds(fold_metrics),
    }
    if task == "stance" and not multilabel:
        n_act = np.array(cols["n_actors"])[scored]
        differing = _differing_sentences(examples)
        keys = list(
            zip(cols["article_id"], cols["start"], cols["end"], cols["sentence"], strict=True)
        )
        subsets = {
            "multi_actor": [k for k, n in enumerate(n_act) if n >= 2],
            "multi_actor_differing": [k for k, i in enumerate(scored) if keys[i] in differing],
        }
        metrics["subsets"] = {}
        for name, idx in subsets.items():
            if idx:
                metrics["subsets"][name] = classification_metrics(
                    [gold_scored[k] for k in idx],
                    [pred_all[k] for k in idx],
                    labels,
                    n_boot=n_boot,
                    seed=int(cfg.seed),
                )

    _write_predictions(
        out,
        examples,
        scored,
        proba_all,
        pred_all,
        fold_of,
        labels,
        str(cfg.model.get("name")),
    )
    if not multilabel:
        metrics["calibration"] = write_calibration(
            out,
            gold_scored,
            proba_all[scored],
            labels,
            temperature_of[scored],
            title=f"{task} · {cfg.model.get('name')} · out-of-fold",
        )
        plot_confusion(
            gold_scored,
            pred_all,
            labels,
            out / "confusion_matrix.png",
            title=f"{task} · {cfg.model.get('name')} · out-of-fold",
        )

    if cfg.get("save_model", True):
        final = reusable
        if final is None:
            final = instantiate_model(cfg, task, labels, multilabel)
            final.fit(examples.select(refit_idx))
        save_model(
            final,
            out / "model",
            actors=actors_cfg,
            splitter=splitter,
            n_train=len(refit_idx),
            extra={"data": str(cfg.data.get("name")), "seed": int(cfg.seed)},
        )
    metrics["wall_seconds"] = round(time.perf_counter() - started, 2)
    with atomic_write(out / "metrics.json") as fh:
        json.dump(metrics, fh, indent=2)
    log.info("%s %s: macro-F1 %.3f -> %s", task, cfg.model.get("name"), overall["macro_f1"], out)
    return metrics


# example columns copied into every prediction row, in output order
PREDICTION_ID_COLUMNS = (
    "example_id",
    "article_id",
    "sentence_index",
    "start",
    "end",
    "sentence",
    "actor",
)


def _write_predictions(out: Path, examples, scored, proba, pred, fold_of, labels, model_id) -> None:
    import csv

    data = columns(examples, [*PREDICTION_ID_COLUMNS, "target_spans", "label"])
    p_cols = [f"p_{lab}" for lab in labels]
    fields = [*PREDICTION_ID_COLUMNS, "mentions", "gold", "predicted", *p_cols, "fold", "model"]
    rows = []
    for k, i in enumerate(scored):
        i = int(i)
        row = {c: data[c][i] for c in PREDICTION_ID_COLUMNS}
        row.update(mentions=data["target_spans"][i], gold=data["label"][i], predicted=pred[k])
        row.update({c: round(float(proba[i, j]), 6) for j, c in enumerate(p_cols)})
        row.update(fold=int(fold_of[i]), model=model_id)
        rows.append(row)
    with atomic_write(out / "predictions.jsonl") as fh:
        for row in rows:
            fh.write(dumps(row) + "\n")
    with atomic_write(out / "predictions.csv") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            flat = dict(row)
            for key in ("mentions", "gold", "predicted"):
                if isinstance(flat[key], list):
                    flat[key] = json.dumps(flat[key]) if key == "mentions" else ";".join(flat[key])
            writer.writerow(flat)


# ---------------------------------------------------------------------------
def _hydra_main(cfg: DictConfig) -> float | None:
    from hydra.core.hydra_config import HydraConfig

    from framing.splits import SplitError
    from framing.tasks import TaskError

    out_dir = HydraConfig.get().runtime.output_dir
    try:
        metrics = run(cfg, out_dir)
    except (ConfigError, TaskError, SplitError, FileNotFoundError) as exc:
        log.error("%s", exc)
        print(f"framing-run: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    return float(metrics["headline"]["value"])


def main() -> None:
    import hydra

    app = hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")(
        _hydra_main
    )
    app()


if __name__ == "__main__":
    main()
