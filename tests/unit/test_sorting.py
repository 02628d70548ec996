"""Sorting (tui_reader.sorting): by date, upvotes and title; papers without a key last; stable; keys that follow
a growing PaperSet."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.paper import Paper, paper_id
from tui_reader.paper_set import PaperSet
from tui_reader.sorting import Sort, can_order, sort_keys, sort_rows


def paper(title: str, published: str | None = None, upvotes: int | None = None, dates: tuple[str, ...] = ()) -> Paper:
    return Paper(paper_id(title), title, "", dates=dates, published=published, upvotes=upvotes)


PAPERS = [
    paper("b undated"),
    paper("c march", "2024-03-11", 5),
    paper("a may", "2024-05-01"),
    paper("d listed later", "2024-03-01", 0, dates=("Jun 2, 2024",)),
    paper("e march too", "2024-03-11", 5),
    paper("f year-less listing", dates=("Mar 11",)),
]


def titles(rows, papers=PAPERS) -> list[str]:
    return [papers[i].title for i in rows]


def test_newest_and_oldest_put_undated_papers_last_and_keep_ties_in_order() -> None:
    assert titles(sort_rows(PAPERS, range(6), Sort.NEWEST)) == [
        "d listed later",  # listed Jun 2: its latest day counts, not its published day
        "a may",
        "c march",
        "e march too",
        "b undated",
        "f year-less listing",
    ]
    assert titles(sort_rows(PAPERS, range(6), Sort.OLDEST)) == [
        "c march",
        "e march too",
        "a may",
        "d listed later",
        "b undated",
        "f year-less listing",
    ]


def test_ties_keep_the_order_the_rows_came_in() -> None:
    assert titles(sort_rows(PAPERS, [5, 4, 1, 0], Sort.NEWEST)) == [
        "e march too",
        "c march",
        "f year-less listing",
        "b undated",
    ]
    assert titles(sort_rows(PAPERS, [4, 1], Sort.UPVOTES)) == ["e march too", "c march"]


def test_most_upvoted_first_and_papers_without_upvotes_last() -> None:
    assert titles(sort_rows(PAPERS, range(6), Sort.UPVOTES)) == [
        "c march",
        "e march too",
        "d listed later",  # 0 upvotes: still before the papers with none
        "b undated",
        "a may",
        "f year-less listing",
    ]


def test_title_order_ignores_case_accents_and_punctuation() -> None:
    papers = [paper("zeta"), paper("Émile"), paper("[Re] beta"), paper("alpha"), paper("Delta")]
    assert titles(sort_rows(papers, range(5), Sort.TITLE), papers) == ["alpha", "Delta", "Émile", "[Re] beta", "zeta"]


def test_relevance_keeps_the_rows_as_they_are() -> None:
    assert list(sort_rows(PAPERS, [3, 1, 2], Sort.RELEVANCE)) == [3, 1, 2]


def test_the_cycle_visits_every_order_and_names_the_default() -> None:
    seen = [Sort.RELEVANCE]
    while (after := seen[-1].next()) is not Sort.RELEVANCE:
        seen.append(after)
    assert seen == [Sort.RELEVANCE, Sort.NEWEST, Sort.OLDEST, Sort.UPVOTES, Sort.TITLE]
    assert Sort.RELEVANCE.label(True) == "relevance" and Sort.RELEVANCE.label(False) == "as listed"


def test_keys_follow_papers_added_and_merged() -> None:
    papers = PaperSet([paper("one", "2024-01-01"), paper("two", "2024-02-01")])
    assert titles(sort_rows(papers, range(2), Sort.NEWEST), papers) == ["two", "one"]
    keys = sort_keys(papers)
    papers.add([paper("three", "2024-03-01"), paper("one", dates=("Apr 1, 2024",))])  # "one" gains a later day
    assert sort_keys(papers) is keys  # the same keys, extended
    assert titles(sort_rows(papers, range(3), Sort.NEWEST), papers) == ["one", "three", "two"]
    papers.add([paper("two", upvotes=9)])
    assert titles(sort_rows(papers, range(3), Sort.UPVOTES), papers) == ["two", "one", "three"]


day_strategy = st.one_of(st.none(), st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)))


@given(st.lists(st.tuples(day_strategy, day_strategy, st.one_of(st.none(), st.integers(0, 1000))), max_size=40))
def test_sorting_agrees_with_pythons_sorted(fields) -> None:
    """Each paper a published day and a listing day (either may be missing): newest and oldest order by the later
    of the two, as drawn."""
    papers = [
        paper(
            f"p{n}",
            published.isoformat() if published else None,
            upvotes,
            dates=(f"{listed:%b} {listed.day}, {listed.year}",) if listed else (),
        )
        for n, (published, listed, upvotes) in enumerate(fields)
    ]
    rows = list(range(len(papers)))[::-1]
    days = [max((d.toordinal() for d in (published, listed) if d), default=0) for published, listed, _ in fields]
    newest = sorted(rows, key=lambda i: (days[i] == 0, -days[i]))
    assert list(sort_rows(papers, rows, Sort.NEWEST)) == newest
    oldest = sorted(rows, key=lambda i: (days[i] == 0, days[i]))
    assert list(sort_rows(papers, rows, Sort.OLDEST)) == oldest
    votes = sorted(rows, key=lambda i: (papers[i].upvotes is None, -(papers[i].upvotes or 0)))
    assert list(sort_rows(papers, rows, Sort.UPVOTES)) == votes


def test_equal_titles_keep_the_order_the_rows_came_in_among_themselves() -> None:
    papers = [paper("Same Title", upvotes=1), paper("same title!", upvotes=2), paper("Alpha"), paper("SAME  title")]
    assert list(sort_rows(papers, [3, 0, 2, 1], Sort.TITLE)) == [2, 3, 0, 1]
    assert list(sort_rows(papers, [1, 3, 0], Sort.TITLE)) == [1, 3, 0]


def test_a_sort_can_order_the_rows_only_when_one_of_them_has_its_key() -> None:
    assert not can_order(PAPERS, [0, 5], Sort.NEWEST)  # undated, and a listing date without a year
    assert not can_order(PAPERS, [0, 5], Sort.OLDEST)
    assert can_order(PAPERS, [0, 5, 2], Sort.NEWEST) and can_order(PAPERS, [2], Sort.OLDEST)
    assert not can_order(PAPERS, [0, 2, 5], Sort.UPVOTES)  # none has upvotes
    assert can_order(PAPERS, [0, 3], Sort.UPVOTES)  # 0 upvotes is a count: it orders
    assert can_order(PAPERS, [0, 5], Sort.TITLE) and can_order(PAPERS, [0, 5], Sort.RELEVANCE)
    year_less = PaperSet([paper("x", dates=("Mar 11",)), paper("y", dates=("Mar 12",))])
    assert not can_order(year_less, range(2), Sort.NEWEST) and not can_order(year_less, range(2), Sort.UPVOTES)
