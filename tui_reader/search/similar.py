"""More like this: the papers sharing the most distinctive words with one paper, ranked by BM25 over the
index's postings (tui_reader.search.index builds them; ``SearchIndex.similar`` asks here)."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from tui_reader.paper import Paper
from tui_reader.search import similar_top
from tui_reader.search.forms import STOPWORDS
from tui_reader.search.postings import Postings, add_weights
from tui_reader.search.query import Query
from tui_reader.search.results import Matcher, Positions, SearchResult
from tui_reader.search.text import words_of
from tui_reader.search.texts import text_lengths

__all__ = ["LIKE_LIMIT", "Similarity"]

LIKE_LIMIT = 100  # papers "more like this" lists


class Similarity:
    """BM25 over the first ``size`` of ``papers``, given the index's vocabulary and postings per field."""

    def __init__(
        self, papers: Sequence[Paper], size: int, vocabulary: list[str], title: Postings, abstract: Postings
    ) -> None:
        self.papers = papers
        self.size = size
        self.vocabulary = vocabulary
        self._title = title
        self._abstract = abstract
        # each paper's length over the average (title and abstract, in characters): BM25's length norm, computed
        # when the index is made (~20 ms at 100k papers) so that the first "more like this" is as quick as the next
        norm = text_lengths(papers, size)  # float32, made here: changed in place, no other array of 4 MB
        norm /= max(1.0, float(norm.mean())) if size else 1.0  # the length over the average
        norm *= 0.5
        norm += 0.5  # 0.5 + 0.5 * length ratio: what each paper's sum is divided by
        self._norm = norm

    def similar(self, position: int, limit: int = LIKE_LIMIT) -> SearchResult:
        """The papers most like paper ``position``, best first: BM25 over the words of its title and abstract
        (a word's weight grows with how rare it is in the corpus; a title word counts twice, in either paper), with
        the words that weigh most highlighted."""
        paper = self.papers[position]
        title_words = set(words_of(paper.title))
        counts: defaultdict[int, float] = defaultdict(float)
        for word in words_of(paper.title + " " + paper.abstract):
            if word not in STOPWORDS and (i := self._find(word)) is not None:
                counts[i] += 1.0 + (word in title_words)
        weights: list[tuple[float, str]] = []
        terms: list[tuple[Postings, int, float]] = []  # what is added to the scores, in this order
        words = np.fromiter(counts, np.int64, len(counts))
        having = np.maximum(self._title.counts(words), self._abstract.counts(words)).tolist()  # papers, about
        for (i, count), have in zip(counts.items(), having, strict=True):
            if have <= 1 or have > self.size // 4:  # only this paper, or too common to tell papers apart
                continue
            weight = float(np.log(1 + (self.size - have + 0.5) / (have + 0.5))) * (1 + np.log(count))
            weights.append((weight, self.vocabulary[i]))
            terms += [(self._abstract, i, weight), (self._title, i, weight)]
        best = similar_top.best(terms, self._norm, position, limit)
        if best is None:  # two of the best scoring the same, or too few scoring above 0: score every paper
            best = self._score_all(terms, position, limit)
        shown = frozenset(w for _, w in sorted(weights, reverse=True)[:8])
        return SearchResult("", Positions(best.astype(np.uint32)), self.papers, [Matcher(shown)], Query(""))

    def _score_all(self, terms: list[tuple[Postings, int, float]], position: int, limit: int) -> np.ndarray:
        """The ``limit`` best of every paper's score (BM25 of ``terms``), best first; ties in the order in which
        numpy's selection leaves them."""
        score = np.zeros(self.size, np.float32)
        add_weights(score, terms)
        score /= self._norm
        score[position] = 0
        best = np.argpartition(-score, min(limit, self.size - 1))[:limit] if self.size > limit else np.arange(self.size)
        best = best[score[best] > 0]
        return best[np.argsort(-score[best], kind="stable")]

    def _find(self, word: str) -> int | None:
        i = bisect_left(self.vocabulary, word)
        return i if i < len(self.vocabulary) and self.vocabulary[i] == word else None
