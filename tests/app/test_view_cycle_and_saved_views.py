"""The view cycle (u) and saved views: V saves the query and sort, the palette shows or deletes one."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SIZE, app_as_launched, settle, shown_titles, status, type_query
from textual.widgets import Input

from tui_reader.app import ReaderApp
from tui_reader.screens.choice import ChoiceScreen
from tui_reader.screens.prompt import PromptScreen
from tui_reader.views import VIEWS_FILE, SavedViews, View
from tui_reader.widgets import PaperList


async def test_u_cycles_all_unread_starred(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("r", "j", "s")  # paper 0 read, paper 1 starred
        await pilot.press("u")
        await settle(reader_app, pilot)
        assert reader_app.reader.view is View.UNREAD
        assert "view: unread" in status(reader_app)
        assert papers[0].title not in shown_titles(reader_app)
        assert len(reader_app.query_one(PaperList).rows) == 210
        await pilot.press("u")
        await settle(reader_app, pilot)
        assert reader_app.reader.view is View.STARRED
        assert shown_titles(reader_app) == [papers[1].title]
        await pilot.press("u", "u")  # new (nothing is new in a first session), then all (no watch list: no watched)
        await settle(reader_app, pilot)
        assert reader_app.reader.view is View.ALL
        assert len(reader_app.query_one(PaperList).rows) == 211


async def test_v_saves_the_query_and_sort_as_a_view_that_joins_the_u_cycle(papers, store, data_dir):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "diffusion")
        matching = shown_titles(app)
        await pilot.press("enter", "S")  # back to the list; sorted newest first
        await settle(app, pilot)
        await pilot.press("V")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"all", "enter")  # a built-in view's name: said in the prompt
        await pilot.pause()
        assert "built-in view" in str(app.screen.query_one("#prompt-problem").render())
        await pilot.press("ctrl+u", *"Diffusion", "enter")
        await settle(app, pilot)
        assert json.loads((data_dir / VIEWS_FILE).read_text()) == [
            {"name": "Diffusion", "query": "diffusion", "sort": "newest"}
        ]
        assert "view: Diffusion" in status(app) and app.query_one("#search", Input).value == ""
        assert sorted(shown_titles(app)) == sorted(matching)
        seen = []
        for _ in range(5):
            await pilot.press("u")
            await settle(app, pilot)
            seen.append(status(app).split("view: ")[1].split(" ·")[0])
        assert seen == ["all", "unread", "starred", "new", "Diffusion"]  # no watch list: no watched view


async def test_u_passes_the_watched_view_only_with_a_watch_list(papers, store, data_dir, config_toml):
    SavedViews.load(data_dir).save("Reading", "is:unread")
    config_toml('watch = ["diffusion"]\n')
    app = app_as_launched(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        seen = []
        for _ in range(6):
            await pilot.press("u")
            await settle(app, pilot)
            seen.append(status(app).split("view: ")[1].split(" ·")[0])
        assert seen == ["unread", "starred", "new", "watched", "Reading", "all"]


async def test_saved_views_are_in_the_palette_and_can_be_deleted(papers, store, data_dir):
    SavedViews.load(data_dir).save("To read", "is:unread diffusion")
    SavedViews.load(data_dir).save("Mine", "is:starred")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        assert {"View: To read", "View: Mine", "Delete view…"} <= commands.keys()
        app.call_later(commands["View: To read"].callback)  # as the palette runs a command
        await settle(app, pilot)
        assert "view: To read" in status(app)
        assert all(  # "diffusion" or another form of it ("diffuse": one stem)
            "diffus" in (t + p.abstract).lower()
            for t, p in zip(
                shown_titles(app), [app.reader.papers[i] for i in app.query_one(PaperList).rows], strict=True
            )
        )
        app.call_later(commands["Delete view…"].callback)
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("1")
        await settle(app, pilot)
        assert SavedViews.load(data_dir).names() == ["Mine"]
        assert "view: all" in status(app)  # the view shown was deleted


def test_views_file_name_is_in_the_data_dir(data_dir: Path):
    assert SavedViews.load(data_dir).path == data_dir / VIEWS_FILE


async def test_a_view_saved_in_another_reader_joins_the_cycle_and_the_palette(papers, store, data_dir):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        SavedViews.load(data_dir).save("Elsewhere", "is:starred")  # another reader, meanwhile
        assert "View: Elsewhere" in [command.title for command in app.get_system_commands(app.screen)]
        await pilot.press("u", "u", "u", "u")  # unread, starred, new, then the saved view (no watch list)
        await settle(app, pilot)
        assert "view: Elsewhere" in status(app)


async def test_v_in_a_saved_view_offers_its_name_so_enter_updates_it_with_the_refinement(papers, store, data_dir):
    SavedViews.load(data_dir).save("Reading", "is:unread")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("u", "u", "u", "u")  # all → unread → starred → new → Reading (no watch list)
        await type_query(app, pilot, "diffusion")
        await pilot.press("enter", "V")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "Reading"
        await pilot.press("enter")
        await settle(app, pilot)
        assert SavedViews.load(data_dir).get("reading").query == "is:unread diffusion"
        assert "view: Reading" in status(app) and app.query_one("#search", Input).value == ""
