"""SearchIndex: ranked, highlighted results for a query, fast enough to run on every keystroke.

A query term is matched against the sorted *vocabulary* (tens of thousands of words), never against the papers:
the exact word, words it starts (for the term being typed), other forms of it (the same stem, a compound joined
or split, an acronym and its expansion: tui_reader.search.forms), and typo neighbours (tui_reader.search.typos). The
postings of the matched words are then scattered into a per-paper score array (words sharing a prefix are one
contiguous slice of postings). Terms combine with AND; one radix sort ranks. When no paper has every term, the
papers with the most of them are shown instead (``SearchResult.partial``).

Per term and paper the score is ``4 * title quality + abstract quality``, quality being 3 for the exact word,
2 for a completion or another form, 1 for a typo neighbour: any title match outranks an abstract-only match, and
closer matches outrank looser ones. Papers add up their terms' scores; ties keep corpus order.

The filters (``is:``, ``date:``...: tui_reader.search.filters) and exclusions narrow the papers first. ``similar``
ranks the papers sharing the most distinctive words with one paper (tui_reader.search.similar: BM25 over the same
postings). What a search returns, and its highlighting: tui_reader.search.results.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, NamedTuple

import numpy as np

from tui_reader.paper import Paper
from tui_reader.search.filters import FILTERS, Marks
from tui_reader.search.forms import STOPWORDS, Acronyms, Counts, acronyms_in, best_expansions, compounds, stems
from tui_reader.search.postings import Postings, build
from tui_reader.search.prefixes import PrefixTables
from tui_reader.search.query import Query, Term, max_typos, parse_query
from tui_reader.search.results import Matcher, Positions, SearchResult
from tui_reader.search.similar import LIKE_LIMIT, Similarity
from tui_reader.search.tables import Later, PaperTables, Ready
from tui_reader.search.text import FOLD_ERRORS
from tui_reader.search.texts import field_texts, in_slices, texts_at
from tui_reader.search.typos import Neighbours

__all__ = ["COMPLETION", "EXACT", "TYPO", "IndexParts", "SearchIndex", "build_parts"]


EXACT, COMPLETION, TYPO = 3, 2, 1  # match quality of a term in one field
_TITLE = 4  # a term's score: _TITLE * title quality + abstract quality (0..15)
_SHORT = 5  # a typo in a word shorter than this (as typed and as found) must keep its first letter
CacheKey = tuple[Any, ...]  # ("phrase", words, open) or (kind, word, ...): what a cached hit list answers


class IndexParts(NamedTuple):
    """What building an index computes (the rest is derived quickly): the sorted vocabulary and, per field,
    which papers hold each word."""

    vocabulary: list[str]
    title: Postings
    abstract: Postings
    compounds: dict[str, tuple[str, ...]]  # title compounds, indexed joined or split: the word -> its parts
    acronyms: dict[str, tuple[str, ...]]  # acronyms defined in the corpus -> the words they stand for


@dataclass(slots=True)
class _Hits:
    scores: np.ndarray  # uint8 per paper: _TITLE * title quality + abstract quality; 0 = no match
    matcher: Matcher


class SearchIndex:
    """Index over the titles and abstracts of ``papers``: 2-3 s per 100k papers to build (run it in a worker).

    ``search`` may run in a worker thread while other threads read the papers: the index never changes after
    construction, and its small caches are guarded by a lock.
    """

    CACHE_SIZE = 64  # matched terms kept (one byte per paper each)
    PHRASE_CHECK_LIMIT = 20_000  # papers whose text an unfinished phrase is checked in, at most

    def __init__(
        self, papers: Sequence[Paper], parts: IndexParts | None = None, tables: Ready | Later | None = None
    ) -> None:
        """Index ``papers``; or take ``parts`` (``SearchIndex.parts`` of an index of the very same papers,
        as tui_reader.search.cache keeps them) instead of building them, and the filters' ``tables`` of these
        papers instead of working them out on first use (or what loads them when they are there)."""
        if len(papers) >= 2**32:
            raise ValueError("a SearchIndex holds fewer than 2**32 papers")
        self.papers = papers
        self.size = len(papers)
        if parts is None:
            parts = build_parts(papers)[0]
        elif parts.title.size != self.size or parts.abstract.size != self.size:
            raise ValueError("the index parts are for another set of papers")
        self.vocabulary, self._title, self._abstract, self._compounds, expansions = parts
        self._acronyms = Acronyms(expansions)
        # words of the same stem are neighbours in _stem_order ("reason", "reasoning", "reasons")
        word_stems = stems(self.vocabulary)
        order = sorted(range(len(word_stems)), key=word_stems.__getitem__)
        self._stem_keys = [word_stems[i] for i in order]
        self._stem_order = np.array(order, np.int64)
        self._in_compounds: dict[str, list[str]] | None = None
        by_length: defaultdict[int, list[int]] = defaultdict(list)
        for i, word in enumerate(self.vocabulary):
            by_length[len(word)].append(i)
        self._by_length = {
            n: (Neighbours([self.vocabulary[i] for i in ids]), np.array(ids)) for n, ids in by_length.items()
        }
        self._lock = threading.Lock()
        self._cache: OrderedDict[CacheKey, _Hits] = OrderedDict()
        self._prefix_tables = PrefixTables(self.vocabulary)  # for the typos of a word being typed
        self._tables = PaperTables(papers, self.size, tables)  # what the filters look papers up in
        self._like = Similarity(papers, self.size, self.vocabulary, self._title, self._abstract)

    @property
    def parts(self) -> IndexParts:
        """What was built, to keep (tui_reader.search.cache) and hand back to ``SearchIndex(papers, parts)``."""
        return IndexParts(self.vocabulary, self._title, self._abstract, self._compounds, self._acronyms.expansions)

    # -- searching ---------------------------------------------------------------------------------------

    def search(self, query: str, marks: Marks = None) -> SearchResult:
        """Ranked papers for ``query`` (syntax: ``tui_reader.search.query``).

        ``marks`` maps paper id -> an object with ``.read`` and ``.starred``; a missing id is unread, unstarred
        (what the filters may read of it: tui_reader.search.filters.Marks).
        """
        parsed = parse_query(query)
        if parsed.empty:
            return SearchResult(query, range(self.size), self.papers, (), parsed)
        base = np.ones(self.size, np.bool_)  # what the filters and exclusions leave
        for flt in parsed.filters:
            base &= FILTERS[flt.field].mask(self._tables, flt.value, flt.prefix, marks) != flt.exclude
        for term in parsed.excluded:
            if not term.phrase:  # the word and every word starting with it; no typo neighbours
                base &= self._word(term.words[0], True, typos=False, forms=False).scores == 0
        words = [t for t in parsed.terms if not t.phrase]
        phrases = [t for t in parsed.terms if t.phrase]
        hits = [self._word(t.words[0], t.prefix) for t in words]
        self._add_acronyms(words, hits)
        score = np.zeros(self.size, np.uint16)
        keep = base.copy()
        for found in hits:
            keep &= found.scores > 0
            score += found.scores
        matchers = [found.matcher for found in hits]
        for term in phrases:  # checked in the text of the papers still in the running: last
            found = self._phrase(term, keep)
            keep &= found.scores > 0
            score += found.scores
            matchers.append(found.matcher)
        keep &= self._without_phrases(parsed, keep)
        partial = not keep.any() and len(parsed.terms) > 1
        if partial:  # no paper has every term: those with the most of them, then the best scores
            matched = np.zeros(self.size, np.uint16)
            score[:] = 0
            for found in hits + [self._phrase(t, base) for t in phrases]:
                matched += found.scores > 0
                score += found.scores
            keep = base & (matched > 0)
            keep &= self._without_phrases(parsed, keep)
            np.minimum(score, 255, out=score)
            score |= matched << 8
        ranked = Positions.ranked(score, keep)  # as far as the rows asked for (tui_reader.search.ranking)
        result = SearchResult(query, ranked, self.papers, matchers, parsed)
        result.partial = partial and len(ranked) > 0
        return result

    def _without_phrases(self, parsed: Query, keep: np.ndarray) -> np.ndarray:
        """The papers of ``keep`` without any of the excluded phrases."""
        keep = keep.copy()
        for term in parsed.excluded:
            if term.phrase:
                keep &= self._phrase(term, keep).scores == 0
        return keep

    def _add_acronyms(self, terms: list[Term], hits: list[_Hits]) -> None:
        """Terms spelling out an acronym's expansion ("mixture of experts") also match papers with the acronym
        ("MoE"): each of them, for those papers, counts as matched as well as the acronym itself."""
        words = [t.words[0] for t in terms]
        longest = self._acronyms.longest
        i = 0
        while i < len(words):
            for n in range(min(longest, len(words) - i), 1, -1):
                acronym = self._acronyms.acronym(words[i : i + n])
                if acronym is not None:
                    extra = self._word(acronym, False, typos=False, forms=False)
                    linked = _as_quality(extra.scores, TYPO)
                    for j in range(i, i + n):
                        matcher = hits[j].matcher
                        matcher = Matcher(matcher.words | extra.matcher.words, matcher.prefixes, runs=matcher.runs)
                        hits[j] = _Hits(np.maximum(hits[j].scores, linked), matcher)
                    i += n - 1
                    break
            i += 1

    # -- words -------------------------------------------------------------------------------------------

    def _cached(self, key: CacheKey, make: Callable[[], _Hits]) -> _Hits:
        with self._lock:
            hits = self._cache.get(key)
            if hits is not None:
                self._cache.move_to_end(key)
                return hits
        hits = make()
        with self._lock:
            self._cache[key] = hits
            while len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
        return hits

    def _word(self, word: str, prefix: bool, typos: bool = True, forms: bool = True) -> _Hits:
        key = ("word", word, prefix, typos, forms)
        return self._cached(key, lambda: self._match_word(word, prefix, typos, forms))

    def _range(self, prefix: str) -> tuple[int, int]:
        """Vocabulary positions ``[lo, hi)`` of the words starting with ``prefix``."""
        lo = bisect_left(self.vocabulary, prefix)
        return lo, bisect_left(self.vocabulary, prefix + "\U0010ffff", lo)

    def _find(self, word: str) -> int | None:
        i = bisect_left(self.vocabulary, word)
        return i if i < len(self.vocabulary) and self.vocabulary[i] == word else None

    def _papers_with(self, lo: int, hi: int) -> int:
        """Postings of words ``lo..hi-1`` (roughly how many papers have them)."""
        return self._title.count(lo, hi) + self._abstract.count(lo, hi)

    def _match_word(self, word: str, prefix: bool, typos: bool, forms: bool) -> _Hits:
        ranges: list[tuple[int, int, int]] = []  # (lo, hi, quality): vocabulary positions
        exact = {word}
        starts: list[str] = []
        runs: list[tuple[str, ...]] = []
        if prefix:
            ranges.append((*self._range(word), COMPLETION))
            starts.append(word)
        if forms:
            for other in self._same_stem(word):
                ranges.append((other, other + 1, COMPLETION))
                exact.add(self.vocabulary[other])
        if (i := self._find(word)) is not None:
            ranges.append((i, i + 1, EXACT))
        own = sum(self._papers_with(lo, hi) for lo, hi, _ in ranges)
        # typo neighbours only stand in for unknown or rare words: "flow" must not bring "slow" and "low"; a short
        # word found at all ("moe") is meant as typed, not as "more"
        if typos and own < (10 + self.size // 1000 if len(word) >= _SHORT else 1):
            for lo, hi, start in self._typo_ranges(word, prefix):
                if self._papers_with(lo, hi) > 10 * own:
                    ranges.append((lo, hi, TYPO))
                    if start:
                        starts.append(start)
                    else:
                        exact.add(self.vocabulary[lo])
        scores = self._scatter(ranges)
        if forms:
            for found in exact & self._compounds.keys():  # "geometryaware": highlight "Geometry-Aware"
                runs.append(self._compounds[found])
            exact.update(w for found in list(exact) for w in self._compounds_with(found))  # "graph": "GraphCast"
            if (expansion := self._acronyms.expansion(word)) is not None:  # "moe": "mixture of experts"
                np.maximum(scores, self._all_words(expansion), out=scores)
                runs.append(expansion)
        return _Hits(scores, Matcher(frozenset(exact), tuple(starts), runs=tuple(runs)))

    def _same_stem(self, word: str) -> list[int]:
        """Vocabulary positions of the other words with the stem of ``word``."""
        (stem,) = stems([word])
        lo = bisect_left(self._stem_keys, stem)
        hi = bisect_right(self._stem_keys, stem, lo)
        return [i for i in self._stem_order[lo:hi].tolist() if self.vocabulary[i] != word]

    def _compounds_with(self, part: str) -> list[str]:
        """The compounds (split in the index) that hold ``part``: "graphcast" for "graph"."""
        with self._lock:
            if self._in_compounds is None:
                within: defaultdict[str, list[str]] = defaultdict(list)
                for joined, parts in self._compounds.items():
                    for p in parts:
                        within[p].append(joined)
                self._in_compounds = dict(within)
        return self._in_compounds.get(part, [])

    def _all_words(self, words: Sequence[str]) -> np.ndarray:
        """Scores of the papers having all the (not small) ``words`` in one field, as loosely as a typo: the
        title counts if it has them all, the abstract likewise."""
        title = np.ones(self.size, np.bool_)
        abstract = np.ones(self.size, np.bool_)
        for word in words:
            if word not in STOPWORDS:
                scores = self._word(word, False, typos=False, forms=False).scores
                title &= scores >= _TITLE
                abstract &= (scores % _TITLE) > 0
        return (title * (_TITLE * TYPO) + abstract * TYPO).astype(np.uint8)

    def _scatter(self, ranges: list[tuple[int, int, int]]) -> np.ndarray:
        title = np.zeros(self.size, np.uint8)
        abstract = np.zeros(self.size, np.uint8)
        for lo, hi, quality in sorted(ranges, key=lambda r: r[2]):  # better matches overwrite worse ones
            if hi > lo:
                self._title.mark(lo, hi, title, quality)
                self._abstract.mark(lo, hi, abstract, quality)
        title *= _TITLE
        title += abstract
        return title

    def _typo_ranges(self, word: str, prefix: bool) -> list[tuple[int, int, str]]:
        """``(lo, hi, start)``: words within reach of a typo of ``word`` (``start`` empty), and while the word is
        being typed, the words whose beginning ``start`` is within reach.

        The edits allowed depend on the longer of the two words (``scae`` is one edit from "scale"); between short
        words, the first letter may be missing, added or swapped with the second (``ata``, ``acn`` for "data",
        "can") but not replaced (``gna`` must not bring "dna" and "rna"), or every 3-letter word would bring dozens."""
        found: list[tuple[int, int, str]] = []
        if len(word) < 3:
            return found
        most = max_typos(len(word) + 2)
        for length in range(max(1, len(word) - most), len(word) + most + 1):
            k = max_typos(max(len(word), length))
            if abs(length - len(word)) > k:
                continue
            if length in self._by_length:
                words, positions = self._by_length[length]
                close = positions[words.close(word, k)].tolist()
                if max(len(word), length) < _SHORT:
                    close = [i for i in close if _same_start(word, self.vocabulary[i])]
                found.extend((i, i + 1, "") for i in close)
            if prefix and len(word) >= _SHORT and abs(length - len(word)) <= max_typos(len(word)):
                for start in self._prefix_tables.within(word, length, max_typos(len(word))):
                    found.append((*self._range(start), start))
        return found

    def similar(self, position: int, limit: int = LIKE_LIMIT) -> SearchResult:
        """The papers most like paper ``position``, best first (tui_reader.search.similar), with the words that
        weigh most highlighted."""
        return self._like.similar(position, limit)

    # -- phrases -----------------------------------------------------------------------------------------

    def _phrase(self, term: Term, keep: np.ndarray) -> _Hits:
        """Papers with the words in a row, checked in the text of the papers in ``keep`` that have them all."""
        key = ("phrase", term.words, term.prefix)
        with self._lock:
            done = self._cache.get(key)
            narrower = [h for k, h in self._cache.items() if _extends(term, k)]
        if done is not None:
            return done
        candidates = keep.copy()
        for hits in narrower:  # what was found while typing the phrase: the new one can only be rarer
            candidates &= hits.scores > 0
        *head, last = term.words
        words = [self._word(w, False, typos=False, forms=False) for w in head]
        words.append(self._word(last, term.prefix, typos=False, forms=False))
        for hits in words:
            candidates &= hits.scores > 0
        if term.prefix and np.count_nonzero(candidates) > self.PHRASE_CHECK_LIMIT:
            # still being typed ("neural t) and too common to check each paper's text on a keystroke: rank
            # the papers having all the words; the closing quote makes it exact
            mean = sum(h.scores.astype(np.uint16) for h in words) // len(words)
            scores = np.where(candidates, mean, 0).astype(np.uint8)
            return _Hits(scores, Matcher(frozenset(head), (last,)))
        pattern = re.compile(r"[\W_]+".join(map(re.escape, term.words)) + ("" if term.prefix else r"(?![^\W_])"))
        # a field can only hold the phrase if it holds each of its words: only those fields' texts are read
        in_title, in_abstract = candidates.copy(), candidates
        for hits in words:
            in_title &= hits.scores >= _TITLE
            in_abstract &= (hits.scores % _TITLE) > 0
        scores = np.zeros(self.size, np.uint8)
        found = np.flatnonzero(in_title)
        scores[found[_with_phrase(pattern, texts_at(self.papers, "title", found.tolist()))]] = EXACT * _TITLE
        found = np.flatnonzero(in_abstract)
        scores[found[_with_phrase(pattern, texts_at(self.papers, "abstract", found.tolist()))]] += EXACT
        hits = _Hits(scores, Matcher(phrase=term.words, phrase_prefix=term.prefix))
        if keep.all():  # checked against every paper: reusable for any later query
            self._cached(key, lambda: hits)
        return hits


def build_parts(papers: Sequence[Paper]) -> tuple[IndexParts, Counts]:
    """The index parts of ``papers`` (each title with its compounds' other forms added; the acronyms their
    abstracts define, each with its most frequent expansion), and those acronyms with their counts (an index merged
    from parts adds the parts' counts up: tui_reader.search.merge). The abstracts are read once, for both."""
    titles = list(in_slices(field_texts(papers, "title")))
    extra, parts = compounds(titles)
    for i, words in extra.items():
        titles[i] = f"{titles[i]} {words}"
    found: Counts = Counter()

    def count_acronyms(field: int, texts: Sequence[str]) -> None:
        if field == 1:  # the abstracts, a slice at a time as the postings read them
            found.update(acronyms_in(texts))

    vocabulary, (title, abstract) = build(titles, field_texts(papers, "abstract"), read=count_acronyms)
    return IndexParts(vocabulary, title, abstract, parts, best_expansions(found)), found


def _same_start(typed: str, word: str) -> bool:
    """Could one edit of ``word``, not replacing its first letter, be ``typed``?"""
    return typed[0] == word[0] or typed[1:] == word or typed == word[1:] or typed[:2] == word[1::-1]


def _as_quality(scores: np.ndarray, quality: int) -> np.ndarray:
    """The same matches, each field's at ``quality``."""
    return ((scores >= _TITLE) * (_TITLE * quality) + (scores % _TITLE > 0) * quality).astype(np.uint8)


def _with_phrase(pattern: re.Pattern[str], texts: list[str]) -> np.ndarray:
    """Positions of the texts in which ``pattern`` matches from the start of a word."""
    folded = [t if t.isascii() else t.encode("ascii", FOLD_ERRORS).decode() for t in texts]  # _scan lowers
    narrow = [i for i, t in enumerate(folded) if t.isascii()]  # nearly all: scanned together, fast
    hits = [narrow[i] for i in _scan(pattern, [folded[i] for i in narrow])]
    hits += [i for i, t in enumerate(folded) if not t.isascii() and _scan(pattern, [t])]
    return np.array(sorted(hits), np.int64)


def _scan(pattern: re.Pattern[str], texts: list[str]) -> list[int]:
    """One regex scan over the texts glued together (one call per text would be 5x slower). A look-behind
    for the word boundary would cost 20x more: it stops the scanner jumping to the first word's letters."""
    joined = "\n".join(texts).lower()
    starts = list(accumulate((len(t) + 1 for t in texts), initial=0))  # text i: joined[starts[i]:starts[i+1]-1]
    hits = []
    match = pattern.search(joined)
    while match is not None:
        at = match.start()
        i = bisect_right(starts, at) - 1
        if (at == starts[i] or not joined[at - 1].isalnum()) and match.end() < starts[i + 1]:
            hits.append(i)
            match = pattern.search(joined, starts[i + 1])  # on to the next text
        else:
            match = pattern.search(joined, at + 1)
    return hits


def _extends(term: Term, key: CacheKey) -> bool:
    """Is ``key`` a cached phrase that ``term`` continues (``"neural ta`` after ``"neural t``)?"""
    if key[0] != "phrase" or not key[2]:
        return False
    words = key[1]
    n = len(words)
    return (
        len(term.words) >= n
        and term.words[: n - 1] == words[:-1]
        and term.words[n - 1].startswith(words[-1])
        and (term.words, term.prefix) != (words, True)
    )
