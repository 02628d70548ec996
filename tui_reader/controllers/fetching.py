"""F in the reader: fetch today's listings (and any missed days) in a thread, as `tui-reader fetch` with no
option does; the files it stores are read into the list like a watched folder's.

With the ``arxiv`` setting, today's arXiv announcements in those categories are fetched after the Daily Papers
days (tui_reader.fetch_arxiv), and their one line joins the summary; a feed error is an error notification.

The outcomes are the command's: the summary line is the notification. A day not listed yet is part of an
ordinary "Fetched" notification, not an error; days left out (a gap longer than a run takes) make it a warning
that stays up longer and names the command that fetches them; a failure is an error notification."""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.controllers.host import Host
from tui_reader.library.store import default_data_dir

if TYPE_CHECKING:  # urllib and json: loaded only when the user fetches
    from tui_reader.fetch import FetchResult
    from tui_reader.fetch_arxiv import FeedResult

__all__ = ["Fetcher"]


class Fetcher:
    """``stored(files)`` runs with the files a fetch stored (the watcher notes them, the loader reads them)."""

    def __init__(
        self,
        host: Host,
        data_dir: Callable[[], Path],
        stored: Callable[[Iterable[Path]], object],
        arxiv: Callable[[], tuple[str, ...]] = tuple,
    ) -> None:
        self.host = host
        self.data_dir = data_dir
        self.arxiv = arxiv  # the arXiv categories fetched too (the arxiv setting)
        self._stored = stored
        self.fetching = ""  # the fetch's progress, in the status line
        self.waiting = ""  # a wait under way (a retry's, or the pacing's), after the progress
        self.cancelled = threading.Event()  # set when the reader closes: a wait to retry ends at once
        self.quiet: Callable[[FetchResult], object] | None = None  # a fetch of its own: told the result, no summary

    def fetch(self, quiet: Callable[[FetchResult], object] | None = None) -> None:
        """F (or, with ``quiet``, the reader fetching on its own: ``quiet(result)`` instead of the summary)."""
        if self.fetching:
            if quiet is None:
                self.host.say("A fetch is already under way.", timeout=3)
            return
        self.quiet = quiet
        self.fetching = "fetching…"
        self.host.refresh_status()
        self.host.in_thread(self.fetch_listings, group="fetch", what="Fetching", failed=self.failed)

    def fetch_listings(self) -> None:
        """What `tui-reader fetch` with no option does: every day from the last one fetched to today (in a
        thread)."""
        from tui_reader import fetch

        data_dir = self.data_dir()
        today = fetch.today()
        days, again = fetch.default_days(data_dir, today)
        cancelled = self.cancelled

        def progress(done: int, total: int, day: object) -> None:
            self.host.soon(self.progress, done, total)

        def wait(seconds: float) -> None:
            cancelled.wait(seconds)  # set when the reader closes: the wait ends at once

        def waiting(seconds: float, why: str) -> None:
            self.host.soon(self.wait_shown, seconds)

        client = fetch.Client(api_url=fetch.DEFAULT_API_URL, sleep=wait, cancelled=cancelled.is_set, waiting=waiting)
        try:
            result = fetch.fetch_days(
                days, data_dir, client, today=today, again=[again] if again else [], progress=progress
            )
        except fetch.FetchCancelled:
            return
        feed = self.fetch_arxiv(data_dir, wait) if result.error is None else None
        if feed is not False:
            self.host.soon(self.done, result, feed)

    def fetch_arxiv(self, data_dir: Path, wait: Callable[[float], None]) -> FeedResult | bool | None:
        """Today's arXiv feed of the configured categories (None: none configured; False: cancelled)."""
        categories = self.arxiv()
        if not categories:
            return None
        from tui_reader import fetch_arxiv

        cancelled = self.cancelled
        self.host.soon(self.progress_text, f"fetching arXiv {'+'.join(categories)}…")
        client = fetch_arxiv.ArxivClient(sleep=wait, cancelled=cancelled.is_set)
        try:
            return fetch_arxiv.fetch_feed(categories, data_dir, client)
        except fetch_arxiv.Cancelled:
            return False

    def progress_text(self, text: str) -> None:
        self.fetching = text
        self.host.refresh_status()

    def progress(self, done: int, total: int) -> None:
        self.fetching = f"fetching {done}/{total} days…{self.waiting}"
        self.host.refresh_status()

    def wait_shown(self, seconds: float) -> None:
        if not self.fetching:
            return  # the fetch has ended meanwhile
        progress = self.fetching.removesuffix(self.waiting)
        self.waiting = f" (waiting {seconds:.0f} s)" if seconds > 0 else ""
        self.fetching = progress + self.waiting
        self.host.refresh_status()

    def done(self, result: FetchResult, feed: FeedResult | None = None) -> None:
        self.fetching = self.waiting = ""
        self.host.refresh_status()
        stored = [*result.stored, *([feed.stored] if feed is not None and feed.stored else [])]
        if (quiet := self.quiet) is not None:
            self.quiet = None
            quiet(result)  # before the files are read: what it says about them waits for them
            self._stored(stored)
            return
        self._stored(stored)
        data_dir = self.data_dir()
        summary = result.summary(data_dir, fetch_command(data_dir))
        if feed is not None:
            summary += f"; {feed.summary()}"
        if feed is not None and feed.error is not None:
            self.host.say(summary, title="arXiv fetch failed", severity="error", timeout=20)
        elif result.error is not None:
            self.host.say(f"{result.error} ({summary})", title="Fetch failed", severity="error", timeout=20)
        elif result.left_out:
            self.host.say(summary, title="Fetched (not all)", severity="warning", timeout=30)
        else:
            self.host.say(summary, title="Fetched", timeout=6)

    def failed(self, error: BaseException) -> None:
        self.quiet = None
        self.fetching = self.waiting = ""
        self.host.refresh_status()

    def close(self) -> None:
        self.cancelled.set()


def fetch_command(data_dir: Path) -> str:
    """`tui-reader fetch`, with the reader's data directory when it is not the default: the command a user types
    for the days F left out."""
    words = ["tui-reader", "fetch"]
    if data_dir != default_data_dir():
        words += ["--data-dir", str(data_dir)]
    return shlex.join(words)
