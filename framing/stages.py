"""Multi-stage recipes and extra test sets of a run's final model.

* :func:`score_test_sets` — ``eval.test_data`` (the same shapes as ``split.test_data``:
  one data config, a list, or ``{name: data config}``): the model refit on all the
  run's training data is scored on each, reported under ``test_sets`` in
  ``metrics.json``. A data config may hold ``test_set: NAME`` to keep only the articles
  of one of a corpus's held-out sets (``fixed``, or a test-only set such as
  ``realistic``).
* :func:`run_stages` — a config with ``stages`` (``{stage name: config overrides}``)
  runs one experiment per stage, in order, each in ``<run>/<stage>/``; a stage with
  ``init_from_stage: NAME`` fine-tunes from the model stage ``NAME`` saved
  (``model.init_from``, see :mod:`framing.models.init_from`). ``stages.json`` and
  ``stages.md`` put every stage's scores side by side.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from framing.io import atomic_write
from framing.sources import ConfigError, load_examples, named_test_data

log = logging.getLogger("framing.run")


def _only_test_set(examples: Any, tests: Any, name: str, where: str) -> Any:
    """The examples of the held-out set ``name`` (tests: a list of fixed ids or a mapping)."""
    sets = tests if isinstance(tests, Mapping) else {"fixed": list(tests or ())}
    if name not in sets:
        raise ConfigError(
            f"{where}.test_set {name!r}: the data has no such test set ({', '.join(sets) or 'none'})"
        )
    keep = set(sets[name])
    return examples.select([i for i, a in enumerate(examples["article_id"]) if a in keep])


def score_test_sets(
    cfg: DictConfig, model: Any, task: str, labels: list[str], segmenter: Any
) -> dict[str, dict[str, Any]]:
    """``{test set: metrics}`` of ``model`` on ``eval.test_data`` (``{}`` when unset)."""
    from framing.evaluation import classification_metrics
    from framing.examples import columns
    from framing.labels import decide

    test_data = cfg.get("eval", {}).get("test_data")
    if not test_data:
        return {}
    out = {}
    for where, tcfg in named_test_data(test_data, "eval", "eval.test_data").items():
        if not tcfg.get("format"):
            raise ConfigError(f"{where}.format is not set")
        examples, tests = load_examples(tcfg, task, labels, False, segmenter)
        if tcfg.get("test_set"):
            examples = _only_test_set(examples, tests, str(tcfg["test_set"]), where)
        name = str(tcfg.get("name") or where)
        if not len(examples):
            raise ConfigError(f"{where}: no examples to score")
        pred = decide(model.predict_proba(examples), labels, False)
        c = columns(examples, ["label", "actor"])
        out[name] = classification_metrics(
            c["label"],
            pred,
            labels,
            c["actor"],
            n_boot=int(cfg.get("n_boot", 1000)),
            seed=int(cfg.seed),
        )
        log.info("%s: macro-F1 %.3f on %d examples", name, out[name]["macro_f1"], len(examples))
    return out


def run_stages(cfg: DictConfig, out: Path) -> dict[str, Any]:
    """Run every stage of ``cfg.stages`` in order; returns the last stage's metrics with
    ``stages`` (every stage's scores) added."""
    from framing.run import run

    stages = OmegaConf.to_container(cfg.stages, resolve=False)
    if not isinstance(stages, Mapping) or not stages:
        raise ConfigError("stages must map stage names to config overrides")
    base = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "stages"])
    saved: dict[str, Path] = {}
    table: dict[str, Any] = {}
    metrics: dict[str, Any] = {}
    for name, overrides in stages.items():
        overrides = dict(overrides or {})
        source = overrides.pop("init_from_stage", None)
        stage_cfg = OmegaConf.merge(base, overrides)
        if source is not None:
            if source not in saved:
                raise ConfigError(
                    f"stages.{name}.init_from_stage {source!r} is not an earlier stage"
                )
            stage_cfg.model.init_from = str(saved[source])
        metrics = run(stage_cfg, out / name)
        if stage_cfg.get("save_model", True):
            saved[name] = (out / name / "model").resolve()
        table[name] = {
            "data": metrics["data"],
            "split": metrics["split"],
            "init_from_stage": source,
            "headline": metrics["headline"],
            "test_sets": {k: _scores(v) for k, v in metrics.get("test_sets", {}).items()},
        }
    with atomic_write(out / "stages.json") as fh:
        json.dump(table, fh, indent=2)
    with atomic_write(out / "stages.md") as fh:
        fh.write(stages_markdown(table))
    return {**metrics, "stages": table}


def _scores(m: Mapping[str, Any]) -> dict[str, Any]:
    return {k: m[k] for k in ("macro_f1", "accuracy", "f1_pn", "n") if k in m}


def stages_markdown(table: Mapping[str, Any]) -> str:
    """Stages as rows; the headline and every test set's macro-F1 as columns."""
    sets = sorted({s for row in table.values() for s in row["test_sets"]})
    head = ["stage", "trained on", "from", "headline macro-F1", *sets]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in table.items():
        cells = [name, f"{row['data']} ({row['split']})", row["init_from_stage"] or "—"]
        cells.append(f"{row['headline']['value']:.3f}")
        for s in sets:
            v = row["test_sets"].get(s, {}).get("macro_f1")
            cells.append("—" if v is None else f"{v:.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
