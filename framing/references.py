"""Implicit references: role nouns that need an antecedent, and carry-over.

Two rules a researcher can read and audit, both configured per actor in the
actor YAML (see ``configs/actors/syria.yaml``):

* a ``role_nouns`` alias with ``needs_antecedent: true`` ("the group",
  "the ministry") counts only when the actor was named (by an alias) in the same
  sentence before it or in one of the ``ANTECEDENT_WINDOW`` sentences before;
* a ``carry_over`` rule gives a sentence that does not name the actor the pair
  when a cue ("he", "his", "its fighters") refers back to a named antecedent in
  the previous sentence. The nearest antecedent wins: when another actor's
  antecedent (of a rule with the same cue) comes later, or one stands in the same
  sentence before the cue, the cue is theirs. A carry-over mention may itself be
  the antecedent of the next sentence's cue (a chain).

Each found mention records ``how`` (``alias`` / ``role_noun`` / ``carry_over``)
and its evidence span (its offsets and ``surface``: for a carry-over, the cue).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from framing.corpus import Mention, Sentence

if TYPE_CHECKING:
    from framing.actors import ActorLexicon

_LEFT, _RIGHT = r"(?<!\w)(?:", r")(?!\w)"  # cues are word-bounded
ANTECEDENT_WINDOW = 2  # sentences back in which a role noun's actor must be named


@dataclass(frozen=True, slots=True)
class CarryOver:
    """A cue (regex) and the antecedents (surfaces, lower case; empty: any) it refers back to."""

    cue: re.Pattern[str]
    antecedents: frozenset[str] = frozenset()
    unless_after: re.Pattern[str] | None = None  # words after the cue that void it ("he said")
    shared: bool = False  # a plural cue ("both sides"): every actor with an antecedent gets it

    def takes(self, mention: Mention) -> bool:
        if not mention.is_actor:
            return False
        if mention.how == "carry_over":  # a chain: "he ... He ..."
            return self.cue.fullmatch(mention.surface) is not None
        return not self.antecedents or mention.surface.lower() in self.antecedents

    def to_config(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cue": self.cue.pattern[len(_LEFT) : -len(_RIGHT)]}
        if self.antecedents:
            out["antecedents"] = sorted(self.antecedents)
        if self.shared:
            out["shared"] = True
        if self.unless_after is not None:
            out["unless_after"] = self.unless_after.pattern[len(r"\W*(?:") : -len(r")(?!\w)")]
        return out


def parse_carry_over(raw: Any, where: str) -> list[CarryOver]:
    rules = []
    for i, item in enumerate(raw or []):
        here = f"{where} rule {i + 1}"
        if not isinstance(item, Mapping) or "cue" not in item:
            raise ValueError(
                f"{here}: needs 'cue' (a regular expression) and optional 'antecedents'"
            )
        unknown = set(item) - {"cue", "antecedents", "unless_after", "shared"}
        if unknown:
            raise ValueError(f"{here}: unknown keys {sorted(unknown)}")
        try:
            cue = re.compile(f"{_LEFT}{item['cue']}{_RIGHT}", re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"{here}: bad cue {item['cue']!r}: {exc}") from None
        if cue.fullmatch("") is not None:
            raise ValueError(f"{here}: cue {item['cue']!r} matches the empty string")
        antecedents = item.get("antecedents") or []
        if isinstance(antecedents, str):
            raise ValueError(f"{here}: 'antecedents' is a list of surfaces")
        unless = item.get("unless_after")
        try:
            unless_rx = re.compile(rf"\W*(?:{unless})(?!\w)", re.IGNORECASE) if unless else None
        except re.error as exc:
            raise ValueError(f"{here}: bad unless_after {unless!r}: {exc}") from None
        rules.append(
            CarryOver(
                cue,
                frozenset(str(a).lower() for a in antecedents),
                unless_rx,
                bool(item.get("shared", False)),
            )
        )
    return rules


def resolve_references(sentences: list[Sentence], lexicon: ActorLexicon) -> None:
    """Apply the antecedent and carry-over rules to segmented sentences, in place."""
    needs = {
        (a.actor, a.text)
        for aliases in lexicon.actors.values()
        for a in aliases
        if a.needs_antecedent
    }
    if not needs and not lexicon.carry_over:
        return
    for i, sentence in enumerate(sentences):
        if needs:
            sentence.mentions = [
                m
                for m in sentence.mentions
                if not _needs(m, needs) or _named_before(sentences, i, m)
            ]
        if lexicon.carry_over and i > 0:
            sentence.mentions = _carry_over(sentences[i - 1], sentence, lexicon)


def _needs(mention: Mention, needs: set[tuple[str, str | None]]) -> bool:
    if mention.how != "role_noun":
        return False
    return any(
        actor == mention.actor and (text or "").lower() == mention.surface.lower()
        for actor, text in needs
    )


def _named_before(sentences: list[Sentence], i: int, mention: Mention) -> bool:
    def named(m: Mention) -> bool:
        return m.actor == mention.actor and m.is_actor and m.how != "role_noun"

    if any(named(m) and m.end <= mention.start for m in sentences[i].mentions):
        return True
    lo = max(0, i - ANTECEDENT_WINDOW)
    return any(named(m) for s in sentences[lo:i] for m in s.mentions)


def _carry_over(prev: Sentence, sentence: Sentence, lexicon: ActorLexicon) -> list[Mention]:
    mentions = list(sentence.mentions)
    present = set(sentence.actors)
    taken: set[tuple[int, int]] = {(m.start, m.end) for m in mentions}
    # every cue span of every rule, with the candidate antecedents for it
    claims: dict[tuple[int, int], list[tuple[int, str]]] = {}
    shared: list[tuple[tuple[int, int], str]] = []
    if not any(m.is_actor for m in prev.mentions):
        return mentions  # nothing to carry over
    for actor, rules in lexicon.carry_over.items():
        for rule in rules:
            if not any(m.actor == actor and rule.takes(m) for m in (*prev.mentions, *mentions)):
                continue  # no antecedent to claim or to block a cue with
            match = _first_cue(rule, sentence, taken)
            if match is None:
                continue
            span = (match.start() + sentence.start, match.end() + sentence.start)
            # the nearest antecedent: in this sentence before the cue, else the previous one
            here = [
                m.start
                for m in sentence.mentions
                if m.actor == actor and rule.takes(m) and m.end <= span[0]
            ]
            before = [m.start for m in prev.mentions if m.actor == actor and rule.takes(m)]
            if rule.shared and before and actor not in present:
                shared.append((span, actor))
            elif here or before:
                position = max(here) if here else max(before) - (10**9)
                claims.setdefault(span, []).append((position, actor))
    found = [(span, actor) for span, candidates in claims.items() for actor in _nearest(candidates)]
    for (start, end), actor in sorted(found + shared):
        if actor in present:
            continue  # the pair is there already
        offset = sentence.start
        surface = sentence.text[start - offset : end - offset]
        mentions.append(Mention(actor, start, end, surface, False, "actor", "", "carry_over"))
        present.add(actor)
    mentions.sort(key=lambda m: m.start)
    return mentions


def _nearest(candidates: list[tuple[int, str]]) -> list[str]:
    """The actor whose antecedent is nearest; none when it stands in the cue's own sentence."""
    position, actor = max(candidates)
    return [] if position >= 0 else [actor]


def _first_cue(
    rule: CarryOver, sentence: Sentence, taken: set[tuple[int, int]]
) -> re.Match[str] | None:
    for match in rule.cue.finditer(sentence.text):
        span = (match.start() + sentence.start, match.end() + sentence.start)
        if span in taken:
            continue
        if rule.unless_after is not None and rule.unless_after.match(sentence.text, match.end()):
            continue  # e.g. "he said": the speaker, not the antecedent
        return match
    return None
