"""Exporting papers: BibTeX, RIS, CSV, Markdown and JSON, as whole documents (``tui-reader export``) or one
paper at a time (the reader's copy commands). Textual-free; one module per format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tui_reader.library.model import Mark
from tui_reader.paper import Paper

from .bibtex import bibtex_entry, citation_key, citation_keys, render_bibtex
from .csv_format import render_csv
from .fields import paper_url
from .json_format import paper_record, render_json
from .markdown import markdown_link, render_markdown
from .ris import render_ris

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "bibtex_entry",
    "citation_key",
    "citation_keys",
    "markdown_link",
    "paper_record",
    "paper_url",
    "render",
]

FORMATS: tuple[str, ...] = ("bibtex", "ris", "csv", "markdown", "json")
EXTENSIONS: dict[str, str] = {"bibtex": ".bib", "ris": ".ris", "csv": ".csv", "markdown": ".md", "json": ".json"}


def render(
    papers: Sequence[Paper], fmt: str, marks: Callable[[str], Mark] | None = None, *, by_date: bool = False
) -> str:
    """The whole document of ``papers`` in ``fmt`` (one of FORMATS; ValueError otherwise), in their order.

    ``marks`` (paper id -> Mark) fills the read/starred columns of CSV and JSON (all false without it);
    ``by_date``: the papers are sorted by date, so Markdown puts them under listing-date headings.
    No papers give an empty but valid document (CSV: the header; JSON: ``[]``)."""
    if fmt == "bibtex":
        return render_bibtex(papers)
    if fmt == "ris":
        return render_ris(papers)
    if fmt == "csv":
        return render_csv(papers, marks)
    if fmt == "markdown":
        return render_markdown(papers, by_date=by_date)
    if fmt == "json":
        return render_json(papers, marks)
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
