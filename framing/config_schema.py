"""The types of ``framing-run``'s top-level config keys, as a Hydra structured config.

:class:`RunConfig` is stored in Hydra's ConfigStore as ``framing_schema`` and is the
first entry of ``configs/config.yaml``'s defaults list, so the YAML and every override
merge into it: ``framing-run seed=abc`` stops at composition with one message naming
the key and the type (``Value 'abc' of type 'str' could not be converted to Integer``)
before a run folder exists. The config groups (data, actors, task, model, split) stay
free-form (``Any``): their keys belong to their ``_target_`` or loader, and the value
checks live with the code that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_NAME = "framing_schema"


@dataclass
class EvalConfig:
    checks: bool = False
    check_suites: Any = None


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


def register_schema() -> None:
    """Store :class:`RunConfig` in Hydra's ConfigStore (idempotent)."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name=SCHEMA_NAME, node=RunConfig)
