"""The search tests' fixtures: an index over the seed papers, and one over a few papers with authors and dates."""

from __future__ import annotations

import pytest

from tui_reader.search import SearchIndex

from .helpers import AUTHORED


@pytest.fixture(scope="module")
def papers(seeds_corpus):
    return seeds_corpus.papers


@pytest.fixture(scope="module")
def index(papers):
    return SearchIndex(papers)


@pytest.fixture(scope="module")
def authored():
    return SearchIndex(AUTHORED)
