"""Loading papers after the first paint, and watching the corpus' folders for new or changed files.

Files are read in a thread; their papers reach the state in batches (at most one every LOAD_BATCH_SECONDS), the
list growing as they come. Files that arrive while a load is under way (a fetch, a watched folder) wait for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from tui_reader.controllers.host import Host
from tui_reader.corpus import read_file_parts
from tui_reader.paper import Paper
from tui_reader.paper_set import StoredRows
from tui_reader.safe_text import shown_path
from tui_reader.stored_corpus import Progress, first_stored, read_stored, stores_papers

__all__ = ["LOAD_BATCH_SECONDS", "FolderWatcher", "Loader"]

LOAD_BATCH_SECONDS = 0.1


class Loader:
    """Reads files in a worker and hands their papers over. ``papers_added`` runs after each batch (the search
    controller shows or sorts them), ``all_loaded`` once the last file is read (the index is built), and
    ``no_papers`` when no file held a paper at all (the reader exits, and the launcher says why)."""

    def __init__(
        self,
        host: Host,
        files: Sequence[Path],
        papers_added: Callable[[], object],
        all_loaded: Callable[[], object],
        no_papers: Callable[[], object],
    ) -> None:
        self.host = host
        self._papers_added, self._all_loaded, self._no_papers = papers_added, all_loaded, no_papers
        self.running = bool(files)
        self.loading = f"loading 0/{len(files)} files…" if files else ""  # the status line's part
        self.warnings: list[str] = []  # every file's problems (the launcher repeats them when no paper loads)
        self._pending: list[Path] = []  # files to read once the load under way ends

    def load(self, files: Sequence[Path]) -> None:
        files = list(files)
        self.host.in_thread(lambda: self.read(files), group="load", what="Loading papers", failed=self.failed)

    def read(self, files: Sequence[Path]) -> None:
        """Read files in this thread; hand papers to the screen at most every LOAD_BATCH_SECONDS (each hand-over
        waits for the screen, so one per file would make loading a 100k corpus several times slower)."""
        batch: list[Paper] = []
        problems: list[str] = []
        flushed = time.monotonic()
        shown = False  # any papers handed over yet: the first ones go at once
        for number, path in enumerate(files, start=1):
            # a JSON Lines file comes in parts as it is read, so its first papers show long before its last; a big
            # one is imported into a store of papers on disk (counted as it goes), which then joins whole
            for papers, warnings, read in _parts(path):
                importing = f"{read.step} {shown_path(path.name)}: {read.read:,} papers…" if read is not None else ""
                if isinstance(papers, StoredRows):
                    if batch or problems:
                        self.host.from_thread(self.batch_loaded, batch, problems, number - 1, len(files))
                        batch, problems = [], []
                    self.host.from_thread(self.batch_loaded, papers, warnings, number - 1, len(files))
                    continue
                batch.extend(papers)
                problems.extend(warnings)
                if (batch and not shown) or time.monotonic() - flushed >= LOAD_BATCH_SECONDS:
                    self.host.from_thread(self.batch_loaded, batch, problems, number - 1, len(files), importing)
                    shown = shown or bool(batch)
                    batch, problems, flushed = [], [], time.monotonic()
            if number == len(files) or time.monotonic() - flushed >= LOAD_BATCH_SECONDS:
                self.host.from_thread(self.batch_loaded, batch, problems, number, len(files))
                batch, problems, flushed = [], [], time.monotonic()
        self.host.from_thread(self.all_loaded)

    def batch_loaded(
        self, papers: Sequence[Paper], warnings: list[str], number: int, total: int, importing: str = ""
    ) -> None:
        self.host.warn(warnings)
        self.warnings.extend(warnings)
        self.loading = importing or f"loading {number}/{total} files…"
        if papers or not importing:
            self.host.state.add(papers)
            self._papers_added()
        else:
            self.host.refresh_status()

    def add_files(self, files: Iterable[Path]) -> None:
        """New or changed files (fetched listings, files in a watched folder): read after the load under way if
        there is one (a second load would cancel it)."""
        self._pending.extend(path for path in files if path not in self._pending)
        if self._pending and not self.running:
            files, self._pending = self._pending, []
            self.running = True
            self.loading = f"loading 0/{len(files)} files…"
            self.host.refresh_status()
            self.load(files)

    def all_loaded(self) -> None:
        self.loading = ""
        self.running = False
        if self._pending:
            self.add_files([])
            return
        if not self.host.state.papers:
            self._no_papers()
            return
        self.host.refresh_status()
        self._all_loaded()

    def failed(self, error: BaseException) -> None:
        self.loading = ""
        self.running = False
        self.host.refresh_status()
        if not self.host.state.papers:  # nothing to show at all: exit, and the launcher says why
            self.warnings.append(f"loading failed ({type(error).__name__}: {error})")
            self._no_papers()


def _parts(path: Path) -> Iterator[tuple[Sequence[Paper], list[str], Progress | None]]:
    """A file's papers in parts, with how far a big file's import is (None for other files). A
    file kept in stores shows its first papers before numpy is imported and the stores are opened (they then
    take those papers' place)."""
    first = first_stored(path)
    if first:
        yield first, [], None
    if first or stores_papers(path):  # papers stored for the file as it is now: a file of this kind
        yield from read_stored(path)
    else:
        for papers, warnings in read_file_parts(path):
            yield papers, warnings, None


class FolderWatcher:
    """Looks at the watched folders (in a thread) and hands new or changed files to ``changed``; the first look
    only notes what is there (it was read at start)."""

    def __init__(self, host: Host, folders: Sequence[Path], changed: Callable[[Iterable[Path]], object]) -> None:
        self.host = host
        self.folders = list(folders)
        self._changed = changed
        self.seen: dict[Path, tuple[int, int]] | None = None  # watched files' (mtime_ns, size); None: not yet
        self.scanning = False  # a look at the watched folders is under way

    def scan(self) -> None:
        if not self.scanning:
            self.scanning = True
            folders = list(self.folders)
            self.host.in_thread(
                lambda: self.look(folders), group="watch", what="Watching the corpus folders", failed=self.failed
            )

    def look(self, folders: Sequence[Path]) -> None:
        """The files of the watched folders with their (mtime, size), looked at in this thread."""
        from tui_reader.corpus import corpus_files

        found: dict[Path, tuple[int, int]] = {}
        for folder in folders:
            try:
                files = corpus_files([folder]) if folder.is_dir() else []
            except Exception:
                continue  # the folder went away: nothing in it to read
            for path in files:
                try:
                    info = path.stat()
                except OSError:
                    continue
                found[path] = (info.st_mtime_ns, info.st_size)
        self.host.from_thread(self.scanned, found)

    def scanned(self, found: dict[Path, tuple[int, int]]) -> None:
        self.scanning = False
        seen, self.seen = self.seen, {**(self.seen or {}), **found}
        if seen is None:
            return  # the first look: what is there was read at start
        self._changed(path for path, stamp in found.items() if seen.get(path) != stamp)

    def note_seen(self, files: Iterable[Path]) -> None:
        """Files read already (a fetch's): the next look need not hand them over again."""
        if self.seen is None:
            return
        for path in files:
            try:
                info = path.stat()
            except OSError:
                continue
            self.seen[path] = (info.st_mtime_ns, info.st_size)

    def failed(self, error: BaseException) -> None:
        self.scanning = False
