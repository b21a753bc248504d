"""framing.actors: the actor lexicon and its matching rules."""

from __future__ import annotations

import pytest
import yaml

from framing.actors import CONTEXT_MIN_CHARS, DEFAULT_ACTORS, ActorLexicon, Alias, load_lexicon


def found(lexicon: ActorLexicon, text: str) -> list[tuple[str, str]]:
    return [(m.actor, m.surface) for m in lexicon.find(text)]


def small(*aliases, other=("Xavier",)) -> ActorLexicon:
    return ActorLexicon.from_config({"actors": {"Wagner": list(aliases), "X": list(other)}})


# ---------------------------------------------------------------------------
# the shipped lexicon


def test_default_lexicon_loads(lexicon):
    assert lexicon.name == "syria"
    assert lexicon.names == ["Russia", "HTS", "Assad"]
    assert load_lexicon(lexicon) is lexicon
    assert load_lexicon(DEFAULT_ACTORS).names == lexicon.names


def test_offsets_and_surface(lexicon):
    text = "Officials in Moscow and the Kremlin said Bashar al-Assad had left."
    mentions = lexicon.find(text)
    assert [(m.actor, m.surface, text[m.start : m.end]) for m in mentions] == [
        ("Russia", "Officials in Moscow", "Officials in Moscow"),
        ("Russia", "the Kremlin", "the Kremlin"),
        ("Assad", "Bashar al-Assad", "Bashar al-Assad"),
    ]
    shifted = lexicon.find(text, offset=100)
    assert [m.start for m in shifted] == [m.start + 100 for m in mentions]


@pytest.mark.parametrize(
    "text",
    [
        "Russianness is a word.",
        "Prussia was a kingdom.",
        "xRussia and Russia2 are not names.",
        "Putinism and Kremlinology are words.",
        "The Assadist slogans.",
        "Sharaaist is not a name.",
        "The HTSX convoy.",
    ],
)
def test_word_boundaries(lexicon, text):
    assert lexicon.find(text) == []


def test_hyphen_and_punctuation_are_boundaries(lexicon):
    assert found(lexicon, "pro-Russia, Russia-backed (Kremlin) HTS-led") == [
        ("Russia", "Russia"),
        ("Russia", "Russia"),
        ("Russia", "Kremlin"),
        ("HTS", "HTS"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Kremlin said no.", [("Russia", "The Kremlin")]),
        ("Officials in the Kremlin said no.", [("Russia", "the Kremlin")]),
        ("RUSSIA WARNS TURKEY", [("Russia", "RUSSIA")]),
        ("BASHAR AL-ASSAD FLED", [("Assad", "BASHAR AL-ASSAD")]),
        ("HTS fighters", [("HTS", "HTS")]),
        ("hts fighters", []),
        ("Hts fighters", []),
        ("russia warns", []),
        ("The Former Dictator fled Syria", []),
        # a dated description, matched in an undated text about Syria (undated_context)
        ("The former dictator fled Syria.", [("Assad", "The former dictator")]),
        ("The former dictator left.", []),
    ],
)
def test_case_awareness(lexicon, text, expected):
    assert found(lexicon, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia's navy", [("Russia", "Russia")]),
        ("Russia’s navy", [("Russia", "Russia")]),
        ("the Kremlin’s envoy", [("Russia", "the Kremlin")]),
        ("Kremlin's envoy", [("Russia", "Kremlin")]),
        ("the Assads' palace", [("Assad", "the Assads")]),
        ("the Assads’ palace", [("Assad", "the Assads")]),
        ("Assad's men", [("Assad", "Assad")]),
    ],
)
def test_possessives(lexicon, text, expected):
    assert found(lexicon, text) == expected


def test_longest_match_first(lexicon):
    assert found(lexicon, "Bashar al-Assad fled to Moscow.") == [
        ("Assad", "Bashar al-Assad"),
        ("Russia", "Moscow"),
    ]
    assert found(lexicon, "The Assad regime fell.") == [("Assad", "Assad regime")]
    assert found(lexicon, "Russian forces left; Russian diplomats stayed.") == [
        ("Russia", "Russian forces"),
        ("Russia", "Russian diplomats"),
    ]
    assert found(lexicon, "Maher al-Assad and Asma al-Assad") == [
        ("Assad", "Maher al-Assad"),
        ("Assad", "Asma al-Assad"),
    ]


def test_matches_never_overlap(lexicon):
    text = "Syria's new leaders and the new rulers in Damascus met Hayat Tahrir al-Sham officials."
    mentions = lexicon.find(text)
    assert [m.surface for m in mentions] == [
        "Syria's new leaders",
        "the new rulers in Damascus",
        "Hayat Tahrir al-Sham",
    ]
    for a, b in zip(mentions, mentions[1:], strict=False):
        assert a.end <= b.start


def test_ambiguous_aliases_are_flagged(lexicon):
    mentions = lexicon.find("He speaks Russian fluently.")
    assert [(m.actor, m.surface, m.ambiguous) for m in mentions] == [("Russia", "Russian", True)]
    mentions = lexicon.find("The regime in Tehran protested.")
    assert [(m.actor, m.surface, m.ambiguous) for m in mentions] == [("Assad", "The regime", True)]
    # a longer, unambiguous alias wins over the ambiguous prefix
    mentions = lexicon.find("Russian forces and the Assad regime")
    assert [(m.surface, m.ambiguous) for m in mentions] == [
        ("Russian forces", False),
        ("Assad regime", False),
    ]


def test_apostrophes_in_aliases_match_either_form():
    lex = ActorLexicon.from_config(
        {
            "actors": {
                "HTS": ["Hay'at Tahrir al-Sham", "Syria’s new rulers"],
                "X": ["Xavier"],
            }
        }
    )
    assert found(lex, "Hay'at Tahrir al-Sham and Hay’at Tahrir al-Sham") == [
        ("HTS", "Hay'at Tahrir al-Sham"),
        ("HTS", "Hay’at Tahrir al-Sham"),
    ]
    assert found(lex, "Syria's new rulers and Syria’s new rulers") == [
        ("HTS", "Syria's new rulers"),
        ("HTS", "Syria’s new rulers"),
    ]


def test_alias_variants():
    assert Alias("A", text="HTS").variants() == ["HTS"]
    assert Alias("A", text="the Kremlin").variants() == [
        "THE KREMLIN",
        "The Kremlin",
        "the Kremlin",
    ]
    assert Alias("A", text="Moscow", case_sensitive=True).variants() == ["Moscow"]
    # the Arabic article unhyphenated, as many outlets write it
    assert Alias("A", text="Tahrir al-Sham").variants() == [
        "TAHRIR AL SHAM",
        "TAHRIR AL-SHAM",
        "Tahrir al Sham",
        "Tahrir al-Sham",
    ]
    assert "Hayat Tahrir ash Sham" in Alias("A", text="Hayat Tahrir ash-Sham").variants()
    assert Alias("A", text="pro-government").variants() == [
        "PRO-GOVERNMENT",
        "Pro-government",
        "pro-government",
    ]


def test_title_case_alias_matches_the_headline_form_too():
    alias = Alias("A", text="Syria's health ministry", title_case=True)
    assert {"Syria's Health Ministry", "Syria’s Health Ministry", "Syria’s health ministry"} <= set(
        alias.variants()
    )
    assert (
        "the Ministry of Health"
        in Alias("A", text="the ministry of health", title_case=True).variants()
    )
    assert "Syria's Health Ministry" not in Alias("A", text="Syria's health ministry").variants()
    lex = ActorLexicon.from_config(
        {"actors": {"HTS": [{"alias": "the health ministry", "title_case": True}], "X": ["Xavier"]}}
    )
    text = "The health ministry said so; the Health Ministry agreed; THE HEALTH MINISTRY too."
    assert [surface for _, surface in found(lex, text)] == [
        "The health ministry",
        "the Health Ministry",
        "THE HEALTH MINISTRY",
    ]
    again = ActorLexicon.from_config(lex.to_config())
    assert again.to_config() == lex.to_config()
    assert lex.to_config()["actors"]["HTS"]["aliases"] == [
        {"alias": "the health ministry", "title_case": True}
    ]
    with pytest.raises(ValueError, match="title_case applies to literal aliases"):
        ActorLexicon.from_config(
            {"actors": {"A": [{"pattern": "the health ministry", "title_case": True}]}}
        )


@pytest.mark.parametrize("matcher", ["literal", "regex"])
def test_undated_context_lets_a_dated_alias_count_in_an_undated_article_about_it(matcher):
    config = {
        "patterns": {"about_x": r"\bXland\b"},
        "actors": {
            "A": [
                {
                    "alias": "the former ruler",
                    "start": "2024-12-08",
                    "undated_context": "(?&about_x)",
                }
            ],
            "B": ["Bea"] if matcher == "literal" else [{"pattern": "Be+a"}],
        },
    }
    lex = ActorLexicon.from_config(config)
    about = "Crowds in Xland cheered. The former ruler fled."
    other = "The former ruler of Yland wrote a memoir."
    assert found(lex, about) == [("A", "The former ruler")]  # undated, about Xland
    assert found(lex, other) == []  # undated, not about Xland
    assert [m.actor for m in lex.find(other, date="2025-01-01")] == ["A"]  # the date decides
    assert lex.find(about, date="2020-01-01") == []
    again = ActorLexicon.from_config(lex.to_config())  # saved with the pattern expanded
    assert again.to_config() == lex.to_config()
    assert found(again, about) == [("A", "The former ruler")]


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ({"alias": "the ruler", "undated_context": "X"}, "needs a start or end date"),
        ({"alias": "the ruler", "end": "2024-01-01", "undated_context": "(X"}, "not a regex"),
        ({"alias": "the ruler", "end": "2024-01-01", "undated_context": ""}, "must be a regular"),
        (
            {"alias": "the ruler", "end": "2024-01-01", "undated_context": "(?&nope)"},
            "unknown pattern",
        ),
    ],
)
def test_bad_undated_context_is_a_one_line_error(alias, message):
    with pytest.raises(ValueError, match=message):
        ActorLexicon.from_config({"actors": {"A": [alias]}})


def test_regex_pattern_aliases():
    lex = small({"pattern": r"Wagner (?:Group|PMC)"}, "Prigozhin")
    assert found(lex, "The Wagner Group left; wagner pmc too. Prigozhin’s men") == [
        ("Wagner", "Wagner Group"),
        ("Wagner", "wagner pmc"),
        ("Wagner", "Prigozhin"),
    ]
    lex = small({"pattern": r"Wagner (?:Group|PMC)", "case_sensitive": True})
    assert found(lex, "The Wagner Group and the wagner group") == [("Wagner", "Wagner Group")]
    lex = small({"pattern": r"Prigozhin\w*", "ambiguous": True})
    mentions = lex.find("xPrigozhin and Prigozhins")
    assert [(m.surface, m.ambiguous) for m in mentions] == [("Prigozhins", True)]


def test_longest_match_first_across_literals_and_patterns():
    lex = small("Wagner", {"pattern": r"Wagner (?:Group|PMC)"})
    assert found(lex, "The Wagner Group left.") == [("Wagner", "Wagner Group")]


def test_find_on_a_text_without_actors(lexicon):
    assert lexicon.find("") == []
    assert lexicon.find("Nothing to see here.") == []


# ---------------------------------------------------------------------------
# config errors


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"actors": {}}, "defines no actors"),
        ({"nope": 1}, "needs an 'actors' mapping"),
        ({"actors": {"Russia": {"aliases": []}}}, "'Russia' has no aliases"),
        ({"actors": {"Russia": {"aliases": None}}}, "'Russia' has no aliases"),
        ({"actors": {"Russia": {"aliases": [""]}}}, "empty alias for 'Russia'"),
        ({"actors": {"Russia": {"aliases": ["   "]}}}, "empty alias for 'Russia'"),
        (
            {"actors": {"Russia": ["Moscow"], "HTS": ["Moscow"]}},
            "alias '(?i:moscow)' given for both 'Russia' and 'HTS'",
        ),
        (
            {"actors": {"Russia": ["Moscow"], "HTS": ["moscow"]}},
            "given for both 'Russia' and 'HTS'",
        ),
        (
            {"actors": {"Russia": [{"alias": "Moscow", "colour": "red"}]}},
            "alias of 'Russia' has unknown keys \\['colour'\\]",
        ),
        ({"actors": {"Russia": [{"pattern": "Mosc(ow"}]}}, "bad pattern for 'Russia'"),
        ({"actors": {"Russia": [{"alias": "a", "pattern": "b"}]}}, "'Russia' needs exactly one"),
        ({"actors": {"Russia": [{"ambiguous": True}]}}, "'Russia' needs exactly one"),
        ({"actors": {"Russia": [3]}}, "alias of 'Russia' must be a string or mapping"),
    ],
)
def test_config_errors(config, message):
    with pytest.raises(ValueError, match=message):
        ActorLexicon.from_config(config)


def test_pattern_with_global_flags_is_a_config_error():
    with pytest.raises(ValueError, match="'Wagner'"):
        small({"pattern": "(?i)wagner"})


LONG_ABOUT_Y = (
    "The president flew to the coast on Monday. "
    + "Officials in Yland said the talks on the harbour would go on for weeks. " * 6
)
LONG_ABOUT_X = LONG_ABOUT_Y + "Xland was not mentioned until now."


@pytest.mark.parametrize("matcher", ["literal", "regex"])
def test_context_gates_an_alias_to_articles_about_its_country(matcher):
    config = {
        "patterns": {"about_x": r"\bXland\b"},
        "actors": {
            "A": {
                "aliases": [
                    "Alon",
                    {"alias": "the regime", "context": "(?&about_x)"},  # no dates
                ],
                "role_nouns": [{"alias": "the president", "end": "2024-12-08"}],
                "role_noun_context": "(?&about_x)",
            },
            "B": ["Bea"] if matcher == "literal" else [{"pattern": "Be+a"}],
        },
    }
    lex = ActorLexicon.from_config(config)
    assert len(LONG_ABOUT_Y) >= CONTEXT_MIN_CHARS
    # a dated article about another country: its president is not A's
    assert lex.find(LONG_ABOUT_Y, date="2019-11-20") == []
    assert [m.surface for m in lex.find(LONG_ABOUT_X, date="2019-11-20")] == ["The president"]
    assert lex.find(LONG_ABOUT_X, date="2025-01-01") == []  # the dates still apply
    # an alias without dates is gated too; an alias without context is not
    gated = "The regime fell. " + LONG_ABOUT_Y + " Alon spoke."
    assert [m.surface for m in lex.find(gated)] == ["Alon"]
    assert [m.surface for m in lex.find("The regime fell. " + LONG_ABOUT_X)] == ["The regime"]
    # a sentence or two does not say what its article is about: not judged
    short = "The president said the regime would talk."
    assert [m.surface for m in lex.find(short, date="2019-11-20")] == [
        "The president",
        "the regime",
    ]
    # saved with the pattern expanded, per alias
    again = ActorLexicon.from_config(lex.to_config())
    assert again.to_config() == lex.to_config()
    assert lex.to_config()["actors"]["A"]["role_nouns"][0]["context"] == r"(?:\bXland\b)"
    assert again.find(LONG_ABOUT_Y, date="2019-11-20") == []


def test_context_must_match_near_the_mention():
    config = {
        "context_window": 300,
        "actors": {
            "A": {
                "aliases": ["Alon"],
                "role_nouns": ["the president"],
                "role_noun_context": r"\bXland\b",
            }
        },
    }
    filler = "Officials in Yland said the talks on the harbour would go on for weeks. " * 8
    near = "Xland held elections. The president thanked voters. " + filler
    far = "Xland held elections. " + filler + "The president thanked voters."
    lex = ActorLexicon.from_config(config)
    assert [m.surface for m in lex.find(near)] == ["The president"]
    assert lex.find(far) == []  # Xland is 600 characters away
    anywhere = ActorLexicon.from_config({**config, "context_window": None})
    assert [m.surface for m in anywhere.find(far)] == ["The president"]
    assert ActorLexicon.from_config(lex.to_config()).context_window == 300
    with pytest.raises(ValueError, match="context_window must be a positive whole number"):
        ActorLexicon.from_config({**config, "context_window": "wide"})


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        ({"aliases": [{"alias": "the ruler", "context": "(X"}]}, "context '\\(X' is not a regex"),
        ({"aliases": [{"alias": "the ruler", "context": ""}]}, "must be a regular"),
        (
            {"aliases": ["A"], "role_nouns": ["the ruler"], "role_noun_context": "(?&nope)"},
            "unknown pattern",
        ),
        ({"aliases": ["A"], "role_noun_context": 3}, "role_noun_context must be a regular"),
    ],
)
def test_bad_context_is_a_one_line_error(actor, message):
    with pytest.raises(ValueError, match=message):
        ActorLexicon.from_config({"actors": {"A": actor}})


def test_packaged_lexicon_keeps_the_syrian_president_out_of_us_news(lexicon):
    us = (
        "WASHINGTON — The president said on Tuesday that a trade deal was close. "
        "The government will publish the figures next week, and the authorities in "
        "several states said security forces were ready for the protests. "
        "Critics said the president had little to show for two years of talks. " * 2
    )
    syria = us + "Talks in Damascus were postponed."
    assert lexicon.find(us, date="2019-11-19") == []
    assert {m.actor for m in lexicon.find(syria, date="2019-11-19")} == {"Assad"}
    assert {m.actor for m in lexicon.find(syria, date="2025-03-01")} == {"HTS"}


def test_pattern_matching_empty_string_is_a_config_error():
    with pytest.raises(ValueError, match="'Wagner'"):
        small({"pattern": "(?:Wagner)?"})


def test_unknown_actor_key_is_a_config_error():
    with pytest.raises(ValueError, match="'Wagner'"):
        ActorLexicon.from_config(
            {"actors": {"Wagner": {"aliases": ["Wagner"], "patterns": ["Wagner Gr.*"]}}}
        )


def test_yaml_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ValueError, match="must be a mapping"):
        ActorLexicon.from_yaml(bad)
    dup = tmp_path / "dup.yaml"
    dup.write_text(
        "name: dup\nactors:\n  A: {aliases: [Foo]}\n  B: {aliases: [Foo]}\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="'dup'.*'Foo' given for both 'A' and 'B'"):
        load_lexicon(dup)


def test_yaml_name_defaults_to_file_stem(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text("actors:\n  A: [Foo]\n", encoding="utf-8")
    assert load_lexicon(path).name == "mini"


# ---------------------------------------------------------------------------
# to_config round trip


def test_to_config_round_trip_default(lexicon):
    config = lexicon.to_config()
    again = ActorLexicon.from_config(yaml.safe_load(yaml.safe_dump(config, allow_unicode=True)))
    assert again.name == lexicon.name
    assert again.actors == lexicon.actors
    text = "The Kremlin’s envoy met Syria's new leaders; the regime of Bashar al-Assad is gone."
    assert again.find(text) == lexicon.find(text)


def test_to_config_round_trip_all_alias_kinds():
    lex = ActorLexicon.from_config(
        {
            "name": "mini",
            "actors": {
                "A": [
                    "Foo",
                    {"alias": "Bar", "ambiguous": True},
                    {"alias": "BAZ", "case_sensitive": True},
                    {"pattern": "Qu+x", "ambiguous": True, "case_sensitive": True},
                ],
                "B": {"aliases": ["Other"]},
            },
        }
    )
    config = lex.to_config()
    assert config == {
        "name": "mini",
        "context_window": 1200,  # the default, written out so a saved model keeps it
        "actors": {
            "A": {
                "aliases": [
                    "Foo",
                    {"alias": "Bar", "ambiguous": True},
                    {"alias": "BAZ", "case_sensitive": True},
                    {"pattern": "Qu+x", "case_sensitive": True, "ambiguous": True},
                ]
            },
            "B": {"aliases": ["Other"]},
        },
    }
    again = ActorLexicon.from_config(config)
    assert again.actors == lex.actors
    assert again.name == "mini"
