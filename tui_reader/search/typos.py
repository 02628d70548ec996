"""The words of a list within ``k`` edits of a typed word (optimal string alignment: swapping two neighbouring letters
is one edit), rapidfuzz comparing only the words that a 64-bit signature cannot rule out.

A word's signature has, per bucket of letters (the code point modulo 32), one bit set if the word holds a letter of
the bucket and one if it holds two. Adding or deleting a letter changes one bucket's count by one: at most one bit;
replacing a letter, at most two; swapping two letters, none. So two words ``k`` edits apart differ in at most
``2k`` bits, and in one fewer per letter their lengths differ (an edit that adds or deletes a letter changes at most
one bit). At a million papers a length holds 50-140k words and few of them pass: comparing them all took 5-20 ms
per length and typed word, the signatures about 0.3 ms.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

__all__ = ["Neighbours", "close", "signatures"]

_BITS = np.left_shift(np.uint64(1), np.arange(33, dtype=np.uint64))
_BITS[32] = 0  # past the end of a shorter word: no letter


def signatures(words: Sequence[str]) -> np.ndarray:
    """Each word's signature (uint64): bit ``b`` if it holds a letter of bucket ``b``, bit ``32 + b`` if two."""
    if not words:
        return np.zeros(0, np.uint64)
    codes = np.array(words, dtype=np.str_)  # UTF-32: one code point per column, 0 past a word's end
    width = codes.dtype.itemsize // 4
    columns = codes.view(np.uint32).reshape(len(words), width).T
    lengths = np.fromiter(map(len, words), np.int64, len(words))
    once = np.zeros(len(words), np.uint64)
    twice = np.zeros(len(words), np.uint64)
    for j in range(width):
        buckets = np.where(lengths > j, columns[j] & 31, 32)  # a letter may be code point 0: its length says
        bit = _BITS[buckets]
        twice |= once & bit
        once |= bit
    return once | (twice << np.uint64(32))


def close(word: str, choices: Sequence[str], k: int) -> np.ndarray:
    """Positions of the ``choices`` within ``k`` edits of ``word``, compared one by one (the plain way)."""
    if not choices:
        return np.empty(0, np.int64)
    distances = process.cdist([word], choices, scorer=OSA.distance, score_cutoff=k, dtype=np.int32)[0]
    return np.flatnonzero(distances <= k)


class Neighbours:
    """``words``, all of one length, and their signatures (worked out on first use): ``close(word, k)``."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self._length = len(words[0]) if words else 0
        self._signatures: np.ndarray | None = None
        self._lock = threading.Lock()

    def signatures(self) -> np.ndarray:
        with self._lock:
            if self._signatures is None:
                self._signatures = signatures(self.words)
            return self._signatures

    def close(self, word: str, k: int) -> np.ndarray:
        """Positions (ascending) of the words within ``k`` edits of ``word``: what ``close(word, words, k)`` gives."""
        most = 2 * k - abs(len(word) - self._length)
        if not self.words or most < 0:
            return np.empty(0, np.int64)
        (own,) = signatures([word])
        candidates = np.flatnonzero(np.bitwise_count(self.signatures() ^ own) <= most)
        if len(candidates) == 0:
            return candidates
        found = close(word, [self.words[i] for i in candidates.tolist()], k)
        return np.asarray(candidates[found], np.int64)
