"""What the search filters look papers up in, each table worked out on first use and kept: the position of each
paper id, every day of every paper, the words of the authors' names, the categories, and one flag per paper for
what a filter asks of each paper alone (``has:code``) (tui_reader.search.filters).

Kept, so that a filter typed key by key over 100k papers goes through them once, not at every key."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from tui_reader.dates import paper_days
from tui_reader.paper import Paper
from tui_reader.search.text import words_of
from tui_reader.search.texts import id_positions

__all__ = ["Days", "PaperTables"]


class Days(NamedTuple):
    """Every day of every paper, one entry per day: its paper, ordinal (0 without a year), month and day."""

    paper: np.ndarray
    ordinal: np.ndarray
    month: np.ndarray
    day: np.ndarray


class PaperTables:
    """Tables over the first ``size`` of ``papers`` (the papers an index was built over). Safe to use from
    several threads: each table is worked out under a lock, then only read."""

    def __init__(self, papers: Sequence[Paper], size: int) -> None:
        self.papers = papers
        self.size = size
        self._lock = threading.Lock()
        self._positions: Mapping[str, int] | None = None
        self._days: Days | None = None
        self._authors: tuple[list[str], list[np.ndarray]] | None = None
        self._categories: tuple[list[str], list[np.ndarray]] | None = None
        self._flags: dict[str, np.ndarray] = {}

    def empty(self) -> np.ndarray:
        """No paper: a mask to set some papers in."""
        return np.zeros(self.size, np.bool_)

    def ids_mask(self, ids: Iterable[str]) -> np.ndarray:
        """The papers with these ids (ids of no paper are left out)."""
        mask = self.empty()
        positions, size = self.positions(), self.size
        mask[[i for i in map(positions.get, ids) if i is not None and i < size]] = True
        return mask

    def positions(self) -> Mapping[str, int]:
        """Each paper's position, by id (papers added after the index was built may be there too: their
        positions are ``size`` or more)."""
        with self._lock:
            if self._positions is None:
                self._positions = id_positions(self.papers)
            return self._positions

    def days(self) -> Days:
        """Every day of every paper (``tui_reader.dates.paper_days``), flat."""
        with self._lock:
            if self._days is None:
                paper, ordinal, month, day = [], [], [], []
                for i, found in enumerate(map(paper_days, self.papers[: self.size])):
                    for d in found:
                        paper.append(i)
                        ordinal.append(d.date.toordinal() if d.date is not None else 0)
                        month.append(d.month)
                        day.append(d.day)
                self._days = Days(
                    np.array(paper, np.int64),
                    np.array(ordinal, np.int64),
                    np.array(month, np.int8),
                    np.array(day, np.int8),
                )
            return self._days

    def author_words(self) -> tuple[list[str], list[np.ndarray]]:
        """The sorted words of every author's name and the papers having each."""
        with self._lock:
            if self._authors is None:
                papers_of: defaultdict[str, list[int]] = defaultdict(list)
                folded: dict[str, list[str]] = {}  # names recur across papers: fold each once
                for i, paper in enumerate(self.papers[: self.size]):
                    for name in paper.authors:
                        words = folded.get(name)
                        if words is None:
                            words = folded[name] = words_of(name)
                        for word in words:
                            found = papers_of[word]
                            if not found or found[-1] != i:
                                found.append(i)
                vocabulary = sorted(papers_of)
                self._authors = (vocabulary, [np.array(papers_of[w], np.int64) for w in vocabulary])
            return self._authors

    def categories(self) -> tuple[list[str], list[np.ndarray]]:
        """The sorted categories of every paper, in lower case (``cs.cl``, ``hep-th``), and the papers having each."""
        with self._lock:
            if self._categories is None:
                # papers share their lists of categories (arXiv has a few thousand): one dict step per paper, then
                # the work per list (~4x faster than per paper at 100k)
                having: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
                for i, paper in enumerate(self.papers[: self.size]):
                    having[paper.categories].append(i)
                parts: defaultdict[str, list[np.ndarray]] = defaultdict(list)
                for categories, papers in having.items():
                    positions = np.array(papers, np.int64)
                    for category in {c.lower() for c in categories}:
                        parts[category].append(positions)
                vocabulary = sorted(parts)
                self._categories = (vocabulary, [np.sort(np.concatenate(parts[c])) for c in vocabulary])
            return self._categories

    def flags(self, name: str, test: Callable[[Paper], bool]) -> np.ndarray:
        """``test`` of each paper, one bool per paper, worked out once for ``name`` (a fresh copy each time: the
        caller may change it)."""
        with self._lock:
            found = self._flags.get(name)
            if found is None:
                found = self._flags[name] = np.fromiter(map(test, self.papers[: self.size]), np.bool_, self.size)
            return found.copy()
