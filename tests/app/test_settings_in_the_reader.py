"""The user's config.toml in the reader: theme, start view, sort and position, keymap."""

from __future__ import annotations

import pytest
from conftest import SIZE, app_as_launched, detail_shown, notifications, settle, shown_titles, status

from tui_reader.app import LaunchOutcome, ReaderApp
from tui_reader.config import config_file, load_config
from tui_reader.library import MarkStore
from tui_reader.paper import normalise_title
from tui_reader.screens.help import HelpScreen
from tui_reader.widgets import PaperList


def footer_text(app) -> str:
    return " ".join(str(key.render()) for key in app.screen.query("FooterKey") if key.region.width)


def read_first(data_dir, papers, count: int) -> MarkStore:
    with MarkStore.open(data_dir) as store:
        for paper in papers[:count]:
            store.set_read(paper.id, True)
    return MarkStore.open(data_dir)


async def test_a_theme_chosen_is_written_back_keeping_comments_and_used_at_the_next_start(config_toml, papers, store):
    path = config_toml('# my reader\nview = "all"  # the start view\n\n[keymap]\ntoggle-star = "x"\n')
    app = app_as_launched(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme != "nord"
        app.theme = "nord"  # what choosing it in the palette's theme picker does
        await settle(app, pilot)
    text = path.read_text()
    assert text.startswith('# my reader\nview = "all"  # the start view\n')
    assert 'toggle-star = "x"' in text and load_config().theme == "nord"
    again = app_as_launched(papers, store)
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert again.theme == "nord"
        assert notifications(again) == []


async def test_a_broken_config_is_never_overwritten_by_the_theme(config_toml, papers, store):
    path = config_toml('theme = "nord"\nview = [\n')  # the user broke it
    app = app_as_launched(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.theme = "gruvbox"
        await settle(app, pilot)
        messages = [shown.message for shown in notifications(app)]
    assert path.read_text() == 'theme = "nord"\nview = [\n'
    assert sum("the theme was not saved" in message for message in messages) == 1, messages


async def test_an_unknown_theme_is_one_warning_and_the_default(config_toml, papers, store):
    config_toml('theme = "no-such-theme"\n')
    app = app_as_launched(papers, store)
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
    app = app_as_launched(papers, store)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert shown_titles(app) == [papers[5].title]
            assert "view: starred" in status(app)
    finally:
        store.close()


async def test_a_keymap_rebinds_star_and_help_footer_and_palette_show_the_new_key(config_toml, papers, store):
    config_toml('[keymap]\ntoggle-star = "x"\n')
    app = app_as_launched(papers, store)
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
        assert keys["x"] == "Star / unstar the paper (the selected papers, when some are)" and "s" not in keys


@pytest.mark.parametrize(
    ("keymap", "refused"),
    [
        ('quit = "j"', "[keymap] quit = 'j': j moves the list (list.cursor-down); ignored"),
        ('toggle-star = "q"', "[keymap] toggle-star = 'q': quit would be left without a key (q); ignored"),
        ('toggle-read = "question_mark"', "toggle-read = 'question_mark': help would be left without a key (?)"),
        ('toggle-star = "k,x"', "[keymap] toggle-star = 'k,x': k moves the list (list.cursor-up); ignored"),
        ('help = "ctrl+q"', "[keymap] help = 'ctrl+q': Ctrl+Q is the app's own quit key, which comes first; ignored"),
        ('quit = "ctrl+p"', "quit = 'ctrl+p': Ctrl+P is the command palette's key, which comes first; ignored"),
        ('quit = "ctrl+q"', "quit = 'ctrl+q': Ctrl+Q is the app's own quit key, which comes first; ignored"),
    ],
)
async def test_a_keymap_never_takes_quit_help_or_the_lists_movement_keys(config_toml, papers, store, keymap, refused):
    config_toml(f"[keymap]\n{keymap}\n")
    app = app_as_launched(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        (warning,) = [shown.message for shown in notifications(app)]
        assert warning.startswith(f"{config_file()}: ") and refused in warning
        assert "? Help" in footer_text(app) and "q Quit" in footer_text(app)
        await pilot.press("j")  # the list still moves
        await settle(app, pilot)
        assert app.query_one(PaperList).cursor == 1
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0  # and q still quits


async def test_a_keymap_key_the_lists_own_bindings_come_before_is_refused_naming_them(config_toml, papers, store):
    """w zooms the detail from the list (a binding of the panes, tried before the screen's): toggle-star = "w"
    would never star, so it is one warning and s still stars."""
    config_toml('[keymap]\ntoggle-star = "w"\n')
    app = app_as_launched(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert [shown.message for shown in notifications(app)] == [
            f"{config_file()}: [keymap] toggle-star = 'w': w is zoom's key in the list and the detail pane, "
            "which comes first there; ignored"
        ]
        await pilot.press("s")
        await settle(app, pilot)
        assert app.reader.star_count == 1


async def test_a_keymap_key_taken_from_another_binding_and_bad_entries(config_toml, papers, store):
    """Each bad entry is one warning naming config.toml and the entry; the others still apply. A key another
    binding had goes to the keymap's binding (Textual's rule), and the one that lost it is named."""
    config_toml(
        "[keymap]\n"
        'no-such-id = "z"\n'
        'toggle-star = "ctrl+nokey"\n'
        "fetch = 3\n"
        'toggle-read = "x"\n'
        'help = "x"\n'
        'copy-menu = "u"\n'
    )
    app = app_as_launched(papers, store)
    name = config_file()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        messages = sorted(shown.message for shown in notifications(app))
        assert messages == sorted(
            [
                f'{name}: [keymap] fetch: keys must be a string like "ctrl+s", not int; ignored',
                f"{name}: [keymap] no-such-id = 'z': no binding has this id (the help, ?, lists them); ignored",
                f"{name}: [keymap] toggle-star = 'ctrl+nokey': 'ctrl+nokey' is not a key name Textual knows; ignored",
                f"{name}: [keymap] help = 'x': that key is already given to toggle-read above; ignored",
                f"{name}: [keymap] copy-menu takes u from cycle-view",
            ]
        )
        await pilot.press("x")  # toggle-read's new key
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
        assert keys["Cycle the view: all → unread → starred → new → watched → each saved view"] == "(no key)"
        assert keys["Mark the paper read / unread (the selected papers, when some are)"] == "x"
        assert keys["Show every key and the search syntax"] == "?"


@pytest.mark.parametrize(("setting", "row"), [("", 3), ('start = "first-unread"\n', 3), ('start = "top"\n', 0)])
async def test_the_cursor_starts_on_the_first_unread_paper_unless_told_top(config_toml, papers, data_dir, setting, row):
    config_toml(setting)
    store = read_first(data_dir, papers, 3)
    app = app_as_launched(papers, store)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert app.query_one(PaperList).cursor == row
            assert app.query_one(PaperList).scroll_y == 0  # the read papers above it stay in sight
            assert detail_shown(app).startswith(papers[row].title)
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
    app = app_as_launched(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = shown_titles(app)
        keys = [normalise_title(title) for title in titles]  # the title order ignores case and punctuation
        assert keys == sorted(keys) and titles != [p.title for p in papers]
        assert "sort: title" in status(app)
        assert app.query_one(PaperList).cursor == 0 and app.reader_screen.current is not None
        assert app.reader_screen.current.title == titles[0]


async def test_a_setting_chosen_several_times_in_a_burst_is_written_once_with_the_last_choice(
    config_toml, papers, store, monkeypatch
):
    """Three quick S: three workers. The first to write holds the others back and writes the last choice; a
    write for an older choice never lands after it (the first write is held until the others could run)."""
    import threading
    import tomllib

    from tui_reader import app as app_module

    path = config_toml("")
    real, written, others_written = app_module.save_setting, [], threading.Event()

    def first_is_slow(name, value, *rest):
        written.append(value)
        if len(written) == 1:
            others_written.wait(0.5)  # side by side, the other writes would land before this one
            return real(name, value, *rest)
        problem = real(name, value, *rest)
        if len(written) == 3:
            others_written.set()
        return problem

    monkeypatch.setattr(app_module, "save_setting", first_is_slow)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for value in ("newest", "oldest", "upvotes"):
            app.save_setting("sort", value)
        await settle(app, pilot)
    assert tomllib.loads(path.read_text()) == {"sort": "upvotes"}
    assert written == ["upvotes"]
