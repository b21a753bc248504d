"""Fields of a JSONL/CSV record by name, nested ones by a dotted path.

Exports of news APIs and scrapers nest an article's parts: NewsAPI writes
``"source": {"id": null, "name": "Reuters"}``, others ``{"meta": {"id": …}, "article":
{"body": …}}``. ``--text-field article.body`` and ``--source-field source.name`` name such a
member: :func:`field_value` reads ``record["article.body"]`` when the record has that key,
else walks ``record["article"]["body"]``. :func:`without_fields` drops what was read, so
the article's other metadata keeps the rest of a nested object but not a second copy of
its text. :func:`scalar_text` turns a value for a one-line field (title, source, URL) into
text: an object left there (``source`` without ``.name``) becomes its JSON, not Python's
``repr``, and the file gets one warning naming the member to choose.
"""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

log = logging.getLogger("framing.readers")

MISSING: Any = object()  # what field_value gives for a field the record does not have


def field_value(record: dict[str, Any], name: str) -> Any:
    """``record[name]``, or the member a dotted ``name`` reaches through nested objects;
    :data:`MISSING` when there is none."""
    if name in record:
        return record[name]
    if "." not in name:
        return MISSING
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


def without_fields(record: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """``record`` without the fields ``names`` (dotted ones removed from copies of the
    objects that hold them; an object left empty goes too)."""
    out = {k: v for k, v in record.items() if k not in names}
    for name in names:
        if name in record or "." not in name:
            continue
        parts = name.split(".")
        if not isinstance(out.get(parts[0]), dict):
            continue
        out[parts[0]] = copy.deepcopy(out[parts[0]])
        path = [out]
        for part in parts[:-1]:
            nxt = path[-1].get(part)
            if not isinstance(nxt, dict):
                break
            path.append(nxt)
        else:
            path[-1].pop(parts[-1], None)
            for parent, part in zip(reversed(path[:-1]), reversed(parts[:-1]), strict=True):
                if parent[part] == {}:
                    del parent[part]
    return out


def nested_hint(record: dict[str, Any]) -> str:
    """For a "no such field" message: how to name a member of the record's objects."""
    for key, value in record.items():
        if isinstance(value, dict) and value:
            return f"; a member of an object is named with dots, e.g. {key}.{next(iter(value))}"
    return ""


_WARNED: set[tuple[str, str]] = set()  # (file, field) pairs already warned about


def scalar_text(value: Any, field: str, where: str) -> Any:
    """``value`` for the one-line field ``field``: an object or list becomes its JSON text
    (one warning per file and field, naming a member to choose); anything else as given."""
    if not isinstance(value, dict | list):
        return value
    file = where.split(":", 1)[0]
    if (file, field) not in _WARNED:
        _WARNED.add((file, field))
        member = None
        if isinstance(value, dict) and value:
            member = "name" if "name" in value else next(iter(value))
        choose = f"; choose a member, e.g. {field}.{member}" if member is not None else ""
        log.warning(
            "%s: field %r holds %s, kept as its JSON text%s (further such values of %r in %s "
            "not reported)",
            where,
            field,
            "an object" if isinstance(value, dict) else "a list",
            choose,
            field,
            file,
        )
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def one_line_value(record: dict[str, Any], field: str, where: str) -> Any:
    """The value of the one-line field ``field`` (:func:`field_value`, then
    :func:`scalar_text`), or ``None`` when it is absent, null or empty."""
    value = field_value(record, field)
    if value is MISSING or value is None or (isinstance(value, str | list | dict) and not value):
        return None
    return scalar_text(value, field, where)
