"""How a module adds its ``framing`` sub-command (see :mod:`framing.cli`), and the
input options shared by the sub-commands that read articles."""

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


def add_input_arguments(parser: Any) -> None:
    """The input format and JSONL/CSV field options of commands that read articles
    (:mod:`framing.readers`)."""
    from framing.csv_records import MODES as CSV_MODES
    from framing.readers import Columns, format_names

    parser.add_argument(
        "--format",
        choices=format_names(),
        help="input format (default: by extension; a folder: that format's files only, "
        "which is how a folder's .json files are read)",
    )
    parser.add_argument(
        "--csv-mode",
        choices=CSV_MODES,
        default="strict",
        help="CSV records with a broken quote or a wrong cell count: strict reports them "
        "(file:line) and keeps the rest; lenient reads a stray quote as text and pads short "
        "rows (default: strict)",
    )
    parser.add_argument(
        "--csv-delimiter",
        metavar="CHAR",
        help="CSV column separator (default: tab for .tsv, else the one of , ; tab | that the "
        "header line uses most)",
    )
    parser.add_argument(
        "--encoding",
        default="utf-8",
        help="encoding of .txt, JSONL and CSV input, e.g. cp1252 for Windows exports "
        "(default: utf-8; HTML pages declare their own)",
    )
    fields = Columns()
    for name, what in (
        ("id", "the article id"),
        ("text", "the text"),
        ("title", "the title"),
        ("source", "the source"),
        ("date", "the date"),
        ("url", "the URL"),
    ):
        default = getattr(fields, name)
        parser.add_argument(
            f"--{name}-field",
            default=default,
            help=f"JSONL/CSV field holding {what} (default: {default}; a member of a nested "
            f"JSON object with dots, e.g. source.name)",
        )
