"""``tui-reader list``: every paper, one line each (or JSON), ranked when --query is given."""

from __future__ import annotations

import argparse
import sys

from tui_reader.cli.commands import Command
from tui_reader.cli.common import paper_line
from tui_reader.cli.morning import first_seen, watch_list, watches
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
    seen = first_seen(chosen.corpus, args.data_dir)  # every paper loaded is seen, whichever are listed
    if args.format == "json":
        from tui_reader.export.json_format import write_json  # what `export --format json` writes
        from tui_reader.library.seen import iso_time

        watched = watches(chosen.corpus, chosen.files, flags, watch_list())

        def more(paper_id: str) -> dict[str, object]:
            at, matched = seen.get(paper_id), watched.get(paper_id, ())
            return {
                "first_seen": iso_time(at) if at is not None else None,
                "watched": bool(matched),
                "watches": list(matched),
            }

        write_json(sys.stdout, papers, marks_of(flags), more)
    else:
        read, starred, tags = flags.read, flags.starred, flags.tags
        for paper in papers:
            print(paper_line(paper, paper.id in read, paper.id in starred, tags.get(paper.id, ())))
    return 0


COMMAND = Command("list", "print every paper (ranked when --query is given)", add_arguments, run)
