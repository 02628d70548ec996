"""Daily Papers items: what ``GET https://huggingface.co/api/daily_papers?date=YYYY-MM-DD`` returns (an array of
items), one item, or one bare paper object (``GET /api/papers/{id}``). Which files hold them is decided by
content (``tui_reader.sources.records``); this module reads one item.

Each item is ``{"paper": {"id", "title", "summary", "authors": [{"name"}], "publishedAt", "submittedOnDailyAt",
"upvotes", "githubRepo", "githubStars", "projectPage", "ai_summary", "ai_keywords", "organization", ...},
"publishedAt", "numComments", "organization", ...}``. What is read:

- title and abstract: the paper's (the item's own when the paper lacks one), cleaned like a dump's paragraphs;
- ``arxiv_id``: the paper's ``id`` (version dropped); ``authors``: the names ("et al" is not a name: it sets
  ``et_al``); ``upvotes``, ``github_stars``, ``num_comments``: counts (0 is a count);
- ``published``: the date of the paper's ``publishedAt`` (when arXiv published it);
- the listing date (``dates``), written as a dump writes one (``Feb 25, 2026``) so ``date:Feb`` finds it: the
  day in the file's name for a listing ``tui-reader fetch`` stored (``2026-02-25.json``); else the UTC date of
  ``paper.submittedOnDailyAt``, when the paper was put on the page; else (2024 data, before that field) the
  item's outer ``publishedAt``, which was then the listing time. Today the outer ``publishedAt`` is the arXiv
  submission time shifted by hours, often days before the listing: never the listing day when the paper's
  own field is there;
- ``github_repo`` and ``project_page`` (http(s) only) go first in ``links``, before the URLs of the abstract;
  ``ai_summary`` and ``ai_keywords`` (machine-written, kept apart from the abstract); ``organization``'s full
  name (the paper's, else the item's).

A missing or malformed field is a warning (the first item it happened to, and how many more), not a failure; an
item without a title is skipped.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from tui_reader.paper import Paper, is_web_url, paper_id
from tui_reader.safe_text import clean_text, collapse_ws
from tui_reader.sources.cleaning import clean_abstract, clean_title, delatex

__all__ = [
    "arxiv_id",
    "author_name",
    "cut_short",
    "is_et_al",
    "iso_date",
    "listing_date",
    "parse_item",
    "utc_date",
    "without_et_al",
]

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
    return sys.intern(match.group()) if is_real_date(year, month, day) else None


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_real_date(year: int, month: int, day: int) -> bool:
    """A day the calendar has: not February 31st, not month 13 (such a date is no date, never stored)."""
    if year <= 0 or not 1 <= month <= 12:
        return False
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 1 <= day <= _MONTH_DAYS[month - 1] + leap


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
    return _kept_name(raw) if len(raw) <= _KEPT_NAME else _author_name(raw)


_KEPT_NAME = 120  # characters: a name this short is cleaned once and kept (longer ones: a file's debris, never kept)


@lru_cache(maxsize=1 << 14)  # prolific authors come back paper after paper: a big file's names are cleaned once
def _kept_name(raw: str) -> str:
    return _author_name(raw)


def _author_name(raw: str) -> str:
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


def _count(value: object) -> int | None:
    """A count (upvotes, stars, comments): a whole number from 0 on, else None. 0 is a count, not "none"."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 53:
        return value
    return None


def _line(value: object, limit: int = 2000) -> str | None:
    """A short text field (a name, a keyword) as one clean line, or None when it is not text or empty."""
    if not isinstance(value, str):
        return None
    text = collapse_ws(clean_text(value[: limit * 2]))[:limit]
    return text or None


def _web_url(value: object) -> str | None:
    """An http(s) URL given as a field (the code or project page), or None: no other scheme is ever a link."""
    url = _line(value)
    return url if url is not None and is_web_url(url) and " " not in url else None


def _keywords(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(word for word in map(_line, value) if word))


def _organization(*values: object) -> str | None:
    """``{"name": "AWS", "fullname": "Amazon Web Services"}`` (or a plain string): the full name."""
    for value in values:
        if isinstance(value, dict):
            value = _text(value.get("fullname"), value.get("name"))
        if (name := _line(value)) is not None:
            return name
    return None


_LISTING_FILE = r"(\d{4}-\d{2}-\d{2})\.json"  # DATA_DIR/listings/2026-02-25.json, as `tui-reader fetch` stores days


def utc_date(value: object) -> str | None:
    """The UTC date of an ISO timestamp (``2026-02-25T04:20:50.993Z``; an offset is turned to UTC), or None."""
    day = iso_date(value)
    if day is None or not isinstance(value, str) or value.endswith("Z") or len(value) <= 10:
        return day
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return day
    if moment.tzinfo is None:
        return day
    return sys.intern(moment.astimezone(dt.UTC).date().isoformat())


def _listed(item: dict[str, Any], paper: dict[str, Any], source: str) -> str | None:
    """The day the listing showed the paper: a stored day's file name; else the paper's ``submittedOnDailyAt``
    (UTC); else, in data from before that field (2024), the item's outer ``publishedAt``. Today's outer
    ``publishedAt`` is the arXiv submission time shifted by hours, often days before the listing."""
    if (named := re.fullmatch(_LISTING_FILE, source)) and iso_date(named.group(1)):
        return named.group(1)
    listed = utc_date(_either(paper, item, "submittedOnDailyAt"))
    return listed or (utc_date(item.get("publishedAt")) if paper is not item else None)


def _either(paper: dict[str, Any], item: dict[str, Any], key: str) -> object:
    """A field of the paper, or of the item around it when the paper lacks it (saved responses of some clients
    and API versions carry ``submittedOnDailyAt``, ``githubRepo`` and the like on the item)."""
    value = paper.get(key)
    return item.get(key) if value is None else value


def parse_item(item: object, number: int, source: str, problem: Callable[[int, str], None]) -> Paper | None:
    """One item of a listing (or a bare paper object: ``/api/papers/{id}``) as a paper (None, with a problem,
    when it has no title)."""
    if not isinstance(item, dict):
        problem(number, "not a JSON object; skipped")
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
    abstract, found_links = clean_abstract(raw_summary or "")
    arxiv = arxiv_id(paper.get("id"))
    if arxiv is None:
        problem(number, "no arXiv id (paper.id)")
    authors = _authors(paper.get("authors"))
    if authors is None:
        problem(number, "no authors (paper.authors)")
    names, et_al = cut_short(authors or ())
    published = iso_date(paper.get("publishedAt"))
    if published is None:
        problem(number, "no published date (paper.publishedAt)")
    listed = _listed(item, paper, source)
    if listed is None and paper is not item:
        problem(number, "no listing date (paper.submittedOnDailyAt, publishedAt)")
    github_repo = _web_url(_either(paper, item, "githubRepo"))
    project_page = _web_url(_either(paper, item, "projectPage"))
    ai_summary = _text(_either(paper, item, "ai_summary"))
    return Paper(
        id=paper_id(title),
        title=title,
        abstract=abstract,
        dates=(listing_date(listed),) if listed else (),
        sources=(source,),
        links=tuple(dict.fromkeys(url for url in (github_repo, project_page, *found_links) if url)),
        arxiv_id=arxiv,
        authors=names,
        published=published,
        upvotes=_count(paper.get("upvotes")),
        github_repo=github_repo,
        github_stars=_count(_either(paper, item, "githubStars")),
        project_page=project_page,
        ai_summary=clean_abstract(ai_summary)[0] or None if ai_summary is not None else None,
        ai_keywords=_keywords(_either(paper, item, "ai_keywords")),
        num_comments=_count(_either(item, paper, "numComments")),
        organization=_organization(paper.get("organization"), item.get("organization")),
        et_al=et_al,
    )


_ET_AL = r"(?i)(?:and\s+)?(?:et\.?\s*al\.?|others)"
# "et al" glued to the last name of a list ("F. Aharonian et al", with no comma before it): arXiv's own author
# parser keeps it in that name (authors_parsed: ["al", "F. Aharonian et", ""])
_GLUED_TAIL = 24  # characters of a name's end that can hold it (" et. al.", ", and others.")
_GLUED_ET_AL = re.compile(r"(?i)[\s,;]+(?:et(?:\.\s*|\s+)al\.?|and\s+others)[\s.,;]*$")


def is_et_al(name: str) -> bool:
    """ "et al", "et al.", "others": what an author list says when it is cut short; never an author's name."""
    return len(name) <= 12 and re.fullmatch(_ET_AL, name.strip()) is not None


def without_et_al(name: str) -> tuple[str, bool]:
    """A name without the "et al" glued to its end (``F. Aharonian et al`` -> ``F. Aharonian``), and whether one
    was there. A name that is only "et al" is ``is_et_al``'s: it is returned as it is. Only the name's last
    characters are looked at: a long name costs no more."""
    head = max(len(name) - _GLUED_TAIL, 0)
    glued = _GLUED_ET_AL.search(name, head)
    if glued is None or glued.start() == 0:
        return name, False
    return name[: glued.start()].rstrip(), True


def cut_short(names: Iterable[str]) -> tuple[tuple[str, ...], bool]:
    """The authors of a list (each once, in order) without its "et al" or "others", as a name of its own or glued
    to the last name, and whether the list said it was cut short so."""
    kept: dict[str, None] = {}  # each once, in order
    et_al = False
    for name in names:
        if is_et_al(name):
            et_al = True
            continue
        name, glued = without_et_al(name)
        et_al = et_al or glued
        if name:
            kept[name] = None
    return tuple(kept), et_al
