"""Markdown: one ``- [title](url) — authors (year)`` line per paper, for notes, issues and READMEs; under a
``## Mar 11 2024`` heading per listing date when the papers are sorted by date."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tui_reader.dates import list_date, paper_year
from tui_reader.paper import Paper

from .fields import one_line, paper_url
from .registry import ExportFormat

__all__ = ["FORMAT", "markdown_line", "markdown_link", "render_markdown"]

_ACTIVE = re.compile(r"([\\`*_\[\]<>|~$#])")  # characters Markdown (or GitHub's) would read as syntax
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C"}
MAX_AUTHORS = 3  # more, and the line shows the first one and "et al."
UNDATED = "No listing date"


def _text(text: str) -> str:
    return _ACTIVE.sub(r"\\\1", one_line(text))


def markdown_link(paper: Paper) -> str:
    """``[title](url)``, the title escaped so it shows as written; the escaped title alone without a URL."""
    title = _text(paper.title)
    url = paper_url(paper)
    if url is None:
        return title
    return f"[{title}]({''.join(_URL_UNSAFE.get(ch, ch) for ch in url)})"


def markdown_line(paper: Paper) -> str:
    """``- [title](url) — A, B, C (2024)``; more than three authors: ``— A et al.``."""
    line = "- " + markdown_link(paper)
    names = [_text(name) for name in paper.authors if one_line(name)]
    if names:
        line += " — " + (", ".join(names) if len(names) <= MAX_AUTHORS else f"{names[0]} et al.")
    if (year := paper_year(paper)) is not None:
        line += f" ({year})"
    return line


def render_markdown(papers: Sequence[Paper], *, by_date: bool = False) -> str:
    """A line per paper; ``by_date``: a heading before each run of papers with the same first listing date."""
    lines: list[str] = []
    heading: str | None = None
    for paper in papers:
        if by_date and (day := one_line(list_date(paper)) or UNDATED) != heading:
            lines += ["", f"## {_text(day)}", ""] if lines else [f"## {_text(day)}", ""]
            heading = day
        lines.append(markdown_line(paper))
    return "\n".join(lines) + "\n" if lines else ""


FORMAT = ExportFormat(
    name="markdown",
    label="Markdown",
    ext=".md",
    also_ext=(".markdown",),
    order=40,
    render=lambda papers, _m, by_date: render_markdown(papers, by_date=by_date),
)
