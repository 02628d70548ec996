"""The scan that answers a query while the index is being built: the query's papers, never every paper."""

from __future__ import annotations

from tui_reader.library.model import MarkFlags
from tui_reader.paper import Paper
from tui_reader.search.scan import scan

PAPERS = [
    Paper(id="a", title="Sinkhorn distances", abstract="Entropic optimal transport, fast.", authors=("Marco Cuturi",)),
    Paper(id="b", title="Optimal Transport for domain adaptation", abstract="We align domains."),
    Paper(id="c", title="Diffusion models", abstract="Denoising. Related to optimal transport plans."),
    Paper(id="d", title="Schrödinger bridges", abstract="Stochastic control.", authors=("Yongxin Chen",)),
]


def titles(query: str, **kwargs) -> list[str]:
    return [PAPERS[i].title for i in scan(PAPERS, query, **kwargs).indices]


def test_every_term_must_be_in_the_title_authors_or_abstract_title_matches_first():
    assert titles("optimal transport") == [
        "Optimal Transport for domain adaptation",
        "Sinkhorn distances",
        "Diffusion models",
    ]
    assert titles("OPTIMAL transp") == titles("optimal transport")  # any case; the last word a prefix
    assert titles("cuturi") == ["Sinkhorn distances"]  # an author
    assert titles("schrodinger") == ["Schrödinger bridges"]  # accents folded as the index folds them
    assert titles("zzqxjv") == []


def test_exclusions_phrases_and_filters_apply_as_in_the_index():
    assert titles("optimal -diffusion") == ["Optimal Transport for domain adaptation", "Sinkhorn distances"]
    assert titles('"transport plans"') == ["Diffusion models"]
    read = MarkFlags(frozenset({"b"}), frozenset(), {}, {})
    assert titles("optimal is:unread", marks=read) == ["Sinkhorn distances", "Diffusion models"]
    assert titles("is:read", marks=read) == ["Optimal Transport for domain adaptation"]


def test_an_empty_query_is_every_paper():
    assert titles("") == [paper.title for paper in PAPERS]


def test_a_scan_no_longer_wanted_or_out_of_time_stops_with_what_it_found():
    assert titles("optimal", wanted=lambda: False) == []
    assert titles("optimal", budget=-1.0) == []  # past its deadline at the first look at the clock


def test_a_date_filter_follows_papers_added_and_merged_between_keystrokes():
    """The filters' tables are kept between scans of the same papers, but a paper that gains a listing date by a
    merge (the loader's next batch) is found by the next scan."""
    from tui_reader.paper_set import PaperSet

    papers = PaperSet([Paper(id="x", title="Sinkhorn", abstract="", dates=("Mar 11",))])
    found = [papers[i].id for i in scan(papers, 'date:"Mar 12" ').indices]
    assert found == []
    assert [papers[i].id for i in scan(papers, 'date:"Mar 11" ').indices] == ["x"]
    papers.add([Paper(id="x", title="Sinkhorn", abstract="", dates=("Mar 12",))])  # the same paper, listed again
    assert [papers[i].id for i in scan(papers, 'date:"Mar 12" ').indices] == ["x"]
