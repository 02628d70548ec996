"""The query language: what the user types, parsed into terms, phrases, exclusions and filters.

    diffusion mod      every term should match (title or abstract); the last one may be unfinished (a prefix);
                       other forms, compounds and acronyms count (the index decides: tui_reader.search.index)
    difusion           typos are forgiven: one edit between words of 3-8 letters, two from 9 letters
    "neural tangent"   the words in a row (an unclosed quote still searches, and says so)
    -diffusion         no paper with the word, or a word starting with it
    is:read  is:unread  is:starred                          (-is:starred negates a filter)
    author:hint        an author's name has a word starting with it ("author:müll" finds Müller);
                       author:"yann lecun" the words in a row; several author: terms must all match
    date:2024-03-11  date:2024-03  date:2024  date:2024-03-01..2024-03-15  date:2024-03..  date:>=2024-03-01
    date:today  date:yesterday  date:7d  date:2w (the last 7 or 14 days, today included)
    date:Mar  date:"Mar 11"   that month or day in any year (listing dates written without a year too)
    note:word  note:"two words"   papers whose note has the words     tag:rl-theory   papers with that tag
    foo:bar            an unknown filter: reported, and left out of the query

A paper's days are its listing dates (the days Daily Papers listed it) and its arXiv published date; a ``date:``
filter keeps the papers with any of their days in the range (``tui_reader.dates``).

Parsing never fails: a problem becomes ``Query.error`` and the rest of the query still counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tui_reader.dates import MONTHS, month_of, parse_span
from tui_reader.search.text import fold, words_of

__all__ = ["FIELDS", "IS_VALUES", "Filter", "Query", "Term", "max_typos", "parse_query"]

IS_VALUES = ("read", "unread", "starred", "unstarred")


def max_typos(length: int) -> int:
    """Edits forgiven between a term and a word, the longer of them ``length`` letters long: none up to 2
    letters, one up to 8, then two."""
    return 0 if length < 3 else 1 if length < 9 else 2


@dataclass(frozen=True, slots=True)
class Term:
    """A word, or a phrase when ``words`` has several; ``prefix``: the last word is still being typed."""

    words: tuple[str, ...]
    exclude: bool = False
    prefix: bool = False

    @property
    def phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True, slots=True)
class Filter:
    """``is:VALUE`` (read, unread, starred, unstarred), ``author:VALUE`` (folded words, e.g. "yann lecun"),
    ``date:VALUE`` (a calendar form of ``tui_reader.dates.parse_span`` in lower case, "2024-03..", "7d", else the
    folded words of a month and day, "mar 11"), ``note:VALUE`` (folded words) or ``tag:VALUE`` (a tag, folded)."""

    field: str
    value: str
    exclude: bool = False
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    terms: tuple[Term, ...] = ()  # must all match: words and phrases
    excluded: tuple[Term, ...] = ()  # none may match
    filters: tuple[Filter, ...] = ()
    error: str | None = None

    @property
    def phrases(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.phrase)

    @property
    def empty(self) -> bool:
        return not (self.terms or self.excluded or self.filters)


@dataclass(slots=True)
class _Token:
    text: str
    quoted: bool
    closed: bool  # False: an opening quote without its closing one
    exclude: bool
    field: str | None


FIELDS = ("is", "date", "author", "note", "tag")  # the filters; any other ``word:value`` is reported, and left out
# a known field even with no value yet ("is:" being typed), any other word only with a value ("RLIF: Interactive"
# is two words, "foo:bar" an unknown filter)
_FIELD = re.compile(rf"({'|'.join(FIELDS)}):|([^\W\d_]\w*):(?=[^\s:])", re.IGNORECASE)
DATE_HINT = "use 2024-03-11, 2024-03, A..B, >=A, 7d, today"
# what an unfinished calendar value may still become ("2024-0" -> "2024-01"): no error while it is typed
_DATE_ENDINGS = ("", "0", "1", "01", "-01", "-01-01", "0-01-01", "00-01-01", "000-01-01", "2000-01-01", ".", "d")
_DATE_WORDS = ("today", "yesterday")


def _tokens(text: str) -> Iterator[_Token]:
    """Split at spaces, keeping ``"quoted text"`` together, with its ``-`` and ``field:`` prefixes."""
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        exclude = text[i] == "-"
        i += exclude
        field = None
        if m := _FIELD.match(text, i):
            field = (m.group(1) or m.group(2)).lower()
            i = m.end()
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            closed = end >= 0
            end = end if closed else n
            yield _Token(text[i + 1 : end], True, closed, exclude, field)
            i = end + 1
        else:
            end = i
            while end < n and not text[end].isspace():
                end += 1
            yield _Token(text[i:end], False, True, exclude, field)
            i = end


def parse_query(text: str) -> Query:
    """Parse what the user typed (see the module docstring)."""
    terms: list[Term] = []
    excluded: list[Term] = []
    filters: list[Filter] = []
    errors: list[str] = []
    tokens = list(_tokens(text))
    cursor_on_word = bool(text) and not text[-1].isspace()
    for position, token in enumerate(tokens):
        last = position == len(tokens) - 1
        # the last token is unfinished while the cursor touches it, or while its quote is open
        prefix = last and ((cursor_on_word and not token.quoted) or not token.closed)
        if not token.closed:
            errors.append('unclosed quote: add the closing "')
        if token.field == "is":
            value = fold(token.text.strip())
            if value in IS_VALUES:
                filters.append(Filter("is", value, token.exclude, prefix))
            elif not (prefix and any(v.startswith(value) for v in IS_VALUES)):  # "is:st" is being typed
                errors.append(f"unknown filter is:{token.text} (use is:read, is:unread or is:starred)")
        elif token.field == "date":
            value = token.text.strip()
            if parse_span(value) is not None:
                filters.append(Filter("date", value.lower(), token.exclude, prefix))
            elif (day := _month_day(value, prefix)) is not None:
                filters.append(Filter("date", day, token.exclude, prefix))
            elif not value:
                if not prefix:
                    errors.append(f"date: needs a value ({DATE_HINT})")
            elif not (prefix and _may_become_date(value)):
                errors.append(f"date:{token.text} is not a date ({DATE_HINT})")
        elif token.field == "author":
            if name := " ".join(words_of(token.text)):
                filters.append(Filter("author", name, token.exclude, prefix))
            elif not prefix:
                errors.append('author: needs a name, e.g. author:hinton or author:"yann lecun"')
        elif token.field == "note":
            if value := " ".join(words_of(token.text)):
                filters.append(Filter("note", value, token.exclude, prefix))
            elif not prefix:
                errors.append('note: needs a word, e.g. note:baseline or note:"read again"')
        elif token.field == "tag":
            if value := fold(token.text.strip()):
                filters.append(Filter("tag", value, token.exclude, prefix))
            elif not prefix:
                errors.append("tag: needs a tag, e.g. tag:rl-theory")
        elif token.field is not None and token.field not in FIELDS:
            known = ", ".join(f"{f}:" for f in FIELDS)
            errors.append(f"unknown filter {token.field}: (known: {known})")
        elif words := tuple(words_of(token.text)):  # "physics-informed" is a phrase of two words
            (excluded if token.exclude else terms).append(Term(words, token.exclude, prefix))
    error = "; ".join(dict.fromkeys(errors)) or None
    return Query(text, tuple(terms), tuple(excluded), tuple(filters), error)


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
