"""Which papers `list` and `export` give, in which order: their options (--query or --like, --sort, --read,
--unread, --starred) and the selection they make, with the marks, notes and tags it is made from."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from tui_reader.cli.common import UsageError, corpus_paths, load, open_store, warn
from tui_reader.cli.launch import is_big
from tui_reader.corpus import corpus_files
from tui_reader.library.model import NO_MARK, Mark, MarkFlags
from tui_reader.paper import Paper
from tui_reader.sorting import Sort, sort_rows

if TYPE_CHECKING:  # numpy: loaded only when a query needs it
    from tui_reader.search import SearchIndex

SORTS = tuple(sort.value for sort in Sort)  # relevance, newest, oldest, upvotes, title


def add_selection(parser: argparse.ArgumentParser) -> None:
    """--query or --like, and --sort: which papers `list` and `export` give, in which order."""
    ranking = parser.add_mutually_exclusive_group()
    ranking.add_argument(
        "--query", metavar="QUERY", help='only papers matching QUERY, best first (e.g. "difusion -flow")'
    )
    ranking.add_argument("--like", metavar="ID", help="the papers most like paper ID, most alike first")
    parser.add_argument(
        "--sort",
        choices=SORTS,
        default="relevance",
        help="the order: relevance (the best match first with --query or --like, else as listed; the default), "
        "newest or oldest (latest listing or published day; undated papers last), upvotes (most first), title",
    )


def add_mark_filters(parser: argparse.ArgumentParser) -> None:
    read = parser.add_mutually_exclusive_group()
    read.add_argument("--read", action="store_true", help="only papers marked read")
    read.add_argument("--unread", action="store_true", help="only papers not marked read")
    parser.add_argument("--starred", action="store_true", help="only starred papers")


class Selection(NamedTuple):
    """What `list` and `export` give (``papers``, with the marks ``flags``), and the corpus it was taken from."""

    papers: list[Paper]
    flags: MarkFlags
    corpus: Sequence[Paper]
    files: Sequence[Path]
    built_index: SearchIndex | None = None  # the corpus' index, when --query or --like built it


def selected_papers(args: argparse.Namespace) -> tuple[list[Paper], MarkFlags]:
    """The papers `list` and `export` show, and the marks, notes and tags: see ``selection``."""
    chosen = selection(args)
    return chosen.papers, chosen.flags


def selection(args: argparse.Namespace) -> Selection:
    """The papers `list` and `export` show: the corpus (PATHs, or the default one), ranked by --query, kept by
    --read/--unread/--starred, in --sort's order; and the marks, notes and tags (the marks file opened read-only)."""
    args.paths = corpus_paths(args.paths, args.data_dir, args.demo)
    corpus = load(args.paths)
    papers = everything = corpus.papers
    files: list[Path] = []
    flags = read_flags(args.data_dir)
    index = None
    if args.query or args.like:
        files = corpus_files(args.paths)
        index = search_index(papers, files)
        if args.query:
            from tui_reader.search import finish_filters

            result = index.search(finish_filters(args.query), flags)
            if result.error:
                warn(result.error)
        else:
            position = next((i for i, paper in enumerate(papers) if paper.id == args.like), None)
            if position is None:
                raise UsageError(f"no paper with id {args.like!r} (ids: tui-reader list)")
            result = index.similar(position)
        papers = [papers[i] for i in result.indices]
    papers = [p for p in papers if wanted_by_mark_filters(p.id, args, flags.read, flags.starred)]
    if args.sort != "relevance":
        papers = [papers[i] for i in sort_rows(papers, range(len(papers)), Sort(args.sort))]
    return Selection(papers, flags, everything, files or corpus_files(args.paths), index)


def marks_of(flags: MarkFlags) -> Callable[[str], Mark]:
    return lambda paper_id: flags.get(paper_id, NO_MARK)


def search_index(papers: Sequence[Paper], files: Sequence[Path]) -> SearchIndex:
    """The index for a query or "more like this": a big corpus' comes from (and goes to) the index cache, as in
    the reader."""
    from tui_reader.search import SearchIndex  # numpy: loaded only when a query needs it
    from tui_reader.search.cache import cached_index

    return cached_index(papers, files) if is_big(files) else SearchIndex(papers)


def read_flags(data_dir: Path | None) -> MarkFlags:
    """Read and starred ids, notes and tags (reading takes no lock and never waits)."""
    with open_store(data_dir, writable=False) as store:
        return store.flags()


def wanted_by_mark_filters(
    paper_id: str, args: argparse.Namespace, read: AbstractSet[str], starred: AbstractSet[str]
) -> bool:
    """The --read / --unread / --starred filters of `list` (all must hold)."""
    if (args.read and paper_id not in read) or (args.unread and paper_id in read):
        return False
    return not args.starred or paper_id in starred
