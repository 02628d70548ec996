"""Writing a store of papers (``tui_reader.paper_store``): the rows appended as the parser yields them, merged as
``PaperSet`` merges them, written to a temporary folder and swapped in whole."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import zlib
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_reader.paper import NO_EXTRA, Paper
from tui_reader.paper_set import StoreDamaged, join
from tui_reader.paper_store import (
    _COLUMNS,
    FORMAT,
    StoredPapers,
    _key,
    _open_folder,
    _prune,
    _remove,
    _store_folder,
)

if TYPE_CHECKING:
    pass

__all__ = ["write_store"]


# the columns of a row, in the order _put works their values out, with their array type codes
_ROW = {
    "text_at": "q", "rest_at": "q", "arxiv_at": "q", "arxiv_len": "q", "title_len": "i", "abstract_len": "i",
    "rest_len": "i", "chars": "i", "title_crc": "I", "abstract_crc": "I", "rest_crc": "I",
}  # fmt: skip


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
        self.cols = {name: array(code) for name, code in _ROW.items()}
        self.row_columns = list(self.cols.values())  # what _put appends a row's values to, in order
        self.by_id: dict[str, int] = {}
        self.by_arxiv: dict[str, int] = {}
        self.aliases: dict[str, int] = {}
        self.count = 0

    def add(self, papers: Iterable[Paper]) -> None:
        """``PaperSet.add``, with rows on disk."""
        self.count = join(_checked(papers), self.by_id, self.by_arxiv, self.aliases, self.count, self._get, self._keep)

    def _keep(self, row: int, paper: Paper, new: bool) -> None:
        if new:
            self.ids += paper.id.encode("ascii")
        self._put(row, paper, new=new)

    def _put(self, row: int, paper: Paper, *, new: bool) -> None:
        title = paper.title.encode("utf-8", "surrogatepass")
        abstract = paper.abstract.encode("utf-8", "surrogatepass")
        extra = None if paper.extra is NO_EXTRA or paper.extra == NO_EXTRA else paper.extra
        fields = (paper.dates, paper.sources, paper.links, paper.arxiv_id, paper.authors, paper.published)
        record = pickle.dumps((*fields, paper.upvotes, extra), protocol=pickle.HIGHEST_PROTOCOL)
        arxiv_id = (paper.arxiv_id or "").encode("utf-8", "surrogatepass")
        values = (  # in _ROW's order
            self.text_end, self.rest_end, len(self.arxiv_blob), len(arxiv_id), len(title), len(abstract),
            len(record), len(paper.title) + len(paper.abstract), zlib.crc32(title), zlib.crc32(abstract),
            zlib.crc32(record),
        )  # fmt: skip
        self.text.write(title)
        self.text.write(abstract)
        self.rest.write(record)
        self.arxiv_blob += arxiv_id
        self.text_end += len(title) + len(abstract)
        self.rest_end += len(record)
        if new:
            for column, value in zip(self.row_columns, values, strict=True):
                column.append(value)
        else:
            for column, value in zip(self.row_columns, values, strict=True):
                column[row] = value

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


def _checked(papers: Iterable[Paper]) -> Iterator[Paper]:
    for paper in papers:
        if len(paper.id) != 12 or not paper.id.isascii():
            raise ValueError(f"a paper id that is not 12 ASCII characters: {paper.id!r}")
        yield paper
