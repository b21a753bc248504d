"""The experiment runner: ``run(cfg, out_dir)`` and the Hydra app ``framing-run``.

``run`` takes its output folder explicitly, so it can be called without a live
HydraConfig (tests, notebooks). A run folder holds:

* ``config.yaml``            the resolved config (Hydra adds ``.hydra/`` too);
* ``metrics.json``           pooled out-of-fold metrics with a bootstrap interval,
                             per fold, mean ± sd over folds, subsets;
* ``predictions.jsonl/.csv`` one row per example in the prediction format of
                             :mod:`framing.predictions` (run rows: with gold and fold);
* ``confusion_matrix.png``;
* ``reliability_diagram.png/.svg`` accuracy against confidence per bin (single-label);
                             ``metrics.json`` carries the ECE under ``calibration``;
* ``model/``                 the model refit on all training data, with its manifest
                             and model card (``README.md``);
* ``metrics.json`` → ``end_to_end``: a stance run on a corpus scored end to end on the
  raw articles of every held-out set it never trained on (:mod:`framing.end_to_end`).
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
from framing.config_schema import override_type_error, register_schema
from framing.environment import describe_environment, device, utc_now
from framing.examples import columns
from framing.extras import MissingExtra
from framing.io import OutputDirError, atomic_write, ensure_writable_dir
from framing.labels import decide
from framing.mixing import add_training, is_multi_source, load_sources
from framing.resources import CONFIG_DIR
from framing.sources import ConfigError, load_examples, resolve_path
from framing.stages import run_stages, score_test_sets
from framing.validation_data import load_validation

log = logging.getLogger("framing.run")
register_schema()  # tests and notebooks that compose the config get the types too
__all__ = ["CONFIG_DIR", "ConfigError", "load_examples", "resolve_path", "run"]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    os.environ["PYTHONHASHSEED"] = str(seed)
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)


def instantiate_model(cfg: DictConfig, task: str, labels: list[str], multilabel: bool):
    from hydra.utils import instantiate

    try:
        return instantiate(
            cfg.model, task=task, labels=labels, multilabel=multilabel, _convert_="all"
        )
    except Exception as exc:  # Hydra wraps the real cause
        cause = exc.__cause__ or exc
        raise ConfigError(f"model {cfg.model.get('name', '?')!r} cannot be built: {cause}") from exc


# ---------------------------------------------------------------------------
def run(cfg: DictConfig, out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Run one experiment described by ``cfg`` and write everything to ``out_dir``."""
    from tqdm.auto import tqdm

    from framing.actors import ActorLexicon
    from framing.calibration import fold_calibration, write_calibration
    from framing.checks.command import checks_metrics
    from framing.end_to_end import end_to_end_metrics
    from framing.evaluation import (
        aggregate_folds,
        classification_metrics,
        multilabel_metrics,
        subset_metrics,
    )
    from framing.models import save_model
    from framing.plots import plot_confusion
    from framing.segment import Segmenter
    from framing.splits import make_folds

    started = time.perf_counter()
    environment = describe_environment()  # the code and machine as the run starts
    check_config(cfg)  # one line per bad value, before anything is loaded
    out = ensure_writable_dir(out_dir)
    with atomic_write(out / "config.yaml") as fh:
        fh.write(OmegaConf.to_yaml(cfg, resolve=True))
    if cfg.get("stages"):  # a multi-stage recipe: one run per stage (framing.stages)
        return run_stages(cfg, out)
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

    sources_report, extra = None, None
    if is_multi_source(cfg.data):
        examples, test_sets, extra, sources_report = load_sources(
            cfg.data, task, labels, multilabel, segmenter, int(cfg.seed)
        )
    else:
        examples, test_sets = load_examples(cfg.data, task, labels, multilabel, segmenter)
    folds, examples, refit_idx = make_folds(
        cfg, examples, test_sets, segmenter, task, labels, multilabel
    )
    folds, examples, refit_idx = add_training(folds, examples, refit_idx, extra)
    validation = load_validation(cfg, task, labels, multilabel, segmenter)
    fit_options = {} if validation is None else {"validation": validation}
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
    model, trained_on = None, None
    for fold in tqdm(folds, desc=f"{cfg.model.get('name')} folds", unit="fold", disable=None):
        if trained_on is None or not np.array_equal(fold.train, trained_on):
            model = instantiate_model(cfg, task, labels, multilabel)
            try:
                model.fit(examples.select(fold.train), **fit_options)
            except ValueError as exc:
                raise ConfigError(
                    f"model {cfg.model.get('name')!r} failed to train on fold {fold.index}: {exc}"
                ) from exc
            trained_on = fold.train  # several test sets of one training set: trained once
        if np.array_equal(np.sort(fold.train), np.sort(refit_idx)):
            reusable = model
        proba = model.predict_proba(examples.select(fold.test))
        proba_all[fold.test] = proba
        fold_of[fold.test] = fold.index
        temperature_of[fold.test] = getattr(model, "temperature", 1.0)
        pred = decide(proba, labels, multilabel)
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
        if fold.name:
            fm["test_set"] = fold.name
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
        "status": "complete",
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
    if any(f.name for f in folds):  # cross-dataset test sets, each scored on its own
        metrics["test_sets"] = {fm["test_set"]: fm for fm in fold_metrics}
    if sources_report is not None:
        metrics["sources"] = sources_report
    if task == "stance" and not multilabel:
        metrics["subsets"] = subset_metrics(
            cols, scored, gold_scored, pred_all, labels, n_boot=n_boot, seed=int(cfg.seed)
        )

    _write_predictions(
        out,
        examples,
        scored,
        proba_all,
        pred_all,
        fold_of,
        task,
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

    extra_tests = cfg.get("eval", {}).get("test_data")
    if cfg.get("save_model", True) or extra_tests:
        final = reusable
        if final is None:
            final = instantiate_model(cfg, task, labels, multilabel)
            final.fit(examples.select(refit_idx), **fit_options)
    if extra_tests:  # eval.test_data: the final model scored on further test sets
        if multilabel:
            raise ConfigError("eval.test_data is supported for single-label tasks")
        metrics.setdefault("test_sets", {}).update(
            score_test_sets(cfg, final, task, labels, segmenter)
        )
    if cfg.get("save_model", True):
        save_model(
            final,
            out / "model",
            actors=actors_cfg,
            splitter=splitter,
            n_train=len(refit_idx),
            extra={"data": str(cfg.data.get("name")), "seed": int(cfg.seed)},
        )
    metrics.update(checks_metrics(cfg, out))  # eval.checks=true: behavioural checks of model/
    metrics.update(end_to_end_metrics(cfg, out))  # eval.end_to_end: raw test articles → pairs
    metrics["wall_seconds"] = round(time.perf_counter() - started, 2)
    metrics["environment"] = {**environment, "device": device()}  # a model may have used a GPU
    with atomic_write(out / "metrics.json") as fh:
        json.dump(metrics, fh, indent=2)
    if (out / "model" / "manifest.json").is_file():
        from framing.model_card import write_card

        write_card(out / "model")  # the card again, now with the run's scores
    log.info("%s %s: macro-F1 %.3f -> %s", task, cfg.model.get("name"), overall["macro_f1"], out)
    return metrics


def _write_predictions(
    out: Path, examples, scored, proba, pred, fold_of, task, labels, model_id
) -> None:
    from framing.predictions import (
        RUN_EXAMPLE_COLUMNS,
        run_fields,
        run_rows,
        write_run_predictions,
    )

    data = columns(examples, RUN_EXAMPLE_COLUMNS)
    rows = run_rows(data, scored, proba, pred, fold_of, task, labels, model_id)
    write_run_predictions(out, rows, run_fields(task, labels))


# ---------------------------------------------------------------------------
def _hydra_main(cfg: DictConfig) -> float | None:
    from hydra.core.hydra_config import HydraConfig

    from framing.corpus_contract import CorpusError
    from framing.splits import SplitError
    from framing.tasks import TaskError

    out_dir = HydraConfig.get().runtime.output_dir
    started_at = utc_now()
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
        mark_failed(out_dir, exc, started_at)
        print(f"framing-run: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except BaseException as exc:  # a bug, an interrupt, out of memory: the folder says so
        mark_failed(out_dir, exc, started_at)
        raise
    return float(metrics["headline"]["value"])


def mark_failed(out_dir: str | os.PathLike[str], exc: BaseException, started_at: str) -> None:
    """Write ``metrics.json`` with ``status: failed`` and the error into a run folder whose
    run stopped, so ``framing compare`` skips it with a warning instead of tripping on it."""
    record = {
        "status": "failed",
        "error": f"{type(exc).__name__}: {exc}",
        "environment": describe_environment(started_at),
    }
    try:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        with atomic_write(out / "metrics.json") as fh:
            json.dump(record, fh, indent=2)
    except OSError as err:  # an unwritable output folder: the error itself says it
        log.warning("%s: cannot mark the run as failed (%s)", out_dir, err)


def main() -> None:
    import hydra

    register_schema()
    problem = override_type_error(sys.argv[1:])
    if problem:
        print(f"framing-run: error: {problem}", file=sys.stderr)
        raise SystemExit(2)
    app = hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")(
        _hydra_main
    )
    app()


if __name__ == "__main__":
    main()
