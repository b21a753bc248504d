"""One annotator's labels for one sentence, built from what an annotation tool returns.

Both importers reduce a tool's record to *spans* (offsets relative to the sentence,
an actor name or :data:`~framing.annotate.tasks.NOT_ACTOR`, and optionally a stance)
plus a frame and per-actor stance choices; :func:`judgment_from_spans` checks them
against the mentions the export highlighted and builds a :class:`Judgment`:

* a span with an actor on a highlighted mention of that actor confirms it;
* a span with an actor anywhere else is an **added** mention (the lexicon missed it);
* ``not_actor`` on a highlighted mention **rejects** it (it is not that actor);
* a highlighted mention with no span at all (deleted in the tool) is no statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from framing.annotate.tasks import NOT_ACTOR
from framing.io import RecordError

META_KEYS = ("task_id", "article_id", "sentence_start", "sentence_end")


class Span(NamedTuple):
    start: int  # relative to the sentence
    end: int
    label: str  # an actor name or NOT_ACTOR
    stance: str | None = None


@dataclass(slots=True)
class Judgment:
    article_id: str
    start: int  # the sentence, in the cleaned article text
    end: int
    text: str
    annotator: str
    frame: str | None = None
    stance: dict[str, str] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)  # article offsets
    rejected: list[dict[str, Any]] = field(default_factory=list)
    where: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.article_id, self.start, self.end)

    def labels(self) -> dict[str, Any]:
        """What this annotator said, as stored under ``labels_by`` in the corpus."""
        out: dict[str, Any] = {"frame": self.frame, "stance": dict(sorted(self.stance.items()))}
        if self.added:
            out["added_mentions"] = self.added
        if self.rejected:
            out["not_actor"] = self.rejected
        return out


def judgment_or_error(
    build: Callable[..., Judgment | None], *args: Any
) -> Judgment | RecordError | None:
    """``build(*args)`` (an importer's record → judgment), or the :class:`RecordError` it
    raised: a bad record is one error and the import goes on with the rest."""
    try:
        return build(*args)
    except RecordError as exc:
        return exc


def task_meta(record: dict[str, Any], where: str) -> dict[str, Any]:
    """The export's keys in a tool record (top level, or under ``meta`` as older doccano wrote)."""
    meta = dict(record.get("meta") or {}) if isinstance(record.get("meta"), dict) else {}
    meta.update({k: v for k, v in record.items() if k in (*META_KEYS, "mentions")})
    missing = [k for k in META_KEYS if k not in meta]
    if missing:
        raise RecordError(
            where, f"missing {', '.join(missing)}: not a task written by 'framing annotate export'"
        )
    return meta


def judgment_from_spans(
    meta: dict[str, Any],
    text: str,
    annotator: str,
    where: str,
    spans: list[Span],
    frame: str | None = None,
    stance_choices: dict[str, str] | None = None,
    actors: set[str] | None = None,
) -> Judgment | None:
    """Check a tool's spans and choices against the exported mentions; ``None`` when empty.

    Raises :class:`RecordError` for a span outside the sentence, an unknown actor,
    ``not_actor`` on text that was not highlighted, or two stances for one actor.
    """
    try:
        base, end = int(meta["sentence_start"]), int(meta["sentence_end"])
    except (TypeError, ValueError):
        raise RecordError(where, "sentence_start/sentence_end must be integers") from None
    if end - base != len(text):
        raise RecordError(
            where,
            f"text has {len(text)} characters, the exported sentence {base}-{end} has "
            f"{end - base} (text edited in the tool?)",
        )
    exported = {
        (int(m["start"]), int(m["end"])): str(m["actor"]) for m in meta.get("mentions") or []
    }
    stance: dict[str, str] = {}

    def set_stance(actor: str, label: str) -> None:
        if stance.setdefault(actor, label) != label:
            raise RecordError(where, f"two stances for {actor}: {stance[actor]!r} and {label!r}")

    added, rejected, kept = [], [], set()
    for span in sorted(spans):
        if not (0 <= span.start < span.end <= len(text)):
            raise RecordError(
                where, f"span {span.start}-{span.end} outside the sentence (length {len(text)})"
            )
        surface = text[span.start : span.end]
        mention = {
            "actor": span.label,
            "start": base + span.start,
            "end": base + span.end,
            "surface": surface,
        }
        was = exported.get((span.start, span.end))
        if span.label == NOT_ACTOR:
            if was is None:
                raise RecordError(
                    where,
                    f"'{NOT_ACTOR}' on {surface!r} ({span.start}-{span.end}), "
                    "which was not a highlighted mention",
                )
            rejected.append({**mention, "actor": was})
            continue
        if actors is not None and span.label not in actors:
            raise RecordError(where, f"unknown actor {span.label!r} on {surface!r}")
        if was != span.label:
            added.append(mention)
            if was is not None:  # re-attributed: the old actor is rejected there
                rejected.append({**mention, "actor": was})
        kept.add(span.label)
        if span.stance:
            set_stance(span.label, span.stance)
    for actor, label in (stance_choices or {}).items():
        set_stance(actor, label)
    rejected_at = {(m["start"] - base, m["end"] - base) for m in rejected}
    remaining = kept | {a for pos, a in exported.items() if pos not in rejected_at}
    for actor in stance:
        if actor in {m["actor"] for m in rejected} and actor not in remaining:
            raise RecordError(
                where, f"stance for {actor} although every mention of it was marked {NOT_ACTOR}"
            )
    if frame is None and not stance and not added and not rejected:
        return None
    return Judgment(
        article_id=str(meta["article_id"]),
        start=base,
        end=end,
        text=text,
        annotator=annotator,
        frame=frame,
        stance=stance,
        added=added,
        rejected=rejected,
        where=where,
    )
