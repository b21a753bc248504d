"""Issue #15, finding 9: a removal never takes body text with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.text.clean import clean_text
from framing.text.sentences import get_splitter

CLEANER_CASES = Path(__file__).parent / "fixtures" / "cleaner_cases_heldout.jsonl"
BODY = "Aid reached the camp on Monday after weeks of delay, officials said."
NEXT = "The convoy carried blankets for 3,000 families."


def _sentences(raw: str, title: str | None = None) -> list[str]:
    return get_splitter().split(clean_text(raw, title=title).text)


@pytest.mark.parametrize(
    "prompt", ["Read more at example.com/camp.", "Sign up at example.org for our briefing."]
)
def test_body_text_on_the_prompts_line_is_kept(prompt):
    cleaned = clean_text(f"{BODY}\n\n{prompt} {NEXT}")
    assert get_splitter().split(cleaned.text) == [BODY, NEXT]
    assert [r.text for r in cleaned.removed] == [prompt]


def test_body_text_right_after_a_prompt_is_kept():
    raw = f"{BODY}\n\nRead more at example.com/camp\n\n{NEXT}\n\nShare this article"
    assert _sentences(raw) == [BODY, NEXT]


def test_a_section_heading_is_neither_title_nor_standfirst():
    raw = f"Aid reaches the camp\n\nWhat happens next\n\n{BODY}\n\n{NEXT}"
    cleaned = clean_text(raw)
    assert cleaned.title == "Aid reaches the camp" and cleaned.standfirst is None
    assert get_splitter().split(cleaned.text) == ["What happens next", BODY, NEXT]
    known = clean_text(f"Background\n\n{BODY}\n\n{NEXT}", title="Aid reaches the camp")
    assert known.standfirst is None and known.text.startswith("Background")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The list is at www.Camps.Example.org/North.Updates today. It grew.",
            ["The list is at www.Camps.Example.org/North.Updates today.", "It grew."],
        ),
        (
            "Write to Desk.News@example.sy for copies.",
            ["Write to Desk.News@example.sy for copies."],
        ),
        ("See Reliefdata.Org for the map.", ["See Reliefdata.Org for the map."]),
    ],
)
def test_urls_are_not_split_at_their_dots(text, expected):
    assert get_splitter().split(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Polls close at 8 p.m. ET. Counting starts at once.", 2),
        ("Polls close at 8 p.m. EST on Sunday.", 1),
        ("The strike came at 3 a.m. local time, witnesses said.", 1),
        ("Polls close at 8 p.m. Counting starts at once.", 2),
    ],
)
def test_a_time_zone_stays_with_its_time(text, expected):
    got = get_splitter().split(text)
    assert len(got) == expected, got
    assert not any(s.startswith(("ET", "EST", "local")) for s in got)


def test_a_stray_letter_of_a_link_dump_is_not_a_sentence():
    cleaned = clean_text(f"{BODY}\n\nAssadAssadAssadAssad c\n\n{NEXT}")
    assert get_splitter().split(cleaned.text) == [BODY, NEXT]
    assert [r.kind for r in cleaned.removed] == ["link_dump", "link_dump"]


def test_a_lone_button_next_to_removed_ones_is_removed():
    cleaned = clean_text(f"{BODY}\n\nShare\nSave\nTweet\n\n{NEXT}")
    assert get_splitter().split(cleaned.text) == [BODY, NEXT]
    assert [r.text for r in cleaned.removed] == ["Share", "Save", "Tweet"]
    # the same word as body text, or alone with no furniture near it, stays
    assert "Save" in clean_text(f"{BODY}\n\nSave\n\n{NEXT}").text


def test_the_held_out_cleaner_cases():
    cases = [json.loads(line) for line in CLEANER_CASES.read_text().splitlines() if line]
    failed = [c["id"] for c in cases if _sentences(c["text"], c.get("title")) != c["sentences"]]
    assert failed == []
