"""The help (?), the command palette (Ctrl+P) and q: every key listed from the bindings."""

from __future__ import annotations

import pytest
from conftest import ARXIV_PAPER, SIZE, app_as_launched, notifications, settle
from textual.command import CommandPalette
from textual.widgets import Static

from tui_reader.app import ReaderApp
from tui_reader.screens.choice import ChoiceScreen
from tui_reader.screens.export import ExportScreen
from tui_reader.screens.help import HelpScreen
from tui_reader.widgets import SearchBox


async def test_question_mark_shows_every_key(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("question_mark")
        assert isinstance(reader_app.screen, HelpScreen)
        keys = dict(reader_app.screen.keys)
        for key in ("/", "r", "Space / v", "s", "u", "o", "y", "q", "j / ↓", "G / End", "PgDn / Ctrl+F", "Enter"):
            assert key in keys, key
        await pilot.press("escape")
        assert not isinstance(reader_app.screen, HelpScreen)


async def test_ctrl_p_opens_the_command_palette_with_reader_commands(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(reader_app.screen, CommandPalette)
        titles = [c.title for c in reader_app.get_system_commands(reader_app.screen)]
        assert {
            "Toggle read",
            "Toggle star",
            "Cycle view",
            "Open the paper in the browser…",
            "Copy title, id, link or citation…",
            "Export papers to a file…",
        } <= set(titles)


async def test_q_quits(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("q")
        await pilot.pause()
    assert reader_app.return_code == 0


async def test_q_in_the_search_box_types_a_q(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "q")
        assert reader_app.query_one(SearchBox).value == "q"
        assert reader_app.is_running


async def test_help_says_how_to_close_it_first_and_vim_keys_scroll_it(reader_app):
    async with reader_app.run_test(size=(100, 20)) as pilot:  # shorter than the help
        await settle(reader_app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_box = reader_app.screen.query_one("#help")
        first_line = str(help_box.query(Static).first().render())
        assert "Esc, q or ? closes" in first_line
        assert help_box.max_scroll_y > 0
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert help_box.scroll_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert help_box.scroll_y == 2
        await pilot.press("G")
        await pilot.pause()
        assert help_box.scroll_y == help_box.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert help_box.scroll_y == 0
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(reader_app.screen, HelpScreen) and reader_app.is_running


async def test_the_helps_own_keys_are_listed_and_can_be_rebound(config_toml, papers, store):
    config_toml('[keymap]\n"help.scroll-down" = "n"\n')
    app = app_as_launched(papers, store)
    async with app.run_test(size=(100, 20), notifications=True) as pilot:
        await settle(app, pilot)
        assert notifications(app) == []
        await pilot.press("question_mark")
        await pilot.pause()
        assert ("Esc / q / ?", "Close help") in app.screen.keys
        await pilot.press("n", "n")
        await pilot.pause()
        assert app.screen.query_one("#help").scroll_y == 2


async def test_the_palette_lists_every_command_once_with_its_key(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(reader_app.screen, CommandPalette)
        system = list(reader_app.get_system_commands(reader_app.screen))
        titles = [command.title for command in system]
        assert len(titles) == len(set(titles)), titles  # one "Keys" (ours), one "Quit"
        assert "Keys" not in titles and "Keys and search syntax" in titles
        registry = [command for command in reader_app.all_commands() if command.is_command]
        helps = {command.title: command.help for command in system}
        for command in registry:
            if command.binding.action == "leave_like":
                continue  # offered only while "more like this" is shown (its own test)
            assert helps[command.title].startswith(f"{command.label}  ·  "), (command.title, helps[command.title])
        assert helps["Toggle star"].startswith("s  ·") and helps["Clear the search"].startswith("Esc  ·")


async def test_the_palette_offers_back_only_while_more_like_this_is_shown(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        titles = lambda: {c.title for c in reader_app.get_system_commands(reader_app.screen)}  # noqa: E731
        assert "More like this" in titles() and "Back" not in titles()
        await pilot.press("m")
        await settle(reader_app, pilot)
        assert "Back" in titles()


ARXIV = ARXIV_PAPER


@pytest.mark.parametrize(("title", "screen"), [("Export papers", ExportScreen), ("Copy title", ChoiceScreen)])
async def test_the_palette_opens_the_menus_and_the_dialog_by_name(store, title, screen):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *title)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, screen)


def screen_rows(app) -> list[str]:
    """The terminal's rows as drawn (every widget over the others)."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_no_help_text_reaches_the_scrollbar_and_no_explanation_is_cut(reader_app, width):
    async with reader_app.run_test(size=(width, 30)) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        box = reader_app.screen.query_one("#help")
        bar = box.vertical_scrollbar.region
        assert box.max_scroll_y > 0 and bar.width == 2  # taller than the screen: the scrollbar shows
        for y in range(0, box.max_scroll_y + bar.height, bar.height):
            box.scroll_to(y=y, animate=False)
            await pilot.pause()
            rows = screen_rows(reader_app)[bar.y : bar.bottom]
            assert [row[bar.x - 1] for row in rows] == [" "] * bar.height, "text runs up to the scrollbar"
        keys = reader_app.screen.query_one(".help-keys")
        text = " ".join(
            "".join(segment.text for segment in line) for line in keys.render_lines(keys.region.reset_offset)
        )
        assert "Search: focus the box with the" in " ".join(text.split())
