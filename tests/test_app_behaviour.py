"""Reader behaviours a mutation audit found unguarded: stale search results, the browser check, marking in a
filtered view, the marks poll timer, the selection across queries, the detail's highlighting."""

from __future__ import annotations

import re
import sys
import threading
import time

import pytest
from conftest import SIZE, settle, status, type_query
from rich.style import Style

from tui_reader import app as app_module
from tui_reader.app import ReaderApp
from tui_reader.controllers.reach import graphical_browser_available
from tui_reader.search import SearchIndex
from tui_reader.state import View
from tui_reader.store import MarkStore
from tui_reader.widgets import PaperList, SearchBox


async def wait_until(pilot, condition, what: str, timeout: float = 5.0) -> None:
    """Let the app run (pilot pauses) until ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause()


def detail_text(app):
    """The detail pane's text as given to its body (a rich Text: plain text and styled spans)."""
    return app.query_one("#detail-body").content


def style_of(span) -> Style:
    return span.style if isinstance(span.style, Style) else Style.parse(span.style)


def reversed_spans(text) -> set[tuple[int, int]]:
    """[start, end) ranges of ``text`` shown in reverse video: the highlighted matches."""
    return {(s.start, s.end) for s in text.spans if style_of(s).reverse}


def row_text(plist: PaperList, row: int) -> str:
    """What the list shows on ``row`` (which must be scrolled into view)."""
    y = row - plist.scroll_offset.y
    assert 0 <= y < plist.scrollable_content_region.height, "row not in view"
    return plist.render_line(y).text


# --- 1. a stale search result ----------------------------------------------------------------------------


async def test_a_search_result_that_arrives_after_a_newer_one_is_dropped(reader_app, monkeypatch):
    """Type "diffusion" (slow to search), Esc, type "reinforcement": the diffusion result finishing last must
    not replace the reinforcement list."""
    real_search = SearchIndex.search
    started, release, returned = threading.Event(), threading.Event(), threading.Event()

    def search(self, query, marks=None):
        if query != "diffusion":
            return real_search(self, query, marks)
        started.set()
        release.wait(timeout=10)
        try:
            return real_search(self, query, marks)
        finally:
            returned.set()

    monkeypatch.setattr(SearchIndex, "search", search)
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        try:
            await settle(app, pilot)
            plist = app.query_one(PaperList)
            await pilot.press("slash", *"diffusion")
            await wait_until(pilot, started.is_set, "the diffusion search to start")
            await pilot.press("escape", *"reinforcement")
            wanted = list(real_search(app.reader.index, "reinforcement").indices)
            diffusion = list(real_search(app.reader.index, "diffusion").indices)
            assert wanted != diffusion
            await wait_until(pilot, lambda: list(plist.rows) == wanted, "the reinforcement results")
        finally:
            release.set()
        await wait_until(pilot, returned.is_set, "the diffusion search to finish")
        for _ in range(5):  # its result reaches the app as a callback from the worker thread
            await pilot.pause()
        await settle(app, pilot)
        assert app.query_one(SearchBox).value == "reinforcement"
        assert list(plist.rows) == wanted
        assert status(app).startswith(f"{len(wanted)} / 211 shown")


# --- 2. is there a graphical browser? ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {}, False),  # a console or ssh session: webbrowser would start lynx in this terminal
        ("linux", {"BROWSER": "firefox"}, True),  # the user said which browser
        ("linux", {"BROWSER": ""}, False),
        ("linux", {"DISPLAY": ":0"}, True),
        ("linux", {"DISPLAY": ""}, False),
        ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, True),
        ("freebsd14", {}, False),  # only macOS and Windows always have a window system
        ("freebsd14", {"DISPLAY": ":1"}, True),
        ("darwin", {}, True),
        ("win32", {}, True),
    ],
)
def test_graphical_browser_available_follows_the_environment(monkeypatch, platform, env, expected):
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert graphical_browser_available() is expected


# --- 3. marking in the unread view -------------------------------------------------------------------------


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
        assert row_text(plist, 3).startswith("  ★ ")  # no unread dot, a star
        body = detail_text(app).plain
        assert body.startswith(paper.title) and "✓ read" in body and "★ starred" in body
        assert app.reader.mark(paper.id).read and app.reader.mark(paper.id).starred


# --- 4. the marks poll timer -------------------------------------------------------------------------------


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
            assert "0 starred" in status(app) and "★" not in row_text(plist, 0)

            other.set_starred(papers[0].id, True)  # `tui-reader mark` or a second terminal
            # 1.5 s: 30 polls at 0.05 s, less than one at the default 2 s (the setting must be the one used)
            await wait_until(pilot, lambda: "1 starred" in status(app), "the first star from elsewhere", 1.5)
            assert row_text(plist, 0).startswith(" ●★ ")
            assert "★ starred" in detail_text(app).plain  # papers[0] is under the cursor

            other.set_starred(papers[1].id, True)
            await wait_until(pilot, lambda: "2 starred" in status(app), "the second star from elsewhere", 1.5)
            assert row_text(plist, 1).startswith(" ●★ ")
    finally:
        other.close()
        store.close()


# --- 5. the selection across queries -----------------------------------------------------------------------


async def test_selection_survives_a_query_that_ranks_the_paper_below_the_top(reader_app, papers):
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        ranked = list(app.reader.index.search("diffusion").indices)
        # a paper the query ranks second or lower, on another row than now (the nearest the top of the list)
        target = min(index for rank, index in enumerate(ranked) if rank > 0 and index != rank)
        position = ranked.index(target)
        assert 0 < position != target
        plist = app.query_one(PaperList)
        plist.cursor = target  # as many j presses, without the wait
        await pilot.pause()
        assert plist.paper_index == target and detail_text(app).plain.startswith(papers[target].title)

        await type_query(app, pilot, "diffusion")
        assert list(plist.rows) == ranked
        assert plist.paper_index == target and plist.cursor == position
        assert row_text(plist, position)[4:].startswith(papers[target].title[:40])
        assert detail_text(app).plain.startswith(papers[target].title)


# --- 6. highlighting in the detail -------------------------------------------------------------------------


async def test_detail_highlights_the_query_matches_in_title_and_abstract_and_nothing_without_a_query(reader_app):
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert reversed_spans(detail_text(app)) == set()

        await type_query(app, pilot, "diffusion")
        await pilot.press("enter")  # to the list: the top result is under the cursor
        paper = app.reader_screen.current
        text = detail_text(app)
        start = text.plain.rindex(paper.abstract)  # the abstract ends the detail
        expected_title = {m.span() for m in re.finditer(r"\bdiffusion\b", paper.title, re.I)}
        expected_abstract = {
            (s + start, e + start) for s, e in (m.span() for m in re.finditer(r"\bdiffusion\b", paper.abstract, re.I))
        }
        assert expected_title and expected_abstract  # the top result has the word in both
        assert text.plain.startswith(paper.title)
        assert reversed_spans(text) == expected_title | expected_abstract
        for span in text.spans:
            if style_of(span).reverse:
                assert style_of(span).bold
                assert text.plain[span.start : span.end].lower() == "diffusion"

        await pilot.press("slash", "escape")  # clear the query
        await settle(app, pilot)
        assert app.query_one(SearchBox).value == ""
        text = detail_text(app)
        assert text.plain.startswith(paper.title)  # the same paper, now with nothing highlighted
        assert reversed_spans(text) == set()
