"""How a module adds its ``framing`` sub-command (see :mod:`framing.cli`)."""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable
from typing import Any


def add_command(
    subparsers: Any, name: str, handler: Callable[[argparse.Namespace], int | None]
) -> argparse.ArgumentParser:
    """Add the sub-command ``name``, run by ``handler(args)`` (which returns the exit
    code), to ``subparsers``; returns its parser, for the arguments.

    The handler's docstring is the command's text, as click takes it: its first
    paragraph the one-line ``help`` in ``framing --help``, the rest the ``description``
    of ``framing NAME --help`` (argparse re-wraps both)."""
    summary, _, details = (inspect.getdoc(handler) or "").partition("\n\n")
    parser = subparsers.add_parser(
        name, help=" ".join(summary.split()), description=" ".join(details.split()) or None
    )
    parser.set_defaults(func=handler)
    return parser
