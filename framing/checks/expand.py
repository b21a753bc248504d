"""Suites → cases: templates filled from the suite's lists and the actor config.

The noun phrases that fill ``{actor}`` / ``{actor_alias}`` come from the actor config:
either every plain (not ambiguous, not a pattern, not dated, not a role noun) alias of an
actor, or the phrases the suite lists under ``actors:``, each checked against the config
(the matcher must find exactly that actor in it). ``{actor}`` is an actor's first phrase (its canonical
name when that is an alias), ``{actor_alias}`` a phrase drawn for each case;
``{other}`` / ``{other_alias}`` the same for a second, different actor.

Fillers are drawn with a random generator seeded by suite, capability, test and actor,
so the same suite gives the same cases on every machine. Every rendered sentence is
checked: the actor config must find the actor it is scored for, exactly as inference
would, or the suite is refused.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from framing.actors import ActorLexicon, Alias
from framing.checks.suite import SENTENCE_SLOT, CheckError, Suite, TestSpec, slot_names

MAX_TRIES_PER_CASE = 30  # draws per wanted case before a test settles for fewer unique cases


@dataclass(frozen=True, slots=True)
class Pair:
    """One (sentence, actor) the model is asked about."""

    text: str
    actor: str


@dataclass(frozen=True, slots=True)
class Case:
    """One expanded test instance; it passes or fails as a whole.

    ``pairs`` are scored in order: MFT — each pair against ``expect`` (same order);
    INV — all pairs must get one label; DIR — pair 2 against pair 1 by ``direction``.
    ``actors``: the actors the case counts for in per-actor pass rates.
    """

    suite: str
    capability: str
    test: str
    type: str
    pairs: tuple[Pair, ...]
    actors: tuple[str, ...]
    expect: tuple[tuple[str, ...], ...] = ()
    direction: str | None = None
    tolerance: float = 0.0


def _plain(alias: Alias) -> bool:
    """An alias that means its actor in any sentence: literal text, not ambiguous, not
    dated (it would need the suite's ``date``), not a role noun needing an antecedent."""
    return bool(
        alias.text
        and not alias.ambiguous
        and alias.start is None
        and alias.end is None
        and alias.how == "alias"
        and not alias.needs_antecedent
    )


def actor_phrases(suite: Suite, lexicon: ActorLexicon) -> dict[str, tuple[str, ...]]:
    """Per actor, the noun phrases that fill its slots (checked against the actor config)."""
    if suite.actors is None:
        out = {}
        for actor, aliases in lexicon.actors.items():
            plain = tuple(a.text for a in aliases if _plain(a))
            if not plain:
                raise CheckError(
                    f"{suite.path}: actor {actor!r} of the actor config {lexicon.name!r} "
                    "has no plain alias; list its phrases under 'actors:'"
                )
            out[actor] = plain
        return out
    for actor, phrases in suite.actors.items():
        if actor not in lexicon.actors:
            raise CheckError(
                f"{suite.path}: actors.{actor}: not an actor of the actor config "
                f"{lexicon.name!r} ({', '.join(lexicon.names)})"
            )
        for phrase in phrases:
            found = [m.actor for m in lexicon.find(phrase, date=suite.date)]
            if found != [actor]:
                raise CheckError(
                    f"{suite.path}: actors.{actor}: {phrase!r} is not one mention of {actor} "
                    f"for the actor config {lexicon.name!r} (it finds {found or 'nothing'})"
                )
    return dict(suite.actors)


def expand_suite(suite: Suite, lexicon: ActorLexicon) -> list[Case]:
    """Every case of every test of ``suite``, in file order."""
    phrases = actor_phrases(suite, lexicon)
    cases: list[Case] = []
    for cap in suite.capabilities:
        for test in cap.tests:
            cases.extend(_expand_test(suite, cap.name, test, phrases, lexicon))
    return cases


def _expand_test(
    suite: Suite,
    capability: str,
    test: TestSpec,
    phrases: Mapping[str, Sequence[str]],
    lexicon: ActorLexicon,
) -> list[Case]:
    where = f"{suite.path}: capability {capability!r}, test {test.name!r}"
    if test.actor is not None and test.actor not in phrases:
        raise CheckError(f"{where}: actor {test.actor!r} is not in the actor config")
    uses_other = any(s in ("other", "other_alias") for t in test.templates() for s in slot_names(t))
    if uses_other and len(phrases) < 2:
        raise CheckError(f"{where}: {{other}} needs at least two actors")
    if test.over_actors:
        groups = [("*", list(phrases))]
    else:
        groups = [(a, [a]) for a in ([test.actor] if test.actor else list(phrases))]
    cases: list[Case] = []
    for seed_actor, actors in groups:
        rng = random.Random(f"{suite.name}/{capability}/{test.name}/{seed_actor}")
        seen: set[tuple[Pair, ...]] = set()
        for _ in range(test.n * MAX_TRIES_PER_CASE):
            if len(seen) >= test.n:
                break
            case = _draw(suite, capability, test, actors, phrases, rng)
            if case.pairs in seen:
                continue
            seen.add(case.pairs)
            for pair in case.pairs:
                _check_mention(where, pair, lexicon, suite.date)
            cases.append(case)
    return cases


def _draw(
    suite: Suite,
    capability: str,
    test: TestSpec,
    actors: Sequence[str],
    phrases: Mapping[str, Sequence[str]],
    rng: random.Random,
) -> Case:
    fillers = _draw_fillers(suite.lists, test.templates(), rng)
    common = {"suite": suite.name, "capability": capability, "test": test.name, "type": test.type}
    if test.over_actors:
        pairs = []
        for actor in actors:
            slots = {**fillers, **_actor_slots(actor, None, phrases, rng)}
            pairs.append(Pair(_render(test.template, slots), actor))
        return Case(pairs=tuple(pairs), actors=tuple(actors), **common)
    actor = actors[0]
    other = rng.choice([a for a in phrases if a != actor]) if len(phrases) > 1 else None
    slots = {**fillers, **_actor_slots(actor, other, phrases, rng)}
    first = _render(test.template, slots)
    # a test for a named actor (``actor:``) is scored for that actor only
    if test.type == "mft":
        targets = {"actor": actor, "other": other}
        slots_scored = [s for s in ("actor", "other") if s in test.expect]
        pairs = tuple(Pair(first, targets[s]) for s in slots_scored)
        expect = tuple(test.expect[s] for s in slots_scored)
        involved = tuple(dict.fromkeys(p.actor for p in pairs))
        return Case(pairs=pairs, actors=involved, expect=expect, **common)
    if test.type == "inv":
        texts = [first]
        texts += [
            _render(p, {**slots, SENTENCE_SLOT: first}, capitalise=False) for p in test.perturb
        ]
        return Case(pairs=tuple(Pair(t, actor) for t in texts), actors=(actor,), **common)
    assert test.then is not None
    second = _render(test.then, slots)
    return Case(
        pairs=(Pair(first, actor), Pair(second, actor)),
        actors=(actor,),
        direction=test.direction,
        tolerance=test.tolerance,
        **common,
    )


def _draw_fillers(
    lists: Mapping[str, Sequence[str]], templates: Iterable[str], rng: random.Random
) -> dict[str, str]:
    """One filler per list slot used by the templates or by the fillers they draw."""
    wanted = {s for t in templates for s in slot_names(t) if s in lists}
    wanted |= {s for name in wanted for v in lists[name] for s in slot_names(v)}
    raw = {name: rng.choice(list(lists[name])) for name in sorted(wanted)}
    # a filler may hold slots itself ("a market in {place}"): they take the case's fillers
    return {name: value.format_map(raw) for name, value in raw.items()}


def _actor_slots(
    actor: str, other: str | None, phrases: Mapping[str, Sequence[str]], rng: random.Random
) -> dict[str, str]:
    slots = {"actor": phrases[actor][0], "actor_alias": rng.choice(list(phrases[actor]))}
    if other is not None:
        slots["other"] = phrases[other][0]
        slots["other_alias"] = rng.choice(list(phrases[other]))
    return slots


def _render(template: str, slots: Mapping[str, str], capitalise: bool = True) -> str:
    text = " ".join(template.format_map(slots).split())
    return text[:1].upper() + text[1:] if capitalise else text


def _check_mention(where: str, pair: Pair, lexicon: ActorLexicon, date: str | None) -> None:
    if pair.actor not in {m.actor for m in lexicon.find(pair.text, date=date)}:
        raise CheckError(
            f"{where}: the actor config {lexicon.name!r} finds no mention of {pair.actor} "
            f"in {pair.text!r}, so inference would never score this pair"
        )


def count_cases(cases: Iterable[Case]) -> dict[str, dict[str, int]]:
    """Cases per capability and actor (``{capability: {actor: n}}``)."""
    out: dict[str, dict[str, int]] = {}
    for case in cases:
        per = out.setdefault(case.capability, {})
        for actor in case.actors:
            per[actor] = per.get(actor, 0) + 1
    return out
