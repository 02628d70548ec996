"""The argparse parsers: the reader's own (``tui-reader [PATH ...]``), and the one of the subcommands, built
from the registry; and the arguments several of them take (PATHs, --data-dir, --version)."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from tui_reader.cli.common import PROG, cut_message, path_arg
from tui_reader.cli.registry import SUBCOMMANDS, commands


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=path_arg, help="where marks are kept (default: the user data directory)")


def add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=path_arg,
        metavar="PATH",
        help="files or folders (default: the corpus in config.toml and the fetched days; "
        "the bundled demo papers until a listing is fetched)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="read the bundled demo papers too (by default they are read only until listings are fetched)",
    )


def add_corpus(parser: argparse.ArgumentParser, ids: str = "ids come") -> None:
    """--corpus PATH (repeatable): where the paper ids given come from, for mark (``ids come``), note and tag
    (``id comes``)."""
    parser.add_argument(
        "--corpus",
        action="append",
        type=path_arg,
        default=[],
        metavar="PATH",
        help=f"dump file or folder the {ids} from (repeatable; default: the corpus the reader reads)",
    )


class _Version(argparse._VersionAction):
    """--version, which looks the version up only when asked: reading the package metadata (importlib.metadata,
    with email, zipfile and csv) would otherwise cost every launch of the reader ~13 ms before its first frame.
    A _VersionAction still, so shell completion treats it as argparse's own."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        sys.stdout.write(f"{PROG} {package_version()}\n")  # where argparse's own version action writes it
        parser.exit()


def add_version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action=_Version)


def package_version() -> str:
    """The installed package's version (pipx, uv tool, pip), or the source tree's when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tui-reader")
    except PackageNotFoundError:
        from tui_reader import __version__

        return __version__


class _Parser(argparse.ArgumentParser):
    """argparse's, with its one error line cut like every other message (it repeats the value given)."""

    def error(self, message: str) -> NoReturn:
        super().error(cut_message(message))


def build_parser() -> argparse.ArgumentParser:
    """``tui-reader COMMAND ...``: one sub-parser per registered command."""
    parser = _Parser(prog=PROG, description="Read the Daily Papers listing in the terminal.")
    add_version(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in commands():
        command.add_arguments(sub.add_parser(command.name, help=command.help, description=command.description))
    return parser


def build_launch_parser() -> argparse.ArgumentParser:
    """``tui-reader [PATH ...]``: the reader (no command module is imported for it)."""
    parser = _Parser(
        prog=PROG,
        description="Read the Daily Papers listing in the terminal. "
        f"Subcommands: {', '.join(SUBCOMMANDS)} (see '{PROG} COMMAND --help').",
    )
    add_paths(parser)
    add_data_dir(parser)
    add_version(parser)
    return parser
