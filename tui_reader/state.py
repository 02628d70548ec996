"""Everything the reader shows, as plain data: no Textual here, so it is tested without a screen.

``Reader`` holds the papers, the marks as shown (saved ones plus the user's changes not yet saved), the query, the
view and the last search result; the app's widgets render it and the app's handlers change it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from tui_reader.paper import Paper, PaperSet
from tui_reader.store import Change, Mark, MarkFlags, MarkStore

if TYPE_CHECKING:  # the search package loads numpy; the app imports it in a worker, after the first paint
    from tui_reader.search import SearchIndex, SearchResult

__all__ = ["LOCK_NOTICE_SECONDS", "Like", "Reader", "View"]

LOCK_NOTICE_SECONDS = 1.0  # a lock held longer than this is mentioned in the status line


class View(Enum):
    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"

    def next(self) -> View:
        order = list(View)
        return order[(order.index(self) + 1) % len(order)]

    @property
    def filter(self) -> str:
        return "" if self is View.ALL else f"is:{self.value}"


@dataclass(frozen=True, slots=True)
class Like:
    """The "more like this" view: the list shows the papers most like one paper, until the user goes back."""

    paper_id: str
    title: str
    position: int  # the paper's index in the papers (the list's cursor goes back to it)
    result: SearchResult | None  # what the list showed before


class Reader:
    """Everything the screen shows, as plain data: papers, marks, the query, the view and its results."""

    def __init__(self, papers: Iterable[Paper], store: MarkStore) -> None:
        self.papers = PaperSet(papers)
        self.store = store  # read once here; the app's saver owns writing
        self.index: SearchIndex | None = None
        self.query = ""
        self.view = View.ALL
        self.result: SearchResult | None = None
        self.generation = 0  # bumped by every query/view change; older search results are dropped
        self.like: Like | None = None  # showing the papers like this one instead of the query's results
        self.unsaved: list[Change] = []  # shown already, not yet committed by the saver
        self.locked_for = 0.0  # how long another program has held the marks file's lock (0: not locked)
        self.saving_off = store.read_only and store.writable  # marks cannot be saved (kept for this session)
        # id sets, frozen and replaced on change, so a search worker can hold them while the user keeps marking
        self.read: frozenset[str] = frozenset()
        self.starred: frozenset[str] = frozenset()
        self.read_count = 0  # of the papers in the corpus (marks of papers not listed are kept, not counted)
        self.star_count = 0
        self.reload_marks()

    def reload_marks(self) -> None:
        # id sets load ~4x faster than one Mark object per paper (100k marks: ~50 ms); frozen and replaced on
        # change, so a search worker can hold them while the user keeps marking
        self.set_marks(frozenset(self.store.read_ids()), frozenset(self.store.starred_ids()))

    def set_marks(self, read: frozenset[str], starred: frozenset[str]) -> None:
        """The marks as the file holds them, with the user's changes not yet saved laid over them."""
        self.read, self.starred = flags_after(read, starred, self.unsaved)
        self._count()

    def change(self, change: Change) -> None:
        """The user changed a mark: shown at once, pending until the saver reports it committed."""
        self.unsaved.append(change)
        self.update(change.paper_id, change.applied_to(self.mark(change.paper_id)))

    def saved(self, changes: Sequence[Change]) -> None:
        done = set(map(id, changes))
        self.unsaved = [change for change in self.unsaved if id(change) not in done]
        if not self.unsaved:
            self.locked_for = 0.0

    def _count(self) -> None:
        ids = self.papers.ids
        self.read_count = len(self.read & ids.keys())
        self.star_count = len(self.starred & ids.keys())

    def add(self, papers: Iterable[Paper]) -> None:
        """More papers arrived from the loader (a paper already here gains dates and sources)."""
        self.papers.add(papers)
        self._count()

    def mark(self, paper_id: str) -> Mark:
        return Mark(read=paper_id in self.read, starred=paper_id in self.starred)

    def flags(self) -> MarkFlags:
        """The flags as they are now, for the ``is:`` filters of a search worker."""
        return MarkFlags(self.read, self.starred)

    @property
    def full_query(self) -> str:
        """The query as typed, after the view's filter (the last word typed stays the last term: a prefix)."""
        if self.view is View.ALL:
            return self.query
        return f"{self.view.filter} {self.query}"

    @property
    def rows(self) -> Sequence[int]:
        if self.result is not None:
            return self.result.indices
        return range(len(self.papers))

    def update(self, paper_id: str, mark: Mark) -> None:
        counted = int(paper_id in self.papers.ids)
        if mark.read != (paper_id in self.read):
            self.read = self.read | {paper_id} if mark.read else self.read - {paper_id}
            self.read_count += counted if mark.read else -counted
        if mark.starred != (paper_id in self.starred):
            self.starred = self.starred | {paper_id} if mark.starred else self.starred - {paper_id}
            self.star_count += counted if mark.starred else -counted

    def status(self, loading: str, indexing: bool) -> str:
        total = len(self.papers)
        parts = [
            f"{len(self.rows):,} / {total:,} shown",
            f"{total - self.read_count:,} unread",
            f"{self.star_count:,} starred",
            f"view: {self.view.value}",
        ]
        if loading:
            parts.append(loading)
        elif indexing:
            parts.append("indexing…")
        if self.like is not None:
            parts.append(f"like: {self.like.title} (Esc or m: back)")
        elif self.result is not None and self.result.error:
            parts.append(self.result.error)
        if self.like is None and self.result is not None and self.result.partial:
            parts.append("no paper matches all terms; showing partial matches")
        if self.saving_off:
            parts.append("marks NOT saved (read-only)")
        elif self.unsaved and self.locked_for >= LOCK_NOTICE_SECONDS:
            count = len(self.unsaved)
            parts.append(f"{count} mark{'' if count == 1 else 's'} waiting: file locked by another program")
        return " · ".join(parts)


def flags_after(
    read: frozenset[str], starred: frozenset[str], changes: Sequence[Change]
) -> tuple[frozenset[str], frozenset[str]]:
    """The id sets with changes not yet saved laid over them (what the screen must show)."""
    r, s = set(read), set(starred)
    for change in changes:
        target = r if change.field == "read" else s
        (target.add if change.value else target.discard)(change.paper_id)
    return frozenset(r), frozenset(s)
