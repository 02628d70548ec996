"""Searching from the reader (controllers/search.py), without a screen: jobs run, answers shown or dropped."""

from __future__ import annotations

import pytest
from fake_host import FakeHost

from tui_reader.controllers.search import Searcher
from tui_reader.library import MarkStore
from tui_reader.paper import Paper
from tui_reader.sorting import Sort
from tui_reader.state import ReaderState

PAPERS = [
    Paper(id=f"p{i}", title=title, abstract="")
    for i, title in enumerate(["Diffusion models", "Video diffusion", "Reward models"])
]


@pytest.fixture
def host(data_dir):
    with MarkStore.open(data_dir) as store:
        yield FakeHost(ReaderState(PAPERS, store))


def test_a_query_typed_before_the_index_is_built_is_scanned_then_searched_when_it_is(host):
    search = Searcher(host)
    search.set_query("diffusion")
    assert host.groups == ["search"] and list(host.state.rows) == [0, 1]  # a scan: never every paper
    assert host.shown == ["rows at top", "cursor"] and search.indexing
    host.shown.clear()
    search.build_index()
    assert host.groups == ["search", "index", "search"] and list(host.state.rows) == [0, 1]
    assert host.shown[:2] == ["rows at top", "cursor"] and not search.indexing


def test_a_new_query_puts_the_cursor_on_the_top_and_a_search_again_keeps_it(host):
    search = Searcher(host)
    search.build_index()
    search.set_query("diffusion")
    assert host.shown[-2:] == ["rows at top", "cursor"]
    search.start()  # the same query searched again (marks changed, a saved view shown again)
    assert host.shown[-2:] == ["rows", "cursor"]
    search.set_query("video")
    assert host.shown[-2:] == ["rows at top", "cursor"] and list(host.state.rows) == [1]


def test_papers_loaded_under_a_query_before_the_index_are_scanned_again_once_the_scan_ends(host):
    search = Searcher(host)
    search.set_query("models")
    assert list(host.state.rows) == [0, 2]
    host.state.add([Paper(id="p3", title="World models", abstract=""), Paper(id="p4", title="Agents", abstract="")])
    search.running = host.state.search()  # as if a scan were under way: papers arriving wait for it
    search.papers_added()
    assert list(host.state.rows) == [0, 2] and search.rescan
    job = search.running
    search.done(job, *host.state.answer(job))  # it ends: the papers that came meanwhile are scanned
    assert list(host.state.rows) == [0, 2, 3] and not search.rescan and search.running is None
    assert host.shown[-2:] == ["rows", "cursor"], "the same query: the cursor stays on its paper"


def test_clearing_the_query_shows_every_paper_without_a_worker(host):
    search = Searcher(host)
    search.build_index()
    search.set_query("reward")
    assert list(host.state.rows) == [2]
    host.groups.clear()
    search.set_query("")
    assert host.groups == [] and host.shown[-1] == "rows" and list(host.state.rows) == [0, 1, 2]


def test_papers_added_are_shown_as_they_are_or_sorted_in_a_worker(host):
    search = Searcher(host)
    search.papers_added()
    assert host.shown == ["rows", "cursor"] and host.groups == []
    host.state.sort = Sort.TITLE
    search.papers_added()
    assert host.groups == ["search"]
    assert [host.state.papers[i].title for i in host.state.rows] == [
        "Diffusion models",
        "Reward models",
        "Video diffusion",
    ]


def test_the_sort_cycles_and_the_status_says_it(host):
    search = Searcher(host)
    search.build_index()
    search.cycle_sort()
    assert host.state.sort is Sort.RELEVANCE.next() and host.shown[-1] == "status"


def test_more_like_this_says_when_the_index_is_not_ready_and_toggles(host):
    search = Searcher(host)
    search.more_like_this(0)
    assert host.messages == ["The search index is still being built; try again in a moment."]
    search.build_index()
    search.more_like_this(None)  # no paper under the cursor
    assert host.state.like is None
    search.more_like_this(0)
    assert host.state.like is not None and 0 not in host.state.rows
    search.more_like_this(0)  # m again: back, the cursor on the paper it started from
    assert host.state.like is None and ("cursor on", 0) in host.shown


def test_a_search_that_fails_is_said_and_the_reader_goes_on(host, monkeypatch):
    search = Searcher(host)
    search.build_index()

    def broken(query, marks):
        raise ValueError("bad index")

    monkeypatch.setattr(host.state.index, "search", broken)
    search.set_query("diffusion")
    assert host.failures[0][0] == "Searching"


def test_s_says_once_when_the_sort_finds_nothing_to_order_by_and_saves_the_users_sort(host):
    saved: list[tuple[str, str]] = []
    search = Searcher(host, save_setting=lambda name, value: saved.append((name, value)))
    search.build_index()
    search.cycle_sort()  # newest: the papers have no dates
    assert host.messages == ["No dates with a year in these papers: sorted newest first, they stay as listed."]
    search.papers_added()  # sorted again in the same order: not said again
    search.set_query("models")
    assert len(host.messages) == 1
    search.cycle_sort()  # oldest, within the query's results
    assert (
        host.messages[-1] == "No dates with a year in these papers: sorted oldest first, they stay in relevance order."
    )
    search.cycle_sort()  # upvotes
    search.cycle_sort()  # title: it orders, nothing said
    assert len(host.messages) == 3
    assert saved == [("sort", "newest"), ("sort", "oldest"), ("sort", "upvotes"), ("sort", "title")]


def test_a_sort_that_fails_does_not_leave_the_status_saying_sorting(host, monkeypatch):
    search = Searcher(host)
    search.build_index()

    def broken(job):
        raise MemoryError("no room for the keys")

    monkeypatch.setattr(host.state, "answer", broken)
    search.cycle_sort()
    assert host.failures[-1][0] == "Searching" and not host.state.sorting
    assert "sorting" not in host.state.status("", False)
