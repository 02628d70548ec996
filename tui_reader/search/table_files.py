"""The filters' tables (tui_reader.search.tables) as a folder of files inside an index's folder, read back
memory-mapped: a million papers' tables open in milliseconds instead of a walk over every paper.

The folder holds each array as a ``.npy`` file: the days (paper, ordinal, month, day); per word list (the authors'
words, the categories) the words as a JSON list, and the papers having each word, all in one array cut by offsets;
the flags one row per name. ``meta.json``, written last, holds the format, the digest of the papers and code they
were worked out from, the number of papers, the names of the flags, and each file's size and CRC-32.

As for the index (tui_reader.search.disk, whose checks these are), ``load`` checks all of it before anything is
used and raises ``Damaged`` with one line naming the file and the problem; ``store`` writes a new folder and
renames it into place, and leaves nothing behind when it cannot.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np

from tui_reader.search.disk import Damaged, _array, _Checked, _count, _json, _opened, _save, _write, store_folder
from tui_reader.search.tables import Days, Ready, Words

__all__ = ["FORMAT", "load", "store"]

FORMAT = 1
_META = "meta.json"
_LISTS = ("authors", "categories")
_ARRAYS = {  # file -> its dtype as np.save writes it, and its number of dimensions
    "days.paper.npy": ("<i8", 1),
    "days.ordinal.npy": ("<i8", 1),
    "days.month.npy": ("|i1", 1),
    "days.day.npy": ("|i1", 1),
    **{f"{kind}.{name}.npy": ("<i8", 1) for kind in _LISTS for name in ("offsets", "papers")},
    "flags.npy": ("|b1", 2),
}
_NAMES = (*_ARRAYS, *(f"{kind}.words.json" for kind in _LISTS))


class _Slices(Sequence[np.ndarray]):
    """The papers having each word: one array cut at the offsets (a slice made when asked for)."""

    def __init__(self, offsets: np.ndarray, papers: np.ndarray) -> None:
        self._offsets, self._papers = offsets, papers

    @overload
    def __getitem__(self, index: int) -> np.ndarray: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[np.ndarray]: ...
    def __getitem__(self, index: int | slice) -> np.ndarray | Sequence[np.ndarray]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        return self._papers[self._offsets[index] : self._offsets[index + 1]]

    def __len__(self) -> int:
        return len(self._offsets) - 1


# -- writing ---------------------------------------------------------------------------------------------


def store(entry: Path, digest: bytes, ready: Ready) -> bool:
    """Write ``ready`` (the tables of the papers ``digest`` names) as the folder ``entry``, replacing what is
    there. False when it cannot be written (nothing of it is left behind then)."""
    return store_folder(entry, lambda new: _write_tables(new, digest, ready))


def _write_tables(folder: Path, digest: bytes, ready: Ready) -> None:
    sizes: dict[str, list[int]] = {}
    arrays: dict[str, np.ndarray] = {f"days.{name}.npy": a for name, a in zip(Days._fields, ready.days, strict=True)}
    for kind, (words, postings) in zip(_LISTS, (ready.authors, ready.categories), strict=True):
        lengths = np.fromiter(map(len, postings), np.int64, len(postings))
        arrays[f"{kind}.offsets.npy"] = np.concatenate(([0], np.cumsum(lengths)))
        arrays[f"{kind}.papers.npy"] = np.concatenate(list(postings)) if len(postings) else np.empty(0, np.int64)
        text = json.dumps(words).encode()  # ASCII: any text at all, lone surrogates too
        _write(folder, f"{kind}.words.json", _bytes(text), sizes)
    names = sorted(ready.flags)
    flags = np.zeros((len(names), ready.size), np.bool_)
    for row, name in enumerate(names):
        flags[row] = ready.flags[name]
    arrays["flags.npy"] = flags
    for name, array in arrays.items():
        _write(folder, name, _save(array, _ARRAYS[name][0]), sizes)
    meta = {"format": FORMAT, "digest": digest.hex(), "papers": ready.size, "flags": names, "files": sizes}
    (folder / _META).write_text(json.dumps(meta, indent=1), encoding="utf-8")


def _bytes(data: bytes) -> Callable[[_Checked], object]:
    return lambda out: out.write(data)


# -- reading ---------------------------------------------------------------------------------------------


def load(entry: Path, digest: bytes, size: int) -> Ready:
    """The tables kept in the folder ``entry`` if they are those of the ``size`` papers ``digest`` names. Raises
    ``Damaged`` (a folder missing too) otherwise."""
    try:
        folder = os.open(entry, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        raise Damaged(f"{entry}: not a folder ({error.strerror})") from None
    try:
        return _load(folder, entry, digest, size)
    finally:
        os.close(folder)


def _load(folder: int, entry: Path, digest: bytes, size: int) -> Ready:
    meta = _meta(folder, entry)
    if meta["digest"] != digest.hex() or meta["papers"] != size:
        raise Damaged(f"{entry}: the tables of other papers")
    files: dict[str, list[int]] = meta["files"]
    a = {name: _array(folder, entry, name, files, dtype, ndim) for name, (dtype, ndim) in _ARRAYS.items()}
    days = Days(*(a[f"days.{name}.npy"] for name in Days._fields))
    if len({len(column) for column in days}) != 1 or not _positions(days.paper, size):
        raise Damaged(f"{entry}/days.*.npy: the arrays do not fit together")
    lists = [_words(folder, entry, kind, files, a, size) for kind in _LISTS]
    names: list[str] = meta["flags"]
    if a["flags.npy"].shape != (len(names), size):
        raise Damaged(f"{entry}/flags.npy: not {len(names)} flags of {size} papers")
    flags = {name: a["flags.npy"][row] for row, name in enumerate(names)}
    return Ready(size, days, lists[0], lists[1], flags)


def _meta(folder: int, entry: Path) -> dict[str, Any]:
    meta = _json(folder, entry, _META)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise Damaged(f"{entry}/{_META}: not format {FORMAT}")
    files, flags = meta.get("files"), meta.get("flags")
    if (
        not isinstance(meta.get("digest"), str)
        or not _count(meta.get("papers"))
        or not isinstance(flags, list)
        or not all(isinstance(name, str) for name in flags)
        or len(set(flags)) != len(flags)
        or not isinstance(files, dict)
        or set(files) != set(_NAMES)
        or not all(isinstance(v, list) and len(v) == 2 and all(map(_count, v)) for v in files.values())
    ):
        raise Damaged(f"{entry}/{_META}: not what a folder of tables holds")
    return meta


def _positions(papers: np.ndarray, size: int) -> bool:
    """Are these all positions of papers (0 to ``size``, excluded)?"""
    return not len(papers) or (int(papers.min()) >= 0 and int(papers.max()) < size)


def _words(
    folder: int, entry: Path, kind: str, files: dict[str, list[int]], a: dict[str, np.ndarray], size: int
) -> Words:
    """A word list and the papers having each word, once they fit together."""
    name = f"{kind}.words.json"
    with _opened(folder, entry, name, files) as (text, _):
        try:
            words = json.loads(bytes(text))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise Damaged(f"{entry}/{name}: not JSON") from None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise Damaged(f"{entry}/{name}: not a list of words")
    if any(map(str.__ge__, words, words[1:])):
        raise Damaged(f"{entry}/{name}: not sorted")
    offsets, papers = a[f"{kind}.offsets.npy"], a[f"{kind}.papers.npy"]
    if (
        len(offsets) != len(words) + 1
        or offsets[0] != 0
        or offsets[-1] != len(papers)
        or bool(np.any(offsets[1:] < offsets[:-1]))
        or not _positions(papers, size)
    ):
        raise Damaged(f"{entry}/{kind}.*.npy: the arrays do not fit the words")
    return words, _Slices(offsets, papers)
