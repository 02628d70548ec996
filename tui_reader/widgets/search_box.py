"""The search box: typing filters live; Esc clears, then leaves; Enter and ↓ go to the list."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Input

from tui_reader.commands import CommandBinding
from tui_reader.widgets.text import shown


class SearchBox(Input):
    """The query box: Esc clears it, or leaves it when already empty; Enter and ↓ go to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        CommandBinding(
            "escape",
            "clear_or_leave",
            "Clear",
            id="search-box.clear-or-leave",
            tooltip="Clear the query; on an empty box, back to the list",
            title="Clear the search",
        ),
        CommandBinding(
            "down", "leave", "List", id="search-box.leave", tooltip="Go to the list (Enter too)", title="Go to the list"
        ),
    ]

    class Leave(Message):
        """The user is done typing and wants the list."""

    def replace(self, text: str, start: int, end: int) -> None:
        """Typing and pasting both land here: a pasted escape sequence would otherwise be drawn as it is."""
        super().replace(shown(text)[0], start, end)

    def action_clear_or_leave(self) -> None:
        if self.value:
            self.value = ""
        else:
            self.action_leave()

    def action_leave(self) -> None:
        self.post_message(self.Leave())
