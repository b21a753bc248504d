"""Article dates as ISO days: what dated aliases compare ("Damascus" names Assad's government
before 8 December 2024 and the transitional one after).

Scraped dates come in many shapes ("2024-11-30T10:00:00Z", "30 November 2024", "Nov. 30,
2024", "30/11/2024"). :func:`iso_day` turns the ones that name one day into
``YYYY-MM-DD`` (with ``dateutil``) and refuses the rest: a relative date ("yesterday"), a
date without a year or day, and an all-numeric date that reads as two days ("03/04/2025":
3 April or 4 March?). An article whose date is refused is undated for the aliases, which is
what the alias table allows for; a date compared as text would be wrong ("30/11/2024"
sorts after "2024-12-08").
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from framing.io import first_in_file

log = logging.getLogger("framing.dates")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?![\d])")
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
# two defaults that differ in every field: a field the text lacks shows up as a difference
_DEFAULTS = (dt.datetime(1901, 1, 1), dt.datetime(1902, 2, 2))


def is_iso_day(value: str) -> bool:
    """Whether ``value`` starts with a valid ``YYYY-MM-DD``."""
    m = _ISO_DAY.match(value)
    if m is None:
        return False
    try:
        dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return False
    return True


def iso_day(value: object) -> str | None:
    """``value`` as ``YYYY-MM-DD``, or ``None`` when it does not name one day unambiguously
    (see the module docstring)."""
    if isinstance(value, dt.date):  # a datetime too (a Parquet or pandas timestamp)
        return value.isoformat()[:10]
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if is_iso_day(text):
        return text[:10]
    dayfirst = False
    numeric = _NUMERIC.fullmatch(text)
    if numeric is not None:
        first, second = int(numeric[1]), int(numeric[2])
        if first <= 12 and second <= 12 and first != second:
            return None  # day or month first?
        dayfirst = first > 12
    from dateutil import parser

    try:
        parsed = [parser.parse(text, default=d, dayfirst=dayfirst) for d in _DEFAULTS]
    except (ValueError, OverflowError):
        return None
    if parsed[0].date() != parsed[1].date():
        return None  # the year, month or day came from the default
    return parsed[0].date().isoformat()


_DATE_WARNED: set[str] = set()  # files already warned about, one warning each


def warn_unreadable_date(where: str, value: object) -> None:
    """Log that a record's date was refused; once per file (``where``: ``file:line``)."""
    file = first_in_file(where, _DATE_WARNED)
    if file is None:
        return
    log.warning(
        "%s: date %r does not name one day (use YYYY-MM-DD); the article counts as undated for "
        "dated aliases, its date kept as date_raw (further such dates in %s not reported)",
        where,
        value,
        file,
    )
