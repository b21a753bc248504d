"""Checks of a run config before anything is loaded: one clear line per bad value.

Hydra and OmegaConf accept any value an override gives (``split.n_splits=2.5``,
``model.window=-3``, ``seed=-1``); :func:`check_config` refuses those the run cannot
use with :class:`ConfigError`, before data or models are read. Keys a config does not
have are not checked (a model without a window has no ``model.window``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf


class ConfigError(ValueError):
    """A config value the run cannot use (reported as one line)."""


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# key → (test, what the value must be); a key missing from the config is skipped
RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "seed": (lambda v: is_int(v) and 0 <= v < 2**32, "an integer from 0 to 2**32 - 1"),
    "n_boot": (lambda v: is_int(v) and v >= 0, "an integer >= 0 (0: no bootstrap)"),
    "split.n_splits": (lambda v: is_int(v) and v >= 2, "an integer >= 2"),
    "model.window": (lambda v: is_int(v) and v >= 0, "an integer >= 0 (0: no window)"),
    "model.max_length": (lambda v: is_int(v) and v >= 8, "an integer >= 8"),
    "model.batch_size": (lambda v: is_int(v) and v >= 1, "an integer >= 1"),
    "model.eval_batch_size": (lambda v: is_int(v) and v >= 1, "an integer >= 1"),
    "model.epochs": (lambda v: _number(v) and v > 0, "a number > 0"),
    "model.learning_rate": (lambda v: _number(v) and v > 0, "a number > 0"),
    "model.C": (lambda v: _number(v) and v > 0, "a number > 0"),
}


def _value(cfg: DictConfig, key: str) -> Any:
    return OmegaConf.select(cfg, key, default=_MISSING, throw_on_missing=False)


_MISSING = object()


def check_config(cfg: DictConfig) -> None:
    """Raise :class:`ConfigError` naming the first config value the run cannot use."""
    from framing.text.sentences import BACKENDS

    for key, (test, what) in RULES.items():
        value = _value(cfg, key)
        if value is not _MISSING and value is not None and not test(value):
            raise ConfigError(f"{key}={value!r}: must be {what}")
    splitter = _value(cfg, "splitter")
    if splitter is not _MISSING and splitter not in BACKENDS:
        raise ConfigError(
            f"splitter={splitter!r}: unknown sentence splitter; choose one of {', '.join(sorted(BACKENDS))}"
        )
    actors = _value(cfg, "actors")
    if not isinstance(actors, DictConfig) or not isinstance(
        _value(cfg, "actors.actors"), DictConfig
    ):
        raise ConfigError(
            f"actors={actors if actors is not _MISSING else None!r}: not an actor config "
            "(choose one of framing/conf/actors/, e.g. actors=syria)"
        )


def check_actors_file(path: str | os.PathLike[str]) -> Path:
    """An actor config file that exists and is readable, or :class:`ConfigError`."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such actors file (an actor config YAML)")
    if not os.access(path, os.R_OK):
        raise ConfigError(f"{path}: actors file not readable")
    return path
