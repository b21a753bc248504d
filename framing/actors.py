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
* ``ambiguous`` aliases are matched and flagged on the :class:`Mention`.

All aliases are compiled into one regular expression whose alternatives are
factored into a prefix trie, so a sentence is scanned once, whatever the
lexicon's size. When the lexicon has literal aliases only (no ``pattern``) and
``pyahocorasick`` is installed, the scan is an Aho-Corasick automaton instead,
about twice as fast; it finds the same mentions (see :meth:`ActorLexicon.find`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from framing.corpus import Mention
from framing.resources import CONFIG_DIR

try:
    import ahocorasick
except ImportError:  # the regex scan finds the same mentions, only slower
    ahocorasick = None

_WORD = r"[^\W_]"


@dataclass(frozen=True, slots=True)
class Alias:
    actor: str
    text: str | None = None
    pattern: str | None = None
    case_sensitive: bool = False
    ambiguous: bool = False

    def variants(self) -> list[str]:
        """Literal spellings this alias matches (for literal aliases)."""
        assert self.text is not None
        base = {self.text}
        if "'" in self.text or "’" in self.text:
            base |= {self.text.replace("’", "'"), self.text.replace("'", "’")}
        if self.case_sensitive or (self.text.isupper() and len(self.text) <= 5):
            return sorted(base)
        out = set(base)
        for b in base:
            if b[:1].islower():  # "the Kremlin" also opens a sentence as "The Kremlin"
                out.add(b[:1].upper() + b[1:])
            if sum(c.isalpha() for c in b) >= 4:
                out.add(b.upper())
        return sorted(out)


class _Trie:
    """Build a regex alternation factored by common prefixes."""

    def __init__(self) -> None:
        self.root: dict[str, Any] = {}

    def add(self, word: str) -> None:
        node = self.root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def pattern(self) -> str:
        return self._node(self.root) or ""

    def _node(self, node: dict[str, Any]) -> str | None:
        if "" in node and len(node) == 1:
            return None
        alts = []
        optional = False
        # longer continuations are tried first because the end marker is tried last
        for ch in sorted(k for k in node if k):
            sub = self._node(node[ch])
            alts.append(re.escape(ch) + (sub or ""))
        if "" in node:
            optional = True
        if len(alts) == 1:
            result = alts[0]
            if optional:
                return f"(?:{result})?" if len(result) > 1 else f"{result}?"
            return result
        result = "(?:" + "|".join(alts) + ")"
        return result + "?" if optional else result


class ActorLexicon:
    """Canonical actors with their aliases; :meth:`find` returns mentions in a text."""

    def __init__(self, actors: Mapping[str, Iterable[Alias]], name: str = "actors") -> None:
        self.name = name
        self.actors: dict[str, list[Alias]] = {a: list(al) for a, al in actors.items()}
        if not self.actors:
            raise ValueError(f"actor lexicon {name!r} defines no actors")
        self._literal: dict[str, Alias] = {}
        regex_parts: list[tuple[str, Alias]] = []
        for actor, aliases in self.actors.items():
            if not aliases:
                raise ValueError(f"actor lexicon {name!r}: actor {actor!r} has no aliases")
            for alias in aliases:
                if alias.pattern is not None:
                    regex_parts.append((alias.pattern, alias))
                    continue
                for variant in alias.variants():
                    prev = self._literal.get(variant)
                    if prev is not None and prev.actor != actor:
                        raise ValueError(
                            f"actor lexicon {name!r}: alias {variant!r} given for both "
                            f"{prev.actor!r} and {actor!r}"
                        )
                    self._literal[variant] = alias
        trie = _Trie()
        for variant in self._literal:
            trie.add(variant)
        alternatives = []
        if self._literal:
            alternatives.append(f"(?P<lit>{trie.pattern()})")
        self._patterns: list[Alias] = []
        self._pattern_regexes: list[re.Pattern[str]] = []
        for i, (pattern, alias) in enumerate(regex_parts):
            body = _pattern_body(pattern, alias.case_sensitive)
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
        actors: dict[str, list[Alias]] = {}
        for actor, spec in dict(config["actors"]).items():
            if isinstance(spec, Mapping):
                unknown = set(spec) - {"aliases", "description"}
                if unknown:
                    raise ValueError(
                        f"actor lexicon {lexicon_name!r}: actor {actor!r} has unknown keys "
                        f"{sorted(unknown)} (allowed: aliases, description)"
                    )
            raw_aliases = spec.get("aliases", []) if isinstance(spec, Mapping) else spec
            aliases = [_parse_alias(str(actor), raw, lexicon_name) for raw in (raw_aliases or [])]
            actors[str(actor)] = aliases
        return cls(actors, name=lexicon_name)

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
            items = []
            for a in aliases:
                if a.pattern is None and not a.case_sensitive and not a.ambiguous:
                    items.append(a.text)
                else:
                    item: dict[str, Any] = (
                        {"pattern": a.pattern} if a.pattern else {"alias": a.text}
                    )
                    if a.case_sensitive:
                        item["case_sensitive"] = True
                    if a.ambiguous:
                        item["ambiguous"] = True
                    items.append(item)
            actors[actor] = {"aliases": items}
        return {"name": self.name, "actors": actors}

    # ------------------------------------------------------------------
    def find(self, text: str, offset: int = 0) -> list[Mention]:
        """Mentions in ``text``; offsets are shifted by ``offset``."""
        if self._automaton is not None:
            return self._find_literal(text, offset)
        return self._find_regex(text, offset)

    def _find_literal(self, text: str, offset: int = 0) -> list[Mention]:
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
        literal = self._literal
        pos = 0
        for start in sorted(longest):
            if start < pos or (start > 0 and text[start - 1].isalnum()):
                continue  # overlaps the last mention, or inside a longer word on the left
            end = longest[start]
            surface = text[start:end]
            alias = literal[surface]
            out.append(Mention(alias.actor, start + offset, end + offset, surface, alias.ambiguous))
            pos = end
        return out

    def _find_regex(self, text: str, offset: int = 0) -> list[Mention]:
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
                alias = self._literal.get(m.group())
            else:
                alias = self._patterns[int(m.lastgroup[1:])]
            # longest match first, across literal and pattern aliases
            for pat_alias, rx in zip(self._patterns, self._pattern_regexes, strict=True):
                pm = rx.match(text, start)
                if pm is not None and pm.end() > end:
                    alias, end = pat_alias, pm.end()
            pos = end
            if alias is None:
                continue
            out.append(
                Mention(alias.actor, start + offset, end + offset, text[start:end], alias.ambiguous)
            )
        return out


def _pattern_body(pattern: str, case_sensitive: bool) -> str:
    return f"(?:{pattern})" if case_sensitive else f"(?i:{pattern})"


def _parse_alias(actor: str, raw: Any, lexicon: str) -> Alias:
    if isinstance(raw, str):
        if not raw.strip():
            raise ValueError(f"actor lexicon {lexicon!r}: empty alias for {actor!r}")
        return Alias(actor, text=raw)
    if isinstance(raw, Mapping):
        unknown = set(raw) - {"alias", "pattern", "case_sensitive", "ambiguous"}
        if unknown:
            raise ValueError(
                f"actor lexicon {lexicon!r}: alias of {actor!r} has unknown keys {sorted(unknown)}"
            )
        if ("alias" in raw) == ("pattern" in raw):
            raise ValueError(
                f"actor lexicon {lexicon!r}: alias of {actor!r} needs exactly one of 'alias' or 'pattern'"
            )
        if "pattern" in raw:
            body = _pattern_body(str(raw["pattern"]), bool(raw.get("case_sensitive", False)))
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
        return Alias(
            actor,
            text=raw.get("alias"),
            pattern=raw.get("pattern"),
            case_sensitive=bool(raw.get("case_sensitive", False)),
            ambiguous=bool(raw.get("ambiguous", False)),
        )
    raise ValueError(
        f"actor lexicon {lexicon!r}: alias of {actor!r} must be a string or mapping, got {raw!r}"
    )


DEFAULT_ACTORS = CONFIG_DIR / "actors" / "syria.yaml"


def load_lexicon(spec: str | Path | Mapping[str, Any] | ActorLexicon | None = None) -> ActorLexicon:
    """An :class:`ActorLexicon` from a path, a config mapping, or the packaged default."""
    if isinstance(spec, ActorLexicon):
        return spec
    if spec is None:
        return ActorLexicon.from_yaml(DEFAULT_ACTORS)
    if isinstance(spec, Mapping):
        return ActorLexicon.from_config(spec)
    return ActorLexicon.from_yaml(spec)
