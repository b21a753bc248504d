"""Several data sources in one run: a target source plus extra training sources.

A data config with a ``sources`` mapping names each source (its own ``format`` and
``path``, as a plain data config) and ``target``, the source the run's split works on::

    name: syria_newsmtsc
    target: syria
    sources:
      syria:    {format: corpus, path: data/syria}
      newsmtsc: {format: newsmtsc, path: ???, weight: 0.5, split: all,
                 label_map: {}}

The grouped CV / held-out test / cross-dataset test stay on the target source; every
other source only adds training examples to each fold and to the final refit. Per
extra source:

* ``weight``    an **oversampling factor** (not a loss weight), so every model honours
  it: each example is used ``floor(weight)`` times, plus a seeded random share
  ``weight - floor(weight)`` once more (``0.5`` = a random half, ``2`` = twice);
* ``label_map`` ``{source label: task label}``, applied before training; examples whose
  label maps to ``null`` (or is not a task label) are dropped, with a count in the log;
* ``split``     which of the source's examples train: ``all`` (default) or ``train``
  (a corpus source without its own held-out test articles, so they never leak);
* ``min_actors``  keep only examples whose sentence has at least this many actors or
  targets (the example's ``n_actors``), e.g. ``2`` to add NewsMTSC's multi-target
  sentences once more, as the test-mt file holds only such sentences.

Extra examples get their source's name before their article id (``newsmtsc:…``), so no
group is shared with the target. ``metrics.json`` lists every source under ``sources``
with the number of examples it trained on.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from framing.config_checks import is_int
from framing.sources import ConfigError, load_examples

log = logging.getLogger("framing.run")
EXTRA_SPLITS = ("all", "train")


def is_multi_source(data_cfg: Mapping[str, Any]) -> bool:
    return bool(data_cfg.get("sources"))


def target_source(data_cfg: Mapping[str, Any]) -> Mapping[str, Any]:
    """The data config of the source the run's split works on (``data.target``)."""
    return data_cfg["sources"][_target_name(data_cfg)]


def _target_name(data_cfg: Mapping[str, Any]) -> str:
    sources = data_cfg["sources"]
    target = data_cfg.get("target")
    if target is None and len(sources) == 1:
        target = next(iter(sources))
    if target not in sources:
        raise ConfigError(
            f"data.target {target!r} is not one of data.sources ({', '.join(sources)})"
        )
    return str(target)


def oversample(n: int, weight: float, seed: int) -> np.ndarray:
    """Indices ``0..n-1``, each ``floor(weight)`` times plus a seeded share once more."""
    if weight < 0 or not math.isfinite(weight):
        raise ConfigError(f"a source weight must be a finite number ≥ 0, got {weight}")
    whole = int(math.floor(weight))
    rest = int(round((weight - whole) * n))
    extra = np.sort(np.random.default_rng(seed).permutation(n)[:rest])
    return np.concatenate([np.tile(np.arange(n), whole), extra]).astype(int)


def _relabel(examples: Any, name: str, label_map: Mapping[str, Any], labels: list[str]) -> Any:
    mapping = {str(k): (None if v is None else str(v)) for k, v in label_map.items()}
    new = [mapping.get(lab, lab) for lab in examples["label"]]
    keep = [i for i, lab in enumerate(new) if lab in labels]
    if len(keep) < len(new):
        log.info(
            "source %s: %d example(s) without a task label dropped", name, len(new) - len(keep)
        )
    examples = examples.remove_columns("label").add_column("label", new)
    return examples.select(keep)


def load_sources(
    data_cfg: Mapping[str, Any],
    task: str,
    labels: list[str],
    multilabel: bool,
    segmenter: Any,
    seed: int,
) -> tuple[Any, Any, Any, list[dict[str, Any]]]:
    """``(target examples, target test ids/sets, extra training examples, source report)``.

    The extra examples are ``None`` when only the target is given."""
    from datasets import concatenate_datasets

    target = _target_name(data_cfg)
    sources = data_cfg["sources"]
    examples, tests = load_examples(
        {"name": target, **sources[target]},
        task,
        labels,
        multilabel,
        segmenter,
        key=f"data.sources.{target}",
    )
    report = [{"name": target, "role": "target", "n_examples": len(examples)}]
    extras = []
    for k, (name, cfg) in enumerate(sources.items()):
        if name == target:
            continue
        if multilabel:
            raise ConfigError("data.sources: extra sources are supported for single-label tasks")
        ex, ex_tests = load_examples(
            {"name": name, **cfg}, task, labels, multilabel, segmenter, key=f"data.sources.{name}"
        )
        split = str(cfg.get("split", "all"))
        if split not in EXTRA_SPLITS:
            raise ConfigError(
                f"data.sources.{name}.split {split!r}: choose {', '.join(EXTRA_SPLITS)}"
            )
        if split == "train":
            held = _held_out_ids(ex_tests)
            ex = ex.select([i for i, a in enumerate(ex["article_id"]) if a not in held])
        min_actors = _min_actors(cfg.get("min_actors"), name)
        if min_actors > 1:
            ex = ex.select([i for i, n in enumerate(ex["n_actors"]) if n >= min_actors])
        ex = _relabel(ex, name, cfg.get("label_map") or {}, labels)
        weight = float(cfg.get("weight", 1.0))
        ex = ex.select(oversample(len(ex), weight, seed + k))
        ex = ex.map(lambda r, n=name: {"article_id": f"{n}:{r['article_id']}"})
        if len(ex):
            extras.append(ex.cast(examples.features))
        entry = {"name": name, "role": "train", "weight": weight, "split": split}
        if min_actors > 1:
            entry["min_actors"] = min_actors
        report.append({**entry, "n_examples": len(ex)})
        log.info("source %s: %d training example(s) (weight %g)", name, len(ex), weight)
    extra = concatenate_datasets(extras) if extras else None
    return examples, tests, extra, report


def _min_actors(value: Any, name: str) -> int:
    """``data.sources.NAME.min_actors`` as an int ≥ 1 (``None``: 1, no filter)."""
    if value is None:
        return 1
    if not is_int(value) or value < 1:
        raise ConfigError(f"data.sources.{name}.min_actors must be an integer >= 1, got {value!r}")
    return value


def _held_out_ids(tests: Any) -> set[str]:
    """Every held-out article of a source (a list of ids, or ``{set name: ids}``)."""
    if isinstance(tests, Mapping):
        return {a for ids in tests.values() for a in ids}
    return set(tests or ())


def add_training(folds: list, examples: Any, refit_idx: np.ndarray, extra: Any):
    """Append ``extra`` to ``examples`` and to every fold's training indices and the refit."""
    from datasets import concatenate_datasets

    from framing.splits import Fold

    if extra is None or not len(extra):
        return folds, examples, refit_idx
    n = len(examples)
    more = np.arange(n, n + len(extra))
    combined = concatenate_datasets([examples, extra.cast(examples.features)])
    folds = [Fold(f.index, np.concatenate([f.train, more]), f.test, f.name) for f in folds]
    return folds, combined, np.concatenate([refit_idx, more])
