"""The orders a list of papers can be shown in, fast at 100,000 papers. Plain numpy, no Textual.

``sort_rows(papers, rows, sort)`` puts the rows (positions in ``papers``) in an order. Each paper's keys (its
latest calendar day from ``tui_reader.dates.sort_day``, its upvotes, its title's place in title order) are worked
out once and kept; they grow with the papers (positions never change) and are worked out again for a paper that
merged with another one (a new object at its position). Then a sort is one stable argsort of the shown rows'
keys: ties keep the order they came in (the search's ranking, else the listing order), and papers without a date,
or without upvotes, come after the others in both directions. ``can_order`` says when not one of the shown papers
has what a sort orders by (the bundled dumps: no day with a year, no upvotes): the reader then says so.

Working the keys out costs ~1.5 s per 100k papers: the app does it in a worker thread (``SortKeys.prepare``).
``Sort`` alone loads no numpy (the reader's state holds one before the first paint); numpy and the search package
are imported when keys are first worked out.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from enum import Enum
from operator import is_not
from typing import TYPE_CHECKING

from tui_reader.dates import sort_day
from tui_reader.paper import Paper

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Sort", "SortKeys", "can_order", "sort_keys", "sort_rows"]

_LAST = 2**31 - 1  # the key of a paper with no date / no upvotes: after every other


class Sort(Enum):
    """How the list is ordered. RELEVANCE is the search's own order: best first with a query, and without one
    the listing order (the order of the files, as the corpus lists the papers)."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"
    UPVOTES = "upvotes"
    TITLE = "title"

    def next(self) -> Sort:
        order = list(Sort)
        return order[(order.index(self) + 1) % len(order)]

    def label(self, has_query: bool) -> str:
        """What the status line calls it: the default order is "relevance" with a query, else "as listed"."""
        if self is Sort.RELEVANCE:
            return "relevance" if has_query else "as listed"
        return str(self.value)


class SortKeys:
    """Per-paper sort keys of a growing sequence of papers (a ``PaperSet``), kept in numpy arrays.

    Safe to use from several threads: one refreshes at a time, and a sort reads arrays that are replaced, never
    changed in place, once published."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        import numpy as np

        self.papers = papers
        self._lock = threading.Lock()
        self._revision: int | None = None  # PaperSet.revision the keys were worked out at (None: look every time)
        self._seen: list[Paper] = []  # the paper objects the keys were worked out from
        self._day = np.zeros(0, np.int32)  # proleptic ordinal of the latest calendar day; 0: none
        self._upvotes = np.zeros(0, np.int32)  # -1: none
        self._keys: dict[Sort, np.ndarray] = {}  # per sort, made on first use after a change
        self._each = False  # the keys were worked out from each paper in turn (a store's: no objects kept)

    def refresh(self) -> None:
        """Work out the keys of papers added or merged since the last call."""
        import numpy as np

        with self._lock:
            revision = getattr(self.papers, "revision", None)
            if revision is not None and revision == self._revision and len(self.papers) == len(self._day):
                return  # the PaperSet has not changed: no need to look at each paper
            if getattr(self.papers, "stored", False):  # papers on disk: each built in turn, never all held
                self._from_each(revision)
                return
            papers = list(self.papers)
            seen = self._seen
            changed = np.flatnonzero(np.fromiter(map(is_not, papers, seen), np.bool_, len(seen))).tolist()
            self._revision = revision
            if not changed and len(papers) == len(seen):
                return
            new = papers[len(seen) :]
            new_day, new_upvotes = _key_arrays(new, len(new))
            day, upvotes = np.concatenate([self._day, new_day]), np.concatenate([self._upvotes, new_upvotes])
            for i in changed:
                day[i], upvotes[i] = _keys_of(papers[i])
            self._seen, self._day, self._upvotes, self._keys = papers, day, upvotes, {}

    def _from_each(self, revision: int | None) -> None:
        """Every key worked out again from each paper in turn (a set holding a store: nothing to compare with)."""
        day, upvotes = _key_arrays(self.papers, len(self.papers))
        self._revision, self._seen, self._day, self._upvotes, self._keys = revision, [], day, upvotes, {}
        self._each = True

    def prepare(self) -> None:
        """Work out every sort's keys now (a worker's job: ~1.5 s per 100k papers), so no sort waits for them."""
        for sort in Sort:
            if sort is not Sort.RELEVANCE:
                self.key(sort)

    def key(self, sort: Sort) -> np.ndarray:
        """One small integer per paper, smaller first, for every sort but RELEVANCE. Dense ranks: with fewer
        than 65,536 distinct keys (days, upvote counts) they are 16-bit, which numpy sorts by radix."""
        import numpy as np

        self.refresh()
        with self._lock:
            key = self._keys.get(sort)
            if key is not None:
                return key
            if sort is Sort.NEWEST:
                raw = np.where(self._day > 0, -self._day, _LAST)
            elif sort is Sort.OLDEST:
                raw = np.where(self._day > 0, self._day, _LAST)
            elif sort is Sort.UPVOTES:
                raw = np.where(self._upvotes >= 0, -self._upvotes, _LAST)
            else:
                raw = self._title_ranks()
            _, ranks = np.unique(raw, return_inverse=True)
            key = ranks.astype(np.uint16 if len(raw) == 0 or ranks.max() < 2**16 else np.int64)
            self._keys[sort] = key
            return key

    def _title_ranks(self) -> np.ndarray:
        """Each paper's place in title order: folded words (case, accents and punctuation do not matter), equal
        titles sharing a place so that a tie keeps the order the rows came in."""
        import numpy as np

        from tui_reader.search.text import words_of

        every = self.papers.texts("title")[: len(self._day)] if self._each else [p.title for p in self._seen]  # type: ignore[attr-defined]
        titles = [" ".join(words_of(title)) for title in every]
        rank = np.empty(len(titles), np.int64)
        place, previous = 0, None
        for i in sorted(range(len(titles)), key=titles.__getitem__):
            if titles[i] != previous:
                place, previous = place + 1, titles[i]
            rank[i] = place
        return rank

    def order(self, rows: Sequence[int], sort: Sort) -> Sequence[int]:
        """``rows`` in the order ``sort`` asks for (stable: ties keep the order they came in)."""
        if sort is Sort.RELEVANCE:
            return rows
        import numpy as np

        from tui_reader.search.results import Positions

        key = self.key(sort)
        shown = _array(rows)
        return Positions(shown[np.argsort(key[shown], kind="stable")])

    def can_order(self, rows: Sequence[int], sort: Sort) -> bool:
        """Does ``sort`` find what it orders by in any of ``rows``: a day with a year (newest, oldest), upvotes?
        False when none has it: the sort then leaves the rows as they came. Titles and relevance always order."""
        if sort not in (Sort.NEWEST, Sort.OLDEST, Sort.UPVOTES):
            return True
        self.refresh()
        with self._lock:
            known = self._day > 0 if sort is not Sort.UPVOTES else self._upvotes >= 0
        return bool(known[_array(rows)].any())


def _keys_of(paper: Paper) -> tuple[int, int]:
    """A paper's latest day (``sort_day``: 0 without one) and upvotes (-1 without)."""
    return sort_day(paper), -1 if paper.upvotes is None else paper.upvotes


def _key_arrays(papers: Iterable[Paper], count: int) -> tuple[np.ndarray, np.ndarray]:
    """``_keys_of`` each of ``count`` papers, in one pass: their days and their upvotes (int32 each)."""
    import numpy as np

    keys = np.fromiter(map(_keys_of, papers), np.dtype((np.int32, 2)), count).reshape(count, 2)
    return keys[:, 0].copy(), keys[:, 1].copy()


def _array(rows: Sequence[int]) -> np.ndarray:
    """The rows (positions in the papers) as a numpy array of positions."""
    import numpy as np

    from tui_reader.search.results import Positions

    if isinstance(rows, Positions):
        return rows.array
    if isinstance(rows, range) and rows.step == 1 and rows.start == 0:
        return np.arange(rows.stop, dtype=np.int64)
    return np.fromiter(rows, np.int64, len(rows))


_KEYS: weakref.WeakKeyDictionary[Sequence[Paper], SortKeys] = weakref.WeakKeyDictionary()
_KEYS_LOCK = threading.Lock()


def sort_keys(papers: Sequence[Paper]) -> SortKeys:
    """The keys of these papers, kept while they live (a plain list has no weak reference: fresh keys)."""
    with _KEYS_LOCK:
        try:
            keys = _KEYS.get(papers)
            if keys is None:
                keys = _KEYS[papers] = SortKeys(papers)
        except TypeError:  # not weakly referenceable (a list): used once, by `tui-reader list`
            keys = SortKeys(papers)
    return keys


def sort_rows(papers: Sequence[Paper], rows: Sequence[int], sort: Sort) -> Sequence[int]:
    """``rows`` (positions in ``papers``) in the order ``sort`` asks for; see the module docstring."""
    return sort_keys(papers).order(rows, sort)


def can_order(papers: Sequence[Paper], rows: Sequence[int], sort: Sort) -> bool:
    """Whether ``sort`` has anything to order ``rows`` by (see ``SortKeys.can_order``)."""
    return sort_keys(papers).can_order(rows, sort)
