"""The help screen: every key from the command registry (``tui_reader.commands``) with its binding id (what a
``[keymap]`` entry in config.toml rebinds), and the search syntax. The way out is on its first line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.commands import Command
from tui_reader.screens import DIALOG_CSS

SEARCH_HEAD = """\
Search: every term should match (title or abstract; with none matching them all, the best partial matches show);
  typos and other forms of a word (reason/reasoning, MoE/mixture of experts) count; the last term is a prefix."""
SEARCH_SYNTAX = ('"exact phrase"', "-term (exclude)")  # then each filter's examples
SEARCH_TAIL = """\
Opening a paper (Enter) marks it read once its detail has been shown; moving through the list marks nothing.
The dim name by each key is its id: a [keymap] entry in config.toml (id = "key") rebinds it."""
SEARCH_WIDTH = 110  # short examples share a line up to this width


def search_help() -> str:
    """The search syntax: the phrase and exclusion, then the examples of every filter of the search's registry
    (``tui_reader.search.filters.FILTERS``), in its order. Short examples share a line; several lines stay apart."""
    from tui_reader.search.filters import FILTERS  # the search package loads numpy: only once the help opens

    lines: list[str] = []
    line = ""
    for examples in (*SEARCH_SYNTAX, *(spec.help for spec in FILTERS.values())):
        several = "\n" in examples
        if line and (several or len(line) + 3 + len(examples) > SEARCH_WIDTH):
            lines.append(line)
            line = ""
        if several:
            lines.extend(examples.splitlines())
        else:
            line = f"{line}   {examples}" if line else examples
    if line:
        lines.append(line)
    return "\n".join([SEARCH_HEAD, *(f"  {text}" for text in lines), SEARCH_TAIL])


EXTRA_ROWS = (
    ("Ctrl+P", "Command palette: every command by name, with its key"),
    ("Tab / Shift+Tab", "Move between search, list and detail"),
    ("Mouse", "Click selects, double click opens, the wheel scrolls"),
)


class HelpScreen(ModalScreen[None]):
    """Every key the reader knows, taken from the live bindings, and the search syntax."""

    CSS_PATH = DIALOG_CSS

    AUTO_FOCUS = "*"  # the scrollable help (the app's own AUTO_FOCUS names the paper list)

    # the keys that move in the list scroll the help too (its VerticalScroll also has the arrows and PgUp/PgDn)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
        Binding("j", "scroll_help('down')", "Scroll down", id="help.scroll-down", show=False),
        Binding("k", "scroll_help('up')", "Scroll up", id="help.scroll-up", show=False),
        Binding("g", "scroll_help('home')", "Top", id="help.scroll-home", show=False),
        Binding("G", "scroll_help('end')", "Bottom", id="help.scroll-end", show=False),
        Binding("ctrl+d,space", "scroll_help('page_down')", "Page down", id="help.page-down", show=False),
        Binding("ctrl+u", "scroll_help('page_up')", "Page up", id="help.page-up", show=False),
    ]

    def __init__(self, commands: Iterable[Command]) -> None:
        super().__init__()
        self.commands = list(commands)

    @property
    def keys(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every row of the help, in order."""
        return [(c.label, c.explanation) for c in self.commands] + list(EXTRA_ROWS)

    def action_scroll_help(self, where: str) -> None:
        """j k g G Ctrl+D Ctrl+U: the help scrolls as the list moves."""
        box = self.query_one("#help", VerticalScroll)
        moves = {
            "down": box.action_scroll_down,
            "up": box.action_scroll_up,
            "home": box.action_scroll_home,
            "end": box.action_scroll_end,
            "page_down": box.action_page_down,
            "page_up": box.action_page_up,
        }
        moves[where]()

    def compose(self) -> ComposeResult:
        rows: list[KeyRow] = []
        heading = None
        for command in self.commands:
            if command.section.heading != heading:
                heading = command.section.heading
                rows.append((heading, "", ""))
            rows.append((command.label, command.explanation, command.binding.id or ""))
        rows.append(("Also", "", ""))
        rows += [(key, explanation, "") for key, explanation in EXTRA_ROWS]
        title = Text.assemble(("tui-reader — keys", "bold"), ("   Esc, q or ? closes · j k scroll", "dim"))
        with VerticalScroll(id="help"):
            yield Static(title, classes="help-title")  # first: the way out is never below the fold
            yield Static(KeyTable(rows), classes="help-keys")
            yield Static(Text(search_help()), classes="help-search")


KeyRow = tuple[str, str, str]  # (the key, what it does, its id); a heading: (its text, "", "")


class KeyTable:
    """The keys as a table drawn to the width it is given: key, what it does and the id in three columns where
    that leaves what it does room to read (``WIDE`` cells), else the id dimmed on its own line below (a squeezed
    middle column cut "Search" to "Sear…" at 60 columns)."""

    WIDE = 90

    def __init__(self, rows: list[KeyRow]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wide = options.max_width >= self.WIDE
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        if wide:
            table.add_column(style="dim", no_wrap=True)  # the id a [keymap] entry in config.toml rebinds
        for key, explanation, binding_id in self.rows:
            if not explanation:  # a heading
                table.add_row(Text(key, style="bold underline"))
                continue
            # Text: a str cell would be markup
            if wide:
                table.add_row(Text(key), Text(explanation), Text(binding_id))
            elif binding_id:
                table.add_row(Text(key), Text.assemble(explanation, "\n", (binding_id, "dim")))
            else:
                table.add_row(Text(key), Text(explanation))
        yield table
