"""A paper's dates as days: parsing every form the sources write, years found elsewhere, sorting keys."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.dates import Day, list_date, month_of, paper_days, paper_year, parse_day, parse_span, sort_day
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


def test_a_month_word_is_an_abbreviation_or_a_full_name_not_any_word_starting_like_one() -> None:
    assert month_of("jun") == month_of("June") == month_of("JUNE") == month_of("Jun.") == 6
    assert month_of("sept") == month_of("September") == month_of("Sep.") == 9
    for word in ("junk", "Marathon", "decimal", "ju", "Junee", "mayday", "janu"):
        assert month_of(word) is None, word
    assert parse_day("Marathon 11") is None
    assert parse_day("Junk 2, 2024") is None
    assert parse_day("Dec. 3, 2024") == Day(2024, 12, 3)


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


def test_the_date_column_shows_the_latest_day_the_one_sorting_by_date_uses() -> None:
    assert list_date(paper(("Mar 11, 2024", "Jun 2, 2024"), "2024-03-08")) == "Jun 2 2024"
    assert list_date(paper(("Jun 2, 2024", "Mar 11, 2024"))) == "Jun 2 2024"
    assert list_date(paper(("Mar 11",), "2024-03-08")) == "Mar 11 2024"
    assert list_date(paper(("Mar 11",))) == "Mar 11"  # no year anywhere: the listing date as it is


# ---------------------------------------------------------------------------------------------------------
# The calendar forms of date: (parse_span)

TODAY = dt.date(2024, 3, 11)
any_date = st.dates(min_value=dt.date(1900, 1, 2), max_value=dt.date(2100, 12, 30))


def span(text: str) -> tuple[dt.date, dt.date] | None:
    found = parse_span(text, TODAY)
    if found is None:
        return None
    return dt.date.fromordinal(found.first), dt.date.fromordinal(min(found.last, dt.date.max.toordinal()))


def test_every_calendar_form_is_a_span_of_days() -> None:
    march = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert span("2024-03-11") == span("Mar 11 2024") == span("March 11, 2024") == (TODAY, TODAY)
    assert span("2024-03") == march
    assert span("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert span("2024") == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert span("2024-03-01..2024-03-15") == (dt.date(2024, 3, 1), dt.date(2024, 3, 15))
    assert span("2024-03-15..2024-03-01") == (dt.date(2024, 3, 1), dt.date(2024, 3, 15))  # backwards: same days
    assert span("2024-02..2024-03") == (dt.date(2024, 2, 1), dt.date(2024, 3, 31))  # a month as an end: whole
    assert span("2024-03-01..") == (dt.date(2024, 3, 1), dt.date.max)
    assert span("..2024-03") == (dt.date.min, dt.date(2024, 3, 31))
    assert span(">=2024-03-01") == span("2024-03-01..")
    assert span(">2024-03") == (dt.date(2024, 4, 1), dt.date.max)
    assert span("<2024-03") == (dt.date.min, dt.date(2024, 2, 29))
    assert span("<=2024-03") == (dt.date.min, dt.date(2024, 3, 31))
    assert span("today") == span("TODAY") == (TODAY, TODAY)
    assert span("yesterday") == (dt.date(2024, 3, 10),) * 2
    assert span("7d") == (dt.date(2024, 3, 5), TODAY)
    assert span("1d") == span("today")
    assert span("2w") == (dt.date(2024, 2, 27), TODAY)
    assert span("yesterday..today") == (dt.date(2024, 3, 10), TODAY)


def test_december_ends_on_the_31st_of_its_own_year() -> None:
    assert span("2024-12") == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))
    assert span("2024-11") == (dt.date(2024, 11, 1), dt.date(2024, 11, 30))
    assert span(">2024-12") == (dt.date(2025, 1, 1), dt.date.max)
    assert span("<=2024-12") == (dt.date.min, dt.date(2024, 12, 31))
    assert span("2024-12..2025-01") == (dt.date(2024, 12, 1), dt.date(2025, 1, 31))


def test_the_calendars_last_month_and_first_are_spans_too() -> None:
    """December 9999 once was no date (the day after it is past the calendar): date:9999-12, typed last, was
    taken for a date still being typed, and matched every paper."""
    assert span("9999-12") == (dt.date(9999, 12, 1), dt.date.max)
    assert span("9999-11..9999-12") == (dt.date(9999, 11, 1), dt.date.max)
    assert span("<=9999-12") == (dt.date.min, dt.date.max)
    assert span("0001-01") == (dt.date.min, dt.date(1, 1, 31))


def test_what_is_not_a_calendar_date_is_none() -> None:
    for text in ("2024-13", "2024-02-30", "2024-03-11x", "Mar", "Mar 11", "0d", "..", "x..y", ">=", ">Mar 11", "7x"):
        assert parse_span(text, TODAY) is None, text


def test_the_clock_can_be_set(monkeypatch) -> None:
    monkeypatch.setattr("tui_reader.dates.today", lambda: dt.date(2020, 1, 5))
    found = parse_span("3d")
    assert found is not None and (found.first, found.last) == (
        dt.date(2020, 1, 3).toordinal(),
        dt.date(2020, 1, 5).toordinal(),
    )


@given(any_date, any_date)
def test_a_range_holds_exactly_the_days_between_its_ends(a: dt.date, b: dt.date) -> None:
    low, high = min(a, b), max(a, b)
    assert span(f"{a}..{b}") == (low, high)
    found = parse_span(f"{a}..{b}", TODAY)
    assert found is not None
    for day in (low - dt.timedelta(1), low, high, high + dt.timedelta(1)):
        assert (Day(day.year, day.month, day.day) in found) == (low <= day <= high)


@given(any_date)
def test_comparisons_include_or_exclude_the_day_itself(d: dt.date) -> None:
    one = dt.timedelta(1)
    assert span(f">={d}") == (d, dt.date.max) and span(f">{d}") == (d + one, dt.date.max)
    assert span(f"<={d}") == (dt.date.min, d) and span(f"<{d}") == (dt.date.min, d - one)
    first, last = span(d.strftime("%Y-%m")) or (None, None)
    assert first == d.replace(day=1) and last is not None and (last + one).month != d.month and last.month == d.month


@given(st.integers(1, 5000), st.booleans())
def test_the_last_n_days_end_today_and_hold_n_days(n: int, weeks: bool) -> None:
    first, last = span(f"{n}{'w' if weeks else 'd'}") or (None, None)
    assert last == TODAY and first is not None and (last - first).days + 1 == n * (7 if weeks else 1)


def test_a_year_less_listing_date_on_the_publication_day_gets_that_year() -> None:
    assert paper_days(paper(("Mar 8",), "2024-03-08")) == [Day(2024, 3, 8), Day(2024, 3, 8)]
    assert list_date(paper(("Mar 8",), "2024-03-08")) == "Mar 8 2024"
