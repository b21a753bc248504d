"""``split.validation_data``: the examples a model selects its epoch on.

A benchmark with its own dev files (NewsMTSC's dev-rw and dev-mt) selects the epoch
and fits the transformer's temperature on them, as its paper did, instead of on an
inner split of the training file: ``framing-run experiment=newsmtsc`` names them. Any
split may set it; a model whose ``fit`` takes no ``validation=`` is refused in one line.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from omegaconf import DictConfig

from framing.config_checks import ConfigError
from framing.sources import load_data_sets

log = logging.getLogger("framing.run")


def load_validation(cfg: DictConfig, task, labels, multilabel, segmenter) -> Any:
    """``split.validation_data`` (one data config, a list, or ``{name: data config}``): the
    examples a model that takes ``fit(..., validation=)`` selects its epoch on and fits its
    temperature on (a benchmark's dev files), instead of an inner split of its training
    examples; ``None`` when not set."""
    spec = cfg.split.get("validation_data")
    if not spec:
        return None
    if "validation" not in inspect.signature(_model_fit(cfg)).parameters:
        raise ConfigError(
            f"split.validation_data: model {cfg.model.get('name')!r} cannot use a validation "
            "set (its fit() takes no validation=); leave the setting out"
        )
    from datasets import concatenate_datasets

    setting = "split.validation_data"
    name = str(cfg.split.get("name"))
    parts = list(load_data_sets(spec, name, setting, task, labels, multilabel, segmenter).values())
    validation = concatenate_datasets([parts[0], *(p.cast(parts[0].features) for p in parts[1:])])
    log.info("validation: %d examples from %s", len(validation), setting)
    return validation


def _model_fit(cfg: DictConfig) -> Any:
    """The ``fit`` of the class ``cfg.model._target_`` names, or whose classmethod it
    names (``EnsembleModel.from_config``), for its signature."""
    from hydra.utils import get_object

    target = cfg.model.get("_target_")
    try:
        found = get_object(str(target))
    except Exception as exc:
        raise ConfigError(f"model._target_ {target!r}: {exc}") from exc
    owner = found if isinstance(found, type) else getattr(found, "__self__", None)
    if not isinstance(owner, type):
        raise ConfigError(f"model._target_ {target!r}: not a class or a classmethod of one")
    return owner.fit
