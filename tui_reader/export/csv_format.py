"""CSV: a header row, then one row per paper, for spreadsheets and scripts (RFC 4180: CRLF rows, fields quoted
when they hold a comma, a quote or a line end)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from tui_reader.library.model import NO_MARK, Mark
from tui_reader.paper import Paper

from .fields import one_line, paper_url
from .registry import ExportFormat

__all__ = ["COLUMNS", "FORMAT", "render_csv"]

COLUMNS = ("id", "title", "authors", "arxiv_id", "published", "url", "dates", "read", "starred")
SEPARATOR = "; "  # between the authors, and between the listing dates, of one cell


def _row(paper: Paper, mark: Mark) -> list[str]:
    return [
        paper.id,
        one_line(paper.title),
        SEPARATOR.join(one_line(name) for name in paper.authors),
        one_line(paper.arxiv_id or ""),
        one_line(paper.published or ""),
        paper_url(paper) or "",
        SEPARATOR.join(one_line(day) for day in paper.dates),
        "true" if mark.read else "false",
        "true" if mark.starred else "false",
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
