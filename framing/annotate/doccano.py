"""doccano: sequence-labelling JSONL out (``label`` triples), its export read back.

doccano's sequence labelling has spans only, so every decision is a span label:

* a mention is labelled ``<actor>`` or ``<actor>:<stance>`` (e.g. ``Russia:negative``);
  the export pre-labels each mention with the model's stance;
* ``not_actor`` on a highlighted mention says it is not that actor;
* the frame is a span over the whole sentence labelled ``frame:<frame>``.

Export lines: ``{"text", "label": [[start, end, label], ...], <task keys>, "scores"}``
(keys other than ``text``/``label`` become doccano metadata and come back in its
export, at the top level or under ``meta``). Offsets are code points, as doccano's
Python backend counts them. doccano exports one JSONL per user (``<user>.jsonl``,
zipped) or one ``all.jsonl``: the annotator is the record's ``user``/``annotator``
key when present, else the file name.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from framing.annotate.judgments import (
    Judgment,
    Span,
    judgment_from_spans,
    judgment_or_error,
    task_meta,
)
from framing.annotate.tasks import NOT_ACTOR, AnnotationTask, best
from framing.input_files import iter_jsonl
from framing.io import RecordError

FRAME_PREFIX = "frame:"


def label_names(
    actors: Sequence[str], stance_labels: Sequence[str], frames: Sequence[str]
) -> list[str]:
    """Every span label the export uses, for doccano's label import."""
    names = [n for a in actors for n in (a, *(f"{a}:{s}" for s in stance_labels))]
    return [*names, NOT_ACTOR, *(FRAME_PREFIX + f for f in frames)]


def label_types(
    actors: Sequence[str], stance_labels: Sequence[str], frames: Sequence[str]
) -> list[dict[str, Any]]:
    """doccano's label-type import file (``text`` and colours per label)."""
    colours = {NOT_ACTOR: "#999999"}
    return [
        {
            "text": name,
            "background_color": colours.get(
                name, "#4363d8" if name.startswith(FRAME_PREFIX) else "#e6194b"
            ),
            "text_color": "#ffffff",
        }
        for name in label_names(actors, stance_labels, frames)
    ]


def to_record(task: AnnotationTask) -> dict[str, Any]:
    """One doccano JSONL line with the mentions (and the model's guesses) pre-labelled."""
    labels: list[list[Any]] = []
    for m in task.mentions:
        scores = task.stance_scores.get(m.actor)
        labels.append([m.start, m.end, f"{m.actor}:{best(scores)[0]}" if scores else m.actor])
    if task.frame_scores:
        labels.append([0, len(task.text), FRAME_PREFIX + best(task.frame_scores)[0]])
    return {"text": task.text, "label": labels, **task.meta(), "scores": task.scores()}


def _spans(record: dict[str, Any], where: str) -> tuple[list[Span], str | None]:
    raw = record.get("label", record.get("labels", []))
    if not isinstance(raw, list):
        raise RecordError(where, "'label' must be a list of [start, end, label] triples")
    spans, frames = [], set()
    for triple in raw:
        if not (isinstance(triple, list | tuple) and len(triple) == 3):
            raise RecordError(where, f"label {triple!r} is not a [start, end, label] triple")
        try:
            start, end = int(triple[0]), int(triple[1])
        except (TypeError, ValueError):
            raise RecordError(where, f"label {triple!r}: start and end must be integers") from None
        name = str(triple[2])
        if name.startswith(FRAME_PREFIX):
            frames.add(name[len(FRAME_PREFIX) :])
        elif name == NOT_ACTOR:
            spans.append(Span(start, end, NOT_ACTOR))
        else:
            actor, _, stance = name.partition(":")
            spans.append(Span(start, end, actor, stance or None))
    if len(frames) > 1:
        raise RecordError(where, f"more than one frame: {sorted(frames)}")
    return spans, (frames.pop() if frames else None)


def _judgment(
    record: dict[str, Any], annotator: str, actors: set[str], where: str
) -> Judgment | None:
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError(where, "no 'text'")
    meta = task_meta(record, where)
    spans, frame = _spans(record, where)
    who = record.get("annotator", record.get("user", annotator))
    return judgment_from_spans(meta, text, str(who), where, spans, frame, None, actors)


def _members(path: Path) -> Iterator[tuple[str, str, Iterator[tuple[int, Any]]]]:
    """(name, annotator, lines) per JSONL file: a file, a folder of them, or doccano's zip."""
    if path.is_dir():
        for member in sorted(path.glob("*.jsonl")):
            yield str(member), member.stem, iter_jsonl(member)
    elif path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            for name in sorted(n for n in archive.namelist() if n.endswith(".jsonl")):
                data = archive.read(name)
                tmp = _BytesLines(data)
                yield f"{path}!{name}", Path(name).stem, tmp.records(f"{path}!{name}")
    else:
        yield str(path), path.stem, iter_jsonl(path)


class _BytesLines:
    """JSONL records of an in-memory file, with the same errors :func:`iter_jsonl` yields."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def records(self, where: str) -> Iterator[tuple[int, Any]]:
        import json

        for lineno, raw in enumerate(io.BytesIO(self.data), 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield lineno, RecordError(f"{where}:{lineno}", f"invalid JSON line: {exc}")
                continue
            if not isinstance(record, dict):
                yield lineno, RecordError(f"{where}:{lineno}", "expected a JSON object")
                continue
            yield lineno, record


def read_export(path: Path, actors: set[str]) -> Iterator[Judgment | RecordError]:
    """Judgments from a doccano JSONL export; a bad line is one error, the rest kept."""
    for name, stem, lines in _members(path):
        annotator = "unknown" if stem in ("all", "admin_all") else stem
        for lineno, record in lines:
            if isinstance(record, RecordError):
                yield record
                continue
            where = f"{name}:{lineno}"
            judgment = judgment_or_error(_judgment, record, annotator, actors, where)
            if judgment is not None:
                yield judgment
