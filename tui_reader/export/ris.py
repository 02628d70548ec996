"""RIS: the tagged format EndNote, Zotero, Mendeley and RefWorks import.

An arXiv paper is ``TY  - UNPB`` (unpublished work: what a preprint is, EndNote's own type for it; Zotero, whose
RIS import has no preprint type, takes it as a journal article with its authors, date and DOI, where ``ELEC``
would make it a web page); a paper known only from a Daily Papers page is ``ELEC`` (a web page: its URL is all
there is to cite), or ``GEN`` without a URL. Lines end in CRLF, as the
RIS specification says; rispy and Zotero read either ending.

What arXiv adds goes where Zotero's own arXiv import puts it: ``DO`` the paper's DOI (one: Zotero keeps the last
``DO`` it reads, so further DOIs, an erratum's, are an ``N1`` note), a ``KW`` per arXiv category (Zotero's tags),
the authors' comments as an ``N1`` note ``Comment: …``. The journal reference is an ``N1`` note too, not ``JO`` or
``T2``: it is one string of journal, volume, pages and year (``Phys.Rev.D76:013009,2007``) that does not split
reliably, and Zotero would file it whole as the journal's name. The Daily Papers' machine-written keywords are left
out: a dozen per paper would flood a library's tags (JSON keeps them).

Authors are ``Surname, Given`` (``Surname, Given, Suffix``): the source's split when it gave one, else the last
word taken as the surname. A collaboration is written whole, without a comma, which Zotero imports as one name.
A list the source cut short has no made-up ``AU`` for "et al.": an ``N1`` note says the list is incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui_reader.dates import paper_year, parse_day
from tui_reader.paper import Paper

from .fields import Author, dois, listing_note, one_line, paper_authors, paper_url
from .registry import ExportFormat

__all__ = ["ET_AL_NOTE", "FORMAT", "render_ris", "ris_record"]

EOL = "\r\n"
ET_AL_NOTE = "Author list incomplete: the source ends it with et al."


def _author(author: Author) -> str:
    """``Surname, Given`` (``Surname, Given, Suffix``), the RIS form of a name; a collaboration as it is."""
    if author.group:
        return author.name
    return ", ".join(part for part in (author.surname, author.given, author.suffix) if part)


def _notes(paper: Paper, more_dois: Sequence[str]) -> list[str]:
    """The ``N1`` notes: the listing date, the journal reference, the authors' comments, further DOIs, and that
    the author list is incomplete."""
    notes = [
        listing_note(paper) or "",
        f"Journal reference: {journal}" if (journal := one_line(paper.journal_ref or "")) else "",
        f"Comment: {comments}" if (comments := one_line(paper.comments or "")) else "",
        *(f"Also doi:{doi}" for doi in more_dois),
        ET_AL_NOTE if paper.et_al else "",
    ]
    return [note for note in notes if note]


def ris_record(paper: Paper) -> str:
    """One record: type, title, authors, year, date, URL, DOI, categories, abstract, notes, end."""
    url = paper_url(paper)
    kind = "UNPB" if paper.arxiv_id else "ELEC" if url else "GEN"
    tags = [("TY", kind), ("TI", one_line(paper.title))]
    tags += [("AU", _author(author)) for author in paper_authors(paper)]
    if (year := paper_year(paper)) is not None:
        tags.append(("PY", str(year)))
    if (published := parse_day(paper.published)) is not None and published.date is not None:
        tags.append(("DA", published.date.strftime("%Y/%m/%d")))
    if url is not None:
        tags.append(("UR", url))
    first_doi, *more_dois = dois(paper) or ("",)
    if first_doi:
        tags.append(("DO", first_doi))
    tags += [("KW", category) for category in dict.fromkeys(map(one_line, paper.categories)) if category]
    if abstract := one_line(paper.abstract):
        tags.append(("AB", abstract))
    tags += [("N1", note) for note in _notes(paper, more_dois)]
    tags.append(("ER", ""))
    return "".join(f"{tag}  - {value}{EOL}" for tag, value in tags)


def render_ris(papers: Sequence[Paper]) -> str:
    """Every paper's record, a blank line between them."""
    return EOL.join(ris_record(paper) for paper in papers)


FORMAT = ExportFormat(name="ris", label="RIS", ext=".ris", order=20, render=lambda papers, _m, _d: render_ris(papers))
