"""The Textual reader: a search box, the paper list, the detail pane, marks that save at once.

State lives in `Reader` (a plain object); widgets render it. Searching and indexing run in worker threads,
so typing never waits for them; a result that arrives after a newer query is dropped.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from tui_reader.corpus import read_file
from tui_reader.paper import Paper, PaperSet
from tui_reader.safe_text import strip_controls
from tui_reader.saving import MarksChanged, MarkSaver, Saved, SaverProblem, Waiting, flags_after
from tui_reader.store import NO_MARK, Change, Mark, MarkFlags, MarkStore
from tui_reader.widgets import PaperDetail, PaperList, SearchBox, shown

if TYPE_CHECKING:  # the search package loads numpy: imported in the indexing worker, after the first paint
    from textual.notifications import SeverityLevel

    from tui_reader.search import SearchIndex, SearchResult

LOAD_BATCH_SECONDS = 0.1
MARKS_POLL_SECONDS = 2.0  # how soon marks made in another reader (or by `tui-reader mark`) show here
LOCK_NOTICE_SECONDS = 1.0  # a lock held longer than this is mentioned in the status line


class View(Enum):
    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"

    def next(self) -> "View":
        order = list(View)
        return order[(order.index(self) + 1) % len(order)]

    @property
    def filter(self) -> str:
        return "" if self is View.ALL else f"is:{self.value}"


@dataclass
class Reader:
    """Everything the screen shows, as plain data: papers, marks, the query, the view and its results."""

    papers: Sequence[Paper]
    store: MarkStore
    index: SearchIndex | None = None
    query: str = ""
    view: View = View.ALL
    result: SearchResult | None = None
    generation: int = 0  # bumped by every query/view change; older search results are dropped
    unsaved: list[Change] = field(default_factory=list)  # shown already, not yet committed by the saver
    locked_for: float = 0.0  # how long another program has held the marks file's lock (0: not locked)
    saving_off: bool = False  # marks cannot be saved at all (kept for this session only)

    def __post_init__(self) -> None:
        self.papers = PaperSet(self.papers)
        self.saving_off = self.store.read_only and self.store.writable
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

    def is_pending(self, paper_id: str) -> bool:
        return any(change.paper_id == paper_id for change in self.unsaved)

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
        if self.result is not None and self.result.error:
            parts.append(self.result.error)
        if self.saving_off:
            parts.append("marks NOT saved (read-only)")
        elif self.unsaved and self.locked_for >= LOCK_NOTICE_SECONDS:
            count = len(self.unsaved)
            parts.append(f"{count} mark{'' if count == 1 else 's'} waiting: file locked by another program")
        return " · ".join(parts)


SEARCH_HELP = """\
Search: terms must all match (title or abstract); typos are forgiven; the last term matches as a prefix.
  "exact phrase"   -term (exclude)   is:read  is:unread  is:starred   date:Mar  date:"Mar 11"
Opening a paper (Enter) marks it read once its detail has been shown; moving through the list marks nothing."""


class HelpScreen(ModalScreen[None]):
    """Every key the reader knows, taken from the live bindings, and the search syntax."""

    AUTO_FOCUS = "*"  # the scrollable help (the app's own AUTO_FOCUS names the paper list)

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help")]

    def __init__(self, keys: Iterable[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = list(keys)

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, description in self.keys:
            if description:
                table.add_row(Text(key), Text(description))  # Text: a str cell would be read as markup
            else:
                table.add_row(Text(key, style="bold underline"), "")
        with VerticalScroll(id="help"):
            yield Static(Text("tui-reader — keys", style="bold"), classes="help-title")
            yield Static(table)
            yield Static(Text(SEARCH_HELP), classes="help-search")
            yield Static(Text("Esc, q or ? closes this help.", style="dim"))


class ReaderApp(App[None]):
    """The reader. Give it papers and an open MarkStore; warnings are shown as notifications."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it too
    TITLE = "tui-reader"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#papers"  # start in the list (focusing the search box first would restyle both at start)

    BINDINGS = [
        # priority: handled before the key is routed, so keys typed right after "/" already go to the box
        Binding("slash", "focus_search", "Search", tooltip="Focus the search box (typing filters live)", priority=True),
        Binding("r,space", "toggle_read", "Read", tooltip="Mark the paper read / unread"),
        Binding("s", "toggle_star", "Star", tooltip="Star / unstar the paper"),
        Binding("u", "cycle_view", "View", tooltip="Cycle the view: all → unread → starred"),
        # shown in help and the palette; the footer keeps to the keys used all the time
        Binding("o", "open_link", "Open link", tooltip="Open the paper's first http(s) link in the browser", show=False),
        Binding("y", "copy_title", "Copy title", tooltip="Copy the title to the clipboard", show=False),
        Binding("ctrl+d", "scroll_detail(1)", "Detail down", tooltip="Scroll the detail half a page down, from anywhere", show=False),
        Binding("ctrl+u", "scroll_detail(-1)", "Detail up", tooltip="Scroll the detail half a page up", show=False),
        Binding("question_mark", "help", "Help", tooltip="Show every key and the search syntax"),
        Binding("q", "quit", "Quit", tooltip="Quit (marks are already saved)"),
    ]

    def __init__(
        self,
        papers: Sequence[Paper],
        store: MarkStore,
        warnings: Sequence[str] = (),
        files: Sequence[Path] = (),
    ) -> None:
        """``files`` are read in a worker after the first paint; their papers join ``papers`` as they come."""
        super().__init__()
        self.reader = Reader(papers=papers, store=store)
        self.files = list(files)
        self.loading = f"loading 0/{len(self.files)} files…" if self.files else ""
        self.load_warnings: list[str] = []
        self.no_papers = False  # every file turned out empty: the app exits and cli says why
        self.startup_warnings = list(warnings) + list(store.warnings)
        self._detail_id: str | None = None
        self._status_shown: str | None = None

    # --- layout ----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SearchBox(
            placeholder='Search — terms, "phrase", -exclude, is:unread, date:Mar   (/ to focus, Esc to clear)',
            id="search",
        )
        with Horizontal(id="panes"):
            papers = PaperList(self.reader.papers, self.reader.mark, id="papers")
            papers.border_title = "Papers"
            yield papers
            detail = PaperDetail(id="detail")
            detail.border_title = "Paper"
            yield detail
        yield Static(id="status")
        yield Footer()

    def focus_now(self, widget) -> None:
        """Move focus before the next key is handled (Widget.focus() defers it, so a fast "/diff" would send
        "d" to the list, where it is a command)."""
        self.screen.set_focus(widget)

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    def on_mount(self) -> None:
        self.warn(self.startup_warnings)
        self.paper_list.show(self.reader.rows)
        self.refresh_status()
        self.call_after_refresh(self.first_frame_shown)
        if self.files:
            self.load_files(self.files)
        else:
            self.call_after_refresh(self.build_index)  # importing numpy must not delay the first frame
        self.saver = MarkSaver(self.reader.store, self._saver_reported, poll_seconds=MARKS_POLL_SECONDS)
        self.saver.start()

    def first_frame_shown(self) -> None:
        """The launcher holds cyclic garbage collection off while Textual loads and the first screen is built
        (all of it lives on; see cli._launch). Turn it back on, with what start-up made frozen: later
        collections skip it, so they stay short however much was loaded."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def warn(self, messages: Iterable[str], title: str = "Warning") -> None:
        """Problems the user should know about (skipped files, marks not saved), as notifications."""
        for message in messages:
            self.say(message, title=title, severity="warning", timeout=12)

    def say(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None
    ) -> None:
        """Every notification the reader makes goes through here. Its text may hold a file name, a link or the
        query, so it is shown literally: never read as markup (a "[/]" would crash the app, a "[@click=…]"
        would attach an action), and without terminal controls or escape sequences (one line each)."""
        self.notify(shown(message)[0], title=shown(title)[0], severity=severity, timeout=timeout, markup=False)

    # --- saving marks (tui_reader.saving: a thread commits them; the screen never waits) -------------------

    class SaverReport(Message):
        """What the mark saver's thread has to say (saving.Saved, Waiting, MarksChanged or SaverProblem)."""

        def __init__(self, report: object) -> None:
            super().__init__()
            self.report = report

    def _saver_reported(self, report: object) -> None:
        self.post_message(self.SaverReport(report))  # from the saver's thread: post_message is thread-safe

    @on(SaverReport)
    def _on_saver_report(self, message: SaverReport) -> None:
        report, reader = message.report, self.reader
        if isinstance(report, Saved):
            reader.saved(report.changes)
        elif isinstance(report, Waiting):
            reader.locked_for = report.seconds
        elif isinstance(report, MarksChanged):  # another reader or `tui-reader mark`: show theirs
            reader.set_marks(report.read, report.starred)
            self.paper_list.refresh()
            self.show_detail(self.paper_list.paper_index)
        elif isinstance(report, SaverProblem):
            reader.saving_off = reader.saving_off or report.read_only
            self.warn([report.message], title="Marks")
        self.refresh_status()

    async def marks_saved(self) -> None:
        """Wait (without blocking the screen) until every mark changed so far is committed."""
        import asyncio

        await asyncio.to_thread(self.saver.flush)

    def on_unmount(self) -> None:
        self.saver.close()

    # --- loading ---------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load_files(self, files: Sequence[Path]) -> None:
        """Read files in this thread; hand papers to the UI at most every LOAD_BATCH_SECONDS (each hand-over
        waits for the UI, so one per file would make loading a 100k corpus several times slower)."""
        batch: list[Paper] = []
        problems: list[str] = []
        flushed = time.monotonic()
        for number, path in enumerate(files, start=1):
            papers, warnings = read_file(path)
            batch.extend(papers)
            problems.extend(warnings)
            if number == len(files) or time.monotonic() - flushed >= LOAD_BATCH_SECONDS:
                self.call_from_thread(self._batch_loaded, batch, problems, number, len(files))
                batch, problems, flushed = [], [], time.monotonic()
        self.call_from_thread(self._all_loaded)

    def _batch_loaded(self, papers: list[Paper], warnings: list[str], number: int, total: int) -> None:
        self.warn(warnings)
        self.load_warnings.extend(warnings)
        self.loading = f"loading {number}/{total} files…"
        self.reader.add(papers)
        self._show_rows()  # no search runs before the index exists, so the list is the whole corpus so far

    def _all_loaded(self) -> None:
        self.loading = ""
        if not self.reader.papers:
            self.no_papers = True
            self.exit(return_code=1)
            return
        self.refresh_status()
        self.build_index()

    # --- search ----------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="index")
    def build_index(self) -> None:
        if self.files:  # a big corpus, streamed in: its index is kept on disk between launches
            from tui_reader.search.cache import cached_index

            index = cached_index(self.reader.papers, self.files)
        else:
            from tui_reader.search import SearchIndex

            index = SearchIndex(self.reader.papers)
        self.call_from_thread(self._index_ready, index)

    def _index_ready(self, index: SearchIndex) -> None:
        self.reader.index = index
        if self.reader.full_query:
            self.start_search()
        self.refresh_status()

    @property
    def indexing(self) -> bool:
        return self.reader.index is None

    def start_search(self) -> None:
        """Run the current query (and view) in a worker; the list keeps showing the last result meanwhile."""
        reader = self.reader
        reader.generation += 1
        query = reader.full_query
        if not query.strip():
            reader.result = None
            self._show_rows()
            return
        if reader.index is None:
            self.refresh_status()
            return  # _index_ready runs it
        self._search(reader.index, query, reader.flags(), reader.generation)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, index: SearchIndex, query: str, marks: MarkFlags, generation: int) -> None:
        result = index.search(query, marks)
        self.call_from_thread(self._search_done, result, generation)

    def _search_done(self, result: SearchResult, generation: int) -> None:
        if generation != self.reader.generation:
            return  # a newer query is on its way
        self.reader.result = result
        self._show_rows()

    def _show_rows(self) -> None:
        result = self.reader.result
        self.paper_list.show(self.reader.rows, result.title_spans if result is not None else None)
        self.refresh_status()

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        self.reader.query = event.value
        self.start_search()

    @on(Input.Submitted, "#search")
    def _query_submitted(self) -> None:
        self.focus_now(self.paper_list)

    @on(SearchBox.Leave)
    def _leave_search(self) -> None:
        self.focus_now(self.paper_list)

    # --- the paper under the cursor ------------------------------------------------------------------------

    @property
    def current(self) -> Paper | None:
        index = self.paper_list.paper_index
        return self.reader.papers[index] if index is not None else None

    @on(PaperList.Highlighted)
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        self.show_detail(event.paper_index)

    def show_detail(self, index: int | None) -> None:
        paper = self.reader.papers[index] if index is not None else None
        spans = self.reader.result.spans(index) if (self.reader.result and index is not None) else ((), ())
        self.detail.show(paper, self.reader.mark(paper.id) if paper else NO_MARK, spans, self.empty_message())
        if paper is not None and paper.id != self._detail_id:
            self._detail_id = paper.id
            self.detail.scroll_home(animate=False)

    def empty_message(self) -> str:
        if self.loading:
            return "Loading papers…"
        if self.reader.query.strip():
            return "No paper matches. Esc clears the search."
        if self.reader.view is View.STARRED:
            return "No starred papers yet: s stars the paper under the cursor. u changes the view."
        if self.reader.view is View.UNREAD:
            return "Everything is read. u changes the view."
        return "No papers."

    @on(PaperList.Opened)
    def _opened(self, event: PaperList.Opened) -> None:
        paper = self.reader.papers[event.paper_index]
        self.focus_now(self.detail)
        # marked read only once the detail has actually been painted
        self.call_after_refresh(self._mark_opened_read, paper.id)

    def _mark_opened_read(self, paper_id: str) -> None:
        if not self.reader.mark(paper_id).read:
            self.set_mark(paper_id, "read", True)

    @on(PaperDetail.Back)
    def _back(self) -> None:
        self.focus_now(self.paper_list)

    # --- marks -----------------------------------------------------------------------------------------------

    def set_mark(self, paper_id: str, field: str, value: bool) -> None:
        """The user set a mark: shown now, committed by the saver's thread (the screen never waits for it)."""
        self.reader.change(Change(paper_id, field, value, time.time()))
        self.saver.submit(self.reader.unsaved[-1])
        self.paper_list.refresh()
        if (paper := self.current) is not None and paper.id == paper_id:
            self.show_detail(self.paper_list.paper_index)
        self.refresh_status()

    # The new value is the opposite of what this screen shows (not of what the file holds): with two readers
    # open, a star added in the other one is not undone by starring the same paper here.

    def action_toggle_read(self) -> None:
        if (paper := self.current) is not None:
            self.set_mark(paper.id, "read", not self.reader.mark(paper.id).read)

    def action_toggle_star(self) -> None:
        if (paper := self.current) is not None:
            self.set_mark(paper.id, "starred", not self.reader.mark(paper.id).starred)

    def action_cycle_view(self) -> None:
        self.reader.view = self.reader.view.next()
        self.start_search()
        self.refresh_status()

    # --- outside world ---------------------------------------------------------------------------------------

    def action_open_link(self) -> None:
        paper = self.current
        if paper is None:
            return
        links = [link for link in paper.links if link.lower().startswith(("http://", "https://"))]
        if not links:
            self.say("This paper has no http(s) link.", severity="warning", timeout=3)
            return
        url = links[0]
        if not graphical_browser_available():
            self.copy_to_clipboard(url)
            self.say(f"No graphical browser here; link copied: {url}", timeout=6)
            return
        import webbrowser  # only here: it costs the start-up ~1 ms

        try:
            webbrowser.open(url, new=2)
        except Exception as exc:  # webbrowser raises a variety of errors
            self.say(f"Could not open {url}: {exc}", severity="error", timeout=6)
        else:
            self.say(f"Opened {url}", timeout=3)

    def action_copy_title(self) -> None:
        if (paper := self.current) is not None:
            self.copy_to_clipboard(paper.title)
            self.say("Title copied to the clipboard.", timeout=2)

    def action_scroll_detail(self, direction: int) -> None:
        """Read on in the abstract without leaving the list (vim's Ctrl+D / Ctrl+U: half a page)."""
        detail = self.detail
        detail.scroll_relative(y=direction * max(1, detail.scrollable_content_region.height // 2), animate=False)

    def action_focus_search(self) -> None:
        self.focus_now(self.query_one("#search", Input))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_search":
            # "/" is a priority key; let it through as text in the search box ("encoder/decoder"),
            # and to screens above the reader (help, command palette)
            return self.screen is self.screen_stack[0] and not self.query_one("#search", Input).has_focus
        return True

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.key_help()))

    def key_help(self) -> list[tuple[str, str]]:
        """Keys and what they do, from the live BINDINGS of the app and its widgets (one source of truth)."""
        rows: list[tuple[str, str]] = []
        for heading, owner in (("Anywhere", self), ("In the list", PaperList), ("In the detail pane", PaperDetail)):
            rows.append((heading, ""))
            for binding in owner.BINDINGS:
                if isinstance(binding, Binding):
                    rows.append((_key_names(binding.key), binding.tooltip or binding.description))
        rows.append(("Ctrl+P", "Command palette"))
        rows.append(("Tab / Shift+Tab", "Move between search, list and detail"))
        rows.append(("Mouse", "Click selects, double click opens, the wheel scrolls"))
        return rows

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Toggle read", "Mark the current paper read / unread", self.action_toggle_read)
        yield SystemCommand("Toggle star", "Star / unstar the current paper", self.action_toggle_star)
        yield SystemCommand("Cycle view", "All → unread → starred", self.action_cycle_view)
        yield SystemCommand("Open link", "Open the paper's first link in the browser", self.action_open_link)
        yield SystemCommand("Copy title", "Copy the paper's title to the clipboard", self.action_copy_title)
        yield SystemCommand("Search", "Focus the search box", self.action_focus_search)
        yield SystemCommand("Keys", "Show every key and the search syntax", self.action_help)

    def refresh_status(self) -> None:
        # Text, not a str: the status holds the query's error ("unknown filter is:a[/b]"), never read as markup
        status = strip_controls(self.reader.status(self.loading, self.indexing))
        if status != self._status_shown:  # the saver reports a lock several times a second: repaint on change only
            self._status_shown = status
            self.query_one("#status", Static).update(Text(status))


_KEY_LABELS = {
    "slash": "/",
    "question_mark": "?",
    "space": "Space",
    "escape": "Esc",
    "enter": "Enter",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "down": "↓",
    "up": "↑",
    "left": "←",
}


def _key_names(keys: str) -> str:
    return " / ".join(_KEY_LABELS.get(key, key.replace("ctrl+", "Ctrl+").title() if len(key) > 1 else key) for key in keys.split(","))


def graphical_browser_available() -> bool:
    """True when webbrowser would open a real window rather than take over this terminal with lynx & co."""
    if os.environ.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
