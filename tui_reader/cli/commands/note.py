"""``tui-reader note``: print a paper's note, or set it (from the argument or stdin)."""

from __future__ import annotations

import argparse
import sys

from tui_reader.cli.commands import Command
from tui_reader.cli.common import UsageError, check_known, fail, given_paper_id, not_saved, open_store
from tui_reader.cli.parser import add_corpus, add_data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("text", nargs="?", metavar="TEXT")
    add_corpus(parser, ids="id comes")
    add_data_dir(parser)


def run(args: argparse.Namespace) -> int:
    """Print the note (nothing printed, exit 0, when there is none), or set it: one transaction, one undo step.
    An id that is no paper (``check_known``) is refused, as ``mark`` refuses it."""
    paper_id = given_paper_id(args.id)
    if args.text is None:
        with open_store(args.data_dir, writable=False) as store:
            check_known(paper_id, store, args.data_dir, args.corpus)
            note = store.get(paper_id).note
        if note is not None:
            print(note)
        return 0
    text = args.text
    if text == "-":
        text = _read_note_from_stdin()
    with open_store(args.data_dir) as store:
        check_known(paper_id, store, args.data_dir, args.corpus)
        try:
            mark = store.set_note(paper_id, text)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if store.read_only:
            return fail(not_saved("note", store), 1)
    print(f"note {'removed from' if mark.note is None else 'saved on'} {paper_id}", file=sys.stderr)
    return 0


def _read_note_from_stdin() -> str:
    """A note piped in: UTF-8 (a bad byte becomes U+FFFD), refused in one line when far too long."""
    from tui_reader.library.rules import MAX_NOTE_CHARS

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


COMMAND = Command(
    "note",
    "print a paper's note, or set it",
    add_arguments,
    run,
    description="Print the note of paper ID, or set it to TEXT (- reads it from stdin; an empty TEXT removes it).",
)
