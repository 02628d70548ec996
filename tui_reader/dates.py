"""A paper's dates as days: listing dates (``Mar 11``, ``March 11, 2024``) and the arXiv published date
(``2024-03-11``). Plain functions, no Textual: the list's date column, the ``date:`` filter, sorting by date and
the year of a citation all read them from here, and ``parse_span`` reads the calendar forms of ``date:``.

A text dump's listing date has no year (``Mar 11``). It takes one when the paper shows it elsewhere: another
listing date of the same day with a year, or the published date when that is earlier in the same year (Daily
Papers lists a paper days after arXiv does). A date still without a year is a *partial* day: it is shown, and
found by the month-and-day forms of ``date:``, but has no place on a calendar (ranges, sorting by date).
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import NamedTuple

from tui_reader.paper import Paper

__all__ = [
    "MONTHS",
    "Day",
    "DaySpan",
    "first_listing",
    "list_date",
    "month_of",
    "paper_days",
    "paper_year",
    "parse_day",
    "parse_span",
    "sort_day",
    "today",
]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# a month word: its abbreviation or its full name (and "sept"), in any case
_MONTH_WORDS = {
    **{name: i + 1 for i, name in enumerate(_MONTH_NAMES)},
    **{m.lower(): i + 1 for i, m in enumerate(MONTHS)},
    "sept": 9,
}
_LISTING = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:(?:,\s*|\s+)(\d{4}))?")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# the forms of ``date:`` (a query): patterns used through re's cache, compiled by the first query, not at import
_CALENDAR = r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?"  # 2024, 2024-03, 2024-03-11
_RECENT = r"(\d{1,5})([dw])"  # 7d, 2w
_COMPARE = r"(>=|<=|>|<)(.*)"


def today() -> _dt.date:
    """Today, for ``today``, ``yesterday`` and ``7d`` (the tests set their own)."""
    return _dt.date.today()


class _DayFields(NamedTuple):
    year: int | None
    month: int
    day: int


class Day(_DayFields):
    """A day; ``year`` None for a listing date written without one. A named tuple (cheap to define at import),
    checked when made: ValueError for a day no calendar has."""

    __slots__ = ()

    def __new__(cls, year: int | None, month: int, day: int) -> Day:
        _dt.date(year or 2000, month, day)  # raises ValueError on Feb 30 (2000: Feb 29 is a day)
        return super().__new__(cls, year, month, day)

    @property
    def date(self) -> _dt.date | None:
        return _dt.date(self.year, self.month, self.day) if self.year is not None else None

    def shown(self) -> str:
        """``Mar 11 2024``, or ``Mar 11`` without a year."""
        text = f"{MONTHS[self.month - 1]} {self.day}"
        return f"{text} {self.year}" if self.year is not None else text


@lru_cache(maxsize=1 << 16)
def parse_day(text: str | None) -> Day | None:
    """``Mar 11``, ``March 11, 2024``, ``Mar 11 2024`` or ``2024-03-11`` (a timestamp's date part too) as a
    Day; None for anything else (never raises). Kept for the texts seen most (papers share their dates: a day
    of 100k papers is read ~2.5x faster)."""
    if not text:
        return None
    text = text.strip()
    try:
        if m := _ISO.match(text):
            return Day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _LISTING.fullmatch(text):
            month = month_of(m.group(1))
            if month is None:
                return None
            year = int(m.group(3)) if m.group(3) else None
            return Day(year, month, int(m.group(2)))
    except ValueError:  # Feb 30, month 13
        return None
    return None


class DaySpan(NamedTuple):
    """The days ``first..last`` (proleptic ordinals, both included): what a calendar ``date:`` value means."""

    first: int
    last: int

    def __contains__(self, day: object) -> bool:
        return isinstance(day, Day) and day.date is not None and self.first <= day.date.toordinal() <= self.last


_NO_END = _dt.date.max.toordinal()


def _calendar(text: str) -> tuple[int, int] | None:
    """``2024`` (the year), ``2024-03`` (the month) or ``2024-03-11`` as its first and last day."""
    m = re.fullmatch(_CALENDAR, text)
    if m is None:
        return None
    year = int(m.group(1))
    try:
        if m.group(3) is not None:
            day = _dt.date(year, int(m.group(2)), int(m.group(3))).toordinal()
            return day, day
        if m.group(2) is not None:
            month = int(m.group(2))
            first = _dt.date(year, month, 1)
            if month == 12:  # the day after December 9999 is past the calendar: its last day is known
                return first.toordinal(), first.replace(day=31).toordinal()
            return first.toordinal(), _dt.date(year, month + 1, 1).toordinal() - 1
        return _dt.date(year, 1, 1).toordinal(), _dt.date(year, 12, 31).toordinal()
    except ValueError:  # month 13, Feb 30, year 0
        return None


def parse_span(text: str, now: _dt.date | None = None) -> DaySpan | None:
    """The calendar forms of ``date:``: ``2024-03-11``, ``2024-03``, ``2024``, ``Mar 11 2024``, ranges ``A..B``
    (either end may be left out), ``>=A``, ``>A``, ``<=A``, ``<A``, ``today``, ``yesterday``, ``7d`` (the last
    seven days, today included) and ``2w``. ``now`` is today (default: ``today()``). None for anything else,
    the year-less ``Mar 11`` included (never raises)."""
    text = text.strip().lower()
    if m := re.fullmatch(_RECENT, text):
        days = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        last = (now or today()).toordinal()
        return DaySpan(max(1, last - days + 1), last) if days else None
    if m := re.fullmatch(_COMPARE, text):
        bound = _span_end(m.group(2).strip(), now)
        if bound is None:
            return None
        first, last = bound
        op = m.group(1)
        if op == ">=":
            return DaySpan(first, _NO_END)
        if op == ">":
            return DaySpan(last + 1, _NO_END)
        return DaySpan(1, last) if op == "<=" else DaySpan(1, first - 1) if first > 1 else None
    if ".." in text:
        start, _, end = text.partition("..")
        low = _span_end(start.strip(), now) if start.strip() else (1, 1)
        high = _span_end(end.strip(), now) if end.strip() else (_NO_END, _NO_END)
        if low is None or high is None or not (start.strip() or end.strip()):
            return None
        return DaySpan(min(low[0], high[0]), max(low[1], high[1]))  # written backwards: the same days
    bound = _span_end(text, now)
    return DaySpan(*bound) if bound is not None else None


def _span_end(text: str, now: _dt.date | None) -> tuple[int, int] | None:
    """One end of a range: a calendar form, ``today``/``yesterday`` or a listing date with its year."""
    if text in ("today", "yesterday"):
        ordinal = (now or today()).toordinal() - (text == "yesterday")
        return ordinal, ordinal
    if (found := _calendar(text)) is not None:
        return found
    day = parse_day(text) if not text[:1].isdigit() else None  # parse_day reads "2024-03-11T…": not here
    if day is None or day.date is None:
        return None
    return day.date.toordinal(), day.date.toordinal()


def month_of(word: str) -> int | None:
    """A month's number from its abbreviation or full name in any case, maybe with a trailing dot (``mar``,
    ``March``, ``Sept.``); None when the word names no month (``junk``, ``Marathon``)."""
    word = word.lower()
    return _MONTH_WORDS.get(word[:-1] if word.endswith(".") else word)


def _listing_days(paper: Paper) -> list[Day]:
    """The paper's listing dates as days, each with its year when the paper shows it (see the module)."""
    days = [day for day in map(parse_day, paper.dates) if day is not None]
    if all(day.year is not None for day in days):
        return days
    published = parse_day(paper.published)
    years = {(d.month, d.day): d.year for d in days if d.year is not None}
    found = []
    for day in days:
        year = day.year
        if year is None:
            year = years.get((day.month, day.day))
        if year is None and published is not None and (published.month, published.day) <= (day.month, day.day):
            year = published.year
        found.append(Day(year, day.month, day.day) if year != day.year else day)
    return found


def paper_days(paper: Paper) -> list[Day]:
    """Every day of the paper: its listing dates (with years where known) and its published date."""
    days = _listing_days(paper)
    if (published := parse_day(paper.published)) is not None:
        days.append(published)
    return days


def paper_year(paper: Paper) -> int | None:
    """The year a citation gives: the published year, else the year of its first listing date with one."""
    if (published := parse_day(paper.published)) is not None:
        return published.year
    return next((day.year for day in _listing_days(paper) if day.year is not None), None)


def sort_day(paper: Paper) -> int:
    """The paper's latest calendar day as a proleptic ordinal (``date.toordinal``), for sorting by date; 0 for a
    paper with no day that has a year (it sorts after every dated paper)."""
    dates = [day.date for day in paper_days(paper)]
    return max((date.toordinal() for date in dates if date is not None), default=0)


def first_listing(paper: Paper) -> str:
    """The first listing date (``Mar 11``), with its year when known (``Mar 11 2024``); a paper never listed
    shows its published date. Written the same way whatever the source wrote (``March 11, 2024`` shows as
    ``Mar 11 2024``); a date that is not one is shown as written."""
    if paper.dates:
        if parse_day(paper.dates[0]) is None:
            return paper.dates[0]
        # _listing_days keeps the order of the parseable dates: the first of them is the first listing date
        return _listing_days(paper)[0].shown()
    published = parse_day(paper.published)
    return published.shown() if published is not None else ""


def list_date(paper: Paper) -> str:
    """The list's date column: the day sorting by date uses (``sort_day``: the latest calendar day, ``Mar 11
    2024``), so a list sorted by date shows its dates in order; a paper without one shows ``first_listing``
    (a year-less ``Mar 11``, or a date as written)."""
    ordinal = sort_day(paper)
    if ordinal:
        date = _dt.date.fromordinal(ordinal)
        return Day(date.year, date.month, date.day).shown()
    return first_listing(paper)
