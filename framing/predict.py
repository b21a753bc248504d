"""``framing predict``: the command line over :func:`framing.inference.predict_files`.

The pieces live in their own modules, and their public names are importable from here
too: the model object (:mod:`framing.framing_model`: :func:`load_model`,
:class:`FramingModel`), the engine (:mod:`framing.engine`: :class:`Predictor`), the
file loop (:mod:`framing.inference`: :func:`predict_files`), the Python API
(:mod:`framing.analyze`: :func:`analyze_articles`) and the prediction file format with
its writer and reader (:mod:`framing.predictions`); the output rows are described there.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import Any

from framing.analyze import analyze_articles
from framing.engine import ArticleFailure, ArticleResult, Predictor, parse_shard, shard_of
from framing.framing_model import (
    DEFAULT_BATCH_SIZE,
    FramingModel,
    ModelVersionWarning,
    load_model,
    package_version,
)
from framing.inference import PredictStats, iter_input, predict_files, split_models
from framing.io import DeferSignals, ErrorLog, error_file
from framing.labels import decide
from framing.prediction_writer import CHUNK_ARTICLES, CHUNK_SECONDS, OutputWriter
from framing.predictions import (
    KEY_FIELDS,
    OUTPUT_SUFFIXES,
    PARQUET_ROW_GROUP,
    PredictError,
    iter_prediction_rows,
    load_predictions,
    output_fields,
    prediction_columns,
    prediction_schema,
)
from framing.subcommand import add_command

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "KEY_FIELDS",
    "OUTPUT_SUFFIXES",
    "PARQUET_ROW_GROUP",
    "ArticleFailure",
    "ArticleResult",
    "DeferSignals",
    "ErrorLog",
    "FramingModel",
    "ModelVersionWarning",
    "OutputWriter",
    "PredictError",
    "PredictStats",
    "Predictor",
    "add_cli",
    "analyze_articles",
    "cmd_predict",
    "decide",
    "error_file",
    "iter_input",
    "iter_prediction_rows",
    "load_model",
    "load_predictions",
    "output_fields",
    "package_version",
    "parse_shard",
    "predict_files",
    "prediction_columns",
    "prediction_schema",
    "shard_of",
    "split_models",
]
log = logging.getLogger(__name__)


def add_cli(subparsers: Any) -> None:
    from framing.subcommand import add_input_arguments

    p = add_command(subparsers, "predict", cmd_predict)
    p.add_argument(
        "--model",
        action="append",
        required=True,
        metavar="RUN_OR_MODEL_DIR",
        help="a run folder (with model/) or a model folder; repeat for stance + framing",
    )
    p.add_argument(
        "--input",
        nargs="+",
        required=True,
        metavar="PATH",
        help="files or folders of articles (formats: see --format)",
    )
    p.add_argument(
        "-o", "--output", required=True, help="predictions file: .jsonl, .csv or .parquet"
    )
    p.add_argument(
        "--summary",
        metavar="FILE",
        help="also write per-article summaries: .csv or .json "
        "(a CSV with both tasks: FILE for stance, FILE's stem + _frames.csv for frames)",
    )
    p.add_argument(
        "--summary-net",
        choices=("label", "probability"),
        default="label",
        help="the summary's net stance: 'label' gives net_stance = (n_positive - n_negative) / n "
        "only; 'probability' adds net_stance_probability = mean(p_positive - p_negative)",
    )
    p.add_argument(
        "--keep-not-actor",
        action="store_true",
        help="also predict the pairs whose every mention is judged not the actor "
        '("Russian" the language, "Moscow" the venue), flagged sense=not_actor '
        "(left out by default; counted in --summary only with this option)",
    )
    p.add_argument(
        "--actors",
        metavar="YAML",
        help="actor config to find pairs with instead of the one saved with the model",
    )
    p.add_argument(
        "--pair-detector",
        metavar="DIR",
        help="a trained pair detector (framing train-pair-detector): adds the pairs it finds "
        "after the rules, with how=model in their evidence (off by default)",
    )
    p.add_argument(
        "--shard",
        metavar="I/N",
        help="keep only the articles with crc32(id) %% N == I (for array jobs)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="skip articles already in the output and append to it",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help=f"(sentence, actor) pairs per model call (default {DEFAULT_BATCH_SIZE})",
    )
    p.add_argument(
        "--chunk",
        type=int,
        default=CHUNK_ARTICLES,
        metavar="ARTICLES",
        help="articles per durable commit: a kill (even -9) loses at most this many "
        f"(default {CHUNK_ARTICLES}, or {CHUNK_SECONDS:.0f} s of work)",
    )
    add_input_arguments(p)
    p.add_argument(
        "--targets-from",
        metavar="FIELD",
        help="JSONL/CSV field with each record's stance targets (names, or spans from/to in "
        "its text) instead of the actor lexicon's mentions: apply a model to a public set",
    )
    p.add_argument(
        "--no-progress", action="store_true", help="no progress bar (default: on a terminal)"
    )


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def cmd_predict(args: argparse.Namespace) -> int:
    """predict stance and/or frames for new articles with saved models

    Run saved models over new articles (clean → split → match as in training). Give a stance
    model, a framing model or one of each.
    """
    from framing.readers import Columns

    columns = Columns.from_args(args)
    previous_term = None
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        # an array job's time limit (SIGTERM) ends the run like Ctrl-C: resumable output
        previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    logging.captureWarnings(True)
    try:
        stats = predict_files(
            args.input,
            args.output,
            args.model,
            summary=args.summary,
            summary_net=args.summary_net,
            shard=args.shard,
            resume=args.resume,
            batch_size=args.batch_size,
            fmt=args.format,
            columns=columns,
            progress=False if args.no_progress else None,
            chunk_articles=args.chunk,
            targets_from=args.targets_from,
            keep_not_actor=args.keep_not_actor,
            actors=args.actors,
            pair_detector=args.pair_detector,
        )
    except KeyboardInterrupt:
        return 130
    except (PredictError, FileNotFoundError, ValueError) as exc:
        log.error("%s", exc)
        return 2
    finally:
        logging.captureWarnings(False)
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
    return 0 if stats.articles_in_output or not stats.errors else 1


if __name__ == "__main__":  # pragma: no cover
    from framing.cli import main

    sys.exit(main(["predict", *sys.argv[1:]]))
