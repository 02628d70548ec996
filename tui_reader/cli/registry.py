"""The one list of subcommands. Each is a module of tui_reader.cli.commands, named after the command, that
defines ``COMMAND = Command(...)``: its name, its help, how it adds its arguments, and its handler. The parser,
the dispatch in ``main``, the reader's --help and the shell completion scripts all come from this list.

Adding a subcommand: write ``commands/<name>.py`` and add its name to SUBCOMMANDS.

The modules are imported only when a subcommand runs: launching the reader needs the names alone.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_reader.cli.commands import Command

# In the order `tui-reader --help` and the completion scripts give them.
SUBCOMMANDS = ("list", "export", "digest", "mark", "marks", "note", "tag", "sync", "fetch", "add", "completion")


def commands() -> list[Command]:
    """Every subcommand, in SUBCOMMANDS' order."""
    return [command(name) for name in SUBCOMMANDS]


def command(name: str) -> Command:
    found: Command = import_module(f"tui_reader.cli.commands.{name}").COMMAND
    if found.name != name:
        raise LookupError(f"tui_reader.cli.commands.{name} defines the command {found.name!r}")
    return found
