"""arXiv metadata as JSON Lines: the public arXiv metadata snapshot, one paper object per line.

Fields read: ``id``, ``title``, ``abstract``, ``authors`` (one string: ``A. One, B. Two and C. Three``) and
``versions`` (``[{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]``: ``published`` is v1's date);
others (``categories``, ``update_date``, ``doi``, ...) are ignored. Titles and abstracts are wrapped and hold
LaTeX: cleaned like a dump's paragraphs. Papers from here have no listing date.

Lines are parsed one at a time (``parse_lines`` is a generator), so a file of millions of lines is read with
memory bounded by one line plus the papers kept. A bad line is a warning with its number; reading goes on.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator

from tui_reader.paper import Paper, paper_id
from tui_reader.sources.cleaning import clean_abstract, clean_title
from tui_reader.sources.hf_daily import arxiv_id, author_name
from tui_reader.sources.registry import Problems, Source

__all__ = ["SOURCE", "parse_arxiv", "parse_lines", "split_authors", "version_date"]

_MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
_CREATED = r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})"  # "Mon, 2 Apr 2007 19:18:42 GMT"


def version_date(created: object) -> str | None:
    """``Mon, 2 Apr 2007 19:18:42 GMT`` -> ``2007-04-02`` (None when it is not such a date)."""
    if not isinstance(created, str):
        return None
    match = re.search(_CREATED, created)
    if match is None:
        return None
    day, month = int(match.group(1)), _MONTHS.get(match.group(2).lower())
    if month is None or not 1 <= day <= 31:
        return None
    return sys.intern(f"{match.group(3)}-{month:02d}-{day:02d}")  # one string per day, however many papers


def _published(versions: object) -> str | None:
    """The date of v1 (of the first version listed, when none is called v1)."""
    if not isinstance(versions, list) or not versions:
        return None
    first = next((v for v in versions if isinstance(v, dict) and v.get("version") == "v1"), versions[0])
    return version_date(first.get("created")) if isinstance(first, dict) else None


def split_authors(raw: str) -> tuple[str, ...]:
    """``A. One, B. Two and C. Three`` -> the three names: split at commas and ``and`` (outside parentheses,
    which hold affiliations and are dropped); LaTeX accents become letters (``Schr\\"odinger`` -> Schrödinger)."""
    text = raw
    # affiliations: "(MIT, Cambridge)" -- commas inside them do not split; nested ones go from the inside out,
    # and a parenthesis left unmatched is dropped
    while "(" in text and (stripped := re.sub(r"\([^()]*\)", " ", text)) != text:
        text = stripped
    text = text.replace("(", " ").replace(")", " ")
    names = []
    for part in re.split(r",|;|\band\b|&", text):
        name = author_name(part)
        if name and name not in names:
            names.append(name)
    return tuple(names)


def parse_object(record: object, number: int, source: str, problems: Problems) -> Paper | None:
    """One line's object as a paper (None, with a problem, when it has none)."""
    if not isinstance(record, dict):
        problems.add(number, "not a JSON object; skipped")
        return None
    title_raw = record.get("title")
    title = clean_title(title_raw) if isinstance(title_raw, str) else ""
    if not title:
        problems.add(number, "no title; skipped")
        return None
    abstract_raw = record.get("abstract")
    if not isinstance(abstract_raw, str):
        problems.add(number, "no abstract")
        abstract_raw = ""
    abstract, links = clean_abstract(abstract_raw)
    arxiv = arxiv_id(record.get("id"))
    if arxiv is None:
        problems.add(number, "no arXiv id")
    authors_raw = record.get("authors")
    if not isinstance(authors_raw, str):
        problems.add(number, "no authors")
    published = _published(record.get("versions"))
    if published is None:
        problems.add(number, "no v1 date (versions)")
    return Paper(
        id=paper_id(title),
        title=title,
        abstract=abstract,
        sources=(source,),
        links=links,
        arxiv_id=arxiv,
        authors=split_authors(authors_raw) if isinstance(authors_raw, str) else (),
        published=published,
    )


def parse_lines(
    lines: Iterable[bytes | str | None], source: str, problems: Problems, first_line: int = 1
) -> Iterator[Paper]:
    """Papers of JSON Lines, one line at a time (numbered from ``first_line``); blank lines are skipped, bad ones
    reported. A line the reader would not hold in memory comes as None: reported as too long."""
    import json  # here, not at the top: a launch on text dumps alone never needs it before its first frame

    for number, line in enumerate(lines, start=first_line):
        if line is None:
            problems.add(number, "line too long; skipped")
            continue
        if not line.strip():
            continue
        try:
            try:
                record = json.loads(line.lstrip("\ufeff") if isinstance(line, str) else line)
            except UnicodeDecodeError:  # bytes that are not UTF-8 (json.loads takes bytes: faster than decoding)
                problems.add(number, "not valid UTF-8; read as Windows-1252")
                record = json.loads(line.decode("cp1252", "replace") if isinstance(line, bytes) else line)
        except RecursionError:
            problems.add(number, "JSON nested too deeply; skipped")
            continue
        except ValueError:
            problems.add(number, "not valid JSON; skipped")
            continue
        paper = parse_object(record, number, source, problems)
        if paper is not None:
            yield paper


def parse_arxiv(text: str, source: str = "<jsonl>") -> tuple[list[Paper], list[str]]:
    """Parse arXiv metadata JSON Lines held in memory (files are streamed: ``tui_reader.corpus``)."""
    problems = Problems("line")
    papers = list(parse_lines(text.split("\n"), source, problems))
    return papers, problems.lines()


SOURCE = Source(
    name="arxiv", sniff=lambda head: head.startswith("{"), parse=parse_arxiv, parse_lines=parse_lines, order=20
)
