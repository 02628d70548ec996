"""S in the reader: the order cycles, the status line says which, the list follows, the cursor keeps its paper,
a new query comes back in the chosen order, a sort with nothing to order by says so, the date column shows the day
the sort uses, and the sort chosen is the one the next start begins in (Pilot)."""

from __future__ import annotations

import contextlib
import threading
import tomllib

import pytest
from conftest import (
    SIZE,
    app_as_launched,
    messages,
    row_in_view,
    settle,
    shown_titles,
    status,
    type_query,
    wait_until,
)
from textual.worker import WorkerCancelled

from tui_reader.app import ReaderApp
from tui_reader.paper import Paper, paper_id
from tui_reader.sorting import Sort
from tui_reader.views import SavedViews
from tui_reader.widgets import PaperList


def paper(title: str, published: str | None, upvotes: int | None, abstract: str = "") -> Paper:
    return Paper(paper_id(title), title, abstract, published=published, upvotes=upvotes)


PAPERS = [
    paper("Beta diffusion", "2024-03-02", 10, "diffusion"),
    paper("Alpha flows", None, 50),
    paper("Gamma diffusion", "2024-03-09", None, "diffusion diffusion"),
    paper("Delta", "2024-01-15", 3),
]


@pytest.fixture
def app(store):
    return ReaderApp(PAPERS, store)


async def press_sort(app, pilot, times: int = 1) -> None:
    for _ in range(times):
        await pilot.press("S")
    await settle(app, pilot)


async def test_s_cycles_the_order_and_the_status_says_which(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "sort: as listed" in status(app)
        assert shown_titles(app) == ["Beta diffusion", "Alpha flows", "Gamma diffusion", "Delta"]
        await press_sort(app, pilot)
        assert "sort: newest" in status(app)
        assert shown_titles(app) == ["Gamma diffusion", "Beta diffusion", "Delta", "Alpha flows"]  # undated last
        await press_sort(app, pilot)
        assert "sort: oldest" in status(app)
        assert shown_titles(app) == ["Delta", "Beta diffusion", "Gamma diffusion", "Alpha flows"]
        await press_sort(app, pilot)
        assert "sort: upvotes" in status(app)
        assert shown_titles(app) == ["Alpha flows", "Beta diffusion", "Delta", "Gamma diffusion"]
        await press_sort(app, pilot)
        assert "sort: title" in status(app)
        assert shown_titles(app) == ["Alpha flows", "Beta diffusion", "Delta", "Gamma diffusion"]
        await press_sort(app, pilot)
        assert "sort: as listed" in status(app)
        assert shown_titles(app) == ["Beta diffusion", "Alpha flows", "Gamma diffusion", "Delta"]


async def test_the_cursor_stays_on_its_paper(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j")  # Gamma diffusion
        await press_sort(app, pilot)  # newest: Gamma is first now
        assert app.reader_screen.current is not None and app.reader_screen.current.title == "Gamma diffusion"
        assert app.reader_screen.paper_list.cursor == 0
        await press_sort(app, pilot, 3)  # title: Gamma is last
        assert app.reader_screen.current is not None and app.reader_screen.current.title == "Gamma diffusion"
        assert app.reader_screen.paper_list.cursor == 3


async def test_s_reorders_the_result_without_searching_again_and_a_new_query_comes_back_sorted(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "diffusion")
        await pilot.press("enter")  # to the list: S there is a command, in the box a letter
        assert "sort: relevance" in status(app)
        assert shown_titles(app) == ["Beta diffusion", "Gamma diffusion"]  # equal scores: as listed
        searches = []
        real = app.reader.index.search
        app.reader.index.search = lambda *a, **k: searches.append(a) or real(*a, **k)
        await press_sort(app, pilot)
        assert "sort: newest" in status(app)
        assert shown_titles(app) == ["Gamma diffusion", "Beta diffusion"]
        assert searches == []  # only the order changed
        await pilot.press("slash", "end", "backspace", "backspace", "backspace", "enter")  # "diffus"
        await settle(app, pilot)
        assert len(searches) == 3 and shown_titles(app) == ["Gamma diffusion", "Beta diffusion"]  # still newest first
        await press_sort(app, pilot, 4)  # oldest, upvotes, title, relevance
        assert "sort: relevance" in status(app) and len(searches) == 3
        assert shown_titles(app) == ["Beta diffusion", "Gamma diffusion"]


async def test_papers_read_after_the_first_paint_join_the_list_in_its_order(store, tmp_path):
    import json

    def item(title: str, listed: str) -> dict[str, object]:
        paper = {"id": f"2403.{listed[-2:]}000", "title": title, "summary": "s", "authors": []}
        return {"paper": paper, "publishedAt": listed, "title": title}

    files = []
    for name, title, listed in (("1.json", "Older", "2024-03-01"), ("2.json", "Newer", "2024-03-20")):
        files.append(tmp_path / name)
        files[-1].write_text(json.dumps([item(title, f"{listed}T09:00:00.000Z")]))
    app = ReaderApp([], store, files=files)
    app.reader.sort = Sort.NEWEST  # chosen before the files arrive (S while loading)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(10):  # each file's papers start a sort, cancelling the one before: wait past them
            with contextlib.suppress(WorkerCancelled):
                await settle(app, pilot)
                break
        assert shown_titles(app) == ["Newer", "Older"] and "sort: newest" in status(app)


async def test_a_sort_with_nothing_to_order_by_says_so_once(reader_app, papers):
    """The bundled dumps: listing dates without a year, no upvotes. Newest, oldest and upvotes leave them as
    listed, and say so once each, not again when the list is searched or sorted again in the same order. (The
    notifications are cleared after each check, so one said again would be on screen, not timed out.)"""
    listed = [paper.title for paper in papers]

    async def said(*keys: str) -> list[str]:
        reader_app.clear_notifications()
        await pilot.press(*keys)
        await settle(reader_app, pilot)
        return messages(reader_app)

    async with reader_app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(reader_app, pilot)
        assert await said("S") == ["No dates with a year in these papers: sorted newest first, they stay as listed."]
        assert "sort: newest" in status(reader_app) and shown_titles(reader_app) == listed
        assert await said("r") == []  # a mark: the status line is redrawn, nothing said
        assert await said("slash", *"diffusion", "enter") == []  # searched again, in the same order
        assert await said("S") == [
            "No dates with a year in these papers: sorted oldest first, they stay in relevance order."
        ]
        assert await said("S") == ["No upvotes in these papers: sorted by upvotes, they stay in relevance order."]
        assert await said("S", "S") == []  # title, relevance: they order


DATED = [
    Paper(paper_id("Beta"), "Beta", "", dates=("Mar 2, 2024", "Mar 20, 2024"), upvotes=1),  # listed twice
    Paper(paper_id("Alpha"), "Alpha", "", published="2024-03-09", upvotes=7),  # never listed
    Paper(paper_id("Gamma"), "Gamma", "", dates=("Mar 15",), published="2024-03-01"),  # the year from arXiv
    Paper(paper_id("Delta"), "Delta", "", dates=("Feb 1",), upvotes=3),  # no year anywhere
]


def date_column(app) -> list[tuple[str, str]]:
    """Each row's title and the date its date column shows (the row ends with the date and one space)."""
    plist = app.query_one(PaperList)
    return [(app.reader.papers[plist.rows[row]].title, row_in_view(plist, row)[-12:-1].strip()) for row in range(4)]


async def test_the_date_column_shows_the_day_newest_and_oldest_sort_by(store):
    """Both orders use a paper's latest day with a year, and the column shows that day: the dates go down
    (newest) or up (oldest); a paper without a year shows its listing date, last. Any other order shows the same
    day for each paper."""
    app = ReaderApp(DATED, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        as_listed = [("Beta", "Mar 20 2024"), ("Alpha", "Mar 9 2024"), ("Gamma", "Mar 15 2024"), ("Delta", "Feb 1")]
        assert date_column(app) == as_listed
        await press_sort(app, pilot)
        assert "sort: newest" in status(app)
        assert date_column(app) == [
            ("Beta", "Mar 20 2024"),
            ("Gamma", "Mar 15 2024"),
            ("Alpha", "Mar 9 2024"),
            ("Delta", "Feb 1"),
        ]
        await press_sort(app, pilot)
        assert "sort: oldest" in status(app)
        assert date_column(app) == [
            ("Alpha", "Mar 9 2024"),
            ("Gamma", "Mar 15 2024"),
            ("Beta", "Mar 20 2024"),  # its latest day, Mar 20, not its first listing, Mar 2
            ("Delta", "Feb 1"),
        ]
        await press_sort(app, pilot)
        assert "sort: upvotes" in status(app)
        assert date_column(app) == [
            ("Alpha", "Mar 9 2024"),
            ("Delta", "Feb 1"),
            ("Beta", "Mar 20 2024"),
            ("Gamma", "Mar 15 2024"),
        ]
        await press_sort(app, pilot)
        assert "sort: title" in status(app)
        assert date_column(app) == [
            ("Alpha", "Mar 9 2024"),
            ("Beta", "Mar 20 2024"),
            ("Delta", "Feb 1"),
            ("Gamma", "Mar 15 2024"),
        ]
        await press_sort(app, pilot)
        assert date_column(app) == as_listed


async def test_the_sort_chosen_is_saved_and_the_next_start_begins_in_it(config_toml, store):
    path = config_toml('# my reader\nview = "all"  # the start view\n')
    app = app_as_launched(PAPERS, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await press_sort(app, pilot)
        with path.open("rb") as file:
            assert tomllib.load(file) == {"view": "all", "sort": "newest"}
        await pilot.press("S", "S", "S")  # oldest, upvotes, title in a burst: the file ends with the last
        await settle(app, pilot)
    assert path.read_text().startswith('# my reader\nview = "all"  # the start view\n')
    with path.open("rb") as file:
        assert tomllib.load(file) == {"view": "all", "sort": "title"}
    again = app_as_launched(PAPERS, store)
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert "sort: title" in status(again)
        assert shown_titles(again) == ["Alpha flows", "Beta diffusion", "Delta", "Gamma diffusion"]


async def test_s_in_a_saved_view_with_its_own_sort_keeps_the_users_saved_sort(config_toml, store, data_dir):
    path = config_toml('sort = "oldest"\n')
    SavedViews.load(data_dir).save("Popular", "diffusion", "upvotes")
    app = app_as_launched(PAPERS, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("u", "u", "u", "u")  # unread, starred, new, then the saved view (no watch list)
        await settle(app, pilot)
        assert "view: Popular" in status(app)
        assert "sort: upvotes" in status(app)
        await press_sort(app, pilot)  # title, for this view only
        assert "sort: title" in status(app)
        with path.open("rb") as file:
            assert tomllib.load(file) == {"sort": "oldest"}
        await pilot.press("u")  # back to all, in the order shown
        await press_sort(app, pilot)  # the user's own choice: saved
        assert "view: all" in status(app) and "sort: as listed" in status(app)
    with path.open("rb") as file:
        assert tomllib.load(file) == {"sort": "relevance"}


async def test_while_a_sort_is_worked_out_the_status_says_sorting(app, monkeypatch):
    """A million stored papers take seconds to sort the first time: the status line says so until the rows come."""
    from tui_reader import state as state_module

    release = threading.Event()
    real = state_module.sort_rows

    def slow(papers, rows, sort):
        assert release.wait(10)
        return real(papers, rows, sort)

    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(state_module, "sort_rows", slow)
        await pilot.press("S")
        await wait_until(pilot, lambda: "sort: newest · sorting…" in status(app), "sorting on the status line")
        release.set()
        await wait_until(pilot, lambda: "sorting" not in status(app), "the sorted rows")
        assert shown_titles(app) == ["Gamma diffusion", "Beta diffusion", "Delta", "Alpha flows"]
