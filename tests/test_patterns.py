"""Named regular expressions in an actor config: ``patterns:`` and ``(?&name)``."""

from __future__ import annotations

import copy

import pytest
import yaml

from framing.actors import DEFAULT_ACTORS, ActorLexicon
from framing.corpus import Article
from framing.patterns import expand_pattern, resolve_patterns
from framing.references import _cue_words
from framing.segment import Segmenter

PATTERNS = {
    "capital": "Tehran|Baghdad",
    "foreign": "Iranian|Iraqi|(?&capital)",
    "pair": "both sides|the two sides",
    "speech": "said|says",
}


def _config(**patterns: str) -> dict:
    return {
        "name": "toy",
        "patterns": {**PATTERNS, **patterns},
        "actors": {
            "Gov": {
                "aliases": [
                    {
                        "alias": "the government",
                        "rules": [
                            {
                                "sense": "not_actor",
                                "reason": "other_government",
                                "before": "(?&foreign)",
                            },
                            {"sense": "not_actor", "reason": "place", "after": "in (?&capital)"},
                        ],
                    },
                    {"pattern": r"minist(?:er|ry) of (?&capital)", "ambiguous": True},
                    "Sharaa",
                ],
                "carry_over": [
                    {"cue": "he|him", "unless_after": "(?&speech)", "antecedents": ["Sharaa"]},
                    {"cue": "(?&pair)", "shared": True},
                ],
            },
            "Other": ["Putin"],
        },
    }


def _senses(lexicon: ActorLexicon, text: str) -> list[tuple[str, str, str]]:
    return [(m.surface, m.sense, m.sense_reason) for m in lexicon.find(text)]


def test_before_and_after_call_patterns_nested():
    lex = ActorLexicon.from_config(_config())
    assert _senses(lex, "Iranian the government left.") == [
        ("the government", "not_actor", "other_government")
    ]
    # nested: (?&foreign) calls (?&capital)
    assert _senses(lex, "In Baghdad the government left.")[0][2] == "other_government"
    assert _senses(lex, "Then the government in Tehran met.")[0][2] == "place"
    assert _senses(lex, "Then the government met.") == [("the government", "actor", "")]
    rule = lex.actors["Gov"][0].senses.rules[0]
    assert rule.before.pattern == r"(?<!\w)(?:(?:Iranian|Iraqi|(?:Tehran|Baghdad)))\W*$"


def test_alias_pattern_and_carry_over_cue_call_patterns():
    lex = ActorLexicon.from_config(_config())
    found = lex.find("The minister of Tehran and the ministry of Baghdad.")
    assert [m.surface for m in found] == ["minister of Tehran", "ministry of Baghdad"]
    assert lex.actors["Gov"][1].pattern == r"minist(?:er|ry) of (?:Tehran|Baghdad)"
    shared, pronoun = lex.carry_over["Gov"][1], lex.carry_over["Gov"][0]
    assert shared.cue.fullmatch("the two sides") and not shared.cue.fullmatch("two")
    assert pronoun.unless_after.match(", said") and not pronoun.unless_after.match(" met")
    seg = Segmenter(lex)
    sentences = seg.segment(Article("a", "Sharaa spoke. Then he left. He said no.")).sentences
    assert [[m.how for m in s.mentions] for s in sentences] == [["alias"], ["carry_over"], []]
    # a cue that is a named list of plain words keeps the one-pass word lookup
    pytest.importorskip("ahocorasick")
    assert _cue_words(lex.carry_over["Gov"]) == {
        "he": frozenset({0}),
        "him": frozenset({0}),
        "both sides": frozenset({1}),
        "the two sides": frozenset({1}),
    }


def test_unknown_pattern_names_lexicon_place_and_name():
    config = _config()
    config["actors"]["Gov"]["aliases"][0]["rules"][1]["after"] = "in (?&capitol)"
    with pytest.raises(ValueError) as err:
        ActorLexicon.from_config(config)
    message = str(err.value)
    assert "\n" not in message
    assert "actor lexicon 'toy'" in message and "'the government' of 'Gov' rule 2" in message
    assert "(?&capitol)" in message and "known: capital, foreign, pair, speech" in message
    config = _config()
    config["actors"]["Gov"]["carry_over"][1]["cue"] = "(?&pairs)"
    with pytest.raises(
        ValueError, match=r"'Gov' carry_over rule 2 cue: unknown pattern '\(\?&pairs\)'"
    ):
        ActorLexicon.from_config(config)
    config = _config()
    config["actors"]["Gov"]["aliases"][1]["pattern"] = "(?&nowhere)"
    with pytest.raises(ValueError, match=r"pattern '\(\?&nowhere\)' for 'Gov': unknown pattern"):
        ActorLexicon.from_config(config)
    # inside the patterns mapping itself
    with pytest.raises(ValueError, match=r"patterns entry 'bad': unknown pattern '\(\?&gone\)'"):
        ActorLexicon.from_config(_config(bad="x|(?&gone)"))
    # a config without patterns: the call is named, not a bare re.error
    parsed = _config()
    del parsed["patterns"]
    with pytest.raises(ValueError, match=r"rule 1 'before': unknown pattern .*no 'patterns'"):
        ActorLexicon.from_config(parsed)


def test_pattern_cycle_is_an_error():
    with pytest.raises(
        ValueError, match=r"patterns entry 'a': pattern 'a' uses itself \(a -> b -> a\)"
    ):
        resolve_patterns({"a": "x|(?&b)", "b": "y|(?&a)"}, "toy")
    with pytest.raises(ValueError, match=r"pattern 'self' uses itself \(self -> self\)"):
        ActorLexicon.from_config(_config(self="(?&self)"))


def test_non_string_or_badly_named_pattern_is_an_error():
    with pytest.raises(
        ValueError, match=r"actor lexicon 'toy': patterns entry 'years' must be a string"
    ):
        ActorLexicon.from_config(_config(years=2024))
    with pytest.raises(ValueError, match=r"patterns entry 'list' must be a string"):
        resolve_patterns({"list": ["a", "b"]}, "toy")
    with pytest.raises(ValueError, match=r"patterns: name 'two words' is not letters"):
        resolve_patterns({"two words": "a"}, "toy")
    with pytest.raises(ValueError, match=r"patterns must be a mapping"):
        resolve_patterns(["a"], "toy")
    with pytest.raises(ValueError, match=r"patterns entry 'open': bad pattern"):
        resolve_patterns({"open": "(a"}, "toy")


def test_expand_pattern_leaves_plain_patterns_alone():
    assert expand_pattern("a|b", {}, "here") == "a|b"
    assert expand_pattern(None, {"x": "y"}, "here") is None
    assert expand_pattern("(?&x)(?&x)?", {"x": "y|z"}, "here") == "(?:y|z)(?:y|z)?"


def test_round_trip_writes_expanded_self_contained_regexes():
    lex = ActorLexicon.from_config(_config())
    saved = lex.to_config()
    assert "patterns" not in saved and "(?&" not in yaml.safe_dump(saved)
    again = ActorLexicon.from_config(copy.deepcopy(saved))
    assert again.to_config() == saved
    assert again.actors == lex.actors and again.carry_over == lex.carry_over
    text = (
        "Iranian the government left. The minister of Tehran met Sharaa. He and both sides spoke."
    )
    assert again.find(text) == lex.find(text)


def test_the_packaged_lexicon_round_trips_and_uses_patterns():
    config = yaml.safe_load(DEFAULT_ACTORS.read_text(encoding="utf-8"))
    assert "(?&syrian_government)" in config["patterns"]["up_to_mention"]
    lex = ActorLexicon.from_config(config)
    again = ActorLexicon.from_config(lex.to_config())
    assert again.actors == lex.actors and again.carry_over == lex.carry_over
    assert "(?&" not in yaml.safe_dump(lex.to_config())


def test_a_config_without_patterns_loads_as_before():
    plain = {
        "actors": {
            "Gov": {
                "aliases": [
                    {
                        "alias": "Damascus",
                        "rules": [{"sense": "not_actor", "reason": "place", "before": "in"}],
                    },
                    {"pattern": r"minist(?:er|ry) of (?:Tehran|Baghdad)"},
                ],
                "carry_over": [{"cue": "both sides|the two sides", "shared": True}],
            }
        }
    }
    lex = ActorLexicon.from_config(plain)
    assert lex.actors == ActorLexicon.from_config({**plain, "patterns": {}}).actors
    assert lex.actors["Gov"][1].pattern == r"minist(?:er|ry) of (?:Tehran|Baghdad)"
    assert lex.carry_over["Gov"][0].to_config() == {
        "cue": "both sides|the two sides",
        "shared": True,
    }
    assert ActorLexicon.from_config(lex.to_config()).to_config() == lex.to_config()
