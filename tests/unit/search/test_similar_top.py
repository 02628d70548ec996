""" "More like this" scores only the papers that can be among the best, yet lists exactly what scoring every paper
lists: the same papers in the same order, papers scoring the same included. The reference here is the way it was
written before the shortcut: every paper's float32 sum, divided by its length norm, the best picked by numpy."""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.paper import Paper
from tui_reader.search import SearchIndex, similar_top, words_of
from tui_reader.search.forms import STOPWORDS
from tui_reader.search.postings import add_weights
from tui_reader.search.texts import text_lengths


def every_paper_scored(index: SearchIndex, position: int, limit: int) -> list[int]:
    """The papers most like paper ``position``: every paper's BM25 score, as "more like this" made it before."""
    score = scores(index, position)
    size = len(score)
    best = np.argpartition(-score, min(limit, size - 1))[:limit] if size > limit else np.arange(size)
    best = best[score[best] > 0]
    return best[np.argsort(-score[best], kind="stable")].tolist()


def scores(index: SearchIndex, position: int) -> np.ndarray:
    """Every paper's score against paper ``position`` (float32), as "more like this" made them before."""
    papers, parts = index.papers, index.parts
    vocabulary, title, abstract = parts.vocabulary, parts.title, parts.abstract
    size = len(papers)
    lengths = text_lengths(papers, size)
    length_ratio = lengths / max(1.0, float(lengths.mean()))
    paper = papers[position]
    title_words = set(words_of(paper.title))
    counts: defaultdict[int, float] = defaultdict(float)
    for word in words_of(paper.title + " " + paper.abstract):
        i = bisect_left(vocabulary, word)
        if word not in STOPWORDS and i < len(vocabulary) and vocabulary[i] == word:
            counts[i] += 1.0 + (word in title_words)
    score = np.zeros(size, np.float32)
    terms = []
    words = np.fromiter(counts, np.int64, len(counts))
    having = np.maximum(title.counts(words), abstract.counts(words)).tolist()
    for (i, count), have in zip(counts.items(), having, strict=True):
        if have <= 1 or have > size // 4:
            continue
        weight = float(np.log(1 + (size - have + 0.5) / (have + 0.5))) * (1 + np.log(count))
        terms += [(abstract, i, weight), (title, i, weight)]
    add_weights(score, terms)
    score /= 0.5 + 0.5 * length_ratio
    score[position] = 0
    return score


SYLLABLES = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "ze"]


def corpus(n: int, seed: int) -> tuple[list[Paper], list[int]]:
    """``n`` papers of made-up words, a few words very common (bitmap rows from 4096 papers on), most rare; one
    paper in 20 is another's copy and one in 20 another's words shuffled (same words, same length: same scores).
    Also the positions of the papers that have a twin."""
    rng = random.Random(seed)
    words = sorted({rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + rng.choice(SYLLABLES) for _ in range(900)})
    often = [1.0 / (k + 1) ** 1.1 for k in range(len(words))]  # a few words in a quarter of the papers, most rare
    papers: list[Paper] = []
    twins: list[int] = []
    while len(papers) < n:
        k = len(papers)
        if k > 10 and rng.random() < 0.1:
            j = rng.randrange(k)
            title, abstract = papers[j].title, papers[j].abstract
            if rng.random() < 0.5:
                shuffled = abstract.split()
                rng.shuffle(shuffled)
                abstract = " ".join(shuffled)
            twins += [j, k]
        else:
            title = " ".join(rng.choices(words, often, k=rng.randint(2, 6)))
            abstract = " ".join(rng.choices(words, often, k=rng.randint(5, 40)))
        papers.append(Paper(f"p{k}", title, abstract))
    return papers, twins


@pytest.fixture(scope="module", autouse=True)
def shortcut_at_any_size():
    """The shortcut is taken from a quarter of a million papers on; here, for these few thousand too."""
    fewest, similar_top._FEWEST = similar_top._FEWEST, 0
    yield
    similar_top._FEWEST = fewest


@pytest.fixture(scope="module")
def indexes() -> list[tuple[SearchIndex, list[int]]]:
    built = []
    for n, seed in ((4500, 1), (700, 2)):  # with bitmap rows, and without
        papers, twins = corpus(n, seed)
        built.append((SearchIndex(papers), twins))
    return built


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_more_like_this_lists_what_scoring_every_paper_lists(indexes, data):
    index, twins = data.draw(st.sampled_from(indexes))
    pick = st.sampled_from(twins) if data.draw(st.booleans()) else st.integers(0, len(index.papers) - 1)
    position = data.draw(pick)
    limit = data.draw(st.sampled_from([1, 2, 3, 5, 10, 40, 100]))
    assert list(index.similar(position, limit).indices) == every_paper_scored(index, position, limit)


def test_the_shortcut_answers_alone_when_no_two_of_the_best_tie(indexes, monkeypatch):
    """The shortcut is not handing every question to the full pass: where the best scores all differ (papers
    without a twin), it finds the best itself."""
    index, _ = indexes[0]
    answers = []
    shortcut = similar_top.best

    def noting(*args, **kwargs):
        answers.append(shortcut(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(similar_top, "best", noting)
    alone = [p for p in range(0, len(index.papers), 50) if all_differ(np.sort(scores(index, p))[-11:])][:20]
    assert len(alone) == 20
    for position in alone:
        assert list(index.similar(position, 10).indices) == every_paper_scored(index, position, 10)
    assert all(a is not None for a in answers)


def all_differ(values: np.ndarray) -> bool:
    return len(set(values.tolist())) == len(values) and values[0] > 0
