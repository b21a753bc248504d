"""One alias of an actor (:class:`Alias`: a literal or a pattern, its dates, sense rules
and the spellings it matches) and the prefix trie that compiles literal aliases into
one regular expression (:class:`AliasTrie`). :class:`framing.actors.ActorLexicon` is
built from them; the matching rules are described in :mod:`framing.actors`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from framing.corpus import Mention
from framing.senses import SenseRules

# a possessive's apostrophe and "s" ("Syria's", "Syria’s")
_POSSESSIVE = re.compile(r"['’]s\b")
# the Arabic article before a name ("al-Sham", "Al-Nusra", "ash-Sham"), at a word's start
_ARTICLE = re.compile(r"\b([Aa]l|[Aa][sdnrtz]h?)-(?=[A-Z])")


def without_apostrophes(text: str) -> str:
    """``text`` as copy that lost its apostrophes writes a possessive ("Syria's health
    ministry" → "Syrias health ministry")."""
    return _POSSESSIVE.sub("s", text)


@dataclass(frozen=True, slots=True)
class Alias:
    actor: str
    text: str | None = None
    pattern: str | None = None
    case_sensitive: bool = False
    ambiguous: bool = False
    start: str | None = None  # ISO date, inclusive
    end: str | None = None  # ISO date, exclusive
    senses: SenseRules = SenseRules()
    how: str = "alias"  # "alias" | "role_noun"
    needs_antecedent: bool = False
    # also match the headline form: "the health ministry" -> "the Health Ministry"
    title_case: bool = False
    # a dated alias that also counts in an article without a date when the article's text
    # matches this regular expression ("the former president" in an undated article about
    # Syria; not in undated news about the US)
    undated_context: str | None = None
    # the alias counts only in an article whose text matches this regular expression, dated
    # or not ("the president" is Assad's only in news about Syria; framing.actors applies it
    # to articles of CONTEXT_MIN_CHARS or more)
    context: str | None = None

    def valid_on(self, date: str | None, contexts: frozenset[str] = frozenset()) -> bool:
        """Whether the alias means its actor on ``date`` (an ISO date or ``None``);
        ``contexts``: the ``context`` and ``undated_context`` expressions the article
        matches."""
        if self.context is not None and self.context not in contexts:
            return False
        if self.start is None and self.end is None:
            return True
        if not date:
            return self.undated_context is not None and self.undated_context in contexts
        day = date[:10]
        return (self.start is None or day >= self.start) and (self.end is None or day < self.end)

    def overlaps(self, other: Alias) -> bool:
        lo = max(self.start or "", other.start or "")
        hi = min(self.end or "9999", other.end or "9999")
        return lo < hi

    def mention(self, text: str, start: int, end: int, offset: int) -> Mention:
        senses = self.senses
        if senses.rules or senses.otherwise.sense != "actor":  # bool(senses), inlined
            sense = senses.decide(text, start, end)
            decided, reason = sense.sense, sense.reason
        else:
            decided, reason = "actor", ""
        return Mention(
            self.actor,
            start + offset,
            end + offset,
            text[start:end],
            self.ambiguous,
            decided,
            reason,
            self.how,
        )

    def variants(self) -> list[str]:
        """Literal spellings this alias matches (for literal aliases)."""
        assert self.text is not None
        base = {self.text, title_case(self.text)} if self.title_case else {self.text}
        if "'" in self.text or "’" in self.text:
            base |= {s.replace("’", "'") for s in base} | {s.replace("'", "’") for s in base}
            # copy that lost its apostrophes: "Syria's health ministry" → "Syrias health ministry"
            base |= {without_apostrophes(s) for s in base}
        if _ARTICLE.search(self.text):
            # Arabic names with the article unhyphenated: "Tahrir al-Sham" → "Tahrir al Sham"
            base |= {_ARTICLE.sub(r"\1 ", s) for s in base}
        if self.case_sensitive or (self.text.isupper() and len(self.text) <= 5):
            return sorted(base)
        out = set(base)
        for b in base:
            if b[:1].islower():  # "the Kremlin" also opens a sentence as "The Kremlin"
                out.add(b[:1].upper() + b[1:])
            if sum(c.isalpha() for c in b) >= 4:
                out.add(b.upper())
        return sorted(out)


def pattern_body(pattern: str, case_sensitive: bool) -> str:
    """A ``pattern`` alias's regex, case-insensitive unless ``case_sensitive``."""
    return f"(?:{pattern})" if case_sensitive else f"(?i:{pattern})"


# words a headline-form name keeps in lower case ("the Ministry of Health")
_SMALL_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"})


def title_case(text: str) -> str:
    """Each word capitalised but the small ones: "the health ministry" → "the Health
    Ministry" (a sentence-initial "The" is a variant of its own)."""
    return " ".join(w if w in _SMALL_WORDS else w[:1].upper() + w[1:] for w in text.split(" "))


class AliasTrie:
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
