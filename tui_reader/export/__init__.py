"""Exporting papers: BibTeX, RIS, CSV, Markdown and JSON, as whole documents (``tui-reader export``, the reader's
export dialog) or one paper at a time (the reader's copy commands). Textual-free; one module per format, each
registered by its ``FORMAT`` (``registry.ExportFormat``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui_reader.paper import Paper

from .bibtex import bibtex_entry, citation_key, citation_keys
from .fields import paper_url
from .json_format import paper_record
from .markdown import markdown_link
from .registry import ExportFormat, Marks, discover

__all__ = [
    "DEFAULT_FORMAT",
    "EXTENSIONS",
    "FORMATS",
    "ExportFormat",
    "bibtex_entry",
    "citation_key",
    "citation_keys",
    "format_names",
    "guess_format",
    "markdown_link",
    "paper_record",
    "paper_url",
    "render",
]

FORMATS: dict[str, ExportFormat] = {fmt.name: fmt for fmt in discover()}  # by name, in the order they are listed
EXTENSIONS: dict[str, str] = {name: fmt.ext for name, fmt in FORMATS.items()}  # name -> ".bib"
DEFAULT_FORMAT = "bibtex"  # what export writes when neither --format nor the file's extension names a format


def format_names() -> tuple[str, ...]:
    """Every format's name, in order: what ``--format`` takes."""
    return tuple(FORMATS)


def guess_format(path: Path | None, default: str = DEFAULT_FORMAT) -> str:
    """The format a file's extension names (``.bib``, ``.bibtex``: bibtex; any case), else ``default``."""
    if path is not None:
        suffix = path.suffix.lower()
        for fmt in FORMATS.values():
            if suffix == fmt.ext or suffix in fmt.also_ext:
                return fmt.name
    return default


def render(papers: Sequence[Paper], fmt: str, marks: Marks | None = None, *, by_date: bool = False) -> str:
    """The whole document of ``papers`` in ``fmt`` (one of FORMATS; ValueError otherwise), in their order.

    ``marks`` (paper id -> Mark) fills the read/starred columns of CSV and JSON (all false without it);
    ``by_date``: the papers are sorted by date, so Markdown puts them under listing-date headings.
    No papers give an empty but valid document (CSV: the header; JSON: ``[]``)."""
    export_format = FORMATS.get(fmt)
    if export_format is None:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    return export_format.render(papers, marks, by_date)
