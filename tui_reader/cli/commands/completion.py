"""``tui-reader completion bash|zsh|tcsh``: a shell completion script made from the parsers themselves."""

from __future__ import annotations

import argparse
import sys

from tui_reader.cli.commands import Command
from tui_reader.cli.parser import add_data_dir, build_parser

SHELLS = ("bash", "zsh", "tcsh")  # what shtab writes completion scripts for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS)


def run(args: argparse.Namespace) -> int:
    """The completion script for a shell, made by shtab from the same argparse parsers that parse the command
    line, so it cannot drift from them: subcommands, options, choices, files for PATH/FILE, folders for
    --data-dir. Install: `tui-reader completion bash > ~/.local/share/bash-completion/completions/tui-reader`."""
    import shtab  # only here: nothing else needs it

    parser = build_parser()
    add_data_dir(parser)  # what the reader itself takes besides PATHs (argparse allows no PATHs beside COMMAND)
    for action in _every_action(parser):
        if action.dest in ("paths", "file"):
            action.complete = shtab.FILE  # type: ignore[attr-defined]  # shtab reads this attribute
        elif action.dest == "data_dir":
            action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
    script = shtab.complete(parser, shell=args.shell)
    if args.shell == "bash":  # `tui-reader PATH…`: where the script offers nothing, bash's own file names
        script = script.replace("complete -o bashdefault -F", "complete -o bashdefault -o default -F")
    sys.stdout.write(script)
    return 0


def _every_action(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.extend(_every_action(sub))
    return found


COMMAND = Command("completion", "print a shell completion script (bash, zsh or tcsh)", add_arguments, run)
