"""Behavioural check suites as data: the file format and its loader.

A suite is one YAML file (see ``framing/checks/suites/README.md`` for the user view)::

    suite: stance                 # name (default: the file's stem)
    description: ...
    task: stance
    cases_per_actor: 5            # default n of every test
    actors:                       # optional: which actors of the actor config to use,
      Russia: [Russia, the Kremlin, Russian forces]   # and the noun phrases that fill
      HTS: [HTS, al-Sharaa]                            # {actor} / {actor_alias}
    lists:                        # slot fillers: {place}, {official}, ...
      place: [Aleppo, Homs]
    capabilities:
      - name: negation
        description: ...
        tests:
          - {type: mft, name: ..., template: "...", expect: negative}
          - {type: inv, name: ..., template: "...", perturb: ["{sentence} Read more"]}
          - {type: inv, name: ..., template: "...", over_actors: true}
          - {type: dir, name: ..., template: "...", then: "...", direction: down}

Loading checks the structure and every slot name, so a bad file fails at once with
one line naming the file and the record (capability and test) that is wrong.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from framing.actor_config import iso_date

TEST_TYPES = ("mft", "inv", "dir")
DIRECTIONS = ("up", "down", "no_flip")
ACTOR_SLOTS = ("actor", "actor_alias", "other", "other_alias")
SENTENCE_SLOT = "sentence"  # the expanded template, inside an INV ``perturb`` string
EXPECT_SLOTS = ("actor", "other")
DEFAULT_CASES_PER_ACTOR = 5

_SUITE_KEYS = {
    "suite",
    "description",
    "task",
    "cases_per_actor",
    "actors",
    "lists",
    "capabilities",
    "polarity",
    "date",
}
_CAPABILITY_KEYS = {"name", "description", "tests"}
_TEST_KEYS = {
    "type",
    "name",
    "template",
    "expect",
    "perturb",
    "over_actors",
    "then",
    "direction",
    "tolerance",
    "actor",
    "n",
}


class CheckError(ValueError):
    """A suite file, or a suite against a model, that cannot be used (one line)."""


@dataclass(frozen=True, slots=True)
class TestSpec:
    """One test of a capability, before expansion.

    ``expect`` (MFT): slot name (``actor`` / ``other``) → accepted labels.
    ``perturb`` (INV): strings holding ``{sentence}``; ``over_actors`` (INV): the
    template rendered for every actor. ``then`` / ``direction`` / ``tolerance`` (DIR).
    ``actor``: the test is for this actor only (its template names the actor itself).
    """

    type: str
    name: str
    template: str
    n: int
    expect: dict[str, tuple[str, ...]] = field(default_factory=dict)
    perturb: tuple[str, ...] = ()
    over_actors: bool = False
    then: str | None = None
    direction: str | None = None
    tolerance: float = 0.0
    actor: str | None = None

    def templates(self) -> list[str]:
        """Every string of the test that holds slots."""
        return [self.template, *self.perturb, *([self.then] if self.then else [])]


@dataclass(frozen=True, slots=True)
class Capability:
    name: str
    description: str
    tests: tuple[TestSpec, ...]


@dataclass(frozen=True, slots=True)
class Suite:
    name: str
    path: Path
    description: str
    task: str
    actors: dict[str, tuple[str, ...]] | None  # None: every actor of the actor config
    lists: dict[str, tuple[str, ...]]
    capabilities: tuple[Capability, ...]
    polarity: dict[str, str]  # {"plus": label, "minus": label}: the net score of DIR tests
    # the date the check sentences are read on (dated aliases of the actor config:
    # "the former regime" is Assad's from 2024-12-08); None: undated
    date: str | None = None

    def labels(self) -> set[str]:
        """Every label the suite's expectations and DIR tests name."""
        out = set(self.polarity.values())
        for cap in self.capabilities:
            for test in cap.tests:
                for accepted in test.expect.values():
                    out.update(accepted)
        return out


def slot_names(template: str) -> list[str]:
    """The ``{slot}`` names in a template (``{{`` and ``}}`` are literal braces)."""
    return [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]


# ---------------------------------------------------------------------------
def load_suite(path: str | Path) -> Suite:
    """Read and check one suite file; a problem raises :class:`CheckError` naming file and record."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckError(f"{path}: no such suite file") from None
    except UnicodeDecodeError as exc:
        raise CheckError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CheckError(f"{path}: invalid YAML{where}: {problem}") from None
    if not isinstance(raw, Mapping):
        raise CheckError(f"{path}: a suite must be a mapping with 'capabilities'")
    return _parse_suite(raw, path)


def _fail(path: Path, where: str, reason: str) -> CheckError:
    return CheckError(f"{path}: {where}: {reason}" if where else f"{path}: {reason}")


def _str_list(value: Any, path: Path, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list) or not value:
        raise _fail(path, where, "must be a non-empty list of strings")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, where, "must hold non-empty strings only")
    return tuple(value)


def _parse_suite(raw: Mapping[str, Any], path: Path) -> Suite:
    unknown = set(raw) - _SUITE_KEYS
    if unknown:
        raise _fail(path, "", f"unknown keys {sorted(unknown)} (allowed: {sorted(_SUITE_KEYS)})")
    name = str(raw.get("suite") or path.stem)
    task = str(raw.get("task", "stance"))
    default_n = raw.get("cases_per_actor", DEFAULT_CASES_PER_ACTOR)
    if not isinstance(default_n, int) or default_n < 1:
        raise _fail(path, "cases_per_actor", f"must be a positive integer, got {default_n!r}")
    lists_raw = raw.get("lists") or {}
    if not isinstance(lists_raw, Mapping):
        raise _fail(path, "lists", "must map slot names to lists of fillers")
    lists: dict[str, tuple[str, ...]] = {}
    for key, values in lists_raw.items():
        if key in ACTOR_SLOTS or key == SENTENCE_SLOT:
            raise _fail(path, f"lists.{key}", "is a reserved slot (filled from the actor config)")
        lists[str(key)] = _str_list(values, path, f"lists.{key}")
    actors = None
    if raw.get("actors") is not None:
        if not isinstance(raw["actors"], Mapping) or not raw["actors"]:
            raise _fail(path, "actors", "must map actor names to lists of noun phrases")
        actors = {str(a): _str_list(v, path, f"actors.{a}") for a, v in raw["actors"].items()}
    try:
        date = iso_date(raw.get("date"), "date")
    except ValueError:
        raise _fail(
            path, "date", f"must be an ISO date (YYYY-MM-DD), got {raw['date']!r}"
        ) from None
    polarity = {"plus": "positive", "minus": "negative", **dict(raw.get("polarity") or {})}
    if set(polarity) != {"plus", "minus"}:
        raise _fail(path, "polarity", "takes exactly 'plus' and 'minus' (labels)")
    caps_raw = raw.get("capabilities")
    if not isinstance(caps_raw, list) or not caps_raw:
        raise _fail(path, "capabilities", "must be a non-empty list")
    capabilities = []
    seen: set[str] = set()
    for i, cap in enumerate(caps_raw, 1):
        capability = _parse_capability(cap, i, path, lists, default_n)
        if capability.name in seen:
            raise _fail(path, f"capability {i}", f"name {capability.name!r} used twice")
        seen.add(capability.name)
        capabilities.append(capability)
    for cap in capabilities:
        for test in cap.tests:
            if actors is not None and test.actor is not None and test.actor not in actors:
                raise _fail(
                    path,
                    f"capability {cap.name!r}, test {test.name!r}",
                    f"actor {test.actor!r} is not in the suite's actors {sorted(actors)}",
                )
    return Suite(
        name=name,
        path=path,
        description=str(raw.get("description", "")).strip(),
        task=task,
        actors=actors,
        lists=lists,
        capabilities=tuple(capabilities),
        polarity={k: str(v) for k, v in polarity.items()},
        date=date,
    )


def _parse_capability(
    raw: Any, index: int, path: Path, lists: Mapping[str, Any], default_n: int
) -> Capability:
    where = f"capability {index}"
    if not isinstance(raw, Mapping):
        raise _fail(path, where, "must be a mapping with 'name' and 'tests'")
    unknown = set(raw) - _CAPABILITY_KEYS
    if unknown:
        raise _fail(path, where, f"unknown keys {sorted(unknown)}")
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise _fail(path, where, "needs a 'name'")
    name = raw["name"]
    where = f"capability {name!r}"
    tests_raw = raw.get("tests")
    if not isinstance(tests_raw, list) or not tests_raw:
        raise _fail(path, where, "needs a non-empty list of 'tests'")
    tests = []
    names: set[str] = set()
    for j, test_raw in enumerate(tests_raw, 1):
        test = _parse_test(test_raw, f"{where}, test {j}", path, lists, default_n)
        if test.name in names:
            raise _fail(path, f"{where}, test {j}", f"name {test.name!r} used twice")
        names.add(test.name)
        tests.append(test)
    return Capability(name, str(raw.get("description", "")).strip(), tuple(tests))


def _parse_test(
    raw: Any, where: str, path: Path, lists: Mapping[str, Any], default_n: int
) -> TestSpec:
    if not isinstance(raw, Mapping):
        raise _fail(path, where, "must be a mapping with 'type', 'name' and 'template'")
    if isinstance(raw.get("name"), str):
        where = f"{where} ({raw['name']!r})"
    unknown = set(raw) - _TEST_KEYS
    if unknown:
        raise _fail(path, where, f"unknown keys {sorted(unknown)}")
    kind = raw.get("type")
    if kind not in TEST_TYPES:
        raise _fail(path, where, f"type must be one of {list(TEST_TYPES)}, got {kind!r}")
    for key in ("name", "template"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _fail(path, where, f"needs a '{key}' string")
    n = raw.get("n", default_n)
    if not isinstance(n, int) or n < 1:
        raise _fail(path, where, f"n must be a positive integer, got {n!r}")
    allowed = {k: raw.get(k) for k in ("expect", "perturb", "over_actors", "then", "direction")}
    needs = {"mft": {"expect"}, "inv": set(), "dir": {"then", "direction"}}[kind]
    own = {"mft": {"expect"}, "inv": {"perturb", "over_actors"}, "dir": {"then", "direction"}}
    for key, value in allowed.items():
        if value is not None and key not in own[kind]:
            raise _fail(path, where, f"'{key}' does not belong to a {kind} test")
    for key in needs:
        if raw.get(key) is None:
            raise _fail(path, where, f"a {kind} test needs '{key}'")
    if kind == "inv" and bool(raw.get("perturb")) == bool(raw.get("over_actors")):
        raise _fail(path, where, "an inv test needs exactly one of 'perturb' or 'over_actors'")
    test = TestSpec(
        type=kind,
        name=raw["name"],
        template=raw["template"],
        n=n,
        expect=_parse_expect(raw.get("expect"), path, where) if kind == "mft" else {},
        perturb=_str_list(raw["perturb"], path, f"{where}: perturb") if raw.get("perturb") else (),
        over_actors=bool(raw.get("over_actors", False)),
        then=raw.get("then"),
        direction=raw.get("direction"),
        tolerance=float(raw.get("tolerance", 0.0)),
        actor=str(raw["actor"]) if raw.get("actor") is not None else None,
    )
    if kind == "dir" and test.direction not in DIRECTIONS:
        raise _fail(path, where, f"direction must be one of {list(DIRECTIONS)}")
    if kind == "dir" and not isinstance(test.then, str):
        raise _fail(path, where, "'then' must be a template string")
    _check_slots(test, where, path, lists)
    return test


def _parse_expect(value: Any, path: Path, where: str) -> dict[str, tuple[str, ...]]:
    """``negative``, ``[neutral, positive]`` or ``{actor: positive, other: negative}``."""
    mapping = value if isinstance(value, Mapping) else {"actor": value}
    out = {}
    for slot, labels in mapping.items():
        if slot not in EXPECT_SLOTS:
            raise _fail(path, where, f"expect names slot {slot!r}; use {list(EXPECT_SLOTS)}")
        accepted = (labels,) if isinstance(labels, str) else labels
        out[str(slot)] = _str_list(list(accepted or []), path, f"{where}: expect.{slot}")
    return out


def _check_slots(test: TestSpec, where: str, path: Path, lists: Mapping[str, Any]) -> None:
    known = set(lists) | set(ACTOR_SLOTS)
    for k, template in enumerate(test.templates()):
        try:
            names = slot_names(template)
        except ValueError as exc:
            raise _fail(path, where, f"bad template {template!r}: {exc}") from None
        is_perturb = 0 < k <= len(test.perturb)
        for slot in names:
            if slot == SENTENCE_SLOT and is_perturb:
                continue
            if slot not in known:
                raise _fail(path, where, f"unknown slot {{{slot}}} in {template!r}")
        if is_perturb and SENTENCE_SLOT not in names:
            raise _fail(path, where, f"perturb string {template!r} has no {{sentence}}")
    all_slots = {s for t in test.templates() for s in slot_names(t)}
    uses_actor = bool(all_slots & {"actor", "actor_alias"})
    if test.actor is None and not uses_actor:
        raise _fail(path, where, "the template names no {actor}/{actor_alias}: give 'actor'")
    if test.actor is not None and uses_actor:
        raise _fail(path, where, "'actor' is for templates without {actor}/{actor_alias} slots")
    if "other" in test.expect and not all_slots & {"other", "other_alias"}:
        raise _fail(path, where, "expect names 'other' but no template has {other}")
    if test.over_actors and all_slots & {"other", "other_alias"}:
        raise _fail(path, where, "an over_actors test cannot use {other}")
    # list values may hold slots of their own (one level of nesting, e.g. {place})
    for name in all_slots & set(lists):
        for value in lists[name]:
            for inner in slot_names(value):
                if inner not in lists:
                    raise _fail(path, f"lists.{name}", f"unknown slot {{{inner}}} in {value!r}")
