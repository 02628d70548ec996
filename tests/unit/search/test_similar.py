""" "More like this": the papers sharing the most distinctive words with one paper."""

from __future__ import annotations

from tui_reader.search import SearchIndex

from .helpers import paper


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
