"""HTML markup inside a text field (framing/text/markup.py) and the cleaner's use of it."""

from __future__ import annotations

import json

import pytest

from framing.text.clean import clean_text
from framing.text.markup import has_markup, strip_markup


def test_paragraphs_line_breaks_and_inline_tags():
    text, tags = strip_markup(
        '<p>Russia said it would <b>keep</b> its base in <a href="/t">Tartus</a>.</p>'
        "<p>HTS leaders condemned<br/>the Assad regime.</p>"
    )
    assert text == (
        "Russia said it would keep its base in Tartus.\n\nHTS leaders condemned\nthe Assad regime."
    )
    assert tags == {"p": 2, "b": 1, "a": 1, "br": 1}


def test_script_style_and_comments_go_with_their_content_entities_are_decoded():
    text, _ = strip_markup(
        "<div><script>var ad = 1;</script><style>p {color: red}</style><!-- tracking -->"
        "<p>Ceasefire talks &amp; aid convoys resumed&nbsp;on Monday.</p></div>"
    )
    assert text == "Ceasefire talks & aid convoys resumed on Monday."  # &nbsp;: a space


def test_source_line_breaks_inside_a_paragraph_are_spaces():
    text, _ = strip_markup("<p>The talks\nresumed on\r\nMonday.</p>\n\n<p>Aid arrived.</p>")
    assert text == "The talks resumed on Monday.\n\nAid arrived."


@pytest.mark.parametrize(
    "plain",
    [
        "Turnout was < 40% and > 20% in most towns.",
        "Fans wrote <3 under the post.",
        "The <unknown> placeholder and <Russia> stay as written.",
        "No markup at all.\n\nTwo paragraphs.",
    ],
)
def test_text_without_known_tags_is_unchanged(plain):
    assert not has_markup(plain)
    assert strip_markup(plain) == (plain, {})


def test_a_whole_page_loses_its_head_navigation_asides_header_and_footer():
    page = (
        "<!DOCTYPE html><html><head><title>Talks | Ledger</title><meta charset='utf-8'></head>"
        "<body><header><nav><ul><li>Home</li><li>World</li></ul></nav></header>"
        "<article><p>Russia kept its base.</p><aside><ul><li>Related: HTS</li></ul></aside>"
        "<p>HTS objected.</p></article><footer><p>© 2025 Ledger</p></footer></body></html>"
    )
    assert strip_markup(page)[0] == "Russia kept its base.\n\nHTS objected."


def test_an_unclosed_boilerplate_container_does_not_swallow_the_page():
    text, _ = strip_markup("<header><p>Ledger</p><p>Russia kept its base.</p><p>HTS objected.</p>")
    assert text == "Ledger\n\nRussia kept its base.\n\nHTS objected."


def test_unclosed_and_broken_markup_keeps_every_word():
    text, _ = strip_markup("<p>Russia withdrew troops<p>HTS took the base <b>on Monday")
    assert text == "Russia withdrew troops\n\nHTS took the base on Monday"


def test_the_cleaner_splits_html_paragraphs_and_lists_the_markup_as_removed():
    c = clean_text("<p>Russia said on Monday it would stay.</p><p>HTS leaders condemned it.</p>")
    assert c.text == "Russia said on Monday it would stay.\n\nHTS leaders condemned it."
    assert [(r.kind, r.text) for r in c.removed] == [("markup", "<p>×2")]


def test_framing_segment_on_jsonl_with_html_text(tmp_path):
    from framing.cli import main

    src = tmp_path / "in.jsonl"
    record = {"id": "a1", "text": "<p>Russia kept its base.</p><p>HTS condemned the deal.</p>"}
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["-q", "segment", str(src), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["text"], r["actors"]) for r in rows] == [
        ("Russia kept its base.", ["Russia"]),
        ("HTS condemned the deal.", ["HTS"]),
    ]
