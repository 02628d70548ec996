"""Marks from the keys: read, star, n, a bulk mark (A) with one undo step, undo and redo, marks made by
another reader, a read-only marks file."""

from __future__ import annotations

from conftest import (
    SIZE,
    detail_content,
    detail_shown,
    messages,
    notifications,
    row_in_view,
    settle,
    status,
    type_query,
    wait_until,
)

from tui_reader import app as app_module
from tui_reader.app import ReaderApp
from tui_reader.library import MarkStore
from tui_reader.screens.prompt import ConfirmScreen
from tui_reader.search import SearchIndex
from tui_reader.views import View
from tui_reader.widgets import PaperDetail, PaperList


async def test_r_toggles_read_and_saves_at_once(reader_app, papers, data_dir):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("r")
        assert MarkStore.open(data_dir).get(papers[0].id).read
        assert "210 unread" in status(reader_app)
        await pilot.press("r")
        assert not MarkStore.open(data_dir).get(papers[0].id).read
        assert "211 unread" in status(reader_app)


async def test_s_stars_and_the_star_is_there_after_a_restart(papers, data_dir):
    store = MarkStore.open(data_dir)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "s")
        assert "1 starred" in status(app)
    store.close()

    again = ReaderApp(papers, MarkStore.open(data_dir))
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert "1 starred" in status(again)
        assert again.reader.mark(papers[1].id).starred


async def test_two_readers_open_do_not_undo_each_others_marks(papers, data_dir):
    first, second = MarkStore.open(data_dir), MarkStore.open(data_dir)
    app = ReaderApp(papers, second)  # opened before the other reader starred the paper
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first.set_starred(papers[0].id, True)  # the other terminal stars it
        await pilot.press("s")  # this one, still showing it unstarred, stars it too
        await settle(app, pilot)
        assert MarkStore.open(data_dir).get(papers[0].id).starred
    first.close()
    second.close()


async def test_marks_made_in_another_reader_show_up(papers, data_dir):
    other = MarkStore.open(data_dir)
    app = ReaderApp(papers, MarkStore.open(data_dir))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "0 starred" in status(app)
        other.set_starred(papers[0].id, True)  # `tui-reader mark` or a second terminal
        await app.marks_saved()  # the saver's thread looks now rather than within MARKS_POLL_SECONDS
        await pilot.pause()
        assert "1 starred" in status(app)
        assert app.reader.mark(papers[0].id).starred
        assert "★ starred" in str(app.query_one("#detail-body").render())
    other.close()


async def test_moving_marks_nothing_but_enter_marks_read_once_shown(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("j", "j", "j", "k")
        assert reader_app.reader.store.all() == {}
        await pilot.press("enter")
        await pilot.pause()
        assert reader_app.query_one(PaperDetail).has_focus
        await settle(reader_app, pilot)
        assert reader_app.reader.store.get(papers[2].id).read
        await pilot.press("escape")
        assert reader_app.query_one(PaperList).has_focus


async def test_n_reads_the_next_unread_and_shift_n_jumps_back_both_wrapping(papers, store):
    for paper in papers[1:4] + papers[5:]:  # unread: only papers 0 and 4
        store.set_read(paper.id, True)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        plist = app.query_one(PaperList)
        await pilot.press(*"jjjjj", "n")  # past the end: back to the top, and says so; the paper is read now
        await settle(app, pilot)
        assert plist.cursor == 0 and app.reader.mark(papers[0].id).read
        assert any("Wrapped to the top" in n.message for n in notifications(app))
        await pilot.press("N")  # only jumps: paper 4 stays unread
        await settle(app, pilot)
        assert plist.cursor == 4 and not app.reader.mark(papers[4].id).read
        await pilot.press("n")  # the paper under the cursor is unread: it is the one read
        await settle(app, pilot)
        assert plist.cursor == 4 and store.get(papers[4].id).read
        await pilot.press("n")  # everything read: the cursor stays, and it says so
        await pilot.pause()
        assert plist.cursor == 4
        assert any("No unread paper" in n.message for n in notifications(app))


async def test_p_reads_the_previous_unread_paper_wrapping_the_mirror_of_n(papers, store):
    for paper in papers[1:4] + papers[5:-1]:  # unread: only papers 0, 4 and the last one
        store.set_read(paper.id, True)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        plist = app.query_one(PaperList)
        await pilot.press(*"jjjjjj", "p")  # back from row 6: paper 4, shown and read
        await settle(app, pilot)
        assert plist.cursor == 4 and store.get(papers[4].id).read and detail_shown(app).startswith(papers[4].title)
        await pilot.press("j", "p")  # back from row 5: paper 0, then past the top on the next p
        await settle(app, pilot)
        assert plist.cursor == 0 and store.get(papers[0].id).read
        await pilot.press("p")  # back past the top: the last paper, at the bottom
        await settle(app, pilot)
        assert plist.cursor == len(papers) - 1 and store.get(papers[-1].id).read
        assert any("Wrapped to the bottom" in n.message for n in notifications(app))


async def test_read_only_store_still_works_and_says_marks_are_not_saved(papers, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data dir should be")
    store = MarkStore.open(blocker / "marks")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        assert "1 starred" in status(app)
        assert "marks NOT saved" in status(app)
        assert any(n.severity == "warning" for n in notifications(app))


async def test_marking_in_the_unread_view_keeps_the_paper_and_the_rows_without_searching_again(
    reader_app, papers, monkeypatch
):
    """A paper marked read stays where it is in the unread view (until the next search): the cursor does not
    jump, the list does not shrink under the user, and no search runs."""
    real_search = SearchIndex.search
    searches: list[str] = []
    monkeypatch.setattr(
        SearchIndex, "search", lambda self, query, marks=None: searches.append(query) or real_search(self, query, marks)
    )
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        assert app.reader.view is View.UNREAD and searches  # the view is a search
        plist = app.query_one(PaperList)
        await pilot.press("j", "j", "j")
        paper = papers[plist.paper_index]
        rows = list(plist.rows)
        assert len(rows) == 211 and plist.cursor == 3
        searches.clear()

        await pilot.press("r")
        await wait_until(pilot, lambda: "210 unread" in status(app), "the read mark on screen")
        await pilot.press("s")
        await wait_until(pilot, lambda: "1 starred" in status(app), "the star on screen")
        await settle(app, pilot)

        assert searches == []
        assert list(plist.rows) == rows
        assert plist.cursor == 3 and papers[plist.paper_index].id == paper.id
        assert status(app).startswith("211 / 211 shown")
        assert row_in_view(plist, 3).startswith("  ★ ")  # no unread dot, a star
        body = detail_content(app).plain
        assert body.startswith(paper.title) and "✓ read" in body and "★ starred" in body
        assert app.reader.mark(paper.id).read and app.reader.mark(paper.id).starred


async def test_marks_made_by_another_connection_show_up_by_themselves(papers, data_dir, monkeypatch):
    """Nobody asks the app to look here: its own poll must pick up the other reader's stars, every
    MARKS_POLL_SECONDS, and keep doing so (a second change, after the first was shown)."""
    monkeypatch.setattr(app_module, "MARKS_POLL_SECONDS", 0.05)
    other = MarkStore.open(data_dir)
    store = MarkStore.open(data_dir)
    app = ReaderApp(papers, store)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            plist = app.query_one(PaperList)
            assert "0 starred" in status(app) and "★" not in row_in_view(plist, 0)

            other.set_starred(papers[0].id, True)  # `tui-reader mark` or a second terminal
            # 1.5 s: 30 polls at 0.05 s, less than one at the default 2 s (the setting must be the one used)
            await wait_until(pilot, lambda: "1 starred" in status(app), "the first star from elsewhere", 1.5)
            assert row_in_view(plist, 0).startswith(" ●★ ")
            assert "★ starred" in detail_content(app).plain  # papers[0] is under the cursor

            other.set_starred(papers[1].id, True)
            await wait_until(pilot, lambda: "2 starred" in status(app), "the second star from elsewhere", 1.5)
            assert row_in_view(plist, 1).startswith(" ●★ ")
    finally:
        other.close()
        store.close()


async def test_n_reads_the_next_unread_paper_one_key_per_paper(papers, store):
    for paper in papers[1:3]:
        store.set_read(paper.id, True)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        plist = app.query_one(PaperList)
        assert plist.cursor == 0
        await pilot.press("n")  # the paper under the cursor is unread: it is the one read now
        await settle(app, pilot)
        assert plist.cursor == 0 and store.get(papers[0].id).read
        await pilot.press("n")  # papers 1 and 2 are read already
        await settle(app, pilot)
        assert plist.cursor == 3 and store.get(papers[3].id).read
        assert papers[3].title in detail_shown(app)
        assert not store.get(papers[4].id).read
        await pilot.press("enter", "n")  # reading in the detail pane: n reads on there too
        await settle(app, pilot)
        assert app.query_one(PaperDetail).has_focus
        assert plist.cursor == 4 and store.get(papers[4].id).read and papers[4].title in detail_shown(app)


async def test_a_marks_every_shown_paper_read_after_saying_how_many_and_z_undoes_it_after_a_restart(papers, data_dir):
    store = MarkStore.open(data_dir)
    store.set_read(papers[0].id, True)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "diffusion")
        shown = [app.reader.papers[i].id for i in app.query_one(PaperList).rows]
        unread = [pid for pid in shown if pid != papers[0].id]
        await pilot.press("enter")  # back to the list (the box keeps the query)
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Mark {len(unread)} papers read? y/n" in str(app.screen.query_one("Static").render())
        await pilot.press("n")
        await settle(app, pilot)
        assert not any(store.get(pid).read for pid in unread)
        await pilot.press("A", "y")
        await settle(app, pilot)
        assert all(store.get(pid).read for pid in shown)
    store.close()
    store = MarkStore.open(data_dir)  # a new session: the history is in marks.db
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("z")
        await settle(app, pilot)
        assert f"undone: marked {len(unread)} papers read" in messages(app)
        assert not any(app.reader.mark(pid).read for pid in unread) and app.reader.mark(papers[0].id).read
        await pilot.press("Z")
        await settle(app, pilot)
        assert all(app.reader.mark(pid).read for pid in unread)
        assert any(message.startswith("redone: marked") for message in messages(app))
    store.close()
    with MarkStore.open(data_dir) as again:
        assert all(again.get(pid).read for pid in shown)


async def test_z_with_nothing_to_undo_says_so(reader_app):
    async with reader_app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("z")
        await settle(reader_app, pilot)
        assert "Nothing to undo." in messages(reader_app)


async def test_ctrl_z_undoes_a_star(papers, store):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        paper = app.reader_screen.current
        assert paper is not None
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert not store.get(paper.id).starred and not app.reader.mark(paper.id).starred
        assert "undone: starred" in messages(app)[-1]


async def test_z_undoes_marking_20k_papers_read_in_a_moment_and_shift_z_redoes_it(data_dir):
    import time

    from tui_reader.paper import Paper

    papers = [Paper(id=f"id{i}", title=f"Paper number {i}", abstract="") for i in range(20_000)]
    store = MarkStore.open(data_dir)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("A", "y")
        await settle(app, pilot)
        assert "20,000 / 20,000 shown · 0 unread" in status(app)
        start = time.monotonic()
        await pilot.press("z")
        await wait_until(pilot, lambda: "20,000 unread" in status(app), "the undo shown")
        # paper by paper, the reader took half a minute at this size (minutes at 100k); in one pass, a moment
        assert time.monotonic() - start < 5
        assert "undone: marked 20,000 papers read" in messages(app)
        await pilot.press("Z")
        await wait_until(pilot, lambda: " 0 unread" in status(app), "the redo shown")
        await settle(app, pilot)
        assert store.get("id19999").read and app.reader.mark("id0").read
    store.close()
