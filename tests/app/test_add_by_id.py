"""+ (and its palette command) in the reader: the paper whose arXiv id or URL is in the search box is asked of
the local stand-in of the arXiv API, kept in the data directory, read into the list, and put under the cursor."""

from __future__ import annotations

import socket

from conftest import SIZE, notifications, settle, status, type_query, wait_until
from textual.widgets import Input

from tui_reader import fetch_arxiv
from tui_reader.app import ReaderApp

TITLE = "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"


def said(app) -> list[tuple[str, str]]:
    return [(shown.message, shown.severity) for shown in notifications(app)]


async def test_plus_adds_the_paper_in_the_search_box_and_puts_the_cursor_on_it(
    arxiv, papers, store, data_dir, monkeypatch
):
    monkeypatch.setattr(fetch_arxiv, "DEFAULT_API_URL", f"{arxiv.url}/api/query")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "https://arxiv.org/abs/2202.12139v1")
        await pilot.press("enter", "plus")
        screen = app.reader_screen
        await wait_until(pilot, lambda: screen.current is not None and screen.current.title == TITLE, "the paper")
        await settle(app, pilot)
        assert screen.current.title == TITLE and screen.current.arxiv_id == "2202.12139"
        assert len(app.reader.papers) == 212
        assert app.query_one("#search", Input).value == "" and "view: all" in status(app)
        assert [path for _, path in arxiv.requests] == ["/api/query?id_list=2202.12139v1&max_results=1"]
        (kept,) = (data_dir / "listings/arxiv").glob("added_*.xml")  # kept: read with the corpus next time
        assert b"2202.12139" in kept.read_bytes()
        assert (f"Added 2202.12139v1: {TITLE}", "information") in said(app)


async def test_plus_says_how_to_use_it_and_names_a_malformed_or_unknown_id(arxiv, papers, store, monkeypatch):
    monkeypatch.setattr(fetch_arxiv, "DEFAULT_API_URL", f"{arxiv.url}/api/query")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("plus")
        await pilot.pause()
        assert said(app)[-1][0] == "Type an arXiv id or URL in the search box (/2401.12345), then + adds that paper."
        await type_query(app, pilot, "[b]2401.1234")
        await pilot.press("enter", "plus")
        await pilot.pause()
        assert said(app)[-1][0] == ("'[b]2401.1234' is not an arXiv id (like 2401.12345, hep-th/9901001, or its URL)")
        assert arxiv.requests == []  # refused before any request
        await pilot.press("escape", "escape")
        await type_query(app, pilot, "2401.99999")
        await pilot.press("enter", "plus")
        await wait_until(pilot, lambda: any("does not know" in m for m, _ in said(app)), "the answer")
        assert ("arXiv does not know 2401.99999", "error") in said(app)
        assert len(app.reader.papers) == 211 and app.query_one("#search", Input).value == "2401.99999"


async def test_a_network_failure_is_one_error_line(papers, store, monkeypatch):
    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    monkeypatch.setattr(fetch_arxiv, "DEFAULT_API_URL", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setattr(fetch_arxiv, "BACKOFF_S", 0.0)
    monkeypatch.setattr(fetch_arxiv, "PACER", fetch_arxiv.Pacer(interval=0.0))
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "2202.12139")
        await pilot.press("enter", "plus")
        await wait_until(pilot, lambda: any(s == "error" for _, s in said(app)), "the failure")
        ((message, _),) = [shown for shown in said(app) if shown[1] == "error"]
        assert message.startswith("arXiv API (2202.12139): cannot connect") and "\n" not in message
        assert app.reader_screen.adder.adding is None  # another try may start


async def test_the_palette_command_adds_the_paper_too(arxiv, papers, store, monkeypatch):
    monkeypatch.setattr(fetch_arxiv, "DEFAULT_API_URL", f"{arxiv.url}/api/query")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "arXiv:2202.12139")
        await pilot.press("enter")
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        app.call_later(commands["Add the paper whose arXiv id or URL is in the search box"].callback)
        screen = app.reader_screen
        await wait_until(pilot, lambda: screen.current is not None and screen.current.title == TITLE, "the paper")
