"""Mention sense rules, dated aliases, role nouns, carry-over and the data contract fields."""

from __future__ import annotations

import collections
import dataclasses
import re
from pathlib import Path

import pytest

from framing.actors import ActorLexicon, load_lexicon
from framing.corpus import Article, Mention, mention_problem
from framing.io import RecordError
from framing.segment import Segmenter
from framing.senses import read_sense_cases, score_senses

CASES = Path(__file__).resolve().parent.parent / "data" / "senses" / "sense_cases.jsonl"


@pytest.fixture(scope="module")
def syria() -> ActorLexicon:
    return load_lexicon()


def _senses(lexicon: ActorLexicon, text: str, date: str | None = None) -> list[tuple]:
    return [(m.actor, m.surface, m.sense, m.sense_reason) for m in lexicon.find(text, date=date)]


# --- context rules ----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "surface", "sense", "reason"),
    [
        ("Shops have Russian on their signs.", "Russian", "not_actor", "language"),
        ("She speaks fluent Russian at home.", "Russian", "not_actor", "language"),
        ("A Russian-language school opened.", "Russian", "not_actor", "language"),
        ("Russian commentators mocked the deal.", "Russian", "not_actor", "people"),
        ("Russian culture has admirers here.", "Russian", "not_actor", "people"),
        ("Russian jets struck the town.", "Russian", "actor", ""),
        ("A conference in Moscow discussed Syria.", "Moscow", "not_actor", "place"),
        ("The forum was held in Moscow last week.", "Moscow", "not_actor", "place"),
        ("A Moscow court fined the paper.", "Moscow", "not_actor", "place"),
        ("Our Moscow correspondent reports.", "Moscow", "not_actor", "place"),
        ("Moscow refused the request.", "Moscow", "actor", ""),
        ("The Kyiv regime denied it.", "regime", "not_actor", "other_government"),
        ("Kim and his regime sent shells.", "regime", "not_actor", "other_government"),
        ("The regime in Tehran protested.", "The regime", "not_actor", "other_government"),
        ("The regime bombed Aleppo.", "The regime", "actor", ""),
    ],
)
def test_packaged_sense_rules(syria, text, surface, sense, reason):
    found = [s for s in _senses(syria, text) if s[1] == surface]
    assert found, f"{surface!r} not matched in {text!r}"
    assert found[0][2:] == (sense, reason)


def _lexicon(aliases: list, **actor) -> ActorLexicon:
    return ActorLexicon.from_config({"actors": {"Russia": {"aliases": aliases, **actor}}})


def test_rules_first_match_wins_and_otherwise():
    lex = _lexicon(
        [
            {
                "alias": "Russian",
                "rules": [
                    {"sense": "actor", "after": "jets"},
                    {"sense": "not_actor", "reason": "language", "before": "speaks"},
                ],
                "otherwise": {"sense": "not_actor", "reason": "people"},
            }
        ]
    )
    assert _senses(lex, "Russian jets")[0][2] == "actor"
    assert _senses(lex, "she speaks Russian")[0][2:] == ("not_actor", "language")
    assert _senses(lex, "Russian poets")[0][2:] == ("not_actor", "people")
    # which sense a rule gave, and which the default: None when no rule fires
    alias = lex.alias_for("Russian", None)
    assert alias is lex.actors["Russia"][0] and lex.alias_for("Russians", None) is None
    assert alias.senses.rule_sense("Russian jets", 0, 7).sense == "actor"
    assert alias.senses.rule_sense("Russian poets", 0, 7) is None
    # a "before" word must end where the mention starts, on a word boundary
    assert _senses(lex, "he respeaks Russian")[0][2:] == ("not_actor", "people")


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        (
            {"alias": "Moscow", "rules": [{"sense": "not_actor", "reason": "place"}]},
            "needs 'before'",
        ),
        ({"alias": "Moscow", "rules": [{"sense": "not_actor", "before": "in"}]}, "needs a reason"),
        ({"alias": "Moscow", "rules": [{"sense": "maybe", "before": "in"}]}, "sense must be"),
        ({"alias": "Moscow", "rules": [{"sense": "actor", "after": "("}]}, "bad 'after' pattern"),
        ({"alias": "Moscow", "start": "8 Dec 2024"}, "YYYY-MM-DD"),
        ({"alias": "Moscow", "start": "2025-01-01", "end": "2024-01-01"}, "not before end"),
    ],
)
def test_bad_rules_are_one_line_errors(alias, message):
    with pytest.raises(ValueError, match=message):
        _lexicon([alias])


# --- dates --------------------------------------------------------------------
def test_dated_alias_follows_article_date(syria):
    text = "Damascus rejected the report."
    assert _senses(syria, text, "2024-06-01")[0][:3] == ("Assad", "Damascus", "actor")
    assert _senses(syria, text, "2024-12-08")[0][:3] == ("HTS", "Damascus", "actor")
    assert _senses(syria, text, "2025-03-01T10:00:00Z")[0][0] == "HTS"
    assert _senses(syria, text) == []  # no date: dated aliases do not match
    assert _senses(syria, "Prices in Damascus rose.", "2025-03-01")[0][2:] == ("not_actor", "place")


def test_same_spelling_needs_disjoint_dates():
    spec = {"A": {"aliases": [{"alias": "the capital", "end": "2024-12-08"}]}}
    ok = {"B": {"aliases": [{"alias": "the capital", "start": "2024-12-08"}]}}
    lex = ActorLexicon.from_config({"actors": {**spec, **ok}})
    assert lex.find("the capital", date="2024-12-07")[0].actor == "A"
    assert lex.find("the capital", date="2024-12-08")[0].actor == "B"
    clash = {"B": {"aliases": [{"alias": "the capital", "start": "2024-01-01"}]}}
    with pytest.raises(ValueError, match="disjoint start/end"):
        ActorLexicon.from_config({"actors": {**spec, **clash}})


def test_config_round_trip_keeps_rules_dates_role_nouns_and_carry_over(syria):
    again = ActorLexicon.from_config(syria.to_config())
    text = "Damascus said Russian is taught. He spoke in Moscow. The group and the regime met."
    for date in ("2024-01-01", "2025-06-01", None):
        assert again.find(text, date=date) == syria.find(text, date=date)
    assert again.carry_over.keys() == syria.carry_over.keys()
    assert again.to_config() == syria.to_config()


# --- implicit references ------------------------------------------------------
def _pairs(text: str, date: str = "2025-05-01") -> list[list[tuple[str, str, str]]]:
    seg = Segmenter()
    sentences = seg.segment(Article("a", text, date=date)).sentences
    return [[(m.actor, m.surface, m.how) for m in s.mentions if m.is_actor] for s in sentences]


def test_role_noun_needs_antecedent():
    assert _pairs("The group met in a village.") == [[]]
    assert _pairs("HTS fighters arrived. The group took the town.") == [
        [("HTS", "HTS", "alias")],
        [("HTS", "The group", "role_noun")],
    ]


def test_carry_over_pronoun_after_named_leader():
    got = _pairs("Ahmed al-Sharaa flew to Riyadh. He met the crown prince.")
    assert got[1] == [("HTS", "He", "carry_over")]
    # a chain: the carry-over mention is itself an antecedent
    got = _pairs("Ahmed al-Sharaa flew to Riyadh. He met the crown prince. His aides stayed.")
    assert got[2] == [("HTS", "His", "carry_over")]


def test_carry_over_skips_the_speaker_and_takes_the_nearest_antecedent():
    # "he said": the quoted speaker
    assert _pairs("Assad fled in December. The city was calm, he said.")[1] == []
    # the nearest antecedent (al-Sharaa, after Putin) takes "he"
    got = _pairs("Putin received al-Sharaa in the Kremlin. He demanded the handover.")
    assert got[1] == [("HTS", "He", "carry_over")]
    # an antecedent in the cue's own sentence: no carry-over
    got = _pairs("Putin spoke first. Assad's host, Lavrov, said he would wait.")
    assert ("Russia", "he", "carry_over") not in got[1]


def test_carry_over_antecedent_written_without_its_apostrophe():
    """Copy that lost its apostrophes ("Russias Defence Ministry") names the same antecedent
    as "Russia's Defence Ministry" in the carry-over rule."""
    text = "Russias Defence Ministry published the figures. The ministry said 40 fighters died."
    got = _pairs(text, "2017-10-01")
    assert got[1] == [("Russia", "The ministry", "carry_over")]
    text = (
        "The Russian Reconciliation Center counted 12 breaches. The center said rebels fired first."
    )
    assert _pairs(text, "2017-10-01")[1] == [("Russia", "The center", "carry_over")]


def test_shared_cue_gives_every_actor_with_an_antecedent():
    got = _pairs("Moscow and Damascus met in Geneva. Both sides called the talks useful.")
    assert sorted(a for a, _, _ in got[1]) == ["HTS", "Russia"]
    assert {h for _, _, h in got[1]} == {"carry_over"}


def test_not_actor_mentions_make_no_pair_but_are_kept():
    seg = Segmenter()
    (s,) = seg.segment(
        Article("a", "She speaks fluent Russian at the forum held in Moscow.")
    ).sentences
    assert s.actors == []
    assert [(m.surface, m.sense, m.sense_reason) for m in s.mentions] == [
        ("Russian", "not_actor", "language"),
        ("Moscow", "not_actor", "place"),
    ]
    assert all(r["how"] == "alias" for r in s.to_record()["mentions"])


# --- the data contract ----------------------------------------------------------
def test_mention_record_round_trip_and_old_records():
    m = Mention("Russia", 3, 10, "Russian", True, "not_actor", "language", "alias")
    assert Mention.from_record(m.to_record()) == m
    old = {"actor": "Russia", "start": 0, "end": 6, "surface": "Russia", "ambiguous": False}
    assert Mention.from_record(old) == Mention("Russia", 0, 6, "Russia")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sense": "maybe"}, "sense must be"),
        ({"sense": "not_actor"}, "needs sense_reason"),
        ({"sense": "not_actor", "sense_reason": "weather"}, "needs sense_reason"),
        ({"sense_reason": "place"}, "on an actor mention"),
        ({"how": "guess"}, "how must be"),
        ({"start": 5, "end": 5}, "bad offsets"),
    ],
)
def test_mention_contract_errors(changes, message):
    rec = {"actor": "Russia", "start": 0, "end": 6, "surface": "Russia", **changes}
    with pytest.raises(RecordError, match=message):
        Mention.from_record(rec, where="x.jsonl:3")
    assert mention_problem(Mention("Russia", 0, 6, "Russia")) == ""


# --- the sense test set -----------------------------------------------------------
# parts written for one actor only: Russia in news on other subjects (fourteenth session)
RUSSIA_ONLY_PARTS = {"test26", "test27"}


def test_sense_cases_cover_three_actors_and_both_senses_in_every_part():
    cases = read_sense_cases(CASES)
    parts = {c["part"] for c in cases}
    assert {"dev", "test", "test2"} <= parts and len(cases) >= 150
    assert parts >= RUSSIA_ONLY_PARTS
    assert len({c["id"] for c in cases}) == len(cases)  # ids are unique across parts
    kinds = collections.Counter((c["actor"], c["sense"], c["part"]) for c in cases)
    for part in parts:
        actors = ("Russia",) if part in RUSSIA_ONLY_PARTS else ("Russia", "HTS", "Assad")
        assert {c["actor"] for c in cases if c["part"] == part} == set(actors), part
        for actor in actors:
            for sense in ("actor", "not_actor"):
                assert kinds[(actor, sense, part)] >= 3, (actor, sense, part)


def test_score_senses_counts_unmatched_as_wrong(syria):
    cases = [
        {
            "text": "She speaks Russian.",
            "actor": "Russia",
            "start": 11,
            "end": 18,
            "sense": "not_actor",
        },
        {"text": "Russian jets flew.", "actor": "Russia", "start": 0, "end": 7, "sense": "actor"},
        {"text": "Nothing here.", "actor": "Russia", "start": 0, "end": 7, "sense": "actor"},
    ]
    scores = score_senses(cases, syria)
    assert scores["n"] == 3 and scores["accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert [w["predicted"] for w in scores["wrong"]] == ["unmatched"]


def test_read_sense_cases_rejects_a_bad_case(tmp_path):
    bad = tmp_path / "cases.jsonl"
    bad.write_text(
        '{"text": "In Moscow.", "actor": "Russia", "start": 3, "end": 9, "surface": "Moscow", '
        '"sense": "not_actor", "sense_reason": "weather"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="cases.jsonl:1"):
        read_sense_cases(bad)


# --- fast paths give what the rules alone give -------------------------------
def _toy(cue: str) -> Segmenter:
    return Segmenter(
        {
            "actors": {
                "Russia": {
                    "aliases": ["Putin"],
                    "carry_over": [{"cue": cue, "antecedents": ["Putin"]}],
                }
            }
        }
    )


@pytest.mark.parametrize("cue", ["he|his", "h(?:e|is)"])  # plain words (automaton), a regex
def test_carry_over_cue_search_agrees_with_the_regex(cue):
    seg = _toy(cue)
    assert seg.lexicon.references._words is None or cue == "he|his"
    text = "Putin spoke. Then HİS aides left. Putin again. The theory held."
    sentences = seg.segment(Article("a", text)).sentences
    # "HİS": the dotted capital I matches "i" case-insensitively, as the regex does;
    # "he" inside "The"/"theory" is no cue
    assert [[(m.surface, m.how) for m in s.mentions] for s in sentences] == [
        [("Putin", "alias")],
        [("HİS", "carry_over")],
        [("Putin", "alias")],
        [],
    ]


def test_before_width_bounds_the_search_without_changing_the_decision():
    from framing.senses import _max_width, parse_rules

    assert _max_width("in|into") == 4
    assert _max_width(r"between \w+ and") is None  # unbounded: the whole window
    rules = parse_rules(
        [
            {"sense": "not_actor", "reason": "place", "before": "conference in"},
            {"sense": "not_actor", "reason": "people", "after": "commentators"},
            {"sense": "actor", "after": "jets|troops"},
        ],
        None,
        "test",
    )
    text = (
        "A conference in ... Moscow jets; Moscow commentators; conference in, (Moscow) in x Moscow"
    )
    spans = [(m.start(), m.end()) for m in re.finditer("Moscow", text)]
    found = [rules.decide(text, a, b).reason for a, b in spans]
    assert found == ["place", "people", "place", ""]
    # the same rules searching the whole window decide the same
    unbounded = dataclasses.replace(
        rules, rules=tuple(dataclasses.replace(r, before_width=None) for r in rules.rules)
    )
    assert [unbounded.decide(text, a, b).reason for a, b in spans] == found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MOSCOW, Feb 3 (Reuters) - Officials met.", "not_actor"),  # a dateline: the place
        ("MOSCOW (AP) — Officials met.", "not_actor"),
        ("DAMASCUS, Dec. 9 — Crowds filled the streets.", "not_actor"),
        ("Moscow — which backed Assad — kept quiet.", "actor"),  # a dash alone: no dateline
        ("Moscow, Tehran and Ankara agreed on a statement.", "actor"),
    ],
)
def test_a_wire_dateline_names_the_place_not_the_government(text, expected):
    sentence = Segmenter().segment_text(text, "a", date="2025-02-03")[0]
    first = sentence.mentions[0]
    assert first.start == 0 and first.sense == expected
    if expected == "not_actor":
        assert first.sense_reason == "place"


@pytest.mark.parametrize(
    ("text", "surface", "expected"),
    [
        ("The family flew to Moscow on Sunday.", "Moscow", "not_actor"),  # a journey's end
        ("Weekly flights between Aleppo and Moscow resume in May.", "Moscow", "not_actor"),
        ("She studied medicine in Moscow for six years.", "Moscow", "not_actor"),
        ("He was treated in a Moscow hospital.", "Moscow", "not_actor"),
        ("Moscow's suburbs were quiet.", "Moscow's", "not_actor"),
        ("Moscow's envoy left early.", "Moscow's", "actor"),
        ("Moscow said on Monday it would keep its bases.", "Moscow", "actor"),
        ("Talks with Moscow moved to Geneva.", "Moscow", "actor"),
        ("A Russian freelance journalist was released.", "Russian", "not_actor"),
        ("Russian ballet returned to the opera house.", "Russian", "not_actor"),
        ("Russians who had settled in Latakia left.", "Russians", "not_actor"),
        ("Russian jets struck the town.", "Russian", "actor"),
        ("The president of Iraq called for calm.", "The president", "not_actor"),
        ("The president of the transitional council spoke.", "The president", "actor"),
        ("The government of national unity met.", "The government", "actor"),
        ("The government that emerges from the vote must decide.", "The government", "not_actor"),
    ],
)
def test_context_rules_for_places_people_culture_and_other_governments(text, surface, expected):
    sentence = Segmenter().segment_text(text, "a", date="2025-03-01")[0]
    (mention,) = [m for m in sentence.mentions if m.surface == surface]
    assert mention.sense == expected


@pytest.mark.parametrize(
    ("text", "surface", "expected"),
    [
        # a national side (fourteenth session: general news, no score given)
        ("Norway beat Russia on Saturday in the group opener.", "Russia", "not_actor"),
        ("Poland drew with Russia in the qualifier.", "Russia", "not_actor"),
        ("Russia edged Finland in the semi-final after extra time.", "Russia", "not_actor"),
        ("Russia beat Sweden on Tuesday to reach the last eight.", "Russia", "not_actor"),
        ("Canada's 4-2 win over Russia sent them through.", "Russia", "not_actor"),
        (
            "Russia’s narrow victory against the hosts in the final surprised few.",
            "Russia",
            "not_actor",
        ),
        (
            "The relay squad held on for a famous win over Russia at the championships.",
            "Russia",
            "not_actor",
        ),
        ("Russia (Group C): fourth appearance", "Russia", "not_actor"),
        ("Russia beat back a Ukrainian assault on Monday.", "Russia", "actor"),
        ("Ukraine's victory over Russia near Kyiv reshaped the war.", "Russia", "actor"),
        # a job title, a journey, a border
        ("A former Russia adviser to the president testified.", "Russia", "not_actor"),
        ("The panel's Russia probe widened on Friday.", "Russia", "actor"),
        ("She flew home to Lima via Moscow and Madrid.", "Moscow", "not_actor"),
        ("Moscow passed the message on via Ankara.", "Moscow", "actor"),
        ("Herders near the Russian border lost cattle to the frost.", "Russian", "not_actor"),
        ("Russian border guards detained the two hikers.", "Russian", "actor"),
        # regions, cities, departures (second round, fourteenth session)
        ("Floods cut roads across Russia's Far East this week.", "Russia", "not_actor"),
        ("The festival in the city of Kazan in Russia drew 9,000 visitors.", "Russia", "not_actor"),
        ("The cellist left Russia in 1991 with one suitcase.", "Russia", "not_actor"),
        ("The ferry left Moscow on Thursday night.", "Moscow", "not_actor"),
        ("The vote left Moscow isolated at the council.", "Moscow", "actor"),
        ("Tourists queued for the Kremlin's Armoury all morning.", "the Kremlin", "not_actor"),
        # the language beside another, and its learners; the rich as private people
        ("Signs are printed in Russian and Kazakh at the station.", "Russian", "not_actor"),
        ("Russian and Ukrainian officials met in Istanbul.", "Russian", "actor"),
        (
            "Classes were taught in Russian at every state school until 2019.",
            "Russian",
            "not_actor",
        ),
        ("Learners of Russian fell by a third last year.", "Russian", "not_actor"),
        ("A yacht owned by a Russian steel magnate was seized.", "Russian", "not_actor"),
        # third round: ages, interpreters, lists of languages, named places, routes
        ("The 31-year-old Russian, seeded fourth, lost in three sets.", "Russian", "not_actor"),
        ("The accused followed the hearing through a Russian interpreter.", "Russian", "not_actor"),
        ("Papers were set in English, French, Russian and Spanish.", "Russian", "not_actor"),
        ("Chinese, French, Russian and British troops stood guard.", "Russian", "actor"),
        ("A flat on Russian Hill sold for $2 million.", "Russian", "not_actor"),
        ("Flights from Oslo to Seoul used to cross over Russia.", "Russia", "not_actor"),
        ("Migrants work on building sites and in markets in Russia.", "Russia", "not_actor"),
        ("Geese breed on the tundra of Arctic Russia.", "Russia", "not_actor"),
        ("Sanctions over Russia's war widened on Monday.", "Russia", "actor"),
        ("The train runs from Moscow to Vladivostok in a week.", "Moscow", "not_actor"),
        ("A message went from Moscow to Washington overnight.", "Moscow", "actor"),
        ("The valley town is still nicknamed Little Moscow.", "Moscow", "not_actor"),
        ("The best views of the Kremlin are from the bridge.", "the Kremlin", "not_actor"),
    ],
)
def test_rules_for_teams_titles_journeys_and_borders(text, surface, expected):
    """Russia in general news (sport, travel, language, business): fourteenth session."""
    sentence = Segmenter().segment_text(text, "a", date="2019-11-20")[0]
    (mention,) = [m for m in sentence.mentions if m.surface == surface]
    assert mention.sense == expected


@pytest.mark.parametrize(
    ("text", "surface", "date", "expected"),
    [
        # another country's voice or capital just before a generic office
        (
            "The State Department said the president would travel on Friday.",
            "the president",
            "2025-03-01",
            "not_actor",
        ),
        (
            "Jordan's foreign minister said the government would reopen the crossing.",
            "the government",
            "2025-03-01",
            "not_actor",
        ),
        (
            "In Ankara, the government announced new quotas.",
            "the government",
            "2025-03-01",
            "not_actor",
        ),
        ("In Idlib, the government opened two schools.", "the government", "2025-03-01", "actor"),
        (
            "Syria's foreign minister said the president would attend.",
            "the president",
            "2025-03-01",
            "actor",
        ),
        (
            "Aid groups said the president had pardoned the detainees.",
            "the president",
            "2025-03-01",
            "actor",
        ),
        # a future office
        (
            "The president to be elected next year will serve five years.",
            "The president",
            "2025-03-01",
            "not_actor",
        ),
        # Moscow as a venue or scenery, Damascus as scenery
        ("Negotiators met in Moscow for a second round.", "Moscow", "2025-03-01", "not_actor"),
        (
            "The summit, at a hotel in central Moscow, ended late.",
            "Moscow",
            "2025-03-01",
            "not_actor",
        ),
        (
            "Students at universities in Moscow and Kazan asked for help.",
            "Moscow",
            "2025-03-01",
            "not_actor",
        ),
        ("Snow was falling over Moscow as the talks began.", "Moscow", "2025-03-01", "not_actor"),
        (
            "Damascus was quiet and cold on the first night of Ramadan.",
            "Damascus",
            "2025-03-01",
            "not_actor",
        ),
        ("Moscow was quick to condemn the strike.", "Moscow", "2025-03-01", "actor"),
        # Russian private people and Russian as a school subject
        (
            "A Russian engineer who married a local teacher still lives in Tartus.",
            "Russian",
            "2025-03-01",
            "not_actor",
        ),
        (
            "The school teaches Russian as an optional subject.",
            "Russian",
            "2025-03-01",
            "not_actor",
        ),
        ("A Russian officer was seen at the base.", "Russian", "2025-03-01", "actor"),
        # another country's regime; the authorities before December 2024
        (
            "Tehran's media blamed the Zionist regime for the blast.",
            "regime",
            "2025-03-01",
            "not_actor",
        ),
        (
            "The authorities detained forty men in Hama, activists said.",
            "The authorities",
            "2023-05-01",
            "actor",
        ),
    ],
)
def test_rules_for_foreign_voices_venues_scenery_and_private_people(text, surface, date, expected):
    sentence = Segmenter().segment_text(text, "a", date=date)[0]
    mentions = [m for m in sentence.mentions if m.surface == surface]
    assert mentions, f"{surface!r} not matched in {text!r}"
    assert mentions[0].sense == expected


def _pairs_made(text: str, surface: str, date: str) -> list[str]:
    """The actors the mentions written ``surface`` make pairs for in ``text`` (whole
    pipeline: dated aliases, senses, role nouns, the sentence before); [] when none.
    The surface must be matched (as the actor or not), so a case cannot pass unread."""
    sentences = Segmenter().segment_text(text, "a", date=date)
    mentions = [m for s in sentences for m in s.mentions if m.surface == surface]
    assert mentions, f"{surface!r} not matched in {text!r}"
    return [m.actor for m in mentions if m.is_actor]


@pytest.mark.parametrize(
    ("text", "surface", "date", "expected"),
    [
        # forces and the army of the state in power at the article's date
        ("Syrian forces shelled villages near Idlib.", "Syrian forces", "2023-06-01", "Assad"),
        ("Syrian forces entered the town after the clashes.", "Syrian forces", "2025-06-01", "HTS"),
        ("Sudanese government forces retook the bridge.", "government forces", "2025-06-01", None),
        (
            "In Amman, the new authorities announced a curfew.",
            "the new authorities",
            "2025-06-01",
            None,
        ),
        # names that are not the actor
        ("Visitors walked along the Kremlin walls in the snow.", "the Kremlin", "2025-06-01", None),
        (
            "The Kremlin said it would keep talking to Damascus.",
            "The Kremlin",
            "2025-06-01",
            "Russia",
        ),
        ("Fishermen on Lake Assad say the water is falling.", "Assad", "2025-06-01", None),
        ('"It is hard," said Bashar, a 31-year-old baker in Hama.', "Bashar", "2025-06-01", None),
        ("Farouk al-Sharaa, the veteran diplomat, stayed silent.", "al-Sharaa", "2025-06-01", None),
        ("A vendor sold Damascus roses by the road.", "Damascus", "2025-06-01", None),
        ("Playing Russian roulette with the budget, critics said.", "Russian", "2025-06-01", None),
        ("The striker left for a Russian club in 2019.", "Russian", "2025-06-01", None),
        ("The quartet played Russian romantic music.", "Russian", "2025-06-01", None),
        ("Several hundred Russians live on the coast.", "Russians", "2025-06-01", None),
        ("The ousted leader arrived in Moscow late on Sunday.", "Moscow", "2025-06-01", None),
        # Russia the country as a journey's end or a home (hard case 30)
        ("It was his first visit to Russia since the war.", "Russia", "2025-06-01", None),
        ("Two hundred families returned home to Homs from Russia.", "Russia", "2025-06-01", None),
        ("Russia vetoed the resolution.", "Russia", "2025-06-01", "Russia"),
        # where someone is; near the Kremlin
        (
            "The former first lady is now in Moscow, her relatives said.",
            "Moscow",
            "2025-06-01",
            None,
        ),
        ("Protesters gathered outside the Kremlin at noon.", "the Kremlin", "2025-06-01", None),
        # language and private groups
        ("Applicants must pass a Russian proficiency test.", "Russian", "2025-06-01", None),
        ("A Russian tour group visited the citadel.", "Russian", "2025-06-01", None),
        # names: a hospital, another Assad, another ruler's regime
        ("Doctors at Al-Assad University Hospital went on strike.", "Al-Assad", "2025-06-01", None),
        ("Assad Haddad, a 50-year-old farmer, lost his crop.", "Assad", "2025-06-01", None),
        ("Exiles remember Saddam Hussein's regime.", "regime", "2025-06-01", None),
        ("Critics of Bashar's regime were jailed.", "regime", "2023-06-01", "Assad"),
        # the old state's forces are not the new government's
        ("Security forces under Assad ran the checkpoints.", "Security forces", "2025-06-01", None),
        (
            "The Salvation Government raised bread prices in Idlib.",
            "Salvation Government",
            "2023-06-01",
            "HTS",
        ),
        # "in/and/from Russian" is the language only when no noun follows
        ("Dozens were killed in Russian air strikes on Idlib.", "Russian", "2023-06-01", "Russia"),
        ("Syrian and Russian jets bombed the town.", "Russian", "2023-06-01", "Russia"),
        ("Damage from Russian shelling was visible.", "Russian", "2023-06-01", "Russia"),
        ("She answered in Russian, smiling.", "Russian", "2023-06-01", None),
        ("The talks were held in Russian and Arabic.", "Russian", "2023-06-01", None),
        (
            "The interview was conducted in Russian and was edited for length.",
            "Russian",
            "2023-06-01",
            None,
        ),
        ("He said in Russian that he was tired.", "Russian", "2023-06-01", None),
        # hard case 30 by name; the country as a market or a place of study
        ("A Russian newspaper printed the interview.", "Russian", "2025-06-01", None),
        ("Tankers of Russian crude docked at Baniyas.", "Russian", "2025-06-01", None),
        ("Citrus exports to Russia fell by half.", "Russia", "2025-06-01", None),
        ("He studied medicine in Russia in the 1990s.", "Russia", "2025-06-01", None),
        # the Russians as the state; another Assad; a sanctions regime; the tariff code
        (
            "The Russians have moved equipment out of the base.",
            "The Russians",
            "2025-06-01",
            "Russia",
        ),
        ("Assad Haddad, a pharmacist in Homs, ran out of insulin.", "Assad", "2025-06-01", None),
        ("The EU extended its sanctions regime for a year.", "regime", "2023-06-01", None),
        ("Importers must give the HTS code of each item.", "HTS", "2025-06-01", None),
        # state forces and authorities by date
        (
            "Syrian security forces raided the village.",
            "Syrian security forces",
            "2024-03-01",
            "Assad",
        ),
        (
            "Syrian government forces withdrew from the city.",
            "Syrian government forces",
            "2025-07-01",
            "HTS",
        ),
        ("Syrian authorities raised the death toll.", "Syrian authorities", "2023-02-10", "Assad"),
        (
            "Hundreds of Syrians studying in Russia fear for their grants.",
            "Russia",
            "2025-06-01",
            None,
        ),
        (
            "The airline resumed its service between Aleppo and Moscow.",
            "Moscow",
            "2025-06-01",
            None,
        ),
        ("The ministers met in the Russian resort city of Sochi.", "Russian", "2025-06-01", None),
        ("Russian is now taught in two hundred schools.", "Russian", "2025-06-01", None),
        (
            "Olga, a Russian who moved to Latakia in 1990, runs a bakery.",
            "Russian",
            "2025-06-01",
            None,
        ),
        (
            "Kommersant, the Russian business daily, reported the deal.",
            "Russian",
            "2025-06-01",
            None,
        ),
        ("A Russian frigate docked at Tartus.", "Russian", "2025-06-01", "Russia"),
        (
            "Security forces arrested an activist in Sweida.",
            "Security forces",
            "2023-06-01",
            "Assad",
        ),
        ("Lebanese security forces detained dozens.", "security forces", "2023-06-01", None),
        ("The Damascus-born poet won the prize.", "Damascus", "2025-06-01", None),
        (
            "Syria's interior ministry said it had arrested the officer.",
            "Syria's interior ministry",
            "2025-06-01",
            "HTS",
        ),
        (
            "Syria's interior ministry said it had seized the pills.",
            "Syria's interior ministry",
            "2024-06-01",
            "Assad",
        ),
        (
            "Bread prices in government-held areas rose by half.",
            "government-held",
            "2023-06-01",
            "Assad",
        ),
        ("The army blamed terrorists for the attack.", "The army", "2023-06-01", "Assad"),
        (
            "Recruits to the new Syrian army sign up voluntarily.",
            "the new Syrian army",
            "2025-06-01",
            "HTS",
        ),
        ("A Syrian-Russian dual national was arrested in Latakia.", "Russian", "2025-06-01", None),
        ("Russian and Filipino nationals were among the crew.", "Russian", "2025-06-01", None),
        ("The team will play two friendlies in Moscow in March.", "Moscow", "2025-06-01", None),
        ("The striker signed for Lokomotiv Moscow.", "Moscow", "2025-06-01", None),
        ("He lives in a compound on the western edge of Moscow.", "Moscow", "2025-06-01", None),
        ("Students at universities across Russia wait for stipends.", "Russia", "2025-06-01", None),
        ("Growers once shipped most of their crop to Russia.", "Russia", "2025-06-01", None),
        ("Niger's new military regime expelled the ambassador.", "regime", "2023-08-01", None),
        ("Lebanon tightened its entry regime for Syrians.", "regime", "2024-11-01", None),
        ("Hussein al-Sharaa, an economist, spoke of his son.", "al-Sharaa", "2025-06-01", None),
        # a Syrian place after the office is not another country
        (
            "Men were detained by the authorities in Daraa province.",
            "the authorities",
            "2024-09-01",
            "Assad",
        ),
        ("The government in Idlib reopened the crossing.", "The government", "2025-09-01", "HTS"),
        ("The government of Iraq protested.", "The government", "2025-09-01", None),
        # Assad's state before the fall
        (
            "The Defence Ministry blamed terrorists for the attack.",
            "The Defence Ministry",
            "2023-10-05",
            "Assad",
        ),
        (
            "The first lady will step back, the presidency said.",
            "the presidency",
            "2024-05-21",
            "Assad",
        ),
        # Moscow and Russia as places
        ("The plane landed at an airport outside Moscow.", "Moscow", "2025-10-01", None),
        ("In Moscow on Wednesday, the envoy laid a wreath.", "Moscow", "2025-10-01", None),
        ("He left for Russia on a work visa in 2021.", "Russia", "2025-10-01", None),
        # a month or a weekday after "in" is not another country
        (
            "The faculty reopened under the new authorities in January.",
            "the new authorities",
            "2025-06-01",
            "HTS",
        ),
        (
            "The new authorities in Beirut promised reform.",
            "The new authorities",
            "2025-06-01",
            None,
        ),
        # a soldier's trade is not a private person's
        (
            "A retired Russian engineer officer told the agency so.",
            "Russian",
            "2025-06-01",
            "Russia",
        ),
        # the sentence before opens with another country and names no Syrian government
        (
            "Iran hanged two more men on Saturday. Rights groups accuse the regime of cruelty.",
            "the regime",
            "2023-01-10",
            None,
        ),
        (
            "Lebanon's army deported dozens of Syrians. The authorities say they enforce the law.",
            "The authorities",
            "2023-04-28",
            None,
        ),
        (
            "Israel struck targets overnight. The army said the targets included a depot.",
            "The army",
            "2023-12-12",
            None,
        ),
        # … but not when the sentence before names the Syrian side, or Russia before "the regime"
        (
            "Turkey's foreign minister met al-Sharaa in Damascus. The president said talks went well.",
            "The president",
            "2025-05-13",
            "HTS",
        ),
        (
            "Russia sent more jets. The regime's forces advanced on Hama.",
            "The regime",
            "2016-05-13",
            "Assad",
        ),
        (
            "Cement prices doubled after Turkish plants closed. Builders say the government is slow.",
            "the government",
            "2025-05-13",
            "HTS",
        ),
        # fifth-session rules, each with a contrast that stays the actor
        ("A Russian-Armenian surgeon runs the clinic in Homs.", "Russian", "2025-03-01", None),
        ("Russian-Turkish patrols resumed near Kobani.", "Russian", "2023-03-01", "Russia"),
        ("Russian-built Kamaz trucks still carry bread to Hama.", "Russian", "2025-03-01", None),
        ("Russian folk songs played at the wedding in Tartus.", "Russian", "2025-03-01", None),
        ("The Russian boxer won on points in Doha.", "Russian", "2025-03-01", None),
        (
            "Three Russians working for a private mining firm were freed.",
            "Russians",
            "2025-03-01",
            None,
        ),
        ("Russians shelled the outskirts of Idlib.", "Russians", "2019-03-01", "Russia"),
        ("Imperial Russia built a consulate in Aleppo in 1890.", "Russia", "2025-03-01", None),
        ("Frost in southern Russia cut the barley crop.", "Russia", "2025-03-01", None),
        ("Syria drew 1-1 with Russia in a friendly in Kazan.", "Russia", "2025-03-01", None),
        ("Russia pledged wheat to Syria.", "Russia", "2025-03-01", "Russia"),
        ("He spent a decade in Moscow, where he taught chemistry.", "Moscow", "2025-03-01", None),
        ("Maher al-Assad is thought to be in Moscow.", "Moscow", "2025-03-01", None),
        ("Moscow said it would keep its bases.", "Moscow", "2025-03-01", "Russia"),
        ("Assad was feted at the Kremlin in 2015.", "the Kremlin", "2023-03-01", None),
        ("The Kremlin said talks were useful.", "The Kremlin", "2023-03-01", "Russia"),
        ("Flights between Damascus and Vienna resume on Monday.", "Damascus", "2025-03-01", None),
        ("Talks between Damascus and the SDF stalled.", "Damascus", "2025-03-01", "HTS"),
        ("The tremor was felt as far away as Damascus.", "Damascus", "2023-03-01", None),
        ("Assad Karim, 61, a baker in Hama, lost his shop.", "Assad", "2025-03-01", None),
        (
            "The novel was translated from the Russian by a poet in Homs.",
            "Russian",
            "2025-03-01",
            None,
        ),
        (
            "She answered in halting Russian before switching to Arabic.",
            "Russian",
            "2025-03-01",
            None,
        ),
        ("His mother taught him Russian in Latakia.", "Russian", "2025-03-01", None),
        ('"I\'m Russian, but my home is here," she said.', "Russian", "2025-03-01", None),
        ("Lada and other Russian car brands are scarce.", "Russian", "2025-03-01", None),
        ("Russian armoured vehicles left Qamishli.", "Russian", "2025-03-01", "Russia"),
        ("The regime of Daniel Ortega expelled the nuns.", "The regime", "2025-03-01", None),
        ("The regime of Bashar al-Assad jailed thousands.", "The regime", "2023-03-01", "Assad"),
        ("The military regime in Niger expelled French troops.", "regime", "2024-03-01", None),
        (
            "Jordan and Syria restored a visa-free regime for truckers.",
            "regime",
            "2025-03-01",
            None,
        ),
        (
            "The president, Emmanuel Macron, said France would help.",
            "The president",
            "2025-03-01",
            None,
        ),
        (
            "The president, Ahmed al-Sharaa, said Syria would recover.",
            "The president",
            "2025-03-01",
            "HTS",
        ),
        (
            "Syria's interior ministry arrested a former officer. The ministry said he would face trial.",
            "The ministry",
            "2025-03-01",
            "HTS",
        ),
        (
            "Three senior Syrian security officials were sentenced in Paris.",
            "Syrian security officials",
            "2024-03-01",
            "Assad",
        ),
        # after test12: heads of other bodies, other services, other people named al-Sharaa
        (
            "The president of the Aleppo Bar Association resigned.",
            "The president",
            "2025-03-01",
            None,
        ),
        (
            "Kurdish-led security forces closed the road to Hasakah.",
            "security forces",
            "2025-03-01",
            None,
        ),
        ("Iraq's General Security turned back 40 lorries.", "General Security", "2025-03-01", None),
        ("General Security raided a depot in Homs.", "General Security", "2025-03-01", "HTS"),
        (
            "Known as Abu Mohammed al-Jolani, the president spoke in Idlib.",
            "the president",
            "2025-03-01",
            "HTS",
        ),
        ("Teacher Omar al-Sharaa opened a school in Daraa.", "al-Sharaa", "2025-03-01", None),
        ("On Monday al-Sharaa met the envoy.", "al-Sharaa", "2025-03-01", "HTS"),
        ("Midfielder Assad Hamdan scored late.", "Assad", "2025-03-01", None),
        ("DAMASCUS, Syria (AP) — Snow closed the highway to Homs.", "DAMASCUS", "2023-03-01", None),
        (
            "Voting was held in government-controlled areas.",
            "government-controlled",
            "2024-03-01",
            "Assad",
        ),
        (
            "The People's Palace said the visit went well.",
            "The People's Palace",
            "2025-03-01",
            "HTS",
        ),
        ("She married a Russian pilot in 1990 and moved to Homs.", "Russian", "2025-03-01", None),
        ("His grandfather was Russian, he said.", "Russian", "2025-03-01", None),
        ("Cold air sweeping down from Russia brought snow.", "Russia", "2025-03-01", None),
        ("The tanker loaded at a Russian Black Sea port.", "Russian", "2025-03-01", None),
        ("The Syrian beat a Russian qualifier in Doha.", "Russian", "2025-03-01", None),
        # after test13: trades, first names, schedules, dated offices
        ("A Russian violinist opened the festival in Homs.", "Russian", "2025-03-01", None),
        ("Russian specialists repaired the radar at Hmeimim.", "Russian", "2023-03-01", "Russia"),
        (
            "Dozens of engineers who trained in Russia now run the plant.",
            "Russia",
            "2025-03-01",
            None,
        ),
        ("Goalkeeper Bashar Nasser saved a penalty.", "Bashar", "2025-03-01", None),
        ("Bashar, a taxi driver in Homs, lost his car in the quake.", "Bashar", "2023-03-01", None),
        ("Rana Assad, a nurse in Hama, said supplies were short.", "Assad", "2025-03-01", None),
        ("The Assad-era laws were repealed.", "Assad", "2025-03-01", "Assad"),
        ("The regime of three tablets a day suited her.", "The regime", "2025-03-01", None),
        (
            "Security services in Homs arrested a blogger.",
            "Security services",
            "2024-03-01",
            "Assad",
        ),
        (
            "The authorities in Idlib raised the price of bread.",
            "The authorities in Idlib",
            "2023-03-01",
            "HTS",
        ),
        # after test14: venues and visitors, the language as subject, other Bashars, dated offices
        ("Two students studying dentistry in Moscow flew home.", "Moscow", "2025-03-01", None),
        ("The squad plays two friendlies in Russia in May.", "Russia", "2025-03-01", None),
        ("Bookings from Russia have halved in Latakia.", "Russia", "2025-03-01", None),
        ("She trained in Russia's second city, St Petersburg.", "Russia", "2025-03-01", None),
        ("Menus in Russian are disappearing from Tartus cafes.", "Russian", "2025-03-01", None),
        ("Pupils chose Russian as their third language.", "Russian", "2023-03-01", None),
        ("Elena, Russian by birth, has run the shop since 1995.", "Russian", "2025-03-01", None),
        ("A Russian food blogger toured the souks of Aleppo.", "Russian", "2025-03-01", None),
        ("Bashar Khalil scored the winner for Hutteen.", "Bashar", "2025-03-01", None),
        ("Many still miss life under Bashar. Prices were lower.", "Bashar", "2025-03-01", "Assad"),
        ("Damascus sweltered under a heatwave on Monday.", "Damascus", "2025-03-01", None),
        ("Damascus is now a popular destination for backpackers.", "Damascus", "2025-03-01", None),
        (
            "The president wrote on Truth Social that the deal was great.",
            "The president",
            "2025-03-01",
            None,
        ),
        (
            "Syria's health ministry reported new cholera cases.",
            "Syria's health ministry",
            "2025-03-01",
            "HTS",
        ),
        (
            "The first lady opened a cancer ward in Damascus.",
            "The first lady",
            "2023-03-01",
            "Assad",
        ),
        # a bug seen in test15's one reading: "culture" took the ministry for the people
        ("The Russian culture ministry funded the exhibition.", "Russian", "2023-03-01", "Russia"),
        ("Russian culture still has admirers in Latakia.", "Russian", "2025-03-01", None),
        # a number before the mention counts people; a year or a number and a comma do not
        ("Even so, in 2017, the Russians signed a lease.", "the Russians", "2023-03-01", "Russia"),
        ("In 2019 the Russians signed a new lease.", "the Russians", "2023-03-01", "Russia"),
        ("Of the 200, the Russians walked out first.", "the Russians", "2023-03-01", "Russia"),
        ("About 2,000 Russians live in Latakia.", "Russians", "2025-03-01", None),
        ("Some 40 Russians were evacuated by sea.", "Russians", "2025-03-01", None),
        # real-news audit (NewsMTSC tune pool): Wagner the surname and the composer
        ("Lisa Wagner, a county treasurer, chaired the meeting.", "Wagner", "2023-03-01", None),
        ('Their neighbour, Tom "Red" Wagner, 47, was not charged.', "Wagner", "2023-03-01", None),
        ("Mr Wagner declined to comment.", "Wagner", "2023-03-01", None),
        ("The orchestra played Wagner after the interval.", "Wagner", "2023-03-01", None),
        ("Wagner fighters withdrew from the airbase at dawn.", "Wagner", "2023-03-01", "Russia"),
        ("Wagner has pulled its men out of the oil fields.", "Wagner", "2023-03-01", "Russia"),
        # private Russians, firms and money (hard case 30), the country as a place
        ("A Russian lawyer met two campaign aides in June.", "Russian", "2023-03-01", None),
        ("Russian dissidents protested outside the embassy.", "Russian", "2023-03-01", None),
        ("As a wealthy Russian, he could travel freely.", "Russian", "2023-03-01", None),
        ("Russian engineers walked out of the meeting.", "Russian", "2023-03-01", "Russia"),
        ("A Russian firm won the tender to rebuild the silo.", "Russian", "2025-03-01", None),
        ("Russian banks froze the accounts of two exporters.", "Russian", "2025-03-01", None),
        ("Russian state companies kept a low profile.", "Russian", "2025-03-01", "Russia"),
        ("Ministers met at a forum in Kazan, Russia, last week.", "Russia", "2023-03-01", None),
        ("The defector asked to stay in Russia for another year.", "Russia", "2023-03-01", None),
        ("He promised friendship to the people of Russia.", "Russia", "2023-03-01", None),
        ("Critics said he had sold out his allies to Russia.", "Russia", "2023-03-01", "Russia"),
        ("Citrus exports to Russia fell by a third.", "Russia", "2023-03-01", None),
        ("Erdogan cancelled a meeting with Mr. Putin in Moscow.", "Moscow", "2023-03-01", None),
        ("The meeting was cancelled after Moscow objected.", "Moscow", "2023-03-01", "Russia"),
        ("He picked up a smattering of Russian while posted there.", "Russian", "2023-03-01", None),
        ("Her command of Russian was excellent.", "Russian", "2023-03-01", None),
        ("Analysts doubted their knowledge of Russian plans.", "Russian", "2023-03-01", "Russia"),
        # officials real news names: a former ambassador, Medvedev (not the tennis player)
        (
            "The senator met Sergey Kislyak twice that year.",
            "Sergey Kislyak",
            "2018-03-01",
            "Russia",
        ),
        ("Medvedev warned the West against new sanctions.", "Medvedev", "2023-03-01", "Russia"),
        ("Daniil Medvedev won the final in three sets.", "Medvedev", "2023-03-01", None),
        ("Medvedev, the world No. 4, withdrew injured.", "Medvedev", "2023-03-01", None),
        # test16's one reading: places, food and music, Assad-era ministries, other regimes
        ("Pilgrims gathered at the Damascus Gate before dawn.", "Damascus", "2025-03-01", None),
        ("She trained at a Moscow conservatory for six years.", "Moscow", "2025-03-01", None),
        ("The quartet will perform Wagner in Vienna.", "Wagner", "2025-03-01", None),
        ("The shop sells Russian pastries and tea.", "Russian", "2025-03-01", None),
        (
            "Syria's health ministry reported 12 cholera cases.",
            "Syria's health ministry",
            "2021-03-01",
            "Assad",
        ),
        (
            "Syria's caretaker government named a new governor.",
            "Syria's caretaker government",
            "2025-03-01",
            "HTS",
        ),
        (
            "Many in Cairo miss the old regime of Hosni Mubarak.",
            "the old regime",
            "2025-03-01",
            None,
        ),
        ("Officials of the old regime fled to Latakia.", "the old regime", "2025-03-01", "Assad"),
        # the war's wire copy (FA-KES tune pool): the state's forces, offices and party
        # before the fall, copy without apostrophes, places named after the family
        ("Syrian warplanes bombed a bakery in Maarat.", "Syrian warplanes", "2015-06-01", "Assad"),
        ("The Syrian Arab Army retook the hill.", "Syrian Arab Army", "2016-02-01", "Assad"),
        ("Troops of the SAA entered the town.", "SAA", "2016-02-01", "Assad"),
        (
            "Government helicopters dropped barrels on Daraya.",
            "Government helicopters",
            "2015-06-01",
            "Assad",
        ),
        ("The district is under government control.", "government control", "2016-02-01", "Assad"),
        (
            "Anti-government protests spread in 2011.",
            "government protests",
            "2013-06-01",
            "Assad",
        ),
        ("Syria denied using chlorine.", "Syria", "2016-02-01", "Assad"),
        ("Syria is a mountainous country.", "Syria", "2016-02-01", None),  # the country
        ("Hama Governor Ghassan Khalaf met the families.", "Hama Governor", "2016-02-01", "Assad"),
        (
            "The Syrian Ministry of Foreign Affairs sent two letters.",
            "Syrian Ministry of Foreign Affairs",
            "2017-08-01",
            "Assad",
        ),
        (
            "Syrias foreign ministry rejected the report.",
            "Syrias foreign ministry",
            "2017-08-01",
            "Assad",
        ),
        (
            "Foreign Minister Walid al-Muallem spoke in Geneva.",
            "Walid al-Muallem",
            "2016-02-01",
            "Assad",
        ),
        ("Members of the ruling Baath party voted.", "Baath party", "2016-02-01", "Assad"),
        ("Iraqs Baath party was outlawed in 2003.", "Baath party", "2016-02-01", None),
        (
            "Russias defence ministry released footage.",
            "Russias defence ministry",
            "2017-10-01",
            "Russia",
        ),
        (
            "Spokesman Igor Konashenkov gave the figures.",
            "Igor Konashenkov",
            "2017-10-01",
            "Russia",
        ),
        ("Fatah al-Sham fighters seized the village.", "Fatah al-Sham", "2016-10-01", "HTS"),
        ("Shells hit the al-Assad residential suburb.", "al-Assad", "2016-10-01", None),
        (
            "The village lies near the border with Damascus province.",
            "Damascus",
            "2016-10-01",
            None,
        ),
        ("Kurdish internal security forces arrested them.", "security forces", "2016-10-01", None),
        # eighth session: each rule written from a test17 miss, checked on sentences of its own
        (
            "The sanctions hold, but the truce regime in Daraa is fraying.",
            "regime",
            "2019-05-01",
            None,
        ),
        (
            "The deposed president of Tunisia gave an interview.",
            "The deposed president",
            "2025-04-01",
            None,
        ),
        ("The deposed president fled to Moscow.", "The deposed president", "2025-04-01", "Assad"),
        ("Traffic was diverted from Bassel al-Assad Avenue.", "al-Assad", "2019-05-01", None),
        ("A grocer named Assad Haddad opened a second shop.", "Assad", "2025-04-01", None),
        ("Talks were held in the Kremlin's Grand Palace.", "the Kremlin", "2025-04-01", None),
        (
            "Schools in Latakia will teach Russian as an optional module.",
            "Russian",
            "2025-04-01",
            None,
        ),
        ("Russian has become the third language of the port.", "Russian", "2025-04-01", None),
        ("Russian and Armenian women in Homs formed a choir.", "Russian", "2025-04-01", None),
        ("Russian and Iranian forces shelled the town.", "Russian", "2016-04-01", "Russia"),
        ("A Russian-owned hotel reopened in Tartus.", "Russian", "2025-04-01", None),
        ("Putins spokesman declined to comment", "Putins", "2025-04-01", "Russia"),
        ("Sharaas cabinet met on Sunday", "Sharaas", "2025-04-01", "HTS"),
        ("Syrias army said it had retaken the hill", "Syrias army", "2016-04-01", "Assad"),
        ("Syria welcomed the resolution on Monday.", "Syria", "2016-04-01", "Assad"),
        # ... and from test18's misses
        ("Syria reopened its embassy in Amman.", "Syria", "2019-04-01", "Assad"),
        ("Russia lost 2-1 to Croatia in the quarter-final.", "Russia", "2018-07-01", None),
        ("Egypt held Russia to a scoreless draw.", "Russia", "2018-07-01", None),
        ("Russia held talks with Turkey.", "Russia", "2018-07-01", "Russia"),
        ("The cast performed a Russian play in Homs.", "Russian", "2022-01-01", None),
        ("The price of Russian fertiliser fell.", "Russian", "2022-01-01", None),
        ("Menus printed in Russian are still on the tables.", "Russian", "2025-04-01", None),
        ("Fog delayed flights at Moscow's busiest airport.", "Moscow's", "2025-04-01", None),
        ("He ordered a Moscow Mule.", "Moscow", "2025-04-01", None),
        ("Dynamo Moscow signed a Syrian striker.", "Moscow", "2025-04-01", None),
        ("Utilities are testing HTS wires in the grid.", "HTS", "2018-04-01", None),
        ("Said Bashar, a twelve-year-old from Homs.", "Bashar", "2025-04-01", None),
        (
            "Libyans who lived under the old regime in Tripoli recall it.",
            "the old regime",
            "2025-04-01",
            None,
        ),
        (
            "Files from the former regimes prisons were found",
            "the former regimes",
            "2025-04-01",
            "Assad",
        ),
        # ... and from test19's misses
        ("Trains from Aleppo to Moscow are sold out.", "Moscow", "2016-04-01", None),
        ("She moved to Moscow, Pennsylvania, in 1990.", "Moscow", "2016-04-01", None),
        ("Syrian exiles in Moscow marched on Sunday.", "Moscow", "2016-04-01", None),
        ("Moscow sent more jets to Hmeimim.", "Moscow", "2016-04-01", "Russia"),
        ("The night was as cold as a Russian winter.", "Russian", "2016-04-01", None),
        ("A Russian airline cancelled its Damascus route.", "Russian", "2025-04-01", None),
        ("The school added Russian to its curriculum.", "Russian", "2025-04-01", None),
        ("Anna Lavrov, a violinist, played in Homs.", "Lavrov", "2025-04-01", None),
        ("Sergei Lavrov met his Turkish counterpart.", "Sergei Lavrov", "2025-04-01", "Russia"),
        ("Minister Lavrov met his Turkish counterpart.", "Lavrov", "2025-04-01", "Russia"),
        ("Shells hit a Damascus souk on Friday.", "Damascus", "2016-04-01", None),
        ("Traffic returned to Hafez al-Assad Bridge.", "Hafez al-Assad", "2019-04-01", None),
        # ... and from test20's misses
        ("The post requires Russian as well as Arabic.", "Russian", "2021-04-01", None),
        ("Russian and Turkish patrols resumed.", "Russian", "2021-04-01", "Russia"),
        ("She studied at a Russian conservatory.", "Russian", "2021-04-01", None),
        ("They met at Hotel Moscow in Aleppo.", "Moscow", "2025-04-01", None),
        ("Dates are sold in Russia's largest grocery chains.", "Russia", "2025-04-01", None),
        ("Russia has become the main market for Syrian olive oil.", "Russia", "2025-04-01", None),
        ("Hundreds of nurses have gone to Russia for training.", "Russia", "2017-04-01", None),
        ("Syria told the envoy it would not attend.", "Syria", "2016-04-01", "Assad"),
        (
            "Syrias foreign minister arrived in Tehran",
            "Syrias foreign minister",
            "2016-04-01",
            "Assad",
        ),
        ("Syrian government troops entered the town.", "government troops", "2018-04-01", "Assad"),
        ("The Al-Assad National Library reopened.", "Al-Assad", "2018-04-01", None),
        ("A high-throughput screening (HTS) run found two hits.", "HTS", "2022-04-01", None),
        ("Hayat Tahrir al-Sham (HTS) took the town.", "HTS", "2022-04-01", "HTS"),
        # "the military" of the war: the acting force, not an adjective or another country's
        (
            "Residents said the military had shelled the town.",
            "the military",
            "2016-04-01",
            "Assad",
        ),
        ("The military alliance struck a bridge.", "The military", "2016-04-01", None),
        ("The military of Jordan closed the border.", "The military", "2016-04-01", None),
        # tenth session: the war's wire copy (rules written from the FA-KES train pool's first
        # batch; these sentences are our own)
        ("Two mortars fell in the Syrian capital Damascus.", "Damascus", "2015-03-01", None),
        ("Rebels fired rockets on Damascus at dawn.", "Damascus", "2015-03-01", None),
        ("Car bombs have targeted Damascus twice this year.", "Damascus", "2015-03-01", None),
        ("Shelling wounded nine in Homs Hama Damascus.", "Damascus", "2015-03-01", None),
        ("The blast shook Damascus city centre.", "Damascus", "2015-03-01", None),
        ("Damascus rejected the proposal on Monday.", "Damascus", "2015-03-01", "Assad"),
        ("DAMASCUS (Sputnik) The army took the hill.", "DAMASCUS", "2015-03-01", None),
        ("MOSCOW October 18 (RIA Novosti) The talks ended.", "MOSCOW", "2015-03-01", None),
        ("Moscow October talks were postponed.", "Moscow", "2015-03-01", "Russia"),
        ("Daesh (banned in Russia) attacked the village.", "Russia", "2016-03-01", None),
        ("Russia banned the group in 2003.", "Russia", "2016-03-01", "Russia"),
        ("Free Syrian Army units held the ridge.", "Syrian Army", "2014-03-01", None),
        ("The Syrian Army held the ridge.", "The Syrian Army", "2014-03-01", "Assad"),
        (
            "The Syrian military conflict has killed thousands.",
            "Syrian military",
            "2015-03-01",
            None,
        ),
        ("Russian and regime warplanes struck Idlib.", "regime", "2016-03-01", "Assad"),
        ("The Russian regime jailed the critic.", "regime", "2016-03-01", None),
        ("Syrian or Russian aircraft hit the market.", "Syrian or", "2016-03-01", "Assad"),
        ("Syrian or Russian aircraft hit the market.", "Russian", "2016-03-01", "Russia"),
        ("Syrian and Russian students sang together.", "Syrian and", "2016-03-01", None),
        (
            "A source at Hama Police Command told SANA the road was open.",
            "Police Command",
            "2016-03-01",
            "Assad",
        ),
        (
            "A source at Basra Police Command said two were arrested.",
            "Police Command",
            "2016-03-01",
            None,
        ),
        ("Loyalist forces pushed into the valley.", "Loyalist forces", "2016-03-01", "Assad"),
        (
            "Pro-government militias manned the checkpoint.",
            "Pro-government militias",
            "2016-03-01",
            "Assad",
        ),
        ("Iraqi pro-government forces held Tikrit.", "pro-government forces", "2016-03-01", None),
        (
            "Prime Minister Wael al-Halqi visited the wounded.",
            "Wael al-Halqi",
            "2014-03-01",
            "Assad",
        ),
        (
            "Homs governor Talal Barazi said the road reopened.",
            "Talal Barazi",
            "2016-03-01",
            "Assad",
        ),
        ("Syria had used chlorine, the inspectors said.", "Syria", "2016-03-01", "Assad"),
        ("Syria used to export wheat.", "Syria", "2016-03-01", None),
        ("Peace will return to the land of Syria, said the envoy.", "Syria", "2016-03-01", None),
        ("Fighters of Tahrir al Sham took the crossing.", "Tahrir al Sham", "2018-03-01", "HTS"),
        ("The Asayesh security forces closed the road.", "security forces", "2016-03-01", None),
    ],
)
def test_sense_rules_make_the_right_pairs(text, surface, date, expected):
    """``expected``: the actor the mention makes a pair for, or None (no pair)."""
    assert _pairs_made(text, surface, date) == ([expected] if expected else [])


def test_an_after_context_stops_at_the_end_of_the_sentence():
    """Syria acts only when the verb follows in its own sentence: "... in Syria. Asked
    about it, she said" is the country, not the state asking."""
    text = "His image has not collapsed the way it has in Syria.\n\nAsked about it, she laughed."
    sentences = Segmenter().segment_text(text, "a", date="2016-04-01")
    syria = [m for s in sentences for m in s.mentions if m.surface == "Syria"]
    assert len(syria) == 1 and not syria[0].is_actor
    assert _pairs_made("Syria asked for a meeting.", "Syria", "2016-04-01") == ["Assad"]
    # a closing mark can still be the context: "said in Russian." names the language
    assert _pairs_made("He answered in Russian.", "Russian", "2025-04-01") == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Syrian warplanes flew over Idlib.", "2025-03-01"),  # the war's names end at the fall
        ("Syrian warplanes flew over Idlib.", None),
    ],
)
def test_the_war_time_names_of_the_state_need_the_act_and_the_date(text, date):
    sentences = Segmenter().segment_text(text, "a", date=date)
    assert [m.actor for s in sentences for m in s.mentions] == []


@pytest.mark.parametrize(
    ("text", "surface", "actor"),
    [
        ("The former president said he would campaign for his wife.", "former president", "Assad"),
        ("The ousted president flew into exile with his family.", "ousted president", "Assad"),
        ("Officials of the old regime fled abroad.", "old regime", "Assad"),
        ("The new president named a cabinet on Monday.", "new president", "HTS"),
        ("The interim government raised salaries.", "interim government", "HTS"),
        ("The new authorities announced a curfew.", "new authorities", "HTS"),
        ("The rebels entered Hama at dawn.", "rebels", "HTS"),
    ],
)
def test_descriptions_of_a_new_or_fallen_ruler_follow_the_date(text, surface, actor):
    """Generic descriptions ("the former president", "the new authorities") are the
    actor's only from the fall of Assad on: in older news or without an article date they
    are another country's, and are not matched."""
    segmenter = Segmenter()

    def actors_on(date: str | None) -> list[str]:
        sentences = segmenter.segment_text(text, "a", date=date)
        return [m.actor for s in sentences for m in s.mentions if surface in m.surface]

    assert actors_on("2025-03-01") == [actor]
    assert actors_on("2018-05-01") == []
    assert actors_on(None) == []


@pytest.mark.parametrize(
    ("date", "expected"),
    [("2025-03-01", ["HTS"]), ("2019-03-01", []), (None, ["HTS"])],
)
def test_syrias_interim_government_is_hts_only_after_the_fall(date, expected):
    """Before 8 December 2024 "Syria's interim government" was the opposition's government
    in exile; an undated article that says it names Syria, so it counts there."""
    text = "Syria's interim government met donors in Gaziantep."
    sentences = Segmenter().segment_text(text, "a", date=date)
    assert [m.actor for s in sentences for m in s.mentions] == expected


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"sense": "not_actor", "reason": "place", "before": "x", "window": 0}, "window must be"),
        ({"sense": "not_actor", "reason": "place", "before": "x", "window": 401}, "window must be"),
        ({"sense": "not_actor", "reason": "place", "before": "x", "window": "far"}, "window must"),
        ({"sense": "not_actor", "reason": "place", "after": "x", "window": 200}, "has none"),
    ],
)
def test_a_bad_rule_window_is_a_one_line_error(rule, message):
    with pytest.raises(ValueError, match=message):
        _lexicon([{"alias": "Moscow", "rules": [rule]}])


def test_a_rule_window_reaches_into_the_sentence_before_and_round_trips():
    rule = {"sense": "not_actor", "reason": "place", "before": r"snow\.\s+\w+", "window": 120}
    lexicon = _lexicon([{"alias": "Moscow", "rules": [rule]}])
    text = "It snowed all night and there was snow." + " " * 150 + "Today Moscow said no."
    assert [m.sense for m in lexicon.find(text)] == ["actor"]  # 150 spaces: out of reach
    near = "There was snow. Today Moscow said no."
    assert [m.sense for m in lexicon.find(near)] == ["not_actor"]
    again = ActorLexicon.from_config(lexicon.to_config())
    assert [m.sense for m in again.find(near)] == ["not_actor"]


def test_sense_benchmark_hybrid_asks_the_model_only_where_no_rule_fires(monkeypatch):
    """benchmarks/sense_rules.py --hybrid: the rules decide where one of an ambiguous
    alias's rules fires; the model decides the rest (where ``otherwise`` would)."""
    import importlib

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "benchmarks"))
    bench = importlib.import_module("sense_rules")
    lexicon = _lexicon(
        [
            {
                "alias": "Moscow",
                "ambiguous": True,
                "rules": [{"sense": "not_actor", "reason": "place", "before": "held in"}],
            }
        ]
    )

    class Stub:  # "not_actor" when the masked mention is followed by "tower"
        def __init__(self) -> None:
            self.asked: list[str] = []

        def predict(self, contexts):
            self.asked.extend(contexts)
            return ["not_actor" if "tower" in c else "actor" for c in contexts]

    def case(text: str, sense: str) -> dict:
        start = text.index("Moscow")
        return {
            "id": text,
            "text": text,
            "actor": "Russia",
            "start": start,
            "end": start + 6,
            "sense": sense,
        }

    cases = [
        case("Talks were held in Moscow.", "not_actor"),  # the rule decides
        case("A Moscow tower burned.", "not_actor"),  # no rule: the model
        case("Moscow refused the request.", "actor"),  # no rule: the model
    ]
    stub = Stub()
    assert bench.pair_outcome(cases, Segmenter(lexicon)) == pytest.approx(2 / 3)
    assert bench.hybrid_pair_outcome(cases, lexicon, stub) == 1.0
    assert len(stub.asked) == 2 and not any("held in" in c for c in stub.asked)


def test_sense_agreement_benchmark_compares_two_annotators(tmp_path, monkeypatch, capsys):
    """benchmarks/sense_agreement.py: agreement and kappa over the cases both labelled, and
    the rules scored against each annotator."""
    import importlib
    import json
    import sys

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "benchmarks"))
    bench = importlib.import_module("sense_agreement")
    texts = [
        ("Talks were held in Moscow.", "not_actor", "place"),
        ("Moscow refused the request.", "actor", None),
        ("Moscow denied it.", "actor", None),
        ("A Moscow court fined him.", "not_actor", "place"),
    ]
    cases = tmp_path / "cases.jsonl"
    second = tmp_path / "second.jsonl"
    with cases.open("w") as fa, second.open("w") as fb:
        for i, (text, sense, reason) in enumerate(texts):
            start = text.index("Moscow")
            case = {"id": f"c{i}", "part": "p", "date": "2025-01-01", "text": text}
            case |= {"actor": "Russia", "start": start, "end": start + 6, "surface": "Moscow"}
            fa.write(json.dumps(case | {"sense": sense, "sense_reason": reason}) + "\n")
            flip = i == 2  # B disagrees on one case
            b_sense = ("not_actor", "other") if flip else (sense, reason)
            fb.write(
                json.dumps({"id": f"c{i}", "sense": b_sense[0], "sense_reason": b_sense[1]}) + "\n"
            )
    monkeypatch.setattr(sys, "argv", ["sense_agreement.py", str(cases), str(second)])
    bench.main()
    out = capsys.readouterr().out
    assert "4 cases labelled by both" in out
    assert "sense: agreement 0.750" in out
    assert "rules' pair outcome against A: 1.000" in out
    assert "rules' pair outcome against B: 0.750" in out
    assert "where A and B agree (3): 1.000" in out


def test_named_as_syrias_after_a_foreign_voice():
    text = (
        "President Macron said the strikes had been justified. "
        "The presidency in Damascus called them reckless. "
        "The president of the Damascus Chamber of Commerce said trade would suffer."
    )
    sentences = Segmenter().segment_text(text, "a", date="2019-11-20")
    senses = [
        (m.surface, m.sense)
        for s in sentences
        for m in s.mentions
        if m.surface.startswith("The pres")
    ]
    assert senses == [("The presidency", "actor"), ("The president", "not_actor")]
