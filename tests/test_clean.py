"""framing.text.clean (with framing.text.unicode): unicode repair, furniture, link dumps,
title/standfirst, audit trail."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from framing.corpus import Article
from framing.text.clean import (
    CleanedArticle,
    clean_article,
    clean_text,
    furniture_kind,
    remove_link_dumps,
)
from framing.text.unicode import normalize_unicode

SCRAPED = Path(__file__).resolve().parent / "fixtures" / "scraped"
EXPECTED = json.loads((SCRAPED / "expected.json").read_text(encoding="utf-8"))
CASES = sorted(EXPECTED)

# a glued paragraph boundary ("Tartus.The", "last?Few", 'leave.”Russia'): by design the
# cleaner leaves it alone and the sentence splitter cuts there
GLUE = re.compile(r"[a-z][.?!][\"”]?[A-Z]")

# expected.json describes the debris in words; these are the cleaner's removal kinds
KIND_MAP = {
    "byline": {"byline"},
    "link_dump": {"link_dump"},
    "furniture": {"source", "related"},
    "broken_date": {"date"},
    "teaser": {"teaser"},
    "caption": {"credit"},
    "advertisement": {"prompt"},
    "share_prompts": {"prompt"},
    "read_more": {"related"},
}


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _raw(name: str) -> str:
    return (SCRAPED / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cleaned() -> dict[str, CleanedArticle]:
    return {name: clean_text(_raw(name)) for name in CASES}


# ---------------------------------------------------------------------------
# the scraped fixtures


@pytest.mark.parametrize("name", CASES)
def test_fixture_title_and_standfirst(name, cleaned):
    exp = EXPECTED[name]
    assert cleaned[name].title == exp["title"]
    assert cleaned[name].standfirst == exp["standfirst"]
    # title and standfirst are set apart, not left in the body
    assert not cleaned[name].text.startswith(exp["title"])
    if exp["standfirst"]:
        assert exp["standfirst"] not in cleaned[name].text


@pytest.mark.parametrize("name", CASES)
def test_fixture_body_keeps_the_article(name, cleaned):
    body = cleaned[name].text
    missing = [s for s in EXPECTED[name]["body_must_contain"] if s not in body]
    assert not missing


@pytest.mark.parametrize("name", CASES)
def test_fixture_body_drops_the_debris(name, cleaned, segmenter):
    body = cleaned[name].text
    sentences = segmenter.segment(Article(id=name, text=_raw(name))).sentences
    assert "\r" not in body and "\u00a0" not in body and "\u200b" not in body
    for bad in EXPECTED[name]["body_must_not_contain"]:
        glue = GLUE.search(bad)
        if glue is None or bad not in body:
            assert bad not in body, f"{bad!r} left in the body"
            continue
        # a glue form: kept by the cleaner, cut by the splitter
        cut = body.index(bad) + glue.end() - 1  # the capital that opens the next sentence
        left = next(s for s in sentences if s.start <= cut - 1 < s.end)
        right = next(s for s in sentences if s.start <= cut < s.end)
        assert left.index != right.index, f"{bad!r} not split: {left.text!r}"
        assert left.end == body.index(bad) + glue.end() - 1


@pytest.mark.parametrize("name", CASES)
def test_fixture_glue_pairs_land_in_different_sentences(name, segmenter):
    seg = segmenter.segment(Article(id=name, text=_raw(name)))
    texts = [s.text for s in seg.sentences]
    for left, right in EXPECTED[name]["glue_pairs"]:
        assert any(
            a.endswith(left) and b.startswith(right) for a, b in zip(texts, texts[1:], strict=False)
        ), (left, right, texts)


@pytest.mark.parametrize("name", CASES)
def test_fixture_removed_kinds(name, cleaned):
    kinds = {r.kind for r in cleaned[name].removed}
    for described in EXPECTED[name]["removed_kinds"]:
        assert kinds & KIND_MAP[described], f"no {described} removal among {sorted(kinds)}"


@pytest.mark.parametrize("name", CASES)
def test_fixture_every_removal_is_recorded(name, cleaned):
    """What was removed plus what is left is all the (repaired) input, nothing else."""
    rest = normalize_unicode(_raw(name))
    for removal in cleaned[name].removed:
        assert removal.text in rest, removal
        rest = rest.replace(removal.text, "", 1)
    assert _squash(rest) == _squash(cleaned[name].text)


@pytest.mark.parametrize("name", CASES)
def test_fixture_cleaning_is_idempotent(name, cleaned):
    again = clean_text(cleaned[name].text)
    assert again.text == cleaned[name].text
    assert again.removed == []


def test_removed_records_are_plain_dicts(cleaned):
    recs = cleaned["tartus_skeleton_crew.txt"].removed_records()
    assert {"kind": "byline", "text": "By Lina Saab"} in recs
    assert all(set(r) == {"kind", "text"} for r in recs)


# ---------------------------------------------------------------------------
# unicode


def test_mojibake_is_repaired():
    out = clean_text("The Kremlinâ€™s envoy said â€œnoâ€\x9d on Tuesday.").text
    assert out == "The Kremlin’s envoy said “no” on Tuesday."


def test_html_entities_are_decoded():
    out = clean_text("Aid &amp; water — &quot;now&quot;, Syria&#8217;s army said.").text
    assert out == 'Aid & water — "now", Syria’s army said.'


def test_nbsp_and_odd_spaces_become_one_space():
    out = clean_text("More than 50\u00a0combat aircraft.\u00a0 Analysts\u2009agree.\tYes.").text
    assert out == "More than 50 combat aircraft. Analysts agree. Yes."


def test_zero_width_and_soft_hyphen_are_dropped():
    out = clean_text("Vil\u200blages\u200d near \ufeffIdlib were re\u00adbuilt.").text
    assert out == "Villages near Idlib were rebuilt."


def test_crlf_line_ends_in_non_ascii_text():
    out = clean_text(
        "Café owners reopened.\r\nThe street was busy.\r\n\r\nNew paragraph — here."
    ).text
    assert out == "Café owners reopened.\nThe street was busy.\n\nNew paragraph — here."


def test_nfc_normalisation():
    assert clean_text("Cafe\u0301 owners reopened.").text == "Caf\u00e9 owners reopened."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Aid &amp; water &quot;now&quot;, Syria&#8217;s army.",
            'Aid & water "now", Syria’s army.',
        ),
        ("First line.\r\nSecond line.\r\n\r\nNew para.", "First line.\nSecond line.\n\nNew para."),
        ("Bad\x00 control\x07 characters.", "Bad control characters."),
    ],
    ids=["entities", "crlf", "controls"],
)
def test_ascii_only_text_is_repaired_too(raw, expected):
    assert clean_text(raw).text == expected


# ---------------------------------------------------------------------------
# furniture


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("• Source Russia keeps a skeleton crew at Tartus", "source"),
        ("• you may also like", "related"),
        ("You might also like", "related"),
        ("Read more: Who are the men running Syria’s new army?", "related"),
        ("Related articles", "related"),
        ("Share this article", "prompt"),
        ("Subscribe to our newsletter", "prompt"),
        ("Follow us on Telegram", "prompt"),
        ("Advertisement", "prompt"),
        ("By Lina Saab", "byline"),
        ("• by BEIRUT AND CAIRO", "byline"),
        ("Staff reporter", "byline"),
        ("03 11, 2025", "date"),
        ("• 02 09, 2025", "date"),
        ("March 3, 2025", "date"),
        ("Published: 12 March 2025 10:30 GMT", "date"),
        ("Photo: Karim Sayegh/AFP", "credit"),
        ("Photo: Sergei Volkov/AFP via Getty Images", "credit"),
        ("Reuters", "credit"),
        ("© 2025 The Levant Ledger", "credit"),
        ("Our Standards: The Levant Ledger Trust Principles.", "prompt"),
    ],
)
def test_furniture_kinds(line, kind):
    assert furniture_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "Share prices rose sharply on Monday after the central bank cut rates by half a point.",
        "By then, the convoy had left the city and the roads were empty.",
        "Subscribers to the state television service were told of the transition in a short bulletin read by a presenter who had served the old government.",
        "The 2025 budget.",
        "Our standards of living fell by half, residents of Aleppo say.",
        "Russia keeps a skeleton crew at Tartus",
        "",
    ],
)
def test_prose_is_not_furniture(line):
    assert furniture_kind(line) is None


def test_furniture_block_and_teaser_after_the_body():
    raw = (
        "Title line here\n\n"
        "Body sentence one is long enough to be prose. Another one follows here.\n\n"
        "• Source Title line here\n"
        "• you may also like\n"
        "  • by BEIRUT AND CAIRO\n"
        "  • 03 11, 2025\n"
        "Some teaser headline about Syria\n"
        "Another teaser headline"
    )
    c = clean_text(raw)
    assert c.text == "Body sentence one is long enough to be prose. Another one follows here."
    kinds = [(r.kind, r.text) for r in c.removed]
    assert ("teaser", "Some teaser headline about Syria") in kinds
    assert ("teaser", "Another teaser headline") in kinds
    assert ("source", "• Source Title line here") in kinds
    assert ("related", "• you may also like") in kinds
    assert ("byline", "• by BEIRUT AND CAIRO") in kinds
    assert ("date", "• 03 11, 2025") in kinds


def test_short_last_line_without_furniture_is_not_a_teaser():
    raw = "Body sentence one is long enough to be prose. Another one.\n\nMore to follow"
    c = clean_text(raw)
    assert c.text.endswith("More to follow")
    assert not any(r.kind == "teaser" for r in c.removed)


def test_furniture_in_the_middle_of_the_body():
    raw = (
        "The first paragraph is ordinary prose about the port.\n\n"
        "Advertisement\n\n"
        "Photo: Rami Daher/Reuters\n\n"
        "Published: 12 March 2025\n\n"
        "The second paragraph is ordinary prose as well."
    )
    c = clean_text(raw)
    assert c.text == (
        "The first paragraph is ordinary prose about the port.\n\n"
        "The second paragraph is ordinary prose as well."
    )
    assert [r.kind for r in c.removed] == ["prompt", "credit", "date"]


def test_lone_bullet_line_is_furniture():
    c = clean_text("The first paragraph is prose.\n\n•\n\nThe second paragraph is prose too.")
    assert "•" not in c.text
    assert [r.kind for r in c.removed] == ["bullet"]


# ---------------------------------------------------------------------------
# link dumps and empty brackets


@pytest.mark.parametrize(
    ("line", "expected", "dump"),
    [
        (
            "At the gateHTSHTSHTSTHTSHTS to the port.",
            "At the gate to the port.",
            "HTSHTSHTSTHTSHTS",
        ),
        ("At the gateHTSHTSHTSHTS to the port.", "At the gate to the port.", "HTSHTSHTSHTS"),
        ("KremlinKremlinKremlin", "", "KremlinKremlinKremlin"),
        ("a ceremonyHTSHTSHTSHTSHTS in January.", "a ceremony in January.", "HTSHTSHTSHTSHTS"),
    ],
)
def test_link_dumps_are_cut(line, expected, dump):
    removed = []
    assert remove_link_dumps(line, removed) == expected
    assert [(r.kind, r.text) for r in removed] == [("link_dump", dump)]


def test_link_dump_between_two_words_leaves_a_space():
    c = clean_text("The wordHTSHTSHTSword stays apart.")
    assert c.text == "The word word stays apart."
    assert [(r.kind, r.text) for r in c.removed] == [("link_dump", "HTSHTSHTS")]


def test_link_dump_in_clean_text_is_tidied():
    c = clean_text("Officials at theKremlinKremlinKremlin said the visit was planned.")
    assert c.text == "Officials at the said the visit was planned."
    assert [(r.kind, r.text) for r in c.removed] == [("link_dump", "KremlinKremlinKremlin")]


@pytest.mark.parametrize(
    "line",
    [
        "Mississippi and Tennessee sent aid.",
        "Hmeimim and Khmeimim are the same base.",
        "HTS, HTS-led forces and the HTS leadership.",
        "Bora Bora, Baden-Baden and Walla Walla.",
        "The McDonalds in HaHa street.",
        "CocaCola and PepsiCo left in 2012.",
        "The Assads' palace in al-Assad street.",
    ],
)
def test_legit_words_are_untouched(line):
    removed = []
    assert remove_link_dumps(line, removed) == line
    assert removed == []
    assert clean_text(line).text == line


def test_empty_brackets_are_dropped():
    c = clean_text("The group (), the strongest faction in the new army, has not spoken.")
    assert c.text == "The group, the strongest faction in the new army, has not spoken."
    assert [r.kind for r in c.removed] == ["empty_brackets"]
    c = clean_text("The group [ ] has not spoken ().")
    assert c.text == "The group has not spoken."


def test_a_news_api_truncation_marker_goes_and_is_recorded():
    # NewsAPI cuts "content" and appends the count of the characters left out
    c = clean_text(
        "Russian envoys met HTS officials in Damascus on Monday, and the two … [+2318 chars]"
    )
    assert c.text == "Russian envoys met HTS officials in Damascus on Monday, and the two …"
    assert [(r.kind, r.text) for r in c.removed] == [("truncation", "[+2318 chars]")]
    c = clean_text("The count [+1,204 chars] appears mid-line here, so it stays.")
    assert (
        c.text == "The count [+1,204 chars] appears mid-line here, so it stays." and not c.removed
    )


def test_each_empty_bracket_pair_is_recorded():
    c = clean_text("The group (), the faction [] and the council ( ) met.")
    assert c.text == "The group, the faction and the council met."
    assert [(r.kind, r.text) for r in c.removed] == [
        ("empty_brackets", "()"),
        ("empty_brackets", "[]"),
        ("empty_brackets", "( )"),
    ]


# ---------------------------------------------------------------------------
# title and standfirst

LEDE = (
    "The defence ministry said on Sunday that more than 60 armed groups had agreed to join "
    "a unified national army, ending years of rivalry among the factions that fought the old government."
)


def test_one_sentence_lede_is_not_a_standfirst():
    raw = f"Factions fold into the new army\n\n{LEDE}\n\nThe announcement followed weeks of talks."
    c = clean_text(raw)
    assert c.title == "Factions fold into the new army"
    assert c.standfirst is None
    assert c.text.startswith(LEDE)
    assert not any(r.kind == "standfirst" for r in c.removed)


def test_one_sentence_lede_without_following_paragraph_stays_body():
    raw = f"Factions fold into the new army\n\n{LEDE}"
    c = clean_text(raw)
    assert c.standfirst is None
    assert LEDE in c.text


def test_title_and_short_standfirst():
    raw = (
        "Factions fold into the new army\n\n"
        "The merger is meant to end the era of armed groups.\n\n"
        f"{LEDE}\n\nThe announcement followed weeks of talks."
    )
    c = clean_text(raw)
    assert c.title == "Factions fold into the new army"
    assert c.standfirst == "The merger is meant to end the era of armed groups."
    assert c.text.startswith(LEDE)
    assert [(r.kind, r.text) for r in c.removed] == [
        ("title", "Factions fold into the new army"),
        ("standfirst", "The merger is meant to end the era of armed groups."),
    ]


def test_short_two_sentence_lede_after_title_and_byline_stays_body():
    # the byline goes as furniture; the 21-word paragraph after it is two sentences, so it
    # is the lede (a standfirst is one sentence unless a wider gap sets it apart)
    lede = (
        "Russia has begun moving troops out of a desert air base, satellite images show. "
        "The Kremlin called it routine."
    )
    raw = (
        "Kremlin signals retreat\n\nBy Staff Reporter | Updated 12 March 2025\n\n"
        f"{lede}\n\nHTS commanders welcomed the withdrawal on Monday."
    )
    c = clean_text(raw)
    assert c.title == "Kremlin signals retreat"
    assert c.standfirst is None
    assert c.text.startswith(lede)
    # the same two sentences behind two blank lines are still a standfirst
    c = clean_text(raw.replace(f"{lede}\n\n", f"{lede}\n\n\n"))
    assert c.standfirst == lede


def test_a_21_word_one_sentence_lede_after_the_title_stays_body():
    lede = (
        "Russia's envoy said the base will stay after talks with the new government in "
        "Damascus on Monday, officials told reporters."
    )
    c = clean_text(f"Talks in Damascus\n\n{lede}\n\nHTS officials disagreed on Tuesday.")
    assert c.title == "Talks in Damascus" and c.standfirst is None
    assert c.text.startswith(lede)


@pytest.mark.parametrize(
    "dateline", ["DAMASCUS, Jan 5 (Reuters) - ", "BEIRUT (AP) — ", "DEIR EZ-ZOR, Syria -- "]
)
def test_a_lede_opening_with_a_wire_dateline_is_never_a_standfirst(dateline):
    lede = f"{dateline}Syria has asked Russia to extradite its former president."
    raw = f"Syria asks Moscow to hand over Assad\n\n{lede}\n\nMoscow has not replied."
    c = clean_text(raw)
    assert c.title == "Syria asks Moscow to hand over Assad"
    assert c.standfirst is None and c.text.startswith(lede)
    # without the dateline the same short sentence is taken for a standfirst
    assert clean_text(raw.replace(dateline, "")).standfirst == lede.replace(dateline, "")


def test_known_title_is_taken_from_the_article():
    art = Article(
        id="a1",
        title="Factions fold into the new army",
        text=f"Factions fold into the new army\n\n{LEDE}\n\nThe announcement followed weeks of talks.",
    )
    c = clean_article(art)
    assert c.title == "Factions fold into the new army"
    assert c.text.startswith(LEDE)


def test_known_title_not_repeated_in_text():
    art = Article(id="a1", title="Factions fold", text=f"{LEDE}\n\nThe announcement followed.")
    c = clean_article(art)
    assert c.title == "Factions fold"
    assert c.standfirst is None
    assert c.text == f"{LEDE}\n\nThe announcement followed."
    assert c.removed == []


# ---------------------------------------------------------------------------
# clean input passes through


@pytest.mark.parametrize(
    "text",
    [
        "A clean article. It has two sentences.\n\nAnd a second paragraph here.",
        "“We will stay,” the commander said — in Tartus, not Hmeimim.\n\nSyria’s new leaders "
        "did not reply. Café owners in Damascus’s old city were more hopeful.",
        "One line of prose only, with a comma, a semicolon; and a full stop.",
        "The first paragraph is prose. It is long enough.\nA single line break is kept.\n\nThe end.",
    ],
)
def test_clean_article_passes_through_unchanged(text):
    c = clean_text(text)
    assert c.text == text
    assert c.title is None
    assert c.standfirst is None
    assert c.removed == []


def test_whitespace_is_normalised():
    raw = "\n\n  First   paragraph   here.  \n\n\n\n  Second paragraph.  \n\n"
    assert clean_text(raw).text == "First paragraph here.\n\nSecond paragraph."


WRAPPED = """The defence ministry said on Sunday that more than 60 armed
groups had agreed to join a unified national army, ending
years of rivalry among the factions. The announcement
followed weeks of talks in the capital.

Not everyone signed up. Kurdish-led forces are negotiating
separately."""


def test_hard_wrapped_article_keeps_its_first_lines():
    c = clean_text(WRAPPED)
    assert c.title is None
    assert c.standfirst is None
    assert c.text == WRAPPED


def test_hard_wrapped_lede_after_title_is_not_a_standfirst():
    raw = "Factions fold into the new army\n\n" + WRAPPED
    c = clean_text(raw)
    assert c.title == "Factions fold into the new army"
    assert c.standfirst is None
    assert c.text == WRAPPED


# ---------------------------------------------------------------------------
# words broken with a hyphen at the end of a hard-wrapped line
@pytest.mark.parametrize(
    ("raw", "body"),
    [
        ("Talks with Rus-\nsia resumed on Monday.", "Talks with Russia resumed on Monday."),
        ("Bashar al-\nAssad stays in Moscow.", "Bashar al-Assad stays in Moscow."),
        (
            "A Russian-\nbacked force, a trans-\nport hub.",
            "A Russian-backed force, a transport hub.",
        ),
        ("The HTS-\nled government.", "The HTS-led government."),
        ("The war -\nand the peace.", "The war -\nand the peace."),  # a dash, not a hyphen
        ("The 2024-\n25 budget.", "The 2024-\n25 budget."),  # digits: left as they are
        # across a paragraph break: left as it is
        (
            "Officials met.\n\nThey left Rus-\n\nsia went on.",
            "Officials met.\n\nThey left Rus-\n\nsia went on.",
        ),
    ],
)
def test_hyphenated_line_breaks_are_joined(raw, body):
    assert clean_text(raw).text == body


def test_a_joined_hyphen_is_listed_as_removed():
    c = clean_text("Talks with Rus-\nsia resumed.")
    assert [(r.kind, r.text) for r in c.removed] == [("hyphenation", "Rus-sia")]
