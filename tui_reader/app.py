"""The Textual reader app: the user's settings, theme and keymap, the mark saver, notifications, and the reader's
screen (tui_reader.screens.reader), which shows the papers and answers the keys.

State lives in ``ReaderState`` (a plain object, tui_reader.state); the screen renders it and its controllers
(tui_reader.controllers) change it. Searching and indexing run in worker threads, so typing never waits for them;
a result that arrives after a newer query is dropped.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen

from tui_reader.commands import Command, check_keymap, commands
from tui_reader.config import Config, config_file, save_setting
from tui_reader.files import record_failure
from tui_reader.library import MarkStore
from tui_reader.messages import SaverReport
from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path
from tui_reader.screens.reader import ReaderScreen, command_sections
from tui_reader.sorting import Sort
from tui_reader.state import ReaderState
from tui_reader.views import View
from tui_reader.widgets import shown

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui_reader.saving import MarkSaver
    from tui_reader.warning_summary import Budget

__all__ = ["LaunchOutcome", "ReaderApp"]

MARKS_POLL_SECONDS = 2.0  # how soon marks made in another reader (or by `tui-reader mark`) show here


class LaunchOutcome:
    """What the launcher needs once the reader has closed: marks that could not be saved, and, when every file
    turned out empty (the reader exits at once), that there were no papers and why."""

    def __init__(self) -> None:
        self.unsaved = 0
        self.failed = False  # the unsaved changes met a marks file that could not be written, not a lock
        self.no_papers = False
        self.load_warnings: list[str] = []


def breakpoint_classes(size: int, breakpoints: Sequence[tuple[int, str]]) -> set[str]:
    """The class Textual gives a screen for ``size`` cells: the one of the largest breakpoint it reaches."""
    reached = [(at, name) for at, name in breakpoints if size >= at]
    return {max(reached)[1]} if reached else set()


NOTIFICATION_CHARS = 400  # a notification's text is cut past this many characters


class ReaderApp(App[LaunchOutcome]):
    """The reader. Give it papers and an open MarkStore; warnings are shown as notifications. ``run()`` returns
    a ``LaunchOutcome``."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it too
    TITLE = "tui-reader"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (Textual declares it an instance variable)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]  # noqa: RUF012 (short: a one-row search box, thin borders)

    def __init__(
        self,
        papers: Sequence[Paper],
        store: MarkStore,
        warnings: Sequence[str] = (),
        files: Sequence[Path] = (),
        watch: Sequence[Path] = (),
        config: Config | None = None,
        notices: Sequence[str] = (),
    ) -> None:
        """``files`` are read in a worker after the first paint; their papers join ``papers`` as they come.
        ``watch``: folders whose new or changed files are read while the reader is open. ``config``: the user's
        settings (theme, start view and position, keymap, the sync folder; see tui_reader.config). ``notices``:
        what the launcher has to tell once (not problems: shown as information)."""
        super().__init__()
        self.reader = ReaderState(papers=papers, store=store)
        self.files, self.watched = list(files), list(watch)
        self.outcome = LaunchOutcome()
        self.startup_warnings = list(warnings) + list(store.warnings)
        self.startup_notices = list(notices)
        self.config = config or Config()
        self.user_keymap: dict[str, str] = {}  # binding id -> keys (see tui_reader.commands); set_keymap applies it
        self._warnings_flush_due = False
        self._wanted_settings: dict[str, str | int | bool] = {}  # chosen in the reader, not yet written (save_setting)
        self._settings_lock = threading.Lock()
        self._apply_settings()

    def get_default_screen(self) -> Screen[None]:
        """The reader's screen is the first and bottom one (no empty screen under it to paint first)."""
        screen = ReaderScreen(self.reader, self.data_dir(), self.files, self.watched)
        self._news = screen.news  # the session ends when the app does (its screens are gone by then)
        self.startup_warnings.extend(screen.views.views.warnings)
        # the size classes the first Resize would give it, given now: styled once for the terminal it opens in,
        # not once more for every widget when that Resize comes (~5 ms of the first frame)
        width, height = self.size
        screen.add_class(*breakpoint_classes(width, self.HORIZONTAL_BREAKPOINTS), update=False)
        screen.add_class(*breakpoint_classes(height, self.VERTICAL_BREAKPOINTS), update=False)
        return screen

    @property
    def reader_screen(self) -> ReaderScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, ReaderScreen)
        return screen

    def data_dir(self) -> Path:
        from tui_reader.library import default_data_dir

        return self.reader.store.data_dir or default_data_dir()

    def on_mount(self) -> None:
        self.warn(self.startup_warnings)
        for notice in self.startup_notices:
            self.say(notice, title="Note", timeout=20)
        self.set_keymap(self.user_keymap)
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        self.call_after_refresh(self.first_frame_shown)

    @cached_property
    def saver(self) -> MarkSaver:
        """The mark saver (tui_reader.saving), made after the first frame (a change before then makes it, and waits
        in its queue until the thread starts): its module and its thread, opening marks.db for writing, are
        nothing the first frame needs to wait for."""
        from tui_reader.saving import MarkSaver

        return MarkSaver(
            self.reader.store, self._saver_reported, poll_seconds=MARKS_POLL_SECONDS, sync_dir=self.config.sync_dir
        )

    def first_frame_shown(self) -> None:
        """The launcher holds cyclic garbage collection off while Textual loads and the first screen is built
        (all of it lives on; see tui_reader.cli.main). Turn it back on, with what start-up made frozen: later
        collections skip it, so they stay short however much was loaded. Then the mark saver's thread starts."""
        self.saver.start()
        if self.config.refresh is not None:
            self.refresh_on_its_own(self.config.refresh)
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def refresh_on_its_own(self, every: float) -> None:
        """``refresh`` in config.toml: a fetch now if the last is that old, then a look every minute."""
        from tui_reader.controllers.refreshing import REFRESH_CHECK_SECONDS, Refresher

        screen = self.reader_screen
        self.refresher = Refresher(screen, screen.fetcher, screen.news, self.data_dir(), every)
        self.refresher.tick()
        self.set_interval(REFRESH_CHECK_SECONDS, self.refresher.tick, name="refresh")

    def on_unmount(self) -> None:
        if (news := getattr(self, "_news", None)) is not None:
            news.end_session()  # what this session saw is not new to the next one
        self.saver.close()
        self.outcome.unsaved = self.saver.unsaved_at_exit
        self.outcome.failed = self.saver.failed_at_exit

    def exit_no_papers(self, warnings: Sequence[str]) -> None:
        """Every file turned out empty (or loading failed with nothing loaded): exit; the launcher says why."""
        self.outcome.no_papers = True
        self.outcome.load_warnings = list(warnings)
        self.exit(self.outcome, return_code=1)

    async def action_quit(self) -> None:
        self.exit(self.outcome)

    # --- notifications: problems the user should know about, and what the reader did -------------------------

    def warn(self, messages: Iterable[str], title: str = "Warning") -> None:
        """Problems the user should know about (skipped files, marks not saved), as notifications: a handful at
        a time, then one counting the rest, written to the log file (tui_reader.warning_summary)."""
        for message in self.warning_budget.take(list(messages)):
            self.say(message, title=title, severity="warning", timeout=12)
        if self.warning_budget.to_log and not self._warnings_flush_due:
            self._warnings_flush_due = True  # batches coming together (a load's) make one "more" notification
            self.set_timer(0.5, self._flush_warnings)

    @cached_property
    def warning_budget(self) -> Budget:
        from tui_reader.warning_summary import Budget

        return Budget()

    def _flush_warnings(self) -> None:
        self._warnings_flush_due = False
        if (line := self.warning_budget.flush()) is not None:
            self.say(line, title="Warning", severity="warning", timeout=12)

    def say(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None
    ) -> None:
        """Every notification the reader makes goes through here. Its text may hold a file name, a link or the
        query, so it is shown literally: never read as markup (a "[/]" would crash the app, a "[@click=…]"
        would attach an action), and without terminal controls or escape sequences (one line each)."""
        text = shown(message)[0]
        if len(text) > NOTIFICATION_CHARS:  # a 100 KB link would cover the screen: the clipboard has it whole
            text = text[: NOTIFICATION_CHARS - 1] + "…"
        self.notify(text, title=shown(title)[0][:80], severity=severity, timeout=timeout, markup=False)

    def report_failure(self, what: str, error: BaseException, where: str) -> None:
        """A worker raised (its traceback logged ``where``): said in one line; the reader goes on."""
        self.say(
            f"{what} failed ({type(error).__name__}: {error}). Details: {where}",
            title="Error",
            severity="error",
            timeout=20,
        )

    # --- saving marks (tui_reader.saving: a thread commits them; the screen never waits) -------------------

    def _saver_reported(self, report: object) -> None:
        self.reader_screen.post_message(SaverReport(report))  # from the saver's thread: post_message is thread-safe

    async def marks_saved(self) -> None:
        """Wait (without blocking the screen) until every mark changed so far is committed."""
        import asyncio

        await asyncio.to_thread(self.saver.flush)

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
        if config.keymap:  # the bindings are gathered only when there is a keymap to check against them
            self.user_keymap, warnings = check_keymap(command_sections(), config.keymap, name)
            self.startup_warnings.extend(warnings)

    def _theme_chosen(self, theme: object) -> None:
        if self.theme != self._saved_theme:
            self._saved_theme = self.theme
            self.save_setting("theme", self.theme)

    def save_setting(self, name: str, value: str | int | bool) -> None:
        """Write a setting the user chose in the reader (theme, sort…) into config.toml, comments and other
        settings kept, in a worker; a problem is one warning. Chosen again before it is written (S pressed
        three times), the file ends with the last choice, written once or twice, not once per choice."""
        self._wanted_settings[name] = value
        self._write_setting(name)

    @work(thread=True, group="settings", exit_on_error=False)
    def _write_setting(self, name: str) -> None:
        try:
            with self._settings_lock:  # the newest choice taken and written under one lock
                if (value := self._wanted_settings.pop(name, None)) is None:
                    return  # an earlier worker wrote the newest choice already
                problem = save_setting(name, value)
        except Exception as error:
            self.call_from_thread(
                self.report_failure, f"Saving the {name}", error, record_failure("worker settings", error)
            )
            return
        if problem:
            self.call_from_thread(self.warn, [problem], "Settings")

    # --- the command palette: every command of the registry, then Textual's own -----------------------------

    def all_commands(self) -> list[Command]:
        """Every binding of the reader with the keys the user's keymap gives it (the help, the palette)."""
        return commands(command_sections(), self.user_keymap)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every command of the registry with its key, the saved views, then Textual's own (theme,
        screenshot…) except those the registry already has (its "Keys" is our help, its "Quit" our q)."""
        reader = self.reader_screen
        for command in self.all_commands():
            if command.binding.action == "leave_like" and self.reader.like is None:
                continue  # "Back" means something only while "more like this" is shown
            if command.is_command:
                explanation = f"{command.label}  ·  {command.explanation}"
                yield SystemCommand(command.title, explanation, partial(reader.run_command, command))
        for built_in in (View.NEW, View.WATCHED):
            explanation = "papers first seen since the last session" if built_in is View.NEW else "the watch list's"
            yield SystemCommand(f"View: {built_in.value}", explanation, partial(reader.views.show_built_in, built_in))
        reader.views.reload()
        for view in reader.views.views.views:
            yield SystemCommand(
                f"View: {view.name}", f"{view.query}  ·  the saved view", partial(reader.views.show, view)
            )
        if reader.views.views.views:
            yield SystemCommand("Delete view…", "Forget one of the saved views", reader.action_delete_view)
        for system in super().get_system_commands(screen):
            if system.title not in ("Keys", "Quit"):
                yield system
