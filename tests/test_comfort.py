"""Issue 15, everyday comfort: Esc in the list, the help, the palette, settings that stick (config.toml: theme,
view, start, [keymap]), small terminals, where notifications go, the paper id, where the cursor starts."""

from __future__ import annotations

import pytest
from conftest import SIZE, notifications, settle, shown_titles, status, type_query
from textual.command import CommandPalette
from textual.widgets import Static

from tui_reader.app import LaunchOutcome, ReaderApp
from tui_reader.config import config_file, load_config
from tui_reader.paper import normalise_title
from tui_reader.screens import HelpScreen
from tui_reader.store import MarkStore
from tui_reader.widgets import PaperDetail, PaperList, ReaderFooter, SearchBox


@pytest.fixture
def config_toml():
    """Write the user's config.toml (in the test's own XDG config home)."""

    def write(text: str):
        path = config_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return write


def make_app(papers, store) -> ReaderApp:
    """The reader as `tui-reader` opens it: config.toml's own warnings shown with the others (cli._launch)."""
    config = load_config()
    return ReaderApp(papers, store, config.warnings, config=config)


def footer_text(app) -> str:
    return " ".join(str(key.render()) for key in app.screen.query("FooterKey") if key.region.width)


def visible_footer_keys(app) -> str:
    """The footer's keys as drawn: the kept group (?, q, palette) covers whatever it overlaps."""
    footer = app.query_one(ReaderFooter)
    kept = app.query_one("#footer-kept").region
    shown = []
    for key in footer.query("FooterKey"):
        region = key.region
        if region.width and (key.parent.id == "footer-kept" or region.right <= kept.x):
            shown.append(str(key.render()).strip())
    return " | ".join(shown)


def detail_text(app) -> str:
    return str(app.query_one("#detail-body", Static).render())


# --- 2. Esc in the list clears the query ----------------------------------------------------------------------


async def test_escape_in_the_list_clears_the_query_and_a_second_does_nothing(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "diffusion")
        await pilot.press("enter")  # to the list
        await settle(reader_app, pilot)
        assert len(shown_titles(reader_app)) == 9  # the 8 saying "diffusion" and one saying "diffuse" (a stem)
        await pilot.press("escape")
        await settle(reader_app, pilot)
        assert reader_app.query_one(SearchBox).value == ""
        assert len(shown_titles(reader_app)) == 211
        assert reader_app.query_one(PaperList).has_focus
        await pilot.press("escape")  # nothing to clear: nothing happens
        await settle(reader_app, pilot)
        assert reader_app.query_one(PaperList).has_focus and reader_app.is_running
        assert status(reader_app).startswith("211 / 211 shown")


# --- 3. the help ------------------------------------------------------------------------------------------------


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
    app = make_app(papers, store)
    async with app.run_test(size=(100, 20), notifications=True) as pilot:
        await settle(app, pilot)
        assert notifications(app) == []
        await pilot.press("question_mark")
        await pilot.pause()
        assert ("Esc / q / ?", "Close help") in app.screen.keys
        await pilot.press("n", "n")
        await pilot.pause()
        assert app.screen.query_one("#help").scroll_y == 2


# --- 4. the command palette -------------------------------------------------------------------------------------


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


# --- 5. settings that stick -------------------------------------------------------------------------------------


async def test_a_theme_chosen_is_written_back_keeping_comments_and_used_at_the_next_start(config_toml, papers, store):
    path = config_toml('# my reader\nview = "all"  # the start view\n\n[keymap]\ntoggle-star = "x"\n')
    app = make_app(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme != "nord"
        app.theme = "nord"  # what choosing it in the palette's theme picker does
        await settle(app, pilot)
    text = path.read_text()
    assert text.startswith('# my reader\nview = "all"  # the start view\n')
    assert 'toggle-star = "x"' in text and load_config().theme == "nord"
    again = make_app(papers, store)
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert again.theme == "nord"
        assert notifications(again) == []


async def test_a_broken_config_is_never_overwritten_by_the_theme(config_toml, papers, store):
    path = config_toml('theme = "nord"\nview = [\n')  # the user broke it
    app = make_app(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.theme = "gruvbox"
        await settle(app, pilot)
        messages = [shown.message for shown in notifications(app)]
    assert path.read_text() == 'theme = "nord"\nview = [\n'
    assert sum("the theme was not saved" in message for message in messages) == 1, messages


async def test_an_unknown_theme_is_one_warning_and_the_default(config_toml, papers, store):
    config_toml('theme = "no-such-theme"\n')
    app = make_app(papers, store)
    default = ReaderApp(papers, store).theme
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert app.theme == default
        assert [shown.message for shown in notifications(app)] == [
            f"{config_file()}: no theme named 'no-such-theme'; using the default"
        ]


async def test_the_start_view_comes_from_the_config(config_toml, papers, data_dir):
    config_toml('view = "starred"\n')
    with MarkStore.open(data_dir) as store:
        store.set_starred(papers[5].id, True)
    store = MarkStore.open(data_dir)
    app = make_app(papers, store)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert shown_titles(app) == [papers[5].title]
            assert "view: starred" in status(app)
    finally:
        store.close()


async def test_a_keymap_rebinds_star_and_help_footer_and_palette_show_the_new_key(config_toml, papers, store):
    config_toml('[keymap]\ntoggle-star = "x"\n')
    app = make_app(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert notifications(app) == []
        assert "x Star" in footer_text(app) and "s Star" not in footer_text(app)
        await pilot.press("s")  # no longer star
        await settle(app, pilot)
        assert app.reader.star_count == 0
        await pilot.press("x")
        await settle(app, pilot)
        assert app.reader.star_count == 1 and store.starred_ids() == {papers[0].id}
        palette = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert palette["Toggle star"].startswith("x  ·")
        await pilot.press("question_mark")
        await pilot.pause()
        keys = dict(app.screen.keys)
        assert keys["x"] == "Star / unstar the paper" and "s" not in keys


async def test_a_keymap_key_taken_from_another_binding_and_bad_entries(config_toml, papers, store):
    """Each bad entry is one warning naming config.toml and the entry; the others still apply. A key another
    binding had goes to the keymap's binding (Textual's rule), and the one that lost it is named."""
    config_toml(
        "[keymap]\n"
        'no-such-id = "z"\n'
        'toggle-star = "ctrl+nokey"\n'
        "fetch = 3\n"
        'toggle-read = "v"\n'
        'help = "v"\n'
        'copy-menu = "u"\n'
    )
    app = make_app(papers, store)
    name = config_file()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        messages = sorted(shown.message for shown in notifications(app))
        assert messages == sorted(
            [
                f'{name}: [keymap] fetch: keys must be a string like "ctrl+s", not int; ignored',
                f"{name}: [keymap] no-such-id = 'z': no binding has this id (the help, ?, lists them); ignored",
                f"{name}: [keymap] toggle-star = 'ctrl+nokey': 'ctrl+nokey' is not a key name Textual knows; ignored",
                f"{name}: [keymap] help = 'v': that key is already given to toggle-read above; ignored",
                f"{name}: [keymap] copy-menu takes u from cycle-view",
            ]
        )
        await pilot.press("v")  # toggle-read's new key
        await settle(app, pilot)
        assert app.reader.read_count == 1
        await pilot.press("s")  # still star: its bad entry was dropped
        await settle(app, pilot)
        assert app.reader.star_count == 1
        await pilot.press("u", "t")  # the copy menu now, its title item; the view stays
        await settle(app, pilot)
        assert app.clipboard == papers[0].title and "view: all" in status(app)
        await pilot.press("question_mark")  # ? is still help
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = {explanation: key for key, explanation in app.screen.keys}
        assert keys["Cycle the view: all → unread → starred → each saved view"] == "(no key)"
        assert keys["Mark the paper read / unread"] == "v"
        assert keys["Show every key and the search syntax"] == "?"


# --- 6. small terminals -----------------------------------------------------------------------------------------


async def test_at_60x20_the_abstract_shows_and_the_footer_keeps_help_and_quit(reader_app):
    async with reader_app.run_test(size=(60, 20)) as pilot:
        await settle(reader_app, pilot)
        assert reader_app.query_one(SearchBox).region.height == 1
        detail = reader_app.query_one(PaperDetail)
        body = reader_app.query_one("#detail-body")
        abstract = reader_app.reader.papers[0].abstract
        lines = [line.text for line in body.render_lines(body.region.reset_offset)]
        visible = lines[: detail.scrollable_content_region.height]
        assert any(line.strip() and line.strip() in abstract for line in visible[3:]), visible
        keys = visible_footer_keys(reader_app)
        assert "? Help" in keys and "q Quit" in keys, keys


@pytest.mark.parametrize("size", [(40, 12), (60, 20), (120, 16)])
async def test_small_terminals_show_at_least_three_list_rows_and_help_and_quit(reader_app, size):
    async with reader_app.run_test(size=size) as pilot:
        await settle(reader_app, pilot)
        assert reader_app.query_one(PaperList).scrollable_content_region.height >= 3
        keys = visible_footer_keys(reader_app)
        assert "? Help" in keys and "q Quit" in keys, keys


# --- 7. notifications hide nothing important ---------------------------------------------------------------------


@pytest.mark.parametrize(("size", "count"), [(SIZE, 5), ((80, 30), 2)])
async def test_notifications_leave_the_detail_title_marks_and_status_visible(reader_app, size, count):
    """Bottom right, above the status line: over the end of the abstract (wide: the detail's lower half; narrow:
    the detail pane's lower rows, room for two at 80x30)."""
    async with reader_app.run_test(size=size, notifications=True) as pilot:
        await settle(reader_app, pilot)
        for number in range(count - 1):
            reader_app.say(f"Notification {number}", timeout=30)
        await pilot.press("y", "t")  # copy the title: the reader's own notification
        await pilot.pause()
        toasts = list(reader_app.screen.query("Toast"))
        assert len(toasts) == count
        detail = reader_app.query_one(PaperDetail).content_region
        header = detail.intersection(detail._replace(height=5))  # title, marks and id, dates
        for toast in toasts:
            for important in (header, reader_app.query_one("#status").region, reader_app.query_one("#search").region):
                assert not toast.region.overlaps(important), (toast.region, important)


# --- 8. the paper id --------------------------------------------------------------------------------------------


async def test_the_detail_shows_the_paper_id_for_tui_reader_mark(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("j")
        await pilot.pause()
        paper = reader_app.reader.papers[1]
        assert f"id {paper.id}" in detail_text(reader_app).splitlines()[2]  # title, blank, the marks line


# --- 9. where the cursor starts ---------------------------------------------------------------------------------


def read_first(data_dir, papers, count: int) -> MarkStore:
    with MarkStore.open(data_dir) as store:
        for paper in papers[:count]:
            store.set_read(paper.id, True)
    return MarkStore.open(data_dir)


@pytest.mark.parametrize(("setting", "row"), [("", 3), ('start = "first-unread"\n', 3), ('start = "top"\n', 0)])
async def test_the_cursor_starts_on_the_first_unread_paper_unless_told_top(config_toml, papers, data_dir, setting, row):
    config_toml(setting)
    store = read_first(data_dir, papers, 3)
    app = make_app(papers, store)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert app.query_one(PaperList).cursor == row
            assert app.query_one(PaperList).scroll_y == 0  # the read papers above it stay in sight
            assert detail_text(app).startswith(papers[row].title)
    finally:
        store.close()


async def test_a_streamed_corpus_starts_on_the_first_unread_loaded_and_never_jumps_later(papers, data_dir, files):
    """A big corpus arrives after the first paint: the cursor goes to the first unread paper of the first
    papers that arrive, once; the user's own moves afterwards are never undone."""
    store = read_first(data_dir, papers, 2)
    app = ReaderApp([], store, files=files, config=load_config())
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            plist = app.query_one(PaperList)
            assert plist.cursor == 2
            await pilot.press("g")  # the user goes to the top, on a read paper
            app.reader_screen.place_cursor_at_start()  # what each later batch does: nothing once placed
            await pilot.pause()
            assert plist.cursor == 0
    finally:
        store.close()


def test_the_command_hands_config_toml_to_the_reader_even_with_paths(config_toml, monkeypatch, tmp_path):
    """`tui-reader PATH` reads its corpus from PATH, and its settings (and their warnings) from config.toml."""
    from conftest import S0, SEEDS

    from tui_reader.cli import main

    config_toml('view = "unread"\nsort = "upside-down"\n[keymap]\ntoggle-star = "x"\n')
    seen = {}

    def run(app, *args, **kwargs):
        seen.update(config=app.config, warnings=list(app.startup_warnings), keymap=dict(app.user_keymap))
        return LaunchOutcome()  # what the reader hands back to cli

    monkeypatch.setattr(ReaderApp, "run", run)
    assert main([str(SEEDS / S0), "--data-dir", str(tmp_path / "marks")]) == 0
    assert seen["config"].view == "unread" and seen["keymap"] == {"toggle-star": "x"}
    assert [w for w in seen["warnings"] if "upside-down" in w] == [
        f"{config_file()}: 'sort' must be one of newest, oldest, upvotes, title, relevance, not 'upside-down'; "
        "using the default"
    ]


async def test_the_start_sort_comes_from_the_config_and_the_cursor_starts_on_its_first_unread(
    config_toml, papers, store
):
    config_toml('sort = "title"\n')
    app = make_app(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = shown_titles(app)
        keys = [normalise_title(title) for title in titles]  # the title order ignores case and punctuation
        assert keys == sorted(keys) and titles != [p.title for p in papers]
        assert "sort: title" in status(app)
        assert app.query_one(PaperList).cursor == 0 and app.reader_screen.current is not None
        assert app.reader_screen.current.title == titles[0]


async def test_the_palette_offers_back_only_while_more_like_this_is_shown(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        titles = lambda: {c.title for c in reader_app.get_system_commands(reader_app.screen)}  # noqa: E731
        assert "More like this" in titles() and "Back" not in titles()
        await pilot.press("m")
        await settle(reader_app, pilot)
        assert "Back" in titles()
