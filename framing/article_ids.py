"""Article ids unique across inputs: a duplicate is skipped, a reused id kept under a new one.

Readers give each article the id its record holds (or its place); several files, or the
``articles=`` and ``texts=`` of :func:`framing.analyze.analyze_articles`, can hold the
same id. :func:`unique_ids` keeps every article an output has under an id of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace

from framing.corpus import Article
from framing.io import RecordError, first_in_file

log = logging.getLogger("framing.readers")


def unique_ids(items: Iterable[Article | RecordError]) -> Iterator[Article | RecordError]:
    """``items`` with each article id once.

    An article whose id and text were both read before is a duplicate: an error, skipped.
    One with a used id but another text (two outlets' CSVs both numbered from 1) is kept
    as ``ID#2`` (``#3``, …), its ``original_id`` in ``meta``, with one warning per file."""
    texts: dict[str, dict[int, str]] = {}  # id as read -> {hash of a text: where first read}
    used: set[str] = set()
    warned: set[str] = set()
    for item in items:
        if isinstance(item, Article):
            where = item.origin or "input"
            digest = hash(item.text)
            same_id = texts.setdefault(item.id, {})
            if digest in same_id:
                yield RecordError(
                    where,
                    f"article {item.id!r}: duplicate id, same text as the one read at "
                    f"{same_id[digest]}, skipped",
                )
                continue
            same_id[digest] = where
            if item.id in used:
                new_id = _free_id(item.id, len(same_id), used)
                _warn_renamed(where, item.id, new_id, warned)
                meta = {**item.meta, "original_id": item.id}
                item = replace(item, id=new_id, meta=meta)  # never the caller's
            used.add(item.id)
        yield item


def _free_id(article_id: str, n: int, used: set[str]) -> str:
    while f"{article_id}#{n}" in used:
        n += 1
    return f"{article_id}#{n}"


def _warn_renamed(where: str, old: str, new: str, warned: set[str]) -> None:
    file = first_in_file(where, warned)
    if file is not None:
        log.warning(
            "%s: article id %r was already used by an article with another text; kept as %r "
            "(original_id in its metadata; further such ids in %s not reported)",
            where,
            old,
            new,
            file,
        )
