"""Fetching on its own (``refresh = "2h"`` in config.toml): a fetch when the reader starts, if the last one is
older than the interval, and again whenever it gets that old while the reader is open. Quiet: no progress
notification and no summary; only what arrived is said ("12 new papers", once the new papers are known), and a
failure once a session (the status line is left alone)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.config import listings_dir
from tui_reader.controllers.fetching import Fetcher
from tui_reader.controllers.host import Host
from tui_reader.controllers.news import News
from tui_reader.refresh import fetch_due, last_fetch

if TYPE_CHECKING:
    from tui_reader.fetch import FetchResult

__all__ = ["REFRESH_CHECK_SECONDS", "Refresher"]

REFRESH_CHECK_SECONDS = 60.0  # how often the reader asks whether a fetch is due


class Refresher:
    """``every``: the interval in seconds; ``clock``: the time now (tests give their own)."""

    def __init__(
        self,
        host: Host,
        fetcher: Fetcher,
        news: News,
        data_dir: Path,
        every: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.host, self.fetcher, self.news = host, fetcher, news
        self.data_dir, self.every, self.clock = data_dir, every, clock
        self.tried: float | None = None  # the last fetch of its own began (a failed one is not tried every minute)
        # no fetch is due before this (the last fetch known, plus ``every``): the listings are not walked till then
        self.not_before: float | None = None
        self.told_failure = False

    def tick(self) -> None:
        """Fetch if the last fetch (stored, or tried by this reader) is ``every`` seconds old."""
        now = self.clock()
        if self.fetcher.fetching or (self.not_before is not None and now < self.not_before):
            return
        stored = last_fetch(listings_dir(self.data_dir))
        last = max((at for at in (stored, self.tried) if at is not None), default=None)
        if fetch_due(last, now, self.every):
            self.tried = last = now
            self.fetcher.fetch(quiet=self.fetched)
        self.not_before = min(last, now) + self.every if last is not None else None

    def fetched(self, result: FetchResult) -> None:
        if result.error is not None:
            if not self.told_failure:
                self.told_failure = True
                self.host.say(f"Fetching on its own failed: {result.error}", title="Fetch", severity="warning")
            return
        if result.stored:
            self.news.announce_next()  # "12 new papers" once they are read and recorded
