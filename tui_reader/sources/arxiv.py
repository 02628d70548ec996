"""arXiv metadata records: the objects of the public arXiv metadata snapshot (one per line of its JSON Lines), or
the same records saved as one JSON array. Which files hold them is decided by content
(``tui_reader.sources.records``); this module reads one record.

Fields read: ``id``, ``title``, ``abstract``, ``authors`` (one string: ``A. One, B. Two and C. Three``),
``authors_parsed`` (``[[surname, given, suffix], ...]``: the names and surnames, when present), ``versions``
(``[{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]``: ``published`` is v1's date),
``categories`` (``"math.CO cs.CG"``, the primary first), ``doi``, ``journal-ref`` and ``comments`` (where
authors often say where the code is: its URLs join ``links`` after the abstract's); others (``license``,
``update_date``, ...) are ignored. Titles and abstracts are wrapped and hold LaTeX: cleaned like a dump's
paragraphs. Papers from here have no listing date. "et al" in ``authors`` is not an author: it sets ``et_al``.

A record missing a field is a warning with its number; reading goes on.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import NamedTuple

from tui_reader.paper import Paper, paper_id
from tui_reader.safe_text import clean_text
from tui_reader.sources.cleaning import clean_abstract, clean_title
from tui_reader.sources.hf_daily import arxiv_id, author_name, cut_short, is_et_al, is_real_date, without_et_al
from tui_reader.sources.registry import Problems

__all__ = ["parse_object", "split_authors", "version_date"]

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
    if month is None or not is_real_date(int(match.group(3)), month, day):
        return None
    return sys.intern(f"{match.group(3)}-{month:02d}-{day:02d}")  # one string per day, however many papers


def _published(versions: object) -> str | None:
    """The date of v1 (of the first version listed, when none is called v1)."""
    if not isinstance(versions, list) or not versions:
        return None
    first = next((v for v in versions if isinstance(v, dict) and v.get("version") == "v1"), versions[0])
    return version_date(first.get("created")) if isinstance(first, dict) else None


def split_authors(raw: str) -> tuple[str, ...]:
    """``A. One, B. Two and C. Three`` -> the three names: split at commas, ``and`` and the colon after a
    collaboration (``ATLAS Collaboration: G. Aad``), as arXiv's own author parser splits them, outside
    parentheses, which hold affiliations and are dropped; LaTeX accents become letters (``Schr\\"odinger`` ->
    Schrödinger). "et al" / "others" stay in the list (``cut_short`` takes them out); linear in the length,
    however deeply the parentheses nest."""
    names: dict[str, None] = {}  # each once, in order (a list's "in" would be quadratic: 3,000 authors and more)
    for part in re.split(r",|;|:|\band\b|&", _outside_parentheses(raw)):
        if name := author_name(part):
            names[name] = None
    return tuple(names)


def _outside_parentheses(text: str) -> str:
    """The text with each parenthesised part (affiliations: "(MIT, Cambridge)", nested or not) replaced by one
    space, and a parenthesis left unmatched by a space. One pass with a stack: linear however deep the nesting."""
    if "(" not in text and ")" not in text:
        return text
    opened: list[int] = []
    spans: list[tuple[int, int]] = []  # outermost matched pairs, [start, end]
    for at, ch in enumerate(text):
        if ch == "(":
            opened.append(at)
        elif ch == ")" and opened:
            start = opened.pop()
            while spans and spans[-1][0] > start:  # pairs inside this one
                spans.pop()
            spans.append((start, at))
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], " "]
        last = end + 1
    pieces.append(text[last:])
    return "".join(pieces).replace("(", " ").replace(")", " ")


class _Parsed(NamedTuple):
    names: tuple[str, ...]
    surnames: tuple[str, ...]
    et_al: bool


def _parsed_authors(value: object) -> _Parsed | None:
    """arXiv's ``authors_parsed``, ``[[surname, given, suffix], ...]`` (a fourth part, an affiliation, is left
    out): the names as shown (``given surname suffix``), the surnames, and whether one of them was "et al"; None
    when it is not such a list."""
    if not isinstance(value, list) or not value:
        return None
    names: dict[str, str] = {}  # name -> surname, each name once, in order
    et_al = False
    for entry in value:
        if not (isinstance(entry, list) and entry and all(isinstance(part, str) for part in entry[:3])):
            return None
        surname, given, suffix = (*(author_name(part) for part in entry[:3]), "", "")[:3]
        name = " ".join(part for part in (given, surname, suffix) if part)
        if is_et_al(name):
            et_al = True
            continue
        name, glued = without_et_al(name)
        if glued:  # "F. Aharonian et al", which arXiv's parser splits as ["al", "F. Aharonian et", ""]
            et_al = True
            surname = without_et_al(surname)[0]
            if not surname or is_et_al(f"et {surname}") or not name.endswith(surname):
                surname = name.rpartition(" ")[2]
        if name and name not in names:
            names[sys.intern(name)] = surname
    return _Parsed(tuple(names), tuple(names.values()), et_al)


def _line(value: object) -> str | None:
    """A one-line field (DOI, journal reference, comments) cleaned, or None."""
    if not isinstance(value, str):
        return None
    return clean_title(value) or None


def _categories(value: object) -> tuple[str, ...]:
    """``"math.CO cs.CG"`` -> ``("math.CO", "cs.CG")``: the primary category first, as arXiv lists them."""
    if not isinstance(value, str):
        return ()
    return _kept_categories(value) if len(value) <= _KEPT_CATEGORIES else _category_list(value)


_KEPT_CATEGORIES = 200  # characters: a list this short is split once and kept (a longer one is never kept)


@lru_cache(maxsize=1 << 12)  # a few hundred lists make up most of arXiv's papers
def _kept_categories(value: str) -> tuple[str, ...]:
    return _category_list(value)


def _category_list(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(sys.intern(word) for word in clean_text(value).split()))


def parse_object(record: object, number: int, source: str, problems: Problems) -> Paper | None:
    """One arXiv record as a paper (None, with a problem, when it has none)."""
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
    listed, listed_et_al = cut_short(split_authors(authors_raw) if isinstance(authors_raw, str) else ())
    parsed = _parsed_authors(record.get("authors_parsed"))
    if parsed is None and not isinstance(authors_raw, str):
        problems.add(number, "no authors")
    published = _published(record.get("versions"))
    if published is None:
        problems.add(number, "no v1 date (versions)")
    comments_raw = record.get("comments")
    comments, comment_links = clean_abstract(comments_raw) if isinstance(comments_raw, str) else ("", ())
    return Paper(
        id=paper_id(title),
        title=title,
        abstract=abstract,
        sources=(source,),
        links=tuple(dict.fromkeys((*links, *comment_links))),
        arxiv_id=arxiv,
        authors=parsed.names if parsed else listed,
        published=published,
        categories=_categories(record.get("categories")),
        doi=_line(record.get("doi")),
        journal_ref=_line(record.get("journal-ref")),
        comments=comments or None,
        surnames=parsed.surnames if parsed else (),
        et_al=listed_et_al or (parsed is not None and parsed.et_al),
    )
