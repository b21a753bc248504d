"""The ``framing`` command: sub-commands for segmenting, validating, predicting, comparing.

The Hydra experiment runner is the separate ``framing-run`` command.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm.auto import tqdm

from framing.io import RecordError, atomic_write, dumps

log = logging.getLogger("framing")
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(
    name: str,
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    def register(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = fn
        return fn

    return register


def setup_logging(verbose: int) -> None:
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(
        level=max(level, logging.DEBUG),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _add_input_options(p: argparse.ArgumentParser) -> None:
    from framing.readers import add_input_arguments

    add_input_arguments(p)
    p.add_argument("--actors", help="actor config YAML (default: configs/actors/syria.yaml)")
    p.add_argument(
        "--splitter", default="sentencex", help="sentence splitter backend (default: sentencex)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="framing", description="Stance and framing classification of news."
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=1, help="more log output (-vv for debug)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("segment", help="clean, split and match articles: one row per sentence")
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="files or folders of articles (txt, jsonl, csv, html)",
    )
    p.add_argument("-o", "--output", required=True, help="output file: .jsonl or .csv")
    _add_input_options(p)

    p = sub.add_parser("validate", help="check a corpus folder against the data contract")
    p.add_argument("corpus", help="corpus folder (articles.jsonl, annotations.jsonl, splits.json)")
    p.add_argument("--stats", action="store_true", help="print the label tables (Markdown)")
    p.add_argument("--actors", help="actor config YAML (default: configs/actors/syria.yaml)")
    p.add_argument("--splitter", default="sentencex")
    p.add_argument("--strict", action="store_true", help="warnings count as problems too (exit 1)")
    p.add_argument(
        "--max-lines", type=int, default=200, help="print at most this many problems (default 200)"
    )

    import importlib

    for module in PLUGIN_MODULES:
        importlib.import_module(module).add_cli(sub)
    return parser


# modules that add their own sub-commands: each has ``add_cli(subparsers)`` and
# sets ``func`` on its parser (``set_defaults(func=handler)``)
PLUGIN_MODULES: tuple[str, ...] = (
    "framing.predict",
    "framing.report",
    "framing.compare",
    "framing.annotate.cli",
)


# ---------------------------------------------------------------------------
def _error_file(output: Path) -> Path:
    return output.with_name(output.name + ".errors.jsonl")


def write_errors(path: Path, errors: list[RecordError]) -> None:
    """Write bad records to ``path``; remove a stale one from an earlier run when there are none."""
    if errors:
        with atomic_write(path) as fh:
            for err in errors:
                fh.write(dumps({"where": err.where, "reason": err.reason}) + "\n")
        log.warning("%d bad record(s) skipped; see %s", len(errors), path)
    elif path.exists():
        path.unlink()


@command("segment")
def cmd_segment(args: argparse.Namespace) -> int:
    from framing.readers import Columns, read_articles
    from framing.segment import Segmenter

    output = Path(args.output)
    kind = output.suffix.lower()
    if kind not in (".jsonl", ".csv"):
        log.error("%s: output must end in .jsonl or .csv", output)
        return 2
    segmenter = Segmenter(args.actors, splitter=args.splitter)
    n_articles = n_sentences = 0
    errors: list[RecordError] = []
    fields = ["article_id", "index", "start", "end", "text", "actors", "mentions"]
    with atomic_write(output) as fh:
        writer = csv.DictWriter(fh, fieldnames=fields) if kind == ".csv" else None
        if writer:
            writer.writeheader()
        bar = tqdm(
            read_articles(args.inputs, fmt=args.format, columns=Columns.from_args(args)),
            unit=" articles",
            desc="segment",
            disable=None,
        )
        for item in bar:
            if isinstance(item, RecordError):
                log.warning("%s", item)
                errors.append(item)
                continue
            seg = segmenter.segment(item)
            for sentence in seg.sentences:
                row = sentence.to_record()
                if writer:
                    row["actors"] = ";".join(row["actors"])
                    row["mentions"] = json.dumps(row["mentions"], ensure_ascii=False)
                    writer.writerow(row)
                else:
                    fh.write(dumps(row) + "\n")
            n_articles += 1
            n_sentences += len(seg.sentences)
            bar.set_postfix(sentences=n_sentences, refresh=False)
    write_errors(_error_file(output), errors)
    log.info("%d articles, %d sentences -> %s", n_articles, n_sentences, output)
    return 0 if n_articles or not errors else 1


@command("validate")
def cmd_validate(args: argparse.Namespace) -> int:
    from framing.corpus import load_corpus
    from framing.labels import task_labels
    from framing.segment import Segmenter
    from framing.validate import corpus_stats, stats_markdown, validate_corpus

    try:
        corpus = load_corpus(args.corpus)
    except FileNotFoundError as exc:
        log.error("%s", exc)
        return 1
    stance_labels, frame_labels = task_labels("stance"), task_labels("framing")
    problems = validate_corpus(
        corpus, Segmenter(args.actors, splitter=args.splitter), stance_labels, frame_labels
    )
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for p in problems[: args.max_lines]:
        print(p)
    if len(problems) > args.max_lines:
        print(f"... and {len(problems) - args.max_lines} more")
    print(
        f"{args.corpus}: {len(corpus.articles)} articles, {len(corpus.annotations)} annotations: "
        f"{len(errors)} error(s), {len(warnings)} warning(s)"
    )
    if args.stats:
        print()
        print(stats_markdown(corpus_stats(corpus, stance_labels, frame_labels), stance_labels))
    return 1 if errors or (args.strict and warnings) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(0 if args.quiet else args.verbose)
    handler = getattr(args, "func", None) or COMMANDS[args.command]
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
