"""What a search answers: the papers' positions best first (``Positions``) and what matched in each, to highlight
(``SearchResult.spans``), for the word matching of tui_reader.search.index and for "more like this"."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from tui_reader.paper import Paper, Span, Spans
from tui_reader.search.query import Query, parse_query
from tui_reader.search.ranking import best, rank
from tui_reader.search.text import word_spans

__all__ = ["Matcher", "Positions", "SearchResult"]

_FIRST_ROWS = 256  # rows ranked at first: a screen of the list, and some to scroll
_NONE = np.empty(0, np.uint32)


class Positions(Sequence[int]):
    """Paper positions, best first, kept in a numpy array (no Python int per paper until asked).

    ``Positions.ranked(score, keep)`` orders a search's papers lazily (tui_reader.search.ranking): the rows asked
    for first (the list's first screen) are found without sorting every match; the whole order is worked out the
    first time a later row, an iteration or ``array`` needs it.
    """

    __slots__ = ("_array", "_count", "_first", "_keep", "_score")

    def __init__(self, array: np.ndarray) -> None:
        self._array: np.ndarray | None = array
        self._first = array  # the first rows, best first (all of them once ``_array`` is known)
        self._count = len(array)
        self._score: np.ndarray | None = None
        self._keep: np.ndarray | None = None

    @classmethod
    def ranked(cls, score: np.ndarray, keep: np.ndarray) -> Positions:
        """The papers of ``keep`` (bool per paper), the highest ``score`` (uint16 per paper) first, ties in
        position order. Both arrays are kept as they are: the caller must not change them."""
        positions = cls(_NONE)
        positions._array = None
        positions._count = int(np.count_nonzero(keep))
        positions._score, positions._keep = score, keep
        return positions

    @property
    def array(self) -> np.ndarray:
        """Every position, best first."""
        array = self._array
        if array is None:
            assert self._score is not None and self._keep is not None
            array = rank(self._score, self._keep)
            self._first = self._array = array
            self._score = None
        return array

    def _head(self, stop: int) -> np.ndarray:
        """At least the first ``stop`` positions (fewer only when there are fewer)."""
        first = self._first
        if len(first) >= stop or self._array is not None:
            return first
        want = max(_FIRST_ROWS, 4 * len(first), stop)
        assert self._score is not None and self._keep is not None
        if want * 4 >= self._count or self._count * 8 <= len(self._keep):  # sorting them all costs as much
            return self.array
        first = best(self._score, self._keep, want)
        self._first = first
        return first

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, item: int) -> int: ...
    @overload
    def __getitem__(self, item: slice) -> list[int]: ...
    def __getitem__(self, item: int | slice) -> int | list[int]:
        if isinstance(item, slice):
            start, stop, step = item.indices(self._count)
            if step > 0:
                return list(self._head(stop)[start:stop:step].tolist())
            return list(self.array[item].tolist())
        at = item + self._count if item < 0 else item
        if not 0 <= at < self._count:
            raise IndexError(item)
        return int(self._head(at + 1)[at])

    def __iter__(self) -> Iterator[int]:
        return iter(self.array.tolist())

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int):
            return False
        if self._keep is not None:
            return 0 <= value < len(self._keep) and bool(self._keep[value])
        return bool((self.array == value).any())

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        hits = np.flatnonzero(self.array[start:stop] == value)
        if not len(hits):
            raise ValueError(f"{value!r} is not in the results")
        return start + int(hits[0])

    def __repr__(self) -> str:
        return f"Positions({self[:10]}{'...' if len(self) > 10 else ''})"


@dataclass(frozen=True, slots=True)
class Matcher:
    """Which words count as a match of one query term, to highlight them."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    phrase: tuple[str, ...] = ()  # several words in a row; the last one may be a prefix
    phrase_prefix: bool = False
    runs: tuple[tuple[str, ...], ...] = ()  # words in a row, or joined ("geometry-aware" for geometryaware)

    def regex(self) -> str:
        """This matcher as a regular expression over lower-case ASCII text (boundaries added by the caller)."""
        if self.phrase:
            return r"[\W_]+".join(map(re.escape, self.phrase)) + (r"[^\W_]*" if self.phrase_prefix else "")
        runs = [r"[\W_]*".join(map(re.escape, run)) for run in self.runs]
        words = sorted(map(re.escape, self.words), key=len, reverse=True)
        return "|".join(runs + words + [re.escape(p) + r"[^\W_]*" for p in self.prefixes])

    def spans(self, words: list[tuple[int, int, str]]) -> list[Span]:
        """Spans of the matching words, given ``word_spans()`` of a text."""
        if not self.phrase:
            found = [(a, b) for a, b, w in words if w in self.words or (self.prefixes and w.startswith(self.prefixes))]
            for run in self.runs:
                n = len(run)
                found += [
                    (words[i][0], words[i + n - 1][1])
                    for i in range(len(words) - n + 1)
                    if all(words[i + j][2] == run[j] for j in range(n))
                ]
            return found
        *head, last = self.phrase
        found = []
        for i in range(len(words) - len(head)):
            window = words[i : i + len(self.phrase)]
            tail = window[-1][2]
            if all(w[2] == h for w, h in zip(window, head, strict=False)) and (
                tail == last or (self.phrase_prefix and tail.startswith(last))
            ):
                found.append((window[0][0], window[-1][1]))
        return found


def highlight(text: str, matchers: Sequence[Matcher], pattern: re.Pattern[str] | None) -> Spans:
    if not text or not matchers:
        return ()
    if pattern is not None and text.isascii():  # one regex pass (folding ASCII keeps every position)
        found = [m.span() for m in pattern.finditer(text.lower().replace("_", " "))]
    else:
        words = word_spans(text)
        found = sorted(s for m in matchers for s in m.spans(words))
    merged: list[list[int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


class SearchResult:
    """Papers matching one query: ``indices`` into the papers, best first; ``spans()`` says what matched."""

    def __init__(
        self,
        query: str,
        indices: Sequence[int],
        papers: Sequence[Paper],
        matchers: Sequence[Matcher] = (),
        parsed: Query | None = None,
    ) -> None:
        self.query = query
        self.indices = indices
        self.parsed = parsed if parsed is not None else parse_query(query)
        self.error: str | None = self.parsed.error
        self.partial = False  # no paper matched every term: these match some, the most first
        self._papers = papers
        self._matchers = tuple(matchers)
        alternatives = "|".join(m.regex() for m in sorted(self._matchers, key=lambda m: not m.phrase))
        self._pattern = re.compile(rf"\b(?:{alternatives})(?![^\W_])") if self._matchers else None
        self._spans: dict[int, tuple[Spans, Spans]] = {}

    def __len__(self) -> int:
        return len(self.indices)

    def __repr__(self) -> str:
        return f"SearchResult({self.query!r}, {len(self)} papers, error={self.error!r})"

    def spans(self, paper_index: int) -> tuple[Spans, Spans]:
        """(title spans, abstract spans): character ``[start, end)`` ranges of what matched, to highlight."""
        spans = self._spans.get(paper_index)
        if spans is None:
            paper = self._papers[paper_index]
            spans = (
                highlight(paper.title, self._matchers, self._pattern),
                highlight(paper.abstract, self._matchers, self._pattern),
            )
            self._spans[paper_index] = spans
        return spans

    def title_spans(self, paper_index: int) -> Spans:
        """Only the title's spans (cheaper than ``spans`` for a list row)."""
        if paper_index in self._spans:
            return self._spans[paper_index][0]
        return highlight(self._papers[paper_index].title, self._matchers, self._pattern)
