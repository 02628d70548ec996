"""F in the reader (controllers/fetching.py), without a screen or the internet."""

from __future__ import annotations

from datetime import date

import pytest
from fake_host import FakeHost

from tui_reader.controllers.fetching import Fetcher
from tui_reader.fetch import FetchResult
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
        fetcher.done(FetchResult(stored=[data_dir / "a.json"], papers=2))

    fetcher.fetch_listings = fetch_listings
    fetcher.fetch()
    assert seen_during == ["fetching 1/2 days…"] and fetcher.fetching == ""
    said = (f"fetched 1 day (2 papers) into {data_dir / 'listings'}", "Fetched", "information")
    assert stored == [data_dir / "a.json"] and host.said == [said]


def test_a_second_fetch_waits_for_the_first(host, data_dir):
    fetcher = Fetcher(host, lambda: data_dir, lambda files: None)
    fetcher.fetching = "fetching…"
    fetcher.fetch()
    assert host.messages == ["A fetch is already under way."] and host.groups == []


def test_a_fetch_error_is_said_with_what_was_stored(host, data_dir):
    fetcher = Fetcher(host, lambda: data_dir, lambda files: None)
    fetcher.done(FetchResult(error="HTTP 503"))
    assert host.said == [
        (f"HTTP 503 (fetched 0 days (0 papers) into {data_dir / 'listings'})", "Fetch failed", "error")
    ]


def test_days_not_listed_yet_are_no_failure_and_days_left_out_a_warning(host, data_dir):
    fetcher = Fetcher(host, lambda: data_dir, lambda files: None)
    fetcher.done(FetchResult(not_listed=[date(2026, 12, 8)]))
    fetcher.done(FetchResult(left_out=[date(2024, 1, 3), date(2024, 1, 4)]))
    listings = data_dir / "listings"
    assert host.said == [
        (f"fetched 0 days (0 papers) into {listings}; 2026-12-08: not listed yet", "Fetched", "information"),
        (
            f"fetched 0 days (0 papers) into {listings}; left out 2024-01-03 … 2024-01-04 (2 days): "
            f"tui-reader fetch --data-dir {data_dir} --since 2024-01-03 --until 2024-01-04",
            "Fetched (not all)",
            "warning",
        ),
    ]


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
