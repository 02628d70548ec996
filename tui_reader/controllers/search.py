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
    """``save_setting(name, value)`` writes a setting to config.toml (the app's): the sort the user picks with S
    is the one the reader starts in next time. ``indexed(index)`` is told each index built (the new and watched
    papers are found from it)."""

    def __init__(
        self,
        host: Host,
        files: Sequence[Path] = (),
        save_setting: Callable[[str, str], object] | None = None,
        indexed: Callable[[SearchIndex], object] | None = None,
    ) -> None:
        self.host = host
        self.files = list(files)  # a big corpus streamed from these files: its index is cached on disk
        self.save_setting = save_setting
        self._indexed = indexed
        self.running: SearchJob | None = None  # the newest job in a worker
        self.rescan = False  # papers arrived during a scan: scan again once it ends

    @property
    def indexing(self) -> bool:
        """The index is not built yet, or the list shows a scan's preliminary answer (the status says so)."""
        return self.host.state.indexing

    def build_index(self) -> None:
        self.host.in_thread(self._build, group="index", what="Building the search index", failed=None)

    def _build(self) -> None:
        papers = self.host.state.papers
        if self.files:  # a big corpus, streamed in: its index is kept on disk between launches
            from tui_reader.search.cache import cached_index

            apart = None
            if getattr(papers, "stored", False):  # a million papers: built in a process of its own
                from tui_reader.index_build import build_apart

                files = self.files
                apart = lambda: build_apart(files)  # noqa: E731
            index = cached_index(papers, self.files, build_apart=apart)
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
        """Run a job in a worker; with none, the list shows the rows as they are."""
        if job is not None:
            self.running = job
            self.host.in_thread(lambda: self._answer(job), group="search", what="Searching", failed=self._failed)
        else:
            self.host.show_rows()

    def _answer(self, job: SearchJob) -> None:
        result, order = self.host.state.answer(job)
        self.host.from_thread(self.done, job, result, order)

    def done(self, job: SearchJob, result: SearchResult | None, order: Sequence[int] | None) -> None:
        state = self.host.state
        if state.accept(job, result, order):  # else a newer job is on its way
            self.host.show_rows(top=state.to_top)
            self.host.place_cursor_at_start()
            if (notice := state.sort_notice(job)) is not None:
                self.host.say(notice, timeout=6)
        if job is self.running:
            self._ended()

    def _failed(self, error: BaseException) -> None:
        self.host.state.sorting = False
        self.host.refresh_status()
        self._ended()

    def _ended(self) -> None:
        self.running = None
        if self.rescan:
            self.rescan = False
            self.start()

    def papers_added(self) -> None:
        """More papers were loaded: shown as they are, or, in another order than relevance, sorted in the worker.
        Under a query typed before the index is built, scanned again (once the scan under way ends: one scan per
        batch would slow the load), so the list never shows papers the query does not match."""
        state = self.host.state
        if state.index is None and state.full_query.strip():
            if self.running is None:
                self.start()
            else:
                self.rescan = True
        elif state.sort is Sort.RELEVANCE:
            self.host.show_rows()
        else:
            self.start()
        self.host.place_cursor_at_start()

    def cycle_sort(self) -> None:
        """The next order (S), kept in config.toml as the order to start in (not while a saved view with its own
        sort is shown: see ``ReaderState.sort_to_save``)."""
        state = self.host.state
        self.run(state.cycle_sort())
        self.host.refresh_status()
        if self.save_setting is not None and (value := state.sort_to_save) is not None:
            self.save_setting("sort", value)

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
