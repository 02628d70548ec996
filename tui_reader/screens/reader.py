"""The reader's screen: the search box, the paper list, the detail pane, the status line and the footer.

It owns the layout, the keys (``BINDINGS``: the footer, the help and the palette are made from them, see
tui_reader.commands), focus and the status line. What a key does is a controller's (tui_reader.controllers);
this screen is their ``Host``: it runs their work in threads, shows what they say and repaints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widget import Widget
from textual.widgets import Input, Static

from tui_reader.commands import Command, Section
from tui_reader.controllers.adding import Adder
from tui_reader.controllers.fetching import Fetcher
from tui_reader.controllers.loading import FolderWatcher, Loader
from tui_reader.controllers.news import News
from tui_reader.controllers.saved_views import ViewsController
from tui_reader.controllers.search import Searcher
from tui_reader.files import record_failure
from tui_reader.library.model import NO_MARK
from tui_reader.messages import Deferred, SaverReport, WorkFailed
from tui_reader.screens.reader_dialogs import ReaderDialogs
from tui_reader.screens.reader_keys import READER_BINDINGS
from tui_reader.sorting import Sort
from tui_reader.state import ReaderState
from tui_reader.widgets import Panes, PaperDetail, PaperList, ReaderFooter, SearchBox

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui_reader.controllers.library import Library
    from tui_reader.controllers.reach import Reach


__all__ = ["ReaderScreen", "command_sections"]

# the priority keys (see reader_keys.py): kept to the reader while it is the screen on top
PRIORITY_ACTIONS = frozenset({"focus_search", "edit_note", "edit_tags", "mark_all_read", "save_view"})
WATCH_POLL_SECONDS = 2.0  # how often the corpus' folders are looked at for new or changed files


class ReaderScreen(ReaderDialogs):
    """The reader. ``data_dir`` holds the marks, views and fetched listings; ``files`` are read after the first
    paint; ``watch``: folders whose new or changed files are read while it is open."""

    AUTO_FOCUS = "#papers"  # start in the list (focusing the search box first would restyle both at start)

    BINDINGS: ClassVar[list[BindingType]] = READER_BINDINGS

    def __init__(
        self, state: ReaderState, data_dir: Path, files: Sequence[Path] = (), watch: Sequence[Path] = ()
    ) -> None:
        super().__init__()
        self.state = state
        self.files = list(files)
        self._detail_id: str | None = None
        self._status_shown: str | None = None
        self._mount_paper: int | None = None  # where the cursor is before the user moves it
        self.news = News(self, data_dir, lambda: self.reader_app.config, lambda: self.search.start())
        self.search = Searcher(
            self, self.files, lambda name, value: self.reader_app.save_setting(name, value), self.news.index_ready
        )
        self.loader = Loader(self, self.files, self._papers_added, self.search.build_index, self._no_papers)
        self.watcher = FolderWatcher(self, watch, self.loader.add_files)
        self.fetcher = Fetcher(self, lambda: data_dir, self._fetched, lambda: self.reader_app.config.arxiv)
        self.views = ViewsController(self, data_dir, self.search.start, self._clear_box, self.news.watching)
        self.adder = Adder(self, lambda: data_dir, self._fetched, lambda: self.views.show(None))

    @cached_property
    def library(self) -> Library:  # this and reach: made at first use, their modules not loaded by the first frame
        from tui_reader.controllers.library import Library

        return Library(self, lambda: self.reader_app.saver)

    @cached_property
    def reach(self) -> Reach:
        from tui_reader.controllers.reach import Reach

        return Reach(self, self.library.mark_read)

    # --- layout, focus -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SearchBox(
            placeholder='Search — terms, "phrase", -exclude, is:unread, date:Mar   (/ to focus, Esc to clear)',
            id="search",
        )
        with Panes(self.reader_app.config.detail_size, id="panes"):
            papers = PaperList(
                self.state.papers, self.state.mark, self.state.selection, self.state.watches_of, id="papers"
            )
            papers.border_title = "Papers"
            yield papers
            detail = PaperDetail(id="detail")
            detail.border_title = "Paper"
            yield detail
        yield Static(id="status")
        yield ReaderFooter()

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    def focus_now(self, widget: Widget) -> None:
        """Move focus before the next key is handled (Widget.focus() defers it, so a fast "/diff" would send
        "d" to the list, where it is a command)."""
        self.set_focus(widget)

    def on_mount(self) -> None:
        self.paper_list.show(self.state.rows)
        self._mount_paper = self.paper_list.paper_index
        if self.state.sort is Sort.RELEVANCE:
            self.place_cursor_at_start()
        else:  # config.toml's sort: the papers put in that order in a worker; the cursor is placed then
            self.search.start()
        self.refresh_status()
        if self.files:
            self.loader.load(self.files)
        else:
            self.call_after_refresh(self.search.build_index)  # importing numpy must not delay the first frame
        if self.watcher.folders:
            self.call_after_refresh(self.watcher.scan)  # the files as they are now: what changes after is read
            self.set_interval(WATCH_POLL_SECONDS, self.watcher.scan, name="watch folders")

    def on_unmount(self) -> None:
        self.fetcher.close()  # a fetch waiting to retry stops now, not after its wait
        self.adder.close()

    def _no_papers(self) -> None:
        self.reader_app.exit_no_papers(self.loader.warnings)

    def _papers_added(self) -> None:
        self.search.papers_added()
        self.adder.loaded()  # a paper added by id goes under the cursor once it is in

    def _fetched(self, files: Iterable[Path]) -> None:
        files = list(files)
        self.watcher.note_seen(files)  # read here: the watcher need not read them again
        self.loader.add_files(files)

    def _clear_box(self) -> None:
        box = self.query_one("#search", Input)
        if box.value:
            box.value = ""  # its Input.Changed runs the search

    # --- the Host of the controllers -----------------------------------------------------------------------

    def in_thread(
        self, work: Callable[[], object], *, group: str, what: str, failed: Callable[[BaseException], object] | None
    ) -> None:
        def guarded() -> None:
            try:
                work()
            except Exception as error:
                where = record_failure(f"worker {group}", error)
                self.post_message(WorkFailed(what, error, where, failed))

        self.run_worker(guarded, name=group, group=group, thread=True, exclusive=True, exit_on_error=False)

    def from_thread(self, callback: Callable[..., object], *args: object) -> None:
        self.app.call_from_thread(callback, *args)

    def soon(self, callback: Callable[..., object], *args: object) -> None:
        self.post_message(Deferred(callback, *args))  # thread-safe

    @on(Deferred)
    def _deferred(self, message: Deferred) -> None:
        message.callback(*message.args)

    @on(WorkFailed)
    def _work_failed(self, failure: WorkFailed) -> None:
        """A worker that raises is reported and logged; the reader goes on."""
        self.reader_app.report_failure(failure.what, failure.error, failure.where)
        if failure.then is not None:
            failure.then(failure.error)

    def say(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None
    ) -> None:
        self.reader_app.say(message, title=title, severity=severity, timeout=timeout)

    def warn(self, messages: Iterable[str], title: str = "Warning") -> None:
        self.reader_app.warn(messages, title)

    def copy_to_clipboard(self, text: str) -> None:
        self.app.copy_to_clipboard(text)

    def show_rows(self, top: bool = False) -> None:
        result = self.state.result
        self.paper_list.show(self.state.rows, result.title_spans if result is not None else None, top=top)
        self.refresh_status()

    def keep_cursor_on(self, position: int) -> None:
        self.paper_list.show([position])

    def marks_shown(self) -> None:
        self.selection_shown()
        self.show_detail(self.paper_list.paper_index)

    def selection_shown(self) -> None:
        """The rows' selection marks and the status line's count (the detail pane does not show the selection)."""
        self.paper_list.refresh()
        self.refresh_status()

    def place_cursor_at_start(self) -> None:
        """Once, when the list first holds papers: the cursor on the top (config ``start``: the first unread
        paper), unless the user has moved it already."""
        papers = self.paper_list
        if not self.state.cursor_start():
            return
        if papers.cursor != 0 and papers.paper_index != self._mount_paper:
            return  # the user has moved
        papers.cursor = 0  # the top of the list in its order (a sorted list kept the first paper's row)
        if self.reader_app.config.start == "first-unread":
            papers.go_to_first_unread()

    # --- the status line and the detail --------------------------------------------------------------------

    def on_resize(self) -> None:
        self.call_after_refresh(self.refresh_status)  # the status line fits its new width once laid out

    def refresh_status(self) -> None:
        # Text, not a str: the status holds the query's error ("unknown filter is:a[/b]"), never read as markup
        activity = " · ".join(part for part in (self.loader.loading, self.fetcher.fetching) if part)
        line = self.query_one("#status", Static)
        width = line.content_region.width or None  # 0 before the first layout: the whole line
        status = self.state.status(activity, self.search.indexing, width, cell_len)  # CJK: 2 cells a character
        if status != self._status_shown:  # the saver reports a lock several times a second: repaint on change only
            self._status_shown = status
            line.update(Text(status))

    def show_detail(self, index: int | None) -> None:
        state = self.state
        paper = state.papers[index] if index is not None else None
        spans = state.result.spans(index) if (state.result and index is not None) else ((), ())
        empty = state.empty_message(bool(self.loader.loading))
        watches = state.watches_of(paper.id) if paper else ()
        self.detail.show(paper, state.mark(paper.id) if paper else NO_MARK, spans, empty, watches)
        if paper is not None and paper.id != self._detail_id:
            self._detail_id = paper.id
            self.detail.scroll_home(animate=False)

    # --- what the widgets and the saver say ----------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        self.search.set_query(event.value)

    @on(Input.Submitted, "#search")
    @on(SearchBox.Leave)
    @on(PaperDetail.Back)
    def _back_to_list(self) -> None:
        self.query_one(Panes).zoom(False)
        self.focus_now(self.paper_list)

    @on(PaperList.Highlighted)
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        self.show_detail(event.paper_index)

    @on(PaperList.Opened)
    def _opened(self, event: PaperList.Opened) -> None:
        paper = self.state.papers[event.paper_index]
        self.focus_now(self.detail)
        # marked read only once the detail has actually been painted
        self.call_after_refresh(self.library.mark_read, paper.id)

    @on(Panes.Resized)
    def _detail_resized(self, event: Panes.Resized) -> None:
        self.reader_app.save_setting("detail_size", event.share)  # the next start opens with it

    @on(SaverReport)
    def _saver_reported(self, message: SaverReport) -> None:
        self.library.saver_reported(message.report)

    # --- actions: the keys' ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_like":  # Esc means "back" only while showing "more like this"
            return self.state.like is not None
        if action in PRIORITY_ACTIONS:  # "/" and the dialogs' keys: a screen above (help, a menu, the palette)
            return self.app.screen is self  # has them as its own, and the footer under it does not offer them
        return True

    def action_focus_search(self) -> None:
        """ "/" always means "search": from anywhere it focuses the box, and in the box it selects the query, so
        what is typed next replaces it (vim's and less's "/"; "/ video Esc / RLHF" searches "RLHF"). A "/" can
        still be part of a query by pasting it."""
        box = self.query_one("#search", Input)
        if self.focused is box:  # not has_focus: that is set only once the box handles its Focus event
            box.call_later(box.select_all)  # after the keys already sent to the box ("/a/b" in one burst is "b")
        else:
            self.focus_now(box)  # the box selects its query when it takes focus

    def action_clear_search(self) -> None:
        """Esc in the list: out of the zoom (w) when zoomed; else clear the selection when there is one; else back
        from "more like this" when it is shown; else clear the query (the search box's Input.Changed runs the
        empty search)."""
        if self.query_one(Panes).zoom(False):  # zoomed: Esc leaves the zoom first
            return
        if self.state.selection.clear():
            self.selection_shown()
        elif self.state.like is not None:
            self.search.leave_like()
        else:
            self.query_one("#search", Input).value = ""

    def action_scroll_detail(self, direction: int) -> None:
        """Read on in the abstract without leaving the list (vim's Ctrl+D / Ctrl+U: half a page)."""
        detail = self.detail
        detail.scroll_relative(y=direction * max(1, detail.scrollable_content_region.height // 2), animate=False)

    def action_toggle_read(self) -> None:
        self.library.toggle(self.current_id, "read")

    def action_toggle_star(self) -> None:
        self.library.toggle(self.current_id, "starred")

    def action_read_next_unread(self, step: int = 1) -> None:
        """newsboat's ``n`` (``p``: step -1, backwards): the paper under the cursor when it is unread, else the
        next unread one, shown in the detail and marked read. One key per paper."""
        if self.paper_list.jump_to_unread(step, here=True):
            self.library.mark_read(self.current_id)

    def action_read_previous_unread(self) -> None:
        self.action_read_next_unread(-1)

    def action_toggle_select(self) -> None:
        """Space, v: select or unselect the paper under the cursor, then move down one, as a file manager or
        mutt's tagging does (holding the key selects a run of papers)."""
        if (paper_id := self.current_id) is not None:
            self.state.selection.toggle(paper_id)
            self.paper_list.action_cursor_down()  # the detail follows the cursor (Highlighted)
            self.selection_shown()

    def action_cycle_view(self) -> None:
        self.views.cycle()

    def action_cycle_sort(self) -> None:
        self.search.cycle_sort()

    def action_more_like_this(self) -> None:
        self.search.more_like_this(self.paper_list.paper_index)

    def action_leave_like(self) -> None:
        self.search.leave_like()

    def action_undo(self) -> None:
        self.library.undo()

    def action_redo(self) -> None:
        self.library.redo()

    def action_fetch(self) -> None:
        self.fetcher.fetch()

    def action_add_paper(self) -> None:
        self.adder.add(self.query_one("#search", Input).value)

    def action_add_watch(self) -> None:
        self.news.add_watch(self.state.query, self.current)

    async def action_quit(self) -> None:
        await self.reader_app.action_quit()

    # --- the command registry: footer, help and palette all come from the bindings ------------------------

    async def run_command(self, command: Command) -> None:
        target = self.query_one(command.section.target) if command.section.target else self
        await self.app.run_action(command.binding.action, target)


def command_sections() -> list[Section]:
    from tui_reader.screens.help import HelpScreen

    return [
        Section("Anywhere", ReaderScreen.BINDINGS),
        Section("In the list", PaperList.BINDINGS, "#papers"),
        Section("In the detail pane", PaperDetail.BINDINGS, "#detail"),
        Section("In the list and the detail pane", Panes.BINDINGS, "#panes"),
        Section("In the search box", SearchBox.BINDINGS, "#search"),
        Section("In this help", HelpScreen.BINDINGS),  # listed so their ids can be rebound too
    ]
