"""The paper store: the papers of one source file kept on disk and memory-mapped, so a corpus of a million papers
never lives as Python objects: a ``Paper`` is built only for the rows asked for; texts and ids are read lazily.

One folder per source file (``cache_dir("papers")/<crc32 of the resolved path>``), written to a temporary
sibling and swapped in by a rename, so a reader holding the old files mapped keeps reading them:

- ``meta.json``: format, parser fingerprint, the source's path and identity (taken before parsing began), the row
  count, the key, the warnings, and the size and crc32 of every column file (checked whole at open);
- raw little-endian columns (``_COLUMNS``): per row its id, arXiv id, where its texts and record are with their
  lengths and crc32s, its texts' length; the sorted ids, arXiv ids and aliases with their rows (binary searches);
- ``text.bin`` (titles and abstracts, UTF-8) and ``rest.bin`` (the other fields, pickled): each checked against its
  crc32 when read; a failed check raises ``StoreDamaged`` and removes meta.json, so the next open rebuilds.
Papers of the file that are one paper are merged exactly as ``PaperSet.add`` merges them. ``first_papers`` reads a
store's first rows without numpy and without the whole check (a launch's first screen): the ids column checked
whole, each row's texts and record against their crc32s.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import operator
import os
import pickle
import shutil
import stat
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from tui_reader.files import cache_dir, mark_used
from tui_reader.paper import NO_EXTRA, Paper
from tui_reader.paper_set import StoreDamaged

if TYPE_CHECKING:
    import numpy as np

__all__ = ["StoreDamaged", "StoredPapers", "first_papers", "open_store"]

FORMAT = 1
_RELEASE_ROWS = 1024  # a slice of texts this long lets its pages go once read (see StoredPapers._release)
_LONGEST_TEXTS = 1 << 20  # past the last row's start: its title and abstract (they are far shorter)
MAX_STORES = 4  # stores kept (one per source file); the least recently opened go first
CACHED_ROWS = 4096  # papers kept built (the rows last asked for)
_META_MAX_BYTES = 64 * 1024 * 1024  # a meta.json larger than this is not read (it holds the file's warnings)
_LEFTOVER_SECONDS = 3600  # a temporary folder this old is a crashed writer's: pruned
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)

# name -> numpy dtype ("A": the arXiv ids' width, "K": 2 more); one value a row, but the sorted lookups (keys and
# their rows)
_COLUMNS = {
    "ids": "S12", "arxiv": "A", "text_at": "<i8", "title_len": "<i4", "abstract_len": "<i4", "title_crc": "<u4",
    "abstract_crc": "<u4", "rest_at": "<i8", "rest_len": "<i4", "rest_crc": "<u4", "chars": "<i4",
    "id_keys": "S12", "id_rows": "<i4", "arxiv_keys": "K", "arxiv_rows": "<i4", "alias_keys": "S12",
    "alias_rows": "<i4",
}  # fmt: skip
_BLOBS = ("text.bin", "rest.bin")
# what a row's texts and record are found with (struct codes, little-endian): all ``first_papers`` reads but the ids
_PLACES = {
    "text_at": "q", "title_len": "i", "abstract_len": "i", "title_crc": "I", "abstract_crc": "I", "rest_at": "q",
    "rest_len": "i", "rest_crc": "I",
}  # fmt: skip
_FIRST_MAX_RECORD = 4 * 1024 * 1024  # a text or record of a first row longer than this: a damaged column


def _identity(path: Path) -> str:
    """What changes whenever a file is written, replaced, copied over or touched (as the parse cache's)."""
    info = os.stat(path)
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def _store_folder(source: Path, folder: Path | None) -> tuple[Path, str]:
    """The store's folder for ``source`` and the source's resolved path (raises OSError)."""
    resolved = source.resolve(strict=True)
    name = f"{zlib.crc32(os.fsencode(resolved)):08x}"
    return (folder if folder is not None else cache_dir("papers")) / name, os.fsencode(resolved).hex()


def _map(dir_fd: int, name: str, size: int) -> mmap.mmap | bytes:
    """A regular file of the store, mapped read-only; raises ValueError when it is not one or not ``size`` long."""
    try:
        fd = os.open(name, _FLAGS, dir_fd=dir_fd)  # never follows a link, never blocks on a FIFO
    except FileNotFoundError:
        raise ValueError(f"{name}: missing") from None  # a store without one of its files: damaged
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != size:
            raise ValueError(f"{name}: not a regular file of {size} bytes")
        return mmap.mmap(fd, size, access=mmap.ACCESS_READ) if size else b""
    finally:
        os.close(fd)


def _read_meta(dir_fd: int) -> tuple[dict[str, Any], tuple[int, int]]:
    fd = os.open("meta.json", _FLAGS, dir_fd=dir_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _META_MAX_BYTES:
            raise ValueError("meta.json: not a regular file")
        os.set_blocking(fd, True)
        data = os.read(fd, info.st_size + 1)
    finally:
        os.close(fd)
    meta = json.loads(data)
    if not isinstance(meta, dict):
        raise ValueError("meta.json: not an object")
    return meta, (info.st_dev, info.st_ino)


def _checked_meta(meta: dict[str, Any]) -> None:
    """Raise ValueError unless every field has its type (what a meta of another shape would break)."""
    kinds = {"format": int, "fingerprint": str, "path": str, "identity": str, "count": int, "key": str,
             "warnings": list, "arxiv_width": int, "sizes": dict, "crcs": dict, "lengths": dict}  # fmt: skip
    for name, kind in kinds.items():
        if type(meta.get(name)) is not kind:
            raise ValueError(f"meta.json: {name} missing or not a {kind.__name__}")
    counts_ok = 0 <= meta["count"] < 2**31 and meta["arxiv_width"] >= 1
    if not counts_ok or not all(isinstance(w, str) for w in meta["warnings"]):
        raise ValueError("meta.json: bad warnings, count or arXiv width")


def open_store(source: Path, folder: Path | None = None, *, fingerprint: str) -> StoredPapers | None:
    """The store of ``source`` as the file is now, or None: none written, stale (the file changed since), written
    by other parsing code (``fingerprint``), or failing its checks (then it is removed, so it is rebuilt).
    Never raises for a bad, missing or unreadable store."""
    try:
        target, path = _store_folder(source, folder)
        identity = _identity(source)
    except (OSError, ValueError, RuntimeError):
        return None
    try:
        store = _open_folder(target)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError, StoreDamaged):  # RecursionError: JSON nested too deep
        _remove(target)
        return None
    if store is None:
        return None
    if not _current(store._meta, fingerprint, path, identity):
        return None
    mark_used(target / "meta.json")
    return store


def _current(meta: dict[str, Any], fingerprint: str, path: str, identity: str) -> bool:
    """Was the store written for this file as it is now (its path and identity), by this parsing code?"""
    return bool(meta["fingerprint"] == fingerprint and meta["path"] == path and meta["identity"] == identity)


def first_papers(source: Path, folder: Path | None = None, *, fingerprint: str, count: int) -> list[Paper]:
    """The first ``count`` papers of the store of ``source`` as the file is now, read without numpy and without
    checking the whole store (a launch's first screen, shown while the stores open): [] when there is none, or
    when anything read fails its check (the store's open then finds the damage). The ids column is checked
    whole; each row's texts and record against their crc32s, as when ``StoredPapers`` reads a row."""
    try:
        target, path = _store_folder(source, folder)
        identity = _identity(source)
        dir_fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except (OSError, ValueError, RuntimeError):
        return []
    try:
        meta, _ = _read_meta(dir_fd)
        if meta.get("format") != FORMAT:
            return []
        _checked_meta(meta)
        if not _current(meta, fingerprint, path, identity):
            return []
        return _first_rows(dir_fd, meta, min(count, meta["count"]))
    except (OSError, ValueError, RecursionError, StoreDamaged, struct.error):
        return []
    finally:
        os.close(dir_fd)


def _first_rows(dir_fd: int, meta: dict[str, Any], count: int) -> list[Paper]:
    """``first_papers``' rows (raises ValueError or StoreDamaged for anything that fails its check)."""
    sizes, rows = meta["sizes"], meta["count"]

    def column(name: str, width: int) -> mmap.mmap | bytes:
        if sizes.get(name) != rows * width or meta["lengths"].get(name) != rows:
            raise ValueError(f"meta.json: bad entry for {name}")
        return _map(dir_fd, name, rows * width)

    ids = column("ids", 12)
    if zlib.crc32(ids) != meta["crcs"].get("ids"):
        raise StoreDamaged("ids: failed its check")
    at = {
        name: struct.unpack_from(f"<{count}{code}", column(name, struct.calcsize(code)))
        for name, code in _PLACES.items()
    }
    blobs = _blobs(dir_fd, meta)
    papers = []
    for row in range(count):
        text_at, title_len, abstract_len = at["text_at"][row], at["title_len"][row], at["abstract_len"][row]
        if max(title_len, abstract_len, at["rest_len"][row]) > _FIRST_MAX_RECORD:
            raise ValueError(f"row {row}: a record too long")
        text = blobs["text.bin"]
        title = _record(text, text_at, title_len, at["title_crc"][row])
        abstract = _record(text, text_at + title_len, abstract_len, at["abstract_crc"][row])
        record = _record(blobs["rest.bin"], at["rest_at"][row], at["rest_len"][row], at["rest_crc"][row])
        paper_id = ids[row * 12 : row * 12 + 12].rstrip(b"\0").decode("ascii")
        papers.append(
            _paper_of(
                paper_id, title.decode("utf-8", "surrogatepass"), abstract.decode("utf-8", "surrogatepass"), record
            )
        )
    return papers


def _record(blob: mmap.mmap | bytes, at: int, length: int, crc: int) -> bytes:
    """The bytes of a text or record, checked (raises StoreDamaged)."""
    data = blob[at : at + length] if at >= 0 and length >= 0 else b""
    if len(data) != length or zlib.crc32(data) != crc:
        raise StoreDamaged(f"a record at {at} failed its check")
    return data


def _paper_of(paper_id: str, title: str, abstract: str, record: bytes) -> Paper:
    """A row's Paper from its id, texts and record (checked: raises StoreDamaged when it is not one after all)."""
    try:
        dates, sources, links, arxiv_id, authors, published, upvotes, extra = pickle.loads(record)
    except Exception as exc:
        raise StoreDamaged(f"a record unreadable ({exc})") from None
    return Paper(
        paper_id, title, abstract, dates, sources, links, arxiv_id, authors, published, upvotes,
        NO_EXTRA if extra is None else extra,
    )  # fmt: skip


def _open_folder(target: Path) -> StoredPapers | None:
    """The store in ``target`` checked whole but for its blobs (checked a record at a time); None when it is of
    another format. Raises OSError, ValueError or StoreDamaged for a damaged one."""
    import numpy as np

    dir_fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        meta, meta_at = _read_meta(dir_fd)
        if meta.get("format") != FORMAT:
            return None
        _checked_meta(meta)
        columns: dict[str, np.ndarray] = {}
        for name, kind in _COLUMNS.items():
            width = meta["arxiv_width"] + (kind == "K") * 2
            dtype = np.dtype(f"S{width}" if kind in ("A", "K") else kind)
            length = meta["lengths"].get(name)
            size, crc = meta["sizes"].get(name), meta["crcs"].get(name)
            if type(length) is not int or type(crc) is not int or size != length * dtype.itemsize or length < 0:
                raise ValueError(f"meta.json: bad entry for {name}")
            mapped = _map(dir_fd, name, size)
            if zlib.crc32(mapped) != crc:
                raise StoreDamaged(f"{name}: failed its check")
            columns[name] = np.frombuffer(mapped, dtype=dtype, count=length)
        blobs = _blobs(dir_fd, meta)
    finally:
        os.close(dir_fd)
    return StoredPapers(target, meta, meta_at, columns, blobs)


def _blobs(dir_fd: int, meta: dict[str, Any]) -> dict[str, mmap.mmap | bytes]:
    """The store's text and record blobs, mapped (their records are checked one at a time, as read)."""
    blobs = {}
    for name in _BLOBS:
        size = meta["sizes"].get(name)
        if type(size) is not int or size < 0:
            raise ValueError(f"meta.json: bad size for {name}")
        blobs[name] = _map(dir_fd, name, size)
    return blobs


def _remove(path: Path) -> None:
    """Remove a store folder (or whatever stands in its place: a link is removed, never followed)."""
    with contextlib.suppress(OSError):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)


class _Texts(Sequence[str]):
    """One text field of every row, decoded (and checked) only for the rows asked for."""

    def __init__(self, store: StoredPapers, field: Literal["title", "abstract"]) -> None:
        self._store = store
        self._abstract = field == "abstract"

    def __len__(self) -> int:
        return len(self._store)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            rows = range(*index.indices(len(self._store)))
            texts = self._store._texts(rows, self._abstract)
            if len(rows) >= _RELEASE_ROWS:
                self._store._release(rows)
            return texts
        return self._store._text(self._store._row(index), self._abstract)


class StoredPapers(Sequence[Paper]):
    """The papers of one stored source file, in first-seen order (``PaperSet``'s positions), read from the
    mapped files: a row becomes a ``Paper`` when asked for (the last CACHED_ROWS kept)."""

    def __init__(
        self,
        folder: Path,
        meta: dict[str, Any],
        meta_at: tuple[int, int],
        columns: dict[str, np.ndarray],
        blobs: dict[str, mmap.mmap | bytes],
    ) -> None:
        self._folder = folder
        self._meta = meta
        self._meta_at = meta_at  # (device, inode) of the meta read: a damaged store removes its own meta only
        self._c = columns
        # per-row values read as Python ints through memoryviews: ~3x faster than indexing numpy arrays
        self._v = {name: column.data for name, column in columns.items() if column.dtype.kind in "iu"}
        self._textbin = blobs["text.bin"]
        self._restbin = blobs["rest.bin"]
        self._count: int = meta["count"]
        self._built: OrderedDict[int, Paper] = OrderedDict()
        self._lock = threading.Lock()
        self.key: str = meta["key"]
        self.warnings: list[str] = list(meta["warnings"])
        self.ids: np.ndarray = columns["ids"]
        self.arxiv: np.ndarray = columns["arxiv"]
        for name, column in columns.items():
            kind, _, part = name.partition("_")
            expected = len(columns[f"{kind}_keys"]) if part in ("keys", "rows") else self._count
            if len(column) != expected:
                raise StoreDamaged(f"{name}: {len(column)} entries, not {expected}")

    @property
    def folder(self) -> Path:
        """The store's folder (what is kept with its papers goes inside it: the part's search index)."""
        return self._folder

    def __len__(self) -> int:
        return self._count

    def _row(self, index: int) -> int:
        row = operator.index(index)
        if row < 0:
            row += self._count
        if not 0 <= row < self._count:
            raise IndexError("stored paper index out of range")
        return row

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> list[Paper]: ...
    def __getitem__(self, index: int | slice) -> Paper | list[Paper]:
        if isinstance(index, slice):
            return [self._paper(i) for i in range(*index.indices(self._count))]
        return self._paper(self._row(index))

    def __iter__(self) -> Iterator[Paper]:
        return (self._paper(i) for i in range(self._count))

    def _paper(self, row: int) -> Paper:
        with self._lock:
            paper = self._built.get(row)
            if paper is not None:
                self._built.move_to_end(row)
                return paper
        v = self._v
        at, length = v["rest_at"][row], v["rest_len"][row]
        record = self._checked(self._restbin, at, length, v["rest_crc"][row], "rest.bin")
        title, abstract = self._text(row, False), self._text(row, True)
        try:
            paper = _paper_of(self._c["ids"][row].decode("ascii"), title, abstract, record)
        except StoreDamaged as exc:  # checked, yet not what was written: never trusted
            raise self._damaged(f"rest.bin: row {row}: {exc}") from None
        with self._lock:
            self._built[row] = paper
            if len(self._built) > CACHED_ROWS:
                self._built.popitem(last=False)
        return paper

    def _text(self, row: int, abstract: bool) -> str:
        v = self._v
        at, title_len = v["text_at"][row], v["title_len"][row]
        if abstract:
            at, length, crc = at + title_len, v["abstract_len"][row], v["abstract_crc"][row]
        else:
            length, crc = title_len, v["title_crc"][row]
        return self._checked(self._textbin, at, length, crc, "text.bin").decode("utf-8", "surrogatepass")

    def _texts(self, rows: range, abstract: bool) -> list[str]:
        """``_text`` of a run of rows, their columns read at once (an index build reads a million of them)."""
        c = self._c
        step = slice(rows.start, rows.stop, rows.step)
        starts, title_lens = c["text_at"][step].tolist(), c["title_len"][step].tolist()
        if abstract:
            starts = [at + length for at, length in zip(starts, title_lens, strict=True)]
            lengths, crcs = c["abstract_len"][step].tolist(), c["abstract_crc"][step].tolist()
        else:
            lengths, crcs = title_lens, c["title_crc"][step].tolist()
        blob, crc32, out = self._textbin, zlib.crc32, []
        for at, length, crc in zip(starts, lengths, crcs, strict=True):
            data = blob[at : at + length]
            if len(data) != length or crc32(data) != crc:
                raise self._damaged(f"text.bin: a record at {at} failed its check")
            out.append(data.decode("utf-8", "surrogatepass"))
        return out

    def _release(self, rows: range) -> None:
        """Let the pages of a long run of rows' texts, just read, go from this process' memory (the kernel keeps
        them cached): reading every text of a million papers (an index build) would otherwise map them all."""
        blob = self._textbin
        if not isinstance(blob, mmap.mmap) or not hasattr(mmap, "MADV_DONTNEED"):
            return
        at = self._c["text_at"][rows.start : rows.stop : rows.step or 1]
        if not len(at):
            return
        start = int(at.min()) // mmap.PAGESIZE * mmap.PAGESIZE
        end = min(len(blob), int(at.max()) + _LONGEST_TEXTS)
        with contextlib.suppress(OSError, ValueError):
            blob.madvise(mmap.MADV_DONTNEED, start, end - start)

    def _checked(self, blob: mmap.mmap | bytes, at: int, length: int, crc: int, name: str) -> bytes:
        try:
            return _record(blob, at, length, crc)
        except StoreDamaged as exc:
            raise self._damaged(f"{name}: {exc}") from None

    def _damaged(self, why: str) -> StoreDamaged:
        """The error to raise; the store's meta is removed (if it is still this store's), so it is rebuilt."""
        meta = self._folder / "meta.json"
        with contextlib.suppress(OSError):
            info = os.lstat(meta)
            if (info.st_dev, info.st_ino) == self._meta_at:
                os.unlink(meta)
        return StoreDamaged(why)

    def texts(self, field: Literal["title", "abstract"]) -> Sequence[str]:
        """Every row's title (or abstract), decoded only for the rows asked for."""
        if field not in ("title", "abstract"):
            raise ValueError(f"no text field {field!r}")
        return _Texts(self, field)

    def text_lengths(self) -> np.ndarray:
        """Each row's title and abstract length together, in characters (int32, read-only)."""
        return self._c["chars"]

    def position_of_id(self, paper_id: str) -> int | None:
        """The row of the paper with this id (``PaperSet.ids``)."""
        return self._lookup("id", paper_id)

    def position_of_arxiv(self, arxiv_id: str) -> int | None:
        """The row a paper with this arXiv id joined (``PaperSet.arxiv``: every arXiv id seen, not only each
        row's own)."""
        return self._lookup("arxiv", arxiv_id)

    def position_of_alias(self, paper_id: str) -> int | None:
        """The row that another title's paper joined by arXiv id (``PaperSet``'s aliases)."""
        return self._lookup("alias", paper_id)

    def _lookup(self, kind: str, value: str) -> int | None:
        import numpy as np

        keys = self._c[f"{kind}_keys"]
        try:
            key = _key(kind, value)
        except UnicodeEncodeError:
            return None
        if len(key) > keys.dtype.itemsize:
            return None
        at = int(np.searchsorted(keys, key))
        return int(self._c[f"{kind}_rows"][at].item()) if at < len(keys) and keys[at] == key else None

    def sorted_keys(self, kind: Literal["id", "arxiv", "alias"]) -> tuple[np.ndarray, np.ndarray]:
        """Every key of a kind as lookups see it (ids; arXiv ids framed in ``<>``; other titles' ids), sorted, and
        the row each names: two stores find the papers they share without sorting anything."""
        return self._c[f"{kind}_keys"], self._c[f"{kind}_rows"]

    def rows_of_ids(self, ids: Sequence[str]) -> np.ndarray:
        """The row of each paper id (int64), -1 where no row has it."""
        import numpy as np

        wanted = list(ids)
        usable = np.fromiter((len(x) == 12 and x.isascii() for x in wanted), dtype=bool, count=len(wanted))
        try:
            encoded = np.array(wanted, dtype="S12")  # ASCII; a longer id is cut, and not usable
        except UnicodeEncodeError:
            encoded = np.array([x.encode("ascii", "replace") for x in wanted], dtype="S12")
        keys, rows = self._c["id_keys"], self._c["id_rows"]
        at = np.searchsorted(keys, encoded)
        inside = at < len(keys)
        at[~inside] = 0
        found = usable & inside & (keys[at] == encoded) if len(keys) else np.zeros(len(encoded), dtype=bool)
        return np.where(found, rows[at] if len(keys) else -1, -1).astype(np.int64)


def _key(kind: str, value: str) -> bytes:
    """A lookup's key as stored: an arXiv id framed (numpy's bytes drop trailing NULs, and "" is a key too)."""
    if kind == "arxiv":
        return b"<" + value.encode("utf-8", "surrogatepass") + b">"
    return value.encode("ascii")


def _prune(folder: Path) -> None:
    """Keep the MAX_STORES stores last opened or written; drop leftovers of crashed writers."""
    stores: list[tuple[float, Path]] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.name.startswith(".") and entry.name.endswith((".partial", ".old")):
                if now - entry.stat(follow_symlinks=False).st_mtime > _LEFTOVER_SECONDS:
                    _remove(Path(entry.path))
            elif len(entry.name) == 8 and entry.is_dir(follow_symlinks=False):
                used = os.stat(Path(entry.path) / "meta.json", follow_symlinks=False).st_mtime
                stores.append((used, Path(entry.path)))
        except OSError:
            continue
    for _, path in sorted(stores, reverse=True)[MAX_STORES:]:
        _remove(path)
