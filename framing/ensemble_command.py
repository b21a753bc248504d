"""``framing ensemble``: saved models averaged into one saved model.

Two fine-tunes of different recipes or seeds, trained in separate runs, become one model
folder that ``framing predict``, ``framing check``, ``framing evaluate-pipeline`` and
``load_model`` read like any other: :class:`framing.models.ensemble.EnsembleModel` averages
the members' class probabilities (optionally weighted), each member scoring with its own
input format and temperature. The folder is self-contained (the members are copied in)
and written under a temporary name, then renamed, so an interrupted run leaves no
half-written model behind.

The manifest's actor config (used by ``framing predict`` to find the mentions) is the
first member's; members whose actor configs differ are allowed, with a warning, because
the ensemble only sees the mentions the first config finds.

    framing ensemble runs/joint runs/joint_war -o runs/joint_plus_war
    framing ensemble runs/a runs/b runs/c --weights 2 1 1 -o runs/abc
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from framing.io import atomic_folder
from framing.models.safe_load import ModelFolderError
from framing.subcommand import add_command

log = logging.getLogger("framing.ensemble")


def build_ensemble(
    members: list[str | Path],
    output: str | Path,
    *,
    weights: list[float] | None = None,
    name: str | None = None,
) -> Path:
    """Average the saved models (model or run folders) ``members`` and save the ensemble to
    ``output`` (a new or empty folder); returns the model folder. Bad members, weights or
    an occupied ``output`` raise ``ValueError`` / :class:`ModelFolderError` with one line."""
    from framing.models import read_manifest, resolve_model_dir, save_model
    from framing.models.ensemble import EnsembleModel

    output = Path(output)
    # the folder is claimed first: an occupied output fails before the members load
    with atomic_folder(output) as staging:
        if len(members) < 2:
            raise ValueError("an ensemble needs at least two saved models")
        folders = [resolve_model_dir(m) for m in members]
        manifests = [read_manifest(f) for f in folders]
        first = manifests[0]
        for folder, manifest in zip(folders[1:], manifests[1:], strict=True):
            if manifest.get("actors") != first.get("actors"):
                log.warning(
                    "%s: its actor config differs from %s's; the ensemble finds mentions with "
                    "the first member's",
                    folder,
                    folders[0],
                )
        ensemble = EnsembleModel.from_saved(folders, weights=weights, name=name or output.name)
        save_model(
            ensemble,
            staging,
            actors=first.get("actors") or {},
            splitter=first.get("input_format", {}).get("splitter", ""),
            n_train=int(first.get("n_train_examples") or 0),
            extra={"data": first.get("data"), "seed": first.get("seed")},
        )
    return output


def add_cli(subparsers: Any) -> None:
    p = add_command(subparsers, "ensemble", cmd_ensemble)
    p.add_argument("models", nargs="+", help="saved model or run folders (two or more)")
    p.add_argument("-o", "--output", required=True, help="new folder for the ensemble")
    p.add_argument(
        "--weights",
        nargs="+",
        type=float,
        help="one weight per model, in order (default: equal)",
    )
    p.add_argument("--name", help="the ensemble's name (default: the output folder's)")


def cmd_ensemble(args: argparse.Namespace) -> int:
    """average saved models into one saved model

    Saves an ensemble of two or more saved models (run or model folders) that averages
    their class probabilities, optionally weighted, into a new self-contained model
    folder; use it wherever a model folder is taken (predict, check,
    evaluate-pipeline)."""
    try:
        out = build_ensemble(args.models, args.output, weights=args.weights, name=args.name)
    except (ValueError, FileNotFoundError, ModelFolderError) as exc:
        log.error("%s", exc)
        return 2
    log.info("saved the ensemble of %d models to %s", len(args.models), out)
    print(out)
    return 0
