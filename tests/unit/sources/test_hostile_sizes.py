"""Fields of a megabyte built to make a parser or the TeX cleaning go superlinear (80,000 nested parentheses in an
author list, thousands of ``$``, ``\\``, ``{`` and URLs in titles and abstracts, a hundred thousand distinct names
and links) are read in linear time: every source and every cleaning step within a bound that a quadratic pass
would overrun many times over."""

from __future__ import annotations

import json
import time

import pytest
from conftest import HEADER, page

from tui_reader.sources.arxiv import split_authors
from tui_reader.sources.cleaning import clean_abstract, clean_title, delatex, extract_links
from tui_reader.sources.dumps import parse_dump
from tui_reader.sources.json_document import parse_json
from tui_reader.sources.json_lines import parse_json_lines

MB = 1_000_000
BOUND_S = 10.0  # each field takes well under a second here; a quadratic pass on a megabyte takes minutes

FIELDS = {
    "nested parentheses": "(" * (MB // 2) + "A. One" + ")" * (MB // 2),
    "dollars": "$x$ " * (MB // 4),
    "an open dollar": "$" + "x" * MB,
    "backslashes": "\\" * MB,
    "nested braces": "{" * (MB // 2) + "}" * (MB // 2),
    "open braces": "{" * MB,
    "urls": "https://example.org/a_(b) " * (MB // 26),
    "macros": "\\alpha~\\cite{x} " * (MB // 16),
    "superscripts": "x^{" * (MB // 3),
    "commas and ands": "A, B and " * (MB // 9),
    # each once: a list's "not in" over what came before is quadratic only in distinct values (130,000 names,
    # 55,000 links; the repeated ones above keep that list two long)
    "distinct names": ", ".join(f"N{number}" for number in range(130_000))[:MB],
    "distinct urls": " ".join(f"https://e.org/{number}" for number in range(60_000))[:MB],
}


def within_bound(work) -> None:
    started = time.perf_counter()
    work()
    assert time.perf_counter() - started < BOUND_S


@pytest.mark.parametrize("field", FIELDS.values(), ids=FIELDS.keys())
def test_cleaning_and_author_splitting_are_linear(field):
    for step in (clean_title, clean_abstract, delatex, extract_links, split_authors):
        within_bound(lambda step=step: step(field))


@pytest.mark.parametrize("field", FIELDS.values(), ids=FIELDS.keys())
def test_every_source_reads_a_megabyte_field_in_linear_time(field):
    arxiv = {
        "id": "2403.00001",
        "authors": field,
        "title": field,
        "abstract": field,
        "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
    }
    within_bound(lambda: parse_json_lines(json.dumps(arxiv) + "\n", "x.jsonl"))
    listed = {"paper": {"id": "2403.00001", "title": field, "summary": field, "authors": [{"name": field}]}}
    within_bound(lambda: parse_json(json.dumps([listed]), "x.json"))
    within_bound(lambda: parse_dump(page("Mar 11", field.replace("\n", " "), "An abstract.", header=HEADER)))


def test_an_arxiv_record_of_a_hundred_thousand_distinct_parsed_authors_is_read_in_linear_time():
    parsed = [[f"S{number}", f"G{number}", ""] for number in range(100_000)]
    record = {"id": "2403.00001", "title": "T", "abstract": "A.", "authors": "A", "authors_parsed": parsed}
    papers: list = []
    within_bound(lambda: papers.extend(parse_json_lines(json.dumps(record) + "\n", "x.jsonl")[0]))
    assert papers[0].authors[:2] == ("G0 S0", "G1 S1") and len(papers[0].authors) == 100_000
