"""A small menu of choices, each picked with one key: what ``o`` (open), ``y`` (copy) and ``e`` (export) show.

Items hold untrusted text (URLs, titles, BibTeX): every label is drawn literally (rich ``Text``, never markup),
on one line, without controls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_reader.screens import DIALOG_CSS
from tui_reader.widgets.text import cut

__all__ = ["Choice", "ChoiceScreen"]

T = TypeVar("T")

RESERVED_KEYS = frozenset("jkq")  # they move and cancel; never an accelerator
DETAIL_MAX_WIDTH = 80  # cells of an item's detail (a URL, the text copied) before it is cut with "…"


@dataclass(frozen=True)
class Choice(Generic[T]):
    """One item: ``key`` (one character, or "" for none) picks it at once; ``label`` says what it is, ``detail``
    what it holds (untrusted text: a URL, a title), ``value`` is what the menu returns."""

    key: str
    label: str
    detail: str
    value: T


class ChoiceScreen(ModalScreen[T | None], Generic[T]):
    """A centred menu sized to its items. The first item is highlighted; Enter (or a click) picks the highlighted
    one, its key picks any at once, Esc or q cancels (the result is then None)."""

    CSS_PATH = DIALOG_CSS

    AUTO_FOCUS = "#choices"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Cancel", id="choice.cancel", show=False),
        Binding("j", "move(1)", "Down", id="choice.down", show=False),
        Binding("k", "move(-1)", "Up", id="choice.up", show=False),
    ]

    def __init__(self, title: str, choices: Sequence[Choice[T]], hint: str = "") -> None:
        super().__init__()
        keys = [choice.key for choice in choices if choice.key]
        if len(set(keys)) != len(keys) or RESERVED_KEYS & set(keys) or any(len(key) != 1 for key in keys):
            raise ValueError(f"menu keys must be distinct single characters other than j, k, q: {keys}")
        self.title_text = title
        self.choices = list(choices)
        self.hint = hint or "Enter or an item's key picks · Esc cancels"

    def compose(self) -> ComposeResult:
        label_width = max((cell_len(cut(choice.label, 40)) for choice in self.choices), default=0)
        width = self.app.size.width
        # the key (3 cells), two gaps, the menu's padding and border: what is left is for the details
        room = max(12, min(DETAIL_MAX_WIDTH, width - label_width - 13))
        options = []
        for choice in self.choices:
            line = Text()
            line.append(f" {choice.key or ' '} ", "bold")
            line.append("  ")
            label = cut(choice.label, 40)
            line.append(label + " " * (label_width - cell_len(label)))
            if choice.detail:
                line.append("  ")
                line.append(cut(choice.detail, room), "dim")
            options.append(Option(line))
        with Vertical(id="choice-menu"):
            yield Static(Text(cut(self.title_text, min(72, width - 6)), style="bold"), classes="choice-title")
            yield OptionList(*options, id="choices")
            yield Static(Text(self.hint, style="dim"), classes="choice-hint")

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_key(self, event: events.Key) -> None:
        """A choice's key picks it at once."""
        for choice in self.choices:
            if choice.key and event.character == choice.key:
                event.stop()
                event.prevent_default()
                self.dismiss(choice.value)
                return

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index].value)
