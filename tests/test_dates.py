"""A paper's dates as days: parsing every form the sources write, years found elsewhere, sorting keys."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.dates import Day, list_date, paper_days, paper_year, parse_day, sort_day
from tui_reader.paper import Paper


def paper(dates: tuple[str, ...] = (), published: str | None = None) -> Paper:
    return Paper("id", "A title", "", dates=dates, published=published)


def test_every_form_a_source_writes_is_one_day() -> None:
    assert parse_day("Mar 11") == Day(None, 3, 11)
    assert parse_day("Mar 11, 2024") == Day(2024, 3, 11)
    assert parse_day("March 11, 2024") == Day(2024, 3, 11)
    assert parse_day("Sept 9") == Day(None, 9, 9)
    assert parse_day("2024-03-11") == Day(2024, 3, 11)
    assert parse_day("2024-03-11T17:59:00.000Z") == Day(2024, 3, 11)


def test_what_is_not_a_day_is_none_never_an_error() -> None:
    for text in ("", None, "Feb 30", "Foo 11", "2024-13-01", "Mar", "11 Mar", "yesterday"):
        assert parse_day(text) is None


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_day_written_any_way_reads_back_the_same(date: dt.date) -> None:
    day = Day(date.year, date.month, date.day)
    assert parse_day(date.isoformat()) == day
    assert parse_day(date.strftime("%b %-d, %Y")) == day
    assert parse_day(date.strftime("%B %-d, %Y")) == day
    assert parse_day(day.shown()) == day


def test_a_dump_date_takes_its_year_from_the_paper_seen_elsewhere() -> None:
    assert paper_days(paper(("Mar 11", "Mar 11, 2024"))) == [Day(2024, 3, 11), Day(2024, 3, 11)]
    assert paper_days(paper(("Mar 11",), "2024-03-08")) == [Day(2024, 3, 11), Day(2024, 3, 8)]
    assert paper_days(paper(("Jan 2",), "2023-12-30"))[0] == Day(None, 1, 2)  # listed in the next year: not said


def test_the_year_of_a_citation_is_the_published_one_else_the_listing_year() -> None:
    assert paper_year(paper(("Mar 11, 2025",), "2024-12-30")) == 2024
    assert paper_year(paper(("Mar 11", "Apr 2, 2023"))) == 2023
    assert paper_year(paper(("Mar 11",))) is None


def test_sorting_by_date_uses_the_latest_calendar_day_and_puts_undated_last() -> None:
    assert sort_day(paper(("Mar 11, 2024",), "2024-03-08")) == dt.date(2024, 3, 11).toordinal()
    assert sort_day(paper(("Mar 11",))) == 0
    assert sort_day(paper()) == 0


def test_the_date_column_writes_every_source_alike() -> None:
    assert list_date(paper(("March 11, 2024",))) == "Mar 11 2024"
    assert list_date(paper(("Mar 11, 2024",))) == list_date(paper(("March 11, 2024",)))
    assert list_date(paper(("not a date",))) == "not a date"
