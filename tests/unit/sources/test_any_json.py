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
