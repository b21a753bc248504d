"""Named regular expressions of an actor config: ``(?&name)`` → ``(?:pattern)``.

An actor config's top-level ``patterns:`` maps a name to a regular expression.
Anywhere the config takes a regular expression (an alias's or role noun's
``pattern``, a sense rule's ``before`` / ``after``, a carry-over ``cue`` /
``unless_after``), ``(?&name)`` stands for ``(?:<that pattern>)``; patterns may use
other patterns. ``(?&name)`` is PCRE's subroutine call, which Python's :mod:`re`
rejects, so it never collides with a valid pattern. The expansion is done once,
when the config is loaded (:meth:`framing.actors.ActorLexicon.from_config`): the
lexicon holds, and saves, self-contained regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_CALL = re.compile(r"\(\?&([^)]*)\)")
_NAME = re.compile(r"[A-Za-z_]\w*")


def resolve_patterns(raw: Any, lexicon: str) -> dict[str, str]:
    """The ``patterns`` mapping of an actor config, each one expanded (self-contained)."""
    if raw is None:
        return {}
    where = f"actor lexicon {lexicon!r}: patterns"
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where} must be a mapping of name to regular expression")
    for name, value in raw.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(f"{where}: name {name!r} is not letters, digits and _")
        if not isinstance(value, str):
            raise ValueError(f"{where} entry {name!r} must be a string, got {value!r}")
    done: dict[str, str] = {}
    for name in raw:
        expanded = _expand(name, raw, done, f"{where} entry {name!r}", ())
        try:
            re.compile(expanded, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"{where} entry {name!r}: bad pattern: {exc}") from None
    return done


def _expand(
    name: str, raw: Mapping[str, str], done: dict[str, str], where: str, chain: tuple[str, ...]
) -> str:
    """``raw[name]`` with its calls expanded, memoised in ``done``; a cycle is an error."""
    if name in done:
        return done[name]
    chain = (*chain, name)

    def call(match: re.Match[str]) -> str:
        used = match.group(1)
        if used in chain:
            loop = " -> ".join((*chain[chain.index(used) :], used))
            raise ValueError(f"{where}: pattern {used!r} uses itself ({loop})")
        if used not in raw:
            raise ValueError(f"{where}: unknown pattern {match.group()!r}{_known(raw)}")
        return f"(?:{_expand(used, raw, done, where, chain)})"

    done[name] = _CALL.sub(call, raw[name])
    return done[name]


def expand_pattern(pattern: Any, patterns: Mapping[str, str], where: str) -> Any:
    """``pattern`` with every ``(?&name)`` replaced by ``(?:patterns[name])``.

    ``patterns`` comes from :func:`resolve_patterns`; anything but a string is
    returned as it is (the caller's own checks report it).
    """
    if not isinstance(pattern, str) or "(?&" not in pattern:
        return pattern

    def call(match: re.Match[str]) -> str:
        if match.group(1) not in patterns:
            raise ValueError(f"{where}: unknown pattern {match.group()!r}{_known(patterns)}")
        return f"(?:{patterns[match.group(1)]})"

    return _CALL.sub(call, pattern)


def _known(patterns: Mapping[str, Any]) -> str:
    if not patterns:
        return " (the config has no 'patterns' mapping)"
    return f" (known: {', '.join(sorted(patterns))})"
