"""The query language: what the user types, parsed into terms, phrases, exclusions and filters.

    diffusion mod      every term should match (title or abstract); the last one may be unfinished (a prefix);
                       other forms, compounds and acronyms count (the index decides: tui_reader.search.index)
    difusion           typos are forgiven: one edit between words of 3-8 letters, two from 9 letters
    "neural tangent"   the words in a row (an unclosed quote still searches, and says so)
    -diffusion         no paper with the word, or a word starting with it
    date:2024-03       a filter: one of tui_reader.search.filters.FILTERS, documented there; -date:2024-03
                       negates it
    foo:bar            an unknown filter: reported, and left out of the query

Parsing never fails: a problem becomes ``Query.error`` and the rest of the query still counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tui_reader.search.filters import FILTERS, FilterValueError
from tui_reader.search.text import words_of

__all__ = ["Filter", "Query", "Term", "max_typos", "parse_query"]


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
    """``field:value``: ``field`` names a filter of tui_reader.search.filters.FILTERS, ``value`` is what its
    ``parse`` made of the typed value (``is:Starred``: "starred", ``date:"Mar 11"``: "mar 11")."""

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


# a known filter even with no value yet ("is:" being typed), any other word only with a value ("RLIF: Interactive"
# is two words, "foo:bar" an unknown filter)
_FIELD = re.compile(rf"({'|'.join(map(re.escape, FILTERS))}):|([^\W\d_]\w*):(?=[^\s:])", re.IGNORECASE)


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


def finish_filters(text: str) -> str:
    """A query given whole (on the command line), not typed: a filter ending it is finished (``cat:math`` is that
    archive, not every category starting with "math"), while a last plain word stays a prefix, as in the search
    box ("gaussian proces" finds processes)."""
    tokens = list(_tokens(text))
    ends_in_filter = bool(tokens) and tokens[-1].field is not None and tokens[-1].closed
    return f"{text} " if ends_in_filter and not text[-1:].isspace() else text


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
        if token.field is not None:
            try:
                if (found := _filter(token, prefix)) is not None:
                    filters.append(found)
            except FilterValueError as problem:
                errors.append(str(problem))
        elif words := tuple(words_of(token.text)):  # "physics-informed" is a phrase of two words
            (excluded if token.exclude else terms).append(Term(words, token.exclude, prefix))
    error = "; ".join(dict.fromkeys(errors)) or None
    return Query(text, tuple(terms), tuple(excluded), tuple(filters), error)


def _filter(token: _Token, prefix: bool) -> Filter | None:
    """The filter ``token`` is; None while its value is still being typed. Raises FilterValueError for an unknown
    filter or a value it cannot take."""
    spec = FILTERS.get(token.field or "")
    if spec is None:
        known = ", ".join(f"{name}:" for name in FILTERS)
        raise FilterValueError(f"unknown filter {token.field}: (known: {known})")
    value = spec.parse(token.text, prefix)
    return None if value is None else Filter(spec.name, value, token.exclude, prefix)
