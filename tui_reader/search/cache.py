"""A big corpus' index, kept on disk between launches: building takes ~2 s per 100k papers, loading ~0.1 s.

An entry is named after the corpus' files, so a corpus that changes replaces its own entry, and it holds a
digest of every title and abstract in order: it is used only for exactly the papers it was built from, and for
the index code that built it. The few most recently used entries are kept (~40 MB each at 100k papers). A cache
that cannot be read or written only costs time: the index is built as if there were none.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from pathlib import Path
from typing import Sequence

from tui_reader.corpus import Paper
from tui_reader.search import index, postings, text
from tui_reader.search.index import SearchIndex

__all__ = ["cached_index", "index_cache_dir"]

_FORMAT = 1
KEEP = 3  # entries (corpora) kept; the least recently used go first


def index_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("tui-reader")) / "index"


def cached_index(papers: Sequence[Paper], files: Sequence[Path], folder: Path | None = None) -> SearchIndex:
    """The index of ``papers`` (read from ``files``, in this order): from the cache when it holds an index of
    these very papers, else built and stored for the next launch."""
    folder = folder or index_cache_dir()
    entry = folder / _entry_name(files)
    digest = _digest(papers)
    try:
        stored_digest, parts = pickle.loads(entry.read_bytes())
        if stored_digest == digest:
            found = SearchIndex(papers, parts)
            os.utime(entry)  # recently used: kept when older entries are pruned
            return found
    except Exception:  # no entry, another corpus' entry, a damaged or unreadable one: build
        pass
    built = SearchIndex(papers)
    _store(entry, digest, built)
    return built


def _entry_name(files: Sequence[Path]) -> str:
    where = "\n".join(str(Path(f).resolve()) for f in files)
    return f"{zlib.crc32(where.encode('utf-8', 'surrogatepass')):08x}.pickle"


def _digest(papers: Sequence[Paper]) -> bytes:
    """Names the exact texts indexed, in order, and the code that indexes them."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{_FORMAT} {len(papers)}".encode())
    for module in (index, postings, text):
        h.update(Path(module.__file__).read_bytes())
    for paper in papers:
        h.update(paper.title.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(paper.abstract.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.digest()


def _store(entry: Path, digest: bytes, built: SearchIndex) -> None:
    partial = entry.with_suffix(f".{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(pickle.dumps((digest, built.parts), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, entry)  # two readers storing at once: each entry is whole, the last one stays
        _prune(entry.parent)
    except OSError:
        try:
            partial.unlink()
        except OSError:
            pass


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda path: path.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
