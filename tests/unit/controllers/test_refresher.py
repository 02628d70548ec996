"""Fetching on its own (controllers/refreshing.py), without a screen or the internet: when a fetch is due, and
that it says only how many new papers arrived."""

from __future__ import annotations

import os

import pytest
from fake_host import FakeHost

from tui_reader.config import Config
from tui_reader.controllers.fetching import Fetcher
from tui_reader.controllers.news import News
from tui_reader.controllers.refreshing import Refresher
from tui_reader.fetch import FetchResult
from tui_reader.library import MarkStore
from tui_reader.paper import Paper
from tui_reader.search import SearchIndex
from tui_reader.state import ReaderState

HOUR = 3600.0
NOW = 1_800_000_000.0
OLD = [Paper(f"p{i}", f"Old paper {i}", "") for i in range(3)]
ARRIVING = [Paper(f"n{i}", f"New paper {i}", "") for i in range(12)]


class World:
    def __init__(self, data_dir, store):
        self.host = FakeHost(ReaderState(OLD, store))
        self.news = News(self.host, data_dir, Config, lambda: None)
        self.news.index_ready(SearchIndex(self.host.state.papers))  # the start: nothing new
        self.fetches = 0
        self.fetcher = Fetcher(self.host, lambda: data_dir, self.stored)
        self.fetcher.fetch_listings = self.fetch_listings
        self.listing = data_dir / "listings" / "2026-12-07.json"
        self.clock = NOW
        self.refresher = Refresher(self.host, self.fetcher, self.news, data_dir, 2 * HOUR, lambda: self.clock)
        self.result = FetchResult()

    def fetch_listings(self):  # what the worker would get from the API
        self.fetches += 1
        if self.result.stored:
            self.listing.parent.mkdir(parents=True, exist_ok=True)
            self.listing.write_text("[]")
            os.utime(self.listing, (self.clock, self.clock))
        self.fetcher.done(self.result)

    def stored(self, files):  # the loader reads them, the index is built again
        if files:
            self.host.state.add(ARRIVING)
            self.news.index_ready(SearchIndex(self.host.state.papers))


@pytest.fixture
def world(data_dir):
    with MarkStore.open(data_dir) as store:
        yield World(data_dir, store)


def test_a_fetch_at_start_when_nothing_was_fetched_says_only_what_arrived(world):
    world.result = FetchResult(stored=[world.listing], papers=12)
    world.refresher.tick()
    assert world.fetches == 1
    assert world.host.said == [("12 new papers", "", "information")]  # no "fetched 1 day…" summary
    assert world.host.state.new_count == 12


def test_the_next_fetch_waits_for_the_interval_from_the_last_one(world):
    world.result = FetchResult(stored=[world.listing], papers=12)
    world.refresher.tick()
    world.clock += 2 * HOUR - 60
    world.refresher.tick()
    assert world.fetches == 1
    world.clock += 60
    world.refresher.tick()
    assert world.fetches == 2
    assert world.host.messages == ["12 new papers"]  # the same papers again: nothing new to say


def test_a_failing_fetch_is_said_once_and_not_tried_every_minute(world):
    world.result = FetchResult(error="cannot reach huggingface.co")
    world.refresher.tick()
    world.clock += 60
    world.refresher.tick()
    assert world.fetches == 1
    world.clock += 2 * HOUR
    world.refresher.tick()
    assert world.fetches == 2
    assert world.host.said == [("Fetching on its own failed: cannot reach huggingface.co", "Fetch", "warning")]


def test_a_listing_fetched_lately_by_hand_is_no_reason_to_fetch(world):
    world.listing.parent.mkdir(parents=True)
    world.listing.write_text("[]")
    os.utime(world.listing, (NOW - HOUR, NOW - HOUR))
    world.refresher.tick()
    assert world.fetches == 0


def test_an_index_built_before_the_fetch_that_reports_after_it_does_not_use_up_the_news(world):
    before = SearchIndex(list(world.host.state.papers))  # being built when the fetch ended

    def stored(files):
        world.news.index_ready(before)  # reports first: it holds none of the fetched papers
        world.host.state.add(ARRIVING)
        world.news.index_ready(SearchIndex(world.host.state.papers))

    world.fetcher._stored = stored
    world.result = FetchResult(stored=[world.listing], papers=12)
    world.refresher.tick()
    assert world.host.messages == ["12 new papers"]


def test_the_listings_are_looked_at_once_an_interval_not_at_every_tick(world, monkeypatch):
    """After a fetch, the minute ticks of the next two hours do not walk the listings folder; the first tick
    after them does, and a fetch made meanwhile by another program (cron) puts the next one off."""
    from tui_reader.controllers import refreshing

    walks = []
    real = refreshing.last_fetch
    monkeypatch.setattr(refreshing, "last_fetch", lambda folder: walks.append(world.clock) or real(folder))
    world.refresher.tick()  # nothing fetched yet: due
    assert world.fetches == 1 and walks == [NOW]
    for minute in range(1, 120):
        world.clock = NOW + minute * 60
        world.refresher.tick()
    assert walks == [NOW] and world.fetches == 1
    world.listing.parent.mkdir(parents=True, exist_ok=True)
    world.listing.write_text("[]")
    os.utime(world.listing, (NOW + HOUR, NOW + HOUR))  # cron fetched an hour in
    world.clock = NOW + 2 * HOUR
    world.refresher.tick()
    assert world.fetches == 1 and walks == [NOW, NOW + 2 * HOUR]
    world.clock = NOW + 3 * HOUR
    world.refresher.tick()
    assert world.fetches == 2


def test_an_index_of_the_papers_still_loading_when_the_fetch_ended_leaves_its_notice(world):
    """The fetch at start can end before the start's own papers are all read: the index over them (more papers
    than when the fetch ended, none new) says nothing and leaves the notice for the index holding the fetch's."""
    world.news.announce_next()  # 3 papers loaded when the fetch ended
    world.news.found(frozenset(), {}, 5)  # the start's papers, all seen in an earlier session
    assert world.host.messages == []
    world.news.found(frozenset(paper.id for paper in ARRIVING), {}, 17)
    assert world.host.messages == ["12 new papers"]
