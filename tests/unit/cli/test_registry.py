"""The one list of subcommands: every module of tui_reader/cli/commands is a registered command named after its
file, and launching the reader imports none of them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tui_reader.cli.commands
from tui_reader.cli.parser import build_parser
from tui_reader.cli.registry import SUBCOMMANDS, command, commands


def test_every_command_module_is_registered_under_its_file_name():
    folder = Path(tui_reader.cli.commands.__file__).parent
    modules = {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}
    assert modules == set(SUBCOMMANDS)
    assert [found.name for found in commands()] == list(SUBCOMMANDS)
    assert all(command(name).help for name in SUBCOMMANDS)


def test_the_parser_offers_the_registered_commands_in_order():
    [subparsers] = [action for action in build_parser()._actions if action.dest == "command"]
    assert list(subparsers.choices) == list(SUBCOMMANDS)


def test_launching_the_reader_imports_no_command_module():
    code = (
        "import sys; from tui_reader.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('tui_reader.cli.commands')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
