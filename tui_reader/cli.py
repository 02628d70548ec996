"""Command line entry point: ``tui-reader [PATH ...]`` launches the reader; subcommands serve scripts.

Every failure a user can cause ends in one line on stderr and an exit status, never a traceback:
exit 1 when there is nothing to show, exit 2 for bad usage (a missing path, an unknown id).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from tui_reader.corpus import Corpus, CorpusError, Paper, load_corpus

PROG = "tui-reader"
SUBCOMMANDS = ("list",)


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


def warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def fail(message: str, status: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


# ---------------------------------------------------------------------------------------------------------
# Argument parsing


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="where marks are kept (default: the user data directory)")


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="dump files or folders of *.txt")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Read the Daily Papers listing in the terminal.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    listing = sub.add_parser("list", help="print every paper (ranked when --query is given)")
    _add_paths(listing)
    listing.add_argument("--format", choices=("text", "json"), default="text")
    _add_common(listing)
    return parser


def build_launch_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Read the Daily Papers listing in the terminal. "
        f"Subcommands: {', '.join(SUBCOMMANDS)} (see '{PROG} COMMAND --help').",
    )
    _add_paths(parser)
    _add_common(parser)
    return parser


# ---------------------------------------------------------------------------------------------------------
# Commands


def load(paths: Sequence[Path]) -> Corpus:
    """Load the corpus, printing warnings; raises CorpusError / exits 1 when there are no papers."""
    corpus = load_corpus(paths)
    for message in corpus.warnings:
        warn(message)
    if not corpus.papers:
        where = ", ".join(map(str, paths)) if paths else "the bundled corpus"
        raise NoPapers(f"no papers found in {where}")
    return corpus


class NoPapers(Exception):
    pass


def paper_record(paper: Paper, read: bool = False, starred: bool = False) -> dict:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "dates": list(paper.dates),
        "sources": list(paper.sources),
        "links": list(paper.links),
        "read": read,
        "starred": starred,
    }


def paper_line(paper: Paper, read: bool = False, starred: bool = False) -> str:
    marks = ("*" if starred else " ") + (" " if read else "•")
    date = paper.dates[0] if paper.dates else ""
    return f"{paper.id}  {marks}  {date:<6}  {paper.title}"


def cmd_list(args: argparse.Namespace) -> int:
    corpus = load(args.paths)
    papers = corpus.papers
    if args.format == "json":
        json.dump([paper_record(p) for p in papers], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for paper in papers:
            print(paper_line(paper))
    return 0


def cmd_launch(args: argparse.Namespace) -> int:
    corpus = load(args.paths)
    print(f"{len(corpus.papers)} papers from {corpus.entries} entries")
    return 0


COMMANDS = {"list": cmd_list}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        args = build_parser().parse_args(argv)
        handler = COMMANDS[args.command]
    else:
        args = build_launch_parser().parse_args(argv)
        handler = cmd_launch
    try:
        return handler(args)
    except CorpusError as exc:
        return fail(str(exc), 2)
    except UsageError as exc:
        return fail(str(exc), 2)
    except NoPapers as exc:
        return fail(str(exc), 1)
    except BrokenPipeError:  # `tui-reader list | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
