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
Papers of the file that are one paper are merged exactly as ``PaperSet.add`` merges them.
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
import threading
import time
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from tui_reader.files import cache_dir, mark_used
from tui_reader.paper import NO_EXTRA, Paper, _merged
from tui_reader.paper_set import StoreDamaged

if TYPE_CHECKING:
    import numpy as np

__all__ = ["StoreDamaged", "StoredPapers", "open_store", "write_store"]

FORMAT = 1
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
    meta = store._meta
    if meta["fingerprint"] != fingerprint or meta["path"] != path or meta["identity"] != identity:
        return None
    mark_used(target / "meta.json")
    return store


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
        blobs = {}
        for name in _BLOBS:
            size = meta["sizes"].get(name)
            if type(size) is not int or size < 0:
                raise ValueError(f"meta.json: bad size for {name}")
            blobs[name] = _map(dir_fd, name, size)
    finally:
        os.close(dir_fd)
    return StoredPapers(target, meta, meta_at, columns, blobs)


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
        text = self._store._text
        if isinstance(index, slice):
            return [text(i, self._abstract) for i in range(*index.indices(len(self._store)))]
        return text(self._store._row(index), self._abstract)


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
        try:
            dates, sources, links, arxiv_id, authors, published, upvotes, extra = pickle.loads(record)
        except Exception as exc:  # checked, yet not what was written: never trusted
            raise self._damaged(f"rest.bin: row {row} unreadable ({exc})") from None
        paper = Paper(
            self._c["ids"][row].decode("ascii"), self._text(row, False), self._text(row, True), dates, sources, links,
            arxiv_id, authors, published, upvotes, NO_EXTRA if extra is None else extra,
        )  # fmt: skip
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

    def _checked(self, blob: mmap.mmap | bytes, at: int, length: int, crc: int, name: str) -> bytes:
        data = blob[at : at + length]
        if len(data) != length or zlib.crc32(data) != crc:
            raise self._damaged(f"{name}: a record at {at} failed its check")
        return data

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


class _Writer:
    """Rows appended to the blobs as papers arrive; a paper joining an earlier row rewrites that row's records at
    the blobs' ends (the old bytes stay, unused). Memory: the row columns as compact arrays, and PaperSet's dicts."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.text = open(work / "text.bin", "w+b")  # noqa: SIM115 (closed by close())
        self.rest = open(work / "rest.bin", "w+b")  # noqa: SIM115
        self.text_end = self.rest_end = 0
        self.ids = bytearray()
        self.arxiv_blob = bytearray()
        self.cols = {name: array("q") for name in ("text_at", "rest_at", "arxiv_at", "arxiv_len")}
        self.cols.update({name: array("i") for name in ("title_len", "abstract_len", "rest_len", "chars")})
        self.cols.update({name: array("I") for name in ("title_crc", "abstract_crc", "rest_crc")})
        self.by_id: dict[str, int] = {}
        self.by_arxiv: dict[str, int] = {}
        self.aliases: dict[str, int] = {}
        self.count = 0

    def add(self, papers: Iterable[Paper]) -> None:
        """``PaperSet.add``, with rows on disk."""
        ids, arxiv, aliases = self.by_id, self.by_arxiv, self.aliases
        for paper in papers:
            if len(paper.id) != 12 or not paper.id.isascii():
                raise ValueError(f"a paper id that is not 12 ASCII characters: {paper.id!r}")
            key = paper.arxiv_id
            position = arxiv.get(key) if key is not None else None
            if position is None:
                position = ids.get(paper.id)
                if position is None:
                    position = aliases.get(paper.id)
            if position is None:
                position = ids[paper.id] = self.count
                self.ids += paper.id.encode("ascii")
                self._put(position, paper, new=True)
                self.count += 1
            else:
                merged = _merged(self._get(position), paper)
                self._put(position, merged, new=False)
                if paper.id != merged.id and paper.id not in ids:
                    aliases.setdefault(paper.id, position)
            if key is not None:
                arxiv.setdefault(key, position)

    def _put(self, row: int, paper: Paper, *, new: bool) -> None:
        title = paper.title.encode("utf-8", "surrogatepass")
        abstract = paper.abstract.encode("utf-8", "surrogatepass")
        extra = None if paper.extra == NO_EXTRA else paper.extra
        fields = (paper.dates, paper.sources, paper.links, paper.arxiv_id, paper.authors, paper.published)
        record = pickle.dumps((*fields, paper.upvotes, extra), protocol=pickle.HIGHEST_PROTOCOL)
        arxiv_id = (paper.arxiv_id or "").encode("utf-8", "surrogatepass")
        values = {
            "text_at": self.text_end, "rest_at": self.rest_end, "arxiv_at": len(self.arxiv_blob),
            "arxiv_len": len(arxiv_id), "title_len": len(title), "abstract_len": len(abstract),
            "rest_len": len(record), "chars": len(paper.title) + len(paper.abstract), "title_crc": zlib.crc32(title),
            "abstract_crc": zlib.crc32(abstract), "rest_crc": zlib.crc32(record),
        }  # fmt: skip
        self.text.write(title)
        self.text.write(abstract)
        self.rest.write(record)
        self.arxiv_blob += arxiv_id
        self.text_end += len(title) + len(abstract)
        self.rest_end += len(record)
        for name, value in values.items():
            if new:
                self.cols[name].append(value)
            else:
                self.cols[name][row] = value

    def _get(self, row: int) -> Paper:
        """A row as written so far (a paper seen again is merged into it)."""
        c = self.cols
        self.text.flush()
        self.rest.flush()
        at, title_len = c["text_at"][row], c["title_len"][row]
        texts = os.pread(self.text.fileno(), title_len + c["abstract_len"][row], at)
        record = pickle.loads(os.pread(self.rest.fileno(), c["rest_len"][row], c["rest_at"][row]))
        dates, sources, links, arxiv_id, authors, published, upvotes, extra = record
        title, abstract = (part.decode("utf-8", "surrogatepass") for part in (texts[:title_len], texts[title_len:]))
        return Paper(
            self.ids[12 * row : 12 * row + 12].decode("ascii"), title, abstract, dates, sources, links,
            arxiv_id, authors, published, upvotes, NO_EXTRA if extra is None else extra,
        )  # fmt: skip

    def finish(self, meta: dict[str, Any]) -> None:
        """Write the columns and then meta.json (last: a folder without it is no store)."""
        import numpy as np

        for blob in (self.text, self.rest):
            blob.flush()
        self.close()  # flushed: a full disk has raised
        c = {name: np.frombuffer(values, dtype=values.typecode).astype(_COLUMNS[name]) for name, values in
             self.cols.items() if name not in ("arxiv_at", "arxiv_len")}  # fmt: skip
        arxiv = self._arxiv_column(np)
        width = arxiv.dtype.itemsize
        c["ids"] = np.frombuffer(bytes(self.ids), dtype="S12")
        c["arxiv"] = arxiv
        self.by_id.clear()  # each row's id is its own (the ids column): sorted below, not read from the dict
        order = np.argsort(c["ids"], kind="stable")
        c["id_keys"], c["id_rows"] = c["ids"][order], order.astype("<i4")
        for kind, found, dtype in (("arxiv", self.by_arxiv, f"S{width + 2}"), ("alias", self.aliases, "S12")):
            keys = np.array([_key(kind, k) for k in found], dtype=dtype)
            rows = np.fromiter(found.values(), dtype="<i4", count=len(found))
            order = np.argsort(keys, kind="stable")
            c[f"{kind}_keys"], c[f"{kind}_rows"] = keys[order], rows[order]
        meta.update(arxiv_width=width, lengths={}, crcs={})
        for name, column in c.items():
            data = np.ascontiguousarray(column).tobytes()
            meta["sizes"][name], meta["crcs"][name], meta["lengths"][name] = len(data), zlib.crc32(data), len(column)
            _write(self.work / name, data)
        meta["sizes"].update({"text.bin": self.text_end, "rest.bin": self.rest_end})
        _write(self.work / "meta.json", json.dumps(meta).encode())

    def _arxiv_column(self, np: Any) -> Any:
        lengths = np.frombuffer(self.cols["arxiv_len"], dtype=np.int64)
        width = max(1, int(lengths.max()) if len(lengths) else 1, *(len(k.encode("utf-8", "surrogatepass"))
                    for k in self.by_arxiv))  # fmt: skip
        at = self.cols["arxiv_at"]
        values = [bytes(self.arxiv_blob[a : a + n]) for a, n in zip(at, lengths.tolist(), strict=True)]
        return np.array(values, dtype=f"S{width}")

    def close(self) -> None:
        for blob in (self.text, self.rest):
            with contextlib.suppress(OSError):  # unflushed bytes of a store given up (a full disk)
                blob.close()


def _key(kind: str, value: str) -> bytes:
    """A lookup's key as stored: an arXiv id framed (numpy's bytes drop trailing NULs, and "" is a key too)."""
    if kind == "arxiv":
        return b"<" + value.encode("utf-8", "surrogatepass") + b">"
    return value.encode("ascii")


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)


def write_store(
    source: Path,
    parts: Iterable[tuple[list[Paper], list[str]]],
    *,
    fingerprint: str,
    identity_before: str,
    folder: Path | None = None,
) -> StoredPapers | None:
    """Store the papers of ``source`` as the parser yields them (``parts``: papers and warnings without the path),
    merged as ``PaperSet`` merges them; returns the store opened, or None when it cannot be written (a full disk, a
    folder we may not write: nothing half-written is left, a previous store stays whole or goes). The store is
    stamped with ``identity_before`` (the source's identity taken before parsing began): a file changed while it
    was parsed makes it stale at the next ``open_store``. Parts may be partly consumed when it returns None."""
    try:
        target, path = _store_folder(source, folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        work = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.partial")
        work.mkdir()
    except (OSError, RuntimeError):
        return None
    writer: _Writer | None = None
    try:
        writer = _Writer(work)
        warnings: list[str] = []
        for papers, found in parts:
            writer.add(papers)
            warnings.extend(found)
        meta = {"format": FORMAT, "fingerprint": fingerprint, "path": path, "identity": identity_before,
                "count": writer.count, "key": os.urandom(8).hex(), "warnings": warnings, "sizes": {}}  # fmt: skip
        writer.finish(meta)
        _swap(work, target)
    except (OSError, ValueError, UnicodeError):
        if writer is not None:
            writer.close()
        _remove(work)
        return None
    except BaseException:
        if writer is not None:
            writer.close()
        _remove(work)
        raise
    _prune(target.parent)
    try:
        return _open_folder(target)
    except (OSError, ValueError, StoreDamaged):
        return None


def _swap(work: Path, target: Path) -> None:
    """Put the folder ``work`` in the place of ``target`` (whatever is there goes; a reader holding its files
    mapped keeps reading them)."""
    try:
        os.rename(work, target)
        return
    except FileNotFoundError:
        raise
    except OSError:
        pass  # something is there: moved aside first
    old = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.old")
    os.rename(target, old)
    try:
        os.rename(work, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.rename(old, target)
        raise
    _remove(old)


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
