"""Word forms: the prefix being typed, accents, plurals and other forms of a stem, compounds joined or split, and
acronyms linked to their expansions, on the seeds and on hand-made papers."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tui_reader.search import SearchIndex, words_of
from tui_reader.search.forms import acronyms_in, best_expansions, compounds

from .helpers import paper, position, titles, top, words_in


def test_accents_fold_both_ways(index):
    assert titles(index, "schrodinger")[0] == "Light Schrödinger Bridge"
    assert titles(index, "Schrödinger")[0] == "Light Schrödinger Bridge"
    result = index.search("schrodinger")
    i = result.indices[0]
    ((start, end),) = result.spans(i)[0]
    assert index.papers[i].title[start:end] == "Schrödinger"


def test_prefix_of_the_last_term(index):
    found = titles(index, "diff")
    assert "Image generation with shortest path diffusion" in found
    assert "Differentiability and Optimization of Multiparameter Persistent Homology" in found
    # a finished term (followed by more) is a word, not a prefix
    assert "Differentiability and Optimization of Multiparameter Persistent Homology" not in titles(index, "diff model")


@pytest.mark.parametrize("query", ["net ", "net deep", "deep net "])
def test_plural_of_a_short_word_is_found(query):
    papers = [
        paper("Deep Nets Generalise", "Why deep models work."),
        paper("Network Pruning", "Deep sparse models."),  # "net" starts the word, but is not the word
        paper("Deep Cash Flow", "A net gain."),
        paper("Fishing", "Deep sea fishing uses nets."),
    ]
    found = list(SearchIndex(papers).search(query).indices)
    assert found == [0, 2, 3]


def test_plural_of_a_common_word_is_found_without_typo_tolerance():
    """``graph`` is common here (12 papers), so typo neighbours are off: only the plural rule finds "graphs"."""
    papers = [paper(f"Study {i}", "On a graph.") for i in range(12)]
    papers += [paper("Graphs Everywhere", "Nodes and edges."), paper("Grape Harvest", "Unrelated.")]
    papers += [paper("Many Classes", "Labels."), paper("One Class", "Label."), paper("Classical", "Music.")]
    index = SearchIndex(papers)
    assert list(index.search("graph ").indices) == [12, *list(range(12))]
    assert list(index.search("class ").indices) == [15, 14]  # "classes": the plural in -es


def test_plurals_on_the_seeds(index, papers):
    nets = index.search("net ").indices
    plural_only = position(papers, "PINN surrogate of Li-ion battery models for parameter inference")
    assert "nets" in words_in(papers[plural_only]) and "net" not in words_in(papers[plural_only])
    assert plural_only in nets
    for i in nets:  # the word or its plural (alone or in a camel-case name: SkyReconNet), never "network"
        camel_parts = {w.lower() for w in re.findall(r"[A-Z][a-z]+", papers[i].title)}
        assert {"net", "nets"} & (words_in(papers[i]) | camel_parts), papers[i].title
    only_plural = [i for i, p in enumerate(papers) if "processes" in words_in(p) and "process" not in words_in(p)]
    assert len(only_plural) == 8
    assert set(only_plural) <= set(index.search("process ").indices)


def test_a_word_finds_its_other_forms_by_stem(index):
    """Only plurals were folded: "unleash" found nothing, "transformer" missed "Transformers"."""
    assert top(index, "unleash", 1) == [
        "Polynomial Composition Activations: Unleashing the Dynamics of Large Language Models"
    ]
    found = index.search("transformer ")
    assert any("transformers" in words_of(index.papers[i].title) for i in found.indices)
    i = next(i for i in found.indices if "Transformers" in index.papers[i].title)
    ((start, end), *_) = found.spans(i)[0]
    assert index.papers[i].title[start:end].lower().startswith("transformer")  # highlighted, other form and all


def test_hyphenated_and_camel_case_words_are_indexed_joined_and_split():
    papers = [paper("Geometry-Aware Adaptation"), paper("GraphCast Forecasts"), paper("Plain Words")]
    index = SearchIndex(papers)
    result = index.search("geometryaware")
    assert list(result.indices) == [0]
    assert result.spans(0)[0] == ((0, 14),)  # "Geometry-Aware" highlighted whole
    assert list(index.search("graph ").indices) == [1]
    assert list(index.search("cast ").indices) == [1]
    assert compounds(["Geometry-Aware x", "GraphCast", "MoE NeRF"])[0] == {0: "geometryaware", 1: "graph cast"}


def test_acronyms_link_both_ways():
    """ "MoE" found 1 paper while "mixture of experts" found 3: the corpus' own definitions link them."""
    papers = [
        paper("Sparse MoE Layers", "Routing tokens."),
        paper("Scaling Laws", "A Mixture of Experts (MoE) model with many experts."),
        paper("Mixture of Experts for Vision", "Gating networks."),
        paper("Mixtures Everywhere", "A mixture model."),
    ]
    index = SearchIndex(papers)
    assert set(index.search("moe ").indices) == {0, 1, 2}
    assert set(index.search("mixture of experts ").indices) == {0, 1, 2}
    # the acronym in a title, then its words in a title (as loose as a typo: 4), then the acronym in an abstract (3)
    assert list(index.search("moe ").indices) == [0, 2, 1]
    pairs = acronyms_in(["Large Language Models (LLMs) and Reinforcement Learning from Human Feedback (RLHF)."])
    assert best_expansions(pairs) == {
        "llm": ("large", "language", "models"),
        "rlhf": ("reinforcement", "learning", "from", "human", "feedback"),
    }


def test_a_word_in_brackets_needs_two_capitals_to_be_an_acronym():
    """ "Adaptive Mixing (Am)" is a word in brackets; "(AM)" defines an acronym: only the second makes "am"
    find papers about adaptive mixing."""
    assert acronyms_in(["We use Adaptive Mixing (Am) here."]) == Counter()
    assert acronyms_in(["We use Adaptive Mixing (AM) here."]) == Counter({("am", ("adaptive", "mixing")): 1})
