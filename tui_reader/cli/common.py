"""What every command shares: one-line warnings and errors on stderr, the exit status each failure gives, the
corpus the PATH arguments name, a paper's line, and the marks store opened with its warnings printed."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from tui_reader.config import default_corpus, load_config
from tui_reader.corpus import Corpus, CorpusError, load_corpus
from tui_reader.library import DB_NAME, WRITE_PATIENCE_S, MarkStore, StoreBusy, default_data_dir
from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path

PROG = "tui-reader"


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class CannotWrite(Exception):
    """An output file that is not written: exit 1 with the message."""


class NoPapers(Exception):
    pass


def warn(message: str) -> None:
    print(f"{PROG}: warning: {one_line(message)}", file=sys.stderr)


def warn_all(messages: Sequence[str]) -> None:
    """Warnings, a handful at most, then one line counting the rest (the full list in the log file)."""
    from tui_reader.warning_summary import summary

    for message in summary(messages):
        warn(message)


def fail(message: str, status: int) -> int:
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr)
    return status


MAX_MESSAGE = 1000  # characters of a message shown; past it, how long it was (an argument may be 100 KB)


def one_line(message: str) -> str:
    """A message as it may reach the terminal: it can hold a file name or a query, so it gets the cleaning
    every shown file name gets (no escape sequences or controls, one line, undecodable bytes as U+FFFD), and is
    cut to MAX_MESSAGE characters (see cut_message)."""
    return cut_message(shown_path(message))


def cut_message(message: str) -> str:
    """A message within MAX_MESSAGE characters: the middle of a longer one (a long argument or file name)
    cut, its start and its end (where the reason is) kept."""
    if len(message) <= MAX_MESSAGE:
        return message
    head, tail = MAX_MESSAGE * 2 // 3, MAX_MESSAGE // 3
    return f"{message[:head]}…({len(message) - head - tail:,} characters)…{message[-tail:]}"


NAME_MAX, PATH_MAX = 255, 4096  # bytes of one part of a file name, and of a whole one, a system takes


def path_arg(text: str) -> Path:
    """A file or folder given on the command line (argparse's ``type``): one the system cannot take (a part
    longer than NAME_MAX bytes, the whole longer than PATH_MAX) is a usage error before anything uses it."""
    import argparse  # loaded with the parser already

    raw = os.fsencode(text)
    longest = max((len(part) for part in raw.split(b"/")), default=0)
    if longest > NAME_MAX or len(raw) >= PATH_MAX:
        too_long = f"a part of {longest:,} bytes" if longest > NAME_MAX else f"{len(raw):,} bytes"
        raise argparse.ArgumentTypeError(f"file name too long ({too_long}; the system takes {NAME_MAX} a part)")
    return Path(text)


Args = TypeVar("Args")  # what the command line gave: argparse's Namespace, or the reader's LaunchArgs


def exit_status(handler: Callable[[Args], int], args: Args) -> int:
    """Run a command: every failure a user can cause ends in one line on stderr and an exit status, never a
    traceback (1: nothing to show, or nothing saved; 2: bad usage; 130: interrupted)."""
    try:
        return handler(args)
    except CorpusError as exc:
        return fail(str(exc), 2)
    except UsageError as exc:
        return fail(str(exc), 2)
    except (NoPapers, CannotWrite) as exc:
        return fail(str(exc), 1)
    except StoreBusy:
        return fail(f"the marks file is locked by another program (waited {WRITE_PATIENCE_S:.0f} s); nothing saved", 1)
    except BrokenPipeError:  # `tui-reader list | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130


def load(paths: Sequence[Path]) -> Corpus:
    """Load the corpus, printing warnings; raises CorpusError / exits 1 when there are no papers."""
    corpus = load_corpus(paths)
    if not corpus.papers:
        report_no_papers(corpus.warnings, paths)
    warn_all(corpus.warnings)
    return corpus


def report_no_papers(warnings: Sequence[str], paths: Sequence[Path]) -> None:
    """Say why there is nothing to show (the skipped files, then where we looked) and end with exit 1."""
    warn_all(warnings)
    where = ", ".join(map(str, paths)) if paths else "the bundled corpus"
    raise NoPapers(f"no papers found in {where}")


def paper_line(paper: Paper, read: bool = False, starred: bool = False, tags: Sequence[str] = ()) -> str:
    """``ID  *•  DATE         TITLE  [tag tag]``: the date as the reader's column writes it (``Mar 11``,
    ``Mar 11 2024``: any source's form), in 11 cells; the tags last, so the columns before them stay aligned."""
    from tui_reader.dates import list_date

    marks = ("*" if starred else " ") + (" " if read else "•")
    shown_tags = f"  [{' '.join(tags)}]" if tags else ""
    return f"{paper.id}  {marks}  {list_date(paper):<11}  {paper.title}{shown_tags}"


def corpus_paths(paths: Sequence[Path], data_dir: Path | None, demo: bool = False) -> list[Path]:
    """The PATH arguments; with none, the configured corpus and the fetched listings (and the bundled dumps: see
    ``config.shows_demo``; ``demo`` is ``--demo``). A bad config file is one warning on stderr, and the defaults."""
    if paths:
        return list(paths)
    config = load_config()
    warn_all(config.warnings)
    return default_corpus(data_dir or default_data_dir(), config, demo)


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
        if not (writable and message.endswith(UNSAVED)):  # a command that writes says it in its one line
            warn(message)
    return store


UNSAVED = "; marks will not be saved"  # how the store's warnings end when changes cannot be saved


def not_saved(what: str, store: MarkStore) -> str:
    """The one line a command that writes says when its change could not be saved: what, and why
    ("note not saved: cannot write marks file ... (no space left on device)")."""
    reasons = [message.removesuffix(UNSAVED) for message in store.warnings if message.endswith(UNSAVED)]
    return f"{what} not saved: {reasons[-1] if reasons else 'the marks file cannot be written'}"


def given_paper_id(text: str) -> str:
    """An ID argument checked to be a paper id (`note`, `tag`); UsageError when it cannot be one."""
    from tui_reader.library.rules import check_id

    try:
        return check_id(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a paper id ('{PROG} list' shows the ids)") from None


def check_known(paper_id: str, store: MarkStore, data_dir: Path | None, corpus: Sequence[Path] = ()) -> None:
    """UsageError (exit 2, as ``mark`` says it) unless ``paper_id`` is a paper: one the marks file holds
    something of, one another device's log in the sync folder names (received or not yet), or one of ``corpus``
    (``--corpus``, as ``mark`` takes it), by default the corpus the reader reads with no PATH (the bundled demo
    papers included). A typo'd id would leave a note or tags nobody ever sees."""
    from tui_reader.library.model import NO_MARK

    if store.get(paper_id) != NO_MARK:
        return
    paths = list(corpus) or corpus_paths([], data_dir, demo=True)
    if any(paper.id == paper_id for paper in load_corpus(paths).papers):
        return
    sync_dir = load_config().sync_dir
    if sync_dir is not None:  # another device's change of it, not received here yet
        from tui_reader.sync import mentions

        if mentions(sync_dir, paper_id):
            return
    where = ", ".join(map(shown_path, corpus)) if corpus else "the corpus"
    elsewhere = "the marks file or the sync folder" if sync_dir is not None else "the marks file"
    raise UsageError(f"unknown paper id {paper_id} (not in {where}, nor in {elsewhere}; '{PROG} list' shows the ids)")


def same_file(one: Path, other: Path) -> bool:
    import os

    try:
        return os.path.samefile(one, other)
    except (OSError, ValueError):
        return False


def output_file(output: Path | None, data_dir: Path | None, instead: str) -> Path | None:
    """``-o FILE``: the file, or None for stdout (no -o, or ``-o -``). The marks file itself is refused
    (CannotWrite): ``instead`` says what to do ("export to another file")."""
    if output is None or str(output) == "-":
        return None
    if same_file(output, (data_dir or default_data_dir()) / DB_NAME):
        raise CannotWrite(f"{shown_path(output)}: that is the marks file; {instead}")
    return output


def write_file(output: Path, text: str) -> None:
    """``text`` into ``output``, atomically: a reader of it sees the old document or the new one (through
    symlinks, never over a FIFO); CannotWrite naming the file and why."""
    from tui_reader.files import replace_file

    try:
        replace_file(output, text.encode("utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise CannotWrite(f"{shown_path(output)}: cannot write ({getattr(exc, 'strerror', None) or exc})") from None
