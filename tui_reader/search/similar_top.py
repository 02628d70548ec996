"""The best papers of "more like this" without scoring every paper exactly (tui_reader.search.similar asks here).

Scoring a million papers exactly costs ~90 ms: every paper gets each shared word's weight, one float32 addition
at a time in the words' order, then its length norm. Here, instead:

1. every paper gets a cheap upper bound of its sum: its rare words' weights added in any order (numpy's
   ``add.at``), plus, for the common words (bitmap rows), the largest weights as many as the common words it has
   (counted with bitwise adders over the packed rows, 8 papers a byte);
2. the few hundred papers with the best bounds get their plain sum (order free), so a score that the best
   ``limit`` are sure to reach is known; only the papers whose bound reaches it can be among the best;
3. those papers' sums are bounded again from their plain sums, and the ones still in the running are scored
   exactly as the full pass scores them (same additions, same order, same division).

Float32 sums made in another order differ by a few units in the last place: every bound is widened by a margin
larger than that. The answer is only given when it is sure to be the full pass' answer: the best ``limit``
scores all differ from each other and beat every other paper's. Two papers scoring exactly the same (the same
words and the same length) are ordered by the full pass' own selection, so then ``best`` returns None and the
caller scores every paper; as it does below a quarter of a million papers (as quick there), when fewer than
``limit`` papers score above 0, or when the bounds leave more than 65,536 candidates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tui_reader.search.postings import Postings

__all__ = ["best"]

_FEWEST = 1 << 18  # fewer papers: scoring every paper is as quick (~12 ms at 100k papers)
_FIRST = 4  # times ``limit`` papers summed plainly to find a score the best ones reach
_MOST = 1 << 16  # more candidates than this: the bounds do not tell enough apart, score every paper


Row = tuple[int, Postings, int, float]  # a term whose word is a bitmap row: place in the terms, postings, row, weight


def best(
    terms: Sequence[tuple[Postings, int, float]], norm: np.ndarray, position: int, limit: int
) -> np.ndarray | None:
    """The ``limit`` papers with the highest scores, best first, as the full pass finds them (see the module
    docstring); None when that is not certain. Paper ``p``'s score: ``weight`` added for each of the ``terms``
    (``(postings, word, weight)``) whose word it has, in order, over ``norm[p]``; paper ``position`` scores 0."""
    size = len(norm)
    if size < _FEWEST or size <= _FIRST * limit or not terms:
        return None
    rows, lists = _split(terms)
    margin = 1.0 + (len(terms) + 8) * 2.0**-21  # over the rounding of any order of float32 / float64 sums
    rare = np.zeros(size, np.float32)
    for papers, weight in lists:
        np.add.at(rare, papers, np.float32(weight))
    key = _common_bound(rows, size)
    key += rare
    key /= norm
    key[position] = 0
    first = np.flatnonzero(key >= np.partition(key, size - _FIRST * limit)[size - _FIRST * limit])
    sure = _reached(first[first != position], rows, rare, norm, margin, limit)
    if sure is None:
        return None
    candidates = np.flatnonzero(key >= np.float32(sure / margin))
    candidates = candidates[candidates != position]
    if len(candidates) > _MOST:
        return None
    plain = _plain_sums(candidates, rows, rare)
    candidates = candidates[plain * margin / norm[candidates] >= sure]
    scores = _exact(terms, rows, candidates, norm)
    order = np.argsort(-scores, kind="stable")
    top = scores[order[:limit]]
    if len(top) < limit or top[-1] < sure or not np.all(top[:-1] > top[1:]):
        return None
    if len(order) > limit and scores[order[limit]] >= top[-1]:
        return None
    picked: np.ndarray = candidates[order[:limit]]
    return picked


def _split(terms: Sequence[tuple[Postings, int, float]]) -> tuple[list[Row], list[tuple[np.ndarray, float]]]:
    """The terms whose word is a bitmap row, and the papers and weight of the others."""
    row_of: dict[int, dict[int, int]] = {}  # per postings (by id): word -> bitmap row
    for postings in {id(p): p for p, _, _ in terms}.values():
        words = np.array([w for p, w, _ in terms if p is postings], np.int64)
        at = np.minimum(np.searchsorted(postings.common, words), max(0, len(postings.common) - 1))
        hit = postings.common[at] == words if len(postings.common) else np.zeros(len(words), bool)
        row_of[id(postings)] = dict(zip(words[hit].tolist(), at[hit].tolist(), strict=True))
    rows: list[Row] = []
    lists: list[tuple[np.ndarray, float]] = []
    for k, (postings, word, weight) in enumerate(terms):
        row = row_of[id(postings)].get(word)
        if row is not None:
            rows.append((k, postings, row, weight))
        else:
            lists.append((postings.papers[postings.offsets[word] : postings.offsets[word + 1]], weight))
    return rows, lists


def _common_bound(rows: list[Row], size: int) -> np.ndarray:
    """Per paper (float32), the sum of the largest common-word weights, as many as the rows it is in."""
    count = np.zeros(size, np.uint8)
    for j, plane in enumerate(_planes([postings.bits[row] for _, postings, row, _ in rows])):
        count |= np.unpackbits(plane, count=size, bitorder="little") << np.uint8(j)
    weights = np.sort(np.array([w for _, _, _, w in rows], np.float64))[::-1]
    largest = np.concatenate(([0.0], np.cumsum(weights))).astype(np.float32)
    return np.take(largest, count)


def _planes(column: list[np.ndarray]) -> list[np.ndarray]:
    """How many of the bitmap rows in ``column`` have each bit, in binary: bit j of each count in row j."""
    planes: list[np.ndarray] = []  # bit j of each paper's count of rows
    while column:  # add up the bits of a column, three at a time (carry-save): each sum stays, each carry goes on
        carries: list[np.ndarray] = []
        while len(column) > 2:
            a, b, c = column.pop(), column.pop(), column.pop()
            either = a ^ b
            column.insert(0, either ^ c)
            carries.append((a & b) | (either & c))
        if len(column) == 2:
            a, b = column
            column = [a ^ b]
            carries.append(a & b)
        planes.append(column[0])
        column = carries
    return planes


def _plain_sums(papers: np.ndarray, rows: list[Row], rare: np.ndarray) -> np.ndarray:
    """The sums of ``papers`` (float64, any order: within the margin of the exact ones)."""
    total: np.ndarray = rare[papers].astype(np.float64)
    for mine, have in _bits_of(rows, papers):
        weights = np.array([np.float32(w) for _, _, w in mine], np.float32)
        total += weights @ have.astype(np.float32)
    return total


def _bits_of(rows: list[Row], papers: np.ndarray) -> list[tuple[list[tuple[int, int, float]], np.ndarray]]:
    """Per postings, its bitmap rows (``(place in the terms, row, weight)``) and which of ``papers`` have each row's
    bit: uint8, 0 or 1, a row of the matrix per bitmap row."""
    byte, bit = papers >> 3, (papers & 7).astype(np.uint8)
    found = []
    for postings in {id(p): p for _, p, _, _ in rows}.values():
        mine = [(k, row, w) for k, p, row, w in rows if p is postings]
        have = postings.bits[np.ix_(np.array([row for _, row, _ in mine], np.int64), byte)] >> bit
        have &= 1
        found.append((mine, have))
    return found


def _reached(
    papers: np.ndarray, rows: list[Row], rare: np.ndarray, norm: np.ndarray, margin: float, limit: int
) -> float | None:
    """A score that ``limit`` of ``papers`` are sure to reach, or None if it is not above 0."""
    if len(papers) < limit:
        return None
    low = np.sort(_plain_sums(papers, rows, rare) / margin / norm[papers])[-limit]
    return float(low) if low > 0 else None


def _exact(
    terms: Sequence[tuple[Postings, int, float]], rows: list[Row], papers: np.ndarray, norm: np.ndarray
) -> np.ndarray:
    """The scores of ``papers`` (ascending), exactly as the full pass makes them: each term's weight added in
    float32, in order (a bitmap row's weight as a float32, a list's as the float64 it is, the sum rounded to
    float32), then divided by the norm."""
    added = np.zeros((len(terms), len(papers)))  # what each term adds to each paper (0: the paper lacks the word)
    for mine, have in _bits_of(rows, papers):
        for (k, _, weight), hit in zip(mine, have, strict=True):
            added[k] = hit * np.float32(weight)
    listed = {k for k, _, _, _ in rows}
    for k, (postings, word, weight) in enumerate(terms):
        having = postings.papers[postings.offsets[word] : postings.offsets[word + 1]]
        if k not in listed and len(having):
            added[k] = (having.take(np.searchsorted(having, papers), mode="clip") == papers) * weight
    score = np.zeros(len(papers), np.float32)
    for term in added:  # float64 additions rounded to float32: as the full pass (float32 + float32 is exact in float64)
        np.add(score, term, out=score, casting="same_kind")
    score /= norm[papers]
    return score
