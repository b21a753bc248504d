"""Implicit references: role nouns that need an antecedent, and carry-over.

Two rules a researcher can read and audit, both configured per actor in the
actor YAML (see ``framing/conf/actors/syria.yaml``):

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

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from framing.aliases import without_apostrophes
from framing.corpus import Mention, Sentence
from framing.patterns import expand_pattern

if TYPE_CHECKING:
    from framing.actors import ActorLexicon

_LEFT, _RIGHT = r"(?<!\w)(?:", r")(?!\w)"  # cues are word-bounded
ANTECEDENT_WINDOW = 2  # sentences back in which a role noun's actor must be named


def surface_key(surface: str) -> str:
    """A surface as antecedents compare it: lower case, one apostrophe, and the possessive
    as copy that lost its apostrophes writes it ("Russia's Defence Ministry" and "Russias
    defence ministry" are one antecedent, as the alias matcher finds both)."""
    return without_apostrophes(surface.lower().replace("\u2019", "'"))


@dataclass(frozen=True, slots=True)
class CarryOver:
    """A cue (regex) and the antecedents (surfaces, lower case; empty: any) it refers back to."""

    cue: re.Pattern[str]
    antecedents: frozenset[str] = frozenset()
    unless_after: re.Pattern[str] | None = None  # words after the cue that void it ("he said")
    shared: bool = False  # a plural cue ("both sides"): every actor with an antecedent gets it
    # the antecedents as :func:`surface_key` compares them
    keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", frozenset(map(surface_key, self.antecedents)))

    def takes(self, mention: Mention) -> bool:
        if not mention.is_actor:
            return False
        if mention.how == "carry_over":  # a chain: "he ... He ..."
            return self.cue.fullmatch(mention.surface) is not None
        return not self.antecedents or surface_key(mention.surface) in self.keys

    def to_config(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cue": self.cue.pattern[len(_LEFT) : -len(_RIGHT)]}
        if self.antecedents:
            out["antecedents"] = sorted(self.antecedents)
        if self.shared:
            out["shared"] = True
        if self.unless_after is not None:
            out["unless_after"] = self.unless_after.pattern[len(r"\W*(?:") : -len(r")(?!\w)")]
        return out


def parse_carry_over(
    raw: Any, where: str, patterns: Mapping[str, str] | None = None
) -> list[CarryOver]:
    """An actor's ``carry_over`` list; ``(?&name)`` in a cue or ``unless_after`` calls one
    of ``patterns`` (the config's, expanded: :mod:`framing.patterns`)."""
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
        source = expand_pattern(item["cue"], patterns or {}, f"{here} cue")
        try:
            cue = re.compile(f"{_LEFT}{source}{_RIGHT}", re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"{here}: bad cue {item['cue']!r}: {exc}") from None
        if cue.fullmatch("") is not None:
            raise ValueError(f"{here}: cue {item['cue']!r} matches the empty string")
        antecedents = item.get("antecedents") or []
        if isinstance(antecedents, str):
            raise ValueError(f"{here}: 'antecedents' is a list of surfaces")
        unless = expand_pattern(item.get("unless_after"), patterns or {}, f"{here} unless_after")
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


# a cue that is an alternation of plain words ("he|his|him", "both sides"), or one
# in a group (a named pattern's expansion, "(?:both sides|neither side)"), can be
# looked for in lower case; these four characters are the only ones outside ASCII
# that a case-insensitive ASCII letter matches, and they lower-case to it
_WORDS = r"[A-Za-z]+(?: [A-Za-z]+)*(?:\|[A-Za-z]+(?: [A-Za-z]+)*)*"
_LITERAL_CUE = re.compile(rf"\(\?:(?P<grouped>{_WORDS})\)|(?P<plain>{_WORDS})")
_CASE_TWINS = {"\u212a": "k", "\u0130": "i", "\u0131": "i", "\u017f": "s"}
_CASE_TWIN_RX = re.compile("[" + "".join(_CASE_TWINS) + "]")
_NO_RULES: frozenset[int] = frozenset()


class ReferenceRules:
    """The antecedent and carry-over rules of one lexicon, compiled once.

    Built by :class:`~framing.actors.ActorLexicon`. It keeps the common case cheap
    without changing what the rules find: a carry-over is only ever added by a
    rule with an antecedent in the previous sentence whose cue stands in this
    one, so a sentence is left alone unless (1) a rule takes one of the previous
    sentence's mentions as its antecedent and (2) one of those rules' cues may
    match here. When every cue is plain words and ``pyahocorasick`` is installed,
    (2) is one automaton pass over the lower-cased sentence (otherwise it is
    assumed). Where both hold, every rule whose cue may match is applied, as
    :func:`_carry_over` alone would (a nearer antecedent may block a cue).
    """

    def __init__(
        self, needs: set[tuple[str, str]], carry_over: Mapping[str, list[CarryOver]]
    ) -> None:
        self.needs = needs  # (actor, role noun in lower case) that need an antecedent
        self.rules: list[tuple[str, CarryOver]] = [
            (actor, rule) for actor, rules in carry_over.items() for rule in rules
        ]
        self._by_actor: dict[str, list[tuple[int, CarryOver]]] = {}
        for i, (actor, rule) in enumerate(self.rules):
            self._by_actor.setdefault(actor, []).append((i, rule))
        self._all = frozenset(range(len(self.rules)))
        self._words = _cue_words([rule for _, rule in self.rules])
        self._automata: dict[frozenset[int], Any] = {}
        self._takers: dict[tuple[str, str, bool, str], frozenset[int]] = {}

    def __bool__(self) -> bool:
        return bool(self.needs) or bool(self.rules)

    def takers(self, mentions: list[Mention]) -> frozenset[int]:
        """The rules (indices) that take one of ``mentions`` as their antecedent."""
        found: frozenset[int] = frozenset()
        cache = self._takers
        for m in mentions:
            # what CarryOver.takes looks at: actor, sense, how (a chain or not), surface
            key = (m.actor, m.sense, m.how == "carry_over", m.surface)
            rules = cache.get(key)
            if rules is None:
                if len(cache) > 50_000:  # pattern aliases can match endless surfaces
                    cache.clear()
                rules = cache[key] = frozenset(
                    i for i, rule in self._by_actor.get(m.actor, ()) if rule.takes(m)
                )
            found |= rules
        return found

    def rules_with_cue(
        self, text: str, among: frozenset[int] | None = None, first: bool = False
    ) -> list[tuple[str, CarryOver]]:
        """The rules (of ``among``; default all) whose cue may match in ``text``; those
        whose cue cannot are left out. ``first``: stop at the first such rule."""
        among = self._all if among is None else among
        automaton = self._automaton(among)
        if automaton is None:
            return [rule for i, rule in enumerate(self.rules) if i in among]
        if not text.isascii():
            for odd, plain in _CASE_TWINS.items():
                if odd in text:
                    text = text.replace(odd, plain)
        n = len(text)
        found: frozenset[int] = frozenset()
        for last, (length, rules) in automaton.iter(text.lower()):
            if rules <= found:
                continue
            start, end = last + 1 - length, last + 1
            if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue  # inside a longer word on the left ("he" in "the")
            if end < n and (text[end].isalnum() or text[end] == "_"):
                continue
            found |= rules
            if first:
                break
        return [rule for i, rule in enumerate(self.rules) if i in found] if found else []

    def cues_by_sentence(
        self, text: str, sentences: list[Sentence]
    ) -> dict[int, frozenset[int]] | None:
        """``{sentence index: rules whose cue may match there}`` from one automaton pass
        over the article's ``text`` (the sentences' offsets refer to it); None when
        the cues are not plain words (then :meth:`rules_with_cue` looks per sentence)."""
        automaton = self._automaton(self._all)
        if automaton is None:
            return None
        if not text.isascii() and _CASE_TWIN_RX.search(text):
            text = _CASE_TWIN_RX.sub(lambda m: _CASE_TWINS[m.group()], text)
        starts = [sentence.start for sentence in sentences]
        bounds = set(starts) | {sentence.end for sentence in sentences}
        out: dict[int, frozenset[int]] = {}
        n = len(text)
        isalnum = str.isalnum
        for last, (length, rules) in automaton.iter(text.lower()):
            start, end = last + 1 - length, last + 1
            # a word character on either side rules a hit out, unless a sentence
            # starts or ends there ("he" in "the", the common case, costs no search)
            if start:
                left = text[start - 1]
                if (left == "_" or isalnum(left)) and start not in bounds:
                    continue
            if end < n:
                right = text[end]
                if (right == "_" or isalnum(right)) and end not in bounds:
                    continue
            i = bisect.bisect_right(starts, start) - 1
            if i < 0 or end > sentences[i].end:
                continue  # not inside one sentence
            if start > starts[i] and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue  # inside a longer word on the left ("he" in "the")
            if end < sentences[i].end and (text[end].isalnum() or text[end] == "_"):
                continue
            out[i] = out.get(i, frozenset()) | rules
        return out

    def _automaton(self, among: frozenset[int]) -> Any:
        """An automaton of the cue words of the rules ``among`` (built once per set)."""
        if self._words is None:
            return None
        if among not in self._automata:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            for word, rules in self._words.items():
                if rules & among:
                    automaton.add_word(word, (len(word), rules & among))
            if len(automaton):
                automaton.make_automaton()
            self._automata[among] = automaton
        return self._automata[among]


def _cue_words(rules: list[CarryOver]) -> dict[str, frozenset[int]] | None:
    """Every cue's words in lower case -> the rules they are a cue of; None when a cue
    is not plain words (bare or in one group) or ``pyahocorasick`` is missing."""
    try:
        import ahocorasick  # noqa: F401
    except ImportError:
        return None
    cues = [_LITERAL_CUE.fullmatch(rule.cue.pattern[len(_LEFT) : -len(_RIGHT)]) for rule in rules]
    if not all(cues):
        return None
    words: dict[str, set[int]] = {}
    for i, cue in enumerate(cues):
        for word in (cue["grouped"] or cue["plain"]).lower().split("|"):
            words.setdefault(word, set()).add(i)
    return {word: frozenset(rules) for word, rules in words.items()}


def resolve_references(
    sentences: list[Sentence], lexicon: ActorLexicon, text: str | None = None
) -> None:
    """Apply the antecedent and carry-over rules to segmented sentences, in place.

    ``text``: the body the sentences' offsets refer to; with it, carry-over cues are
    looked for in one pass over the whole body instead of sentence by sentence.
    """
    refs: ReferenceRules = lexicon.references
    if not refs:
        return
    needs = refs.needs
    # the cue scan waits for the first sentence with an antecedent (most have none)
    scan = text is not None and bool(refs.rules)
    cues: dict[int, frozenset[int]] | None = None
    takers: frozenset[int] = frozenset()  # rules with an antecedent in the previous sentence
    for i, sentence in enumerate(sentences):
        if needs and sentence.mentions:
            unnamed = [
                id(m)
                for m in sentence.mentions
                if _needs(m, needs) and not _named_before(sentences, i, m)
            ]
            if unnamed:
                sentence.mentions = [m for m in sentence.mentions if id(m) not in unnamed]
        if takers:
            if scan:
                cues, scan = refs.cues_by_sentence(text, sentences), False
            if cues is None:
                if refs.rules_with_cue(sentence.text, takers, first=True):
                    rules = refs.rules_with_cue(sentence.text)
                    sentence.mentions = _carry_over(sentences[i - 1], sentence, rules)
            elif takers & cues.get(i, _NO_RULES):
                found = cues[i]
                rules = [rule for j, rule in enumerate(refs.rules) if j in found]
                sentence.mentions = _carry_over(sentences[i - 1], sentence, rules)
        takers = refs.takers(sentence.mentions) if refs.rules and sentence.mentions else frozenset()


def _needs(mention: Mention, needs: set[tuple[str, str]]) -> bool:
    return mention.how == "role_noun" and (mention.actor, mention.surface.lower()) in needs


def _named_before(sentences: list[Sentence], i: int, mention: Mention) -> bool:
    def named(m: Mention) -> bool:
        return m.actor == mention.actor and m.is_actor and m.how != "role_noun"

    if any(named(m) and m.end <= mention.start for m in sentences[i].mentions):
        return True
    lo = max(0, i - ANTECEDENT_WINDOW)
    return any(named(m) for s in sentences[lo:i] for m in s.mentions)


def _carry_over(
    prev: Sentence, sentence: Sentence, rules: list[tuple[str, CarryOver]]
) -> list[Mention]:
    mentions = list(sentence.mentions)
    present = set(sentence.actors)
    taken: set[tuple[int, int]] = {(m.start, m.end) for m in mentions}
    # every cue span of every rule, with the candidate antecedents for it
    claims: dict[tuple[int, int], list[tuple[int, str]]] = {}
    shared: list[tuple[tuple[int, int], str]] = []
    for actor, rule in rules:
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
