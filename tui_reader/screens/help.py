"""The help screen: every key from the command registry (``tui_reader.commands``), and the search syntax."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.commands import Command

SEARCH_HELP = """\
Search: terms must all match (title or abstract); typos are forgiven; the last term matches as a prefix.
  "exact phrase"   -term (exclude)   is:read  is:unread  is:starred   -is:starred (any filter negated)
  author:hint (a name word starting so, any accent or case)   author:"yann lecun"   author:a author:b (both)
  date:2024-03-11  date:2024-03  date:2024-03-01..2024-03-15  date:2024-03..  date:>=2024-03-01
  date:today  date:yesterday  date:7d  date:2w   date:Mar  date:"Mar 11" (that day in any year)
  A paper's dates are the days Daily Papers listed it and its arXiv published day: any of them may match.
Opening a paper (Enter) marks it read once its detail has been shown; moving through the list marks nothing."""

EXTRA_ROWS = (
    ("Ctrl+P", "Command palette: every command by name, with its key"),
    ("Tab / Shift+Tab", "Move between search, list and detail"),
    ("Mouse", "Click selects, double click opens, the wheel scrolls"),
)


class HelpScreen(ModalScreen[None]):
    """Every key the reader knows, taken from the live bindings, and the search syntax."""

    AUTO_FOCUS = "*"  # the scrollable help (the app's own AUTO_FOCUS names the paper list)

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close help")]

    def __init__(self, commands: Iterable[Command]) -> None:
        super().__init__()
        self.commands = list(commands)

    @property
    def keys(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every row of the help, in order."""
        return [(c.label, c.explanation) for c in self.commands] + list(EXTRA_ROWS)

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        heading = None
        for command in self.commands:
            if command.section.heading != heading:
                heading = command.section.heading
                table.add_row(Text(heading, style="bold underline"), "")
            table.add_row(Text(command.label), Text(command.explanation))  # Text: a str cell would be markup
        table.add_row(Text("Also", style="bold underline"), "")
        for key, explanation in EXTRA_ROWS:
            table.add_row(Text(key), Text(explanation))
        with VerticalScroll(id="help"):
            yield Static(Text("tui-reader — keys", style="bold"), classes="help-title")
            yield Static(table)
            yield Static(Text(SEARCH_HELP), classes="help-search")
            yield Static(Text("Esc, q or ? closes this help.", style="dim"))
