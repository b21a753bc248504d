"""The experiment runner: ``run(cfg, out_dir)`` and the Hydra app ``framing-run``.

``run`` takes its output folder explicitly, so it can be called without a live
HydraConfig (tests, notebooks). A run folder holds:

* ``config.yaml``            the resolved config (Hydra adds ``.hydra/`` too);
* ``metrics.json``           pooled out-of-fold metrics with a bootstrap interval,
                             per fold, mean ± sd over folds, subsets;
* ``predictions.jsonl/.csv`` one row per example: gold, prediction, per-label
                             probabilities, fold;
* ``confusion_matrix.png``;
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

from framing.config_checks import check_config
from framing.examples import columns
from framing.extras import MissingExtra
from framing.io import OutputDirError, atomic_write, ensure_writable_dir
from framing.labels import decide
from framing.resources import CONFIG_DIR
from framing.sources import ConfigError, load_examples, resolve_path

log = logging.getLogger("framing.run")
__all__ = ["CONFIG_DIR", "ConfigError", "load_examples", "resolve_path", "run"]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    os.environ["PYTHONHASHSEED"] = str(seed)
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)


# ---------------------------------------------------------------------------
def make_folds(cfg: DictConfig, examples, test_sets, segmenter, task, labels, multilabel):
    """Folds of ``cfg.split`` (see :data:`framing.splits.SPLITS`), the examples they index
    and the indices the final model is refit on."""
    from framing.splits import SPLITS

    name = cfg.split.get("name", "kfold")
    builder = SPLITS.get(name)
    if builder is None:
        raise ConfigError(f"unknown split.name {name!r}; choose {', '.join(SPLITS)}")

    def load_test():
        test_cfg = cfg.split.get("test_data")
        if not test_cfg:
            raise ConfigError(
                f"split={name} needs split.test_data: a data config with format and path"
            )
        return load_examples(test_cfg, task, labels, multilabel, segmenter)[0]

    return builder(cfg.split, int(cfg.seed), examples, test_sets, load_test)


def instantiate_model(cfg: DictConfig, task: str, labels: list[str], multilabel: bool):
    from hydra.utils import instantiate

    try:
        return instantiate(
            cfg.model, task=task, labels=labels, multilabel=multilabel, _convert_="all"
        )
    except Exception as exc:  # Hydra wraps the real cause
        cause = exc.__cause__ or exc
        raise ConfigError(f"model {cfg.model.get('name', '?')!r} cannot be built: {cause}") from exc


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
    from framing.checks.command import checks_metrics
    from framing.evaluation import (
        aggregate_folds,
        classification_metrics,
        multilabel_metrics,
    )
    from framing.models import save_model
    from framing.plots import plot_confusion
    from framing.segment import Segmenter

    started = time.perf_counter()
    check_config(cfg)  # one line per bad value, before anything is loaded
    out = ensure_writable_dir(out_dir)
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

    examples, test_sets = load_examples(cfg.data, task, labels, multilabel, segmenter)
    folds, examples, refit_idx = make_folds(
        cfg, examples, test_sets, segmenter, task, labels, multilabel
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
        pred = decide(proba, labels, multilabel)
        gold = [gold_all[i] for i in fold.test]
        if multilabel:
            fm = multilabel_metrics(gold, pred, labels)
        else:
            fm = classification_metrics(
                gold, pred, labels, [actors_all[i] for i in fold.test], n_boot=0
            )
        fm["fold"] = fold.index
        fm["n_train"] = len(fold.train)
        fold_metrics.append(fm)
        log.info(
            "fold %d: macro-F1 %.3f (%d test examples)", fold.index, fm["macro_f1"], len(fold.test)
        )

    scored = np.flatnonzero(fold_of >= 0)
    pred_all = decide(proba_all[scored], labels, multilabel)
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
        **(
            {"test_set": str(cfg.split.get("test", "fixed"))}
            if cfg.split.get("name") == "heldout"
            else {}
        ),
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
    metrics.update(checks_metrics(cfg, out))  # eval.checks=true: behavioural checks of model/
    metrics["wall_seconds"] = round(time.perf_counter() - started, 2)
    with atomic_write(out / "metrics.json") as fh:
        json.dump(metrics, fh, indent=2)
    log.info("%s %s: macro-F1 %.3f -> %s", task, cfg.model.get("name"), overall["macro_f1"], out)
    return metrics


def _write_predictions(out: Path, examples, scored, proba, pred, fold_of, labels, model_id) -> None:
    from framing.predictions import RUN_ID_COLUMNS, run_rows, write_run_predictions

    data = columns(examples, [*RUN_ID_COLUMNS, "target_spans", "label"])
    rows = run_rows(data, scored, proba, pred, fold_of, labels, model_id)
    write_run_predictions(out, rows, labels)


# ---------------------------------------------------------------------------
def _hydra_main(cfg: DictConfig) -> float | None:
    from hydra.core.hydra_config import HydraConfig

    from framing.corpus_contract import CorpusError
    from framing.splits import SplitError
    from framing.tasks import TaskError

    out_dir = HydraConfig.get().runtime.output_dir
    try:
        metrics = run(cfg, out_dir)
    except (
        ConfigError,
        CorpusError,
        OutputDirError,
        TaskError,
        SplitError,
        FileNotFoundError,
        MissingExtra,
    ) as exc:
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
