"""The watch list (tui_reader.watch): which entries are queries, and which papers each matches, found with the
real SearchIndex."""

from __future__ import annotations

from tui_reader.paper import Paper
from tui_reader.search import SearchIndex
from tui_reader.watch import check_watches, watch_entry, watched_papers

PAPERS = [
    Paper("p0", "Bayesian factor models", "Sparse priors.", authors=("David B. Dunson", "Ann Lee")),
    Paper("p1", "Spectral clustering at scale", "Eigenvectors of graphs.", categories=("cs.LG",)),
    Paper("p2", "Parsing with code", "We parse.", categories=("cs.CL",), github_repo="https://github.com/x/y"),
    Paper("p3", "Parsing without code", "We parse too.", categories=("cs.CL",)),
    Paper("p4", "Spectrally normalised GANs", "Nothing about the word itself.", authors=("Dunsmore",)),
]
WATCH = ["author:Dunson", "spectral", "cat:cs.CL has:code"]


def test_each_paper_knows_the_watches_it_matches():
    found = watched_papers(SearchIndex(PAPERS), WATCH)
    # "spectral" is a finished word, not a prefix: "Spectrally" is another form (the same stem), so it counts, as
    # it would in the search box after a space; "Dunsmore" is no Dunson
    assert found == {"p0": ("author:Dunson",), "p1": ("spectral",), "p2": ("cat:cs.CL has:code",), "p4": ("spectral",)}


def test_an_entry_no_paper_matches_whole_watches_nothing():
    # the search box would show partial matches (papers with one of the two words); a watch does not
    assert watched_papers(SearchIndex(PAPERS), ["bayesian eigenvectors"]) == {}


def test_a_bad_entry_is_one_warning_naming_it_and_the_rest_apply():
    kept, warnings = check_watches(["author:Dunson", "foo:bar", "date:2024-13", "spectral"], "config.toml")
    assert kept == ["author:Dunson", "spectral"]
    assert warnings == [
        "config.toml: watch entry 'foo:bar' is not a query (unknown filter foo: (known: is:, date:, author:, cat:, "
        "note:, tag:, has:)); left out",
        "config.toml: watch entry 'date:2024-13' is not a query (date:2024-13 is not a date (use 2024-03-11, "
        "2024-03, A..B, >=A, 7d, today)); left out",
    ]


def test_the_entry_added_is_the_query_or_the_first_author():
    assert watch_entry("  spectral   graphs ", PAPERS[0]) == "spectral graphs"
    assert watch_entry("", PAPERS[0]) == 'author:"David B. Dunson"'
    assert watch_entry("", PAPERS[1]) is None  # no query, no author: nothing to watch
    assert watch_entry("", Paper("q", "T", "", authors=('Evil "quoted" \x1b[31mName',))) == 'author:"Evil quoted Name"'


def test_a_watch_is_a_finished_query_its_last_word_no_prefix():
    papers = [Paper("g0", "Graphene sheets", "Carbon."), Paper("g1", "Graph networks", "Nodes.")]
    assert watched_papers(SearchIndex(papers), ["graph"]) == {"g1": ("graph",)}  # typed in the box, it finds both
