"""Average the weights of fine-tuned transformer models ("model soup", Wortsman et al. 2022).

    python benchmarks/model_soup.py RUN_OR_MODEL RUN_OR_MODEL [...] -o OUT

Each argument is a run folder (its ``model/`` is used) or a saved transformer model folder
(``manifest.json`` of kind ``transformer``). The models must share one recipe: the same
architecture, tensor names and shapes, labels and input format (e.g. seeds of one
``framing-run`` command). ``OUT`` gets a copy of the first model whose
``model.safetensors`` holds the element-wise mean of every member's tensors and whose
temperature is the mean of theirs; it loads like any saved model (``framing predict --model
OUT``, ``benchmarks/newsmtsc.py --evaluate OUT``). Unlike ``framing ensemble``, which
averages the members' probabilities and runs every member, a soup runs one model.

Measured on the marker variant of ``stance_joint_war_fakes`` (experiments/README.md, "Two
seeds averaged by weight"): as good as the probability ensemble on NewsMTSC dev for one of
two pairs and worse for the other, so it is a measurement, not a recommended recipe.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from safetensors.torch import load_file, save_file

from framing.io import atomic_write
from framing.model_card import write_card
from framing.models import MANIFEST, read_manifest, resolve_model_dir

log = logging.getLogger("model_soup")
WEIGHTS = "model.safetensors"
# manifest entries that must agree for a weight average to mean anything
SAME = ("kind", "task", "labels", "multilabel")
SAME_MODEL = ("input_format", "pooling", "target_marking", "max_length")


def model_folder(path: Path) -> Path:
    """The saved model of ``path`` (a model folder or a run folder holding ``model/``)."""
    try:
        folder = resolve_model_dir(path)
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None
    if not (folder / WEIGHTS).is_file():
        raise SystemExit(f"{folder}: no {WEIGHTS} (not a transformer model)")
    return folder


def check_same_recipe(folders: list[Path]) -> list[dict[str, Any]]:
    """The members' manifests; stops with the first disagreement that forbids averaging."""
    manifests = [read_manifest(f) for f in folders]
    first = manifests[0]
    if first.get("kind") != "transformer":
        raise SystemExit(f"{folders[0]}: kind {first.get('kind')!r}, not a transformer")
    for folder, other in zip(folders[1:], manifests[1:], strict=True):
        for key in SAME:
            if other.get(key) != first.get(key):
                raise SystemExit(f"{folder}: {key} {other.get(key)!r} != {first.get(key)!r}")
        for key in SAME_MODEL:
            theirs, ours = other["model"].get(key), first["model"].get(key)
            if theirs != ours:
                raise SystemExit(f"{folder}: model.{key} {theirs!r} != {ours!r}")
    return manifests


def soup(folders: list[Path], out: Path) -> Path:
    """Write the weight average of ``folders`` to ``out`` (replaced whole, atomically)."""
    manifests = check_same_recipe(folders)
    states = [load_file(f / WEIGHTS) for f in folders]
    for folder, state in zip(folders[1:], states[1:], strict=True):
        if state.keys() != states[0].keys():
            raise SystemExit(f"{folder}: its tensors are not those of {folders[0]}")
        for name, tensor in state.items():
            if tensor.shape != states[0][name].shape:
                raise SystemExit(f"{folder}: {name} has shape {tuple(tensor.shape)}")
    mean = {
        name: (sum(s[name].double() for s in states) / len(states)).to(states[0][name].dtype)
        for name in states[0]
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        shutil.copytree(folders[0], staging, dirs_exist_ok=True)
        save_file(mean, staging / WEIGHTS, metadata={"format": "pt"})
        soup_manifest = manifests[0]
        temperatures = [float(m["model"].get("temperature", 1.0)) for m in manifests]
        soup_manifest["model"]["temperature"] = sum(temperatures) / len(temperatures)
        soup_manifest["soup_of"] = [str(f) for f in folders]
        with atomic_write(staging / MANIFEST) as fh:
            json.dump(soup_manifest, fh, indent=2, ensure_ascii=False)
        write_card(staging)  # not the first member's card
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("soup of %d models -> %s", len(folders), out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help="run or model folders")
    parser.add_argument("-o", "--out", type=Path, required=True, help="the soup's model folder")
    args = parser.parse_args(argv)
    if len(args.models) < 2:
        parser.error("give at least two models")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    soup([model_folder(p) for p in args.models], args.out)


if __name__ == "__main__":
    main()
