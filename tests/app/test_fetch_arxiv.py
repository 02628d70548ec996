"""The reader's F with the arxiv setting: after the Daily Papers days, today's arXiv feed of those categories is
fetched (from the local stand-in serving the real feed) and its papers join the list."""

from __future__ import annotations

import time
from datetime import date

from conftest import SIZE, notifications, settle, shown_titles

from tui_reader import fetch, fetch_arxiv
from tui_reader.app import ReaderApp
from tui_reader.config import Config


async def test_f_fetches_the_configured_arxiv_categories_too(api, arxiv, papers, store, data_dir, monkeypatch):
    monkeypatch.setattr(fetch, "DEFAULT_API_URL", api.url)
    monkeypatch.setattr(fetch, "today", lambda: date(2026, 4, 27))
    monkeypatch.setattr(fetch_arxiv, "DEFAULT_FEED_URL", f"{arxiv.url}/rss")
    monkeypatch.setattr(fetch_arxiv, "arxiv_today", lambda now=None: date(2026, 4, 27))
    app = ReaderApp(papers, store, config=Config(arxiv=("cs.CL",)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert len(app.reader.papers) == 211
        await pilot.press("F")
        deadline = time.monotonic() + 15
        while not (
            len(app.reader.papers) == 214
            and not app.reader_screen.fetcher.fetching
            and not app.reader_screen.loader.loading
        ):
            assert time.monotonic() < deadline, "timed out"
            await pilot.pause()
        await settle(app, pilot)
        assert [path for _, path in arxiv.requests] == ["/rss/cs.CL"]
        assert (data_dir / "listings/arxiv/2026-04-27_cs.CL.xml").exists()
        (shown,) = [n for n in notifications(app) if n.title == "Fetched"]
        assert shown.message.endswith("; arXiv cs.CL: 3 papers")
        await pilot.press("G")
        await settle(app, pilot)
        assert "Source-Modality Monitoring in Vision-Language Models" in shown_titles(app)
