"""The note editor (``a``): the paper's note in a text area. Ctrl+S saves; Esc closes, asking first when there
are changes to drop. The title is the paper's (untrusted text: drawn literally, on one line)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from tui_reader.screens import DIALOG_CSS
from tui_reader.screens.prompt import ConfirmScreen
from tui_reader.widgets.text import cut

__all__ = ["NoteScreen"]

Save = Callable[[str], str | None]  # saves the note's text; returns a problem (one line) or None


class NoteScreen(ModalScreen[str | None]):
    """Edit one note. ``save`` gets the text on Ctrl+S: a problem it returns is a notification and the editor
    stays open with the text; None closes it (the result is the text). Closed unsaved, the result is None."""

    CSS_PATH = DIALOG_CSS

    AUTO_FOCUS = "#note-text"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="note.save", show=False, priority=True),
        Binding("escape", "close", "Close", id="note.close", show=False, priority=True),
    ]

    def __init__(self, title: str, note: str, save: Save) -> None:
        super().__init__()
        self.title_text, self.note, self.save = title, note, save

    def compose(self) -> ComposeResult:
        with Vertical(id="note"):
            yield Static(Text(cut(f"Note on “{self.title_text}”", min(90, self.app.size.width - 6)), style="bold"))
            area = TextArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield area
            yield Static(
                Text("Ctrl+S saves · Esc closes (asks before dropping changes)", style="dim"), classes="prompt-hint"
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.move_cursor(area.document.end)
        self.set_focus(area)  # at once, not at ScreenResume: keys typed right after the note key land in the note

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        text = self.text
        problem = self.save(text)
        if problem is None:
            self.dismiss(text)
        else:
            self.notify(problem, title="Note not saved", severity="error", timeout=8, markup=False)

    def action_close(self) -> None:
        if self.text == self.note:
            self.dismiss(None)
        else:
            self.app.push_screen(ConfirmScreen("Drop your changes? y/n"), self._drop)

    def _drop(self, drop: bool | None) -> None:
        if drop:
            self.dismiss(None)
