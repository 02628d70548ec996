"""Daily Papers JSON: what ``GET https://huggingface.co/api/daily_papers?date=YYYY-MM-DD`` returns, or a saved
collection of many days in the same shape (one array of items).

Each item is ``{"paper": {"id", "title", "summary", "authors": [{"name"}], "publishedAt", "upvotes", ...},
"publishedAt", "title", "summary", ...}``; other fields are ignored. What is read:

- title and abstract: the paper's (the item's own when the paper lacks one), cleaned like a dump's paragraphs;
- ``arxiv_id``: the paper's ``id`` (version dropped); ``authors``: the names; ``upvotes``: the paper's;
- ``published``: the date of the paper's ``publishedAt`` (when arXiv published it);
- the listing date (``dates``): the date of the item's OUTER ``publishedAt``, when the page listed it, written as a
  dump writes one (``Mar 11, 2024``), so ``date:Mar`` finds it.

A missing or malformed field is a warning (the first item it happened to, and how many more), not a failure; an
item without a title is skipped.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from tui_reader.paper import Paper, paper_id
from tui_reader.safe_text import clean_text
from tui_reader.sources.cleaning import clean_abstract, clean_title, delatex
from tui_reader.sources.registry import Problems, Source

__all__ = ["SOURCE", "arxiv_id", "iso_date", "listing_date", "parse_daily"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO_DATE = r"(\d{4})-(\d{2})-(\d{2})"
# new-style (2403.01234, 0704.0001) and old-style (hep-th/9901001, math.GT/0309136) arXiv ids, version dropped
_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"


def iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` from the start of an ISO timestamp (``2024-03-11T17:59:00.000Z``), or None."""
    if not isinstance(value, str):
        return None
    match = re.match(_ISO_DATE, value)
    if match is None:
        return None
    year, month, day = map(int, match.groups())
    return sys.intern(match.group()) if 1 <= month <= 12 and 1 <= day <= 31 and year > 0 else None


def listing_date(iso: str) -> str:
    """``2024-03-11`` as a dump writes a listing date: ``Mar 11, 2024``."""
    year, month, day = iso.split("-")
    return sys.intern(f"{_MONTHS[int(month) - 1]} {int(day)}, {year}")


def arxiv_id(value: object) -> str | None:
    """An arXiv id without its version, or None when ``value`` is not one."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(_ARXIV_ID, value.strip())
    return match.group(1) if match else None


def _text(*values: object) -> str | None:
    """The first of these that is a string."""
    for value in values:
        if isinstance(value, str):
            return value
    return None


def author_name(raw: str) -> str:
    """An author's name as shown: no controls, LaTeX accents as letters, single-spaced. Interned: prolific
    authors' names (and dates) are held once, not once per paper (a big collection's memory)."""
    text = clean_text(raw)
    plain = delatex(text)
    return sys.intern(plain if plain == text else " ".join(plain.split()))


def _authors(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    names = []
    for author in value:
        name = author.get("name") if isinstance(author, dict) else author
        if isinstance(name, str) and (name := author_name(name)):
            names.append(name)
    return tuple(dict.fromkeys(names))


def _upvotes(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 53:
        return value
    return None


def parse_item(item: object, number: int, source: str, problem: Callable[[int, str], None]) -> Paper | None:
    """One item of a listing as a paper (None, with a problem, when it has no title)."""
    if not isinstance(item, dict):
        problem(number, "not an object; skipped")
        return None
    paper: Any = item.get("paper")
    if not isinstance(paper, dict):
        paper = item  # a bare paper object (the /api/papers shape)
    raw_title = _text(paper.get("title"), item.get("title"))
    title = clean_title(raw_title) if raw_title is not None else ""
    if not title:
        problem(number, "no title; skipped")
        return None
    raw_summary = _text(paper.get("summary"), item.get("summary"))
    if raw_summary is None:
        problem(number, "no summary")
    abstract, links = clean_abstract(raw_summary or "")
    arxiv = arxiv_id(paper.get("id"))
    if arxiv is None:
        problem(number, "no arXiv id (paper.id)")
    authors = _authors(paper.get("authors"))
    if authors is None:
        problem(number, "no authors (paper.authors)")
    published = iso_date(paper.get("publishedAt"))
    if published is None:
        problem(number, "no published date (paper.publishedAt)")
    listed = iso_date(item.get("publishedAt")) if paper is not item else None
    if listed is None:
        problem(number, "no listing date (publishedAt)")
    return Paper(
        id=paper_id(title),
        title=title,
        abstract=abstract,
        dates=(listing_date(listed),) if listed else (),
        sources=(source,),
        links=links,
        arxiv_id=arxiv,
        authors=authors or (),
        published=published,
        upvotes=_upvotes(paper.get("upvotes")),
    )


def parse_daily(text: str, source: str = "<json>") -> tuple[list[Paper], list[str]]:
    """Parse a Daily Papers JSON listing (an array of items) into papers (not yet merged) and problems."""
    import json  # here, not at the top: a launch on text dumps alone never needs it before its first frame

    try:
        data = json.loads(text)
    except RecursionError:
        return [], ["JSON nested too deeply; skipped"]
    except ValueError as exc:  # JSONDecodeError, and numbers too long to convert
        return [], [f"not valid JSON ({exc}); skipped"]
    if not isinstance(data, list):
        return [], ["JSON but not a Daily Papers listing (an array of items); skipped"]
    problems = Problems("item")
    papers = []
    for number, item in enumerate(data, start=1):
        paper = parse_item(item, number, source, problems.add)
        if paper is not None:
            papers.append(paper)
    return papers, problems.lines()


SOURCE = Source(name="hf_daily", sniff=lambda head: head.startswith("["), parse=parse_daily, order=10)
