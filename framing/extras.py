"""Optional dependencies, installed through extras (``pip install "framing[html]"``).

The core (segmenting, the scikit-learn and transformer models, ``framing-run``,
``framing predict`` on text, JSONL and CSV) needs none of them; a part that does
imports its package through :func:`require`, which turns a missing package into one
line naming the extra to install. ``framing[dev]`` (the README's quick start) pulls
every extra.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """An optional package is not installed (the message names the extra)."""


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module`` for ``what``, or raise :class:`MissingExtra` naming ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        if exc.name is not None and exc.name.split(".")[0] != top:
            raise  # the package is there but broken: show the real error
        raise MissingExtra(
            f'{what} needs the optional package {top!r}: pip install "framing[{extra}]"'
        ) from None
