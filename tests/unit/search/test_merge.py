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
from tui_reader.search.merge import merge, part_index

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
@given(corpora(), st.sampled_from([4, 8, 4096]))
def test_an_index_merged_from_parts_is_the_index_built_whole(corpus, common_from):
    papers, cuts = corpus
    # common_from: how many papers a corpus needs for common words to become bitmap rows (4096 in use); few
    # here, so that parts and the whole disagree on which words are bitmaps and parts start mid-byte
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "_COMMON_MIN_PAPERS", common_from)
        whole = SearchIndex(papers).parts
        parts = [part_index(papers[a:b]) for a, b in pairwise(cuts)]
        assert_same(merge(parts), whole)


def test_the_acronym_defined_most_often_over_all_the_parts_wins():
    once = "Mixture of Obscure Experts (MoE) " * 1
    papers = [
        Paper(id=f"p{i:011d}", title="t", abstract=text)
        for i, text in enumerate([once, once] + ["mixture of experts (MoE)"] * 3)
    ]
    # the first part alone would say "mixture of obscure experts"; the whole corpus says "mixture of experts"
    merged = merge([part_index(papers[:2]), part_index(papers[2:])])
    assert merged.acronyms == {"moe": ("mixture", "of", "experts")}
