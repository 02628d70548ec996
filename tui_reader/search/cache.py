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

from tui_reader.files import cache_dir, mark_used
from tui_reader.paper import Paper
from tui_reader.search import disk, forms, index, postings, text, texts
from tui_reader.search.index import SearchIndex

__all__ = ["KEEP", "cached_index"]

KEEP = 3  # entries (corpora) kept; the least recently used go first
_SUFFIX = ".index"
_STALE_S = 3600  # a half-written folder this old was left by a reader that stopped: removed


def cached_index(
    papers: Sequence[Paper],
    files: Sequence[Path],
    folder: Path | None = None,
    build_apart: Callable[[], object] | None = None,
) -> SearchIndex:
    """The index of ``papers`` (read from ``files``, in this order): from the cache when it holds an index of
    these very papers, else built and stored for the next launch (then read back mapped, so the memory the
    build took goes back to the system). ``build_apart``, when given, is asked first to build it elsewhere (in a
    process of its own) and store it in the cache; what it stored is used if it is the index of these papers."""
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
    built = SearchIndex(papers)
    # two readers storing at once: each folder is whole, the last one stays
    if not disk.store(entry, digest, built.parts):
        return built
    _prune(folder)
    return _open(papers, entry, digest) or built


def _open(papers: Sequence[Paper], entry: Path, digest: bytes) -> SearchIndex | None:
    try:
        return SearchIndex(papers, disk.load(entry, digest))
    except (OSError, disk.Damaged, ValueError):  # none, another corpus', a damaged one: build
        return None


def _entry_name(files: Sequence[Path]) -> str:
    where = "\n".join(str(Path(f).resolve()) for f in files)
    return f"{zlib.crc32(where.encode('utf-8', 'surrogatepass')):08x}{_SUFFIX}"


def _digest(papers: Sequence[Paper]) -> bytes:
    """Names the exact texts indexed, in order, and the code that indexes them and keeps the index."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{disk.FORMAT} {len(papers)}".encode())
    for module in (index, postings, text, forms, texts, disk):
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
