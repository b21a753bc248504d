"""Label Studio: tasks with pre-annotations and the labelling config out, JSON exports in.

Export (one task per sentence, the format of Label Studio's task import)::

    {"data": {"text": ..., "task_id": ..., "article_id": ..., "sentence_start": ...,
              "sentence_end": ..., "mentions": [...], "scores": {...}},
     "predictions": [{"model_version": ..., "score": ..., "result": [...]}]}

The ``result`` items name the config's tags (``from_name``/``to_name``) and carry a
``value``: ``labels`` regions ``{"start", "end", "text", "labels": [actor]}`` for the
mentions, ``choices`` ``{"choices": [label]}`` for ``stance_<actor>`` and ``frame``,
each with the model's probability as ``score``. The prediction's own ``score`` is the
least sure of its decisions, so sorting by it in Label Studio shows the hard ones first.

Import reads Label Studio's JSON export (a list of tasks with ``annotations`` or,
from old versions, ``completions``); ``completed_by`` (a user id, or an object with
``email``) names the annotator; cancelled (skipped) annotations are left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from framing.annotate.judgments import (
    Judgment,
    Span,
    judgment_from_spans,
    judgment_or_error,
    task_meta,
)
from framing.annotate.tasks import NOT_ACTOR, AnnotationTask, best
from framing.io import RecordError

TEXT = "text"  # the Text tag's name
ACTOR = "actor"  # the Labels tag's name
FRAME = "frame"
COLOURS = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6")


def stance_field(actor: str) -> str:
    """The Choices tag name for an actor's stance: ``stance_`` + the name's letters and digits."""
    return "stance_" + re.sub(r"\W+", "_", actor).strip("_")


def label_config(actors: Sequence[str], stance_labels: Sequence[str], frames: Sequence[str]) -> str:
    """The labelling config XML that matches :func:`to_task`'s results."""
    lines = ["<View>", '  <Header value="Article $article_id, sentence $sentence_index"/>']
    lines.append(f'  <Labels name="{ACTOR}" toName="{TEXT}">')
    for i, actor in enumerate(actors):
        colour = COLOURS[i % len(COLOURS)]
        lines.append(f"    <Label value={quoteattr(actor)} background={quoteattr(colour)}/>")
    lines.append(f'    <Label value="{NOT_ACTOR}" background="#999999"/>')
    lines.append("  </Labels>")
    lines.append(f'  <Text name="{TEXT}" value="$text"/>')
    for actor in actors:
        header = f"Stance toward {actor} (only if the sentence is about {actor})"
        lines.append(f"  <Header value={quoteattr(header)}/>")
        lines.append(
            f'  <Choices name={quoteattr(stance_field(actor))} toName="{TEXT}" '
            'choice="single-radio" showInline="true">'
        )
        lines += [f"    <Choice value={quoteattr(lab)}/>" for lab in stance_labels]
        lines.append("  </Choices>")
    lines.append('  <Header value="Frame"/>')
    lines.append(f'  <Choices name="{FRAME}" toName="{TEXT}" choice="single-radio">')
    lines += [f"    <Choice value={quoteattr(f)}/>" for f in frames]
    lines += ["  </Choices>", "</View>", ""]
    return "\n".join(lines)


def _choice(name: str, label: str, score: float) -> dict[str, Any]:
    return {
        "id": name,
        "from_name": name,
        "to_name": TEXT,
        "type": "choices",
        "value": {"choices": [label]},
        "score": round(score, 4),
    }


def to_task(task: AnnotationTask) -> dict[str, Any]:
    """One Label Studio task: the sentence, the export's keys, mentions and model scores."""
    result: list[dict[str, Any]] = [
        {
            "id": f"m{i}",
            "from_name": ACTOR,
            "to_name": TEXT,
            "type": "labels",
            "value": {"start": m.start, "end": m.end, "text": m.surface, "labels": [m.actor]},
        }
        for i, m in enumerate(task.mentions)
    ]
    for actor, scores in task.stance_scores.items():
        result.append(_choice(stance_field(actor), *best(scores)))
    if task.frame_scores:
        result.append(_choice(FRAME, *best(task.frame_scores)))
    decided = [r["score"] for r in result if "score" in r]
    prediction: dict[str, Any] = {
        "model_version": "; ".join(f"{k}: {v}" for k, v in task.model_ids.items()) or "lexicon",
        "result": result,
    }
    if decided:
        prediction["score"] = min(decided)
    data = {TEXT: task.text, **task.meta(), "scores": task.scores()}
    return {"data": data, "predictions": [prediction]}


# ---------------------------------------------------------------------------
# import
def annotator_name(completed_by: Any) -> str:
    """``completed_by`` is a user id in Label Studio's JSON export, an object in some versions."""
    if isinstance(completed_by, dict):
        for key in ("email", "username", "id"):
            if completed_by.get(key) not in (None, ""):
                return str(completed_by[key])
    if completed_by in (None, ""):
        return "unknown"
    return f"user{completed_by}" if isinstance(completed_by, int) else str(completed_by)


def utf16_to_codepoints(text: str, offset: int) -> int:
    """A JavaScript (UTF-16) offset as a Python offset: astral characters count twice there."""
    units = 0
    for i, ch in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def resolve_offsets(text: str, value: dict[str, Any], where: str) -> tuple[int, int]:
    """Code-point offsets of a region, checked against the region's ``text`` when present.

    Label Studio versions differ: recent ones store code points, older ones (and some
    front-end paths) JavaScript UTF-16 units; the quoted text decides which.
    """
    try:
        start, end = int(value["start"]), int(value["end"])
    except (KeyError, TypeError, ValueError):
        raise RecordError(where, f"region without integer start/end: {value}") from None
    quoted = value.get("text")
    if quoted is None or text[start:end] == quoted:
        return start, end
    s16, e16 = utf16_to_codepoints(text, start), utf16_to_codepoints(text, end)
    if text[s16:e16] == quoted:
        return s16, e16
    raise RecordError(
        where, f"region {start}-{end} holds {text[start:end]!r} but the tool says {quoted!r}"
    )


def _judgment(
    task: dict[str, Any], annotation: dict[str, Any], actors: set[str], where: str
) -> Judgment | None:
    data = task.get("data")
    if not isinstance(data, dict) or not isinstance(data.get(TEXT), str):
        raise RecordError(where, "task without data.text")
    meta, text = task_meta(data, where), data[TEXT]
    by_field = {stance_field(a): a for a in actors}
    spans: list[Span] = []
    stance: dict[str, str] = {}
    frame = None
    for item in annotation.get("result") or []:
        value = item.get("value") or {}
        name, kind = item.get("from_name"), item.get("type")
        if kind == "labels" and name == ACTOR:
            for label in value.get("labels") or []:
                spans.append(Span(*resolve_offsets(text, value, where), str(label)))
        elif kind == "choices" and name == FRAME:
            frame = _one(value, where, name)
        elif kind == "choices" and name in by_field:
            stance[by_field[name]] = _one(value, where, name)
        elif kind == "choices" and str(name).startswith("stance_"):
            raise RecordError(where, f"{name}: no actor of the lexicon has this field")
    return judgment_from_spans(
        meta,
        text,
        annotator_name(annotation.get("completed_by")),
        where,
        spans,
        frame,
        stance,
        actors,
    )


def _one(value: dict[str, Any], where: str, name: str) -> str:
    choices = value.get("choices") or []
    if len(choices) != 1:
        raise RecordError(where, f"{name}: expected one choice, got {choices}")
    return str(choices[0])


def read_export(path: Path, actors: set[str]) -> Iterator[Judgment | RecordError]:
    """Judgments from a Label Studio JSON export; a bad annotation is one error, the rest kept."""
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield RecordError(str(path), f"not a Label Studio JSON export: {exc}")
        return
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        yield RecordError(str(path), "not a Label Studio JSON export (expected a list of tasks)")
        return
    for n, task in enumerate(tasks, 1):
        if not isinstance(task, dict):
            yield RecordError(f"{path} task {n}", "not an object")
            continue
        annotations = task.get("annotations", task.get("completions")) or []
        for k, annotation in enumerate(annotations, 1):
            if not isinstance(annotation, dict):
                yield RecordError(f"{path} task {n} annotation {k}", "not an object")
                continue
            where = f"{path} task {n} (id {task.get('id')}) annotation {annotation.get('id')}"
            if annotation.get("was_cancelled"):
                continue
            judgment = judgment_or_error(_judgment, task, annotation, actors, where)
            if judgment is not None:
                yield judgment
