"""Results as the app uses them: every paper for an empty query, positions as a sequence of ints, highlight spans."""

from __future__ import annotations

from tui_reader.search import Positions, fold


def test_empty_query_lists_everything_in_corpus_order(index):
    result = index.search("")
    assert isinstance(result.indices, range) and list(result.indices) == list(range(len(index.papers)))
    assert result.spans(0) == ((), ()) and result.error is None
    assert list(index.search("   ").indices) == list(range(len(index.papers)))


def test_indices_are_a_sequence_of_ints(index):
    result = index.search("learning")
    assert isinstance(result.indices, Positions) and len(result) == len(result.indices) > 50
    first = result.indices[0]
    assert type(first) is int and result.indices[:3] == [first, result.indices[1], result.indices[2]]
    assert list(result.indices)[5] == result.indices[5] and result.indices.index(result.indices[7]) == 7
    assert first in result.indices and len(index.papers) + 5 not in result.indices


def test_spans_cover_the_matching_words(index):
    result = index.search("gausian proces")
    for i in result.indices:
        paper = index.papers[i]
        for text, spans in zip((paper.title, paper.abstract), result.spans(i)):
            for start, end in spans:
                word = fold(text[start:end])
                assert word.startswith(("gaussian", "proces")), word
    title_spans = result.title_spans(result.indices[0])
    assert title_spans == result.spans(result.indices[0])[0] and len(title_spans) == 2


def test_phrase_spans_cover_the_whole_phrase(index):
    result = index.search('"neural tangent"')
    i = result.indices[0]
    title = index.papers[i].title
    assert [title[a:b] for a, b in result.spans(i)[0]] == ["Neural Tangent"]


def test_no_match_is_an_empty_result(index):
    result = index.search("qqqzzzxx")
    assert len(result) == 0 and list(result.indices) == [] and result.error is None
