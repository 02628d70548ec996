"""RIS: the tagged format EndNote, Zotero, Mendeley and RefWorks import.

An arXiv paper is ``TY  - UNPB`` (unpublished work: what a preprint is; Zotero imports it as a preprint or
manuscript with its authors and date, where ``ELEC`` would make it a web page and ``GEN`` a bare document); a paper
known only from a Daily Papers page is ``ELEC`` (a web page: its URL is all there is to cite), or ``GEN`` without
a URL. Lines end in CRLF, as the RIS specification says; rispy and Zotero read either ending.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui_reader.dates import paper_year, parse_day
from tui_reader.paper import Paper

from .fields import listing_note, name_parts, one_line, paper_url
from .registry import ExportFormat

__all__ = ["FORMAT", "render_ris", "ris_record"]

EOL = "\r\n"


def _author(name: str) -> str:
    """``Surname, Given`` (``Surname, Given, Suffix``), the RIS form of a name."""
    given, surname, suffix = name_parts(name)
    return ", ".join(part for part in (surname, given, suffix) if part)


def ris_record(paper: Paper) -> str:
    """One record: type, title, authors, year, date, URL, abstract, the listing note, end."""
    url = paper_url(paper)
    kind = "UNPB" if paper.arxiv_id else "ELEC" if url else "GEN"
    tags = [("TY", kind), ("TI", one_line(paper.title))]
    tags += [("AU", _author(name)) for name in paper.authors if one_line(name)]
    if (year := paper_year(paper)) is not None:
        tags.append(("PY", str(year)))
    if (published := parse_day(paper.published)) is not None and published.date is not None:
        tags.append(("DA", published.date.strftime("%Y/%m/%d")))
    if url is not None:
        tags.append(("UR", url))
    if abstract := one_line(paper.abstract):
        tags.append(("AB", abstract))
    if (note := listing_note(paper)) is not None:
        tags.append(("N1", note))
    tags.append(("ER", ""))
    return "".join(f"{tag}  - {value}{EOL}" for tag, value in tags)


def render_ris(papers: Sequence[Paper]) -> str:
    """Every paper's record, a blank line between them."""
    return EOL.join(ris_record(paper) for paper in papers)


FORMAT = ExportFormat(name="ris", label="RIS", ext=".ris", order=20, render=lambda papers, _m, _d: render_ris(papers))
