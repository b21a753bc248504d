"""framing/html_reader.py on page shapes that lost articles or dated them wrongly.

Found on real pages (benchmarks/html_extraction.py, fourteenth session): trafilatura's
precision mode finds nothing in a table layout or takes a reprint notice for the body, a
Japanese article was counted as four "words" and refused, and a page without a date in
its metadata was dated 1 January of its copyright line's year. The pages here are written
for these tests, in the same shapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("trafilatura")

from framing.html_reader import (  # noqa: E402
    BALANCED,
    MIN_HTML_WORDS,
    PRECISION,
    count_words,
    no_article,
    page_date,
    read_html,
)
from framing.io import RecordError  # noqa: E402
from framing.text.clean import clean_article  # noqa: E402
from framing.web_archives import mhtml_page  # noqa: E402

PAGES = Path(__file__).parent / "fixtures" / "html_more"


def _read(name: str, **kwargs):
    (item,) = read_html(PAGES / name, **kwargs)
    return item


def test_table_layout_page_is_read_by_the_balanced_mode():
    # precision mode alone finds no main text in a page laid out with tables
    alone = _read("orbit_review_table_layout.html", options=(PRECISION,))
    assert isinstance(alone, RecordError)
    assert alone.reason == "no main text found in the HTML page"

    article = _read("orbit_review_table_layout.html")
    assert not isinstance(article, RecordError)
    assert article.date == "2025-03-03"  # from the byline
    body = clean_article(article).text
    assert body.count("\n\n") >= 4
    assert "Negotiators from the new government in Damascus" in body
    assert "neither wants to be seen giving ground." in body
    assert "All rights reserved" not in body


def test_when_every_mode_fails_the_last_reason_is_given(tmp_path):
    page = tmp_path / "notice.html"
    page.write_text(
        "<html><body><main><p>This copy is for your personal, non-commercial use only."
        "</p></main></body></html>",
        encoding="utf-8",
    )
    (error,) = read_html(page)
    assert isinstance(error, RecordError)
    assert error.where == str(page)
    assert error.reason.startswith("no article text in the HTML page (only ")
    (error,) = read_html(page, options=())
    assert error.reason == "no extraction options given"


def test_japanese_article_is_not_refused_as_too_short():
    article = _read("orbit_tsushin_japanese.html")
    assert not isinstance(article, RecordError)
    assert "タルトゥース港の使用について協議を再開した。" in article.text
    assert len(article.text.split()) < MIN_HTML_WORDS <= count_words(article.text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Three plain words", 3),
        ("協議を再開した", 3),  # seven characters, two to a word
        ("Tartus 港 talks", 2),
        ("", 0),
    ],
)
def test_count_words(text, words):
    assert count_words(text) == words


def test_no_article_reasons():
    assert no_article("  ") == "no main text found in the HTML page"
    assert no_article("We use cookies. " * 10).startswith("no article text")
    assert no_article("A plain sentence of prose. " * 8) is None


def test_copyright_year_is_not_a_date():
    # no date in the page but "© 2025" in its footer: htmldate's guess is 2025-01-01
    article = _read("orbit_tsushin_japanese.html")
    assert article.date is None
    assert page_date("2025-01-01", (PAGES / "orbit_tsushin_japanese.html").read_bytes()) is None


def test_copyright_year_does_not_date_an_old_english_article(tmp_path):
    page = tmp_path / "archive.html"
    page.write_text(
        "<html><head><title>Siege lifted</title></head><body><main><article>"
        + "".join(
            f"<p>Paragraph {i}: aid convoys reached the eastern districts of the city after "
            "the government in Damascus agreed to a pause in the shelling.</p>"
            for i in range(4)
        )
        + "</article></main><footer>© 2026 The Orbit Review</footer></body></html>",
        encoding="utf-8",
    )
    (article,) = read_html(page)
    assert not isinstance(article, RecordError)
    assert article.date is None


def test_a_new_years_day_date_from_the_metadata_is_kept():
    article = _read("new_year_dispatch.html")
    assert article.date == "2025-01-01"
    assert "Fireworks were set off over the old market in Idlib" in article.text


def test_other_dates_pass_through():
    assert page_date("2024-11-30", b"") == "2024-11-30"
    assert page_date(None, b"") is None


def test_balanced_mode_is_the_fallback():
    from framing.html_reader import EXTRACTION_OPTIONS

    assert EXTRACTION_OPTIONS == (PRECISION, BALANCED)


def test_extraction_benchmark_script(tmp_path):
    """benchmarks/html_extraction.py scores the reader + cleaner against gold text."""
    import gzip
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import html_extraction

    gold = clean_article(_read("orbit_review_table_layout.html")).text
    gold = gold[gold.index("Negotiators") :]  # the article's paragraphs only
    (tmp_path / "html").mkdir()
    ids = {"0" * 64: "orbit_review_table_layout.html", "9" * 64: "new_year_dispatch.html"}
    truth = {}
    for item_id, name in ids.items():
        html = (PAGES / name).read_bytes()
        (tmp_path / "html" / f"{item_id}.html.gz").write_bytes(gzip.compress(html))
        truth[item_id] = {"articleBody": gold if name.startswith("orbit") else "", "url": name}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")

    out = tmp_path / "scores.json"
    html_extraction.main(
        [
            "--bench",
            str(tmp_path),
            "--split",
            "dev",
            "--candidates",
            "current",
            "precision",
            "--out",
            str(out),
        ]
    )
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert results["current"]["pages"] == 1  # id 0… is dev, 9… is test
    assert results["current"]["lost"] == []
    assert results["current"]["analysed"]["recall"] == 1.0
    assert 0.8 < results["current"]["analysed"]["precision"] < 1.0  # the menu and byline
    assert [e["error"] for e in results["precision"]["lost"]] == [
        "no main text found in the HTML page"
    ]
    assert results["precision"]["recall_under_half"] == ["0" * 64]


def test_shingle_scores_match_the_benchmark_definition():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from html_extraction import page_counts, scores

    text = "one two three four five six"
    assert page_counts(text, text) == (1.0, 0.0, 0.0)
    assert page_counts(text, "") == (0.0, 0.0, 1.0)
    tp, fp, fn = page_counts(text, text + " seven")  # 3 shared shingles, 1 extra
    assert (tp, fp, fn) == (0.75, 0.25, 0.0)
    assert scores([(1.0, 0.0, 0.0), (0.75, 0.25, 0.0)]) == {
        "precision": 0.875,
        "recall": 1.0,
        "f1": round(2 * 0.875 / 1.875, 4),
    }


def test_a_successful_fallback_logs_no_warning(caplog):
    import logging

    level = logging.getLogger("trafilatura").level
    with caplog.at_level(logging.WARNING):
        article = _read("orbit_review_table_layout.html")
    assert not isinstance(article, RecordError)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("trafilatura")] == []
    assert logging.getLogger("trafilatura").level == level


@pytest.mark.parametrize("name", ["levant_ledger_grain.mhtml", "levant_ledger_grain.webarchive"])
def test_one_file_web_archives_are_read_as_their_page(name):
    from framing.readers import read_path

    (article,) = read_path(PAGES / name)
    assert not isinstance(article, RecordError)
    assert article.id == "levant_ledger_grain"
    assert article.date == "2025-04-14"
    assert article.url == "https://levantledger.example/economy/grain-ships-latakia"
    body = clean_article(article).text
    assert body.startswith("Two bulk carriers loaded with Ukrainian wheat docked at Latakia")
    assert "almost all of Syria’s imports" in body  # quoted-printable and UTF-8 undone
    assert "All rights reserved" not in body


def test_a_folder_reads_archives_beside_pages(tmp_path):
    from framing.readers import read_path, supported_suffixes

    assert {".mhtml", ".mht", ".webarchive"} <= supported_suffixes()
    for name in ("levant_ledger_grain.mhtml", "new_year_dispatch.html"):
        (tmp_path / name).write_bytes((PAGES / name).read_bytes())
    (tmp_path / "saved.webarchive").write_bytes(
        (PAGES / "levant_ledger_grain.webarchive").read_bytes()
    )
    items = list(read_path(tmp_path))
    assert [a.id for a in items] == ["levant_ledger_grain", "new_year_dispatch", "saved"]
    assert items[2].text == items[0].text  # the same page saved twice, under two names


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("a.mhtml", b"<html><body>no MIME</body></html>", "not an MHTML archive"),
        (
            "b.mhtml",
            b"MIME-Version: 1.0\r\nContent-Type: image/png\r\n\r\nxx",
            "no text/html part in the MHTML archive",
        ),
        ("c.webarchive", b"<html></html>", "not a Safari web archive"),
    ],
)
def test_a_broken_archive_is_one_error_naming_it(tmp_path, name, content, reason):
    from framing.readers import read_path

    (tmp_path / name).write_bytes(content)
    (error,) = read_path(tmp_path / name)
    assert isinstance(error, RecordError)
    assert error.where == str(tmp_path / name)
    assert error.reason.startswith(reason)


def test_an_mhtml_page_without_a_charset_keeps_its_own(tmp_path):
    # Chrome writes "Content-Type: text/html" and leaves the charset to the page's meta tag
    raw = (PAGES / "levant_ledger_grain.mhtml").read_bytes()
    declared = b'Content-Type: text/html; charset="utf-8"'
    assert raw.count(declared) == 1
    path = tmp_path / "chrome.mhtml"
    path.write_bytes(raw.replace(declared, b"Content-Type: text/html"))
    (article,) = read_html(path, unwrap=mhtml_page)
    assert "almost all of Syria’s imports" in article.text
