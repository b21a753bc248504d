"""Article dates as ISO days (framing/dates.py), and what dated aliases do with them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from framing.corpus import Article
from framing.dates import iso_day
from framing.readers import read_path
from framing.segment import Segmenter


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2024-11-30", "2024-11-30"),
        ("2024-11-30T10:00:00Z", "2024-11-30"),
        ("30 November 2024", "2024-11-30"),
        ("Nov. 30, 2024", "2024-11-30"),
        ("Sat, 30 Nov 2024 10:00:00 GMT", "2024-11-30"),
        ("30/11/2024", "2024-11-30"),  # day first: 30 cannot be a month
        ("11/30/2024", "2024-11-30"),
        ("04/04/2025", "2025-04-04"),  # both readings are one day
        ("03/04/2025", None),  # 3 April or 4 March?
        ("yesterday", None),
        ("Monday", None),  # no year, month or day of its own
        ("November 2024", None),
        ("2024-13-01", None),
        ("", None),
        (None, None),
        (20241130, None),
        (dt.date(2024, 11, 30), "2024-11-30"),  # Parquet dates and timestamps
        (dt.datetime(2024, 11, 30, 23, 59), "2024-11-30"),
    ],
)
def test_iso_day(value, day):
    assert iso_day(value) == day


def _damascus(date: str | None) -> list[str]:
    article = Article(id="a", text="Damascus said it would seek his return.", date=date)
    return [m.actor for s in Segmenter().segment(article).sentences for m in s.mentions]


def test_a_dated_alias_reads_the_date_as_a_day_never_as_text():
    assert _damascus("2023-05-01") == ["Assad"] and _damascus("2025-05-01") == ["HTS"]
    assert _damascus("30 November 2024") == ["Assad"]  # before 8 December 2024
    assert _damascus("5/1/2025") == []  # ambiguous: undated, and Damascus needs a date
    # compared as text, "30/11/2024" sorted after "2024-12-08" and gave HTS
    assert _damascus("30/11/2024") == ["Assad"]


def test_readers_store_iso_days_and_keep_an_unreadable_date_as_date_raw(tmp_path, caplog):
    rows = [
        {"id": "a1", "text": "Damascus spoke.", "date": "Nov. 30, 2024"},
        {"id": "a2", "text": "Damascus spoke.", "date": "yesterday"},
        {"id": "a3", "text": "Damascus spoke.", "date": "last week"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with caplog.at_level("WARNING"):
        arts = list(read_path(path))
    assert [(a.date, a.meta.get("date_raw")) for a in arts] == [
        ("2024-11-30", None),
        (None, "yesterday"),
        (None, "last week"),
    ]
    # one warning per file, naming the first record
    warnings = [r.getMessage() for r in caplog.records if "does not name one day" in r.getMessage()]
    assert len(warnings) == 1 and f"{path}:2" in warnings[0]


def test_the_lexicon_and_the_pair_detector_read_dates_the_same_way():
    from framing.actors import load_lexicon
    from framing.corpus import Sentence
    from framing.reference_model import sentence_examples

    lexicon = load_lexicon(None)
    text = "Damascus said it would seek his return."
    assert [m.actor for m in lexicon.find(text, date="30/11/2024")] == ["Assad"]
    sentence = [Sentence("a", 0, 0, len(text), text, [])]
    era = {
        d: sentence_examples(sentence, d)[0].tokens.split()[0] for d in ("30/11/2024", "2025-06-01")
    }
    assert era == {"30/11/2024": "era:before", "2025-06-01": "era:after"}
