"""Fetching on its own (tui_reader.refresh): the refresh setting and whether a fetch is due."""

from __future__ import annotations

import os

import pytest

from tui_reader.config import load_config
from tui_reader.refresh import fetch_due, last_fetch, parse_interval

HOUR = 3600.0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("2h", 7200.0), ("15m", 900.0), ("90 min", 5400.0), ("1d", 86400.0), ("14m", None), ("2", None), ("h", None)],
)
def test_intervals_of_at_least_15_minutes(text, seconds):
    assert parse_interval(text) == seconds


def test_a_fetch_is_due_when_the_last_is_as_old_as_the_interval():
    now = 1_000_000.0
    assert not fetch_due(now - 10 * HOUR, now, None)  # off
    assert fetch_due(None, now, 2 * HOUR)  # never fetched
    assert not fetch_due(now - 2 * HOUR + 1, now, 2 * HOUR)
    assert fetch_due(now - 2 * HOUR, now, 2 * HOUR)
    assert not fetch_due(now + 300 * HOUR, now, 2 * HOUR)  # stored while the clock was ahead: counts as now


def test_the_last_fetch_is_the_newest_listing_stored(tmp_path):
    assert last_fetch(tmp_path / "listings") is None
    (tmp_path / "listings" / "arxiv").mkdir(parents=True)
    for name, at in (("2025-12-01.json", 1000.0), ("arxiv/cs.CL.xml", 5000.0), ("notes.txt", 9000.0)):
        (tmp_path / "listings" / name).write_text("[]")
        os.utime(tmp_path / "listings" / name, (at, at))
    assert last_fetch(tmp_path / "listings") == 5000.0


def test_the_refresh_setting(config_toml):
    path = config_toml('refresh = "2h"\n')
    assert load_config().refresh == 7200.0
    config_toml('refresh = "5m"\n')
    loaded = load_config()
    assert loaded.refresh is None
    assert loaded.warnings == (
        f'{path}: \'refresh\' must be a duration of at least 15 minutes ("2h", "30m", "1d"), not \'5m\'; '
        "fetching on its own is off",
    )
