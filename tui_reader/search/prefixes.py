"""The distinct ``n``-letter beginnings of the vocabulary's longer words: what a word being typed with a typo is
compared with (``reinforcm`` is one edit from "reinforce"'s first 9 letters...). Made on first use per length.

Python slicing every word of a million-paper vocabulary (300k words) takes 30-60 ms per length, and the first
typo'd keystroke needs five lengths. The ASCII words (nearly all) are kept once as a numpy array of their first
17 bytes instead (0 past a word's end): cutting it to ``n`` bytes and dropping repeats is numpy's work, and so are
the beginnings' letter signatures (tui_reader.search.typos); only the few beginnings that pass them become Python
strings. The few other words are sliced in Python and kept beside.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from tui_reader.search.typos import Neighbours, candidates, close, signatures_of

__all__ = ["PrefixTables"]

_WIDTH = 16  # beginnings up to this long come from the array; longer ones (few words have them) from Python


@dataclass(frozen=True, slots=True)
class _Beginnings:
    """The distinct beginnings of one length: those of the ASCII words as bytes, a row each, and their signatures;
    those of the other words (and of every word, past _WIDTH letters) as strings."""

    ascii: np.ndarray  # uint8 [beginnings, length], sorted
    signatures: np.ndarray  # uint64, one per row of ascii
    others: Neighbours  # sorted; may repeat one of ascii's


class PrefixTables:
    """``table(n)``: the distinct ``n``-letter beginnings of the words longer than ``n``, in sorted order, of a
    sorted vocabulary; ``within(word, n, k)``: those of them within ``k`` edits of ``word``."""

    def __init__(self, vocabulary: list[str]) -> None:
        self._vocabulary = vocabulary
        self._lock = threading.Lock()
        self._tables: dict[int, _Beginnings] = {}
        self._ascii: tuple[np.ndarray, list[str]] | None = None

    def table(self, length: int) -> list[str]:
        found = self._beginnings(length)
        plain: list[str] = found.ascii.view(f"S{length}")[:, 0].astype(f"U{length}").tolist() if length else []
        return sorted(set(plain).union(found.others.words))

    def within(self, word: str, length: int, k: int) -> list[str]:
        """The beginnings of ``length`` letters within ``k`` edits of ``word``, in sorted order."""
        found = self._beginnings(length)
        rows = found.ascii[candidates(found.signatures, word, k, length)]
        plain = [row.tobytes().decode("ascii") for row in rows]
        near = {plain[i] for i in close(word, plain, k).tolist()}
        near.update(found.others.words[i] for i in found.others.close(word, k).tolist())
        return sorted(near)

    def _beginnings(self, length: int) -> _Beginnings:
        with self._lock:
            table = self._tables.get(length)
        if table is None:
            if 1 <= length <= _WIDTH:
                table = self._from_array(length)
            else:
                longer = list(dict.fromkeys(w[:length] for w in self._vocabulary if len(w) > length))
                table = _Beginnings(np.zeros((0, length), np.uint8), np.zeros(0, np.uint64), Neighbours(longer))
            with self._lock:
                self._tables[length] = table
        return table

    def _words(self) -> tuple[np.ndarray, list[str]]:
        """(the ASCII words' first _WIDTH + 1 bytes, a row each, 0 past a word's end; the other words), made on
        first use. A word is longer than ``n <= _WIDTH`` letters if its byte ``n`` is not 0."""
        with self._lock:
            kept = self._ascii
        if kept is None:
            vocabulary = self._vocabulary
            others = [w for w in vocabulary if not w.isascii()]
            plain = [w for w in vocabulary if w.isascii()] if others else vocabulary
            first = np.array(plain, dtype=f"S{_WIDTH + 1}").view(np.uint8).reshape(len(plain), _WIDTH + 1)
            kept = (first, others)  # sorted words: sorted rows
            with self._lock:
                self._ascii = kept
        return kept

    def _from_array(self, length: int) -> _Beginnings:
        first, others = self._words()
        words = first.view(f"S{_WIDTH + 1}")[:, 0]
        cut = words[first[:, length] != 0].astype(f"S{length}")  # sorted words' beginnings are sorted
        new = np.empty(len(cut), np.bool_)
        new[:1] = True
        np.not_equal(cut[1:], cut[:-1], out=new[1:])
        rows = cut[new].view(np.uint8).reshape(-1, length)  # each beginning is `length` bytes: no padding
        beginnings = sorted({w[:length] for w in others if len(w) > length})
        return _Beginnings(rows, signatures_of(rows), Neighbours(beginnings))
