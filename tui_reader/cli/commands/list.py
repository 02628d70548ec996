"""``tui-reader list``: every paper, one line each (or JSON), ranked when --query is given."""

from __future__ import annotations

import argparse
import sys

from tui_reader.cli.commands import Command
from tui_reader.cli.common import paper_line
from tui_reader.cli.morning import first_seen, json_keys
from tui_reader.cli.parser import add_data_dir, add_paths
from tui_reader.cli.selection import add_mark_filters, add_selection, marks_of, selection


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_selection(parser)
    add_data_dir(parser)
    add_mark_filters(parser)


def run(args: argparse.Namespace) -> int:
    chosen = selection(args)
    papers, flags = chosen.papers, chosen.flags
    if args.format == "json":
        from tui_reader.export.json_format import write_json  # what `export --format json` writes

        write_json(sys.stdout, papers, marks_of(flags), json_keys(chosen, args.data_dir))
    else:
        read, starred, tags = flags.read, flags.starred, flags.tags
        first_seen(chosen.corpus, args.data_dir)  # every paper loaded is seen, whichever are listed
        for paper in papers:
            print(paper_line(paper, paper.id in read, paper.id in starred, tags.get(paper.id, ())))
    return 0


COMMAND = Command("list", "print every paper (ranked when --query is given)", add_arguments, run)
