"""One alias of the actor config, read and written: the keys an alias may have, how each
is checked when the config loads (:func:`parse_alias`; a bad value is one line naming the
lexicon, the actor and the alias) and the mapping :meth:`framing.actors.ActorLexicon.to_config`
writes back (:func:`alias_to_config`). The matching itself is :mod:`framing.actors`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from framing.aliases import Alias, pattern_body
from framing.patterns import expand_pattern
from framing.senses import parse_rules, rules_to_config

ACTOR_KEYS = ("aliases", "description", "role_nouns", "role_noun_context", "carry_over")
ALIAS_KEYS = {"alias", "pattern", "case_sensitive", "ambiguous", "start", "end"}
ALIAS_KEYS |= {"rules", "otherwise", "needs_antecedent", "title_case", "undated_context"}
ALIAS_KEYS |= {"context"}


def iso_date(value: Any, where: str) -> str | None:
    """``value`` as an ISO date string (``None`` stays ``None``); anything else is one
    line naming ``where``."""
    if value is None:
        return None
    text = str(value)  # YAML reads 2024-12-08 as a date
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{where}: dates are YYYY-MM-DD, got {value!r}")
    return text


def parse_alias(
    actor: str,
    raw: Any,
    lexicon: str,
    how: str = "alias",
    patterns: Mapping[str, str] | None = None,
    default_context: str | None = None,
) -> Alias:
    """One alias (a string or a mapping of the keys in ``ALIAS_KEYS``) of ``actor``;
    ``how`` is ``"role_noun"`` for an entry of ``role_nouns``; ``default_context`` (an
    expanded regex: the actor's ``role_noun_context``) is its ``context`` unless it has one."""
    if isinstance(raw, str):
        if not raw.strip():
            raise ValueError(f"actor lexicon {lexicon!r}: empty alias for {actor!r}")
        return Alias(actor, text=raw, how=how, context=default_context)
    if isinstance(raw, Mapping):
        unknown = set(raw) - ALIAS_KEYS
        if unknown:
            raise ValueError(
                f"actor lexicon {lexicon!r}: alias of {actor!r} has unknown keys {sorted(unknown)}"
            )
        if ("alias" in raw) == ("pattern" in raw):
            raise ValueError(
                f"actor lexicon {lexicon!r}: alias of {actor!r} needs exactly one of 'alias' or 'pattern'"
            )
        pattern = expand_pattern(
            raw.get("pattern"),
            patterns or {},
            f"actor lexicon {lexicon!r}: pattern {raw.get('pattern')!r} for {actor!r}",
        )
        if "pattern" in raw and raw.get("title_case"):
            raise ValueError(
                f"actor lexicon {lexicon!r}: pattern {raw['pattern']!r} for {actor!r}: "
                "title_case applies to literal aliases (write the capitals into the pattern)"
            )
        if "pattern" in raw:
            body = pattern_body(str(pattern), bool(raw.get("case_sensitive", False)))
            try:
                compiled = re.compile(body)
            except re.error as exc:
                raise ValueError(
                    f"actor lexicon {lexicon!r}: bad pattern for {actor!r}: {exc}"
                ) from None
            if compiled.fullmatch("") is not None:
                raise ValueError(
                    f"actor lexicon {lexicon!r}: pattern {raw['pattern']!r} for {actor!r} matches the empty string"
                )
        where = f"actor lexicon {lexicon!r}: alias {raw.get('alias') or raw.get('pattern')!r} of {actor!r}"
        start, end = iso_date(raw.get("start"), where), iso_date(raw.get("end"), where)
        if start and end and start >= end:
            raise ValueError(f"{where}: start {start} is not before end {end}")
        return Alias(
            actor,
            text=raw.get("alias"),
            pattern=pattern,
            case_sensitive=bool(raw.get("case_sensitive", False)),
            ambiguous=bool(raw.get("ambiguous", False)),
            start=start,
            end=end,
            senses=parse_rules(raw.get("rules"), raw.get("otherwise"), where, patterns),
            how=how,
            needs_antecedent=bool(raw.get("needs_antecedent", False)),
            undated_context=_undated_context(raw, start, end, where, patterns),
            title_case=bool(raw.get("title_case", False)),
            context=(
                article_regex(raw["context"], f"{where} context", patterns)
                if "context" in raw
                else default_context
            ),
        )
    raise ValueError(
        f"actor lexicon {lexicon!r}: alias of {actor!r} must be a string or mapping, got {raw!r}"
    )


def _undated_context(
    raw: Mapping[str, Any],
    start: str | None,
    end: str | None,
    where: str,
    patterns: Mapping[str, str] | None,
) -> str | None:
    """A dated alias's ``undated_context``: the regex an undated article must match."""
    value = raw.get("undated_context")
    if value is None:
        return None
    if not (start or end):
        raise ValueError(f"{where}: undated_context needs a start or end date")
    return article_regex(value, f"{where} undated_context", patterns)


def article_regex(value: Any, where: str, patterns: Mapping[str, str] | None) -> str:
    """A regex an article's text must match (``context``, ``undated_context``,
    ``role_noun_context``), with ``(?&name)`` patterns expanded; a bad one names ``where``."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where} must be a regular expression, got {value!r}")
    pattern = expand_pattern(value, patterns or {}, where)
    try:
        re.compile(pattern)
    except re.error as e:
        raise ValueError(f"{where} {value!r} is not a regex: {e}") from e
    return pattern


def alias_to_config(a: Alias) -> str | dict[str, Any]:
    """The config entry :func:`parse_alias` reads back into ``a`` (a plain alias: its text)."""
    item: dict[str, Any] = {"pattern": a.pattern} if a.pattern else {"alias": a.text}
    if a.case_sensitive:
        item["case_sensitive"] = True
    if a.ambiguous:
        item["ambiguous"] = True
    for key in ("start", "end"):
        if getattr(a, key):
            item[key] = getattr(a, key)
    if a.needs_antecedent:
        item["needs_antecedent"] = True
    if a.title_case:
        item["title_case"] = True
    if a.undated_context:
        item["undated_context"] = a.undated_context
    if a.context:
        item["context"] = a.context
    item.update(rules_to_config(a.senses))
    return a.text if list(item) == ["alias"] else item
