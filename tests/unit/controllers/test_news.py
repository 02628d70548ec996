"""New since the last session and the watch list in the reader (controllers/news.py), without a screen: the
worker runs at once (FakeHost), the data directory is real."""

from __future__ import annotations

import time

import pytest
from fake_host import FakeHost

from tui_reader.config import Config, load_config
from tui_reader.controllers.news import News
from tui_reader.library import MarkStore
from tui_reader.paper import Paper
from tui_reader.search import SearchIndex
from tui_reader.state import ReaderState
from tui_reader.views import View

OLD = [
    Paper("p0", "Spectral clustering", "Graphs.", authors=("David Dunson",)),
    Paper("p1", "Reward models", "Preferences.", authors=("Ann Lee",)),
]
FETCHED = [Paper("p2", "Spectral methods for parsing", "Trees.", authors=("Bo Chen",))]


class Session:
    """One run of the reader over ``papers``: the index built (what the screen's worker does), then closed."""

    def __init__(self, data_dir, papers, config=None):
        config = config or Config()
        self.store = MarkStore.open(data_dir)
        self.host = FakeHost(ReaderState(papers, self.store))
        self.searches = []
        self.news = News(self.host, data_dir, lambda: config, lambda: self.searches.append(self.host.state.full_query))
        self.news.index_ready(SearchIndex(self.host.state.papers))

    def more(self, papers):  # a fetch brings papers: the index is built again
        self.host.state.add(papers)
        self.news.index_ready(SearchIndex(self.host.state.papers))

    def close(self):
        self.news.end_session()
        self.store.close()

    @property
    def status(self):
        return self.host.state.status("", False)


def test_the_first_session_has_nothing_new_until_a_fetch_brings_papers(data_dir):
    first = Session(data_dir, OLD)
    assert first.host.state.new == frozenset() and " new" not in first.status
    first.more(FETCHED)
    assert first.host.state.new == {"p2"} and first.host.state.new_count == 1
    assert first.status == "3 / 3 shown · 3 unread · 0 starred · 1 new · view: all · sort: as listed"
    first.close()


def test_papers_first_seen_since_the_previous_session_ended_are_new(data_dir):
    Session(data_dir, OLD).close()
    second = Session(data_dir, OLD + FETCHED)
    assert second.host.state.new == {"p2"} and "· 1 new ·" in second.status
    second.close()
    third = Session(data_dir, OLD + FETCHED)
    assert third.host.state.new == frozenset()  # seen by the session before
    third.close()


def test_a_session_closed_before_its_index_was_built_leaves_the_papers_new(data_dir):
    from tui_reader.library.seen import SeenStore

    Session(data_dir, OLD).close()
    with SeenStore.open(data_dir) as seen:  # `tui-reader list` loads the fetched paper meanwhile
        seen.record(paper.id for paper in OLD + FETCHED)
    store = MarkStore.open(data_dir)
    quick = News(FakeHost(ReaderState(OLD + FETCHED, store)), data_dir, Config, lambda: None)
    quick.end_session()  # nothing recorded: nothing ends
    store.close()
    assert Session(data_dir, OLD + FETCHED).host.state.new == {"p2"}


def test_a_clock_ahead_does_not_make_papers_new_for_ever(data_dir, monkeypatch):
    Session(data_dir, OLD).close()
    real = time.time()
    monkeypatch.setattr(time, "time", lambda: real + 400 * 86_400)  # the clock a year ahead
    ahead = Session(data_dir, OLD + FETCHED)
    assert ahead.host.state.new == {"p2"}
    ahead.close()
    monkeypatch.setattr(time, "time", lambda: real)  # put right: the next sessions are "earlier"
    for _ in range(2):
        later = Session(data_dir, OLD + FETCHED)
        assert later.host.state.new == frozenset()
        later.close()


def test_the_watched_papers_and_the_views_that_show_them(data_dir, config_toml):
    config_toml('watch = ["spectral", "author:Dunson", "foo:bar"]\n')
    session = Session(data_dir, OLD + FETCHED, load_config())
    state = session.host.state
    assert state.watched == {"p0": ("spectral", "author:Dunson"), "p2": ("spectral",)}
    assert state.watches_of("p1") == ()
    assert len(session.host.warned) == 1 and "watch entry 'foo:bar' is not a query" in session.host.warned[0]
    state.view = View.WATCHED
    index = SearchIndex(state.papers)
    state.index = index
    result, _ = state.answer(state.search())
    assert [state.papers[i].id for i in result.indices] == ["p0", "p2"]
    session.close()


def test_the_new_view_is_searched_again_when_the_new_papers_are_known(data_dir):
    Session(data_dir, OLD).close()
    store = MarkStore.open(data_dir)
    host = FakeHost(ReaderState(OLD + FETCHED, store))
    host.state.view = View.NEW
    searched = []
    news = News(host, data_dir, Config, lambda: searched.append(host.state.full_query))
    news.index_ready(SearchIndex(host.state.papers))
    assert searched == ["is:new "]
    news.index_ready(SearchIndex(host.state.papers))  # the same sets again: no search
    assert searched == ["is:new "]
    store.close()


@pytest.mark.parametrize(("query", "entry"), [("cat:cs.CL  has:code", "cat:cs.CL has:code"), ("", 'author:"Ann Lee"')])
def test_w_adds_the_query_or_the_first_author_to_the_watch_list(data_dir, config_toml, query, entry):
    config_toml('# mine\nwatch = ["spectral"]\n')
    session = Session(data_dir, OLD, load_config())
    session.news.add_watch(query, OLD[1])
    assert load_config().watch == ("spectral", entry)
    assert session.host.messages == [f"Watching {entry} (config.toml)"]
    session.close()


def test_a_query_that_is_no_query_is_not_added(data_dir, config_toml):
    path = config_toml('watch = ["spectral"]\n')
    session = Session(data_dir, OLD, load_config())
    session.news.add_watch("foo:bar", OLD[0])
    assert path.read_text() == 'watch = ["spectral"]\n'
    assert session.host.said[0][0].startswith("the search box: watch entry 'foo:bar' is not a query")
    session.close()


def test_a_watch_added_before_the_index_is_built_is_watched_once_it_is(data_dir, config_toml):
    config_toml('watch = ["author:Dunson"]\n')
    config = load_config()  # the settings as the reader read them at start
    store = MarkStore.open(data_dir)
    host = FakeHost(ReaderState(OLD + FETCHED, store))
    news = News(host, data_dir, lambda: config, lambda: None)
    news.add_watch("parsing", None)  # W while the index is still being built
    news.index_ready(SearchIndex(host.state.papers))
    assert host.state.watched == {"p0": ("author:Dunson",), "p2": ("parsing",)}
    news.end_session()
    store.close()


def test_a_watch_added_later_adds_its_papers_to_those_watched(data_dir, config_toml):
    config_toml('watch = ["spectral"]\n')
    session = Session(data_dir, OLD + FETCHED, load_config())
    state = session.host.state
    state.index = SearchIndex(state.papers)
    assert state.watched == {"p0": ("spectral",), "p2": ("spectral",)}
    session.news.add_watch("author:Dunson", None)
    assert state.watched == {"p0": ("spectral", "author:Dunson"), "p2": ("spectral",)}
    assert load_config().watch == ("spectral", "author:Dunson")
    session.close()
