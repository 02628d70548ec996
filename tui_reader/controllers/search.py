"""Searching: the index built in a worker after the first paint, queries, the sort and "more like this".

``ReaderState`` decides which job runs and whether its answer is still wanted; this runs the jobs in a worker and
shows what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.controllers.host import Host
from tui_reader.sorting import Sort, sort_keys
from tui_reader.state import SearchJob

if TYPE_CHECKING:  # the search package loads numpy: imported in the indexing worker, after the first paint
    from tui_reader.search import SearchIndex, SearchResult

__all__ = ["Searcher"]


class Searcher:
    def __init__(
        self, host: Host, files: Sequence[Path] = (), indexed: Callable[[SearchIndex], object] | None = None
    ) -> None:
        self.host = host
        self.files = list(files)  # a big corpus streamed from these files: its index is cached on disk
        self._indexed = indexed  # told each index built (the new and watched papers are found from it)

    @property
    def indexing(self) -> bool:
        return self.host.state.index is None

    def build_index(self) -> None:
        self.host.in_thread(self._build, group="index", what="Building the search index", failed=None)

    def _build(self) -> None:
        papers = self.host.state.papers
        if self.files:  # a big corpus, streamed in: its index is kept on disk between launches
            from tui_reader.search.cache import cached_index

            index = cached_index(papers, self.files)
        else:
            from tui_reader.search import SearchIndex

            index = SearchIndex(papers)
        self.host.from_thread(self.index_ready, index)
        sort_keys(papers).prepare()  # here, not in the first sort: S answers at once at 100k papers

    def index_ready(self, index: SearchIndex) -> None:
        state = self.host.state
        job = state.index_ready(index)
        if job is not None or state.full_query:
            self.run(job)
        self.host.refresh_status()
        if self._indexed is not None:
            self._indexed(index)

    def start(self) -> None:
        """Run the current query (and view), its result coming back in the sort's order; the list keeps
        showing the last result meanwhile."""
        self.run(self.host.state.search())

    def set_query(self, query: str) -> None:
        self.run(self.host.state.set_query(query))

    def run(self, job: SearchJob | None) -> None:
        """Run a job in a worker; with none, the list shows the rows as they are (or waits for the index)."""
        if job is not None:
            self.host.in_thread(lambda: self._answer(job), group="search", what="Searching", failed=None)
        elif self.host.state.waiting_for_index:
            self.host.refresh_status()
        else:
            self.host.show_rows()

    def _answer(self, job: SearchJob) -> None:
        result, order = self.host.state.answer(job)
        self.host.from_thread(self.done, job, result, order)

    def done(self, job: SearchJob, result: SearchResult | None, order: Sequence[int] | None) -> None:
        if self.host.state.accept(job, result, order):  # else a newer job is on its way
            self.host.show_rows()
            self.host.place_cursor_at_start()

    def papers_added(self) -> None:
        """More papers were loaded: shown as they are (no search runs before the index exists) or, in another
        order than relevance, sorted in the worker."""
        if self.host.state.sort is Sort.RELEVANCE:
            self.host.show_rows()
        else:
            self.start()
        self.host.place_cursor_at_start()

    def cycle_sort(self) -> None:
        self.run(self.host.state.cycle_sort())
        self.host.refresh_status()

    def more_like_this(self, position: int | None) -> None:
        """The papers most like the one at ``position`` (m again, or Esc: back)."""
        state = self.host.state
        if state.like is not None:
            self.leave_like()
            return
        if position is None:
            return
        job = state.enter_like(position)
        if job is None:
            self.host.say("The search index is still being built; try again in a moment.")
            return
        self.host.refresh_status()
        self.run(job)

    def leave_like(self) -> None:
        """Back to the query's results, the cursor on the paper "more like this" started from: shown at once, then
        searched again (marks change)."""
        like = self.host.state.leave_like()
        if like is None:
            return
        self.host.keep_cursor_on(like.position)
        self.host.show_rows()
        self.start()
        self.host.refresh_status()
