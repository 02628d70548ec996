"""The Textual reader: a search box, the paper list, the detail pane, marks that save at once.

State lives in `Reader` (a plain object); widgets render it. Searching and indexing run in worker threads,
so typing never waits for them; a result that arrives after a newer query is dropped.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from tui_reader.commands import Command, CommandBinding, Section, check_keymap, commands
from tui_reader.config import Config, config_file, save_theme
from tui_reader.corpus import read_file_parts
from tui_reader.files import record_failure
from tui_reader.library import NO_MARK, Change, MarkFlags, MarkStore
from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path, strip_controls
from tui_reader.saving import HistoryDone, MarkSaver, MarksChanged, Saved, SaverProblem, Waiting
from tui_reader.screens import Choice, ChoiceScreen, ConfirmScreen, HelpScreen, PromptScreen, cut
from tui_reader.sorting import Sort, sort_keys, sort_rows
from tui_reader.state import Like, Reader, SavedView, SavedViews, View
from tui_reader.widgets import PaperDetail, PaperList, ReaderFooter, SearchBox, shown

if TYPE_CHECKING:  # the search package loads numpy: imported in the indexing worker, after the first paint
    from textual.notifications import SeverityLevel

    from tui_reader.fetch import FetchResult
    from tui_reader.screens.export import Exported
    from tui_reader.search import SearchIndex, SearchResult

# Keys that open a dialog are priority bindings: the app runs them before passing on the keys typed after them, so
# a fast "a" + note text, or "A" + "y", lands in the dialog (a key that went to the list first would reach the app
# only after the dialog opened, and be lost). check_action keeps them to the reader's own screen (over a menu, "a"
# is the menu's); in the search box Textual gives printable keys to the box.
DIALOG_ACTIONS = frozenset({"edit_note", "edit_tags", "mark_all_read", "save_view"})
LOAD_BATCH_SECONDS = 0.1
MARKS_POLL_SECONDS = 2.0  # how soon marks made in another reader (or by `tui-reader mark`) show here
WATCH_POLL_SECONDS = 2.0  # how often the corpus' folders are looked at for new or changed files


class ReaderApp(App[None]):
    """The reader. Give it papers and an open MarkStore; warnings are shown as notifications."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it too
    TITLE = "tui-reader"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (Textual declares it an instance variable)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]  # noqa: RUF012 (short: a one-row search box, thin borders)
    AUTO_FOCUS = "#papers"  # start in the list (focusing the search box first would restyle both at start)

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: handled before the key is routed, so keys typed right after "/" already go to the box
        Binding(
            "slash",
            "focus_search",
            "Search",
            id="search",
            tooltip="Search: focus the box with the query selected (typing replaces it)",
            priority=True,
        ),
        CommandBinding(
            "r,space",
            "toggle_read",
            "Read",
            id="toggle-read",
            tooltip="Mark the paper read / unread",
            title="Toggle read",
        ),
        CommandBinding(
            "s", "toggle_star", "Star", id="toggle-star", tooltip="Star / unstar the paper", title="Toggle star"
        ),
        CommandBinding(
            "u",
            "cycle_view",
            "View",
            id="cycle-view",
            tooltip="Cycle the view: all → unread → starred → each saved view",
            title="Cycle view",
        ),
        CommandBinding(
            "S",
            "cycle_sort",
            "Sort",
            id="cycle-sort",
            tooltip="Cycle the order: relevance → newest → oldest → upvotes → title",
            title="Cycle sort",
            show=False,  # the status line shows the order; the footer keeps to fit 80 columns
        ),
        # shown in help and the palette; the footer keeps to the keys used all the time
        CommandBinding(
            "a",
            "edit_note",
            "Note",
            id="edit-note",
            tooltip="Write or edit the paper's note (Ctrl+S saves, Esc closes)",
            title="Edit the note…",
            show=False,
            priority=True,  # see DIALOG_ACTIONS
        ),
        CommandBinding(
            "ctrl+e",
            "edit_note_outside",
            "Note in $EDITOR",
            id="edit-note-outside",
            tooltip="Edit the paper's note in $VISUAL / $EDITOR (vi when neither is set)",
            title="Edit the note in $EDITOR",
            show=False,
        ),
        CommandBinding(
            "t",
            "edit_tags",
            "Tags",
            id="edit-tags",
            tooltip="Add or remove the paper's tags (foo -bar), completing tags already used",
            title="Tag the paper…",
            show=False,
            priority=True,  # see DIALOG_ACTIONS
        ),
        CommandBinding(
            "A",
            "mark_all_read",
            "All read",
            id="mark-all-read",
            tooltip="Mark every paper shown read (asks first; one undo step)",
            title="Mark all shown papers read…",
            show=False,
            priority=True,  # see DIALOG_ACTIONS
        ),
        CommandBinding(
            "z,ctrl+z",
            "undo",
            "Undo",
            id="undo",
            tooltip="Undo the last change: a mark, a bulk mark, a note or tags (kept across restarts)",
            title="Undo the last change",
            show=False,
        ),
        CommandBinding(
            "Z,ctrl+y",
            "redo",
            "Redo",
            id="redo",
            tooltip="Redo the change undone last",
            title="Redo the change undone last",
            show=False,
        ),
        CommandBinding(
            "V",
            "save_view",
            "Save view",
            id="save-view",
            tooltip="Save the query and its sort as a named view (joins the u cycle and the palette)",
            title="Save the search as a view…",
            show=False,
            priority=True,  # see DIALOG_ACTIONS
        ),
        CommandBinding(
            "o",
            "open_menu",
            "Open",
            id="open-menu",
            tooltip="Open the arXiv page, PDF, Hugging Face page or a link (menu)",
            title="Open the paper in the browser…",
            show=False,
        ),
        CommandBinding(
            "y",
            "copy_menu",
            "Copy",
            id="copy-menu",
            tooltip="Copy title, id, arXiv link, BibTeX or Markdown link (menu)",
            title="Copy title, id, link or citation…",
            show=False,
        ),
        CommandBinding(
            "e",
            "export",
            "Export",
            id="export",
            tooltip="Export the shown or starred papers: BibTeX, RIS, CSV, JSON…",
            title="Export papers to a file…",
            show=False,
        ),
        Binding(
            "ctrl+d",
            "scroll_detail(1)",
            "Detail down",
            id="detail-down",
            tooltip="Scroll the detail half a page down, from anywhere",
            show=False,
        ),
        Binding(
            "ctrl+u",
            "scroll_detail(-1)",
            "Detail up",
            id="detail-up",
            tooltip="Scroll the detail half a page up",
            show=False,
        ),
        Binding(
            "F",
            "fetch",
            "Fetch",
            id="fetch",
            tooltip="Fetch today's listings (and any missed days)",
            show=False,
        ),
        CommandBinding(
            "m",
            "more_like_this",
            "Like this",
            id="more-like-this",
            tooltip="List the papers most like this one (m or Esc: back to the list as it was)",
            title="More like this",
            show=False,
        ),
        Binding("escape", "leave_like", "Back", id="leave-like", tooltip="Back from “more like this”", show=False),
        CommandBinding(
            "question_mark",
            "help",
            "Help",
            id="help",
            tooltip="Show every key and the search syntax",
            title="Keys and search syntax",
        ),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit (marks are already saved)"),
    ]

    def __init__(
        self,
        papers: Sequence[Paper],
        store: MarkStore,
        warnings: Sequence[str] = (),
        files: Sequence[Path] = (),
        watch: Sequence[Path] = (),
        config: Config | None = None,
    ) -> None:
        """``files`` are read in a worker after the first paint; their papers join ``papers`` as they come.
        ``watch``: folders whose new or changed files are read while the reader is open. ``config``: the user's
        settings (theme, start view and position, keymap, the sync folder; see tui_reader.config)."""
        super().__init__()
        self.reader = Reader(papers=papers, store=store)
        self.files = list(files)
        self.watched = list(watch)
        self._seen: dict[Path, tuple[int, int]] | None = None  # watched files' (mtime_ns, size); None: not yet
        self._scanning = False  # a look at the watched folders is under way
        self._pending: list[Path] = []  # files to read once the load under way ends
        self._load_running = bool(self.files)
        self._fetch_cancelled = threading.Event()
        self.fetching = ""  # the fetch's progress, in the status line
        self.loading = f"loading 0/{len(self.files)} files…" if self.files else ""
        self.load_warnings: list[str] = []
        self.no_papers = False  # every file turned out empty: the app exits and cli says why
        self.startup_warnings = list(warnings) + list(store.warnings)
        self._detail_id: str | None = None
        self._status_shown: str | None = None
        self.config = config or Config()
        self.user_keymap: dict[str, str] = {}  # binding id -> keys (see tui_reader.commands); set_keymap applies it
        self.views = SavedViews.load(self.data_dir())  # the saved views (views.json): a small file, read once
        self.startup_warnings.extend(self.views.warnings)
        self._apply_settings()

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
        yield ReaderFooter()

    def focus_now(self, widget: Widget) -> None:
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
        self.set_keymap(self.user_keymap)
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        self.paper_list.show(self.reader.rows)
        self._mount_paper: int | None = self.paper_list.paper_index  # where the cursor is before the user moves it
        if self.reader.sort is Sort.RELEVANCE:
            self._place_cursor_at_start()
        else:  # config.toml's sort: the papers put in that order in a worker; the cursor is placed then
            self.start_search()
        self.refresh_status()
        self.call_after_refresh(self.first_frame_shown)
        if self.files:
            self.load_files(self.files)
        else:
            self.call_after_refresh(self.build_index)  # importing numpy must not delay the first frame
        self.saver = MarkSaver(
            self.reader.store, self._saver_reported, poll_seconds=MARKS_POLL_SECONDS, sync_dir=self.config.sync_dir
        )
        self.saver.start()
        if self.watched:
            self.scan_folders()  # the files as they are now: what changes after this is read
            self.set_interval(WATCH_POLL_SECONDS, self.scan_folders, name="watch folders")

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
            reader.set_marks(report.read, report.starred, report.notes, report.tags)
            self.paper_list.refresh()
            self.show_detail(self.paper_list.paper_index)
        elif isinstance(report, HistoryDone):
            self._history_done(report)
        elif isinstance(report, SaverProblem):
            reader.saving_off = reader.saving_off or report.read_only
            self.warn([report.message], title="Marks")
        self.refresh_status()

    async def marks_saved(self) -> None:
        """Wait (without blocking the screen) until every mark changed so far is committed."""
        import asyncio

        await asyncio.to_thread(self.saver.flush)

    def on_unmount(self) -> None:
        self._fetch_cancelled.set()  # a fetch waiting to retry stops now, not after its wait
        self.saver.close()

    # --- loading ---------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_files(self, files: Sequence[Path]) -> None:
        """Read files in this thread; hand papers to the UI at most every LOAD_BATCH_SECONDS (each hand-over
        waits for the UI, so one per file would make loading a 100k corpus several times slower)."""
        batch: list[Paper] = []
        problems: list[str] = []
        flushed = time.monotonic()
        shown = False  # any papers handed over yet: the first ones go at once
        for number, path in enumerate(files, start=1):
            # a JSON Lines file comes in parts as it is read, so its first papers show long before its last
            for papers, warnings in read_file_parts(path):
                batch.extend(papers)
                problems.extend(warnings)
                if (batch and not shown) or time.monotonic() - flushed >= LOAD_BATCH_SECONDS:
                    self.call_from_thread(self._batch_loaded, batch, problems, number - 1, len(files))
                    shown = shown or bool(batch)
                    batch, problems, flushed = [], [], time.monotonic()
            if number == len(files) or time.monotonic() - flushed >= LOAD_BATCH_SECONDS:
                self.call_from_thread(self._batch_loaded, batch, problems, number, len(files))
                batch, problems, flushed = [], [], time.monotonic()
        self.call_from_thread(self._all_loaded)

    def _batch_loaded(self, papers: list[Paper], warnings: list[str], number: int, total: int) -> None:
        self.warn(warnings)
        self.load_warnings.extend(warnings)
        self.loading = f"loading {number}/{total} files…"
        self.reader.add(papers)
        if self.reader.sort is Sort.RELEVANCE:
            self._show_rows()  # no search runs before the index exists, so the list is the whole corpus so far
        else:
            self.start_search()  # the papers so far, sorted (in the worker)
        self._place_cursor_at_start()

    def add_files(self, files: Iterable[Path]) -> None:
        """New or changed files (fetched listings, files in a watched folder): read through load_files, after
        the load under way if there is one (a second load would cancel it)."""
        self._pending.extend(path for path in files if path not in self._pending)
        if self._pending and not self._load_running:
            files, self._pending = self._pending, []
            self._load_running = True
            self.loading = f"loading 0/{len(files)} files…"
            self.refresh_status()
            self.load_files(files)

    def _all_loaded(self) -> None:
        self.loading = ""
        self._load_running = False
        if self._pending:
            self.add_files([])
            return
        if not self.reader.papers:
            self.no_papers = True
            self.exit(return_code=1)
            return
        self.refresh_status()
        self.build_index()

    # --- failures: a worker that raises is reported and logged; the reader goes on --------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        error = worker.error
        where = record_failure(f"worker {worker.group or worker.name}", error)
        what = {
            "load": "Loading papers",
            "index": "Building the search index",
            "search": "Searching",
            "fetch": "Fetching",
            "watch": "Watching the corpus folders",
            "settings": "Saving the theme",
        }
        self.say(
            f"{what.get(worker.group, worker.name)} failed ({type(error).__name__}: {error}). Details: {where}",
            title="Error",
            severity="error",
            timeout=20,
        )
        if worker.group == "fetch":
            self.fetching = ""
            self.refresh_status()
        if worker.group == "watch":
            self._scanning = False
        if worker.group == "load":
            self.loading = ""
            self._load_running = False
            self.refresh_status()
            if not self.reader.papers:  # nothing to show at all: exit, and cli says why
                self.no_papers = True
                self.load_warnings.append(f"loading failed ({type(error).__name__}: {error})")
                self.exit(return_code=1)

    # --- search ----------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def build_index(self) -> None:
        if self.files:  # a big corpus, streamed in: its index is kept on disk between launches
            from tui_reader.search.cache import cached_index

            index = cached_index(self.reader.papers, self.files)
        else:
            from tui_reader.search import SearchIndex

            index = SearchIndex(self.reader.papers)
        self.call_from_thread(self._index_ready, index)
        sort_keys(self.reader.papers).prepare()  # here, not in the first sort: S answers at once at 100k papers

    def _index_ready(self, index: SearchIndex) -> None:
        reader = self.reader
        reader.index = index
        if reader.like is not None:  # new papers while showing "more like this": it may gain some
            reader.generation += 1
            self._like(index, reader.like.position, reader.sort, reader.generation)
        elif reader.full_query:
            self.start_search()
        self.refresh_status()

    @property
    def indexing(self) -> bool:
        return self.reader.index is None

    def start_search(self) -> None:
        """Run the current query (and view) in a worker, its result coming back in the sort's order; the list
        keeps showing the last result meanwhile."""
        reader = self.reader
        reader.generation += 1
        reader.like = None  # a new query or view ends "more like this"
        query = reader.full_query
        if not query.strip() and reader.sort is Sort.RELEVANCE:
            reader.result, reader.order = None, None
            self._show_rows()
            return
        if query.strip() and reader.index is None:
            self.refresh_status()
            return  # _index_ready runs it
        self._search(reader.index, query, reader.flags(), reader.sort, reader.generation)

    def action_cycle_sort(self) -> None:
        """The next order. The result shown is only put in that order (in the worker): no search runs again,
        unless one is still on its way, which then comes back in the new order."""
        reader = self.reader
        reader.sort = reader.sort.next()
        result, query = reader.result, reader.full_query
        if query.strip() and (result is None or result.query != query):
            self.start_search()
        else:
            reader.generation += 1
            self._search(reader.index, query, reader.flags(), reader.sort, reader.generation, result)
        self.refresh_status()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(
        self,
        index: SearchIndex | None,
        query: str,
        marks: MarkFlags,
        sort: Sort,
        generation: int,
        result: SearchResult | None = None,
    ) -> None:
        """Search (unless ``result`` already answers ``query``), then put the rows in ``sort``'s order."""
        if result is None and index is not None and query.strip():
            result = index.search(query, marks)
        self.call_from_thread(self._search_done, result, self._in_order(result, sort), generation)

    def _in_order(self, result: SearchResult | None, sort: Sort) -> Sequence[int] | None:
        """The result's rows (every paper's, with no result) in ``sort``'s order, in a worker's thread; None for
        relevance: the result's own order."""
        if sort is Sort.RELEVANCE:
            return None
        papers = self.reader.papers
        return sort_rows(papers, result.indices if result is not None else range(len(papers)), sort)

    def _search_done(self, result: SearchResult | None, order: Sequence[int] | None, generation: int) -> None:
        if generation != self.reader.generation:
            return  # a newer query is on its way
        self.reader.result, self.reader.order = result, order
        self._show_rows()
        self._place_cursor_at_start()

    def _show_rows(self) -> None:
        result = self.reader.result
        self.paper_list.show(self.reader.rows, result.title_spans if result is not None else None)
        self.refresh_status()

    # --- more like this: the papers most like the current one, instead of the query's results -------------

    def action_more_like_this(self) -> None:
        reader = self.reader
        if reader.like is not None:
            self.action_leave_like()
            return
        position = self.paper_list.paper_index
        if position is None:
            return
        if reader.index is None:
            self.say("The search index is still being built; try again in a moment.")
            return
        paper = reader.papers[position]
        reader.generation += 1
        reader.like = Like(paper.id, paper.title, position, reader.result)
        self.refresh_status()
        self._like(reader.index, position, reader.sort, reader.generation)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _like(self, index: SearchIndex, position: int, sort: Sort, generation: int) -> None:
        """The papers most like ``papers[position]``, in the sort's order (relevance: most alike first)."""
        result = index.similar(position)
        self.call_from_thread(self._search_done, result, self._in_order(result, sort), generation)

    def action_leave_like(self) -> None:
        """Back to the query's results, the cursor on the paper "more like this" started from."""
        like = self.reader.like
        if like is None:
            return
        self.reader.result = like.result  # shown at once, the cursor on its paper; then searched again (marks change)
        self.paper_list.show([like.position])
        self._show_rows()
        self.start_search()
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
        if self.reader.saved_view is not None:
            return "No paper in this view. u changes the view."
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
        self.apply_changes([Change(paper_id, field, value, time.time())])

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Show changes (marks, notes, tags; a bulk mark's share one batch: one undo step) and hand them to the
        saver's thread."""
        self.reader.change_all(changes)
        self.saver.submit_all(changes)
        self._marks_shown()

    def _marks_shown(self) -> None:
        """Repaint what shows marks, notes and tags: the list, the detail and the status."""
        self.paper_list.refresh()
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
        self._reload_views()
        self.reader.next_view(self.views.views)
        self.start_search()
        self.refresh_status()

    def action_read_next_unread(self) -> None:
        """newsboat's ``n``: the paper under the cursor when it is unread, else the next unread one, shown in
        the detail and marked read. One key per paper."""
        if self.paper_list.jump_to_unread(1, here=True) and (paper := self.current) is not None:
            self.set_mark(paper.id, "read", True)

    async def action_mark_all_read(self) -> None:
        """Mark every paper shown read, once the user says yes to how many that is; one undo step. (The dialogs
        of issue 13 are awaited until mounted, so keys typed right after the one that opened them go to them:
        a fast "Ay" answers yes, never copies.)"""
        changes = self.reader.changes_for((paper.id for paper in self.reader.shown_papers()), "read", True)
        if not changes:
            self.say("Every paper shown is read already." if self.reader.rows else "No paper is shown.", timeout=3)
            return
        count = len(changes)
        question = f"Mark {count:,} paper{'s' if count != 1 else ''} read? y/n"
        await self.push_screen(ConfirmScreen(question), partial(self._mark_all_answered, changes))

    def _mark_all_answered(self, changes: list[Change], yes: bool | None) -> None:
        if yes:
            self.apply_changes(changes)
            count = len(changes)
            self.say(f"Marked {count:,} paper{'s' if count != 1 else ''} read (z undoes it)", timeout=5)

    # --- undo / redo (run in turn by the saver's thread; the history lives in marks.db) ---------------------

    def action_undo(self) -> None:
        self.saver.undo()

    def action_redo(self) -> None:
        self.saver.redo()

    def _history_done(self, done: HistoryDone) -> None:
        if done.undone is None:
            self.say("Nothing to redo." if done.redo else "Nothing to undo.", timeout=3)
            return
        self.say(self.reader.undone(done.undone), title="Redo" if done.redo else "Undo", timeout=6)
        self._marks_shown()

    # --- notes and tags ----------------------------------------------------------------------------------------

    async def action_edit_note(self) -> None:
        from tui_reader.screens.note import NoteScreen

        if (paper := self.current) is not None:
            note = self.reader.mark(paper.id).note or ""
            await self.push_screen(NoteScreen(paper.title, note, partial(self.save_note, paper.id)))

    def save_note(self, paper_id: str, text: str) -> str | None:
        """Save a paper's note (empty: no note); a problem with it is returned (one line), nothing changed."""
        try:
            change = Change(paper_id, "note", text, time.time())
        except ValueError as exc:
            return str(exc)
        if change.value != self.reader.mark(paper_id).note:
            self.apply_changes([change])
            self.say("Note saved." if change.value is not None else "Note removed.", timeout=3)
        return None

    def action_edit_note_outside(self) -> None:
        """The note in the user's own editor: the reader steps aside (App.suspend) while it runs on a temporary
        file, and what the editor leaves there is saved (unchanged: nothing is)."""
        import shlex
        import subprocess
        import tempfile

        from textual.app import SuspendNotSupported

        if (paper := self.current) is None:
            return
        note = self.reader.mark(paper.id).note or ""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.TemporaryDirectory(prefix="tui-reader-note-") as folder:
            path = Path(folder) / "note.txt"
            path.write_text(note + "\n" if note else "", encoding="utf-8")
            try:
                command = [*shlex.split(editor), str(path)]
                with self.suspend():
                    ended = subprocess.run(command, check=False)
                text = path.read_text(encoding="utf-8", errors="replace")
            except SuspendNotSupported:
                self.say("This terminal cannot hand over to an editor; a (in the reader) edits the note.")
                return
            except (OSError, ValueError) as exc:
                self.say(f"Could not run the editor {editor!r}: {exc}", severity="error", timeout=8)
                return
        if ended.returncode != 0:
            self.say(f"The editor {editor!r} ended with status {ended.returncode}; note not changed.", timeout=6)
        elif text.rstrip() != note and (problem := self.save_note(paper.id, text)) is not None:
            self.say(f"Note not saved: {problem}", severity="error", timeout=8)

    async def action_edit_tags(self) -> None:
        from tui_reader.screens.tags import TagScreen

        if (paper := self.current) is not None:
            tags = self.reader.mark(paper.id).tags
            screen = TagScreen(paper.title, tags, self.reader.all_tags(), partial(self.change_tags, paper.id))
            await self.push_screen(screen)

    def change_tags(self, paper_id: str, typed: str) -> str | None:
        """Apply what was typed in the tag prompt (``foo -bar``) as one change; a problem is returned, nothing
        changed."""
        from tui_reader.screens.tags import edit_tags

        old = self.reader.mark(paper_id).tags
        try:
            change = Change(paper_id, "tags", edit_tags(old, typed), time.time())
        except ValueError as exc:
            return str(exc)
        if change.value != old:
            self.apply_changes([change])
            tags = change.value if isinstance(change.value, tuple) else ()
            self.say(f"Tags: {' '.join(tags)}" if tags else "No tags now.", timeout=3)
        return None

    # --- saved views: V saves the query, u cycles through them, the palette picks or deletes one ------------

    async def action_save_view(self) -> None:
        query = self.reader.full_query.strip()
        if not query:
            self.say("Nothing to save: type a query first (a view is a saved query).", timeout=4)
            return
        sort = self.reader.sort
        kept = "" if sort is Sort.RELEVANCE else sort.value
        hint = f"Saves “{query}”{f' sorted by {kept}' if kept else ''} · Enter saves · Esc cancels"
        current = self.reader.saved_view  # offered (selected): Enter updates the view shown, typing names a new one
        await self.push_screen(
            PromptScreen(
                "Save the search as a view",
                partial(self._save_view, query, kept),
                hint,
                value=current.name if current is not None else "",
                placeholder="a name, e.g. rl to read",
            )
        )

    def _save_view(self, query: str, sort: str, name: str) -> str | None:
        try:
            view = self.views.save(name, query, sort)
        except ValueError as exc:
            return str(exc)
        except OSError as exc:
            return f"cannot save the view in {shown_path(self.views.path)} ({exc.strerror or exc})"
        self.show_view(view)
        self.say(f"View “{view.name}” saved: {view.query}", timeout=4)
        return None

    def _reload_views(self) -> None:
        """The saved views as views.json holds them now: another reader may have saved or deleted one (a small
        file; a damaged one keeps the views known, its warning was given at start or is given by the next save)."""
        fresh = SavedViews.load(self.views.path.parent)
        if not fresh.warnings:
            self.views = fresh

    def show_view(self, view: SavedView | None) -> None:
        """Show a saved view (None: all papers); the search box is cleared for refining it."""
        self.reader.show_view(view)
        box = self.query_one("#search", Input)
        if box.value:
            box.value = ""  # its Input.Changed runs the search
        self.reader.query = ""
        self.start_search()
        self.refresh_status()

    def _delete_view(self, name: str | None) -> None:
        if name is None:
            return
        try:
            self.views.remove(name)
        except OSError as exc:
            self.say(
                f"Cannot delete the view in {shown_path(self.views.path)} ({exc.strerror or exc})", severity="error"
            )
            return
        if self.reader.saved_view is not None and self.reader.saved_view.name.casefold() == name.casefold():
            self.show_view(None)
        self.say(f"View “{name}” deleted.", timeout=3)

    async def action_delete_view(self) -> None:
        keys = "123456789"
        choices = [
            Choice(keys[i] if i < len(keys) else "", view.name, view.query, view.name)
            for i, view in enumerate(self.views.views)
        ]
        if not choices:
            self.say("No saved views: V saves the search as one.", timeout=4)
            return
        await self.push_screen(ChoiceScreen("Delete which view?", choices), self._delete_view)

    # --- fetching listings (tui_reader.fetch, in a thread) and watching folders ------------------------------

    class FetchReport(Message):
        """From the fetch worker's thread: progress (``result`` None) or the end of the fetch."""

        def __init__(self, done: int, total: int, result: FetchResult | None = None) -> None:
            super().__init__()
            self.done, self.total, self.result = done, total, result

    def action_fetch(self) -> None:
        if self.fetching:
            self.say("A fetch is already under way.", timeout=3)
            return
        self.fetching = "fetching…"
        self.refresh_status()
        self.fetch_listings()

    def data_dir(self) -> Path:
        from tui_reader.library import default_data_dir

        return self.reader.store.data_dir or default_data_dir()

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def fetch_listings(self) -> None:
        """What `tui-reader fetch` with no option does: every day from the last one fetched to today."""
        from tui_reader import fetch

        data_dir = self.data_dir()
        today = fetch.today()
        days, again = fetch.default_days(data_dir, today)
        cancelled = self._fetch_cancelled

        def progress(done: int, total: int, day: object) -> None:
            self.post_message(self.FetchReport(done, total))  # thread-safe

        def wait(seconds: float) -> None:
            cancelled.wait(seconds)  # set when the reader closes: the wait ends at once

        client = fetch.Client(api_url=fetch.DEFAULT_API_URL, sleep=wait, cancelled=cancelled.is_set)
        try:
            result = fetch.fetch_days(
                days, data_dir, client, today=today, again=[again] if again else [], progress=progress
            )
        except fetch.FetchCancelled:
            return
        self.post_message(self.FetchReport(len(days), len(days), result))

    @on(FetchReport)
    def _on_fetch_report(self, message: FetchReport) -> None:
        result = message.result
        if result is None:
            self.fetching = f"fetching {message.done}/{message.total} days…"
            self.refresh_status()
            return
        self.fetching = ""
        self.refresh_status()
        self._note_seen(result.stored)  # read here: the watcher need not read them again
        self.add_files(result.stored)
        data_dir = self.data_dir()
        if result.error is not None:
            self.say(f"{result.error} ({result.summary(data_dir)})", title="Fetch failed", severity="error", timeout=20)
        else:
            self.say(result.summary(data_dir), title="Fetched", timeout=6)

    def scan_folders(self) -> None:
        if not self._scanning:
            self._scanning = True
            self._scan(list(self.watched))

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _scan(self, folders: list[Path]) -> None:
        """The files of the watched folders with their (mtime, size), looked at in this thread."""
        from tui_reader.corpus import corpus_files

        found: dict[Path, tuple[int, int]] = {}
        for folder in folders:
            try:
                files = corpus_files([folder]) if folder.is_dir() else []
            except Exception:
                continue  # the folder went away: nothing in it to read
            for path in files:
                try:
                    info = path.stat()
                except OSError:
                    continue
                found[path] = (info.st_mtime_ns, info.st_size)
        self.call_from_thread(self._scanned, found)

    def _scanned(self, found: dict[Path, tuple[int, int]]) -> None:
        self._scanning = False
        seen, self._seen = self._seen, {**(self._seen or {}), **found}
        if seen is None:
            return  # the first look: what is there was read at start
        self.add_files(path for path, stamp in found.items() if seen.get(path) != stamp)

    def _note_seen(self, files: Iterable[Path]) -> None:
        if self._seen is None:
            return
        for path in files:
            try:
                info = path.stat()
            except OSError:
                continue
            self._seen[path] = (info.st_mtime_ns, info.st_size)

    # --- settings (tui_reader.config): theme, start view and position, keymap ---------------------------------

    def _apply_settings(self) -> None:
        """The user's config.toml, before the first frame; a bad entry is one warning and the rest applies."""
        config, name = self.config, shown_path(config_file())
        self.reader.view = View(config.view)
        if config.sort is not None:
            self.reader.sort = Sort(config.sort)
        if config.theme is not None:
            if config.theme in self.available_themes:
                self.theme = config.theme
            else:
                self.startup_warnings.append(f"{name}: no theme named {shown_path(config.theme)!r}; using the default")
        self._saved_theme = self.theme  # written back only when the user picks another one
        self.user_keymap, warnings = check_keymap(self.command_sections(), config.keymap, name)
        self.startup_warnings.extend(warnings)
        self._cursor_placed = False

    def _place_cursor_at_start(self) -> None:
        """Once, when the list first holds papers (at mount, or with the first papers a big corpus streams in):
        the cursor on the first unread one (config ``start``). Never later: it must not jump under the user."""
        if self._cursor_placed or not self.reader.papers:
            return
        if self.reader.sort is not Sort.RELEVANCE and self.reader.order is None:
            return  # a configured order: placed once the rows come back in it
        self._cursor_placed = True
        papers = self.paper_list
        if papers.cursor != 0 and papers.paper_index != self._mount_paper:
            return  # the user has moved
        papers.cursor = 0  # the top of the list in its order (a sorted list kept the first paper's row)
        if self.config.start == "first-unread":
            papers.go_to_first_unread()

    def _theme_chosen(self, theme: object) -> None:
        if self.theme != self._saved_theme:
            self._saved_theme = self.theme
            self._save_theme(self.theme)

    @work(thread=True, exclusive=True, group="settings", exit_on_error=False)
    def _save_theme(self, theme: str) -> None:
        """Write the theme the user chose into config.toml (comments and other settings kept)."""
        if problem := save_theme(theme):
            self.call_from_thread(self.warn, [problem], "Settings")

    # --- reaching and citing the paper: o (open menu), y (copy menu), e (export dialog) -----------------------

    def action_open_menu(self) -> None:
        from tui_reader.links import open_items

        if (paper := self.current) is None:
            return
        choices = [Choice(key, label, url, url) for key, label, url in open_items(paper)]
        self.push_screen(ChoiceScreen(f"Open “{paper.title}”", choices), partial(self._open_chosen, paper.id))

    def _open_chosen(self, paper_id: str, url: str | None) -> None:
        if url is not None:
            self.open_link(url, paper_id)

    def open_link(self, url: str, paper_id: str) -> None:
        """Open an http(s) URL in the browser, and mark the paper read, as newsboat does (it is being read). With
        no graphical browser (ssh, a console) the URL is copied instead, and the paper is left as it was."""
        from tui_reader.links import is_web_url

        if not is_web_url(url):
            self.say(f"Not an http(s) link; not opened: {url}", severity="warning", timeout=4)
            return
        if not graphical_browser_available():
            self.copy_to_clipboard(url)
            self.say(f"No graphical browser here; link copied: {url}", timeout=6)
            return
        import webbrowser  # only here: it costs the start-up ~1 ms

        try:
            webbrowser.open(url, new=2)
        except Exception as exc:  # webbrowser raises a variety of errors
            self.say(f"Could not open {url}: {exc}", severity="error", timeout=6)
            return
        self.say(f"Opened {url}", timeout=3)
        if not self.reader.mark(paper_id).read:
            self.set_mark(paper_id, "read", True)

    def action_copy_menu(self) -> None:
        from tui_reader.links import copy_items

        if (paper := self.current) is None:
            return
        choices = [Choice(key, label, text, (label, text)) for key, label, text in copy_items(paper)]
        self.push_screen(ChoiceScreen(f"Copy from “{paper.title}”", choices), self._copy_chosen)

    def _copy_chosen(self, chosen: tuple[str, str] | None) -> None:
        if chosen is not None:
            label, text = chosen
            self.copy_to_clipboard(text)
            self.say(f"{label} copied: {cut(text, 100)}", timeout=4)

    def action_export(self) -> None:
        from tui_reader.screens.export import ExportScreen  # imports the export formats: only when asked

        reader = self.reader
        screen = ExportScreen(reader.shown_papers(), reader.starred_papers(), reader.mark)
        self.push_screen(screen, self._exported)

    def _exported(self, exported: Exported | None) -> None:
        if exported is not None:
            self.say(exported.message, title="Exported", timeout=6)

    def action_scroll_detail(self, direction: int) -> None:
        """Read on in the abstract without leaving the list (vim's Ctrl+D / Ctrl+U: half a page)."""
        detail = self.detail
        detail.scroll_relative(y=direction * max(1, detail.scrollable_content_region.height // 2), animate=False)

    def action_focus_search(self) -> None:
        """ "/" always means "search": from anywhere it focuses the box, and in the box it selects the query, so
        what is typed next replaces it (vim's and less's "/"; "/ video Esc / RLHF" searches "RLHF"). A "/" can
        still be part of a query by pasting it."""
        box = self.query_one("#search", Input)
        if self.screen.focused is box:  # not has_focus: that is set only once the box handles its Focus event
            box.call_later(box.select_all)  # after the keys already sent to the box ("/a/b" in one burst is "b")
        else:
            self.focus_now(box)  # the box selects its query when it takes focus

    def action_clear_search(self) -> None:
        """Esc in the list: back from "more like this" when it is shown, else clear the query (the search box's
        Input.Changed runs the empty search)."""
        if self.reader.like is not None:
            self.action_leave_like()
            return
        self.query_one("#search", Input).value = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_search":
            # "/" is a priority key: screens above the reader (help, command palette) get it as theirs
            return self.screen is self.screen_stack[0]
        if action == "leave_like":  # Esc means "back" only while showing "more like this"
            return self.reader.like is not None
        if action in DIALOG_ACTIONS:  # priority keys too; in the search box they are text (Textual leaves keys an
            return self.screen is self.screen_stack[0]  # Input or TextArea takes to it, priority or not)
        return True

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.all_commands()))

    # --- the command registry (tui_reader.commands): footer, help and palette all come from the bindings ----

    def command_sections(self) -> list[Section]:
        return [
            Section("Anywhere", self.BINDINGS),
            Section("In the list", PaperList.BINDINGS, "#papers"),
            Section("In the detail pane", PaperDetail.BINDINGS, "#detail"),
            Section("In the search box", SearchBox.BINDINGS, "#search"),
            Section("In this help", HelpScreen.BINDINGS),  # listed so their ids can be rebound too
        ]

    def all_commands(self) -> list[Command]:
        return commands(self.command_sections(), self.user_keymap)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette: every command of the registry with its key, then Textual's own (theme, screenshot…)
        except those the registry already has (its "Keys" is our help, its "Quit" our q)."""
        for command in self.all_commands():
            if command.binding.action == "leave_like" and self.reader.like is None:
                continue  # "Back" means something only while "more like this" is shown
            if command.is_command:
                yield SystemCommand(
                    command.title,
                    f"{command.label}  ·  {command.explanation}",
                    partial(self._run_command, command),
                )
        self._reload_views()
        for view in self.views.views:
            yield SystemCommand(f"View: {view.name}", f"{view.query}  ·  the saved view", partial(self.show_view, view))
        if self.views.views:
            yield SystemCommand("Delete view…", "Forget one of the saved views", self.action_delete_view)
        for system in super().get_system_commands(screen):
            if system.title not in ("Keys", "Quit"):
                yield system

    async def _run_command(self, command: Command) -> None:
        target = self.query_one(command.section.target) if command.section.target else self
        await self.run_action(command.binding.action, target)

    def on_resize(self) -> None:
        self.call_after_refresh(self.refresh_status)  # the status line fits its new width once laid out

    def refresh_status(self) -> None:
        # Text, not a str: the status holds the query's error ("unknown filter is:a[/b]"), never read as markup
        activity = " · ".join(part for part in (self.loading, self.fetching) if part)
        line = self.query_one("#status", Static)
        width = line.content_region.width or None  # 0 before the first layout: the whole line
        status = strip_controls(self.reader.status(activity, self.indexing, width))
        if status != self._status_shown:  # the saver reports a lock several times a second: repaint on change only
            self._status_shown = status
            line.update(Text(status))


def graphical_browser_available() -> bool:
    """True when webbrowser would open a real window rather than take over this terminal with lynx & co."""
    if os.environ.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
