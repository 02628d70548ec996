"""Typos: one or two edits forgiven by the length of the words, swapped letters as one edit, short words keeping their
first letter, and known words not pulling in their neighbours."""

from __future__ import annotations

from tui_reader.search import SearchIndex, words_of
from tui_reader.search.query import max_typos

from .helpers import paper, titles


def test_typo_finds_every_paper_with_the_word(index, papers):
    with_diffusion = {p.title for p in papers if "diffusion" in (p.title + p.abstract).lower()}
    assert set(titles(index, "difusion")) == with_diffusion
    assert len(with_diffusion) == 8


def test_known_words_do_not_pull_in_typo_neighbours(index):
    """'flow' is a real word: papers that only say 'low' or 'slow' must not appear."""
    for i in index.search("flow").indices:
        paper = index.papers[i]
        assert any(w.startswith("flow") for w in words_of(paper.title + " " + paper.abstract))


def test_swapped_letters_count_as_one_typo(index):
    expected = "Neural Tangent Kernel: Convergence and Generalization in Neural Networks"
    assert titles(index, "nueral tangnet")[0] == expected


def test_short_word_typos_are_found_by_the_candidates_length():
    """``scae`` (4 letters) got no tolerance although it is one deletion from "scale"; ``lmm`` is one swap from
    "llm"; a short typo keeps its first letter, and exact words rank first."""
    papers = [paper("Scale Laws"), paper("LLM Agents"), paper("Deep Nets"), paper("Keep It"), paper("Lmm Exact")]
    index = SearchIndex(papers)
    assert list(index.search("scae ").indices) == [0]
    assert list(index.search("depe ").indices) == [2]  # not "keep": another first letter
    assert list(index.search("lmm ").indices) == [4]  # a word found as typed brings no neighbours
    index = SearchIndex([paper("GAN Training"), paper("DNA Folding"), paper("Nag Screens")])
    assert list(index.search("gna ").indices) == [0]  # "gan": swapped; not "dna" (another first letter)


def test_edits_forgiven_grow_with_the_word_length() -> None:
    assert [max_typos(n) for n in (1, 2, 3, 8, 9, 12)] == [0, 0, 1, 1, 2, 2]
    index = SearchIndex([paper("Diffusion Models"), paper("Abstracts Matter")])
    assert titles(index, "difusoin ") == ["Diffusion Models"]  # 9 letters: two edits forgiven
    assert titles(index, "abstrcts ") == ["Abstracts Matter"]
