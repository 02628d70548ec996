"""S in the reader: the order cycles, the status line says which, the list follows, the cursor keeps its paper,
and a new query comes back in the chosen order (Pilot)."""

from __future__ import annotations

import contextlib

import pytest
from conftest import SIZE, settle, shown_titles, status, type_query
from textual.worker import WorkerCancelled

from tui_reader.app import ReaderApp
from tui_reader.paper import Paper, paper_id
from tui_reader.sorting import Sort


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
