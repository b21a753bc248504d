"""Actor lexicon from config → mention spans.

The lexicon is data (``framing/conf/actors/*.yaml``), never code. Each actor has a
canonical name and aliases; an alias is a literal string, or a mapping with
``alias`` (or ``pattern`` for a regular expression), ``case_sensitive`` and
``ambiguous``. Matching rules (see the config file's header for the user view):

* word-bounded: an alias never matches inside a longer word;
* longest match first: at any position the longest alias wins
  ("Bashar al-Assad" over "Assad"), and matches never overlap;
* case-aware: an alias matches as written, capitalised when it starts in lower
  case ("the Kremlin" → "The Kremlin"), or in capitals; acronyms (all capitals) and ``case_sensitive`` aliases match
  only as written;
* possessives and apostrophes: ``'`` and ``’`` are interchangeable inside
  aliases, and "Russia's" / "Kremlin’s" match "Russia" / "Kremlin";
* ``title_case: true`` also matches a literal alias in headline form, each word
  capitalised but "the", "of", "in" and the like ("the health ministry" → "the Health
  Ministry");
* ``ambiguous`` aliases are matched and flagged on the :class:`Mention`; an
  alias's context ``rules`` decide the mention's sense (:mod:`framing.senses`);
* ``start`` / ``end`` (ISO dates, start inclusive, end exclusive) bound when an
  alias means its actor: "Damascus" is Assad's government before 2024-12-08 and
  the transitional government after. The article's date decides; without a date,
  dated aliases are not matched, unless ``undated_context`` (a regex) matches the
  article ("the former president" in an undated article about Syria). One spelling
  may name two actors in disjoint date ranges;
* ``context`` (a regex) limits an alias to articles whose text matches it within the
  lexicon's ``context_window`` characters of the mention (:data:`CONTEXT_WINDOW` by
  default; ``null``: anywhere), dated or not, and an actor's ``role_noun_context`` is the
  ``context`` of each of its role nouns ("the president" is Assad's only in news about
  Syria); a text shorter than :data:`CONTEXT_MIN_CHARS` is not judged;
* ``role_nouns`` are aliases found by role or metonymy ("the group", "the
  ministry"); with ``needs_antecedent`` they count only after a named mention of
  the actor (see :mod:`framing.references`, which also holds ``carry_over``);
* a top-level ``patterns`` mapping names regular expressions that the others call
  as ``(?&name)``; they are expanded when the config loads (:mod:`framing.patterns`).

One alias's config keys are read and written by :mod:`framing.actor_config`.

All aliases (:class:`framing.aliases.Alias`) are compiled into one regular expression
whose alternatives are factored into a prefix trie (:class:`framing.aliases.AliasTrie`), so a sentence is scanned once, whatever the
lexicon's size. When the lexicon has literal aliases only (no ``pattern``) and
``pyahocorasick`` is installed, the scan is an Aho-Corasick automaton instead,
about twice as fast; it finds the same mentions (see :meth:`ActorLexicon.find`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from framing.actor_config import ACTOR_KEYS, alias_to_config, article_regex, parse_alias
from framing.aliases import Alias, AliasTrie, pattern_body
from framing.corpus import Mention
from framing.dates import iso_day
from framing.patterns import resolve_patterns
from framing.references import CarryOver, ReferenceRules, parse_carry_over
from framing.resources import CONFIG_DIR

try:
    import ahocorasick
except ImportError:  # the regex scan finds the same mentions, only slower
    ahocorasick = None

_WORD = r"[^\W_]"
# a text shorter than this (a sentence or two) is not judged by an alias's ``context``:
# whether its article is about Syria is not in it
CONTEXT_MIN_CHARS = 400
# how far (characters, either side) from a mention its alias's ``context`` must match, by
# default: about two paragraphs; ``context_window: null`` in the YAML means anywhere
CONTEXT_WINDOW = 1200


class ActorLexicon:
    """Canonical actors with their aliases; :meth:`find` returns mentions in a text."""

    def __init__(
        self,
        actors: Mapping[str, Iterable[Alias]],
        name: str = "actors",
        carry_over: Mapping[str, Iterable[CarryOver]] | None = None,
        context_window: int | None = CONTEXT_WINDOW,
    ) -> None:
        self.name = name
        if context_window is not None and (
            isinstance(context_window, bool)
            or not isinstance(context_window, int)
            or context_window < 1
        ):
            raise ValueError(
                f"actor lexicon {name!r}: context_window must be a positive whole number of "
                f"characters or null (the whole article), got {context_window!r}"
            )
        self.context_window = context_window
        self.actors: dict[str, list[Alias]] = {a: list(al) for a, al in actors.items()}
        if not self.actors:
            raise ValueError(f"actor lexicon {name!r} defines no actors")
        self.carry_over: dict[str, list[CarryOver]] = {
            a: list(rules) for a, rules in (carry_over or {}).items() if rules
        }
        self.references = ReferenceRules(
            {
                (a.actor, (a.text or "").lower())
                for aliases in self.actors.values()
                for a in aliases
                if a.needs_antecedent
            },
            self.carry_over,
        )
        self._literal: dict[str, list[Alias]] = {}
        regex_parts: list[tuple[str, Alias]] = []
        for actor, aliases in self.actors.items():
            if not aliases:
                raise ValueError(f"actor lexicon {name!r}: actor {actor!r} has no aliases")
            for alias in aliases:
                if alias.pattern is not None:
                    regex_parts.append((alias.pattern, alias))
                    continue
                for variant in alias.variants():
                    same = self._literal.setdefault(variant, [])
                    for prev in same:
                        if prev.actor != actor and prev.overlaps(alias):
                            raise ValueError(
                                f"actor lexicon {name!r}: alias {variant!r} given for both "
                                f"{prev.actor!r} and {actor!r} (give them disjoint start/end dates)"
                            )
                    same[:] = [p for p in same if p.actor != actor or not p.overlaps(alias)]
                    same.append(alias)
        # spellings of one alias valid on any date and in any article: looked up without
        # a check
        self._undated: dict[str, Alias] = {
            variant: same[0]
            for variant, same in self._literal.items()
            if len(same) == 1
            and same[0].start is None
            and same[0].end is None
            and same[0].context is None
        }
        every = [a for aliases in self.actors.values() for a in aliases]
        # undated_context expressions, searched once per undated article that needs them;
        # context expressions, once per article of CONTEXT_MIN_CHARS or more
        self._contexts: dict[str, re.Pattern[str]] = {
            a.undated_context: re.compile(a.undated_context) for a in every if a.undated_context
        }
        self._gates: dict[str, re.Pattern[str]] = {
            a.context: re.compile(a.context) for a in every if a.context
        }
        trie = AliasTrie()
        for variant in self._literal:
            trie.add(variant)
        alternatives = []
        if self._literal:
            alternatives.append(f"(?P<lit>{trie.pattern()})")
        self._patterns: list[Alias] = []
        self._pattern_regexes: list[re.Pattern[str]] = []
        for i, (pattern, alias) in enumerate(regex_parts):
            body = pattern_body(pattern, alias.case_sensitive)
            alternatives.append(f"(?P<p{i}>{body})")
            self._patterns.append(alias)
            self._pattern_regexes.append(re.compile(rf"{body}(?!{_WORD})"))
        # the literal trie is greedy (longest first); patterns come after it
        # no look-behind at the start, so the regex engine can skip ahead on the
        # first character; the left word boundary is checked in :meth:`find`
        self._regex = re.compile(rf"(?:{'|'.join(alternatives)})(?!{_WORD})")
        self._automaton = self._build_automaton()

    def _build_automaton(self) -> Any:
        """An Aho-Corasick automaton of the literal spellings, when it can replace the regex."""
        if ahocorasick is None or self._patterns or not self._literal:
            return None
        automaton = ahocorasick.Automaton()
        for variant in self._literal:
            automaton.add_word(variant, len(variant))
        automaton.make_automaton()
        return automaton

    # ------------------------------------------------------------------
    @classmethod
    def from_config(cls, config: Mapping[str, Any], name: str | None = None) -> ActorLexicon:
        """Build from a mapping shaped like ``framing/conf/actors/syria.yaml``."""
        if "actors" not in config:
            raise ValueError(
                "actor config needs an 'actors' mapping: {canonical name: {aliases: [...]}}"
            )
        lexicon_name = name or str(config.get("name", "actors"))
        patterns = resolve_patterns(config.get("patterns"), lexicon_name)
        actors: dict[str, list[Alias]] = {}
        carry: dict[str, list[CarryOver]] = {}
        for actor, spec in dict(config["actors"]).items():
            if isinstance(spec, Mapping):
                unknown = set(spec) - set(ACTOR_KEYS)
                if unknown:
                    raise ValueError(
                        f"actor lexicon {lexicon_name!r}: actor {actor!r} has unknown keys "
                        f"{sorted(unknown)} (allowed: {', '.join(ACTOR_KEYS)})"
                    )
            raw_aliases = spec.get("aliases", []) if isinstance(spec, Mapping) else spec
            aliases = [
                parse_alias(str(actor), raw, lexicon_name, patterns=patterns)
                for raw in (raw_aliases or [])
            ]
            if isinstance(spec, Mapping):
                default_context = None
                if spec.get("role_noun_context") is not None:
                    default_context = article_regex(
                        spec["role_noun_context"],
                        f"actor lexicon {lexicon_name!r}: {actor!r} role_noun_context",
                        patterns,
                    )
                aliases += [
                    parse_alias(
                        str(actor), raw, lexicon_name, "role_noun", patterns, default_context
                    )
                    for raw in (spec.get("role_nouns") or [])
                ]
                carry[str(actor)] = parse_carry_over(
                    spec.get("carry_over"),
                    f"actor lexicon {lexicon_name!r}: {actor!r} carry_over",
                    patterns,
                )
            actors[str(actor)] = aliases
        window = config.get("context_window", CONTEXT_WINDOW)
        return cls(actors, name=lexicon_name, carry_over=carry, context_window=window)

    @classmethod
    def from_yaml(cls, path: str | Path) -> ActorLexicon:
        path = Path(path)
        with path.open(encoding="utf-8") as fh:
            config = yaml.safe_load(fh)
        if not isinstance(config, Mapping):
            raise ValueError(f"{path}: an actor config must be a mapping")
        return cls.from_config(config, name=str(config.get("name", path.stem)))

    @property
    def names(self) -> list[str]:
        return list(self.actors)

    def to_config(self) -> dict[str, Any]:
        """A plain mapping that :meth:`from_config` accepts (saved in model manifests)."""
        actors = {}
        for actor, aliases in self.actors.items():
            spec: dict[str, Any] = {"aliases": []}
            for a in aliases:
                key = "role_nouns" if a.how == "role_noun" else "aliases"
                spec.setdefault(key, []).append(alias_to_config(a))
            if self.carry_over.get(actor):
                spec["carry_over"] = [c.to_config() for c in self.carry_over[actor]]
            actors[actor] = spec
        return {"name": self.name, "context_window": self.context_window, "actors": actors}

    # ------------------------------------------------------------------
    def find(self, text: str, offset: int = 0, date: str | None = None) -> list[Mention]:
        """Mentions in ``text``; offsets are shifted by ``offset``.

        ``date`` (the article's) picks among dated aliases, read as a day by
        :func:`framing.dates.iso_day` ("30/11/2024" compared as text would sort after
        "2024-12-08"); without one, or with one that names no single day, a dated alias
        counts only where ``text`` matches its ``undated_context``. Each mention's sense is
        decided by its alias's context rules (``sense`` / ``sense_reason``).
        """
        date = iso_day(date)
        contexts = self.article_contexts(text, date)
        if self._automaton is not None:
            return self._find_literal(text, offset, date, contexts)
        return self._find_regex(text, offset, date, contexts)

    def undated_contexts(self, text: str) -> frozenset[str]:
        """The aliases' ``undated_context`` expressions that ``text`` matches."""
        return frozenset(src for src, rx in self._contexts.items() if rx.search(text))

    def _near_context(self, alias: Alias, text: str, start: int, end: int) -> bool:
        """Whether ``alias``'s ``context`` (if any) matches within ``context_window`` of the
        mention (the article-level match, :meth:`article_contexts`, came first)."""
        if alias.context is None or self.context_window is None or len(text) < CONTEXT_MIN_CHARS:
            return True
        window = self.context_window
        return (
            self._gates[alias.context].search(text, max(0, start - window), end + window)
            is not None
        )

    def article_contexts(self, text: str, date: str | None = None) -> frozenset[str]:
        """The ``context`` expressions that ``text`` matches (all of them for a text under
        :data:`CONTEXT_MIN_CHARS`: a lone sentence does not say what its article is about),
        and without a ``date`` the ``undated_context`` ones."""
        if len(text) < CONTEXT_MIN_CHARS:
            gates = frozenset(self._gates)
        else:
            gates = frozenset(src for src, rx in self._gates.items() if rx.search(text))
        return (gates | self.undated_contexts(text)) if not date else gates

    def alias_for(
        self, surface: str, date: str | None, contexts: frozenset[str] = frozenset()
    ) -> Alias | None:
        """The literal alias a matched ``surface`` (one of its spellings) stands for on
        ``date`` (without a date: in an article matching ``contexts``); None for a
        spelling no literal alias has (a pattern alias's match)."""
        for alias in self._literal.get(surface, ()):
            if alias.valid_on(date, contexts):
                return alias
        return None

    def _find_literal(
        self,
        text: str,
        offset: int = 0,
        date: str | None = None,
        contexts: frozenset[str] = frozenset(),
    ) -> list[Mention]:
        """:meth:`_find_regex` for lexicons of literal aliases, with Aho-Corasick.

        The trie regex, tried at one position, takes the longest spelling there
        that is not followed by a word character (its alternatives are
        deterministic, so it backtracks from longer to shorter spellings only);
        the search takes the leftmost position where one exists; a match with a
        word character before it is dropped and the search goes on one position
        later; after a kept match it goes on at its end. The automaton reports
        every occurrence of every spelling, so the same choice is: per start, the
        longest occurrence with a right word boundary; then, left to right, the
        starts with a left word boundary that do not overlap the last kept match.
        ``str.isalnum`` on one character is the regex's word character less "_".
        """
        n = len(text)
        longest: dict[int, int] = {}  # start -> end of the longest bounded spelling
        for last, length in self._automaton.iter(text):
            end = last + 1
            if end < n and text[end].isalnum():
                continue  # inside a longer word on the right
            start = end - length
            if longest.get(start, -1) < end:
                longest[start] = end
        out = []
        pos = 0
        undated = self._undated
        for start in sorted(longest):
            if start < pos or (start > 0 and text[start - 1].isalnum()):
                continue  # overlaps the last mention, or inside a longer word on the left
            end = longest[start]
            surface = text[start:end]
            alias = undated.get(surface) or self.alias_for(surface, date, contexts)
            pos = end
            if alias is not None and self._near_context(alias, text, start, end):
                out.append(alias.mention(text, start, end, offset))
        return out

    def _find_regex(
        self,
        text: str,
        offset: int = 0,
        date: str | None = None,
        contexts: frozenset[str] = frozenset(),
    ) -> list[Mention]:
        """Mentions found with the trie regex (and any ``pattern`` aliases)."""
        out = []
        search = self._regex.search
        pos = 0
        while (m := search(text, pos)) is not None:
            start, end = m.start(), m.end()
            if end == start or (start > 0 and text[start - 1].isalnum()):
                pos = start + 1
                continue
            if m.lastgroup == "lit":
                alias = self.alias_for(m.group(), date, contexts)
            else:
                alias = self._patterns[int(m.lastgroup[1:])]
            # longest match first, across literal and pattern aliases
            for pat_alias, rx in zip(self._patterns, self._pattern_regexes, strict=True):
                pm = rx.match(text, start)
                if pm is not None and pm.end() > end:
                    alias, end = pat_alias, pm.end()
            pos = end
            if alias is None or not alias.valid_on(date, contexts):
                continue
            if not self._near_context(alias, text, start, end):
                continue
            out.append(alias.mention(text, start, end, offset))
        return out


DEFAULT_ACTORS = CONFIG_DIR / "actors" / "syria.yaml"


def load_lexicon(spec: str | Path | Mapping[str, Any] | ActorLexicon | None = None) -> ActorLexicon:
    """An :class:`ActorLexicon` from a path, a config mapping, or the packaged default."""
    if isinstance(spec, ActorLexicon):
        return spec
    if spec is None:
        return ActorLexicon.from_yaml(DEFAULT_ACTORS)
    if isinstance(spec, Mapping):
        return ActorLexicon.from_config(spec)
    from framing.config_checks import check_actors_file

    return ActorLexicon.from_yaml(check_actors_file(spec))
