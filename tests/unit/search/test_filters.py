"""The filters of a query: is: (the marks passed in), date: (calendar spans, months and days, any of a paper's days)
and author:, and the registry every filter is defined in."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.corpus import Paper
from tui_reader.dates import paper_days
from tui_reader.search import FILTERS, Filter, FilterSpec, SearchIndex, parse_query
from tui_reader.search.filters import FilterValueError

from .helpers import ids, titles


def test_mark_filters(index, papers):
    marks = {
        papers[0].id: SimpleNamespace(read=True, starred=False),
        papers[1].id: SimpleNamespace(read=True, starred=True),
        papers[2].id: SimpleNamespace(read=False, starred=True),
        "not-a-paper": SimpleNamespace(read=True, starred=True),
    }
    assert list(index.search("is:read", marks).indices) == [0, 1]
    assert list(index.search("is:starred", marks).indices) == [1, 2]
    assert list(index.search("is:read is:starred", marks).indices) == [1]
    assert len(index.search("is:unread", marks)) == len(papers) - 2
    assert 1 not in index.search("-is:starred", marks).indices
    assert len(index.search("is:unread")) == len(papers)  # no marks: everything unread
    assert len(index.search("is:read")) == 0
    read_rlif = {papers[0].id: SimpleNamespace(read=True, starred=False)}
    assert titles(index, "rlif is:unread", read_rlif) == []


def test_date_filters(index, papers):
    def dates(query):
        return {d for i in index.search(query).indices for d in papers[i].dates}

    assert len(index.search("date:Mar")) == sum(any(d.startswith("Mar") for d in p.dates) for p in papers)
    assert dates('date:"Mar 11"') >= {"Mar 11"} and all(
        "Mar 11" in papers[i].dates for i in index.search('date:"Mar 11"').indices
    )
    assert len(index.search("date:march")) == len(index.search("date:mar"))
    assert all("Sep 9" not in papers[i].dates for i in index.search("-date:sep").indices)
    assert titles(index, "date:Sep rlif") == []
    assert titles(index, "date:mar rlif") == ["RLIF: Interactive Imitation Learning as Reinforcement Learning"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("author:hint", ["h", "o"]),  # any word of any name: "Hinton Lecun" is an author of o
        ("author:HINTON ", ["h", "o"]),
        ("author:müll", ["m"]),
        ("author:mull", ["m"]),  # accents do not matter, either way
        ("author:robert", ["m"]),  # a word of a hyphenated name
        ("author:klaus-robert", ["m"]),  # its words in a row
        ("author:leon", ["y"]),
        ("author:yann author:lecun", ["y", "o"]),  # both, each in any name
        ("author:yann author:bottou", ["y"]),
        ('author:"yann lecun"', ["y"]),  # the words in a row, in one name: not o's Yann and Lecun
        ('author:"yann le', ["y"]),  # the last word still being typed
        ('author:"lecun yann"', []),
        ("-author:yann", ["h", "m", "n"]),
        ("author:hinton deep", ["h"]),
        ("author:zzz", []),
    ],
)
def test_author_filter(authored, query, expected):
    assert ids(authored, query) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("date:2024-03-11", ["m"]),  # not o: its "Mar 11" has no year (nothing else of it shows one)
        ("date:2024-03", ["m", "y"]),
        ("date:2024-03-01..2024-03-09", ["y"]),  # the published date counts
        ("date:2024-02..2024-03-08", ["y", "n"]),
        ("date:2024-03-09..", ["m"]),
        ("date:..2024-02", ["h", "n"]),
        ("date:>=2024-03-09", ["m"]),
        ("date:>2024-03-11", []),
        ("date:<2024-02-20", ["h"]),
        ("date:<=2024-02-20", ["h", "n"]),
        ("date:2006", ["h"]),
        ("date:today", ["m"]),
        ("date:yesterday", []),
        ("date:4d", ["m", "y"]),  # Mar 8 to Mar 11
        ("date:3d", ["m"]),
        ("date:3w", ["m", "y", "n"]),
        ('date:"Mar 11"', ["m", "o"]),  # that day in any year, a listing date without a year too
        ("date:mar", ["m", "y", "o"]),
        ("date:feb", ["n"]),
        ('date:"Feb 29"', ["n"]),
        ("-date:2024", ["h", "o"]),  # o has no day with a year: no calendar form finds it
        ("date:2024-03 author:yann", ["y"]),
    ],
)
def test_date_filter_ranges(authored, monkeypatch, query, expected):
    monkeypatch.setattr("tui_reader.dates.today", lambda: date(2024, 3, 11))
    assert ids(authored, query) == expected


@st.composite
def dated_papers(draw):
    days = st.dates(min_value=date(2023, 12, 1), max_value=date(2024, 2, 28))
    count = draw(st.integers(1, 12))
    papers = []
    for n in range(count):
        listed = draw(st.lists(days, max_size=2))
        published = draw(st.one_of(st.none(), days))
        papers.append(
            Paper(
                f"p{n}",
                f"paper {n}",
                "",
                dates=tuple(d.strftime("%b %-d, %Y") for d in listed),
                published=published.isoformat() if published else None,
            )
        )
    return papers


@settings(max_examples=60, deadline=None)
@given(dated_papers(), st.dates(min_value=date(2023, 11, 20), max_value=date(2024, 3, 10)), st.integers(0, 40))
def test_a_date_range_finds_the_papers_with_any_day_in_it(papers, first, length):
    last = first + timedelta(days=length)
    index = SearchIndex(papers)
    found = [papers[i].id for i in index.search(f"date:{first}..{last}").indices]
    expected = [p.id for p in papers if any(d.date and first <= d.date <= last for d in paper_days(p))]
    assert found == expected


# ---------------------------------------------------------------------------------------------------------
# note: and tag: read the marks the reader passes in


class Marks(dict):
    """Marks as the reader passes them: id -> mark, with every note and tag beside them."""

    def __init__(self, notes, tags):
        super().__init__()
        self.notes, self.tags = notes, tags


def test_note_and_tag_filters_read_the_notes_and_tags_passed_in(index, papers):
    a, b, c = (p.id for p in papers[:3])
    marks = Marks({a: "Read again: baseline", b: "baselines differ"}, {b: ("RL-Theory",), c: ("rl-practice",)})
    assert list(index.search("note:baseline ", marks).indices) == [0]  # the word itself, not "baselines"
    assert list(index.search("note:basel", marks).indices) == [0, 1]  # the last word still typed: a prefix
    assert list(index.search('note:"again baseline" ', marks).indices) == [0]
    assert list(index.search("tag:rl-theory ", marks).indices) == [1]
    assert list(index.search("tag:rl", marks).indices) == [1, 2]
    assert len(index.search("-tag:rl", marks)) == len(papers) - 2  # a prefix while typed, negated
    assert len(index.search("note:baseline ")) == 0  # no marks passed: no notes
    assert parse_query("note: x").error == 'note: needs a word, e.g. note:baseline or note:"read again"'
    assert parse_query("tag: x").error == "tag: needs a tag, e.g. tag:rl-theory"
    assert parse_query("note:").error is None and parse_query("tag:").error is None  # still being typed


# ---------------------------------------------------------------------------------------------------------
# The registry: a filter is one FilterSpec, read by the parser, the index and the help screen


def test_the_known_filters_are_the_registry_in_its_order():
    assert list(FILTERS) == ["is", "date", "author", "note", "tag"]
    assert all(name == spec.name for name, spec in FILTERS.items())


def category_spec(papers) -> FilterSpec:
    """A made-up ``cat:`` filter: ``cat:ml`` keeps the first two papers."""

    def parse(text, prefix):
        if text == "bad":
            raise FilterValueError("cat:bad is not a category")
        return text.lower() or None

    def mask(tables, value, prefix, marks):
        return tables.ids_mask([papers[0].id, papers[1].id] if value == "ml" else [])

    return FilterSpec("cat", parse, mask, "cat:ml (an arXiv category)")


def test_a_new_filter_is_one_definition_in_the_registry(index, papers, monkeypatch):
    from tui_reader.screens.help import search_help

    monkeypatch.setitem(FILTERS, "cat", category_spec(papers))
    assert parse_query("cat:ML x").filters == (Filter("cat", "ml"),)
    assert list(index.search("cat:ML").indices) == [0, 1]
    assert len(index.search("-cat:ml")) == len(papers) - 2
    assert index.search("cat:bad rlif").error == "cat:bad is not a category"
    assert titles(index, "cat:bad rlif") == ["RLIF: Interactive Imitation Learning as Reinforcement Learning"]
    assert index.search("foo:x").error == "unknown filter foo: (known: is:, date:, author:, note:, tag:, cat:)"
    assert "cat:ml (an arXiv category)" in search_help()


def test_the_help_lists_every_filter_of_the_registry_in_its_order():
    from tui_reader.screens.help import search_help

    shown = search_help()
    places = [shown.index(line) for spec in FILTERS.values() for line in spec.help.splitlines()]
    assert places == sorted(places)
    assert shown.index('"exact phrase"') < places[0] and max(map(len, shown.splitlines())) <= 120
