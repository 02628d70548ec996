"""The index of a big file is merged from the indexes of its parts (each built by the process that imported the
part): searches must answer exactly as with the index built over all the papers at once, so the merged arrays
must be those arrays, whatever the corpus and wherever the parts are cut (the whole build is the reference)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.paper import Paper
from tui_reader.search import SearchIndex, postings
from tui_reader.search import merge as merge_module
from tui_reader.search.index import build_parts
from tui_reader.search.merge import merge

# words of every kind the index treats apart: small words, compounds both ways, accents, digits, an acronym
# and its expansion (defined in two ways, so the most frequent one must win over the parts alike)
WORDS = ["the", "of", "a", "graph", "Graph", "neural", "model", "Schrödinger", "x2", "ODE", "flow", "cast"]
PIECES = [
    *WORDS,
    "graph-aware",
    "grap-haware",  # the same compound as graph-aware, other parts: the last found is kept
    "GraphCast",
    "Physics-Informed",
    "mixture of experts (MoE)",
    "Mixture of Obscure Experts (MoE)",
    "large language models (LLMs)",
    "½",
]


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[Paper], list[int]]:
    size = draw(st.integers(1, 60))
    texts = st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join)
    papers = [Paper(id=f"p{i:011d}", title=draw(texts), abstract=draw(texts)) for i in range(size)]
    cuts = draw(st.lists(st.integers(0, size), max_size=3))
    return papers, sorted({0, size, *cuts})


def assert_same(merged, whole) -> None:
    assert merged.vocabulary == whole.vocabulary
    for field in ("title", "abstract"):
        a, b = getattr(merged, field), getattr(whole, field)
        assert a.size == b.size
        for name in ("offsets", "papers", "common", "bits", "common_counts"):
            x, y = getattr(a, name), getattr(b, name)
            assert x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y), f"{field}.{name}"
    assert list(merged.compounds.items()) == list(whole.compounds.items())
    assert list(merged.acronyms.items()) == list(whole.acronyms.items())


@settings(max_examples=100, deadline=None)
@given(corpora(), st.sampled_from([4, 8, 4096]), st.sampled_from([1, 3, 64, merge_module.MERGE_BLOCK]))
def test_an_index_merged_from_parts_is_the_index_built_whole(corpus, common_from, block):
    papers, cuts = corpus
    # common_from: how many papers a corpus needs for common words to become bitmap rows (4096 in use); few
    # here, so that parts and the whole disagree on which words are bitmaps and parts start mid-byte. block: the
    # postings copied at a time (a word with more than that is a block of its own)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "_COMMON_MIN_PAPERS", common_from)
        patch.setattr(merge_module, "MERGE_BLOCK", block)
        whole = SearchIndex(papers).parts
        parts = [build_parts(papers[a:b]) for a, b in pairwise(cuts)]
        assert_same(merge(parts), whole)


def test_the_acronym_defined_most_often_over_all_the_parts_wins():
    once = "Mixture of Obscure Experts (MoE) " * 1
    papers = [
        Paper(id=f"p{i:011d}", title="t", abstract=text)
        for i, text in enumerate([once, once] + ["mixture of experts (MoE)"] * 3)
    ]
    # the first part alone would say "mixture of obscure experts"; the whole corpus says "mixture of experts"
    merged = merge([build_parts(papers[:2]), build_parts(papers[2:])])
    assert merged.acronyms == {"moe": ("mixture", "of", "experts")}


def test_word_blocks_cover_every_word_once_each_within_the_limit_or_a_word_alone():
    offsets = np.array([0, 2, 2, 5, 30, 31, 33, 40])  # words of 2, 0, 3, 25, 1, 2, 7 papers
    assert merge_module._word_blocks(offsets, 4) == [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]
    assert merge_module._word_blocks(offsets, 100) == [(0, 7)]
    assert merge_module._word_blocks(np.array([0, 0, 0]), 4) == [(0, 2)]


@given(st.lists(st.integers(0, 9), max_size=30), st.integers(1, 12))
def test_word_blocks_hold_at_most_the_limit_or_one_word(sizes, most):
    offsets = np.array([0, *np.cumsum(sizes, dtype=np.int64)], np.int64)
    blocks = merge_module._word_blocks(offsets, most)
    assert [lo for lo, _ in blocks] + [len(sizes)] == [0] + [hi for _, hi in blocks] or not sizes
    for lo, hi in blocks:
        assert lo < hi and (sum(sizes[lo:hi]) <= most or hi == lo + 1)


def test_the_acronyms_of_every_slice_of_abstracts_are_counted_once():
    """The abstracts are read once, a slice of 1,024 papers at a time, for the postings and the acronyms alike:
    definitions in the second and third slices count, and each counts once."""
    abstracts = ["Plain words."] * 2500
    abstracts[5] = "A mixture of experts (MoE) routes tokens."
    abstracts[1500] = "The model of everything (MoE) again."
    abstracts[2400] = "A model of everything (MoE) and large language models (LLMs)."
    papers = [Paper(id=f"p{i:011d}", title=f"Paper {i}", abstract=text) for i, text in enumerate(abstracts)]
    parts, counts = build_parts(papers)
    assert dict(counts) == {
        ("moe", ("mixture", "of", "experts")): 1,
        ("moe", ("model", "of", "everything")): 2,
        ("llm", ("large", "language", "models")): 1,
    }
    assert parts.acronyms == {"moe": ("model", "of", "everything"), "llm": ("large", "language", "models")}
