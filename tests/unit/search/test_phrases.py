"""Phrases and exclusions: the words in a row, hyphenated terms, excluded words and excluded phrases."""

from __future__ import annotations

from tui_reader.search import SearchIndex, words_of

from .helpers import has_phrase, paper, titles, words_in


def test_exclusion_removes_the_word_and_longer_forms(index):
    found = titles(index, "-diffusion flow")
    assert "Stochastic Interpolants: A Unifying Framework for Flows and Diffusions" not in found
    for title in found:
        paper = next(p for p in index.papers if p.title == title)
        assert "diffusion" not in (paper.title + paper.abstract).lower()


def test_phrase_needs_the_words_in_a_row(index):
    found = titles(index, '"neural tangent"')
    for title in found:
        paper = next(p for p in index.papers if p.title == title)
        assert "neural tangent" in " ".join(words_of(paper.title + " " + paper.abstract))
    # both words, not in a row: found without quotes only
    loose = set(titles(index, "neural tangent"))
    assert set(found) < loose


def test_hyphenated_term_is_a_phrase(index):
    found = titles(index, "physics-informed")
    assert found and all("physics-informed" in t.lower() or "physics informed" in t.lower() for t in found[:5])


def test_excluded_phrase_drops_papers_with_the_words_in_a_row_only():
    papers = [
        paper("Neural Tangent Kernels", "We study the kernel."),  # the phrase in the title
        paper("Tangent Spaces of Neural Fields", "A neural model and its tangent bundle."),  # both words, apart
        paper("Kernel Methods", "Nothing related."),
        paper("Wide Networks", "In the limit the neural-tangent regime holds."),  # the phrase, hyphenated
        paper("Tangent Neural Fields", "Reversed order is not the phrase."),
    ]
    index = SearchIndex(papers)
    assert list(index.search('-"neural tangent"').indices) == [1, 2, 4]
    assert list(index.search('tangent -"neural tangent"').indices) == [1, 4]
    assert list(index.search('-"neural tangent" tangent').indices) == [1, 4]  # the same, in any order
    assert list(index.search('neural -"neural tangent" -"tangent neural"').indices) == [1]
    assert list(index.search('-"tangent spaces" -"kernel methods"').indices) == [0, 3, 4]


def test_excluded_phrase_on_the_seeds(index, papers):
    found = index.search('tangent -"neural tangent"').indices
    assert [papers[i].title for i in found] == [
        "Implicit Gaussian process representation of vector fields over arbitrary latent manifolds"
    ]
    kept = papers[found[0]]  # has both words, apart
    assert {"neural", "tangent"} <= words_in(kept)
    assert not has_phrase(kept.title, ("neural", "tangent")) and not has_phrase(kept.abstract, ("neural", "tangent"))
    with_phrase = [i for i, p in enumerate(papers) if has_phrase(p.title + " . " + p.abstract, ("neural", "tangent"))]
    assert len(with_phrase) == 7
    assert set(index.search('-"neural tangent"').indices) == set(range(len(papers))) - set(with_phrase)
