"""Fields of a JSONL/CSV record by name, nested ones by a dotted path.

Exports of news APIs and scrapers nest an article's parts: NewsAPI writes
``"source": {"id": null, "name": "Reuters"}``, others ``{"meta": {"id": …}, "article":
{"body": …}}``. ``--text-field article.body`` and ``--source-field source.name`` name such a
member: :func:`field_value` reads ``record["article.body"]`` when the record has that key,
else walks ``record["article"]["body"]``. A name also finds the one key that differs from
it only in case and surrounding spaces: a hand-made CSV's header ``ID, Text, Date`` names
the default fields ``id``, ``text`` and ``date`` (an exact key always wins). :func:`without_fields` drops what was read, so
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

from framing.io import first_in_file

log = logging.getLogger("framing.readers")

MISSING: Any = object()  # what field_value gives for a field the record does not have


def _key(mapping: dict[str, Any], name: str) -> str | None:
    """The key of ``mapping`` that ``name`` names: itself, else the one key equal to it but
    for case and surrounding spaces (a CSV header "ID, Text" names ``id`` and ``text``)."""
    if name in mapping:
        return name
    folded = name.strip().casefold()
    found = [k for k in mapping if isinstance(k, str) and k.strip().casefold() == folded]
    return found[0] if len(found) == 1 else None


def _path(record: dict[str, Any], name: str) -> list[str] | None:
    """The keys leading to field ``name`` (one, or one per part of a dotted name)."""
    key = _key(record, name)
    if key is not None:
        return [key]
    if "." not in name:
        return None
    keys: list[str] = []
    value: Any = record
    for part in name.split("."):
        key = _key(value, part) if isinstance(value, dict) else None
        if key is None:
            return None
        keys.append(key)
        value = value[key]
    return keys


def field_value(record: dict[str, Any], name: str) -> Any:
    """``record[name]`` (or the one key equal to ``name`` but for case and surrounding
    spaces), or the member a dotted ``name`` reaches through nested objects; :data:`MISSING`
    when there is none."""
    keys = _path(record, name)
    if keys is None:
        return MISSING
    value: Any = record
    for key in keys:
        value = value[key]
    return value


def without_fields(record: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """``record`` without the fields ``names`` (dotted ones removed from copies of the
    objects that hold them; an object left empty goes too)."""
    out = dict(record)
    for name in names:
        keys = _path(record, name)
        if keys is None or keys[0] not in out:
            continue
        if len(keys) == 1:
            del out[keys[0]]
            continue
        out[keys[0]] = copy.deepcopy(out[keys[0]])
        path = [out]
        for key in keys[:-1]:
            path.append(path[-1][key])
        path[-1].pop(keys[-1], None)
        for parent, key in zip(reversed(path[:-1]), reversed(keys[:-1]), strict=True):
            if parent[key] == {}:
                del parent[key]
    return out


def nested_hint(record: dict[str, Any]) -> str:
    """For a "no such field" message: how to name a member of the record's objects."""
    for key, value in record.items():
        if isinstance(value, dict) and value:
            return f"; a member of an object is named with dots, e.g. {key}.{next(iter(value))}"
    return ""


_WARNED: set[str] = set()  # (file, field) pairs already warned about


def scalar_text(value: Any, field: str, where: str) -> Any:
    """``value`` for the one-line field ``field``: an object or list becomes its JSON text
    (one warning per file and field, naming a member to choose); anything else as given."""
    if not isinstance(value, dict | list):
        return value
    file = first_in_file(where, _WARNED, field)
    if file is not None:
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
    if isinstance(value, str):
        value = value.strip()  # spaces around an id, a date or a name mean nothing
    if value is MISSING or value is None or (isinstance(value, str | list | dict) and not value):
        return None
    return scalar_text(value, field, where)
