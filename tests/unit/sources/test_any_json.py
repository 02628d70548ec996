"""Any JSON at all, as a Daily Papers listing or as arXiv JSON Lines: never a crash, never a control character in
what is shown."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELD = st.one_of(JSON, st.text(st.characters(codec="utf-8"), max_size=30))
PAPER_KEYS = [
    "id",
    "title",
    "summary",
    "abstract",
    "authors",
    "publishedAt",
    "upvotes",
    "versions",
    "paper",
    "submittedOnDailyAt",
    "githubRepo",
    "projectPage",
    "githubStars",
    "ai_summary",
    "ai_keywords",
    "organization",
    "numComments",
    "categories",
    "doi",
    "journal-ref",
    "comments",
    "authors_parsed",
]


def _assert_shown_clean(papers) -> None:
    for paper in papers:
        texts = (paper.title, paper.abstract, *paper.authors, paper.arxiv_id or "", paper.published or "")
        extra = (paper.doi, paper.journal_ref, paper.comments, paper.ai_summary, paper.organization)
        for text in (*texts, *paper.categories, *paper.ai_keywords, *paper.surnames, *(t for t in extra if t)):
            assert text == " ".join(text.split()), text  # single-spaced: no newline, tab or stray space
            assert not any(0x00 <= ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c == "\x1b" for c in text), text
        assert paper.published is None or len(paper.published) == 10
        assert paper.upvotes is None or paper.upvotes >= 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(PAPER_KEYS), FIELD, max_size=8) | JSON, max_size=6))
def test_any_daily_papers_json_loads_or_warns_and_shows_only_clean_text(items):
    from tui_reader.sources.json_document import parse_json

    papers, problems = parse_json(json.dumps(items), "x.json")
    _assert_shown_clean(papers)
    assert all("\n" not in problem for problem in problems)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(PAPER_KEYS), FIELD, max_size=8) | JSON, max_size=6))
def test_any_json_lines_load_or_warn_and_show_only_clean_text(records):
    from tui_reader.sources.json_lines import parse_json_lines

    papers, problems = parse_json_lines("\n".join(json.dumps(record) for record in records), "x.jsonl")
    _assert_shown_clean(papers)
    assert all("\n" not in problem for problem in problems)


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)
STAMP = st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat())
RECORD = st.one_of(
    st.fixed_dictionaries(  # a Daily Papers item
        {
            "paper": st.fixed_dictionaries(
                {
                    "id": TEXT,
                    "title": TEXT,
                    "summary": TEXT,
                    "authors": st.lists(st.fixed_dictionaries({"name": TEXT}), max_size=3),
                },
                optional={
                    "submittedOnDailyAt": STAMP,
                    "githubRepo": TEXT,
                    "githubStars": st.integers(),
                    "ai_keywords": st.lists(TEXT),
                },
            )
        },
        optional={"publishedAt": STAMP, "numComments": st.integers()},
    ),
    st.fixed_dictionaries(  # an arXiv record
        {"id": TEXT, "title": TEXT, "abstract": TEXT, "authors": TEXT},
        optional={"categories": TEXT, "doi": TEXT, "authors_parsed": st.lists(st.lists(TEXT, min_size=3, max_size=3))},
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(RECORD, min_size=1, max_size=4))
def test_the_same_records_read_the_same_in_every_shape_they_are_saved_in(tmp_path_factory, records):
    """An array, JSON Lines, and (for one record) the record alone, pretty-printed or not: the same papers."""
    from tui_reader.corpus import read_file

    folder = tmp_path_factory.mktemp("shapes")
    shapes = {"array.json": json.dumps(records, indent=1), "lines.jsonl": "\n".join(map(json.dumps, records))}
    if len(records) == 1:
        shapes |= {"one.json": json.dumps(records[0], indent=2), "one-line.json": json.dumps(records[0])}
    read = {}
    for name, text in shapes.items():
        (folder / name).write_text(text, encoding="utf-8")
        papers, _ = read_file(folder / name, use_cache=False)
        read[name] = [paper.__reduce__()[1][:4] + paper.__reduce__()[1][5:] for paper in papers]  # all but sources
    first = next(iter(read.values()))
    assert all(papers == first for papers in read.values()), read


def test_hostile_json_files_are_one_short_warning_each():
    """A number of more than 4,300 digits, nesting deeper than the stack: one warning a file (or a line) in the
    reader's words, never the interpreter's advice on raising its limits, never a traceback."""
    from tui_reader.sources.json_document import parse_json
    from tui_reader.sources.json_lines import parse_json_lines

    huge = "7" * 5000
    assert parse_json(f'[{{"title": "x", "n": {huge}}}]', "x.json") == (
        [],
        ["not valid JSON (a number with too many digits); skipped"],
    )
    assert parse_json("[" * 200_000 + "]" * 200_000, "x.json") == ([], ["JSON nested too deeply; skipped"])
    papers, problems = parse_json_lines(f'{{"n": {huge}}}\n{{"title": "ok", "abstract": "fine"}}\n', "x.jsonl")
    assert [p.title for p in papers] == ["ok"]
    assert "line 1: not valid JSON; skipped" in problems
