"""The shortcuts a keystroke takes at a million papers give exactly what the plain way gives: the first rows of a
ranking without sorting every match, bitmap rows marked by a maximum, the beginnings of words cut with numpy, and
"more like this" added up a block of papers at a time. Each is checked against an order, a set or a sum worked
out here in plain Python."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.paper import Paper
from tui_reader.search import Positions, SearchIndex, words_of
from tui_reader.search import postings as postings_module
from tui_reader.search.postings import Postings, add_weights
from tui_reader.search.prefixes import PrefixTables
from tui_reader.search.ranking import best


def expected_order(score: list[int], keep: list[bool]) -> list[int]:
    """Highest score first, ties in position order: the ranking as a user sees it."""
    return sorted((p for p in range(len(score)) if keep[p]), key=lambda p: (-score[p], p))


scores_and_keep = st.integers(1, 300).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),  # few values: many ties
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@settings(max_examples=300, deadline=None)
@given(scores_and_keep, st.integers(0, 320))
def test_the_first_rows_are_those_of_the_whole_ranking(data, k):
    score, keep = data
    found = best(np.array(score, np.uint16), np.array(keep), k)
    assert found.tolist() == expected_order(score, keep)[:k]


@settings(max_examples=200, deadline=None)
@given(scores_and_keep, st.lists(st.integers(-400, 400), max_size=6))
def test_ranked_positions_read_like_the_sorted_list(data, asked):
    score, keep = data
    expected = expected_order(score, keep)
    positions = Positions.ranked(np.array(score, np.uint16), np.array(keep))
    for at in asked:  # rows asked for in any order, before the whole order is known
        if -len(expected) <= at < len(expected):
            assert positions[at] == expected[at]
        else:
            with pytest.raises(IndexError):
                positions[at]
        assert positions[: abs(at)] == expected[: abs(at)]
        assert positions[abs(at) : abs(at) + 3] == expected[abs(at) : abs(at) + 3]
    assert len(positions) == len(expected)
    assert all((p in positions) == keep[p] for p in range(len(score)))
    assert list(positions) == expected and positions.array.tolist() == expected
    assert positions[::-1] == expected[::-1]


def test_a_big_ranking_answers_its_first_rows_before_sorting_them_all():
    rng = np.random.default_rng(7)
    score = rng.integers(0, 4, 20_000).astype(np.uint16)
    keep = rng.random(20_000) < 0.9
    expected = expected_order(score.tolist(), keep.tolist())
    positions = Positions.ranked(score, keep)
    assert positions[:50] == expected[:50] and positions[3] == expected[3]
    assert positions._array is None  # the rest is not sorted yet
    assert positions[5_000] == expected[5_000] and positions[-1] == expected[-1]
    assert list(positions) == expected


def synthetic_postings(size: int, papers_of: list[set[int]], common: set[int]) -> Postings:
    """Postings of words ``0..len(papers_of)-1``: the ``common`` ones as bitmap rows, the others as lists."""
    counts = [0 if w in common else len(papers_of[w]) for w in range(len(papers_of))]
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    flat = [p for w in range(len(papers_of)) if w not in common for p in sorted(papers_of[w])]
    rows = sorted(common)
    bits = np.zeros((len(rows), (size + 7) // 8), np.uint8)
    for r, w in enumerate(rows):
        for p in papers_of[w]:
            bits[r, p // 8] |= 1 << (p % 8)
    return Postings(
        size,
        offsets,
        np.array(flat, np.uint32),
        np.array(rows, np.int64),
        bits,
        np.array([len(papers_of[w]) for w in rows], np.int64),
    )


@st.composite
def corpora(draw):
    size = draw(st.integers(1, 90))
    words = draw(st.integers(1, 8))
    papers_of = [draw(st.sets(st.integers(0, size - 1))) for _ in range(words)]
    common = draw(st.sets(st.integers(0, words - 1)))
    return size, papers_of, common


@settings(max_examples=300, deadline=None)
@given(corpora(), st.data())
def test_marking_word_ranges_from_the_lowest_value_up_leaves_the_best_value(corpus, data):
    size, papers_of, common = corpus
    postings = synthetic_postings(size, papers_of, common)
    ranges = data.draw(st.lists(st.tuples(st.integers(0, len(papers_of)), st.integers(0, len(papers_of))), max_size=5))
    values = sorted(data.draw(st.lists(st.integers(1, 15), min_size=len(ranges), max_size=len(ranges))))
    out = np.zeros(size, np.uint8)
    expected = [0] * size
    for (lo, hi), value in zip(ranges, values, strict=True):
        lo, hi = min(lo, hi), max(lo, hi)
        postings.mark(lo, hi, out, value)
        for w in range(lo, hi):
            for p in papers_of[w]:
                expected[p] = value
    assert out.tolist() == expected
    words = np.arange(len(papers_of), dtype=np.int64)
    assert postings.counts(words).tolist() == [len(s) for s in papers_of]


@settings(max_examples=300, deadline=None)
@given(corpora(), st.data(), st.sampled_from([8, 16, 1 << 17]))
def test_weights_added_a_block_at_a_time_make_the_same_float32_sums(corpus, data, block):
    size, papers_of, common = corpus
    title = synthetic_postings(size, papers_of, common)
    abstract = synthetic_postings(size, papers_of[::-1], set())  # another field: every word a list
    picks = data.draw(st.lists(st.tuples(st.booleans(), st.integers(0, len(papers_of) - 1)), max_size=10))
    weights = data.draw(st.lists(st.floats(0.01, 30, allow_nan=False), min_size=len(picks), max_size=len(picks)))
    terms = [(title if t else abstract, w, x) for (t, w), x in zip(picks, weights, strict=True)]
    out = np.zeros(size, np.float32)
    original, postings_module._BLOCK = postings_module._BLOCK, block  # small blocks: many, and a last part
    try:
        add_weights(out, terms)
    finally:
        postings_module._BLOCK = original
    expected = [np.float32(0)] * size  # each paper's sum, one float32 addition at a time, in the terms' order
    for (is_title, w), weight in zip(picks, weights, strict=True):
        having = papers_of[w] if is_title else papers_of[::-1][w]
        for p in having:
            expected[p] = np.float32(expected[p] + np.float32(weight))
    assert out.tobytes() == np.array(expected, np.float32).tobytes()


def test_beginnings_of_longer_words_written_out():
    vocabulary = sorted(
        ["gra", "grad", "gradient", "graph", "graphcast", "graphs", "über", "überall", "übung", "zeta", "x" * 20]
    )
    tables = PrefixTables(vocabulary)
    assert tables.table(3) == ["gra", "xxx", "zet", "übe", "übu"]  # code point order: "ü" after "z"
    assert tables.table(4) == ["grad", "grap", "xxxx", "über", "übun"]
    assert tables.table(17) == ["x" * 17]
    assert tables.table(25) == []


words = st.text(alphabet="abcdeéz0ß", min_size=1, max_size=22)


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=40, unique=True), st.integers(1, 24))
def test_beginnings_are_every_distinct_beginning_in_order(vocabulary, length):
    vocabulary.sort()
    expected = sorted({w[:length] for w in vocabulary if len(w) > length})
    assert PrefixTables(vocabulary).table(length) == expected


texts = st.lists(st.sampled_from(["ab", "abc", "cd", "Ab", "x"]), max_size=6).flatmap(
    lambda words: st.lists(st.sampled_from([" ", "-", ", ", "_", " ("]), min_size=len(words), max_size=len(words)).map(
        lambda cuts: "".join(c + w for c, w in zip(cuts, words, strict=True))
    )
)


def holds(text: str, words: tuple[str, ...], prefix: bool) -> bool:
    """The words in a row in the text (the last one only begun, for a phrase still being typed)."""
    found = words_of(text)
    n = len(words)
    return any(
        tuple(found[i : i + n - 1]) == words[:-1]
        and (found[i + n - 1] == words[-1] or (prefix and found[i + n - 1].startswith(words[-1])))
        for i in range(len(found) - n + 1)
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(texts, texts), min_size=1, max_size=12),
    st.lists(st.sampled_from(["ab", "abc", "cd", "a", "x"]), min_size=2, max_size=3),  # one word is no phrase
    st.booleans(),
)
def test_a_phrase_is_found_in_each_field_that_holds_it(fields, words, closed):
    """Only the fields holding every word of a phrase are read for it: the same papers, title matches first."""
    papers = [Paper(id=f"p{i}", title=t, abstract=a) for i, (t, a) in enumerate(fields)]
    query = '"' + " ".join(words) + ('"' if closed else "")
    phrase = tuple(words)
    score = [12 * holds(p.title, phrase, not closed) + 3 * holds(p.abstract, phrase, not closed) for p in papers]
    expected = expected_order(score, [s > 0 for s in score])
    assert list(SearchIndex(papers).search(query).indices) == expected
