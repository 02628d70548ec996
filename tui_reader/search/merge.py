"""An index built a part of the papers at a time (each part in a process of its own, on its own core) and merged:
the very index ``SearchIndex`` builds over all the papers at once, array for array.

A part's index is built by the code that builds the whole one (``index.build_parts``): its titles with their
compounds' other forms, its own sorted vocabulary and postings, its title compounds, and the acronyms its abstracts
define *with their counts* (the whole index keeps each acronym's most frequent expansion: counts add up, the
expansions would not).

``merge`` joins the parts' indexes, in the papers' order: the vocabulary is the sorted union of theirs; each word's
papers are its papers in each part, shifted by where the part starts, one part after the other (so ascending);
words in more than 1/16 of *all* the papers become bitmap rows, whichever way each part kept them (a part's own
bitmap rows are or-ed in shifted by its start, or become papers again). Compounds found in several parts keep
their first place and last parts, as one dict filled in order would; acronym counts add up in the order found.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import accumulate, pairwise
from pathlib import Path

import numpy as np

from tui_reader.paper import Paper
from tui_reader.search import disk, forms, index, postings, text, texts
from tui_reader.search.forms import Counts, best_expansions
from tui_reader.search.index import IndexParts, build_parts
from tui_reader.search.postings import Postings, _set_bits, layout

__all__ = ["MERGE_BLOCK", "merge", "merged", "store_part"]

# papers of a part's postings copied into the merged index at a time: its index arrays (~32 bytes a paper) stay
# ~250 MB however big the part (all at once, the merge of 2.8M papers took 6 GB)
MERGE_BLOCK = 1 << 23


def merge(parts: Sequence[tuple[IndexParts, Counts]]) -> IndexParts:
    """The index of all the parts' papers, the first part's first: what ``SearchIndex`` builds over them."""
    sizes = [part.title.size for part, _ in parts]
    starts = list(accumulate(sizes, initial=0))
    vocabulary = sorted(set().union(*(part.vocabulary for part, _ in parts)))
    where = {word: i for i, word in enumerate(vocabulary)}
    words = [np.fromiter(map(where.__getitem__, part.vocabulary), np.int64, len(part.vocabulary)) for part, _ in parts]
    del where
    fields = []
    for field in ("title", "abstract"):
        pieces = [getattr(part, field) for part, _ in parts]
        fields.append(_merged(pieces, words, starts, len(vocabulary)))
    found: dict[str, tuple[str, ...]] = {}
    counts: Counts = Counter()
    for part, part_counts in parts:
        found.update(part.compounds)
        counts.update(part_counts)
    return IndexParts(vocabulary, fields[0], fields[1], found, best_expansions(counts))


def _merged(pieces: list[Postings], words: list[np.ndarray], starts: list[int], size: int) -> Postings:
    """One field's postings: each part's, its words renumbered (``words``), its papers shifted (``starts``)."""
    n = starts[-1]
    counts = np.zeros(size, np.int64)
    for piece, word in zip(pieces, words, strict=True):
        counts[word] += np.diff(piece.offsets)
        counts[word[piece.common]] += piece.common_counts
    common, row, common_counts, offsets, papers, bits = layout(counts, n)
    cursor = offsets[:-1].copy()
    for piece, word, start in zip(pieces, words, starts[:-1], strict=True):
        for lo, hi in _word_blocks(piece.offsets, MERGE_BLOCK):  # the copies' index arrays: a block's at a time
            first, last = int(piece.offsets[lo]), int(piece.offsets[hi])
            lengths = np.diff(piece.offsets[lo : hi + 1])
            dest = np.repeat(cursor[word[lo:hi]] - piece.offsets[lo:hi], lengths) + np.arange(first, last)
            bit_row = np.repeat(row[word[lo:hi]], lengths)
            paper = piece.papers[first:last].astype(np.int64) + start
            rare = bit_row < 0
            papers[dest[rare]] = paper[rare]
            if not rare.all():
                _set_bits(bits, bit_row[~rare], paper[~rare])
        cursor[word] += np.diff(piece.offsets)
        for global_word, has in _bitmap_rows(piece, word):
            if row[global_word] >= 0:
                _or_shifted(bits[row[global_word]], has, start)
            else:
                held = np.flatnonzero(np.unpackbits(has, count=piece.size, bitorder="little")) + start
                at = int(cursor[global_word])
                papers[at : at + len(held)] = held
                cursor[global_word] += len(held)
    return Postings(n, offsets, papers, common, bits, common_counts)


def _word_blocks(offsets: np.ndarray, most: int) -> list[tuple[int, int]]:
    """Consecutive ranges ``[lo, hi)`` of words covering them all, each holding at most ``most`` papers (or one word,
    when it alone holds more)."""
    words, total = len(offsets) - 1, int(offsets[-1])
    # the word holding every most-th paper is a block of its own: the words between two of them hold fewer
    holding = np.searchsorted(offsets, np.arange(most, total, most), side="right") - 1
    edges = sorted({0, words, *holding.tolist(), *(holding + 1).tolist()})
    return list(pairwise(edges))


def _bitmap_rows(piece: Postings, word: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(the word in the merged vocabulary, its bitmap row) for each word the part keeps as a bitmap."""
    for local, row in zip(piece.common.tolist(), piece.bits, strict=True):
        yield int(word[local]), row


def _or_shifted(out: np.ndarray, row: np.ndarray, start: int) -> None:
    """Set in ``out`` (a bitmap row of all the papers) the bits of ``row`` (a part's, its bit 0 being paper
    ``start``). The bits past a part's last paper are 0, so those shifted out of ``out`` never counted."""
    byte, shift = divmod(start, 8)
    if not shift:
        out[byte : byte + len(row)] |= row
        return
    wide = row.astype(np.uint16) << shift  # each byte spreads over two
    low = (wide & 0xFF).astype(np.uint8)
    high = (wide >> 8).astype(np.uint8)
    out[byte : byte + len(row)] |= low[: len(out) - byte]
    end = min(len(out), byte + 1 + len(row))
    out[byte + 1 : end] |= high[: end - byte - 1]


def store_part(papers: Sequence[Paper], key: str, entry: Path) -> bool:
    """Build the index of one part of the papers (``key`` names them: a store's key) and keep it in the folder
    ``entry`` for ``merged``. False when it cannot be written (nothing of it is left behind then)."""
    parts, counts = build_parts(papers)
    return disk.store(entry, _part_digest(key, len(papers)), parts, counts)


def merged(kept: Sequence[tuple[Path, str, int]]) -> IndexParts | None:
    """The parts' indexes kept by ``store_part`` (each ``(folder, key, number of papers)``, in the papers'
    order), merged; None when one is missing, damaged, or of other papers or code (the caller builds the whole
    index then)."""
    loaded = []
    for entry, key, size in kept:
        try:
            parts, counts = disk.load_counted(entry, _part_digest(key, size))
        except (OSError, disk.Damaged, ValueError):
            return None
        if counts is None or parts.title.size != size:
            return None
        loaded.append((parts, counts))
    return merge(loaded)


def _part_digest(key: str, size: int) -> bytes:
    """Names a part's papers and the code that indexes them and keeps the index."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"part {disk.FORMAT} {size} {key}\0".encode())
    for module in (index, postings, text, forms, texts, disk, sys.modules[__name__]):
        h.update(Path(str(module.__file__)).read_bytes())
    return h.digest()
