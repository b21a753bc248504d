"""Mention sense: does an ambiguous alias refer to its actor in this sentence?

An alias in the actor config may carry context rules (``rules:``) and a default
(``otherwise:``). A rule looks at the words just before and/or just after the
mention (regular expressions, case-insensitive; ``before`` must end where the
mention starts, ``after`` must start where it ends, spaces in between allowed).
A ``before`` pattern looks back 80 characters; a rule's ``window`` (up to 400) lets it
read into the sentence before ("Iran hanged two men. Rights groups accuse the regime").
The first rule whose context matches decides; when none does, ``otherwise``
decides (``actor`` unless configured). E.g. "Russian" followed by "language" is
the language, not the Russian state::

    - alias: Russian
      ambiguous: true
      rules:
        - {sense: not_actor, reason: language, after: "-?language|speakers?"}
        - {sense: actor, after: "forces|jets|troops"}
      otherwise: {sense: not_actor, reason: people}

A mention judged ``not_actor`` is kept (flagged, with its reason) so it can be
audited; it does not make a (sentence, actor) pair.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from framing.corpus import MENTION_REASONS as REASONS
from framing.corpus import MENTION_SENSES as SENSES
from framing.patterns import expand_pattern

ACTOR, NOT_ACTOR = SENSES
# REASONS, why a mention is not its actor: a place ("a conference in Moscow"), a
# language, the people or culture ("Russian commentators"), another country's
# government ("the Kyiv regime"), or anything else
WINDOW = 80  # characters of context a rule looks at, each side
MAX_WINDOW = 400  # the most a rule's own ``window`` may look back (into the sentence before)


@dataclass(frozen=True, slots=True)
class Sense:
    sense: str = ACTOR
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SenseRule:
    sense: Sense
    before: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None
    # the longest text the user's ``before`` pattern can match (None: unbounded); a
    # match must end in the run of non-word characters just before the mention, so
    # the search can start that far before the run instead of WINDOW characters back
    before_width: int | None = None
    # how far back ``before`` may reach (characters): WINDOW, or more for a rule that reads
    # the sentence before ("Iran hanged two men. Rights groups accuse the regime …")
    window: int = WINDOW

    def matches(self, text: str, start: int, end: int) -> bool:
        if self.after is not None and self.after.match(text, end, end + WINDOW) is None:
            return False
        if self.before is None:
            return True
        lo = max(0, start - self.window)
        if self.before_width is not None:
            run = start
            while run > lo and not (text[run - 1].isalnum() or text[run - 1] == "_"):
                run -= 1
            lo = max(lo, run - self.before_width)
        return self.before.search(text, lo, start) is not None


@dataclass(frozen=True, slots=True)
class SenseRules:
    """The rules of one alias, tried in order, and the sense when none matches."""

    rules: tuple[SenseRule, ...] = ()
    otherwise: Sense = Sense()
    # every ``after`` context in one pattern: when it does not match, only the rules
    # without one can (one match instead of one per rule, the common case)
    _any_after: re.Pattern[str] | None = field(default=None, init=False, compare=False, repr=False)
    _before_only: tuple[SenseRule, ...] = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        afters = [r.after.pattern for r in self.rules if r.after is not None]
        if len(afters) > 1:
            combined = re.compile("|".join(f"(?:{a})" for a in afters), re.IGNORECASE)
            object.__setattr__(self, "_any_after", combined)
            object.__setattr__(
                self, "_before_only", tuple(r for r in self.rules if r.after is None)
            )

    def decide(self, text: str, start: int, end: int) -> Sense:
        sense = self.rule_sense(text, start, end)
        return self.otherwise if sense is None else sense

    def rule_sense(self, text: str, start: int, end: int) -> Sense | None:
        """The sense of the first rule that matches, or None when none does (then
        ``otherwise`` decides)."""
        rules = self.rules
        if self._any_after is not None and self._any_after.match(text, end, end + WINDOW) is None:
            rules = self._before_only
        for rule in rules:
            if rule.matches(text, start, end):
                return rule.sense
        return None

    def __bool__(self) -> bool:
        return bool(self.rules) or self.otherwise.sense != ACTOR


def parse_sense(raw: Any, where: str) -> Sense:
    """``actor``, ``{sense: not_actor, reason: place}`` → :class:`Sense`."""
    if isinstance(raw, str):
        raw = {"sense": raw}
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: a sense is 'actor' or {{sense: not_actor, reason: ...}}")
    unknown = set(raw) - {"sense", "reason", "before", "after", "window"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    sense = str(raw.get("sense", NOT_ACTOR))
    if sense not in SENSES:
        raise ValueError(f"{where}: sense must be one of {SENSES}, got {sense!r}")
    reason = str(raw.get("reason", "")) if sense == NOT_ACTOR else ""
    if sense == NOT_ACTOR and reason not in REASONS:
        raise ValueError(f"{where}: a not_actor sense needs a reason in {REASONS}, got {reason!r}")
    return Sense(sense, reason)


# what may lie between a mention and its ``after`` context: spaces and punctuation, but not
# the end of the sentence ("... the way it has in Syria.\n\nAsked about X, she said" must
# not read "Syria ... asked" as the country acting); a closing mark itself can be matched
# by the pattern ("said in Russian." with an ``after`` of ``[.,;]``)
AFTER_GAP = r"(?:(?![.!?][\"”’)]*(?:\s|$))\W)*"


def _compile(pattern: Any, where: str, side: str) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    body = rf"(?:{pattern})\W*$" if side == "before" else rf"{AFTER_GAP}(?:{pattern})"
    # a word boundary on the far side, so "in" never matches the end of "Berlin"
    body = rf"(?<!\w){body}" if side == "before" else rf"{body}(?!\w)"
    try:
        return re.compile(body, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"{where}: bad {side!r} pattern {pattern!r}: {exc}") from None


def _max_width(pattern: Any) -> int | None:
    """The most characters ``pattern`` can match, or None when unbounded (or unknown)."""
    if pattern is None:
        return None
    try:
        from re import _parser  # the standard library's own regex parser
    except ImportError:  # pragma: no cover - older or other Pythons
        return None
    try:
        width = _parser.parse(str(pattern), re.IGNORECASE).getwidth()[1]
    except Exception:  # noqa: BLE001 - any doubt means: search the whole window
        return None
    return width if width < _parser.MAXREPEAT else None


def parse_rules(
    rules: Any, otherwise: Any, where: str, patterns: Mapping[str, str] | None = None
) -> SenseRules:
    """The ``rules`` and ``otherwise`` keys of an alias mapping.

    ``patterns`` (the config's, expanded) are the names ``(?&name)`` may call in
    ``before`` / ``after`` (:mod:`framing.patterns`).
    """
    parsed = []
    for i, raw in enumerate(rules or []):
        here = f"{where} rule {i + 1}"
        if not isinstance(raw, Mapping) or not ({"before", "after"} & set(raw)):
            raise ValueError(f"{here}: a rule needs 'before' and/or 'after' context")
        window = raw.get("window", WINDOW)
        if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= MAX_WINDOW:
            raise ValueError(
                f"{here}: window must be a whole number of characters, 1 to {MAX_WINDOW}"
            )
        if window != WINDOW and "before" not in raw:
            raise ValueError(f"{here}: 'window' widens the 'before' context; the rule has none")
        before = expand_pattern(raw.get("before"), patterns or {}, f"{here} 'before'")
        after = expand_pattern(raw.get("after"), patterns or {}, f"{here} 'after'")
        parsed.append(
            SenseRule(
                parse_sense(raw, here),
                _compile(before, here, "before"),
                _compile(after, here, "after"),
                _max_width(before),
                window,
            )
        )
    default = parse_sense(otherwise, f"{where} otherwise") if otherwise is not None else Sense()
    return SenseRules(tuple(parsed), default)


def rules_to_config(rules: SenseRules) -> dict[str, Any]:
    """The YAML form of ``rules`` (for saved manifests); empty when there are none."""
    out: dict[str, Any] = {}

    def sense(s: Sense) -> dict[str, Any]:
        return {"sense": s.sense, "reason": s.reason} if s.sense == NOT_ACTOR else {"sense": ACTOR}

    if rules.rules:
        items = []
        for r in rules.rules:
            item = sense(r.sense)
            if r.before is not None:
                item["before"] = _source(r.before.pattern, "before")
            if r.after is not None:
                item["after"] = _source(r.after.pattern, "after")
            if r.window != WINDOW:
                item["window"] = r.window
            items.append(item)
        out["rules"] = items
    if rules.otherwise.sense != ACTOR:
        out["otherwise"] = sense(rules.otherwise)
    return out


def _source(compiled: str, side: str) -> str:
    """The user's pattern back from the compiled body (inverse of :func:`_compile`)."""
    if side == "before":
        return compiled[len(r"(?<!\w)(?:") : -len(r")\W*$")]
    return compiled[len(AFTER_GAP) + len("(?:") : -len(r")(?!\w)")]


def read_sense_cases(path: str | Path) -> list[dict[str, Any]]:
    """Sense cases (JSONL: ``id``, ``part``, ``date``, ``text``, ``actor``, ``start``,
    ``end``, ``surface``, ``sense``, ``sense_reason``), checked; a bad one raises
    naming its line."""
    from framing.input_files import iter_jsonl
    from framing.io import RecordError

    cases = []
    for lineno, rec in iter_jsonl(Path(path)):
        where = f"{path}:{lineno}"
        if isinstance(rec, RecordError):
            raise ValueError(str(rec))
        missing = [k for k in ("text", "actor", "start", "end", "sense") if k not in rec]
        if missing:
            raise ValueError(f"{where}: missing {missing}")
        if rec["text"][rec["start"] : rec["end"]] != rec.get(
            "surface", rec["text"][rec["start"] : rec["end"]]
        ):
            raise ValueError(f"{where}: text[start:end] is not the surface {rec.get('surface')!r}")
        if rec["sense"] not in SENSES or (
            rec["sense"] == NOT_ACTOR and rec.get("sense_reason") not in REASONS
        ):
            raise ValueError(
                f"{where}: bad sense/sense_reason {rec['sense']!r}/{rec.get('sense_reason')!r}"
            )
        cases.append(rec)
    return cases


def score_senses(cases: Iterable[Mapping[str, Any]], lexicon: Any) -> dict[str, Any]:
    """Accuracy of the lexicon's sense decisions on gold cases.

    A case counts as right when the lexicon finds a mention of the case's actor
    covering its span with the gold sense; a span the lexicon does not find (or
    finds for another actor) counts as wrong. Also: accuracy per actor and per gold sense,
    and the wrong cases.
    """
    right: collections.Counter[str] = collections.Counter()
    seen: collections.Counter[str] = collections.Counter()
    wrong = []
    for case in cases:
        # the mention of the case's actor that covers its span ("Russian" in "Russian troops")
        m = next(
            (
                m
                for m in lexicon.find(case["text"], date=case.get("date"))
                if m.actor == case["actor"] and m.start <= case["start"] and case["end"] <= m.end
            ),
            None,
        )
        predicted = m.sense if m is not None else "unmatched"
        ok = predicted == case["sense"]
        for key in ("all", f"actor={case['actor']}", f"gold={case['sense']}"):
            seen[key] += 1
            right[key] += ok
        if not ok:
            wrong.append(
                {**case, "predicted": predicted, "predicted_reason": m.sense_reason if m else ""}
            )
    return {
        "n": seen["all"],
        "accuracy": round(right["all"] / seen["all"], 4) if seen["all"] else 0.0,
        "by": {
            k: {"n": seen[k], "accuracy": round(right[k] / seen[k], 4)}
            for k in sorted(seen)
            if k != "all"
        },
        "wrong": wrong,
    }
