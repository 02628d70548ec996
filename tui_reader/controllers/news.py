"""What is new since the last session, and what the watch list follows: worked out in a worker each time the
search index is built (after the first load, and after a fetch or a watched folder brings papers), never on the
first frame's path.

The worker records every paper loaded as first seen (``seen.db``, one transaction: tui_reader.library.seen),
takes the papers recorded since the previous session ended as new, and searches the index once per watch-list
entry (tui_reader.watch). The state gets both (``ReaderState.set_news``); the new and watched views and the
``is:new`` / ``is:watched`` filters read them. ``end_session`` (the reader closing) makes what this session saw
old for the next one. ``add_watch`` appends the query, or the paper's first author, to the watch list in
config.toml.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.config import Config, append_setting, config_file
from tui_reader.controllers.host import Host
from tui_reader.paper_set import PaperSet
from tui_reader.safe_text import shown_path

if TYPE_CHECKING:  # numpy: loaded in the worker
    from tui_reader.paper import Paper
    from tui_reader.search import SearchIndex

__all__ = ["News"]


class News:
    """``config()``: the user's settings (the watch list). ``searched()``: runs the list's search again (the
    new or watched view is shown when the sets change)."""

    def __init__(
        self, host: Host, data_dir: Path, config: Callable[[], Config], searched: Callable[[], object]
    ) -> None:
        self.host = host
        self.data_dir = data_dir
        self._config, self._searched = config, searched
        self.since: int | None = None  # papers recorded after this number are new (None: not worked out yet)
        self.entries: list[str] | None = None  # the watch list's entries that are queries (None: not checked)
        self._added: list[str] = []  # entries W added this session (``config()`` is the file as read at start)
        # a fetch of the reader's own is being read: the first recording of more papers than this says how many
        # of them are new ("12 new papers"); None: nothing to say
        self._announce_above: int | None = None
        self._answered = 0  # the papers of the newest index whose answer is shown

    def watching(self) -> bool:
        """Whether the watch list has entries (those that are queries, once checked): without any, nothing can be
        watched, and u passes the watched view by."""
        return bool(self.entries if self.entries is not None else self._config().watch or self._added)

    def index_ready(self, index: SearchIndex) -> None:
        self.host.in_thread(lambda: self.work(index), group="news", what="Finding new and watched papers", failed=None)

    def work(self, index: SearchIndex) -> None:
        """In the worker: record, then find the new and the watched papers."""
        state = self.host.state
        # the papers the index was built over: more may have joined the (shared) set since, for the next index
        papers = index.papers
        ids = papers.id_list(index.size) if isinstance(papers, PaperSet) else [p.id for p in papers[: index.size]]
        new = self.record(ids)
        if self.entries is None:
            from tui_reader.watch import check_watches

            self.entries, warnings = check_watches(self._config().watch, shown_path(config_file()))
            self.entries += [entry for entry in self._added if entry not in self.entries]
            if warnings:
                self.host.from_thread(self.host.warn, warnings, "Settings")
        watched: Mapping[str, tuple[str, ...]] = {}
        if self.entries:
            from tui_reader.watch import watched_papers

            watched = watched_papers(index, self.entries, state.flags())
        self.host.from_thread(self.found, new, watched, index.size)

    def record(self, paper_ids: list[str]) -> frozenset[str]:
        """Record the papers as seen; the new ones among them. The data directory failing: nothing is new."""
        import sqlite3

        from tui_reader.library.seen import SeenStore

        try:
            with SeenStore.open(self.data_dir) as seen:
                previous = seen.previous_session() if self.since is None else None
                seen.record(paper_ids)
                if self.since is None:  # the first session of all: what it starts with is not new, a fetch's is
                    self.since = previous if previous is not None else seen.last_recorded()
                return frozenset(seen.recorded_after(self.since) & set(paper_ids))
        except (sqlite3.Error, OSError):
            return frozenset()

    def found(self, new: frozenset[str], watched: Mapping[str, tuple[str, ...]], papers: int | None = None) -> None:
        """The new and watched papers among the ``papers`` the index was built from."""
        if papers is not None:
            if papers < self._answered:
                return  # an older index's answer, come after a newer one's: it knows fewer papers
            self._answered = papers
        state = self.host.state
        arrived = len(new - state.new)
        marked = watched != state.watched
        if state.set_news(new, watched):
            self._searched()
        if marked:  # the watched marks of the list's rows and the detail's line
            self.host.marks_shown()
        self.host.refresh_status()
        # an index holding what the fetch brought: one of the papers loading when the fetch ended may come first,
        # with more papers than there were then but none new, and says nothing
        if self._announce_above is not None and papers is not None and papers > self._announce_above and arrived:
            self._announce_above = None
            self.host.say(f"{arrived:,} new paper{'' if arrived == 1 else 's'}", timeout=6)

    def announce_next(self) -> None:
        """A fetch of the reader's own stored listings, which are being read: once papers beyond those there are
        now are recorded, how many are new is said in one notification ("12 new papers")."""
        self._announce_above = len(self.host.state.papers)

    def end_session(self) -> None:
        """The reader closes: the papers this session recorded are not new to the next one. A session that
        recorded nothing (closed before its index was built) leaves the previous end in place."""
        if self.since is None:
            return
        import sqlite3

        from tui_reader.library.seen import SeenStore

        try:
            with SeenStore.open(self.data_dir) as seen:
                seen.end_session()
        except (sqlite3.Error, OSError):
            pass  # the next session then counts as new what this one saw: nothing is lost

    def add_watch(self, query: str, paper: Paper | None) -> None:
        """Append the query (or, with none, the paper's first author) to the watch list in config.toml, in a
        worker; the watched papers are found again with it."""
        from tui_reader.watch import check_watches, watch_entry

        entry = watch_entry(query, paper)
        if entry is None:
            self.host.say("Nothing to watch: type a query, or choose a paper with authors.", timeout=4)
            return
        if problems := check_watches([entry], "the search box")[1]:
            self.host.say(problems[0], severity="warning", timeout=6)
            return

        def save() -> None:
            problem = append_setting("watch", entry)
            self.host.from_thread(self.watch_added, entry, problem)

        self.host.in_thread(save, group="settings", what="Saving the watch list", failed=None)

    def watch_added(self, entry: str, problem: str) -> None:
        if problem:
            self.host.warn([problem], "Settings")
            return
        self.host.say(f"Watching {entry} (config.toml)", timeout=4)
        self._added.append(entry)
        if self.entries is None or entry in self.entries:
            return  # checked and searched with the others once the index is built; or watched already
        self.entries.append(entry)
        if (index := self.host.state.index) is not None:  # only the new entry is searched, its papers added
            self.host.in_thread(lambda: self._watch_more(index, entry), group="news", what="Watching", failed=None)

    def _watch_more(self, index: SearchIndex, entry: str) -> None:
        """In the worker: the papers ``entry`` matches, added to those watched already (in the list's order)."""
        from tui_reader.watch import watched_papers

        state = self.host.state
        watched = dict(state.watched)
        for paper_id, matched in watched_papers(index, [entry], state.flags()).items():
            watched[paper_id] = (*watched.get(paper_id, ()), *matched)
        self.host.from_thread(self.found, state.new, watched)
