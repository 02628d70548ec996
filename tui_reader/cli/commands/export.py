"""``tui-reader export``: the selected papers as one document in any format of ``tui_reader.export.FORMATS``, to
stdout or atomically to -o FILE."""

from __future__ import annotations

import argparse
import sys

from tui_reader.cli.commands import Command
from tui_reader.cli.common import output_file, path_arg, write_file
from tui_reader.cli.morning import first_seen, json_keys
from tui_reader.cli.parser import add_data_dir, add_paths
from tui_reader.cli.selection import add_mark_filters, add_selection, marks_of, selection
from tui_reader.export import EXTENSIONS, FORMATS, format_names, guess_format, render
from tui_reader.safe_text import shown_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument(
        "--format", choices=format_names(), help="the document's format (default: from -o, else bibtex)"
    )
    parser.add_argument(
        "-o", "--output", type=path_arg, metavar="FILE", help="write to FILE, atomically (default: stdout)"
    )
    add_selection(parser)
    add_data_dir(parser)
    add_mark_filters(parser)


def run(args: argparse.Namespace) -> int:
    """Write the selected papers in one format to stdout or, atomically, to -o FILE; the count goes to stderr."""
    output = output_file(args.output, args.data_dir, "export to another file")
    fmt = args.format or guess_format(output)
    chosen = selection(args)
    papers, flags = chosen.papers, chosen.flags
    if fmt == "json":  # exactly what `list --format json` prints, first_seen and watches included
        from tui_reader.export.json_format import render_json

        text = render_json(papers, marks_of(flags), json_keys(chosen, args.data_dir))
    else:
        first_seen(chosen.corpus, args.data_dir)
        text = render(papers, fmt, marks_of(flags), by_date=args.sort in ("newest", "oldest"))
    count = f"{len(papers)} paper{'' if len(papers) == 1 else 's'} exported"
    if output is None:
        sys.stdout.write(text)
        if not papers:
            print(count, file=sys.stderr)
        return 0
    write_file(output, text)
    print(f"{count} to {shown_path(output)}", file=sys.stderr)
    return 0


def _labels() -> str:
    """The formats' labels as a phrase: "BibTeX, RIS, CSV, Markdown or JSON"."""
    labels = [fmt.label for fmt in FORMATS.values()]
    return f"{', '.join(labels[:-1])} or {labels[-1]}" if len(labels) > 1 else "".join(labels)


COMMAND = Command(
    "export",
    f"write papers as {_labels()} (to stdout, or -o FILE)",
    add_arguments,
    run,
    description="Write the papers (all, or those the filters keep) as one document: corpus order, or best "
    "first with --query (or --sort). The format is --format, else the one -o FILE's extension names "
    f"({', '.join(f'{ext} {fmt}' for fmt, ext in EXTENSIONS.items())}), else bibtex.",
)
