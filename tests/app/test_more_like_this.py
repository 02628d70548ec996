"""The reader's "more like this" (m), partial results and unknown filters, as a user sees them (Pilot)."""

from __future__ import annotations

import threading

from conftest import SIZE, page, settle, shown_titles, status, type_query, write

from tui_reader.app import ReaderApp
from tui_reader.corpus import Paper
from tui_reader.search import SearchIndex
from tui_reader.widgets import PaperList

DIFFUSION = "Image generation with shortest path diffusion"


def cursor_title(app) -> str:
    plist = app.query_one(PaperList)
    return app.reader.papers[plist.paper_index].title


async def test_m_lists_the_papers_like_the_current_one_and_esc_goes_back(reader_app):
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "diffusion")
        await pilot.press("enter")  # to the list
        before = shown_titles(app)
        plist = app.query_one(PaperList)
        plist.cursor = before.index(DIFFUSION)
        await pilot.press("j")  # the cursor one below the paper, then back on it: m acts on the cursor's paper
        await pilot.press("k")
        assert cursor_title(app) == DIFFUSION
        await pilot.press("m")
        await settle(app, pilot)
        like = shown_titles(app)
        assert DIFFUSION not in like and len(like) > 10
        assert like[0] == "On Kinetic Optimal Probability Paths for Generative Models"
        assert f"like: {DIFFUSION}" in status(app)
        await pilot.press("j", "j")  # moving in the neighbours does not change where Esc returns to
        await pilot.press("escape")
        await settle(app, pilot)
        assert shown_titles(app) == before
        assert cursor_title(app) == DIFFUSION
        assert "like:" not in status(app)
        await pilot.press("m")  # the same key also goes back
        await settle(app, pilot)
        assert shown_titles(app)[0] == like[0]
        await pilot.press("m")
        await settle(app, pilot)
        assert shown_titles(app) == before and cursor_title(app) == DIFFUSION


async def test_typing_a_query_leaves_more_like_this(reader_app):
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        assert "like:" in status(app)
        await type_query(app, pilot, "schrodinger")
        assert shown_titles(app)[0] == "Light Schrödinger Bridge" and "like:" not in status(app)
        await pilot.press("escape", "escape")  # clears the box, then leaves it: Esc has nothing to go back from
        await settle(app, pilot)
        assert len(shown_titles(app)) == len(app.reader.papers)


async def test_a_like_result_arriving_after_a_new_query_is_dropped(reader_app, monkeypatch):
    real = SearchIndex.similar
    release = threading.Event()

    def similar(self, position, limit=100):
        release.wait(timeout=10)
        return real(self, position, limit)

    monkeypatch.setattr(SearchIndex, "similar", similar)
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.press("slash", *"schrodinger")
        release.set()
        await settle(app, pilot)
        assert shown_titles(app)[0] == "Light Schrödinger Bridge" and len(shown_titles(app)) == 3
        assert "like:" not in status(app)


async def test_the_like_title_is_shown_literally(store):
    title = "[bold red]Bold[/] \x1b]2;owned\x07 Diffusion Title"
    papers = [
        Paper(id=f"{i:012x}", title=t, abstract="diffusion models for images")
        for i, t in enumerate([title, "Diffusion Images", "Other Diffusion Work"])
    ]
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        shown = status(app)
        assert "like: [bold red]Bold[/] " in shown and "\x1b" not in shown and "\x07" not in shown


async def test_no_paper_with_every_term_shows_partial_matches_and_says_so(reader_app):
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "shortest diffusion qqqzzz")
        assert shown_titles(app)[0] == DIFFUSION
        assert "no paper matches all terms; showing partial matches" in status(app)
        await pilot.press(*["backspace"] * 7)  # "shortest diffusion": every term matches again
        await settle(app, pilot)
        assert "partial" not in status(app)


async def test_an_unknown_filter_is_reported_in_the_status_line(reader_app):
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "foo:bar rlif")
        assert shown_titles(app) == ["RLIF: Interactive Imitation Learning as Reinforcement Learning"]
        assert "unknown filter foo: (known: is:, date:, author:, cat:, note:, tag:, has:)" in status(app)


async def test_papers_arriving_while_showing_more_like_this_join_it(reader_app, tmp_path):
    """A fetched or watched file indexed meanwhile keeps "more like this" on (the new index is asked again)."""
    app = reader_app
    new = "Shortest path diffusion for image generation with blurring"
    abstract = "Image generation with diffusion: the shortest path of image corruption, sharpening and blurring."
    path = write(tmp_path / "new.txt", page("Mar 12", new, abstract))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "shortest path diffusion")
        await pilot.press("enter", "m")
        await settle(app, pilot)
        assert f"like: {DIFFUSION}" in status(app) and new not in shown_titles(app)
        app.reader_screen.loader.add_files([path])
        for _ in range(100):
            await settle(app, pilot)
            if new in shown_titles(app):
                break
        assert shown_titles(app)[0] == new
        assert f"like: {DIFFUSION}" in status(app)
