"""The ``framing`` command: sub-commands for segmenting, validating, predicting, comparing.

Every sub-command lives with the code it runs: each module of :data:`COMMAND_MODULES`
has ``add_cli(subparsers)``, which adds its parser and handler with
:func:`framing.subcommand.add_command` (the handler takes the parsed arguments and
returns the exit code). Adding a sub-command is one ``add_cli`` and one entry here. The Hydra
experiment runner is the separate ``framing-run`` command.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from framing.extras import MissingExtra
from framing.version import package_version

log = logging.getLogger("framing")

COMMAND_MODULES: tuple[str, ...] = (
    "framing.segment",
    "framing.validate",
    "framing.predict",
    "framing.report",
    "framing.compare",
    "framing.checks.command",
    "framing.annotate.cli",
    "framing.end_to_end",
    "framing.pair_detector",
    "framing.ensemble_command",
    "framing.recalibrate",
    "framing.model_card",
    "framing.hub",
)


def setup_logging(verbose: int) -> None:
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(
        level=max(level, logging.DEBUG),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="framing", description="Stance and framing classification of news."
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=1, help="more log output (-vv for debug)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        importlib.import_module(module).add_cli(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(0 if args.quiet else args.verbose)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except MissingExtra as exc:  # an ImportError: one line naming the extra to install
        print(f"framing {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # an OSError: before the one-line error below
        # the reader went away (``framing validate data/syria | head``): stop quietly;
        # point stdout at devnull so the interpreter's final flush does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports it
    except (ValueError, OSError) as exc:  # a bad option or input: one line, not a traceback
        log.debug("details", exc_info=True)
        log.error("%s", exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
