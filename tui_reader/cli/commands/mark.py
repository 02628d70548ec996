"""``tui-reader mark``: mark papers read/unread or starred/unstarred, all in one transaction."""

from __future__ import annotations

import argparse
import time

from tui_reader.cli.commands import Command
from tui_reader.cli.common import (
    PROG,
    UsageError,
    corpus_paths,
    fail,
    load,
    not_saved,
    open_store,
    paper_line,
)
from tui_reader.cli.parser import add_corpus, add_data_dir
from tui_reader.library.model import Change


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="+", metavar="ID")
    read = parser.add_mutually_exclusive_group()
    read.add_argument("--read", dest="set_read", action="store_const", const=True, help="mark read")
    read.add_argument("--unread", dest="set_read", action="store_const", const=False, help="mark unread")
    star = parser.add_mutually_exclusive_group()
    star.add_argument("--star", dest="set_starred", action="store_const", const=True, help="star")
    star.add_argument("--unstar", dest="set_starred", action="store_const", const=False, help="remove the star")
    add_corpus(parser)
    parser.add_argument("--demo", action="store_true", help="the bundled demo papers count too")
    add_data_dir(parser)


def run(args: argparse.Namespace) -> int:
    if args.set_read is None and args.set_starred is None:
        raise UsageError("say what to mark: --read, --unread, --star or --unstar")
    args.corpus = corpus_paths(args.corpus, args.data_dir, args.demo)
    by_id = {paper.id: paper for paper in load(args.corpus).papers}
    unknown = [paper_id for paper_id in args.ids if paper_id not in by_id]
    if unknown:
        where = ", ".join(map(str, args.corpus)) or "the bundled corpus"
        raise UsageError(f"unknown paper id {', '.join(unknown)} (not in {where}; '{PROG} list' shows the ids)")
    now = time.time()
    changes = [
        Change(paper_id, field, value, now, batch=1)  # one command, one step of undo
        for paper_id in dict.fromkeys(args.ids)
        for field, value in (("read", args.set_read), ("starred", args.set_starred))
        if value is not None
    ]
    with open_store(args.data_dir) as store:
        if not store.read_only:
            marks = store.apply(changes)  # one transaction: all of them or (locked too long) none
        if store.read_only:  # nothing is shown as done that is not saved
            return fail(not_saved("marks", store), 1)
    for paper_id, mark in marks.items():
        print(paper_line(by_id[paper_id], mark.read, mark.starred, mark.tags))
    return 0


COMMAND = Command("mark", "mark papers read/unread or starred/unstarred (ids from 'list')", add_arguments, run)
