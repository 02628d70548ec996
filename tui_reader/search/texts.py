"""The titles and abstracts of all the papers, without making a ``Paper`` of each when the papers can say them.

The papers handed to a SearchIndex may be a plain list of ``Paper`` or a set of papers kept on disk, whose
``papers[i]`` builds a ``Paper`` on demand (slow a million times over). Such a set may offer, duck-typed:

- ``papers.texts(field)``, field ``"title"`` or ``"abstract"``: a sequence of the texts (slicing decodes a range;
  its ``pick(positions)``, if it has one, the texts at scattered positions);
- ``papers.text_lengths()``: ``len(title) + len(abstract)`` per paper, a numpy array;
- ``papers.content_key()``: bytes naming the exact titles and abstracts in order (None: not known);
- ``papers.ids``: a mapping from paper id to position.

Each helper here uses what the papers offer and falls back to reading each ``Paper`` otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal, overload

import numpy as np

from tui_reader.paper import Paper

__all__ = ["content_key", "field_texts", "id_positions", "in_slices", "text_lengths", "texts_at"]

Field = Literal["title", "abstract"]
_SLICE = 4096  # texts read at a time from a lazy sequence


class _First(Sequence[str]):
    """The first ``size`` texts of a longer sequence, without reading them now."""

    def __init__(self, texts: Sequence[str], size: int) -> None:
        self._texts = texts
        self._size = size

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return self._texts[slice(*index.indices(self._size))]
        if not -self._size <= index < self._size:
            raise IndexError(index)
        return self._texts[index % self._size]

    def __len__(self) -> int:
        return self._size


def field_texts(papers: Sequence[Paper], field: Field, size: int | None = None) -> Sequence[str]:
    """The ``field`` of the first ``size`` papers (all by default), in order."""
    size = len(papers) if size is None else size
    offered = getattr(papers, "texts", None)
    if callable(offered):
        texts: Sequence[str] = offered(field)
        return texts if len(texts) == size else _First(texts, size)
    if field == "title":
        return [p.title for p in papers[:size]]
    return [p.abstract for p in papers[:size]]


def texts_at(papers: Sequence[Paper], field: Field, positions: Sequence[int]) -> list[str]:
    """The ``field`` of the papers at ``positions`` (a few thousand, say: the candidates of a phrase)."""
    offered = getattr(papers, "texts", None)
    if callable(offered):
        texts: Sequence[str] = offered(field)
        pick = getattr(texts, "pick", None)  # many at once, when the texts can (a PaperSet's)
        return list(pick(positions)) if callable(pick) else [texts[i] for i in positions]
    if field == "title":
        return [papers[i].title for i in positions]
    return [papers[i].abstract for i in positions]


def text_lengths(papers: Sequence[Paper], size: int) -> np.ndarray:
    """``len(title) + len(abstract)`` of each of the first ``size`` papers, float32."""
    offered = getattr(papers, "text_lengths", None)
    if callable(offered):
        lengths = np.asarray(offered())
        return lengths[:size].astype(np.float32)
    return np.fromiter((len(p.title) + len(p.abstract) for p in papers[:size]), np.float32, size)


def content_key(papers: Sequence[Paper]) -> bytes:
    """A digest of the exact titles and abstracts of the papers, in order: from the papers when they know one,
    else worked out from the texts (~1 s per million papers)."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{len(papers)}".encode())
    offered = getattr(papers, "content_key", None)
    known = offered() if callable(offered) else None
    if isinstance(known, bytes):
        h.update(b"given\0" + known)
        return h.digest()
    titles, abstracts = field_texts(papers, "title"), field_texts(papers, "abstract")
    for title, abstract in zip(in_slices(titles), in_slices(abstracts), strict=True):
        h.update(title.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(abstract.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.digest()


def in_slices(texts: Sequence[str]) -> Iterator[str]:
    """Every text, read a slice at a time (one by one, a lazy sequence would decode each on its own)."""
    for start in range(0, len(texts), _SLICE):
        yield from texts[start : start + _SLICE]


def id_positions(papers: Sequence[Paper]) -> Mapping[str, int]:
    """Each paper's position, by id: the papers' own ``ids`` mapping when they have one (it may hold papers
    added after an index was built: positions past its size are the caller's to leave out)."""
    offered: Any = getattr(papers, "ids", None)
    if isinstance(offered, Mapping):
        return offered
    return {p.id: i for i, p in enumerate(papers)}
