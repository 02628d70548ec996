"""The vocabulary and, per field, which papers contain each word: built with numpy, ~20 ns per word of text.

Python would spend ~150 ns on every word of every abstract (20 million at 100k papers), so words are never
Python objects here. Papers are taken 1024 at a time; their texts become one folded byte string (lower-case
letters and digits, a space for anything else, a marker between papers). numpy then finds where words start
and end, hashes each word from its bytes into 54 bits, and sorts ``hash << 10 | paper`` keys, which groups
the chunk's postings by word and drops repeats. Python sees each *distinct* word once, to keep its text.

At the end the words are sorted alphabetically, so that words sharing a prefix are neighbours, and each
chunk's postings are copied into one flat array per field; words in more than 1/16 of the papers become
bitmap rows instead (at 100k papers: 62% of the postings, 7 MB instead of 40 MB). Two different words would
have to share a 54-bit hash to be confused (odds ~3e-5 for a million-word vocabulary).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np

from tui_reader.search.text import FOLD_ERRORS

__all__ = ["Layout", "Postings", "add_weights", "build", "layout"]

_CHUNK_BITS = 10
_CHUNK = 1 << _CHUNK_BITS  # papers per chunk: a paper's place in its chunk fits the key's low bits
_LOW = np.uint64(_CHUNK - 1)
_SEPARATOR = "\x7f"  # between papers; DEL never survives corpus cleaning, and is replaced if it does
_JOIN = f" {_SEPARATOR} "
_PAD = " " * 24  # so 8-byte reads past the last word stay inside the buffer
# ASCII letters and digits -> lower case, the separator stays, other ASCII -> space; UTF-8 bytes of
# non-ASCII letters (already folded by FOLD_ERRORS) stay. After this a byte > 32 is part of a word.
_TABLE = bytes(
    (ord(chr(b).lower()) if chr(b).isalnum() else b if b == 127 else 32) if b < 128 else b for b in range(256)
)
# keep the first k bytes of an 8-byte little-endian read / the last k bytes
_FIRST = np.array([(1 << 8 * k) - 1 for k in range(9)], np.uint64)
_LAST = np.array([((1 << 8 * k) - 1) << (64 - 8 * k) for k in range(9)], np.uint64)
_SEPARATOR_HASH = np.uint64(2**64 - 1)
_COMMON_MIN_PAPERS = 4096  # below this, every word keeps a postings list


@dataclass(slots=True)
class Postings:
    """Which papers contain each vocabulary word ``w`` (a position in the sorted vocabulary).

    Most words: ``papers[offsets[w]:offsets[w + 1]]``, ascending. Words in more than 1/16 of the papers
    ("the", "model") would cost 4 bytes per paper there; they are rows of a bitmap instead, 1 bit per paper.
    """

    size: int  # papers
    offsets: np.ndarray  # int64, len(vocabulary) + 1 (a common word's slice is empty)
    papers: np.ndarray  # uint32
    common: np.ndarray  # int64 ascending: the words kept as bitmaps
    bits: np.ndarray  # uint8 [len(common), ceil(size / 8)]: bit p (little-endian) set if paper p has the word
    common_counts: np.ndarray  # int64: papers per common word

    def mark(self, lo: int, hi: int, out: np.ndarray, value: int) -> None:
        """``out[p] = value`` for every paper ``p`` containing one of the words ``lo..hi-1``, ``out`` being uint8
        and holding no value above ``value`` (callers mark from the lowest value up)."""
        out[self.papers[self.offsets[lo] : self.offsets[hi]]] = value
        a, b = np.searchsorted(self.common, (lo, hi))
        if b > a:
            rows = self.bits[a:b]
            either = np.bitwise_or.reduce(rows, axis=0) if b - a > 1 else rows[0]
            marked = np.unpackbits(either, count=self.size, bitorder="little")  # 0 or 1 per paper
            marked *= np.uint8(value)
            np.maximum(out, marked, out=out)  # = value where marked: 20x faster than assigning through a mask

    def count(self, lo: int, hi: int) -> int:
        """How many (paper, word) pairs the words ``lo..hi-1`` have."""
        a, b = np.searchsorted(self.common, (lo, hi))
        return int(self.offsets[hi] - self.offsets[lo] + self.common_counts[a:b].sum())

    def counts(self, words: np.ndarray) -> np.ndarray:
        """How many papers have each of the ``words`` (int64 array): ``count(w, w + 1)`` for each at once."""
        found = self.offsets[words + 1] - self.offsets[words]
        row = np.searchsorted(self.common, words)
        common = row < len(self.common)
        common[common] = self.common[row[common]] == words[common]
        found[common] += self.common_counts[row[common]]
        return np.asarray(found, np.int64)

    def papers_of(self, word: int) -> np.ndarray:
        """The papers containing one word, ascending."""
        row = int(np.searchsorted(self.common, word))
        if row < len(self.common) and self.common[row] == word:
            return np.flatnonzero(np.unpackbits(self.bits[row], count=self.size, bitorder="little"))
        return self.papers[self.offsets[word] : self.offsets[word + 1]]


_BLOCK = 1 << 17  # papers added up at a time (a multiple of 8): their scores stay in the CPU's cache meanwhile
# the bits of each byte value, little-endian: a bitmap row's byte b gives its 8 papers _BITS[b] * weight
_BITS = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="little").astype(np.float32)


def add_weights(out: np.ndarray, terms: Sequence[tuple[Postings, int, float]]) -> None:
    """For each ``(postings, word, weight)`` in turn, ``out[p] += weight`` (``out`` float32, one per paper) for
    every paper ``p`` having the word: each paper's sum is made in the very same order, so it is the same to the
    last bit, but a block of papers at a time, all the terms over one block before the next (one pass of all the
    terms over a million papers each would go through memory ~100 times: 30% slower)."""
    size = len(out)
    edges = np.arange(0, size + _BLOCK, _BLOCK)
    plan: list[tuple[np.ndarray, np.ndarray | None, float, np.ndarray]] = []  # data, bitmap table, weight, cuts
    for postings, word, weight in terms:
        row = int(np.searchsorted(postings.common, word))
        if row < len(postings.common) and postings.common[row] == word:  # a bitmap row, added whole
            plan.append((postings.bits[row], _BITS * np.float32(weight), weight, edges))
        else:
            papers = postings.papers[postings.offsets[word] : postings.offsets[word + 1]]
            plan.append((papers, None, weight, np.searchsorted(papers, edges)))
    for block, start in enumerate(range(0, size, _BLOCK)):
        stop = min(size, start + _BLOCK)
        whole = start + (stop - start) // 8 * 8  # papers up to here fill whole bytes of a bitmap row
        scores = out[start:whole].reshape(-1, 8)
        for data, table, weight, cuts in plan:
            if table is None:
                out[data[cuts[block] : cuts[block + 1]]] += weight
            else:
                scores += np.take(table, data[start // 8 : whole // 8], axis=0)
                if whole < stop:  # the last few papers, in the row's last byte
                    out[whole:stop] += table[data[whole // 8], : stop - whole]


@dataclass(slots=True)
class _Chunk:
    start: int  # first paper
    hashes: np.ndarray  # the distinct word hashes of the chunk, ascending (vocabulary positions once known)
    runs: np.ndarray  # how many papers of the chunk contain each
    papers: np.ndarray  # uint16 places in the chunk, grouped like ``hashes``, ascending within a group


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place: every bit of the input moves every bit of the output."""
    t = h >> np.uint64(30)
    h ^= t
    h *= np.uint64(0xBF58476D1CE4E5B9)
    np.right_shift(h, np.uint64(27), out=t)
    h ^= t
    h *= np.uint64(0x94D049BB133111EB)
    np.right_shift(h, np.uint64(31), out=t)
    h ^= t
    return h


def _hash_words(data: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """64-bit hash of each word ``data[start:end]`` (all its bytes, and its length)."""
    lengths = ends - starts
    at = np.ndarray((len(data) - 8,), "<u8", data, 0, (1,))  # an 8-byte read at every byte offset
    h = at[starts]
    h &= _FIRST[np.minimum(lengths, 8)]
    h *= np.uint64(0x9E3779B97F4A7C15)
    tail = lengths.astype(np.uint64)
    tail *= np.uint64(0x165667B19E3779F9)
    h += tail
    long = np.flatnonzero(lengths > 8)  # about a quarter of the words
    tail = at[ends[long] - 8]
    tail &= _LAST[np.minimum(lengths[long] - 8, 8)]  # the bytes after the first 8
    tail *= np.uint64(0xC2B2AE3D27D4EB4F)
    middle = np.flatnonzero(lengths[long] > 16)  # the few long words: every 8 bytes in between
    for offset in range(8, 1 << 30, 8):
        middle = middle[lengths[long[middle]] > offset + 8]
        if not len(middle):
            break
        block = at[starts[long[middle]] + offset]
        block += np.uint64(offset)
        tail[middle] += _mix(block)
    h[long] += tail
    return _mix(h)


class _Builder:
    def __init__(self) -> None:
        self.words: dict[int, bytes] = {}  # 54-bit hash -> the word's UTF-8 bytes
        self.known = np.empty(0, np.uint64)  # the same hashes, sorted: a vectorised "seen before?"

    def field(self, texts: Sequence[str], read: Callable[[Sequence[str]], object] | None) -> list[_Chunk]:
        # One thread: two chunk threads build 25% faster, but their transient arrays and malloc arenas cost
        # ~80 MB more at 100k papers (over the 400 MB budget).
        chunks = []
        for start in range(0, len(texts), _CHUNK):
            part = texts[start : start + _CHUNK]
            if read is not None:
                read(part)
            chunks.append(self._chunk(part, start))
        return chunks

    def _chunk(self, texts: Sequence[str], start: int) -> _Chunk:
        joined = _JOIN.join(texts)
        if joined.count(_SEPARATOR) != len(texts) - 1:
            joined = _JOIN.join(t.replace(_SEPARATOR, " ") for t in texts)
        data = (" " + joined + _PAD).encode("ascii", FOLD_ERRORS).translate(_TABLE)
        buf = np.frombuffer(data, np.uint8)
        edges = np.flatnonzero(np.diff(buf > 32)).astype(np.int32)
        starts = edges[0::2] + 1
        ends = edges[1::2] + 1
        separator = buf[starts] == 127
        paper = np.cumsum(separator, dtype=np.int32)  # place of each word's paper in the chunk
        h = _hash_words(data, starts, ends)
        h[separator] = _SEPARATOR_HASH
        key = h & ~_LOW
        key |= paper.astype(np.uint64)
        key.sort()
        pairs = key[_firsts(key)]  # one per (word, paper)
        hashes = pairs >> np.uint64(_CHUNK_BITS)
        run_starts = np.flatnonzero(_firsts(hashes))
        unique = hashes[run_starts]
        runs = np.diff(run_starts, append=len(pairs))
        places = (pairs & _LOW).astype(np.uint16)
        if len(unique) and unique[-1] == _SEPARATOR_HASH >> np.uint64(_CHUNK_BITS):  # sorts last: drop it
            unique, runs, places = unique[:-1], runs[:-1], places[: run_starts[-1]]
            run_starts = run_starts[:-1]
        self._remember(data, unique, places[run_starts], h, paper, starts, ends, len(texts))
        return _Chunk(start, unique, runs.astype(np.uint16), places)

    def _remember(
        self,
        data: bytes,
        unique: np.ndarray,
        first_paper: np.ndarray,
        h: np.ndarray,
        paper: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        size: int,
    ) -> None:
        """Keep the text of the words not seen before, found in the first paper that has each."""
        at = np.searchsorted(self.known, unique)
        if len(self.known):
            new = np.flatnonzero(self.known[np.minimum(at, len(self.known) - 1)] != unique)
        else:
            new = np.arange(len(unique))
        if not len(new):
            return
        new_hashes = unique[new]
        self.known = np.insert(self.known, at[new], new_hashes)
        # look for each new word among the words of its first paper only
        first_word = np.searchsorted(paper, np.arange(size + 1, dtype=np.int32))  # words of paper p: [fw[p], fw[p+1])
        where = first_paper[new].astype(np.int64)
        lo, count = first_word[where], first_word[where + 1] - first_word[where]
        owner = np.repeat(np.arange(len(new)), count)
        candidate = np.repeat(lo - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
        hits = np.flatnonzero((h[candidate] >> np.uint64(_CHUNK_BITS)) == new_hashes[owner])
        hits = hits[_firsts(owner[hits])]
        word = candidate[hits]
        for hash_, a, b in zip(
            new_hashes[owner[hits]].tolist(), starts[word].tolist(), ends[word].tolist(), strict=True
        ):
            self.words[hash_] = data[a:b]

    def finish(self, fields: list[list[_Chunk]], sizes: list[int]) -> tuple[list[str], list[Postings]]:
        texts = list(self.words.values())
        order = sorted(range(len(texts)), key=texts.__getitem__)  # byte order of UTF-8 = code point order
        vocabulary = [texts[i].decode() for i in order]
        rank = np.empty(len(texts), np.int64)
        rank[np.array(order, np.int64)] = np.arange(len(texts))
        hashes = np.fromiter(self.words, np.uint64, len(self.words))
        by_hash = np.argsort(hashes)
        sorted_hashes, position = hashes[by_hash], rank[by_hash]
        self.words.clear()
        return vocabulary, [
            _assemble(c, sorted_hashes, position, len(vocabulary), n) for c, n in zip(fields, sizes, strict=True)
        ]


def _firsts(a: np.ndarray) -> np.ndarray:
    """Mask of the elements that differ from their predecessor (the first of each run)."""
    mask = np.empty(len(a), np.bool_)
    mask[:1] = True
    np.not_equal(a[1:], a[:-1], out=mask[1:])
    return mask


class Layout(NamedTuple):
    """Where each word's papers go, once it is known how many papers each word has: the words in more than 1/16
    of the papers (``common``, row ``row[w]`` of ``bits``, -1 for the others) and the others' slices of ``papers``
    (``offsets``), both still to be filled."""

    common: np.ndarray
    row: np.ndarray
    common_counts: np.ndarray
    offsets: np.ndarray
    papers: np.ndarray
    bits: np.ndarray


def layout(counts: np.ndarray, n: int) -> Layout:
    """The layout of postings of ``n`` papers whose words have ``counts`` papers each (``counts`` is changed)."""
    size = len(counts)
    common = np.flatnonzero(counts > n // 16) if n >= _COMMON_MIN_PAPERS else np.empty(0, np.int64)
    row = np.full(size, -1, np.int64)
    row[common] = np.arange(len(common))
    common_counts = counts[common]
    counts[common] = 0
    offsets = np.zeros(size + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    papers = np.empty(int(offsets[-1]), np.uint32)
    bits = np.zeros((len(common), (n + 7) // 8), np.uint8)
    return Layout(common, row, common_counts, offsets, papers, bits)


def _assemble(chunks: list[_Chunk], sorted_hashes: np.ndarray, position: np.ndarray, size: int, n: int) -> Postings:
    """Counting sort: count each word's papers, then copy every chunk's runs to their final place (or set
    their bits, for common words). Empties ``chunks`` as it goes, to keep the peak memory down."""
    counts = np.zeros(size, np.int64)
    for chunk in chunks:
        chunk.hashes = position[np.searchsorted(sorted_hashes, chunk.hashes)].astype(np.int32)  # now words
        counts[chunk.hashes] += chunk.runs  # a word has one run per chunk
    common, row, common_counts, offsets, papers, bits = layout(counts, n)
    cursor = offsets[:-1].copy()
    chunks.reverse()
    while chunks:
        chunk = chunks.pop()
        runs = chunk.runs.astype(np.int64)
        run_start = np.cumsum(runs) - runs
        dest = np.repeat(cursor[chunk.hashes] - run_start, runs) + np.arange(len(chunk.papers))
        cursor[chunk.hashes] += runs
        paper = chunk.papers.astype(np.int64) + chunk.start
        bit_row = np.repeat(row[chunk.hashes], runs)
        rare = bit_row < 0
        papers[dest[rare]] = paper[rare]
        if not rare.all():
            _set_bits(bits, bit_row[~rare], paper[~rare])
    return Postings(n, offsets, papers, common, bits, common_counts)


def _set_bits(bits: np.ndarray, rows: np.ndarray, papers: np.ndarray) -> None:
    """Set bit ``papers[i]`` of row ``rows[i]``; pairs come grouped by row, papers ascending in a group."""
    where = rows * bits.shape[1] + (papers >> 3)
    firsts = np.flatnonzero(_firsts(where))
    byte = np.add.reduceat(np.left_shift(1, papers & 7).astype(np.uint8), firsts)  # distinct bits: sum = or
    bits.reshape(-1)[where[firsts]] |= byte


def build(
    *fields: Sequence[str], read: Callable[[int, Sequence[str]], object] | None = None
) -> tuple[list[str], list[Postings]]:
    """The sorted vocabulary of all the texts, and one ``Postings`` per field (e.g. titles, abstracts).

    Each field is a sequence of texts, one per paper, all of the same length. ``read``, when given, is called with
    each field's number and each slice of its texts as they are read (once each, in order): what else needs every
    text of a field works on them then, without reading them a second time.
    """
    builder = _Builder()
    chunks = [
        builder.field(texts, None if read is None else partial(read, number)) for number, texts in enumerate(fields)
    ]
    return builder.finish(chunks, [len(texts) for texts in fields])
