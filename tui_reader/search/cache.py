"""A big corpus' index, kept on disk between launches: building takes ~2 s per 100k papers, loading ~0.1 s.

An entry is named after the corpus' files, so a corpus that changes replaces its own entry, and it holds a
digest of every title and abstract in order: it is used only for exactly the papers it was built from, and for
the index code that built it. The few most recently used entries are kept (~40 MB each at 100k papers). A cache
that cannot be read or written only costs time: the index is built as if there were none.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import zlib
from collections.abc import Sequence
from pathlib import Path

from tui_reader.files import cache_dir, mark_used, store_in_cache
from tui_reader.paper import Paper
from tui_reader.search import forms, index, postings, text
from tui_reader.search.index import SearchIndex

__all__ = ["cached_index"]

_FORMAT = 2  # 2: title compounds, acronyms
KEEP = 3  # entries (corpora) kept; the least recently used go first


def cached_index(papers: Sequence[Paper], files: Sequence[Path], folder: Path | None = None) -> SearchIndex:
    """The index of ``papers`` (read from ``files``, in this order): from the cache when it holds an index of
    these very papers, else built and stored for the next launch."""
    folder = folder or cache_dir("index")
    entry = folder / _entry_name(files)
    digest = _digest(papers)
    try:
        stored_digest, parts = pickle.loads(entry.read_bytes())
        if stored_digest == digest:
            found = SearchIndex(papers, parts)
            mark_used(entry)  # kept when older entries are pruned
            return found
    except Exception:  # no entry, another corpus' entry, a damaged or unreadable one: build
        pass
    built = SearchIndex(papers)
    # two readers storing at once: each entry is whole, the last one stays
    if store_in_cache(entry, (digest, built.parts)):
        _prune(entry.parent)
    return built


def _entry_name(files: Sequence[Path]) -> str:
    where = "\n".join(str(Path(f).resolve()) for f in files)
    return f"{zlib.crc32(where.encode('utf-8', 'surrogatepass')):08x}.pickle"


def _digest(papers: Sequence[Paper]) -> bytes:
    """Names the exact texts indexed, in order, and the code that indexes them."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{_FORMAT} {len(papers)}".encode())
    for module in (index, postings, text, forms):
        h.update(Path(str(module.__file__)).read_bytes())
    for paper in papers:
        h.update(paper.title.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(paper.abstract.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.digest()


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently used entries."""
    used: list[tuple[int, Path]] = []
    for path in folder.glob("*.pickle"):
        try:
            used.append((path.stat().st_mtime_ns, path))
        except OSError:
            pass  # removed meanwhile by another reader
    for _, old in sorted(used, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink(missing_ok=True)
