"""Big JSON Lines files (the arXiv metadata snapshot: millions of papers) read into a store of papers on disk
(``tui_reader.paper_store``) the first time, and opened from it in milliseconds while the file is unchanged.

The first import parses the file once: its first papers are handed over as they come (on screen within a second),
the rest only counted (the status line shows how far the import got) while a writer thread puts every part into
the store; the store then joins the reader whole. The papers never live as Python objects all at once, on the
first import or after. A store that cannot be written (a full disk) costs memory, not papers: the file is then
read as any other (``corpus.read_file_parts``).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING

from tui_reader.corpus import _identity, _parse_parts, _read_parts_cached, _sniff_open, fingerprint
from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path

if TYPE_CHECKING:
    from tui_reader.paper_store import StoredPapers

__all__ = ["SHOW_FIRST", "STORE_MIN_BYTES", "read_stored", "stores_papers"]

STORE_MIN_BYTES = 64 * 1024 * 1024  # a JSON Lines file this big (~30k arXiv papers) is kept as a store on disk
SHOW_FIRST = 5000  # papers of a first import handed over as they are parsed (the first screens); the rest wait
_QUEUE_PARTS = 4  # parts parsed ahead of the store's writer, at most (each STREAM_PART papers)

Found = tuple[Sequence[Paper], list[str], int]  # papers (a list, or the whole store), warnings, papers read so far


def stores_papers(path: Path) -> bool:
    """Is ``path`` a big file of a source read line by line (JSON Lines, UTF-8): one kept as a store?"""
    try:
        info = os.stat(path)
        if not S_ISREG(info.st_mode) or info.st_size < STORE_MIN_BYTES:
            return False
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return _sniff_open(fd).parse_lines is not None
    except OSError:
        return False
    finally:
        os.close(fd)


def read_stored(path: Path, folder: Path | None = None) -> Iterator[Found]:
    """The papers of a big JSON Lines file: its store when it has one for the file as it is now; else the file
    parsed (its first SHOW_FIRST papers handed over as parsed, then counts only) into a new store, handed over
    whole at the end. Warnings name the file as the caller spelled it."""
    from tui_reader.paper_store import open_store

    store = open_store(path, folder, fingerprint=fingerprint())
    if store is not None:
        yield store, _named(path, store.warnings), len(store)
        return
    yield from _import(path, folder)


def _named(path: Path, problems: Iterable[str]) -> list[str]:
    return [f"{shown_path(path)}: {problem}" for problem in problems]


def _import(path: Path, folder: Path | None) -> Iterator[Found]:
    try:
        before = _identity(path)
    except OSError:
        before = ""
    parts: _Parts = queue.Queue(_QUEUE_PARTS)
    written: list[StoredPapers | None] = []
    writer = threading.Thread(target=_write, args=(path, parts, before, folder, written), name="store", daemon=True)
    writer.start()
    shown = read = 0
    problems: list[str] = []
    finished = False
    try:
        for papers, found, _ in _parse_parts(path):
            parts.put((papers, found))
            problems.extend(found)
            read += len(papers)
            if shown < SHOW_FIRST:
                shown += len(papers)
                yield papers, [], read
            else:
                yield [], [], read
        finished = True
    finally:
        if not finished:  # closed early (the load cancelled): the store must not be finished from part of the file
            _abandon(parts)
        parts.put(None)
    writer.join()
    store = written[0] if written else None
    if store is not None:
        yield store, _named(path, problems), read
        return
    # no store (a full disk, an unwritable cache): the file's papers as any file's (those shown already join
    # themselves), parsed again or from the parse cache
    for papers, found, _ in _read_parts_cached(path):
        yield papers, _named(path, found), read


class _Abandoned(Exception):
    """The import stopped before the end of the file: the writer gives up its store."""


_ABANDON: tuple[list[Paper], list[str]] = ([], [])  # put (this very object) when the import stops early
_Parts = queue.Queue[tuple[list[Paper], list[str]] | None]


def _abandon(parts: _Parts) -> None:
    parts.put(_ABANDON)


def _write(path: Path, parts: _Parts, before: str, folder: Path | None, written: list[StoredPapers | None]) -> None:
    """The writer thread: the parts as they come into a store (none when the import was abandoned)."""

    def taken() -> Iterator[tuple[list[Paper], list[str]]]:
        while (part := parts.get()) is not None:
            if part is _ABANDON:
                raise _Abandoned
            yield part

    from tui_reader.paper_store import write_store

    try:
        written.append(write_store(path, taken(), fingerprint=fingerprint(), identity_before=before, folder=folder))
    except _Abandoned:
        written.append(None)
        while parts.get() is not None:  # let the parser's last put through
            pass
    except Exception:  # a store that cannot be written costs memory, never the papers
        written.append(None)
        while parts.get() is not None:
            pass
