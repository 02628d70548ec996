"""A big corpus' index, kept on disk between launches: built in ~2 s per 100k papers, opened in milliseconds.

An entry is a folder named after the corpus' files (tui_reader.search.disk: memory-mapped arrays), so a corpus
that changes replaces its own entry, and it holds a digest of every title and abstract in order: it is used only
for exactly the papers it was built from, and for the index code that built it. The few most recently used
entries are kept. An entry that cannot be read or written, or is damaged, only costs time: the index is built as
if there were none (and stored again).
"""

from __future__ import annotations

import hashlib
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from tui_reader import dates
from tui_reader.files import cache_dir, mark_used
from tui_reader.paper import Paper
from tui_reader.search import disk, filters, forms, index, postings, table_files, tables, text, texts
from tui_reader.search.index import IndexParts, SearchIndex
from tui_reader.search.tables import Later, PaperTables, Ready

__all__ = ["KEEP", "cached_index", "store_tables"]

KEEP = 3  # entries (corpora) kept; the least recently used go first
_SUFFIX = ".index"
_STALE_S = 3600  # a half-written folder this old was left by a reader that stopped: removed
_TABLES = "tables"  # the filters' tables, a folder inside the entry's (tui_reader.search.table_files)


def cached_index(
    papers: Sequence[Paper],
    files: Sequence[Path],
    folder: Path | None = None,
    build_apart: Callable[[], object] | None = None,
    merged: Callable[[], IndexParts | None] | None = None,
) -> SearchIndex:
    """The index of ``papers`` (read from ``files``, in this order): from the cache when it holds an index of
    these very papers, else built and stored for the next launch (then read back mapped, so the memory the
    build took goes back to the system). ``build_apart``, when given, is asked first to build it elsewhere (in a
    process of its own) and store it in the cache; what it stored is used if it is the index of these papers.
    ``merged``, when given, is asked for the index merged from indexes of parts of the papers built before (None
    when there are none), instead of building it whole."""
    folder = folder or cache_dir("index")
    entry = folder / _entry_name(files)
    digest = _digest(papers)
    found = _open(papers, entry, digest)
    if found is None and build_apart is not None:
        build_apart()
        found = _open(papers, entry, digest)
    if found is not None:
        mark_used(entry)  # kept when older entries are pruned
        return found
    parts = merged() if merged is not None else None
    if parts is None or parts.title.size != len(papers):
        parts = SearchIndex(papers).parts
    # two readers storing at once: each folder is whole, the last one stays
    if not disk.store(entry, digest, parts):
        return SearchIndex(papers, parts)
    _prune(folder)
    return _open(papers, entry, digest) or SearchIndex(papers, parts)


def store_tables(papers: Sequence[Paper], files: Sequence[Path], folder: Path | None = None) -> bool:
    """Work out every table the filters look papers up in (one pass over the papers: ~40 s at a million stored
    papers) and keep them beside the index of ``papers`` for the readers that open it (``cached_index``). False
    when they cannot be kept: the papers cannot name their every field (``record_key``), the index is not
    there, or the disk refuses them."""
    folder = folder or cache_dir("index")
    entry = folder / _entry_name(files)
    key = _tables_digest(papers, _digest(papers))
    if key is None or not entry.is_dir():
        return False
    ready = PaperTables(papers, len(papers)).work_out(flag_tests())
    now = time.time()
    for left in [*entry.glob(".new-*"), *entry.glob(".old-*")]:  # left by a process that ended long ago
        try:
            if now - left.lstat().st_mtime > _STALE_S:
                disk.remove(left)
        except OSError:
            continue  # removed meanwhile
    return table_files.store(entry / _TABLES, key, ready)


def flag_tests() -> dict[str, Callable[[Paper], bool]]:
    """What every filter asks ``PaperTables.flags`` of each paper, by name."""
    return {name: test for spec in filters.FILTERS.values() for name, test in spec.flags.items()}


def _open(papers: Sequence[Paper], entry: Path, digest: bytes) -> SearchIndex | None:
    try:
        parts = disk.load(entry, digest)
    except (OSError, disk.Damaged, ValueError):  # none, another corpus', a damaged one: build
        return None
    key = _tables_digest(papers, digest)
    tables: Ready | Later | None = None
    if key is not None:  # the tables kept beside the index; or, not there yet, taken up when they are
        tables = _tables(entry, key, len(papers)) or (lambda: _tables(entry, key, len(papers)))
    try:
        return SearchIndex(papers, parts, tables)
    except ValueError:
        return None


def _tables(entry: Path, key: bytes, size: int) -> Ready | None:
    """The filters' tables kept beside the index, if they are those of these papers (else they are worked out on
    first use, as for an index without them)."""
    try:
        return table_files.load(entry / _TABLES, key, size)
    except (OSError, disk.Damaged, ValueError):
        return None


def _tables_digest(papers: Sequence[Paper], digest: bytes) -> bytes | None:
    """Names every field of the papers, and the index's digest (the code that works the tables out is in it);
    None when the papers cannot name their fields without reading each (no tables kept for them)."""
    offered = getattr(papers, "record_key", None)
    known = offered() if callable(offered) else None
    if not isinstance(known, bytes):
        return None
    return hashlib.blake2b(digest + b"tables\0" + known, digest_size=20).digest()


def _entry_name(files: Sequence[Path]) -> str:
    where = "\n".join(str(Path(f).resolve()) for f in files)
    return f"{zlib.crc32(where.encode('utf-8', 'surrogatepass')):08x}{_SUFFIX}"


def _digest(papers: Sequence[Paper]) -> bytes:
    """Names the exact texts indexed, in order, and the code that indexes them and keeps the index (and works
    out and keeps the filters' tables)."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{disk.FORMAT} {len(papers)}".encode())
    for module in (index, postings, text, forms, texts, disk, tables, filters, dates, table_files):
        h.update(Path(str(module.__file__)).read_bytes())
    h.update(texts.content_key(papers))
    return h.digest()


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently used entries; remove the pickles of the format before, and folders left
    half-written long ago."""
    used: list[tuple[int, Path]] = []
    now = time.time()
    for path in folder.iterdir():
        try:
            info = path.lstat()
        except OSError:
            continue  # removed meanwhile by another reader
        if path.name.endswith(".pickle") or (
            path.name.startswith((".new-", ".old-")) and now - info.st_mtime > _STALE_S
        ):
            disk.remove(path)
        elif path.name.endswith(_SUFFIX):
            used.append((info.st_mtime_ns, path))
    for _, old in sorted(used, reverse=True)[KEEP:]:
        disk.remove(old)
