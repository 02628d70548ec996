"""The search box: typing filters live; Esc, Enter and ↓ go to the list, keeping the query (Esc in the list
clears it)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Input

from tui_reader.commands import CommandBinding
from tui_reader.widgets.text import shown


class SearchBox(Input):
    """The query box: Esc, Enter and ↓ go to the list with the query kept (Esc in the list clears it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        CommandBinding(
            "escape",
            "leave",
            "List",
            id="search-box.back",
            tooltip="Back to the list, keeping the query (Esc in the list clears it)",
            title="Leave the search box",
        ),
        CommandBinding(
            "down",
            "leave",
            "List",
            id="search-box.leave",
            tooltip="Go to the list (Enter too)",
            title="Go to the list",
            show=False,  # the footer offers Esc for the same
        ),
    ]

    class Leave(Message):
        """The user is done typing and wants the list."""

    def replace(self, text: str, start: int, end: int) -> None:
        """Typing and pasting both land here: a pasted escape sequence would otherwise be drawn as it is."""
        super().replace(shown(text)[0], start, end)

    def action_leave(self) -> None:
        self.post_message(self.Leave())
