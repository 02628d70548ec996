"""``tui-reader tag``: add and remove a paper's tags in one change, then print them."""

from __future__ import annotations

import argparse

from tui_reader.cli.commands import Command
from tui_reader.cli.common import UsageError, check_known, fail, given_paper_id, not_saved, open_store
from tui_reader.cli.parser import add_corpus, add_data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--add", action="append", default=[], metavar="TAG", help="add TAG (repeatable)")
    parser.add_argument("--remove", action="append", default=[], metavar="TAG", help="remove TAG (repeatable)")
    add_corpus(parser, ids="id comes")
    add_data_dir(parser)


def run(args: argparse.Namespace) -> int:
    """Add and remove tags in one transaction (one undo step), then print the tags, space-separated."""
    paper_id = given_paper_id(args.id)
    if not args.add and not args.remove:
        with open_store(args.data_dir, writable=False) as store:
            check_known(paper_id, store, args.data_dir, args.corpus)
            print(" ".join(store.get(paper_id).tags))
        return 0
    with open_store(args.data_dir) as store:
        check_known(paper_id, store, args.data_dir, args.corpus)
        try:
            mark = store.change_tags(paper_id, add=args.add, remove=args.remove)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if store.read_only:
            return fail(not_saved("tags", store), 1)
    print(" ".join(mark.tags))
    return 0


COMMAND = Command(
    "tag",
    "add or remove a paper's tags (prints its tags)",
    add_arguments,
    run,
    description="Add and remove tags of paper ID in one change, then print its tags. A tag is one word of "
    "letters, digits and - _ . / (e.g. rl-theory); case is ignored when comparing.",
)
