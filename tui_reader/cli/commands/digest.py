"""``tui-reader digest``: the papers first seen lately, as one Markdown or HTML document, for cron and the inbox.
Nothing on stdout but the document; a failure is one line on stderr."""

from __future__ import annotations

import argparse
import sys
import time

from tui_reader.cli.commands import Command
from tui_reader.cli.common import UsageError, corpus_paths, load, output_file, path_arg, write_file
from tui_reader.cli.morning import first_seen, watch_list, watches
from tui_reader.cli.parser import add_data_dir, add_paths
from tui_reader.cli.selection import read_flags


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument(
        "--since",
        default="1d",
        metavar="WHEN",
        help="the window: 1d (the default), 12h, 7d, 2w before now, or a day YYYY-MM-DD (from its local midnight)",
    )
    parser.add_argument("--watched", action="store_true", help="only papers matching the watch list, by watch")
    parser.add_argument("--format", choices=("markdown", "html"), default="markdown")
    parser.add_argument(
        "-o", "--output", type=path_arg, metavar="FILE", help="write to FILE, atomically (default: stdout)"
    )
    add_data_dir(parser)


def run(args: argparse.Namespace) -> int:
    from tui_reader.corpus import corpus_files
    from tui_reader.digest import make_digest, parse_since, render_html, render_markdown

    now = time.time()
    since = parse_since(args.since, now)
    if since is None:
        raise UsageError(f"--since {args.since!r}: use 1d, 12h, 7d, 2w or a day YYYY-MM-DD")
    output = output_file(args.output, args.data_dir, "write the digest to another file")
    args.paths = corpus_paths(args.paths, args.data_dir, args.demo)
    papers = load(args.paths).papers
    seen = first_seen(papers, args.data_dir, now)
    if args.watched:
        entries = watch_list()
        matched = watches(papers, corpus_files(args.paths), read_flags(args.data_dir), entries)
        digest = make_digest(papers, seen, since, now, matched, entries)
    else:
        digest = make_digest(papers, seen, since, now)
    text = render_html(digest) if args.format == "html" else render_markdown(digest)
    if output is None:
        sys.stdout.write(text)
    else:
        write_file(output, text)
    return 0


COMMAND = Command(
    "digest",
    "the papers first seen lately, as Markdown or HTML (for cron and mail)",
    add_arguments,
    run,
    description="Print the papers first seen in the window (--since), grouped by day, most upvoted first, each "
    "with its link, authors, categories, code and the first sentence of its abstract; --watched: only those "
    "matching the watch list in config.toml, grouped by watch. Nothing new is an empty document and exit 0.",
)
