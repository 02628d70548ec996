"""Markdown: one ``- [title](url) — authors (year)`` line per paper, for notes, issues and READMEs; under a
``## Mar 11 2024`` heading per day (the one sorting by date uses) when the papers are sorted by date.

The line ends in links to what else there is to open, when the paper has it: its DOI (the published version, at
``https://doi.org/``), its code and its project page (``· [DOI](…) · [code](…) · [project](…)``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tui_reader.dates import list_date, paper_year
from tui_reader.paper import Paper, is_web_url

from .fields import doi_url, dois, one_line, paper_authors, paper_url, short_authors
from .registry import ExportFormat

__all__ = ["FORMAT", "markdown_line", "markdown_link", "markdown_text", "markdown_url", "render_markdown"]

_ACTIVE = re.compile(r"([\\`*_\[\]<>|~$#])")  # characters Markdown (or GitHub's) would read as syntax
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C"}
UNDATED = "No listing date"


def markdown_text(text: str) -> str:
    """Untrusted text on one line, each character Markdown would read as syntax escaped: it shows as written."""
    return _ACTIVE.sub(r"\\\1", one_line(text))


def markdown_url(url: str) -> str:
    """A URL as a link target: the characters that would end it or be read as syntax percent-encoded."""
    return "".join(_URL_UNSAFE.get(ch, ch) for ch in url)


_text, _url = markdown_text, markdown_url


def markdown_link(paper: Paper) -> str:
    """``[title](url)``, the title escaped so it shows as written; the escaped title alone without a URL."""
    title = _text(paper.title)
    url = paper_url(paper)
    if url is None:
        return title
    return f"[{title}]({_url(url)})"


def _more_links(paper: Paper) -> str:
    """`` · [DOI](https://doi.org/…) · [code](…) · [project](…)``, for the ones the paper has and the title does
    not already link to (a paper without an arXiv id links its first link, often its code)."""
    links = [("DOI", doi_url(doi)) for doi in dois(paper)[:1]]
    for label, url in (("code", paper.github_repo), ("project", paper.project_page)):
        if url and is_web_url(url) and one_line(url) != paper_url(paper):
            links.append((label, one_line(url)))
    return "".join(f" · [{label}]({_url(url)})" for label, url in links)


def markdown_line(paper: Paper) -> str:
    """``- [title](url) — A, B, C (2024)``; more than three authors, or a list the source cut short: ``— A et
    al.``; then the links to its DOI, code and project page."""
    line = "- " + markdown_link(paper)
    if authors := short_authors([_text(author.name) for author in paper_authors(paper)], paper.et_al):
        line += " — " + authors
    if (year := paper_year(paper)) is not None:
        line += f" ({year})"
    return line + _more_links(paper)


def render_markdown(papers: Sequence[Paper], *, by_date: bool = False) -> str:
    """A line per paper; ``by_date``: a heading before each run of papers with the same day in the list's date
    column, the day sorting by date uses (``list_date``), so each heading comes once and in order."""
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
