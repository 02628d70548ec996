"""Command line entry point: ``tui-reader [PATH ...]`` launches the reader; subcommands serve scripts.

Every failure a user can cause ends in one line on stderr and an exit status, never a traceback:
exit 1 when there is nothing to show, exit 2 for bad usage (a missing path, an unknown id).
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import Sequence

from tui_reader.corpus import Corpus, CorpusError, Paper, corpus_files, load_corpus, replace_file
from tui_reader.store import MarkFlags, MarkStore

PROG = "tui-reader"
SUBCOMMANDS = ("list", "mark", "marks")


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
    listing.add_argument("--query", metavar="QUERY", help='only papers matching QUERY, best first (e.g. "difusion -flow")')
    _add_common(listing)
    _add_mark_filters(listing)
    _add_mark_commands(sub)
    return parser


def _add_mark_filters(parser: argparse.ArgumentParser) -> None:
    read = parser.add_mutually_exclusive_group()
    read.add_argument("--read", action="store_true", help="only papers marked read")
    read.add_argument("--unread", action="store_true", help="only papers not marked read")
    parser.add_argument("--starred", action="store_true", help="only starred papers")


def _add_mark_commands(sub: argparse._SubParsersAction) -> None:
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
    export = action.add_parser("export", help="write every mark as JSON (to stdout by default)")
    export.add_argument("file", nargs="?", type=Path, metavar="FILE")
    _add_common(export)
    restore = action.add_parser("import", help="merge marks from an export: the later change wins, per mark")
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
    read, starred = read_marks(args.data_dir)
    if args.query:
        papers = search_papers(papers, args.query, read, starred, corpus_files(args.paths))
    papers = [p for p in papers if wanted_by_mark_filters(p.id, args, read, starred)]
    if args.format == "json":
        import json  # imported where used, here and in marks export/import: the reader never needs it

        records = [paper_record(p, p.id in read, p.id in starred) for p in papers]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for paper in papers:
            print(paper_line(paper, paper.id in read, paper.id in starred))
    return 0


def search_papers(
    papers: list[Paper], query: str, read: set[str], starred: set[str], files: Sequence[Path] = ()
) -> list[Paper]:
    """The papers matching ``query``, best first; a problem in the query (an open quote) is a warning.
    A big corpus' index comes from (and goes to) the index cache, as in the reader."""
    from tui_reader.search import SearchIndex  # numpy: loaded only when a query needs it
    from tui_reader.search.cache import cached_index

    index = cached_index(papers, files) if is_big(files) else SearchIndex(papers)
    result = index.search(query, MarkFlags(read, starred))
    if result.error:
        warn(result.error)
    return [papers[i] for i in result.indices]


def open_store(data_dir: Path | None) -> MarkStore:
    """Open the marks store, printing its warnings (a damaged file moved aside, a read-only directory)."""
    store = MarkStore.open(data_dir)
    for message in store.warnings:
        warn(message)
    return store


def read_marks(data_dir: Path | None) -> tuple[set[str], set[str]]:
    """Ids of the papers marked read, and of those starred."""
    with open_store(data_dir) as store:
        return store.read_ids(), store.starred_ids()


def wanted_by_mark_filters(paper_id: str, args: argparse.Namespace, read: set[str], starred: set[str]) -> bool:
    """The --read / --unread / --starred filters of `list` (all must hold)."""
    if args.read and paper_id not in read or args.unread and paper_id in read:
        return False
    return not args.starred or paper_id in starred


def cmd_mark(args: argparse.Namespace) -> int:
    if args.set_read is None and args.set_starred is None:
        raise UsageError("say what to mark: --read, --unread, --star or --unstar")
    by_id = {paper.id: paper for paper in load(args.corpus).papers}
    unknown = [paper_id for paper_id in args.ids if paper_id not in by_id]
    if unknown:
        where = ", ".join(map(str, args.corpus)) or "the bundled corpus"
        raise UsageError(f"unknown paper id {', '.join(unknown)} (not in {where}; '{PROG} list' shows the ids)")
    with open_store(args.data_dir) as store:
        seen = len(store.warnings)
        for paper_id in dict.fromkeys(args.ids):
            if args.set_read is not None:
                mark = store.set_read(paper_id, args.set_read)
            if args.set_starred is not None:
                mark = store.set_starred(paper_id, args.set_starred)
            print(paper_line(by_id[paper_id], mark.read, mark.starred))
        if store.read_only:
            for message in store.warnings[seen:]:
                warn(message)
            return fail("marks not saved", 1)
    return 0


def cmd_marks(args: argparse.Namespace) -> int:
    return (marks_export if args.marks_command == "export" else marks_import)(args)


def marks_export(args: argparse.Namespace) -> int:
    import json

    with open_store(args.data_dir) as store:
        text = json.dumps(store.export(), ensure_ascii=False, indent=1) + "\n"
    if args.file is None or str(args.file) == "-":
        sys.stdout.write(text)
        return 0
    try:  # an existing backup is never left half-overwritten
        replace_file(args.file, text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot write {args.file}: {exc.strerror or exc}") from None
    return 0


def marks_import(args: argparse.Namespace) -> int:
    import json

    name = "stdin" if str(args.file) == "-" else str(args.file)
    try:
        text = sys.stdin.read() if name == "stdin" else args.file.read_text(encoding="utf-8")
        records = json.loads(text)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not a marks export (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{name}: not a marks export (invalid JSON at line {exc.lineno}: {exc.msg})") from None
    with open_store(args.data_dir) as store:
        try:
            changed = store.import_(records)
        except ValueError as exc:
            raise UsageError(f"{name}: {exc}") from None
        if store.read_only:
            return fail("marks not saved", 1)
    print(f"{len(records)} mark{'' if len(records) == 1 else 's'} read from {name}, {changed} changed")
    return 0


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

    files = corpus_files(args.paths)  # a missing path fails here, before the screen is taken over
    if not files:
        raise NoPapers(f"no papers found in {', '.join(map(str, args.paths))} (no *.txt files)")
    papers: list[Paper] = []
    warnings: list[str] = []
    if not is_big(files):
        corpus = load_corpus(files)
        if not corpus.papers:
            report_no_papers(corpus.warnings, args.paths)
        papers, warnings, files = corpus.papers, corpus.warnings, []
    store = MarkStore.open(args.data_dir)
    try:
        app = ReaderApp(papers, store, warnings, files=files)
        app.run()
    finally:
        store.close()
    if app.no_papers:
        report_no_papers(app.load_warnings, args.paths)
    return app.return_code or 0


def is_big(files: Sequence[Path]) -> bool:
    """Big enough to read after the first paint, and to keep its index on disk between launches."""
    return sum(_size(path) for path in files) > STREAM_ABOVE_BYTES


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


COMMANDS = {"list": cmd_list, "mark": cmd_mark, "marks": cmd_marks}


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
