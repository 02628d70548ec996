"""Papers kept on disk: the index reads their titles and abstracts from the texts they offer, without making a
Paper of each, and answers exactly as over a plain list of the same papers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType, SimpleNamespace

import numpy as np
import pytest

from tui_reader.paper import Paper
from tui_reader.paper_set import PaperSet
from tui_reader.search import SearchIndex
from tui_reader.search.cache import cached_index

QUERIES = ["diffusion", "difusion mod", '"neural tangent"', '"score matc', "-diffusion flow", "moe", "geometryaware"]


class _Texts(Sequence[str]):
    """A field's texts, as a store decodes them: a slice at a time (counted)."""

    def __init__(self, papers: list[Paper], field: str, reads: list[str]) -> None:
        self._texts = [getattr(p, field) for p in papers]
        self._reads = reads

    def __getitem__(self, index):
        self._reads.append("one" if isinstance(index, int) else "slice")
        return self._texts[index]

    def __len__(self) -> int:
        return len(self._texts)


class Stored(Sequence[Paper]):
    """What a set of stored papers offers the search: texts, their lengths, a content key, ids as a Mapping; and
    a Paper only on demand (counted: the index must not ask for one per paper)."""

    def __init__(self, papers: list[Paper], key: bytes | None = b"version 1") -> None:
        self._papers = papers
        self.made = 0
        self.reads: list[str] = []
        self.key = key
        self.ids: Mapping[str, int] = MappingProxyType({p.id: i for i, p in enumerate(papers)})

    def __getitem__(self, index):
        self.made += 1 if isinstance(index, int) else len(range(*index.indices(len(self))))
        return self._papers[index]

    def __len__(self) -> int:
        return len(self._papers)

    def texts(self, field: str) -> Sequence[str]:
        return _Texts(self._papers, field, self.reads)

    def text_lengths(self) -> np.ndarray:
        return np.array([len(p.title) + len(p.abstract) for p in self._papers], np.int64)

    def content_key(self) -> bytes | None:
        return self.key


@pytest.fixture
def papers(seeds_corpus):
    return seeds_corpus.papers


def answers(index, marks=None) -> list[list[int]]:
    found = [list(index.search(q, marks).indices) for q in QUERIES]
    return found + [list(index.similar(p).indices) for p in (0, 100)]


def test_an_index_of_stored_papers_makes_no_paper_and_answers_as_over_the_list(papers):
    stored = Stored(papers)
    index = SearchIndex(stored)
    assert set(stored.reads) == {"slice"}, "the texts were read one by one to build the index"
    found = [list(index.search(q).indices) for q in QUERIES]
    assert stored.made == 0, "a Paper was made for the index or a search"
    assert found == [list(SearchIndex(papers).search(q).indices) for q in QUERIES]
    assert answers(index) == answers(SearchIndex(papers))  # more like this reads the one paper asked about
    assert stored.made == 2


def test_stored_papers_give_their_content_key_and_a_new_key_is_a_new_index(papers, files, tmp_path, count_builds):
    expected = answers(SearchIndex(papers))
    count_builds.clear()
    stored = Stored(papers)
    cached_index(stored, files, tmp_path)
    again = cached_index(stored, files, tmp_path)
    assert len(count_builds) == 1 and answers(again) == expected
    assert stored.made == 2  # the two "more like this" papers: the key named the texts, none was read
    cached_index(Stored(papers, key=b"version 2"), files, tmp_path)
    assert len(count_builds) == 2, "an index of another version of the papers was used"


def test_papers_without_a_key_are_named_by_their_texts(papers, files, tmp_path, count_builds):
    cached_index(Stored(papers, key=None), files, tmp_path)
    cached_index(Stored(papers, key=None), files, tmp_path)
    assert len(count_builds) == 1
    edited = list(papers)
    edited[7] = Paper(edited[7].id, edited[7].title, edited[7].abstract + " zyzzogeton")
    index = cached_index(Stored(edited, key=None), files, tmp_path)
    assert len(count_builds) == 2 and list(index.search("zyzzogeton").indices) == [7]


def test_filters_by_id_read_the_ids_mapping_of_stored_papers(papers):
    stored = Stored(papers)
    marks = {papers[3].id: SimpleNamespace(read=True, starred=True)}
    index = SearchIndex(stored)
    assert list(index.search("is:starred", marks).indices) == [3]
    assert stored.made == 0


def test_papers_added_after_the_index_was_built_are_left_out_of_filters_by_id(papers):
    """The reader's papers grow while an index of the first ones is in use: a mark on a paper past the index
    is not a position of it (it was an IndexError)."""
    grown = PaperSet(papers[:50])
    index = SearchIndex(grown)
    grown.add(papers[50:60])
    marks = {papers[55].id: SimpleNamespace(read=True, starred=True), papers[5].id: SimpleNamespace(starred=True)}
    assert list(index.search("is:starred", marks).indices) == [5]
    assert len(index.search("is:unstarred", marks)) == 49
