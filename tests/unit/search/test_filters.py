"""The filters of a query: is: (the marks passed in), date: (calendar spans, months and days, any of a paper's days),
author:, cat: (arXiv categories and archives), has: (code, project page, DOI, note, tag), and the registry every
filter is defined in."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.corpus import Paper, load_corpus
from tui_reader.search import FILTERS, Filter, FilterSpec, SearchIndex, parse_query
from tui_reader.search.filters import FilterValueError, is_code_link

from .helpers import ids, titles

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
REAL_DAILY = REAL / "hf_daily_2026-02-25_default50_guo-sj_ai-paper-reader_0150ec7.json"
REAL_ARXIV = REAL / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl"


@pytest.fixture(scope="module")
def real_papers():
    return load_corpus([REAL_ARXIV, REAL_DAILY])


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
    papers, all_days = [], []  # every paper's days, as drawn: the expected answer, not the code's reading
    for n in range(count):
        listed = draw(st.lists(days, max_size=2))
        published = draw(st.one_of(st.none(), days))
        all_days.append([*listed, *([published] if published else [])])
        papers.append(
            Paper(
                f"p{n}",
                f"paper {n}",
                "",
                dates=tuple(d.strftime("%b %-d, %Y") for d in listed),
                published=published.isoformat() if published else None,
            )
        )
    return papers, all_days


@settings(max_examples=60, deadline=None)
@given(dated_papers(), st.dates(min_value=date(2023, 11, 20), max_value=date(2024, 3, 10)), st.integers(0, 40))
def test_a_date_range_finds_the_papers_with_any_day_in_it(drawn, first, length):
    papers, all_days = drawn
    last = first + timedelta(days=length)
    index = SearchIndex(papers)
    found = [papers[i].id for i in index.search(f"date:{first}..{last}").indices]
    expected = [p.id for p, days in zip(papers, all_days, strict=True) if any(first <= d <= last for d in days)]
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
# cat: an arXiv category, or an archive up to the dot; has: what a paper has, or the reader gave it

FILED = [
    Paper("a", "Attention", "x", categories=("cs.CL", "cs.LG")),
    Paper("b", "Bosons", "x", categories=("hep-th",), doi="10.1103/b"),
    Paper("c", "Combinatorics", "x", categories=("math.CO", "cs.DM")),
    Paper("d", "Mathematical physics", "x", categories=("math-ph", "math.MP")),
    Paper("e", "Only mathematical physics", "x", categories=("math-ph",)),
    Paper("f", "A made-up archive", "x", categories=("cs-foo",)),
    Paper(
        "g",
        "Code from a listing",
        "x",
        links=("https://github.com/o/g", "https://g.example.org/"),
        github_repo="https://github.com/o/g",
        project_page="https://g.example.org/",
    ),
    Paper("h", "Code linked in the abstract", "x", links=("https://example.org/h", "https://gitlab.com/group/h")),
    Paper("i", "Code in capitals", "x", links=("HTTPS://WWW.GitHub.com/Owner/Repo",)),
    Paper("j", "Not code", "x", links=("https://github.com/org", "https://o.github.io/r", "https://notgithub.com/o/r")),
    Paper("k", "Not a web link", "x", links=("javascript:github.com/o/r",)),
]


@pytest.fixture(scope="module")
def filed():
    return SearchIndex(FILED)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("cat:cs.CL ", ["a"]),
        ("cat:CS.cl ", ["a"]),  # any case
        ("cat:cs ", ["a", "c"]),  # every cs.* category; not cs-foo, another archive
        ("cat:cs. ", ["a", "c"]),  # a final dot: the archive
        ("cat:math ", ["c", "d"]),  # math.CO and math.MP; not e, only in math-ph (an archive of its own)
        ("cat:math-ph ", ["d", "e"]),
        ("cat:hep-th ", ["b"]),  # an archive without a dot is its one category
        ("cat:hep ", []),
        ("cat:cs.c ", []),  # a finished value is a whole category
        ("cat:cs cat:math ", ["c"]),
        ("-cat:cs ", ["b", "d", "e", "f", "g", "h", "i", "j", "k"]),
        ("cat:cs", ["a", "c", "f"]),  # still being typed: every category starting with it
        ("cat:cs.c", ["a"]),
        ("cat:hep", ["b"]),
    ],
)
def test_cat_filter(filed, query, expected):
    assert ids(filed, query) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("has:code ", ["g", "h", "i"]),  # the listing's repository, or a github.com or gitlab.com repository link
        ("has:CODE ", ["g", "h", "i"]),
        ("-has:code ", ["a", "b", "c", "d", "e", "f", "j", "k"]),
        ("has:project ", ["g"]),
        ("has:doi ", ["b"]),
        ("has:code cat:cs ", []),
        ("has:cod", [p.id for p in FILED]),  # still being typed: nothing to filter by yet
    ],
)
def test_has_filter(filed, query, expected):
    assert ids(filed, query) == expected


def test_has_note_and_has_tag_read_the_marks_passed_in(filed):
    marks = Marks({"a": "baseline", "b": ""}, {"c": ("rl",), "d": ()})
    assert [FILED[i].id for i in filed.search("has:note ", marks).indices] == ["a"]
    assert [FILED[i].id for i in filed.search("has:tag ", marks).indices] == ["c"]
    assert len(filed.search("-has:note ", marks)) == len(FILED) - 1
    assert len(filed.search("has:note ")) == 0  # no marks passed: no notes


def test_an_unknown_has_or_an_empty_cat_is_the_filters_own_error():
    assert parse_query("has:stars x").error == (
        "unknown filter has:stars (use has:code, has:project, has:doi, has:note or has:tag)"
    )
    assert parse_query("cat: x").error == "cat: needs a category, e.g. cat:cs.CL or cat:cs"
    assert parse_query("has:").error is None and parse_query("cat:").error is None  # still being typed
    assert parse_query("cat:cs.CL x").filters == (Filter("cat", "cs.cl"),)


@pytest.mark.parametrize(
    "url, code",
    [
        ("https://github.com/owner/repo", True),
        ("http://gitlab.com/group/project/", True),
        ("https://github.com/google-deepmind/superhuman/tree/main/aletheia", True),
        ("https://www.github.com/o/r", True),
        ("https://github.com/owner", False),  # a user or an organisation, no repository
        ("https://github.com/", False),
        ("https://owner.github.io/repo", False),  # a project page
        ("https://notgithub.com/o/r", False),
        ("ftp://github.com/o/r", False),
        ("https://example.org/?from=github.com/o/r", False),
    ],
)
def test_is_code_link(url, code):
    assert is_code_link(url) is code


def test_cat_and_has_code_over_real_listings(real_papers):
    """The arXiv snapshot's first 100 lines and a Daily Papers response: ids written out, checked by hand."""
    by_arxiv_id = {p.arxiv_id: i for i, p in enumerate(real_papers.papers)}
    index = SearchIndex(real_papers.papers)

    def found(query):
        return sorted(real_papers.papers[i].arxiv_id for i in index.search(query).indices)

    assert found("cat:cs ") == [
        "0704.0002",
        "0704.0046",
        "0704.0047",
        "0704.0050",
        "0704.0062",
        "0704.0090",
        "0704.0098",
    ]
    assert found("cat:cs.IT ") == ["0704.0046", "0704.0098"]
    assert found("cat:math-ph ") == ["0704.0041", "0704.0072", "0704.0081", "0704.0097"]
    hep_th = ["0704.0015", "0704.0018", "0704.0052", "0704.0064", "0704.0066", "0704.0081", "0704.0083", "0704.0085"]
    assert found("cat:hep-th ") == hep_th
    assert set(found("cat:math ")) >= set(found("cat:math-ph "))  # each of these is in math.MP too
    # has:code: every item with a githubRepo, and four whose abstract links a repository
    with REAL_DAILY.open() as daily:
        with_repo = [item["paper"]["id"] for item in json.load(daily) if item["paper"].get("githubRepo")]
    linked = ["2602.18662", "2602.19672", "2602.19895", "2602.21201"]
    assert found("has:code ") == sorted(with_repo + linked)
    assert len(with_repo) == 27 and set(by_arxiv_id) >= set(with_repo)


# ---------------------------------------------------------------------------------------------------------
# The registry: a filter is one FilterSpec, read by the parser, the index and the help screen


def test_the_known_filters_are_the_registry_in_its_order():
    assert list(FILTERS) == ["is", "date", "author", "cat", "note", "tag", "has"]
    assert all(name == spec.name for name, spec in FILTERS.items())


def venue_spec(papers) -> FilterSpec:
    """A made-up ``venue:`` filter: ``venue:icml`` keeps the first two papers."""

    def parse(text, prefix):
        if text == "bad":
            raise FilterValueError("venue:bad is not a venue")
        return text.lower() or None

    def mask(tables, value, prefix, marks):
        return tables.ids_mask([papers[0].id, papers[1].id] if value == "icml" else [])

    return FilterSpec("venue", parse, mask, "venue:icml (where it appeared)")


def test_a_new_filter_is_one_definition_in_the_registry(index, papers, monkeypatch):
    from tui_reader.screens.help import search_help

    monkeypatch.setitem(FILTERS, "venue", venue_spec(papers))
    assert parse_query("venue:ICML x").filters == (Filter("venue", "icml"),)
    assert list(index.search("venue:ICML").indices) == [0, 1]
    assert len(index.search("-venue:icml")) == len(papers) - 2
    assert index.search("venue:bad rlif").error == "venue:bad is not a venue"
    assert titles(index, "venue:bad rlif") == ["RLIF: Interactive Imitation Learning as Reinforcement Learning"]
    assert index.search("foo:x").error == (
        "unknown filter foo: (known: is:, date:, author:, cat:, note:, tag:, has:, venue:)"
    )
    assert "venue:icml (where it appeared)" in search_help()


def test_the_help_lists_every_filter_of_the_registry_in_its_order():
    from tui_reader.screens.help import search_help

    shown = search_help()
    places = [shown.index(line) for spec in FILTERS.values() for line in spec.help.splitlines()]
    assert places == sorted(places)
    assert shown.index('"exact phrase"') < places[0] and max(map(len, shown.splitlines())) <= 120


def test_a_note_word_still_typed_matches_word_starts_only(index, papers):
    a, b = (p.id for p in papers[:2])
    marks = Marks({a: "database tuning", b: "base rates"}, {})
    assert list(index.search("note:base", marks).indices) == [1]  # not "database"
    assert list(index.search("note:tun", marks).indices) == [0]
    assert list(index.search("note:ase", marks).indices) == []


def test_author_words_in_a_row_match_word_starts_only():
    """ "yann cun" is not Yann LeCun: the last word typed starts a name word, it is not found inside one (the
    paper has a name word starting "cun", Cunningham, in another author's name)."""
    index = SearchIndex([Paper("c", "Wikis", "x", authors=("Yann LeCun", "Ward Cunningham"))])
    assert ids(index, 'author:"yann cun"') == []
    assert ids(index, 'author:"yann lec"') == ["c"]
    assert ids(index, "author:cun") == ["c"]


def test_a_finished_day_finds_that_day_only_while_a_day_being_typed_finds_the_days_it_may_become():
    """date:"Mar 1" (closed) is March 1st; date:"Mar 1 (still typed) may become Mar 10 to Mar 19 too."""
    days = ["Mar 1", "Mar 10", "Mar 19", "Mar 2", "Mar 21"]
    index = SearchIndex([Paper(f"p{n}", f"Paper {n}", "x", dates=(day,)) for n, day in enumerate(days)])
    assert ids(index, 'date:"Mar 1"') == ["p0"]
    assert ids(index, 'date:"Mar 1" ') == ["p0"]
    assert ids(index, 'date:"Mar 1') == ["p0", "p1", "p2"]
