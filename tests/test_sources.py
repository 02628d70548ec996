"""Richer sources (issue 11): Daily Papers JSON listings and arXiv metadata JSON Lines, read by content whatever
the file's name, cleaned like dumps, streamed in parts; bad input is a warning naming the file and where."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import HEADER, write
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader import corpus
from tui_reader.corpus import load_corpus, read_file, read_file_parts
from tui_reader.sources import registry
from tui_reader.sources.arxiv import parse_lines, split_authors, version_date


def daily_item(
    title: str = "Fast Diffusion",
    summary: str = "We make diffusion fast.",
    arxiv: str = "2403.01234",
    authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing"),
    published: str = "2024-03-08T17:59:00.000Z",
    listed: str = "2024-03-11T09:00:00.000Z",
    upvotes: int = 12,
) -> dict[str, object]:
    """One item of ``/api/daily_papers``, with some of the fields the API sends and the reader ignores."""
    return {
        "paper": {
            "id": arxiv,
            "title": title,
            "summary": summary,
            "authors": [{"_id": "x", "name": name, "hidden": False} for name in authors],
            "publishedAt": published,
            "upvotes": upvotes,
            "discussionId": "65ef",
        },
        "publishedAt": listed,
        "title": title,
        "summary": summary,
        "numComments": 3,
        "thumbnail": "https://cdn/x.png",
    }


def arxiv_line(**fields: object) -> str:
    record: dict[str, object] = {
        "id": "0704.0001",
        "submitter": "Pavel Nadolsky",
        "authors": "C. Bal\\'azs, E. L. Berger, P. M. Nadolsky and C.-P. Yuan",
        "title": "Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies",
        "comments": "37 pages",
        "journal-ref": "Phys.Rev.D76:013009,2007",
        "doi": "10.1103/PhysRevD.76.013009",
        "categories": "hep-ph",
        "abstract": "  A fully differential calculation in perturbative quantum chromodynamics is\npresented.",
        "versions": [
            {"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"},
            {"version": "v2", "created": "Tue, 24 Jul 2007 20:10:27 GMT"},
        ],
        "update_date": "2008-11-13",
    }
    record.update(fields)
    return json.dumps({k: v for k, v in record.items() if v is not None})


# ---------------------------------------------------------------------------------------------------------
# Daily Papers JSON


def test_a_daily_papers_listing_gives_every_field(tmp_path):
    item = daily_item(
        title='Na\\"ive   $\\alpha$-Scaling\nof {\\em Large} Models',
        summary='We   study\n scaling.\x1b[31m See https://github.com/x/y. 100\\% na\\"ive.',
        arxiv="2403.01234v2",
    )
    path = write(tmp_path / "listing.json", json.dumps([item]))
    (paper,), warnings = read_file(path)
    assert warnings == []
    assert paper.title == "Naïve α-Scaling of Large Models"
    assert paper.abstract == "We study scaling. See https://github.com/x/y. 100% naïve."
    assert paper.links == ("https://github.com/x/y",)
    assert paper.arxiv_id == "2403.01234"  # version dropped
    assert paper.authors == ("Ada Lovelace", "Alan Turing")
    assert paper.published == "2024-03-08"  # the paper's publishedAt
    assert paper.dates == ("Mar 11, 2024",)  # the item's outer publishedAt: when the page listed it
    assert paper.upvotes == 12
    assert paper.sources == ("listing.json",)


def test_missing_fields_are_warnings_naming_file_and_item_and_loading_goes_on(tmp_path):
    bare = daily_item()
    del bare["paper"]["authors"]  # type: ignore[attr-defined]
    del bare["paper"]["summary"]  # type: ignore[attr-defined]
    del bare["summary"]
    items = [daily_item(title="First"), bare, {"paper": {"id": "1"}}, 42, daily_item(title="Last", arxiv="2403.9")]
    path = write(tmp_path / "day.json", json.dumps(items))
    papers, warnings = read_file(path)
    assert [p.title for p in papers] == ["First", "Fast Diffusion", "Last"]
    assert papers[1].abstract == "" and papers[1].authors == ()
    assert papers[2].arxiv_id is None  # "2403.9" is no arXiv id
    assert f"{path}: item 2: no summary" in warnings
    assert f"{path}: item 2: no authors (paper.authors)" in warnings
    assert f"{path}: item 3: no title; skipped" in warnings
    assert f"{path}: item 4: not an object; skipped" in warnings
    assert f"{path}: item 5: no arXiv id (paper.id)" in warnings


def test_a_problem_repeated_in_many_items_is_one_warning(tmp_path):
    items = [daily_item(title=f"Paper {n}", upvotes=n) for n in range(500)]
    for item in items:
        del item["publishedAt"]
    papers, warnings = read_file(write(tmp_path / "big.json", json.dumps(items)))
    assert len(papers) == 500 and all(p.dates == () for p in papers)
    assert warnings == [f"{tmp_path / 'big.json'}: item 1: no listing date (publishedAt) (and 499 more items)"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "JSON nested too deeply; skipped"),
        ('[{"paper": ', "not valid JSON"),
        ("[" + "1" * 10_000 + "]", "not valid JSON"),  # an integer too long to convert
    ],
)
def test_bad_json_is_a_warning_not_a_crash(tmp_path, text, problem):
    good = write(tmp_path / "a.json", json.dumps([daily_item()]))
    bad = write(tmp_path / "b.json", text)
    loaded = load_corpus([good, bad])
    assert [p.title for p in loaded.papers] == ["Fast Diffusion"]
    assert any(w.startswith(f"{bad}: {problem}") for w in loaded.warnings), loaded.warnings


def test_deeply_nested_fields_inside_items_are_ignored(tmp_path):
    item = daily_item()
    item["paper"]["extra"] = json.loads("[" * 500 + "]" * 500)  # type: ignore[index]
    item["paper"]["authors"] = [{"name": ["not", "a", "name"]}, {"name": "Grace Hopper"}, "Bare Name"]  # type: ignore[index]
    (paper,), _ = read_file(write(tmp_path / "x.json", json.dumps([item])))
    assert paper.authors == ("Grace Hopper", "Bare Name")


def test_a_listing_that_is_not_utf8_is_read_with_a_warning(tmp_path):
    data = json.dumps([daily_item(title="Caf\u00e9 Models")], ensure_ascii=False).encode("cp1252")
    (paper,), warnings = read_file(write(tmp_path / "latin.json", data))
    assert paper.title == "Café Models"
    assert any("not valid UTF-8" in w for w in warnings)


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


def test_a_file_with_only_bad_lines_says_no_papers(tmp_path):
    path = write(tmp_path / "m.jsonl", "{oops\n{}\n")
    assert read_file(path) == (
        [],
        [
            f"{path}: line 1: not valid JSON; skipped",
            f"{path}: line 2: no title; skipped",
            f"{path}: no papers found; skipped",
        ],
    )


# ---------------------------------------------------------------------------------------------------------
# Which parser: the content decides, not the name


def test_the_content_decides_the_parser_whatever_the_extension(tmp_path):
    dump_named_json = write(tmp_path / "dump.json", HEADER + "Mar 11\n\nA Dump Title\n\nAn abstract that ends.\n")
    listing_named_txt = write(tmp_path / "listing.txt", "\n  " + json.dumps([daily_item(title="From JSON")]))
    lines_named_txt = write(tmp_path / "lines.txt", arxiv_line(title="From Lines") + "\n")
    loaded = load_corpus([dump_named_json, listing_named_txt, lines_named_txt])
    assert loaded.warnings == []
    assert [(p.title, p.arxiv_id) for p in loaded.papers] == [
        ("A Dump Title", None),
        ("From JSON", "2403.01234"),
        ("From Lines", "0704.0001"),
    ]


def test_a_folder_reads_txt_json_and_jsonl_in_name_order(tmp_path):
    write(tmp_path / "b.jsonl", arxiv_line(title="B") + "\n")
    write(tmp_path / "a.json", json.dumps([daily_item(title="A")]))
    write(tmp_path / "c.txt", HEADER + "Mar 11\n\nC\n\nAn abstract that ends.\n")
    write(tmp_path / "d.md", "# not read")
    assert [p.title for p in load_corpus([tmp_path]).papers] == ["A", "B", "C"]


def test_utf16_json_lines_are_read_too(tmp_path):
    path = write(tmp_path / "m.jsonl", (arxiv_line(title="Wide") + "\n").encode("utf-16"))
    assert [p.title for p in read_file(path)[0]] == ["Wide"]


# ---------------------------------------------------------------------------------------------------------
# Streaming: a JSON Lines file comes in parts, and is cached part by part


def _lines_file(tmp_path: Path, count: int) -> Path:
    lines = [arxiv_line(id=f"0704.{n:04d}", title=f"Paper number {n}") for n in range(count)]
    lines.insert(4, "broken")
    if count > 8:
        lines.insert(9, "[]")
    return write(tmp_path / "m.jsonl", "\n".join(lines) + "\n")


def test_json_lines_come_in_parts_with_warnings_last(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "STREAM_PART", 3)
    path = _lines_file(tmp_path, 10)
    parts = list(read_file_parts(path, use_cache=False))
    assert [len(papers) for papers, _ in parts] == [3, 3, 3, 1]
    assert [warnings for _, warnings in parts] == [
        [],
        [],
        [],
        [f"{path}: line 5: not valid JSON; skipped", f"{path}: line 10: not a JSON object; skipped"],
    ]
    # a last part left empty is no problem: the file had papers
    assert list(read_file_parts(_lines_file(tmp_path, 6), use_cache=False))[-1] == (
        [],
        [f"{path}: line 5: not valid JSON; skipped"],
    )


def test_the_first_part_is_smaller_so_papers_show_sooner(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "STREAM_PART", 4)
    monkeypatch.setattr(corpus, "STREAM_FIRST_PART", 2)
    parts = list(read_file_parts(_lines_file(tmp_path, 10), use_cache=False))
    assert [len(papers) for papers, _ in parts] == [2, 4, 4, 0]


def test_the_first_part_arrives_before_the_rest_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "STREAM_PART", 2)
    path = _lines_file(tmp_path, 6)
    parts = read_file_parts(path, use_cache=False)
    first, _ = next(parts)
    with path.open("a") as more:  # what the reader has not reached yet is read later
        more.write(arxiv_line(id="0704.9999", title="Appended later") + "\n")
    rest = [paper.title for papers, _ in parts for paper in papers]
    assert [p.title for p in first] == ["Paper number 0", "Paper number 1"]
    assert rest[-1] == "Appended later"


def test_parts_are_cached_and_a_lost_part_is_parsed_again_from_where_it_starts(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "STREAM_PART", 3)
    monkeypatch.setattr(corpus, "CACHE_MIN_BYTES", 0)
    path = _lines_file(tmp_path, 10)
    expected = read_file(path, use_cache=False)
    assert read_file(path) == expected  # parsed, and cached part by part
    entries = sorted((Path(corpus.cache_dir())).glob("*.pickle"))
    assert len(entries) == 4
    starts: list[int] = []

    def recording(lines, source, problems, first_line=1):
        starts.append(first_line)
        return parse_lines(lines, source, problems, first_line)

    recorded = tuple(replace(s, parse_lines=recording) if s.parse_lines else s for s in registry.sources())
    monkeypatch.setattr(registry, "sources", lambda: recorded)
    assert read_file(path) == expected  # all from the cache
    assert starts == []
    next(
        e for e in entries if e.stem.endswith("-2")
    ).unlink()  # the third part: the parse resumes at its first line, with the line numbers right
    assert read_file(path) == expected
    assert starts == [8]  # lines 1-7 held the first two parts (6 papers and the broken line 5); line 10 is bad too


def test_an_old_cache_format_is_not_misread(tmp_path, monkeypatch):
    import pickle

    monkeypatch.setattr(corpus, "CACHE_MIN_BYTES", 0)
    path = write(tmp_path / "m.jsonl", arxiv_line(title="Fresh") + "\n")
    entry, stamp = corpus._cache_entry(path)  # type: ignore[misc]
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_bytes(pickle.dumps(((3, *stamp[1:]), [], [])))  # format 3: (stamp, papers, problems)
    assert [p.title for p in read_file(path)[0]] == ["Fresh"]
    stale = [corpus.Paper(id="x", title="Stale", abstract="")]
    entry.write_bytes(pickle.dumps(((3, *stamp[1:]), 0, stale, [], None)))  # an entry's shape, another format
    assert [p.title for p in read_file(path)[0]] == ["Fresh"]


# ---------------------------------------------------------------------------------------------------------
# Any JSON at all: never a crash, never a control character in what is shown

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELD = st.one_of(JSON, st.text(st.characters(codec="utf-8"), max_size=30))
PAPER_KEYS = ["id", "title", "summary", "abstract", "authors", "publishedAt", "upvotes", "versions", "paper"]


def _assert_shown_clean(papers) -> None:
    for paper in papers:
        for text in (paper.title, paper.abstract, *paper.authors, paper.arxiv_id or "", paper.published or ""):
            assert text == " ".join(text.split()), text  # single-spaced: no newline, tab or stray space
            assert not any(0x00 <= ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c == "\x1b" for c in text), text
        assert paper.published is None or len(paper.published) == 10
        assert paper.upvotes is None or paper.upvotes >= 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(PAPER_KEYS), FIELD, max_size=8) | JSON, max_size=6))
def test_any_daily_papers_json_loads_or_warns_and_shows_only_clean_text(items):
    from tui_reader.sources.hf_daily import parse_daily

    papers, problems = parse_daily(json.dumps(items), "x.json")
    _assert_shown_clean(papers)
    assert all("\n" not in problem for problem in problems)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(PAPER_KEYS), FIELD, max_size=8) | JSON, max_size=6))
def test_any_json_lines_load_or_warn_and_show_only_clean_text(records):
    from tui_reader.sources.arxiv import parse_arxiv

    papers, problems = parse_arxiv("\n".join(json.dumps(record) for record in records), "x.jsonl")
    _assert_shown_clean(papers)
    assert all("\n" not in problem for problem in problems)
