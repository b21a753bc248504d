"""``framing recalibrate``: a saved transformer's temperature refitted on the user's own labels.

A fine-tuned model's temperature is fitted on its inner validation split, which comes
from its training data; on another kind of news it can still be overconfident (on real
Syria war reporting the joint model's top probability averages 0.70 where it is right
54% of the time). Given a few hundred (sentence, actor) pairs the researcher has
labelled in their own articles (an annotated corpus folder and one of its sets), this
fits one more temperature ``T2`` on the model's probabilities for those pairs,
``softmax(log p / T2)`` (:func:`framing.calibration.fit_temperature`), and saves a copy
of the model whose temperature is ``T · T2``. Predicted labels do not change, only how
sure the model says it is; the new folder's manifest records what it was fitted on, with
the ECE before and after on those pairs. Score the calibration on *other* labelled
articles than the ones it was fitted on.

    framing recalibrate --model runs/joint --data my_corpus --set tune -o runs/joint_recal

Single-label transformer models only (``kind: transformer``): the scikit-learn models
have no temperature, and an ensemble is recalibrated by recalibrating its members.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
from pathlib import Path
from typing import Any

from framing.io import atomic_folder
from framing.models.safe_load import ModelFolderError
from framing.subcommand import add_command

log = logging.getLogger("framing.recalibrate")


def labelled_pairs(folder: str | Path, which: str) -> list[tuple[str, str, str]]:
    """(sentence, actor, stance) of every gold pair of ``which`` (``train``, ``test``,
    ``all`` or a held-out set's name) in the annotated corpus ``folder``."""
    from framing.corpus import load_corpus
    from framing.pairs import split_ids

    corpus = load_corpus(Path(folder))
    return corpus.stance_pairs(split_ids(corpus, which))


def recalibrate(
    model_dir: str | Path, data: str | Path, which: str, output: str | Path
) -> dict[str, Any]:
    """Fit the extra temperature on ``data``'s set ``which`` and save the recalibrated copy
    of ``model_dir`` to ``output`` (new or empty); returns what the manifest records."""
    import numpy as np

    from framing import load_model
    from framing.calibration import apply_temperature, expected_calibration_error, fit_temperature
    from framing.model_card import write_card
    from framing.models import MANIFEST, read_manifest, resolve_model_dir

    source = resolve_model_dir(model_dir)
    # the folder is claimed first: an occupied output fails before the slow work
    with atomic_folder(output) as staging:
        manifest = read_manifest(source)
        if manifest["kind"] != "transformer" or manifest.get("multilabel"):
            raise ValueError(
                f"{source}: a {manifest['kind']} model; only single-label transformer models "
                "have a temperature to refit"
            )
        labels = list(manifest["labels"])
        pairs = [p for p in labelled_pairs(data, which) if p[2] in labels]
        if len(pairs) < 20:
            raise ValueError(
                f"{data} ({which}): {len(pairs)} labelled pairs; at least 20 are needed to fit a "
                "temperature"
            )
        model = load_model(source)
        frame = model.predict([p[0] for p in pairs], actors=[p[1] for p in pairs])
        proba = frame[[f"p_{k}" for k in labels]].to_numpy(dtype=float)
        y = np.array([labels.index(p[2]) for p in pairs])
        logp = np.log(np.maximum(proba, np.finfo(float).tiny))
        extra = fit_temperature(logp, y)
        before = float(manifest["model"].get("temperature", 1.0))
        info = {
            "data": str(data),
            "set": which,
            "n_pairs": len(pairs),
            "temperature_before": before,
            "temperature": before * extra,
            "ece_before": expected_calibration_error(y, proba),
            "ece_after": expected_calibration_error(y, apply_temperature(logp, extra)),
        }
        shutil.copytree(source, staging, dirs_exist_ok=True)
        manifest["model"]["temperature"] = info["temperature"]
        manifest["recalibration"] = info
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        write_card(staging)  # the model card says it was recalibrated, on what
    return info


def add_cli(subparsers: Any) -> None:
    p = add_command(subparsers, "recalibrate", cmd_recalibrate)
    p.add_argument("--model", required=True, help="saved transformer model or run folder")
    p.add_argument("--data", required=True, help="annotated corpus folder with your labels")
    p.add_argument(
        "--set",
        default="all",
        help="which of its articles: train, test, all (default) or a held-out set's name",
    )
    p.add_argument("-o", "--output", required=True, help="new folder for the recalibrated copy")


def cmd_recalibrate(args: argparse.Namespace) -> int:
    """refit a saved transformer's temperature on your own labelled pairs

    Fits one more temperature on the model's stance probabilities for the gold pairs of
    an annotated corpus (your articles) and saves a copy of the model with it: the same
    labels, probabilities calibrated to your news. Measure the result on other articles
    than those it was fitted on."""
    try:
        info = recalibrate(args.model, args.data, args.set, args.output)
    except (ValueError, FileNotFoundError, ModelFolderError) as exc:
        log.error("%s", exc)
        return 2
    print(
        f"{args.output}: temperature {info['temperature_before']:.3f} -> "
        f"{info['temperature']:.3f} on {info['n_pairs']} pairs of {args.data} ({args.set}); "
        f"ECE there {info['ece_before']:.3f} -> {info['ece_after']:.3f}"
    )
    return 0
