"""Targets given with the input (``framing predict --targets-from FIELD``), not found by
the actor lexicon: a model trained on a public set (NewsMTSC, SemEval, PerSenT) can then
be applied and scored on that set's own targets.

The field of each input record holds a list; an item is either a name (``"Trump"``: every
whole-word occurrence is a mention) or an object with the mention's span in the record's
text, ``from``/``to`` (as NewsMTSC) or ``start``/``end``, and its name in ``actor`` or
``name`` (else ``mention`` or the span's text); NewsMTSC's ``further_mentions`` are
the same target's other spans. In CSV input the field holds that list
as JSON. Spans are moved onto the cleaned text the sentences come from by their text
(the nearest occurrence), so cleaning that shifts offsets does not lose them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from framing.io import RecordError


def _span(item: dict[str, Any]) -> tuple[int, int] | None:
    for a, b in (("from", "to"), ("start", "end")):
        if item.get(a) is not None and item.get(b) is not None:
            try:
                return int(item[a]), int(item[b])
            except (TypeError, ValueError):
                return None
    return None


def parse_targets(
    value: Any, raw_text: str, where: str, field: str
) -> list[tuple[str, str, int | None]]:
    """``[(actor, mention text, raw start or None)]`` of one record's field, or RecordError."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise RecordError(where, f"field {field!r} is not a JSON list: {exc.msg}") from None
    if not isinstance(value, list):
        raise RecordError(where, f"field {field!r} must be a list of target names or spans")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            out.append((item.strip(), item.strip(), None))
            continue
        if not isinstance(item, dict):
            raise RecordError(where, f"{field}[{i}]: expected a name or an object, got {item!r}")
        span = _span(item)
        if span is not None and not 0 <= span[0] < span[1] <= len(raw_text):
            raise RecordError(where, f"{field}[{i}]: span {list(span)} outside the text")
        mention = raw_text[span[0] : span[1]] if span else str(item.get("mention") or "")
        actor = str(item.get("actor") or item.get("name") or item.get("mention") or mention).strip()
        if not mention.strip() or not actor:
            raise RecordError(where, f"{field}[{i}]: needs a span (from/to) or a mention/name")
        out.append((actor, mention, span[0] if span else None))
        for j, more in enumerate(item.get("further_mentions") or []):  # NewsMTSC
            extra = _span(more) if isinstance(more, dict) else None
            if extra is None or not 0 <= extra[0] < extra[1] <= len(raw_text):
                raise RecordError(where, f"{field}[{i}].further_mentions[{j}]: bad span")
            out.append((actor, raw_text[extra[0] : extra[1]], extra[0]))
    return out


def locate(
    targets: list[tuple[str, str, int | None]], raw_text: str, text: str
) -> list[dict[str, Any]]:
    """Mentions ``{"actor", "start", "end"}`` in the cleaned ``text``: a spanned target at
    its nearest occurrence (scaled from the raw offset), a name at every occurrence."""
    found: dict[tuple[int, int], str] = {}
    scale = len(text) / max(1, len(raw_text))
    for actor, mention, raw_start in targets:
        hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(mention)}(?!\w)", text)]
        if not hits:
            hits = [m.start() for m in re.finditer(re.escape(mention), text)]
        if raw_start is not None and hits:
            hits = [min(hits, key=lambda h: abs(h - raw_start * scale))]
        for h in hits:
            found.setdefault((h, h + len(mention)), actor)
    return [{"actor": a, "start": s, "end": e} for (s, e), a in sorted(found.items())]


def sentence_targets(mentions: list[dict[str, Any]], start: int, end: int) -> list[dict[str, Any]]:
    """The mentions inside the sentence ``[start, end)``."""
    return [m for m in mentions if start <= m["start"] and m["end"] <= end]


def actors_of(mentions: list[dict[str, Any]]) -> list[str]:
    """The mentioned actors, in order of first mention."""
    return list(dict.fromkeys(m["actor"] for m in mentions))


def spans_for(mentions: list[dict[str, Any]], actor: str, offset: int) -> tuple[list, list]:
    """``(target, other)`` spans relative to a sentence starting at ``offset``."""
    target = sorted(
        [m["start"] - offset, m["end"] - offset] for m in mentions if m["actor"] == actor
    )
    other = sorted(
        [m["start"] - offset, m["end"] - offset] for m in mentions if m["actor"] != actor
    )
    return target, other
