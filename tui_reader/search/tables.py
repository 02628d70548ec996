"""What the search filters look papers up in, each table worked out on first use and kept: the position of each
paper id, every day of every paper, the words of the authors' names, the categories, and one flag per paper for
what a filter asks of each paper alone (``has:code``) (tui_reader.search.filters).

Kept, so that a filter typed key by key over 100k papers goes through them once, not at every key. A big corpus
works them all out in one pass (``work_out``, in the process that builds its index) and keeps them on disk beside
the index (tui_reader.search.table_files): ``PaperTables(papers, size, ready)`` starts with them, or takes them up
when they are there (``ready`` a function that loads them: that process stores them after the index)."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Generic, NamedTuple, TypeVar

import numpy as np

from tui_reader.dates import paper_days
from tui_reader.paper import Paper
from tui_reader.search.text import words_of
from tui_reader.search.texts import id_positions

__all__ = ["Days", "Later", "PaperTables", "Ready", "Words"]

T_co = TypeVar("T_co", covariant=True)
_SLICE = 4096  # papers made at a time while walking them all (a store makes each on demand)


class Days(NamedTuple):
    """Every day of every paper, one entry per day: its paper, ordinal (0 without a year), month and day."""

    paper: np.ndarray
    ordinal: np.ndarray
    month: np.ndarray
    day: np.ndarray


# sorted words and, for each, the ascending positions of the papers having it
Words = tuple[list[str], Sequence[np.ndarray]]


class Ready(NamedTuple):
    """Every table over the first ``size`` papers, worked out before (kept on disk): flags by their name."""

    size: int
    days: Days
    authors: Words
    categories: Words
    flags: Mapping[str, np.ndarray]


# what may give the tables later (None: not yet), asked before a table is worked out
Later = Callable[[], Ready | None]


class PaperTables:
    """Tables over the first ``size`` of ``papers`` (the papers an index was built over), or ``ready`` ones.
    Safe to use from several threads: each table is worked out under a lock, then only read."""

    def __init__(self, papers: Sequence[Paper], size: int, ready: Ready | Later | None = None) -> None:
        self.papers = papers
        self.size = size
        self._lock = threading.Lock()
        self._positions: Mapping[str, int] | None = None
        self._days: Days | None = None
        self._authors: Words | None = None
        self._categories: Words | None = None
        self._flags: dict[str, np.ndarray] = {}
        self._later: Later | None = None
        if isinstance(ready, Ready):
            if ready.size != size:
                raise ValueError("the tables are for another set of papers")
            self._take(ready)
        else:
            self._later = ready

    def _take(self, ready: Ready) -> None:
        """Tables worked out before, for those not worked out here yet."""
        self._days = ready.days if self._days is None else self._days
        self._authors = ready.authors if self._authors is None else self._authors
        self._categories = ready.categories if self._categories is None else self._categories
        self._flags = {**ready.flags, **self._flags}

    def _ask_later(self) -> None:
        """Before working a table out: are the tables there now (stored meanwhile by another process)?"""
        if self._later is not None and (ready := self._later()) is not None and ready.size == self.size:
            self._later = None
            self._take(ready)

    def empty(self) -> np.ndarray:
        """No paper: a mask to set some papers in."""
        return np.zeros(self.size, np.bool_)

    def ids_mask(self, ids: Iterable[str]) -> np.ndarray:
        """The papers with these ids (ids of no paper are left out)."""
        mask = self.empty()
        size = self.size
        positions_of = getattr(self.papers, "positions_of", None)  # a PaperSet: its stores' rows looked up at once
        if positions_of is not None:
            found = positions_of(ids)
            mask[found[(found >= 0) & (found < size)]] = True
            return mask
        positions = self.positions()
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
                self._ask_later()
            if self._days is None:
                self._days = _walked(self, _DaysOf())
            return self._days

    def author_words(self) -> Words:
        """The sorted words of every author's name and the papers having each."""
        with self._lock:
            if self._authors is None:
                self._ask_later()
            if self._authors is None:
                self._authors = _walked(self, _AuthorWords())
            return self._authors

    def categories(self) -> Words:
        """The sorted categories of every paper, in lower case (``cs.cl``, ``hep-th``), and the papers having each."""
        with self._lock:
            if self._categories is None:
                self._ask_later()
            if self._categories is None:
                self._categories = _walked(self, _Categories())
            return self._categories

    def flags(self, name: str, test: Callable[[Paper], bool]) -> np.ndarray:
        """``test`` of each paper, one bool per paper, worked out once for ``name`` (a fresh copy each time: the
        caller may change it)."""
        with self._lock:
            if name not in self._flags:
                self._ask_later()
            found = self._flags.get(name)
            if found is None:
                found = self._flags[name] = _walked(self, _Flags(test, self.size))
            return found.copy()

    def work_out(self, tests: Mapping[str, Callable[[Paper], bool]]) -> Ready:
        """Every table, and the flags of ``tests`` by name, in one pass over the papers (each paper made once)."""
        days, authors, categories = _DaysOf(), _AuthorWords(), _Categories()
        flags = {name: _Flags(test, self.size) for name, test in tests.items()}
        every: list[_Table[object]] = [days, authors, categories, *flags.values()]
        for i, paper in _walk(self.papers, self.size):
            for table in every:
                table.add(i, paper)
        return Ready(self.size, days.done(), authors.done(), categories.done(), {n: f.done() for n, f in flags.items()})


# -- the tables, worked out paper by paper -------------------------------------------------------------------


def _walk(papers: Sequence[Paper], size: int) -> Iterator[tuple[int, Paper]]:
    """The first ``size`` papers and their positions, made a slice at a time."""
    for start in range(0, size, _SLICE):
        yield from enumerate(papers[start : min(start + _SLICE, size)], start)


class _Table(Generic[T_co]):
    def add(self, i: int, paper: Paper) -> None:
        raise NotImplementedError

    def done(self) -> T_co:
        raise NotImplementedError


def _walked(tables: PaperTables, table: _Table[T_co]) -> T_co:
    for i, paper in _walk(tables.papers, tables.size):
        table.add(i, paper)
    return table.done()


class _DaysOf(_Table[Days]):
    def __init__(self) -> None:
        self.paper: list[int] = []
        self.ordinal: list[int] = []
        self.month: list[int] = []
        self.day: list[int] = []

    def add(self, i: int, paper: Paper) -> None:
        for d in paper_days(paper):
            self.paper.append(i)
            self.ordinal.append(d.date.toordinal() if d.date is not None else 0)
            self.month.append(d.month)
            self.day.append(d.day)

    def done(self) -> Days:
        return Days(
            np.array(self.paper, np.int64),
            np.array(self.ordinal, np.int64),
            np.array(self.month, np.int8),
            np.array(self.day, np.int8),
        )


class _AuthorWords(_Table[Words]):
    def __init__(self) -> None:
        self.papers_of: defaultdict[str, list[int]] = defaultdict(list)
        self.folded: dict[str, list[str]] = {}  # names recur across papers: fold each once

    def add(self, i: int, paper: Paper) -> None:
        for name in paper.authors:
            words = self.folded.get(name)
            if words is None:
                words = self.folded[name] = words_of(name)
            for word in words:
                found = self.papers_of[word]
                if not found or found[-1] != i:
                    found.append(i)

    def done(self) -> Words:
        vocabulary = sorted(self.papers_of)
        return vocabulary, [np.array(self.papers_of[w], np.int64) for w in vocabulary]


class _Categories(_Table[Words]):
    def __init__(self) -> None:
        # papers share their lists of categories (arXiv has a few thousand): one dict step per paper, then the
        # work per list (~4x faster than per paper at 100k)
        self.having: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)

    def add(self, i: int, paper: Paper) -> None:
        self.having[paper.categories].append(i)

    def done(self) -> Words:
        parts: defaultdict[str, list[np.ndarray]] = defaultdict(list)
        for categories, papers in self.having.items():
            positions = np.array(papers, np.int64)
            for category in {c.lower() for c in categories}:
                parts[category].append(positions)
        vocabulary = sorted(parts)
        return vocabulary, [np.sort(np.concatenate(parts[c])) for c in vocabulary]


class _Flags(_Table[np.ndarray]):
    def __init__(self, test: Callable[[Paper], bool], size: int) -> None:
        self.test = test
        self.found = np.zeros(size, np.bool_)

    def add(self, i: int, paper: Paper) -> None:
        if self.test(paper):
            self.found[i] = True

    def done(self) -> np.ndarray:
        return self.found
