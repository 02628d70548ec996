"""PaperSet: the corpus' papers, one per paper however many sources list it, in first-seen order.

Papers come as lists (parsed files) or as a whole store (``tui_reader.paper_store.StoredPapers``: a big file's
papers on disk, a ``Paper`` built only for a row that is read). A store joins as one part: its rows are never
walked in Python, except the few that are a paper already held (those join it, as any paper does). So a million
papers of the arXiv snapshot cost the set a few arrays, not a million objects.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, overload, runtime_checkable

from tui_reader.paper import Paper, _merged

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DAMAGED", "PaperSet", "StoreDamaged", "StoredRows", "join", "merge"]

Field = Literal["title", "abstract"]


class StoreDamaged(Exception):
    """A store's record failed its check: the store must not be trusted (it is imported again at the next launch)."""


DAMAGED = "(this paper's copy on disk is damaged: its file is read again at the next launch)"


@runtime_checkable
class StoredRows(Protocol):
    """What a store of papers offers (``tui_reader.paper_store.StoredPapers``)."""

    key: str
    ids: np.ndarray  # 'S12': each row's paper id
    arxiv: np.ndarray  # each row's arXiv id, ASCII, b"" without one

    def __len__(self) -> int: ...
    def __getitem__(self, row: int) -> Paper: ...
    def texts(self, field: Field) -> Sequence[str]: ...
    def text_lengths(self) -> np.ndarray: ...
    def position_of_id(self, paper_id: str) -> int | None: ...
    def position_of_arxiv(self, arxiv_id: str) -> int | None: ...
    def sorted_keys(self, kind: Literal["id", "arxiv", "alias"]) -> tuple[np.ndarray, np.ndarray]: ...
    def rows_of_ids(self, ids: Sequence[str]) -> np.ndarray: ...


@dataclass(slots=True)
class _Stored:
    """A store's rows in the set, from position ``start``: all of them, or ``rows`` (ascending) when some of its
    papers joined papers held before it."""

    start: int
    store: StoredRows
    rows: np.ndarray | None

    def __len__(self) -> int:
        return len(self.store) if self.rows is None else len(self.rows)

    def row(self, offset: int) -> int:
        return offset if self.rows is None else int(self.rows[offset])

    def offset(self, row: int) -> int | None:
        """The place of a store row in this part (None: the row joined another paper)."""
        if self.rows is None:
            return row
        import numpy as np

        at = int(np.searchsorted(self.rows, row))
        return at if at < len(self.rows) and int(self.rows[at]) == row else None


class _Lookup(MutableMapping[str, int]):
    """Paper id (or arXiv id) -> position, over the papers held in memory and the stores' sorted columns; what is
    set goes into the table of the papers held in memory."""

    def __init__(self, owner: PaperSet, table: dict[str, int], kind: Literal["id", "arxiv"]) -> None:
        self._owner, self._table, self._kind = owner, table, kind

    def __getitem__(self, key: str) -> int:
        position = self._table.get(key)
        if position is None:
            position = self._owner._stored_position(key, self._kind)
            if position is None:
                raise KeyError(key)
        return position

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __setitem__(self, key: str, position: int) -> None:
        self._table[key] = position

    def __delitem__(self, key: str) -> None:
        raise TypeError("a paper's position is never forgotten")

    def __iter__(self) -> Iterator[str]:
        yield from self._table
        for part in self._owner._stores:
            column = part.store.ids if self._kind == "id" else part.store.arxiv
            for offset in range(len(part)):
                key = column[part.row(offset)].decode()
                if key and key not in self._table:
                    yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


class PaperSet(Sequence[Paper]):
    """Papers in first-seen order, one per arXiv id, else per normalised title; grows as files are read (``add``).

    A paper joins the one with its arXiv id if there is one, else the one with its title. Positions never change
    (the app's rows point at them), so a paper that would join two papers already apart (its arXiv id on one,
    its title on the other) joins the one with its arXiv id only."""

    def __init__(self, papers: Iterable[Paper] | StoredRows = ()) -> None:
        self._papers: list[Paper] = []  # the papers held in memory (all of them, while no store has joined)
        self._ids: dict[str, int] = {}  # paper id -> position (of the papers in memory, and aliases)
        self._arxiv: dict[str, int] = {}  # arXiv id -> position (likewise)
        self._aliases: dict[str, int] = {}  # the id of another title of a paper joined by arXiv id -> position
        self._stores: list[_Stored] = []
        # with stores: the parts in order (lists of papers held in memory, stores), where each starts
        self._parts: list[list[Paper] | _Stored] = []
        self._starts: list[int] = []
        self._size = 0
        self._changed: dict[int, Paper] = {}  # a store's paper that another paper joined -> the two as one
        self.revision = 0  # counts calls to add, so what keeps per-paper data (tui_reader.sorting) knows when to look
        self.add(papers)

    def copy(self) -> PaperSet:
        """Another set of the same papers, that grows on its own (the stores are shared: they never change)."""
        other = PaperSet()
        other._papers = list(self._papers)
        other._ids, other._arxiv, other._aliases = dict(self._ids), dict(self._arxiv), dict(self._aliases)
        for part in self._parts:  # the papers held first stay the first list part
            other._parts.append(
                other._papers if part is self._papers else list(part) if isinstance(part, list) else part
            )
        other._stores = [part for part in other._parts if isinstance(part, _Stored)]
        other._starts, other._size, other._changed = list(self._starts), self._size, dict(self._changed)
        other.revision = self.revision
        return other

    @property
    def ids(self) -> Mapping[str, int]:
        """Paper id -> position (a paper's other titles' ids too)."""
        return _Lookup(self, self._ids, "id") if self._stores else self._ids

    @property
    def arxiv(self) -> Mapping[str, int]:
        """arXiv id -> position."""
        return _Lookup(self, self._arxiv, "arxiv") if self._stores else self._arxiv

    # -- adding ----------------------------------------------------------------------------------------

    def add(self, papers: Iterable[Paper] | StoredRows) -> None:
        if isinstance(papers, StoredRows):
            self._add_store(papers)
        elif self._stores:
            ids, arxiv = _Lookup(self, self._ids, "id"), _Lookup(self, self._arxiv, "arxiv")
            join(papers, ids, arxiv, self._aliases, self._size, self.__getitem__, self._keep)
        else:
            self._add_listed(papers)
        self.revision += 1  # last: a reader in another thread that saw this number saw every change before it

    def _add_listed(self, papers: Iterable[Paper]) -> None:
        """``add`` while every paper is held in memory: one list, two dicts (the common case, kept fast)."""
        held = self._papers

        def keep(position: int, paper: Paper, new: bool) -> None:
            if new:
                held.append(paper)
            else:
                held[position] = paper

        self._size = join(papers, self._ids, self._arxiv, self._aliases, len(held), held.__getitem__, keep)

    def _keep(self, position: int, paper: Paper, new: bool) -> None:
        """``join``'s hand-over once a store has joined: a new paper goes into the last list part (a new one after
        a store), a paper joined by another takes its place."""
        if not new:
            self._replace(position, paper)
            return
        if not self._parts or isinstance(self._parts[-1], _Stored):
            self._parts.append([])
            self._starts.append(self._size)
        last = self._parts[-1]
        assert isinstance(last, list)
        last.append(paper)
        self._size += 1

    def _replace(self, position: int, paper: Paper) -> None:
        part, offset = self._part_at(position)
        if isinstance(part, list):
            part[offset] = paper
        else:
            self._changed[position] = paper

    def _add_store(self, store: StoredRows) -> None:
        """A store joins whole; its rows that are papers already held join those instead (found with numpy
        over its columns, never a walk over its rows)."""
        import numpy as np

        if not self._stores and self._holds_start_of(store):  # the file's first papers, shown while it was imported
            self._papers, self._ids, self._arxiv, self._size = [], {}, {}, 0  # the same papers, the store's now
        if not self._stores:  # from now on, parts
            self._parts, self._starts = ([self._papers], [0]) if self._papers else ([], [])
        joins = self._joins(store) if self._size else {}
        rows = None
        if joins:
            keep = np.ones(len(store), np.bool_)
            keep[list(joins)] = False
            rows = np.flatnonzero(keep)
        part = _Stored(self._size, store, rows)
        if len(part):
            self._stores.append(part)
            self._parts.append(part)
            self._starts.append(self._size)
            self._size += len(part)
        for row, position in sorted(joins.items()):
            paper = _read(store, row)
            merged = _merged(self[position], paper)
            self._replace(position, merged)
            if paper.id != merged.id and paper.id not in self._ids:
                self._aliases.setdefault(paper.id, position)
            if paper.arxiv_id is not None:
                self._arxiv.setdefault(paper.arxiv_id, position)

    def _holds_start_of(self, store: StoredRows) -> bool:
        """Are the papers held (in memory) the store's first rows, in order: those of its file handed over while it
        was being imported?"""
        import numpy as np

        held = self._papers
        if not held or self._aliases or len(held) > len(store):
            return False
        return bool((np.array([paper.id for paper in held], dtype=store.ids.dtype) == store.ids[: len(held)]).all())

    def _joins(self, store: StoredRows) -> dict[int, int]:
        """The store's rows that are papers already held -> their positions: by arXiv id, else id, else alias."""
        import numpy as np

        found: dict[int, int] = {}
        kinds: tuple[tuple[Literal["arxiv", "id"], np.ndarray], ...] = (("arxiv", store.arxiv), ("id", store.ids))
        for kind, column in kinds:
            table = self._arxiv if kind == "arxiv" else {**self._aliases, **self._ids}
            width = column.dtype.itemsize
            held = [(key.encode(), position) for key, position in table.items() if key.isascii() and len(key) <= width]
            if held:
                keys = np.array([key for key, _ in held], dtype=column.dtype)
                order = np.argsort(keys)
                keys = keys[order]
                at = np.minimum(np.searchsorted(keys, column), len(keys) - 1)
                hit = np.flatnonzero((keys[at] == column) & (column != b""))
                for row, index in zip(hit.tolist(), at[hit].tolist(), strict=True):
                    found.setdefault(row, held[int(order[index])][1])
            for other in self._stores:  # the papers two stores share (the parts of one file, two snapshots)
                others: tuple[Literal["id", "arxiv", "alias"], ...] = ("arxiv",) if kind == "arxiv" else ("id", "alias")
                for theirs in others:
                    for row, their_row in _shared(store.sorted_keys(kind), other.store.sorted_keys(theirs)):
                        offset = other.offset(their_row)
                        if offset is not None:
                            found.setdefault(row, other.start + offset)
        return found

    def _stored_position(self, key: str, kind: Literal["id", "arxiv"]) -> int | None:
        for part in self._stores:
            row = part.store.position_of_id(key) if kind == "id" else part.store.position_of_arxiv(key)
            if row is not None and (offset := part.offset(row)) is not None:
                return part.start + offset
        return None

    # -- reading ---------------------------------------------------------------------------------------

    def _part_at(self, position: int) -> tuple[list[Paper] | _Stored, int]:
        index = bisect_right(self._starts, position) - 1
        return self._parts[index], position - self._starts[index]

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> list[Paper]: ...
    def __getitem__(self, index: int | slice) -> Paper | list[Paper]:
        if not self._stores:
            return self._papers[index]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("paper position out of range")
        changed = self._changed.get(index)
        if changed is not None:
            return changed
        part, offset = self._part_at(index)
        return part[offset] if isinstance(part, list) else _read(part.store, part.row(offset))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Paper]:
        if not self._stores:
            return iter(self._papers)
        return (self[i] for i in range(self._size))

    def positions_of(self, ids: Iterable[str]) -> np.ndarray:
        """The position of each id's paper (int64; -1 for an id of no paper), as ``ids`` finds it: the stores'
        rows looked up together (numpy), not one id at a time."""
        import numpy as np

        wanted = list(ids)
        found = np.fromiter((self._ids.get(key, -1) for key in wanted), np.int64, len(wanted))
        missing = np.flatnonzero(found < 0)
        for part in self._stores:
            if not len(missing):
                break
            rows = part.store.rows_of_ids([wanted[i] for i in missing.tolist()])
            if part.rows is not None:  # rows that joined another paper are not this part's
                at = np.minimum(np.searchsorted(part.rows, rows), len(part.rows) - 1)
                rows = np.where((rows >= 0) & (part.rows[at] == rows), at, -1)
            hit = rows >= 0
            found[missing[hit]] = part.start + rows[hit]
            missing = missing[~hit]
        return found

    @property
    def stored(self) -> bool:
        """Does a store of papers on disk hold some of them (``papers[i]`` then builds a Paper each time)?"""
        return bool(self._stores)

    def whole_stores(self) -> list[StoredRows] | None:
        """The stores, in order, when the set is nothing else: every paper a row of one of them, none held in
        memory, none joined to another (the papers are then the stores' rows one after the other); else None."""
        if not self._stores or self._changed or any(isinstance(part, list) and part for part in self._parts):
            return None
        if any(part.rows is not None for part in self._stores):
            return None
        return [part.store for part in self._stores]

    def id_list(self, stop: int | None = None) -> list[str]:
        """The ids of the papers before ``stop`` (all: None), in order, read from the stores' columns."""
        stop = self._size if stop is None else min(stop, self._size)
        if not self._stores:
            return [paper.id for paper in self._papers[:stop]]
        ids: list[str] = []
        for start, part in zip(self._starts, self._parts, strict=True):
            if start >= stop:
                break
            if isinstance(part, list):
                ids += [paper.id for paper in part[: stop - start]]
            else:
                column = part.store.ids if part.rows is None else part.store.ids[part.rows]
                ids += column[: stop - start].astype(str).tolist()
        return ids

    def texts(self, field: Field) -> Sequence[str]:
        """Every paper's title (or abstract), in order; read from the stores as asked, not all at once."""
        if not self._stores:
            return [getattr(paper, field) for paper in self._papers]
        return _Texts(self, field)

    def text_lengths(self) -> np.ndarray:
        """len(title) + len(abstract) of each paper (a store counts UTF-8 bytes)."""
        import numpy as np

        lengths = np.empty(self._size, np.float32)
        for start, part in zip(self._starts or [0], self._parts or [self._papers], strict=True):
            if isinstance(part, list):
                lengths[start : start + len(part)] = [len(p.title) + len(p.abstract) for p in part]
            else:
                every = part.store.text_lengths()
                lengths[start : start + len(part)] = every if part.rows is None else every[part.rows]
        for position, paper in self._changed.items():
            lengths[position] = len(paper.title) + len(paper.abstract)
        return lengths

    def content_key(self) -> bytes | None:
        """Names the titles and abstracts in order, without reading them (None while no store has joined: the
        search digests the texts themselves)."""
        return self._key(lambda paper: f"{paper.title}\0{paper.abstract}")

    def record_key(self) -> bytes | None:
        """Names every paper whole (its authors, dates, categories, links... too), in order, without reading a
        store's rows: a store's key names its rows (None while no store has joined)."""
        return self._key(repr)

    def _key(self, describe: Callable[[Paper], str]) -> bytes | None:
        """A digest of the papers held in memory as ``describe`` tells them, and of the stores' keys and rows."""
        if not self._stores:
            return None
        h = hashlib.blake2b(digest_size=20)
        for part in self._parts:
            if isinstance(part, list):
                h.update(b"L%d" % len(part))
                for paper in part:
                    h.update(f"{describe(paper)}\0".encode("utf-8", "surrogatepass"))
            else:
                h.update(f"S{part.store.key} {len(part)}".encode())
                if part.rows is not None:
                    h.update(part.rows.tobytes())
        for position in sorted(self._changed):
            h.update(f"C{position}\0{describe(self._changed[position])}\0".encode("utf-8", "surrogatepass"))
        return h.digest()


def join(
    papers: Iterable[Paper],
    ids: MutableMapping[str, int],
    arxiv: MutableMapping[str, int],
    aliases: MutableMapping[str, int],
    size: int,
    held: Callable[[int], Paper],
    keep: Callable[[int, Paper, bool], object],
) -> int:
    """Papers arriving, each one paper with those held: it joins the paper with its arXiv id, else its id, else
    another title's id of it (``keep(position, the two merged, False)``), or is new (``keep(size, it, True)``, its
    position the next). The dicts are kept up to date; returns the new size. (PaperSet's rule, and a store
    writer's.)"""
    for paper in papers:
        key = paper.arxiv_id
        position = arxiv.get(key) if key is not None else None
        if position is None:
            position = ids.get(paper.id)
            if position is None:
                position = aliases.get(paper.id)
        if position is None:
            position = ids[paper.id] = size
            size += 1
            keep(position, paper, True)
        else:
            merged = _merged(held(position), paper)
            keep(position, merged, False)
            if paper.id != merged.id and paper.id not in ids:
                aliases.setdefault(paper.id, position)
        if key is not None:
            arxiv.setdefault(key, position)
    return size


def _shared(mine: tuple[np.ndarray, np.ndarray], theirs: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int]]:
    """(my row, their row) for each key both sorted key lists hold (a binary search each: no sort)."""
    import numpy as np

    (my_keys, my_rows), (their_keys, their_rows) = mine, theirs
    if not len(my_keys) or not len(their_keys):
        return []
    at = np.minimum(np.searchsorted(their_keys, my_keys), len(their_keys) - 1)
    hit = np.flatnonzero(their_keys[at] == my_keys)
    return list(zip(my_rows[hit].tolist(), their_rows[at[hit]].tolist(), strict=True))


def _read(store: StoredRows, row: int) -> Paper:
    """A store's paper; one that fails its check is shown as damaged (never trusted), under its id."""
    try:
        return store[row]
    except StoreDamaged:
        return Paper(id=store.ids[row].decode(), title=DAMAGED, abstract="")


def _texts(store: StoredRows, field: Field, rows: Iterable[int]) -> list[str]:
    texts = store.texts(field)
    out = []
    for row in rows:
        try:
            out.append(texts[row])
        except StoreDamaged:
            out.append(DAMAGED if field == "title" else "")
    return out


def merge(papers: Iterable[Paper]) -> list[Paper]:
    """One paper per arXiv id, else per normalised title, in first-seen order, with every date and source."""
    return list(PaperSet(papers))


class _Texts(Sequence[str]):
    """One field of every paper of a set holding stores: a range is read from each store in one go."""

    def __init__(self, owner: PaperSet, field: Field) -> None:
        self._owner, self._field = owner, field

    def __len__(self) -> int:
        return len(self._owner)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        owner = self._owner
        if isinstance(index, int):
            at = index + len(owner) if index < 0 else index
            if not 0 <= at < len(owner):
                raise IndexError("paper position out of range")
            return self[at : at + 1][0]
        start, stop, step = index.indices(len(owner))
        if step != 1:
            return [self[i] for i in range(start, stop, step)]
        out: list[str] = []
        position = start
        while position < stop:
            part, offset = owner._part_at(position)
            end = min(stop, position - offset + len(part))
            if isinstance(part, list):
                out.extend(getattr(paper, self._field) for paper in part[offset : offset + end - position])
            else:
                texts = part.store.texts(self._field)
                try:
                    if part.rows is None:
                        out.extend(texts[offset : offset + end - position])
                    else:
                        out.extend(texts[int(row)] for row in part.rows[offset : offset + end - position])
                except StoreDamaged:  # one of them: each read on its own
                    rows = range(offset, offset + end - position)
                    del out[position - start :]
                    out.extend(_texts(part.store, self._field, map(part.row, rows)))
            position = end
        for changed, paper in owner._changed.items():
            if start <= changed < stop:
                out[changed - start] = getattr(paper, self._field)
        return out

    def pick(self, positions: Sequence[int]) -> list[str]:
        """The texts at ``positions`` (a phrase's candidates, scattered): each read from its store or list as a
        slice reads it, without making the ``Paper`` that ``self[i]`` makes (~8x slower)."""
        owner, field = self._owner, self._field
        size = len(owner)
        out: list[str] = []
        for position in positions:
            if not -size <= position < size:
                raise IndexError(position)
            position %= size
            changed = owner._changed.get(position)
            part, offset = owner._part_at(position)
            if changed is not None:
                out.append(getattr(changed, field))
            elif isinstance(part, list):
                out.append(getattr(part[offset], field))
            else:
                out.append(part.store.texts(field)[part.row(offset)])
        return out
