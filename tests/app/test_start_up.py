"""The reader starting: every paper listed at once, the first one shown, start-up warnings as notifications,
garbage collection held off until the first frame."""

from __future__ import annotations

import gc

from conftest import SIZE, notifications, settle, status

from tui_reader.app import ReaderApp
from tui_reader.widgets import PaperList


async def test_startup_lists_every_paper_and_shows_the_first(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        plist = reader_app.query_one(PaperList)
        assert len(plist.rows) == 211
        assert plist.has_focus
        assert status(reader_app).startswith("211 / 211 shown · 211 unread · 0 starred · view: all")
        body = str(reader_app.query_one("#detail-body").render())
        assert papers[0].title[:30] in body


async def test_collection_held_off_for_start_up_resumes_after_the_first_frame(reader_app):
    """The launcher disables the cyclic GC while Textual loads; the reader must turn it back on, or a session
    of reading would never collect its garbage."""
    gc.disable()
    try:
        async with reader_app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # what start-up made is skipped by later collections
    finally:
        gc.unfreeze()
        gc.enable()


async def test_a_reader_started_with_collection_on_leaves_it_alone(reader_app):
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    async with reader_app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert gc.isenabled() and gc.get_freeze_count() == frozen


async def test_warnings_become_notifications(papers, store):
    app = ReaderApp(papers, store, warnings=["broken.txt: empty file; skipped"])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in notifications(app)]
        assert "broken.txt: empty file; skipped" in messages
