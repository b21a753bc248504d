"""The types of ``framing-run``'s top-level config keys, as a Hydra structured config.

:class:`RunConfig` is stored in Hydra's ConfigStore as ``framing_schema`` and is the
first entry of ``framing/conf/config.yaml``'s defaults list, so the YAML and every override
merge into it: a wrongly typed value stops ``framing-run`` at composition, before a run
folder exists. :func:`override_type_error` checks the command-line overrides of the
typed keys first, so ``framing-run seed=abc`` is one line
(``framing-run: error: seed=abc: Value 'abc' of type 'str' could not be converted to
Integer``); Hydra's own (longer) message covers the rest. The config groups (data, actors, task, model, split) stay
free-form (``Any``): their keys belong to their ``_target_`` or loader, and the value
checks live with the code that reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SCHEMA_NAME = "framing_schema"
TYPED_KEYS = ("seed", "splitter", "n_boot", "save_model", "eval.checks")


@dataclass
class EvalConfig:
    checks: bool = False
    check_suites: Any = None
    test_data: Any = None  # further test sets (sources)
    end_to_end: bool = True  # raw held-out articles scored end to end (wiring)


@dataclass
class RunConfig:
    data: Any = None
    actors: Any = None
    task: Any = None
    model: Any = None
    split: Any = None
    seed: int = 13
    splitter: str = "sentencex"
    n_boot: int = 1000
    save_model: bool = True
    eval: EvalConfig = field(default_factory=EvalConfig)
    # recipe keys: a two-stage recipe's stages (framing.stages) and the public-set folders
    # the benchmark recipes interpolate (experiment=newsmtsc, stance_transfer, semeval2016)
    stages: Any = None
    newsmtsc_dir: Any = None
    semeval_dir: Any = None


def register_schema() -> None:
    """Store :class:`RunConfig` in Hydra's ConfigStore (idempotent)."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name=SCHEMA_NAME, node=RunConfig)


def override_type_error(args: Sequence[str]) -> str | None:
    """The first command-line override of a :data:`TYPED_KEYS` key (every value of a
    sweep) whose value does not fit its type, as one line; ``None`` when all fit.
    Arguments that are not overrides, or that Hydra cannot parse, are left to Hydra."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    parser = OverridesParser.create()
    schema = OmegaConf.structured(RunConfig)
    for arg in args:
        if arg.startswith("-") or "=" not in arg:
            continue
        try:
            (override,) = parser.parse_overrides([arg])
        except Exception:  # Hydra reports its own syntax errors
            continue
        if override.key_or_group not in TYPED_KEYS or override.is_delete():
            continue
        try:
            values = (
                list(override.sweep_iterator())
                if override.is_sweep_override()
                else [override.value()]
            )
        except Exception:
            continue
        for value in values:
            try:
                OmegaConf.update(schema, override.key_or_group, value, merge=True)
            except OmegaConfBaseException as exc:
                return f"{arg}: {str(exc).splitlines()[0]}"
    return None
