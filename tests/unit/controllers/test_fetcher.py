"""F in the reader (controllers/fetching.py), without a screen or the internet."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fake_host import FakeHost

from tui_reader.controllers.fetching import Fetcher
from tui_reader.library import MarkStore
from tui_reader.state import ReaderState


@pytest.fixture
def host(data_dir):
    with MarkStore.open(data_dir) as store:
        yield FakeHost(ReaderState([], store))


def test_progress_shows_in_the_status_and_the_files_stored_are_handed_over(host, data_dir):
    stored: list = []
    fetcher = Fetcher(host, lambda: data_dir, stored.extend)
    seen_during: list[str] = []

    def fetch_listings():
        fetcher.progress(1, 2)
        seen_during.append(fetcher.fetching)
        fetcher.done(SimpleNamespace(stored=[data_dir / "a.json"], error=None, summary=lambda d: "2 days fetched"))

    fetcher.fetch_listings = fetch_listings
    fetcher.fetch()
    assert seen_during == ["fetching 1/2 days…"] and fetcher.fetching == ""
    assert stored == [data_dir / "a.json"] and host.said == [("2 days fetched", "Fetched", "information")]


def test_a_second_fetch_waits_for_the_first(host, data_dir):
    fetcher = Fetcher(host, lambda: data_dir, lambda files: None)
    fetcher.fetching = "fetching…"
    fetcher.fetch()
    assert host.messages == ["A fetch is already under way."] and host.groups == []


def test_a_fetch_error_is_said_with_what_was_stored(host, data_dir):
    fetcher = Fetcher(host, lambda: data_dir, lambda files: None)
    fetcher.done(SimpleNamespace(stored=[], error="HTTP 503", summary=lambda d: "nothing stored"))
    assert host.said == [("HTTP 503 (nothing stored)", "Fetch failed", "error")]


def test_a_fetch_that_raises_clears_the_status(host, data_dir):
    fetcher = Fetcher(host, lambda: data_dir, lambda files: None)

    def broken():
        raise OSError("no network")

    fetcher.fetch_listings = broken
    fetcher.fetch()
    assert host.failures[0][0] == "Fetching" and fetcher.fetching == ""


def test_closing_the_reader_cancels_a_fetch_waiting_to_retry(host, data_dir):
    fetcher = Fetcher(host, lambda: data_dir, lambda files: None)
    fetcher.close()
    assert fetcher.cancelled.is_set()
