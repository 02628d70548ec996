"""Small dialogs over the reader: a yes/no question (``ConfirmScreen``: "Mark 37 papers read? y/n") and a one-line
prompt (``PromptScreen``: the name of a view to save; ``screens/tags.py`` builds the tag prompt on it).

Titles and values may hold untrusted text (a paper's title, a view's name): drawn literally (rich ``Text``, never
markup), on one line, without controls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from tui_reader.screens import DIALOG_CSS
from tui_reader.widgets.text import cut

__all__ = ["Accept", "ConfirmScreen", "PromptScreen"]

Accept = Callable[[str], str | None]  # does what the prompt asks with the value; returns a problem (one line) or None


class ConfirmScreen(ModalScreen[bool]):
    """A question answered with one key: y is yes; n or Esc is no."""

    CSS_PATH = DIALOG_CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", show=False),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(Text(cut(self.question, min(72, self.app.size.width - 6)), style="bold"))
            yield Static(Text("y yes · n or Esc no", style="dim"), classes="prompt-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(ModalScreen[str | None]):
    """A title, one line to type and a hint. Enter hands the value to ``accept``: a problem it returns is shown
    under the line and the prompt stays (nothing was done); None closes it with the value. Esc cancels (None)."""

    CSS_PATH = DIALOG_CSS

    AUTO_FOCUS = "#prompt-input"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel", show=False),
    ]

    def __init__(
        self,
        title: str,
        accept: Accept,
        hint: str,
        value: str = "",
        placeholder: str = "",
        suggester: Suggester | None = None,
    ) -> None:
        super().__init__()
        self.title_text, self.accept, self.hint = title, accept, hint
        self.value, self.placeholder, self.suggester = value, placeholder, suggester

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Static(Text(cut(self.title_text, min(72, self.app.size.width - 6)), style="bold"))
            yield from self.compose_above()
            yield Input(
                self.value,
                placeholder=self.placeholder,
                suggester=self.suggester,
                id="prompt-input",
            )
            yield Static(id="prompt-problem")
            yield from self.compose_below()
            yield Static(Text(self.hint, style="dim"), classes="prompt-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))  # at once, not at ScreenResume: keys typed fast land in the line

    def compose_above(self) -> ComposeResult:
        """What a prompt shows between its title and its line (nothing here)."""
        yield from ()

    def compose_below(self) -> ComposeResult:
        """What a prompt shows under its line (nothing here)."""
        yield from ()

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.accept(event.value)
        if problem is None:
            self.dismiss(event.value)
        else:
            self.query_one("#prompt-problem", Static).update(Text(cut(problem, 200), style="bold red"))

    @on(Input.Changed, "#prompt-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#prompt-problem", Static).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)
