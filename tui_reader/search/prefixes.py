"""The distinct ``n``-letter beginnings of the vocabulary's longer words: what a word being typed with a typo is
compared with (``reinforcm`` is one edit from "reinforce"'s first 9 letters...). Made on first use per length.

Python slicing every word of a million-paper vocabulary (300k words) takes 30-60 ms per length, and the first
typo'd keystroke needs five lengths. The ASCII words (nearly all) are kept once as a numpy array of their first
16 bytes instead: cutting it to ``n`` bytes and dropping repeats is numpy's work; the few other words are sliced
in Python and put in their place.
"""

from __future__ import annotations

import threading
from bisect import bisect_left

import numpy as np

from tui_reader.search.typos import Neighbours

__all__ = ["PrefixTables"]

_WIDTH = 16  # beginnings up to this long come from the array; longer ones (few words have them) from Python


class PrefixTables:
    """``table(n)``: the distinct ``n``-letter beginnings of the words longer than ``n``, in sorted order, of a
    sorted vocabulary."""

    def __init__(self, vocabulary: list[str]) -> None:
        self._vocabulary = vocabulary
        self._lock = threading.Lock()
        self._tables: dict[int, Neighbours] = {}
        self._ascii: tuple[np.ndarray, np.ndarray, list[str]] | None = None

    def table(self, length: int) -> list[str]:
        return self.neighbours(length).words

    def neighbours(self, length: int) -> Neighbours:
        """``table(length)``, to find the beginnings within reach of a typo (tui_reader.search.typos)."""
        with self._lock:
            table = self._tables.get(length)
        if table is None:
            if 1 <= length <= _WIDTH:
                words = self._from_array(length)
            else:
                words = list(dict.fromkeys(w[:length] for w in self._vocabulary if len(w) > length))
            table = Neighbours(words)
            with self._lock:
                self._tables[length] = table
        return table

    def _words(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(the ASCII words' first bytes, their lengths, the other words), made on first use."""
        with self._lock:
            kept = self._ascii
        if kept is None:
            vocabulary = self._vocabulary
            if "".join(vocabulary).isascii():  # nearly always: one look at all the words
                plain, others = vocabulary, []
            else:
                plain = [w for w in vocabulary if w.isascii()]
                others = [w for w in vocabulary if not w.isascii()]
            lengths = np.fromiter(map(len, plain), np.int32, len(plain))
            kept = (np.array(plain, dtype=f"S{_WIDTH}"), lengths, others)  # cut to _WIDTH bytes, still sorted
            with self._lock:
                self._ascii = kept
        return kept

    def _from_array(self, length: int) -> list[str]:
        first, lengths, others = self._words()
        cut = first[lengths > length].astype(f"S{length}")  # sorted words' beginnings are sorted
        new = np.empty(len(cut), np.bool_)
        new[:1] = True
        np.not_equal(cut[1:], cut[:-1], out=new[1:])
        table: list[str] = cut[new].astype(f"U{length}").tolist()
        for start in sorted({w[:length] for w in others if len(w) > length}):
            at = bisect_left(table, start)
            if at == len(table) or table[at] != start:
                table.insert(at, start)
        return table
