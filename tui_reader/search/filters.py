"""The search filters, ``name:value`` in a query: each is one ``FilterSpec`` in ``FILTERS``.

The registry is read by the query parser (tui_reader.search.query: which ``word:`` is a filter, what its value
becomes, what is reported), by ``SearchIndex.search`` (which papers a filter keeps) and by the help screen (its
examples). Adding a filter is one more ``FilterSpec`` in ``FILTERS``, and its tests.

    is:read  is:unread  is:starred                          (-is:starred negates a filter: any filter)
    is:new  is:watched first seen since the last session; matching the watch list (sets the reader works out)
    author:hint        an author's name has a word starting with it ("author:müll" finds Müller);
                       author:"yann lecun" the words in a row; several author: terms must all match
    date:2024-03-11  date:2024-03  date:2024  date:2024-03-01..2024-03-15  date:2024-03..  date:>=2024-03-01
    date:today  date:yesterday  date:7d  date:2w (the last 7 or 14 days, today included)
    date:Mar  date:"Mar 11"   that month or day in any year (listing dates written without a year too)
    cat:cs.CL          the paper is in that arXiv category (any case); cat:cs in every cs.* category: an archive
                       takes the categories under it, up to the dot (cat:math finds math.CO, not math-ph, an
                       archive of its own; cat:hep-th has no dot and is that archive); while typed, a prefix
    note:word  note:"two words"   papers whose note has the words     tag:rl-theory   papers with that tag
    has:code           a GitHub repository (from the listing, or a github.com or gitlab.com link in the abstract);
                       has:project  has:doi  has:note  has:tag: a project page, a DOI, a note, any tag

A paper's days are its listing dates (the days Daily Papers listed it) and its arXiv published date; a ``date:``
filter keeps the papers with any of their days in the range (``tui_reader.dates``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tui_reader.dates import MONTHS, month_of, parse_span
from tui_reader.paper import Paper
from tui_reader.search.tables import PaperTables
from tui_reader.search.text import fold, words_of

__all__ = ["DATE_HINT", "FILTERS", "HAS_VALUES", "IS_VALUES", "FilterSpec", "FilterValueError", "Marks", "is_code_link"]

# paper id -> an object with ``.read`` and ``.starred`` (a missing id: unread, unstarred); it may also have
# ``.read``/``.starred`` sets of ids and ``.notes`` (id -> text), ``.tags`` (id -> tags): store.MarkFlags
Marks = Mapping[str, Any] | None


class FilterValueError(ValueError):
    """A filter's value that is not one: the message becomes the query's error, and the filter is left out."""


@dataclass(frozen=True, slots=True)
class FilterSpec:
    """One filter: typed as ``name:value`` (the name in any case), ``-name:value`` to keep the other papers."""

    name: str
    # (the value as typed, is it still being typed) -> the filter's value, e.g. folded words; None: nothing to
    # filter by yet, and nothing to report (the value is still being typed); raises FilterValueError
    parse: Callable[[str, bool], str | None]
    # (the index's tables, the value parse gave, is it still being typed, the marks) -> the papers it keeps, one
    # bool per paper (the index negates it for ``-name:value``)
    mask: Callable[[PaperTables, str, bool, Marks], np.ndarray]
    help: str  # its examples for the help screen: one short line is put beside others, several lines stay apart
    # what ``mask`` asks ``PaperTables.flags`` for, by the name it asks with: a big corpus works them out with its
    # index and keeps them on disk (tui_reader.search.cache)
    flags: Mapping[str, Callable[[Paper], bool]] = field(default_factory=dict)


# -- is: read, unread, starred, unstarred -------------------------------------------------------------------

IS_VALUES = ("read", "unread", "starred", "unstarred", "new", "watched")


def _one_of(values: tuple[str, ...], text: str, prefix: bool, error: str) -> str | None:
    """The value among ``values`` (any case); None while one is still being typed ("is:st"), else ``error``."""
    value = fold(text.strip())
    if value in values:
        return value
    if prefix and any(v.startswith(value) for v in values):
        return None
    raise FilterValueError(error)


def _parse_is(text: str, prefix: bool) -> str | None:
    return _one_of(
        IS_VALUES, text, prefix, f"unknown filter is:{text} (use is:read, is:unread, is:starred, is:new or is:watched)"
    )


def _is_mask(tables: PaperTables, value: str, prefix: bool, marks: Marks) -> np.ndarray:
    if value in ("new", "watched"):  # what the reader worked out (first seen since the last session; the watch
        found = getattr(marks, value, None)  # list's): sets of ids on its MarkFlags, none without them
        return tables.ids_mask(found) if isinstance(found, (set, frozenset)) and found else tables.empty()
    attribute = "starred" if value in ("starred", "unstarred") else "read"
    mask = tables.empty()
    if marks:
        # a set of ids per flag when the caller has one (store.MarkFlags): no object per mark
        flagged = getattr(marks, attribute, None)
        if not isinstance(flagged, (set, frozenset)):
            flagged = {paper_id for paper_id, mark in marks.items() if getattr(mark, attribute, False)}
        mask = tables.ids_mask(flagged)
    return ~mask if value in ("unread", "unstarred") else mask


# -- date: a calendar span, or a month and day in any year -------------------------------------------------

DATE_HINT = "use 2024-03-11, 2024-03, A..B, >=A, 7d, today"
# what an unfinished calendar value may still become ("2024-0" -> "2024-01"): no error while it is typed
_DATE_ENDINGS = ("", "0", "1", "01", "-01", "-01-01", "0-01-01", "00-01-01", "000-01-01", "2000-01-01", ".", "d")
_DATE_WORDS = ("today", "yesterday")


def _parse_date(text: str, prefix: bool) -> str | None:
    """A calendar form of ``tui_reader.dates.parse_span`` in lower case ("2024-03..", "7d"), else the folded words
    of a month and day ("mar 11")."""
    value = text.strip()
    if parse_span(value) is not None:
        return value.lower()
    if (day := _month_day(value, prefix)) is not None:
        return day
    if not value:
        if prefix:
            return None
        raise FilterValueError(f"date: needs a value ({DATE_HINT})")
    if prefix and _may_become_date(value):
        return None
    raise FilterValueError(f"date:{text} is not a date ({DATE_HINT})")


def _month_day(value: str, prefix: bool) -> str | None:
    """``Mar``, ``March 11``, ``"Mar 11"`` as folded words ("mar 11"); while typed, ``ma`` and ``mar 1`` too."""
    words = words_of(value)
    if not 1 <= len(words) <= 2 or not words[0].isalpha():
        return None
    typing_month = prefix and len(words) == 1 and any(m.lower().startswith(words[0]) for m in MONTHS)
    if month_of(words[0]) is None and not typing_month:
        return None
    if len(words) == 2 and not (words[1].isdigit() and 1 <= int(words[1]) <= 31):
        return None
    return " ".join(words)


def _may_become_date(value: str) -> bool:
    """Can the calendar value being typed still become one (``2024-0``, ``>=2``, ``2024-03-01..2``, ``yes``)?"""
    endings = _DATE_ENDINGS + tuple(word[i:] for word in _DATE_WORDS for i in range(1, len(word)))
    return any(parse_span(value + ending) is not None for ending in endings)


def _date_mask(tables: PaperTables, value: str, prefix: bool, marks: Marks) -> np.ndarray:
    """Papers with a day in the value's span (``2024-03..``, ``7d``: see ``tui_reader.dates.parse_span``), or
    on the value's month and day in any year (``mar 11``; the last word may be unfinished: ``ma``)."""
    days = tables.days()
    span = parse_span(value)
    if span is not None:
        hit = (days.ordinal >= span.first) & (days.ordinal <= span.last)
    else:
        month, *day = value.split()
        months = [
            i + 1
            for i, m in enumerate(MONTHS)
            if m.lower() == month[:3] or (prefix and not day and m.lower().startswith(month))
        ]
        hit = np.isin(days.month, months)
        if day:
            wanted = [d for d in range(1, 32) if str(d) == day[0] or (prefix and str(d).startswith(day[0]))]
            hit &= np.isin(days.day, wanted)
    mask = tables.empty()
    mask[days.paper[hit]] = True
    return mask


# -- author: a word of a name, or words in a row -----------------------------------------------------------


def _given(value: str, prefix: bool, needs: str) -> str | None:
    """A filter's value; an empty one is nothing yet while it is still being typed (``prefix``: None), else the
    error ``needs`` (what the filter wants, with an example)."""
    if value:
        return value
    if prefix:
        return None
    raise FilterValueError(needs)


def _parse_author(text: str, prefix: bool) -> str | None:
    """The folded words of a name, e.g. "yann lecun"."""
    return _given(" ".join(words_of(text)), prefix, 'author: needs a name, e.g. author:hinton or author:"yann lecun"')


def _author_mask(tables: PaperTables, value: str, prefix: bool, marks: Marks) -> np.ndarray:
    """Papers with an author whose name has a word starting with the value (``hint`` finds Hinton), or for
    several words, the words in a row in one name, the last one as a prefix ("yann lec")."""
    vocabulary, postings = tables.author_words()
    *head, last = value.split()
    mask = tables.empty()
    lo = bisect_left(vocabulary, last)
    hi = bisect_left(vocabulary, last + "\U0010ffff", lo)
    for i in range(lo, hi):
        mask[postings[i]] = True
    if head:
        for word in head:
            i = bisect_left(vocabulary, word)
            if i == len(vocabulary) or vocabulary[i] != word:
                return tables.empty()
            having = tables.empty()
            having[postings[i]] = True
            mask &= having
        wanted = value.split()
        for i in np.flatnonzero(mask).tolist():
            mask[i] = any(_starts_in_a_row(words_of(name), wanted) for name in tables.papers[i].authors)
    return mask


def _starts_in_a_row(words: list[str], wanted: list[str]) -> bool:
    """Are ``wanted`` consecutive words of ``words``, the last one as a prefix?"""
    n = len(wanted)
    return any(
        words[i : i + n - 1] == wanted[:-1] and words[i + n - 1].startswith(wanted[-1])
        for i in range(len(words) - n + 1)
    )


# -- cat: an arXiv category, or every category of an archive -------------------------------------------------


def _parse_category(text: str, prefix: bool) -> str | None:
    """A category or archive in lower case ("cs.cl", "cs", "hep-th"); a final dot is the archive ("cs.": "cs")."""
    value = fold(text.strip())
    return _given(value if prefix else value.rstrip("."), prefix, "cat: needs a category, e.g. cat:cs.CL or cat:cs")


def _category_mask(tables: PaperTables, value: str, prefix: bool, marks: Marks) -> np.ndarray:
    """Papers in the category ``value`` or, for an archive, in a category under it (``cs``: ``cs.CL``; not
    ``cs-foo``); while it is being typed, in a category starting with it."""
    vocabulary, postings = tables.categories()
    if prefix:
        spans = [(value, value + "\U0010ffff")]  # every category starting with it
    else:
        spans = [(value, value + "\0"), (value + ".", value + ".\U0010ffff")]  # it, and every one under it
    mask = tables.empty()
    for first, last in spans:
        lo = bisect_left(vocabulary, first)
        for i in range(lo, bisect_left(vocabulary, last, lo)):
            mask[postings[i]] = True
    return mask


# -- note: words of the reader's note; tag: one of the reader's tags ---------------------------------------


def _parse_note(text: str, prefix: bool) -> str | None:
    """The folded words the note must have."""
    return _given(" ".join(words_of(text)), prefix, 'note: needs a word, e.g. note:baseline or note:"read again"')


def _note_mask(tables: PaperTables, value: str, prefix: bool, marks: Marks) -> np.ndarray:
    return tables.ids_mask(_with_note(value, prefix, getattr(marks, "notes", None) or {}))


def _with_note(value: str, prefix: bool, notes: Mapping[str, str]) -> Iterator[str]:
    """Ids of the notes holding every word of ``value`` (the last one may be unfinished, when ``prefix``)."""
    wanted = value.split()
    for paper_id, note in notes.items():
        have = words_of(note)
        if all(
            w in have or (prefix and j == len(wanted) - 1 and any(h.startswith(w) for h in have))
            for j, w in enumerate(wanted)
        ):
            yield paper_id


def _parse_tag(text: str, prefix: bool) -> str | None:
    """A tag, folded."""
    return _given(fold(text.strip()), prefix, "tag: needs a tag, e.g. tag:rl-theory")


def _tag_mask(tables: PaperTables, value: str, prefix: bool, marks: Marks) -> np.ndarray:
    return tables.ids_mask(_with_tag(value, prefix, getattr(marks, "tags", None) or {}))


def _with_tag(value: str, prefix: bool, tags: Mapping[str, tuple[str, ...]]) -> Iterator[str]:
    """Ids of the papers with the tag ``value`` (ignoring case), or a tag starting with it when ``prefix``."""
    for paper_id, paper_tags in tags.items():
        if any(fold(tag) == value or (prefix and fold(tag).startswith(value)) for tag in paper_tags):
            yield paper_id


# -- has: what a paper has (code, a project page, a DOI) or the reader gave it (a note, a tag) -----------------

HAS_VALUES = ("code", "project", "doi", "note", "tag")
CODE_HOSTS = ("github.com", "gitlab.com")


def is_code_link(url: str) -> bool:
    """A link to a repository: ``http(s)://github.com/owner/repo`` (or gitlab.com, ``www.`` or not, any case)."""
    lowered = url.lower()
    if "github.com/" not in lowered and "gitlab.com/" not in lowered:  # most links: said at C speed
        return False
    scheme, sep, rest = lowered.partition("://")
    if not sep or scheme not in ("http", "https"):
        return False
    host, _, path = rest.partition("/")
    owner, _, repo = path.partition("/")
    return host.removeprefix("www.") in CODE_HOSTS and bool(owner) and bool(repo.strip("/"))


def _has_code(paper: Paper) -> bool:
    return bool(paper.github_repo) or any(map(is_code_link, paper.links))


_PAPER_HAS: Mapping[str, Callable[[Paper], bool]] = {
    "code": _has_code,
    "project": lambda paper: bool(paper.project_page),
    "doi": lambda paper: bool(paper.doi),
}


def _parse_has(text: str, prefix: bool) -> str | None:
    known = ", ".join(f"has:{value}" for value in HAS_VALUES[:-1]) + f" or has:{HAS_VALUES[-1]}"
    return _one_of(HAS_VALUES, text, prefix, f"unknown filter has:{text} (use {known})")


def _has_mask(tables: PaperTables, value: str, prefix: bool, marks: Marks) -> np.ndarray:
    """What the paper has: worked out once per paper (``PaperTables.flags``); a note or tags: from the marks."""
    if (test := _PAPER_HAS.get(value)) is not None:
        return tables.flags(f"has:{value}", test)
    given: Mapping[str, object] = getattr(marks, "notes" if value == "note" else "tags", None) or {}
    return tables.ids_mask(paper_id for paper_id, kept in given.items() if kept)


# -- the registry: the order of the error message that lists the known filters, and of the help -------------

FILTERS: Mapping[str, FilterSpec] = {
    spec.name: spec
    for spec in (
        FilterSpec(
            "is",
            _parse_is,
            _is_mask,
            "is:read  is:unread  is:starred   -is:starred (any filter negated)   is:new  is:watched (the reader's)",
        ),
        FilterSpec(
            "date",
            _parse_date,
            _date_mask,
            "date:2024-03-11  date:2024-03  date:2024-03-01..2024-03-15  date:2024-03..  date:>=2024-03-01\n"
            'date:today  date:yesterday  date:7d  date:2w   date:Mar  date:"Mar 11" (that day in any year)\n'
            "A paper's dates are the days Daily Papers listed it and its arXiv published day: any of them may match.",
        ),
        FilterSpec(
            "author",
            _parse_author,
            _author_mask,
            'author:hint (a name word starting so, any accent or case)   author:"yann lecun"   '
            "author:a author:b (both)",
        ),
        FilterSpec(
            "cat",
            _parse_category,
            _category_mask,
            "cat:cs.CL (an arXiv category, any case)   cat:math (math.CO, math.NT…: up to the dot; not math-ph)",
        ),
        FilterSpec("note", _parse_note, _note_mask, 'note:word  note:"two words" (your note has them)'),
        FilterSpec("tag", _parse_tag, _tag_mask, "tag:rl-theory (a tag; a prefix while typing)"),
        FilterSpec(
            "has",
            _parse_has,
            _has_mask,
            "has:code (a GitHub repo, or a GitHub or GitLab link)   has:project  has:doi  has:note  has:tag",
            {f"has:{value}": test for value, test in _PAPER_HAS.items()},
        ),
    )
}
