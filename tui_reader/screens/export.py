"""The export dialog (``e``): which papers (those selected, those shown, or every starred one), the format, and
the file.

Keyboard first: Tab moves between the fields, the arrows pick within a row, Enter exports from anywhere, Esc
cancels. The file is written in a worker thread (a 100k-paper export never freezes the screen), atomically
(``tui_reader.files.replace_file``); a file that cannot be written is one line naming it and why, and the dialog
stays open to try another name.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static
from textual.worker import get_current_worker

from tui_reader.export import FORMATS, render
from tui_reader.files import documents_dir, replace_file
from tui_reader.library.model import Mark
from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path
from tui_reader.screens import DIALOG_CSS
from tui_reader.widgets.text import shown

__all__ = ["ExportScreen", "default_export_path", "export_target", "home_relative"]


def default_export_path(fmt: str, today: _dt.date | None = None, folder: Path | None = None) -> Path:
    """``tui-reader-export-YYYYMMDD.<ext>`` in the user's documents folder (``files.documents_dir``): a file to
    keep, where people keep files, and never in whatever folder the reader was started from (under ``make run``,
    the checkout). The field shows the whole path, so it is never a guess."""
    day = (today or _dt.date.today()).strftime("%Y%m%d")
    return (folder or documents_dir()) / f"tui-reader-export-{day}{FORMATS[fmt].ext}"


def export_target(name: str) -> Path:
    """The file a name typed in the field means: ``~`` is the home folder, and a relative name is in the documents
    folder, as the default is (not in the reader's current directory)."""
    path = Path(name).expanduser()
    return path if path.is_absolute() else documents_dir() / path


def home_relative(path: Path) -> str:
    """The path as the user reads it: ``~/x.bib`` under the home folder, terminal-safe."""
    home = Path.home()
    try:
        text = "~/" + str(path.relative_to(home))
    except ValueError:
        text = str(path)
    return shown_path(text)


def with_format(name: str, fmt: str) -> str:
    """The file name for another format: one of ours (``.bib`` …) or no extension becomes the new one; any other
    extension is the user's choice and is kept."""
    path = Path(name)
    ours = {export_format.ext for export_format in FORMATS.values()}
    if name and not name.endswith(("/", os.sep)) and (path.suffix in ours or not path.suffix):
        return str(path.with_suffix(FORMATS[fmt].ext))
    return name


@dataclass(frozen=True)
class Exported:
    """What the dialog wrote: ``count`` papers to ``path``."""

    count: int
    path: Path

    @property
    def message(self) -> str:
        return f"{self.count:,} paper{'s' if self.count != 1 else ''} exported to {home_relative(self.path)}"


class Picker(RadioSet, inherit_bindings=False):
    """A row of radio buttons where the arrows pick at once (Enter is left to the dialog: it exports)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,down,l", "pick(1)", "Next", id="export.next", show=False),
        Binding("left,up,h", "pick(-1)", "Previous", id="export.previous", show=False),
    ]

    def on_mount(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index

    def action_pick(self, step: int) -> None:
        self.action_next_button() if step > 0 else self.action_previous_button()
        if self._selected is not None:
            button = self.query(RadioButton)[self._selected]
            button.value = True


class ExportScreen(ModalScreen[Exported | None]):
    """Export ``shown`` (the list as it is now) or ``starred`` (every starred paper of the corpus), or
    ``selected`` (the papers selected in the list), offered first and chosen when given."""

    CSS_PATH = DIALOG_CSS

    AUTO_FOCUS = "#export-what"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]  # noqa: RUF012 (Textual declares it so)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel", show=False),
        Binding("enter", "export", "Export", id="export.export", show=False),
    ]

    def __init__(
        self,
        shown_papers: Sequence[Paper],
        starred: Sequence[Paper],
        marks: Callable[[str], Mark],
        fmt: str = "bibtex",
        selected: Sequence[Paper] = (),
    ) -> None:
        super().__init__()
        self.papers = {"shown": shown_papers, "starred": starred}
        if selected:  # offered first and chosen: what the user selected is what they mean
            self.papers = {"selected": selected, **self.papers}
        self.marks = marks
        self.fmt = fmt
        self._confirmed: Path | None = None  # an existing file the user has agreed to replace

    def compose(self) -> ComposeResult:
        shown_count, starred_count = len(self.papers["shown"]), len(self.papers["starred"])
        with Vertical(id="export"):
            yield Static(Text("Export papers", style="bold"), classes="export-title")
            with Horizontal(classes="export-row"):
                yield Label("What", classes="export-label")
                with Picker(id="export-what", compact=True):
                    if "selected" in self.papers:
                        selected = len(self.papers["selected"])
                        yield RadioButton(f"the {selected:,} selected", value=True, id="what-selected")
                    yield RadioButton(
                        f"the {shown_count:,} shown", value="selected" not in self.papers, id="what-shown"
                    )
                    yield RadioButton(f"all {starred_count:,} starred", id="what-starred")
            with Horizontal(classes="export-row"):
                yield Label("Format", classes="export-label")
                with Picker(id="export-format", compact=True):
                    for fmt in FORMATS.values():  # every registered format, labelled as it names itself
                        yield RadioButton(fmt.label, value=fmt.name == self.fmt, id=f"format-{fmt.name}")
            with Horizontal(classes="export-row"):
                yield Label("File", classes="export-label")
                yield Input(
                    home_relative(default_export_path(self.fmt)), id="export-file", select_on_focus=False, compact=True
                )
            yield Static(id="export-message")
            with Horizontal(classes="export-buttons"):
                yield Button("Export", variant="primary", id="export-go", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)
            yield Static(
                Text("Tab next field · ←→ pick · Enter exports · Esc cancels", style="dim"), classes="export-help"
            )

    # --- the fields ----------------------------------------------------------------------------------------

    @property
    def what(self) -> str:
        pressed = self.query_one("#export-what", RadioSet).pressed_button
        return pressed.id.removeprefix("what-") if pressed is not None and pressed.id else "shown"

    @property
    def file_input(self) -> Input:
        return self.query_one("#export-file", Input)

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self.fmt = (event.pressed.id or "format-bibtex").removeprefix("format-")
        self.file_input.value = with_format(self.file_input.value, self.fmt)

    @on(Input.Changed, "#export-file")
    def _file_changed(self) -> None:
        self._confirmed = None
        self.say("")

    def say(self, message: str, error: bool = False) -> None:
        """The dialog's own line: what is happening, or what went wrong (literally, one line)."""
        line = self.query_one("#export-message", Static)
        line.update(Text(shown(message)[0], style="bold red" if error else ""))

    # --- exporting -----------------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "export")  # a write not yet done is dropped: Esc leaves no file
        self.dismiss(None)

    @on(Button.Pressed, "#export-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted, "#export-file")
    @on(Button.Pressed, "#export-go")
    def action_export(self) -> None:
        papers = self.papers[self.what]
        name = self.file_input.value.strip()
        if not papers:
            self.say(f"No {self.what} papers to export.", error=True)
            return
        if not name:
            self.say("Give a file name.", error=True)
            return
        path = export_target(name)
        if path.exists() and not path.is_dir() and path != self._confirmed:
            self._confirmed = path
            self.say(f"{home_relative(path)} exists: Enter again replaces it.")
            return
        self.say(f"Exporting {len(papers):,} papers…")
        self._write(list(papers), self.fmt, path)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(self, papers: list[Paper], fmt: str, path: Path) -> None:
        data = render(papers, fmt, self.marks).encode("utf-8")
        if get_current_worker().is_cancelled:
            return
        try:
            if path.parent == documents_dir():  # the documents folder is made if missing (no other folder is)
                path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, data)
        except OSError as exc:
            self.app.call_from_thread(self._failed, path, exc)
            return
        self.app.call_from_thread(self._written, Exported(len(papers), path))

    def _written(self, exported: Exported) -> None:
        if self.is_current:
            self.dismiss(exported)
        else:  # Esc came after the file was in place: it is there, so say so
            self.notify(shown(exported.message)[0], title="Exported", markup=False)

    def _failed(self, path: Path, error: OSError) -> None:
        message = f"{home_relative(path)}: {error.strerror or error}"
        self.say(message, error=True)
        self.notify(shown(message)[0], title="Export failed", severity="error", timeout=8, markup=False)
        self.file_input.focus()
