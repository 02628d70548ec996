"""Big JSON Lines files (the arXiv metadata snapshot: millions of papers) imported into stores of papers on disk
(``tui_reader.paper_store``) the first time, and opened from them in milliseconds while the file is unchanged
(its first papers shown before that: ``first_stored`` reads them from the first store without numpy).

The first import splits the file into one byte range per core, each parsed into a store of its own by a process of
its own (``tui_reader.import_part``), while this process parses and hands over the file's first papers (on screen
within a second); the status line then shows the processes' count, and says "indexing" once every part is stored
and the processes build the parts' search indexes. The stores join the reader whole: the papers never live as
Python objects all at once. A store that cannot be written (a full disk) costs memory, not papers: the file is then
read as any other (``corpus.read_file_parts``).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, NamedTuple

from tui_reader import processes
from tui_reader.corpus import _identity, _parse_parts, _read_parts_cached, _sniff_open, fingerprint
from tui_reader.files import cache_dir
from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path

if TYPE_CHECKING:
    from tui_reader.paper_store import StoredPapers
    from tui_reader.search.index import IndexParts

__all__ = [
    "FIRST_SCREEN",
    "SHOW_FIRST",
    "STORE_MIN_BYTES",
    "Progress",
    "first_stored",
    "merged_index",
    "read_stored",
    "stores_papers",
]

STORE_MIN_BYTES = 64 * 1024 * 1024  # a JSON Lines file this big (~30k arXiv papers) is kept as a store on disk
SHOW_FIRST = 1000  # papers of a first import handed over as parsed (the first screens: the file's first part)
MAX_SEGMENTS = 8  # import processes at most (one per core)
SEGMENT_MIN_BYTES = 32 * 1024 * 1024  # a part of a file imported by a process of its own: this much at least
PROGRESS_SECONDS = 0.2  # how often an import's count is handed over
FIRST_SCREEN = 200  # papers of a stored file handed over before its stores open (a first screen or a few)


class Progress(NamedTuple):
    """How far reading a big file is: the papers read so far, and what its import processes are doing
    ("importing": parsing and storing; "indexing": every part stored, each part's search index being built)."""

    read: int
    step: str = "importing"


Found = tuple[Sequence[Paper], list[str], Progress]  # papers (a list, or the whole store), warnings, how far


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


def segments(size: int) -> int:
    """How many processes a first import of a file of ``size`` bytes runs (one per core, a part at least
    SEGMENT_MIN_BYTES): also how many stores the file is kept in."""
    return max(1, min(MAX_SEGMENTS, os.cpu_count() or 1, size // SEGMENT_MIN_BYTES))


def _folders(path: Path, folder: Path | None) -> list[Path]:
    base = folder if folder is not None else cache_dir("papers")
    count = segments(os.stat(path).st_size)
    return [base / f"part-{number}-of-{count}" for number in range(1, count + 1)]


def read_stored(path: Path, folder: Path | None = None) -> Iterator[Found]:
    """The papers of a big JSON Lines file: its stores when it has them for the file as it is now (one per part
    of the file a process imported); else the file imported into new ones, its first SHOW_FIRST papers handed
    over as parsed, then counts only, the stores handed over at the end. Warnings name the file as the caller
    spelled it."""
    try:
        folders = _folders(path, folder)
    except OSError:
        folders = []
    stores = _opened(path, folders)
    if stores is not None:
        yield from _handed(path, stores)
        return
    yield from _import(path, folders)


def first_stored(path: Path, folder: Path | None = None) -> list[Paper]:
    """A big file's first FIRST_SCREEN papers, read from its first store without numpy, to show while its stores
    open (``read_stored``, whose first store begins with them); [] when it has no store for the file as it is now
    (then it is no file of this kind, or ``read_stored`` imports it)."""
    try:
        if os.stat(path).st_size < STORE_MIN_BYTES:
            return []
        first = _folders(path, folder)[0]
    except OSError:
        return []
    from tui_reader.paper_store import first_papers

    return first_papers(path, first, fingerprint=fingerprint(), count=FIRST_SCREEN)


def _opened(path: Path, folders: list[Path]) -> list[StoredPapers] | None:
    """The file's stores, one per folder, when every one is there for the file as it is now."""
    from tui_reader.paper_store import open_store

    stores = [open_store(path, part, fingerprint=fingerprint()) for part in folders]
    found = [store for store in stores if store is not None]
    return found if folders and len(found) == len(folders) else None


def merged_index(papers: Sequence[Paper]) -> IndexParts | None:
    """The search index of ``papers``, merged from the indexes the import processes built of their stores; None
    unless the papers are nothing but whole stores' rows (none held otherwise, none joined another: positions line
    up) and every store has its part's index, undamaged and of its papers."""
    from tui_reader.import_part import TERMS
    from tui_reader.paper_set import PaperSet
    from tui_reader.paper_store import StoredPapers
    from tui_reader.search.merge import merged

    whole = (papers.whole_stores() if isinstance(papers, PaperSet) else None) or []
    stores = [store for store in whole if isinstance(store, StoredPapers)]
    if not stores or len(stores) != len(whole):
        return None
    return merged([(store.folder / TERMS, store.key, len(store)) for store in stores])


def _handed(path: Path, stores: list[StoredPapers]) -> Iterator[Found]:
    """The stores, one after the other, the problems of all of them with the last."""
    count = 0
    for number, store in enumerate(stores, start=1):
        count += len(store)
        yield store, _named(path, _merged_problems(stores, count)) if number == len(stores) else [], Progress(count)


def _merged_problems(stores: list[StoredPapers], count: int) -> list[str]:
    """The parts' problems as one file's: per kind, where it first happened and how many more times."""
    import json

    from tui_reader.sources.registry import Problems

    found = Problems("line")
    for store in stores:  # in the file's order: a kind's first line is in the first part that has it
        for entry in store.warnings:
            try:
                what, first, times = json.loads(entry)
                found.add(int(first), str(what), int(times))
            except (ValueError, TypeError):
                continue
    lines = found.lines()
    if not count and not lines:
        lines.append("no papers found; skipped")
    return lines


def _named(path: Path, problems: Iterable[str]) -> list[str]:
    return [f"{shown_path(path)}: {problem}" for problem in problems]


def _import(path: Path, folders: list[Path]) -> Iterator[Found]:
    """Processes import the file's parts into stores (tui_reader.import_part) while this one parses and hands
    over the file's first papers; their counts show the import's progress. Closed early (the load cancelled),
    the processes are ended."""
    try:
        before = _identity(path)
        ranges = _ranges(path, len(folders))
    except OSError:
        ranges = []
    importers = [_start(path, start, end, part, before) for (start, end), part in zip(ranges, folders, strict=False)]
    try:
        read = 0
        for papers, _found, _ in _parse_parts(path):  # the first papers, on screen while the processes work
            read += len(papers)
            yield papers, [], Progress(read)
            if read >= SHOW_FIRST:
                break
        while any(importer.running() for importer in importers):
            step = "indexing" if all(importer.stored for importer in importers) else "importing"
            yield [], [], Progress(max(read, sum(importer.count for importer in importers)), step)
            time.sleep(PROGRESS_SECONDS)
    finally:
        for importer in importers:
            importer.end()
    stores = _opened(path, folders) if importers else None
    if stores is not None:
        yield from _handed(path, stores)
        return
    # no stores (a full disk, an unwritable cache, a process that failed): the file's papers as any file's
    # (those shown already join themselves), from the parse cache or parsed again
    for papers, found, _ in _read_parts_cached(path):
        yield papers, _named(path, found), Progress(read)


def _ranges(path: Path, count: int) -> list[tuple[int, int]]:
    """``count`` byte ranges of the file, each starting at a line start."""
    size = os.stat(path).st_size
    cuts = [0]
    with open(path, "rb") as stream:
        for number in range(1, count):
            stream.seek(max(cuts[-1], size * number // count))
            stream.readline()
            cuts.append(min(stream.tell(), size))
    cuts.append(size)
    return list(itertools.pairwise(cuts))


class _Importer:
    """One import process, its count read by a thread as it prints it, and whether it has stored its part (it
    then builds the part's search index before it ends)."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.count = 0
        self.stored = False
        self._reader = threading.Thread(target=self._read, name="import part", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            text = line.strip()
            if text.isdigit():
                self.count = int(text)
            elif text == b"stored":
                self.stored = True

    def running(self) -> bool:
        return self._reader.is_alive()

    def end(self) -> None:
        """Stop the process if it still runs (its store is then not written), and reap it."""
        processes.end(self.process)


def _start(path: Path, start: int, end: int, folder: Path, before: str) -> _Importer:
    return _Importer(
        processes.start(
            "tui_reader.import_part",
            os.fsdecode(path),
            str(start),
            str(end),
            os.fsdecode(folder),
            before,
            fingerprint(),
        )
    )
