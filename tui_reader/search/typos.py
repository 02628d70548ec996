"""The words of a list within ``k`` edits of a typed word (optimal string alignment: swapping two neighbouring letters
is one edit), rapidfuzz comparing only the words that a 64-bit signature cannot rule out.

A word's signature has, per bucket of letters (the code point modulo 32), one bit set if the word holds a letter of
the bucket and one if it holds two. Adding or deleting a letter changes one bucket's count by one: at most one bit;
replacing a letter, at most two; swapping two letters, none. So two words ``k`` edits apart differ in at most
``2k`` bits, and in one fewer per letter their lengths differ (an edit that adds or deletes a letter changes at most
one bit). At a million papers (307k words) a length holds up to 61k words and few of them pass: rapidfuzz comparing
them all took 0.3-47 ms per length and typed word on a busy machine, the signatures 0.1 ms. A length's signatures
are worked out on its first use (1-50 ms there).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

__all__ = ["Neighbours", "candidates", "close", "signatures", "signatures_of"]


def signatures(words: Sequence[str], length: int) -> np.ndarray:
    """Each word's signature (uint64), the words all ``length`` letters long: bit ``b`` if the word holds a letter
    of bucket ``b``, bit ``32 + b`` if it holds two."""
    codes = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), np.uint32)
    if len(codes) != len(words) * length:
        raise ValueError(f"words of another length than {length}")
    return signatures_of(codes.reshape(len(words), length))


def signatures_of(codes: np.ndarray) -> np.ndarray:
    """The signatures of words given as a matrix of code points (any unsigned integers), a word a row."""
    once = np.zeros(len(codes), np.uint32)
    twice = np.zeros(len(codes), np.uint32)
    one = np.uint32(1)
    for column in np.ascontiguousarray((codes & 31).T, np.uint32):  # each letter's bucket, a column at a time
        bit = np.left_shift(one, column)
        twice |= once & bit
        once |= bit
    return (twice.astype(np.uint64) << np.uint64(32)) | once


def candidates(found: np.ndarray, word: str, k: int, length: int) -> np.ndarray:
    """Positions of the signatures ``found`` (of words ``length`` letters long) that may be within ``k`` edits of
    ``word``: differing in at most ``2k`` bits, one fewer per letter of difference in length."""
    most = 2 * k - abs(len(word) - length)
    if most < 0 or len(found) == 0:
        return np.empty(0, np.int64)
    (own,) = signatures([word], len(word))
    return np.flatnonzero(np.bitwise_count(found ^ own) <= most)


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
                self._signatures = signatures(self.words, self._length)
            return self._signatures

    def close(self, word: str, k: int) -> np.ndarray:
        """Positions (ascending) of the words within ``k`` edits of ``word``: what ``close(word, words, k)`` gives."""
        maybe = candidates(self.signatures(), word, k, self._length)
        if len(maybe) == 0:
            return maybe
        return np.asarray(maybe[close(word, [self.words[i] for i in maybe.tolist()], k)], np.int64)
