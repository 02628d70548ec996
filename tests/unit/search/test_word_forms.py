"""Search quality (issue 14): word forms, compounds, acronyms, short typos, partial matches, unknown filters and
"more like this", on the seeds and on hand-made papers."""

from __future__ import annotations

import pytest

from tui_reader.corpus import Paper
from tui_reader.search import SearchIndex, words_of
from tui_reader.search.forms import acronyms_in, best_expansions, compounds


@pytest.fixture(scope="module")
def index(seeds_corpus):
    return SearchIndex(seeds_corpus.papers)


def top(index, query, n=10):
    return [index.papers[i].title for i in index.search(query).indices[:n]]


def paper(title: str, abstract: str = "") -> Paper:
    return Paper(id=title.lower().replace(" ", "-")[:12], title=title, abstract=abstract)


@pytest.mark.parametrize(
    "query, target",
    [
        ("unleash", "Polynomial Composition Activations: Unleashing the Dynamics of Large Language Models"),
        ("geometryaware", "Geometry-Aware Adaptation for Pretrained Models"),
        ("transformer", "Transformers Can Do Bayesian Inference"),
        ("scae mixtures", "Scale Mixtures of Neural Network Gaussian Processes"),
        ("mixture of experts", "Scaling physics-informed hard constraints with mixture-of-experts"),
        ("llm", "Polynomial Composition Activations: Unleashing the Dynamics of Large Language Models"),
        ("rectified flwo", "Flow Straight and Fast: Learning to Generate and Transfer Data with Rectified Flow"),
    ],
)
def test_loose_queries_find_their_target_in_the_top_ten(index, query, target):
    assert target in top(index, query)


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


def test_no_paper_matching_every_term_shows_partial_matches_most_terms_first(index):
    result = index.search("diffusion qqqzzz shortest")
    assert result.partial and len(result) > 0
    assert index.papers[result.indices[0]].title == "Image generation with shortest path diffusion"
    assert not index.search("diffusion shortest").partial
    assert len(index.search("qqqzzz")) == 0  # no term matches: nothing to show


def test_partial_matches_rank_by_the_number_of_terms_before_the_score():
    """A paper with one term in its title and abstract (score 15) comes after one with two terms in its
    abstract only (3 + 3)."""
    papers = [paper("Alpha Methods", "On alpha."), paper("Plain", "Beta and gamma."), paper("Other", "Gamma.")]
    result = SearchIndex(papers).search("alpha beta gamma qqqzzz ")
    assert result.partial and list(result.indices) == [1, 0, 2]


def test_more_like_this_weighs_rare_shared_words_above_common_ones():
    """The target shares one rare word with one paper and two commoner words with another: BM25's weights
    (rarer weighs more) put the rare word's paper first; counting shared words would not."""
    papers = [paper("Sinkhorn Model Data", "Sinkhorn iterations for a model of data.")]
    papers.append(paper("Sinkhorn Scaling", "Matrix scaling by Sinkhorn iterations."))
    papers.append(paper("A Model of Data", "Another model of data entirely."))
    papers += [paper(f"Model Data {i}", f"Filler {i} model data.") for i in range(20)]
    papers += [paper(f"Unrelated {i}", f"Something else {i}.") for i in range(80)]
    found = list(SearchIndex(papers).similar(0).indices)
    assert found[0] == 1 and 2 in found[1:] and 0 not in found


def test_unknown_filters_are_reported_and_dropped(index):
    result = index.search("foo:bar rlif")
    assert result.error == "unknown filter foo: (known: is:, date:, author:, note:, tag:)"
    assert top(index, "foo:bar rlif") == ["RLIF: Interactive Imitation Learning as Reinforcement Learning"]
    assert index.search("RLIF: interactive").error is None  # a colon before a space is punctuation


DIFFUSION_WORDS = ("diffusion", "generative", "generation", "score", "flow", "denois", "sampl")


def test_more_like_this_lists_papers_on_the_same_topic(index):
    """Read: the neighbours of the shortest-path diffusion paper are generative models (diffusion, flows, score
    matching, kinetic-optimal paths); none is the paper itself."""
    papers = index.papers
    target = next(i for i, p in enumerate(papers) if p.title == "Image generation with shortest path diffusion")
    found = index.similar(target)
    assert target not in list(found.indices)
    neighbours = [papers[i] for i in found.indices[:5]]
    for p in neighbours:
        text = (p.title + " " + p.abstract).lower()
        assert any(w in text for w in DIFFUSION_WORDS), p.title
    assert "On Kinetic Optimal Probability Paths for Generative Models" in [p.title for p in neighbours]
