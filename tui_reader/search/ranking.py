"""The order of a search's papers: score descending, ties in corpus order; and its first rows alone, cheaply.

A keystroke at a million papers may match most of them, but the list shows ~50 rows. Sorting every match (a radix
sort of the scores, then gathering the positions: ~15 ms at 1M) is left until a row past the first ones is asked
for: ``best`` finds the first ``k`` rows of the very same order from a histogram of the scores (~3 ms at 1M).
"""

from __future__ import annotations

import numpy as np

__all__ = ["best", "rank"]

_RUN = 1 << 16  # papers looked through at a time for the ties at the threshold


def rank(score: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Every paper of ``keep`` (bool per paper), the highest ``score`` (uint16 per paper) first, ties in position
    order: uint32 positions."""
    found_at = np.flatnonzero(keep).astype(np.uint32)
    order = np.argsort(np.uint16(0xFFFF) - score[found_at], kind="stable")  # 16-bit keys: a radix sort
    return found_at[order]


def best(score: np.ndarray, keep: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` positions of ``rank(score, keep)`` (all of them when fewer are kept), without sorting the
    rest: the score the ``k``-th paper has is read off a histogram; the papers scoring more are fewer than ``k``,
    and of those scoring just that, the first ones in position order fill the rest."""
    key = np.add(score, 1, dtype=np.int32)  # 0: not kept; else the score + 1 (a kept paper may score 0)
    key *= keep
    counts = np.bincount(key)
    counts[0] = 0
    at_least = np.cumsum(counts[::-1])[::-1]  # at_least[v]: papers with a key >= v
    enough = np.flatnonzero(at_least >= k)
    if not len(enough) or k <= 0:  # fewer than k papers kept (or none asked for): they all are
        return rank(score, keep)[: max(k, 0)]
    threshold = int(enough[-1])
    above = np.flatnonzero(key > threshold)
    need = k - len(above)
    ties: list[np.ndarray] = []
    for start in range(0, len(key), _RUN):  # the first ``need`` papers at the threshold, in order
        if need <= 0:
            break
        run = np.flatnonzero(key[start : start + _RUN] == threshold)[:need] + start
        ties.append(run)
        need -= len(run)
    chosen = np.concatenate([above, *ties])
    chosen.sort()
    return chosen[np.argsort(-key[chosen], kind="stable")].astype(np.uint32)
