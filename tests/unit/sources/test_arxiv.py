"""arXiv metadata JSON Lines: every field read, authors split into names, v1's date; a bad line is a warning with its
number, and reading goes on."""

from __future__ import annotations

import json

import pytest
from conftest import write
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paper_files import arxiv_line

from tui_reader import corpus
from tui_reader.corpus import read_file
from tui_reader.sources.arxiv import split_authors, version_date

# ---------------------------------------------------------------------------------------------------------
# arXiv metadata JSON Lines


def test_an_arxiv_line_gives_every_field(tmp_path):
    line = arxiv_line(
        title='Schr\\"odinger bridges with $\\mathcal{O}(n)$\n  cost',
        abstract="  We \\emph{solve}\nit. Code: https://github.com/a/b.\n",
        versions=[
            {"version": "v2", "created": "Tue, 24 Jul 2007 20:10:27 GMT"},
            {"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"},
        ],
    )
    (paper,), warnings = read_file(write(tmp_path / "meta.jsonl", line + "\n"))
    assert warnings == []
    assert paper.title == "Schrödinger bridges with mathcal{O}(n) cost" or paper.title.startswith("Schrödinger bridges")
    assert "\n" not in paper.title and "\\" not in paper.title
    assert paper.abstract == "We solve it. Code: https://github.com/a/b."
    assert paper.links == ("https://github.com/a/b",)
    assert paper.arxiv_id == "0704.0001"
    assert paper.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan")
    assert paper.published == "2007-04-02"  # v1, even when listed second
    assert paper.dates == () and paper.upvotes is None


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("A. One, B. Two and C. Three", ("A. One", "B. Two", "C. Three")),
        ("A. One, B. Two, and C. Three", ("A. One", "B. Two", "C. Three")),
        ("A. One and B. Two", ("A. One", "B. Two")),
        ('Erwin Schr\\"odinger', ("Erwin Schrödinger",)),
        ("P. Erd\\H{o}s and J. Ne\\v{s}et\\v{r}il", ("P. Erdős", "J. Nešetřil")),
        ("A. One (MIT, Cambridge), B. Two ((1) Oxford)", ("A. One", "B. Two")),
        ("Alexander Anderson and Sandra Band", ("Alexander Anderson", "Sandra Band")),
        ("  A.\n  One ,  ,B. Two", ("A. One", "B. Two")),
        ("A.~ One and B.~Two", ("A. One", "B. Two")),  # LaTeX spaces
    ],
)
def test_author_strings_are_split_into_names(raw, names):
    assert split_authors(raw) == names


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from('ab (),&;\\"{}o\n'), max_size=40))
def test_no_name_keeps_a_parenthesis_or_a_separator(raw):
    for name in split_authors(raw):
        assert name and name == name.strip()
        assert not set(name) & set("(),;&\n")


NAME = st.from_regex(r"[A-Z]\. [A-Z][a-z]{1,8}(-[A-Z][a-z]{1,6})?", fullmatch=True).filter(
    lambda name: " and" not in name
)


@settings(max_examples=200, deadline=None)
@given(st.lists(NAME, min_size=1, max_size=8, unique=True), st.data())
def test_any_list_of_names_joined_arxiv_style_splits_back(names, data):
    joined = names[0]
    for name in names[1:-1]:
        joined += data.draw(st.sampled_from([", ", " , ", ",\n  "])) + name
    if len(names) > 1:
        joined += data.draw(st.sampled_from([" and ", ", and ", "\n  and "])) + names[-1]
    assert split_authors(joined) == tuple(names)


@pytest.mark.parametrize(
    ("created", "date"),
    [
        ("Mon, 2 Apr 2007 19:18:42 GMT", "2007-04-02"),
        ("Fri, 31 Dec 1999 23:59:59 GMT", "1999-12-31"),
        ("2 April 2007", "2007-04-02"),
        ("yesterday", None),
        ("Mon, 2 Foo 2007", None),
        (20070402, None),
    ],
)
def test_version_dates(created, date):
    assert version_date(created) == date


def test_bad_lines_are_warnings_with_their_number_and_reading_goes_on(tmp_path):
    lines = [
        arxiv_line(id="0704.0001", title="First"),
        "not json at all",
        "",
        "[1, 2]",
        arxiv_line(id="0704.0002", title=None),
        "[" * 50_000 + "]" * 50_000,
        arxiv_line(id="bad id", title="No Id", authors=None, abstract=None, versions=[]),
        arxiv_line(id="0704.0003", title="Last"),
    ]
    path = write(tmp_path / "m.jsonl", "\n".join(lines))  # no final newline
    papers, warnings = read_file(path)
    assert [p.title for p in papers] == ["First", "No Id", "Last"]
    assert warnings == [
        f"{path}: line 2: not valid JSON; skipped",
        f"{path}: line 4: not a JSON object; skipped",
        f"{path}: line 5: no title; skipped",
        f"{path}: line 6: JSON nested too deeply; skipped",
        f"{path}: line 7: no abstract",
        f"{path}: line 7: no arXiv id",
        f"{path}: line 7: no authors",
        f"{path}: line 7: no v1 date (versions)",
    ]


def test_non_utf8_lines_are_read_as_windows_1252(tmp_path):
    good = arxiv_line(title="Plain").encode()
    latin = arxiv_line(title="Caf\u00e9 Lines", id="0704.0002").replace("\\u00e9", "\u00e9").encode("cp1252")
    path = write(tmp_path / "m.jsonl", b"\xef\xbb\xbf" + good + b"\r\n" + latin + b"\n")
    papers, warnings = read_file(path)
    assert [p.title for p in papers] == ["Plain", "Café Lines"]
    assert warnings == [f"{path}: line 2: not valid UTF-8; read as Windows-1252"]


def test_an_overlong_line_is_skipped_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_LINE_BYTES", 1000)
    long = arxiv_line(title="Long", abstract="x" * 5000)
    path = write(tmp_path / "m.jsonl", "\n".join([arxiv_line(title="Before"), long, arxiv_line(title="After")]))
    papers, warnings = read_file(path)
    assert [p.title for p in papers] == ["Before", "After"]
    assert warnings == [f"{path}: line 2: line too long; skipped"]


def test_a_file_with_only_bad_lines_says_why_each_gave_no_paper(tmp_path):
    path = write(tmp_path / "m.jsonl", "{oops\n{}\n")
    assert read_file(path) == (
        [],
        [
            f"{path}: line 1: not valid JSON; skipped",
            f"{path}: line 2: no title; skipped",
        ],
    )


def test_et_al_in_authors_parsed_is_no_author_either(tmp_path):
    record = {
        "id": "0704.0099",
        "title": "T",
        "abstract": "A.",
        "authors": "A. One, B. Two",
        "authors_parsed": [["One", "A.", ""], ["Two", "B.", "Jr"], ["al", "et", ""]],
    }
    (paper,), _ = read_file(write(tmp_path / "m.jsonl", json.dumps(record) + "\n"), use_cache=False)
    assert (paper.authors, paper.surnames, paper.et_al) == (("A. One", "B. Two Jr"), ("One", "Two"), True)


@pytest.mark.parametrize(
    ("authors", "parsed", "names", "surnames"),
    [
        # arXiv's own author parser keeps an "et al" with no comma before it in the last name, split as a name
        # ("F. Aharonian et al" -> surname "al", given "F. Aharonian et")
        ("F. Aharonian et al", [["al", "F. Aharonian et", ""]], ("F. Aharonian",), ("Aharonian",)),
        (
            "A. One and B. Two et. al.",
            [["One", "A.", ""], ["al.", "B. Two et.", ""]],
            ("A. One", "B. Two"),
            ("One", "Two"),
        ),
        ("A. One, B. Two et al", [["One", "A.", ""], ["Two et al", "B.", ""]], ("A. One", "B. Two"), ("One", "Two")),
        # without authors_parsed: the plain string, and the colon after a collaboration, as arXiv splits it
        (
            "H.E.S.S. Collaboration: F. Aharonian, A. G. Akhperjanian et al.",
            None,
            ("H.E.S.S. Collaboration", "F. Aharonian", "A. G. Akhperjanian"),
            (),
        ),
        ("A. One and B. Two et al.", None, ("A. One", "B. Two"), ()),
        ("A. One, B. Two, and others", None, ("A. One", "B. Two"), ()),
    ],
)
def test_et_al_glued_to_the_last_name_is_no_author_and_cuts_the_list_short(tmp_path, authors, parsed, names, surnames):
    line = arxiv_line(id="0704.0098", authors=authors, authors_parsed=parsed)
    (paper,), warnings = read_file(write(tmp_path / "m.jsonl", line + "\n"), use_cache=False)
    assert warnings == []
    assert (paper.authors, paper.surnames, paper.et_al) == (names, surnames, True)


def test_a_name_ending_in_al_or_etal_is_a_name(tmp_path):
    line = arxiv_line(authors="Janet Al, Y. Etal and M. Al Et", authors_parsed=None)
    (paper,), _ = read_file(write(tmp_path / "m.jsonl", line + "\n"), use_cache=False)
    assert (paper.authors, paper.et_al) == (("Janet Al", "Y. Etal", "M. Al Et"), False)


def test_deeply_nested_parentheses_in_authors_are_read_in_one_pass():
    assert split_authors("A. One (" * 3 + "MIT, Cambridge" + ")" * 3 + ", B. Two (") == ("A. One", "B. Two")


def test_and_at_a_line_break_splits_two_authors():
    assert split_authors("Ada Lovelace and\nAlan Turing") == ("Ada Lovelace", "Alan Turing")
    assert split_authors("Ada Lovelace\nand Alan Turing,\nGrace Hopper") == (
        "Ada Lovelace",
        "Alan Turing",
        "Grace Hopper",
    )


def test_names_and_category_lists_kept_for_reuse_are_short_ones_only(tmp_path):
    """Prolific authors' names and common category lists are cleaned once and kept; a file's debris (a name or a
    list of thousands of characters, line after line) is never kept, so what is kept stays small."""
    from tui_reader.sources import arxiv, hf_daily

    hf_daily._kept_name.cache_clear()
    arxiv._kept_categories.cache_clear()
    lines = [
        arxiv_line(id=f"0704.{n:04d}", title=f"Paper {n}", authors="A. One and " + "Long" * 2000 + str(n),
                   categories="cs.LG " + "x" * 300 + str(n))
        for n in range(5)
    ]  # fmt: skip
    papers, _ = read_file(write(tmp_path / "m.jsonl", "\n".join(lines)), use_cache=False)
    assert [p.authors[0] for p in papers] == ["A. One"] * 5 and papers[3].authors[1].endswith("Long3")
    assert papers[4].categories[1].endswith("x4")
    assert hf_daily._kept_name.cache_info().currsize == 1  # "A. One"
    assert arxiv._kept_categories.cache_info().currsize == 0
