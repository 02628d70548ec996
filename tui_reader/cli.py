"""Command line entry point: ``tui-reader [PATH ...]`` launches the reader; subcommands serve scripts.

Every failure a user can cause ends in one line on stderr and an exit status, never a traceback:
exit 1 when there is nothing to show, exit 2 for bad usage (a missing path, an unknown id).
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import time
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from tui_reader.config import default_corpus, listings_dir, load_config
from tui_reader.corpus import Corpus, CorpusError, bundled_seeds, corpus_files, load_corpus
from tui_reader.files import replace_file
from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path
from tui_reader.sorting import Sort, sort_rows
from tui_reader.store import (
    DB_NAME,
    NO_MARK,
    WRITE_PATIENCE_S,
    Change,
    Mark,
    MarkFlags,
    MarkStore,
    StoreBusy,
    default_data_dir,
)

if TYPE_CHECKING:  # numpy: loaded only when a query needs it
    from tui_reader.search import SearchIndex

PROG = "tui-reader"
SUBCOMMANDS = ("list", "export", "mark", "marks", "note", "tag", "sync", "fetch", "completion")
SORTS = tuple(sort.value for sort in Sort)  # relevance, newest, oldest, upvotes, title
SHELLS = ("bash", "zsh", "tcsh")  # what shtab writes completion scripts for


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


def warn(message: str) -> None:
    print(f"{PROG}: warning: {one_line(message)}", file=sys.stderr)


def fail(message: str, status: int) -> int:
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr)
    return status


def one_line(message: str) -> str:
    """A message as it may reach the terminal: it can hold a file name or a query, so it gets the cleaning
    every shown file name gets (no escape sequences or controls, one line, undecodable bytes as U+FFFD)."""
    return shown_path(message)


# ---------------------------------------------------------------------------------------------------------
# Argument parsing


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="where marks are kept (default: the user data directory)")


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="dump files or folders (default: the corpus in config.toml, or the bundled dumps, and the fetched days)",
    )


def _add_version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"{PROG} {package_version()}")


def package_version() -> str:
    """The installed package's version (pipx, uv tool, pip), or the source tree's when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tui-reader")
    except PackageNotFoundError:
        from tui_reader import __version__

        return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Read the Daily Papers listing in the terminal.")
    _add_version(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    listing = sub.add_parser("list", help="print every paper (ranked when --query is given)")
    _add_paths(listing)
    listing.add_argument("--format", choices=("text", "json"), default="text")
    _add_selection(listing)
    _add_common(listing)
    _add_mark_filters(listing)
    _add_export_command(sub)
    _add_mark_commands(sub)
    _add_library_commands(sub)
    _add_fetch_command(sub)
    completion = sub.add_parser("completion", help="print a shell completion script (bash, zsh or tcsh)")
    completion.add_argument("shell", choices=SHELLS)
    return parser


def _add_selection(parser: argparse.ArgumentParser) -> None:
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


def _add_export_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from tui_reader.export import EXTENSIONS, FORMATS

    export = sub.add_parser(
        "export",
        help="write papers as BibTeX, RIS, CSV, Markdown or JSON (to stdout, or -o FILE)",
        description="Write the papers (all, or those the filters keep) as one document: corpus order, or best "
        "first with --query (or --sort). The format is --format, else the one -o FILE's extension names "
        f"({', '.join(f'{ext} {fmt}' for fmt, ext in EXTENSIONS.items())}), else bibtex.",
    )
    _add_paths(export)
    export.add_argument("--format", choices=FORMATS, help="the document's format (default: from -o, else bibtex)")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE, atomically (default: stdout)")
    _add_selection(export)
    _add_common(export)
    _add_mark_filters(export)


def _add_library_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    note = sub.add_parser(
        "note",
        help="print a paper's note, or set it",
        description="Print the note of paper ID, or set it to TEXT (- reads it from stdin; an empty TEXT removes it).",
    )
    note.add_argument("id", metavar="ID")
    note.add_argument("text", nargs="?", metavar="TEXT")
    _add_common(note)
    tag = sub.add_parser(
        "tag",
        help="add or remove a paper's tags (prints its tags)",
        description="Add and remove tags of paper ID in one change, then print its tags. A tag is one word of "
        "letters, digits and - _ . / (e.g. rl-theory); case is ignored when comparing.",
    )
    tag.add_argument("id", metavar="ID")
    tag.add_argument("--add", action="append", default=[], metavar="TAG", help="add TAG (repeatable)")
    tag.add_argument("--remove", action="append", default=[], metavar="TAG", help="remove TAG (repeatable)")
    _add_common(tag)
    sync = sub.add_parser(
        "sync",
        help="exchange marks, notes and tags with other machines once, through the sync folder",
        description="Append this machine's changes to its log in the sync folder and take the other machines' "
        "(sync_dir in config.toml, or --sync-dir). Says 'sent N changes, received M' on stderr.",
    )
    sync.add_argument("--sync-dir", type=Path, metavar="DIR", help="the sync folder (default: sync_dir in config.toml)")
    _add_common(sync)


def _add_fetch_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fetch = sub.add_parser(
        "fetch",
        help="download the Daily Papers listings into the data directory",
        description="Download the Daily Papers listings, one file a day, into DATA_DIR/listings. With no option: "
        "every day from the last one fetched (or a week ago, the first time) to today. A past day already stored "
        "is not fetched again (unless --refresh); today always is.",
    )
    days = fetch.add_mutually_exclusive_group()
    days.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="that day only")
    days.add_argument("--since", type=_iso_date, metavar="YYYY-MM-DD", help="every day from that one to today")
    days.add_argument("--week", type=_iso_week, metavar="YYYY-Www", help="the days of an ISO week (2024-W11)")
    days.add_argument("--month", type=_month, metavar="YYYY-MM", help="the days of a month")
    fetch.add_argument("--refresh", action="store_true", help="fetch days already stored again")
    fetch.add_argument(
        "--api-url", default=None, metavar="URL", help="the API (default: https://huggingface.co/api/daily_papers)"
    )
    fetch.add_argument(
        "--data-dir", type=Path, help="where listings are stored, in listings/ (default: the user data directory)"
    )


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else _refuse()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{one_line(text)!r} is not a date like 2024-03-11") from None


def _iso_week(text: str) -> tuple[date, date]:
    match = re.fullmatch(r"(\d{4})-W(\d{2})", text)
    try:
        if match is None:
            _refuse()
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{one_line(text)!r} is not an ISO week like 2024-W11") from None
    return monday, monday + timedelta(days=6)


def _month(text: str) -> tuple[date, date]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    try:
        if match is None:
            _refuse()
        first = date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{one_line(text)!r} is not a month like 2024-03") from None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _refuse() -> NoReturn:
    raise ValueError


def _add_mark_filters(parser: argparse.ArgumentParser) -> None:
    read = parser.add_mutually_exclusive_group()
    read.add_argument("--read", action="store_true", help="only papers marked read")
    read.add_argument("--unread", action="store_true", help="only papers not marked read")
    parser.add_argument("--starred", action="store_true", help="only starred papers")


def _add_mark_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mark = sub.add_parser("mark", help="mark papers read/unread or starred/unstarred (ids from 'list')")
    mark.add_argument("ids", nargs="+", metavar="ID")
    read = mark.add_mutually_exclusive_group()
    read.add_argument("--read", dest="set_read", action="store_const", const=True, help="mark read")
    read.add_argument("--unread", dest="set_read", action="store_const", const=False, help="mark unread")
    star = mark.add_mutually_exclusive_group()
    star.add_argument("--star", dest="set_starred", action="store_const", const=True, help="star")
    star.add_argument("--unstar", dest="set_starred", action="store_const", const=False, help="remove the star")
    mark.add_argument(
        "--corpus",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="dump file or folder the ids come from (repeatable; default: the bundled corpus)",
    )
    _add_common(mark)

    marks = sub.add_parser("marks", help="back up or restore marks as JSON")
    action = marks.add_subparsers(dest="marks_command", metavar="ACTION", required=True)
    export = action.add_parser("export", help="write every mark, note and tag as JSON (to stdout by default)")
    export.add_argument("file", nargs="?", type=Path, metavar="FILE")
    _add_common(export)
    restore = action.add_parser(
        "import", help="merge marks, notes and tags from an export: the later change wins, per field"
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="an export file, or - for stdin")
    _add_common(restore)


def build_launch_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Read the Daily Papers listing in the terminal. "
        f"Subcommands: {', '.join(SUBCOMMANDS)} (see '{PROG} COMMAND --help').",
    )
    _add_paths(parser)
    _add_common(parser)
    _add_version(parser)
    return parser


# ---------------------------------------------------------------------------------------------------------
# Commands


def load(paths: Sequence[Path]) -> Corpus:
    """Load the corpus, printing warnings; raises CorpusError / exits 1 when there are no papers."""
    corpus = load_corpus(paths)
    if not corpus.papers:
        report_no_papers(corpus.warnings, paths)
    for message in corpus.warnings:
        warn(message)
    return corpus


def report_no_papers(warnings: Sequence[str], paths: Sequence[Path]) -> None:
    """Say why there is nothing to show (each skipped file, then where we looked) and end with exit 1."""
    for message in warnings:
        warn(message)
    where = ", ".join(map(str, paths)) if paths else "the bundled corpus"
    raise NoPapers(f"no papers found in {where}")


class NoPapers(Exception):
    pass


def paper_line(paper: Paper, read: bool = False, starred: bool = False, tags: Sequence[str] = ()) -> str:
    """``ID  *•  DATE         TITLE  [tag tag]``: the date as the reader's column writes it (``Mar 11``,
    ``Mar 11 2024``: any source's form), in 11 cells; the tags last, so the columns before them stay aligned."""
    from tui_reader.dates import list_date

    marks = ("*" if starred else " ") + (" " if read else "•")
    shown_tags = f"  [{' '.join(tags)}]" if tags else ""
    return f"{paper.id}  {marks}  {list_date(paper):<11}  {paper.title}{shown_tags}"


def corpus_paths(paths: Sequence[Path], data_dir: Path | None) -> list[Path]:
    """The PATH arguments; with none, the configured corpus (or the bundled dumps) and the fetched listings.
    A bad config file is one warning on stderr, and the defaults."""
    if paths:
        return list(paths)
    config = load_config()
    for message in config.warnings:
        warn(message)
    return default_corpus(data_dir or default_data_dir(), config)


def cmd_list(args: argparse.Namespace) -> int:
    papers, flags = selected_papers(args)
    if args.format == "json":
        from tui_reader.export.json_format import write_json  # what `export --format json` writes

        write_json(sys.stdout, papers, marks_of(flags))
    else:
        read, starred, tags = flags.read, flags.starred, flags.tags
        for paper in papers:
            print(paper_line(paper, paper.id in read, paper.id in starred, tags.get(paper.id, ())))
    return 0


def selected_papers(args: argparse.Namespace) -> tuple[list[Paper], MarkFlags]:
    """The papers `list` and `export` show: the corpus (PATHs, or the default one), ranked by --query, kept by
    --read/--unread/--starred, in --sort's order; and the marks, notes and tags (the marks file opened read-only)."""
    args.paths = corpus_paths(args.paths, args.data_dir)
    corpus = load(args.paths)
    papers = corpus.papers
    flags = read_flags(args.data_dir)
    if args.query or args.like:
        index = search_index(papers, corpus_files(args.paths))
        if args.query:
            result = index.search(args.query, flags)
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
    return papers, flags


def marks_of(flags: MarkFlags) -> Callable[[str], Mark]:
    return lambda paper_id: flags.get(paper_id, NO_MARK)


def cmd_export(args: argparse.Namespace) -> int:
    """Write the selected papers in one format to stdout or, atomically, to -o FILE; the count goes to stderr."""
    from tui_reader.export import EXTENSIONS, render

    output = None if args.output is None or str(args.output) == "-" else args.output
    if output is not None and _same_file(output, (args.data_dir or default_data_dir()) / DB_NAME):
        return fail(f"{shown_path(output)}: that is the marks file; export to another file", 1)
    fmt = args.format
    if fmt is None:
        by_extension = {ext: name for name, ext in EXTENSIONS.items()} | {".bibtex": "bibtex", ".markdown": "markdown"}
        fmt = by_extension.get(output.suffix.lower(), "bibtex") if output is not None else "bibtex"
    papers, flags = selected_papers(args)
    text = render(papers, fmt, marks_of(flags), by_date=args.sort in ("newest", "oldest"))
    count = f"{len(papers)} paper{'' if len(papers) == 1 else 's'} exported"
    if output is None:
        sys.stdout.write(text)
        if not papers:
            print(count, file=sys.stderr)
        return 0
    name = shown_path(output)
    try:  # atomic: a reader of FILE sees the old document or the new one; through symlinks, never over a FIFO
        replace_file(output, text.encode("utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        return fail(f"{name}: cannot write ({getattr(exc, 'strerror', None) or exc})", 1)
    print(f"{count} to {name}", file=sys.stderr)
    return 0


def search_index(papers: Sequence[Paper], files: Sequence[Path]) -> SearchIndex:
    """The index for a query or "more like this": a big corpus' comes from (and goes to) the index cache, as in
    the reader."""
    from tui_reader.search import SearchIndex  # numpy: loaded only when a query needs it
    from tui_reader.search.cache import cached_index

    return cached_index(papers, files) if is_big(files) else SearchIndex(papers)


def open_store(data_dir: Path | None, writable: bool = True) -> MarkStore:
    """Open the marks store, printing its warnings (a damaged file moved aside, a read-only directory).

    Writing waits while another program holds the marks file's lock, saying so once on stderr, for up to
    WRITE_PATIENCE_S; then StoreBusy (main: one line, exit 1, nothing changed). ``writable=False`` never waits."""
    told = False

    def waiting(seconds: float) -> bool:
        nonlocal told
        if not told and seconds >= 1.0:
            told = True
            warn(f"the marks file is locked by another program; waiting up to {WRITE_PATIENCE_S:.0f} s…")
        return seconds < WRITE_PATIENCE_S

    store = MarkStore.open(data_dir, writable=writable, waiting=waiting)
    for message in store.warnings:
        warn(message)
    return store


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


def cmd_mark(args: argparse.Namespace) -> int:
    if args.set_read is None and args.set_starred is None:
        raise UsageError("say what to mark: --read, --unread, --star or --unstar")
    args.corpus = corpus_paths(args.corpus, args.data_dir)
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
        seen = len(store.warnings)
        marks = store.apply(changes)  # one transaction: all of them or (locked too long) none
        for paper_id, mark in marks.items():
            print(paper_line(by_id[paper_id], mark.read, mark.starred, mark.tags))
        if store.read_only:
            for message in store.warnings[seen:]:
                warn(message)
            return fail("marks not saved", 1)
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    """Print the note (nothing printed, exit 0, when there is none), or set it: one transaction, one undo step.
    Any id is accepted (a note may be written before the paper is in the corpus)."""
    paper_id = _paper_id(args.id)
    if args.text is None:
        with open_store(args.data_dir, writable=False) as store:
            note = store.get(paper_id).note
        if note is not None:
            print(note)
        return 0
    text = args.text
    if text == "-":
        text = _read_note_from_stdin()
    with open_store(args.data_dir) as store:
        try:
            mark = store.set_note(paper_id, text)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if store.read_only:
            return fail("note not saved", 1)
    print(f"note {'removed from' if mark.note is None else 'saved on'} {paper_id}", file=sys.stderr)
    return 0


def _read_note_from_stdin() -> str:
    """A note piped in: UTF-8 (a bad byte becomes U+FFFD), refused in one line when far too long."""
    from tui_reader.store import MAX_NOTE_CHARS

    stream = getattr(sys.stdin, "buffer", sys.stdin)
    if stream is None:
        raise UsageError("stdin: cannot read (no standard input)")
    limit = MAX_NOTE_CHARS * 4 + 1  # UTF-8 takes at most 4 bytes a character
    try:
        data = stream.read(limit)
    except OSError as exc:
        raise UsageError(f"stdin: cannot read ({exc.strerror or exc})") from None
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if len(data) >= limit:
        raise UsageError(f"stdin: note too long (at most {MAX_NOTE_CHARS:,} characters)")
    return data.decode("utf-8", "replace")


def cmd_tag(args: argparse.Namespace) -> int:
    """Add and remove tags in one transaction (one undo step), then print the tags, space-separated."""
    paper_id = _paper_id(args.id)
    if not args.add and not args.remove:
        with open_store(args.data_dir, writable=False) as store:
            print(" ".join(store.get(paper_id).tags))
        return 0
    with open_store(args.data_dir) as store:
        try:
            mark = store.change_tags(paper_id, add=args.add, remove=args.remove)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if store.read_only:
            return fail("tags not saved", 1)
    print(" ".join(mark.tags))
    return 0


def _paper_id(text: str) -> str:
    from tui_reader.store import check_id

    try:
        return check_id(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a paper id ('{PROG} list' shows the ids)") from None


def cmd_sync(args: argparse.Namespace) -> int:
    """One exchange through the sync folder; 'sent N changes, received M' on stderr."""
    from tui_reader.sync import SyncError, sync_once

    sync_dir = args.sync_dir
    if sync_dir is None:
        config = load_config()
        for message in config.warnings:
            warn(message)
        sync_dir = config.sync_dir
    if sync_dir is None:
        raise UsageError("no sync folder: set sync_dir in config.toml or give --sync-dir DIR")
    with open_store(args.data_dir) as store:
        if store.read_only:
            return fail("marks cannot be saved, so nothing was synced", 1)
        try:
            result = sync_once(store, sync_dir)
        except SyncError as exc:
            return fail(str(exc), 1)
    for message in result.warnings:
        warn(message)
    print(result.summary(), file=sys.stderr)
    return 0


def cmd_marks(args: argparse.Namespace) -> int:
    return (marks_export if args.marks_command == "export" else marks_import)(args)


def marks_export(args: argparse.Namespace) -> int:
    import json

    from tui_reader.safe_text import shown_path

    with open_store(args.data_dir, writable=False) as store:  # reading only: no lock taken, none waited for
        text = json.dumps(store.export(), ensure_ascii=False, indent=1) + "\n"
        marks_file = store.path
    if args.file is None or str(args.file) == "-":
        sys.stdout.write(text)
        return 0
    name = shown_path(args.file)
    if marks_file is not None and _same_file(args.file, marks_file):
        raise UsageError(f"{name}: that is the marks file itself; export to another file")
    try:  # atomic (an existing backup is never left half-overwritten), through symlinks, never over a FIFO or device
        replace_file(args.file, text.encode("utf-8"), durable=True)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise UsageError(f"{name}: cannot write ({getattr(exc, 'strerror', None) or exc})") from None
    return 0


def marks_import(args: argparse.Namespace) -> int:
    """Nothing is imported unless the whole file is a valid export; any bad input is one line and exit 2."""
    from tui_reader.safe_text import shown_path

    name = "stdin" if str(args.file) == "-" else shown_path(args.file)
    records = _parse_export(_read_export(args.file, name), name)
    with open_store(args.data_dir) as store:
        try:
            changed = store.import_(records)
        except ValueError as exc:
            raise UsageError(f"{name}: {exc}") from None
        if store.read_only:
            return fail("marks not saved", 1)
    count = len(records) if isinstance(records, list) else 0  # import_ accepted it: always a list
    print(f"{count} mark{'' if count == 1 else 's'} read from {name}, {changed} changed")
    return 0


MAX_IMPORT_BYTES = 32 * 2**20  # an export holds ~120 bytes a mark: 280k marks. Parsed JSON can take 25 times its
# size in memory, so a bigger file is refused rather than read.
MAX_JSON_DIGITS = 640  # a longer integer is no time nor anything else an export holds (and Python refuses > 4300)


class _NotExport(ValueError):
    """Raised from inside json.loads: a literal no export holds (NaN, a 5000-digit number, a key twice)."""


def _read_export(path: Path, name: str) -> bytes:
    """The bytes of FILE (a regular file: a FIFO or directory is refused, never waited on) or of stdin."""
    import os
    import stat

    try:
        if str(path) == "-":  # not name: a file may be called "stdin"
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            if stream is None:
                raise UsageError("stdin: cannot read (no standard input)")
            data = stream.read(MAX_IMPORT_BYTES + 1)
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogateescape")
        else:
            # O_NONBLOCK: opening a FIFO for reading would wait for a writer
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            try:
                mode = os.fstat(fd).st_mode
            except BaseException:
                os.close(fd)
                raise
            if not stat.S_ISREG(mode):
                os.close(fd)
                kind = "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a device"
                kind = "a socket" if stat.S_ISSOCK(mode) else kind
                raise UsageError(f"{name}: {kind}, not a file to import (give - to read stdin)")
            with open(fd, "rb") as f:
                data = f.read(MAX_IMPORT_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise UsageError(f"{name}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise UsageError(f"{name}: too big for a marks export (over {MAX_IMPORT_BYTES >> 20} MB)")
    return data


def _parse_export(data: bytes, name: str) -> object:
    """The JSON value of an export's bytes; UsageError for anything that is not JSON an export could hold."""
    import json

    def refuse_constant(literal: str) -> float:
        raise _NotExport(f"{literal} is not valid JSON")

    def checked_int(digits: str) -> int:
        if len(digits) > MAX_JSON_DIGITS:
            raise _NotExport(f"a {len(digits.lstrip('-'))}-digit number")
        return int(digits)

    def unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
        record = dict(pairs)
        if len(record) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise _NotExport(f"an object has the key {key[:40]!r} twice")
                seen.add(key)
        return record

    try:
        text = data.decode("utf-8-sig")  # a byte order mark (Windows editors) is no error
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not a marks export (not UTF-8 text, at byte {exc.start + 1})") from None
    if not text.strip():
        raise UsageError(f"{name}: empty, not a marks export")
    enabled = gc.isenabled()
    gc.disable()  # many small containers: collection passes would find nothing and cost seconds
    try:
        return json.loads(text, parse_constant=refuse_constant, parse_int=checked_int, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        problem = f"invalid JSON at line {exc.lineno}: {exc.msg}"
    except RecursionError:
        problem = "nested too deeply"
    except _NotExport as exc:
        problem = str(exc)
    except MemoryError:
        problem = "too big to read into memory"
    finally:
        if enabled:
            gc.enable()
    raise UsageError(f"{name}: not a marks export ({problem})")


def _same_file(one: Path, other: Path) -> bool:
    import os

    try:
        return os.path.samefile(one, other)
    except (OSError, ValueError):
        return False


STREAM_ABOVE_BYTES = 4_000_000  # smaller corpora (the seeds are 0.4 MB) are read before the first paint, and
# their index is built in a few milliseconds, so it is not cached


def cmd_launch(args: argparse.Namespace) -> int:
    """Open the reader. A small corpus is read first, so the first frame already lists it; a big one is read
    after the first paint, the list growing as files arrive. Warnings become notifications in the app."""
    # Until the first frame is up, Python only allocates what lives on (Textual's ~300 modules, the papers,
    # the widgets), so cyclic garbage collection finds nothing: it would cost ~20 ms of the start-up, about
    # 8% of it. The app turns collection back on after its first frame (ReaderApp.first_frame_shown).
    gc.disable()
    try:
        return _launch(args)
    finally:
        gc.enable()


def _launch(args: argparse.Namespace) -> int:
    from tui_reader.app import ReaderApp  # Textual is imported only when the reader runs

    config = load_config()  # the reader's settings (theme, view, start, keymap) apply whatever PATHs are given
    config_warnings = list(config.warnings)
    given = bool(args.paths)
    args.paths = list(args.paths) or default_corpus(args.data_dir or default_data_dir(), config)
    files = corpus_files(args.paths)  # a missing path fails here, before the screen is taken over
    if not files:
        raise NoPapers(f"no papers found in {', '.join(map(str, args.paths))} (no *.txt or *.json files)")
    # folders the reader watches for new or changed files: every folder of the corpus, and where fetch stores
    watched = [path for path in args.paths if path.is_dir() and path != bundled_seeds()]
    if not given and (listings := listings_dir(args.data_dir or default_data_dir())) not in watched:
        watched.append(listings)
    papers: list[Paper] = []
    warnings: list[str] = list(config_warnings)
    if not is_big(files):
        corpus = load_corpus(files)
        if not corpus.papers:
            report_no_papers(corpus.warnings, args.paths)
        papers, warnings, files = corpus.papers, warnings + corpus.warnings, []
    # Only read here (never waits for a lock): the reader's saver thread opens the file for writing.
    store = MarkStore.open(args.data_dir, writable=False)
    try:
        app = ReaderApp(papers, store, warnings, files=files, watch=watched, config=config)
        outcome = app.run() or app.outcome  # what the reader hands back: marks not saved, no papers at all
    finally:
        store.close()
    from tui_reader.saving import unsaved_message

    if outcome.unsaved:
        warn(unsaved_message(outcome.unsaved, store.data_dir))
    if outcome.no_papers:
        report_no_papers(outcome.load_warnings, args.paths)
    return app.return_code or 0


STREAM_ABOVE_FILES = 100  # each file costs its own stat, open and read whatever its size (~0.1-0.2 ms with its
# parse): a folder of thousands of small dumps is big however few bytes it holds


def is_big(files: Sequence[Path]) -> bool:
    """Big enough to read after the first paint, and to keep its index on disk between launches: more than
    STREAM_ABOVE_BYTES, or more than STREAM_ABOVE_FILES files."""
    return len(files) > STREAM_ABOVE_FILES or sum(_size(path) for path in files) > STREAM_ABOVE_BYTES


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    """Fetch listings into DATA_DIR/listings (tui_reader.fetch); a failure is one line naming the URL, exit 1."""
    from tui_reader import fetch  # urllib and json: only this command and the reader's F pay for them

    data_dir = args.data_dir or default_data_dir()
    today = fetch.today()
    again: list[date] = []
    if args.date is not None:
        first, last = args.date, args.date
    elif args.since is not None:
        first, last = args.since, today
    elif args.week is not None or args.month is not None:
        first, last = args.week or args.month
    else:
        days, previous = fetch.default_days(data_dir, today)
        first, last, again = days[0], days[-1], [previous] if previous else []
    if first > today:
        raise UsageError(f"{first.isoformat()} is in the future (today is {today.isoformat()})")
    days = fetch.day_range(first, min(last, today))
    if len(days) > fetch.MAX_DAYS:
        raise UsageError(f"{len(days)} days asked for; at most {fetch.MAX_DAYS} at a time (try --month)")
    api_url = args.api_url or fetch.DEFAULT_API_URL
    from tui_reader.links import is_web_url

    if not is_web_url(api_url) or any(ch.isspace() for ch in api_url):
        raise UsageError(f"--api-url {api_url}: not an http(s) URL")
    if one_line(api_url) != api_url:
        raise UsageError(f"--api-url {api_url}: control characters in the URL")
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    client = fetch.Client(api_url=api_url)
    try:
        result = fetch.fetch_days(days, data_dir, client, today=today, refresh=args.refresh, again=again, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    print(one_line(result.summary(data_dir)))
    if result.error is not None:
        return fail(result.error, 1)
    return 0


class ProgressBar:
    """``fetching 2024-03-11  [#####.....]  3/8 days`` on one line of a terminal, redrawn in place."""

    WIDTH = 24

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.drawn = False

    def __call__(self, done: int, total: int, day: date) -> None:
        filled = self.WIDTH * done // total if total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\rfetching {day.isoformat()}  [{bar}]  {done}/{total} days")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def cmd_completion(args: argparse.Namespace) -> int:
    """The completion script for a shell, made by shtab from the same argparse parsers that parse the command
    line, so it cannot drift from them: subcommands, options, choices, files for PATH/FILE, folders for
    --data-dir. Install: `tui-reader completion bash > ~/.local/share/bash-completion/completions/tui-reader`."""
    import shtab  # only here: nothing else needs it

    parser = build_parser()
    _add_common(parser)  # what the reader itself takes besides PATHs (argparse allows no PATHs beside COMMAND)
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


COMMANDS = {
    "list": cmd_list,
    "export": cmd_export,
    "mark": cmd_mark,
    "marks": cmd_marks,
    "fetch": cmd_fetch,
    "completion": cmd_completion,
    "note": cmd_note,
    "tag": cmd_tag,
    "sync": cmd_sync,
}


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
    except StoreBusy:
        return fail(f"the marks file is locked by another program (waited {WRITE_PATIENCE_S:.0f} s); nothing saved", 1)
    except BrokenPipeError:  # `tui-reader list | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
