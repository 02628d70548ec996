"""o opens a link in the browser (or copies it), y copies the title, id, link or a citation; the one-key menus."""

from __future__ import annotations

import sys
import webbrowser

import pytest
from conftest import ARXIV_PAPER, BARE_PAPER, LINKED_PAPER, SIZE, messages, settle
from textual.widgets import OptionList

from tui_reader.app import ReaderApp
from tui_reader.controllers import reach as reach_module
from tui_reader.controllers.reach import graphical_browser_available
from tui_reader.export import bibtex_entry, markdown_link
from tui_reader.links import copy_items, open_items
from tui_reader.paper import Paper
from tui_reader.screens.choice import ChoiceScreen


async def test_o_then_enter_opens_the_first_http_link_in_the_browser(papers, store, monkeypatch):
    opened = []
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: True)
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: opened.append(url) or True)
    with_link = [p for p in papers if p.links]
    app = ReaderApp(with_link, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "enter")
        assert opened == [with_link[0].links[0]]
        assert opened[0].startswith("https://")


async def test_o_never_opens_a_non_http_link(store, monkeypatch):
    opened = []
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: True)
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: opened.append(url) or True)
    paper = Paper(id="abc", title="Sneaky", abstract="x", links=("javascript:alert(1)", "file:///etc/passwd"))
    app = ReaderApp([paper], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "enter")  # no http(s) link: the first item searches arXiv for the title
        assert opened == ["https://arxiv.org/search/?query=Sneaky&searchtype=title"]


async def test_o_without_a_graphical_browser_copies_the_link(papers, store, monkeypatch):
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: False)
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: pytest.fail("would take over the terminal"))
    with_link = [p for p in papers if p.links]
    app = ReaderApp(with_link, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "enter")
        assert app.clipboard == with_link[0].links[0]


async def test_y_then_enter_copies_the_title(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("j", "y", "enter")
        assert reader_app.clipboard == papers[1].title


async def test_y_with_only_osc_52_says_it_was_sent_to_the_terminal_not_copied(store):
    app = ReaderApp([ARXIV], store)  # no tmux, no display, no pbcopy: the terminal alone may take it
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("y", "x")
        await settle(app, pilot)
        assert app.clipboard == "2403.01234"
        assert messages(app) == ["arXiv id sent to the terminal's clipboard (OSC 52, unconfirmed): 2403.01234"]


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


ARXIV = ARXIV_PAPER


LINKED = LINKED_PAPER


BARE = BARE_PAPER


def menu_lines(app: ReaderApp) -> list[str]:
    """The menu's items as the user reads them."""
    assert isinstance(app.screen, ChoiceScreen)
    return [str(option.prompt) for option in app.screen.query_one(OptionList).options]


def menu_urls(app: ReaderApp) -> list[str]:
    """What each item would open (a long URL is cut with "…" on screen)."""
    assert isinstance(app.screen, ChoiceScreen)
    return [choice.value for choice in app.screen.choices]


async def test_o_on_an_arxiv_paper_offers_its_pages_and_links_and_enter_opens_the_abstract_page(store, browser):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        assert menu_urls(app) == [
            "https://arxiv.org/abs/2403.01234",
            "https://arxiv.org/pdf/2403.01234",
            "https://huggingface.co/papers/2403.01234",
            "https://github.com/ada/fast",
        ]
        assert [line.split()[0] for line in menu_lines(app)] == ["a", "p", "h", "1"]  # each key shown at its left
        assert browser == []  # nothing opens before a choice
        await pilot.press("enter")
        await settle(app, pilot)
        assert browser == ["https://arxiv.org/abs/2403.01234"]
        assert not isinstance(app.screen, ChoiceScreen)
        assert "Opened https://arxiv.org/abs/2403.01234" in messages(app)
        assert app.reader.mark(ARXIV.id).read  # opened is read, as in newsboat; and saved like any mark
    assert ARXIV.id in set(store.read_ids())


@pytest.mark.parametrize(
    ("keys", "url"),
    [
        (["p"], "https://arxiv.org/pdf/2403.01234"),
        (["h"], "https://huggingface.co/papers/2403.01234"),
        (["1"], "https://github.com/ada/fast"),
        (["j", "j", "enter"], "https://huggingface.co/papers/2403.01234"),
        (["down", "down", "k", "enter"], "https://arxiv.org/pdf/2403.01234"),
    ],
)
async def test_a_key_picks_its_item_at_once_and_j_k_move(store, browser, keys, url):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o", *keys)
        await settle(app, pilot)
        assert browser == [url]


async def test_a_click_picks_an_item(store, browser):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await pilot.click(OptionList, offset=(10, 1))  # the second item
        await settle(app, pilot)
        assert browser == ["https://arxiv.org/pdf/2403.01234"]


async def test_o_on_a_paper_with_only_links_offers_its_http_links_numbered(store, browser):
    app = ReaderApp([LINKED], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        assert menu_urls(app) == ["http://example.org/a", "https://example.org/[b]bold[/b]"]  # never javascript:
        assert menu_lines(app)[1].endswith("https://example.org/[b]bold[/b]")  # shown literally
        assert [line.split()[0] for line in menu_lines(app)] == ["1", "2"]
        await pilot.press("2")
        await settle(app, pilot)
        assert browser == ["https://example.org/[b]bold[/b]"]


async def test_o_on_a_paper_with_no_id_and_no_link_searches_for_its_title(store, browser):
    app = ReaderApp([BARE], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        assert menu_urls(app) == [
            "https://arxiv.org/search/?query=Attention+%26+Diffusion%3A+a+Survey%3F&searchtype=title",
            "https://huggingface.co/papers?q=Attention+%26+Diffusion%3A+a+Survey%3F",
        ]
        await pilot.press("enter")
        await settle(app, pilot)
        assert browser == ["https://arxiv.org/search/?query=Attention+%26+Diffusion%3A+a+Survey%3F&searchtype=title"]


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_escape_or_q_closes_the_menu_and_opens_nothing(store, browser, key):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o", key)
        await settle(app, pilot)
        assert browser == [] and not isinstance(app.screen, ChoiceScreen)
        assert app.is_running  # q closed the menu, not the reader
        assert not app.reader.mark(ARXIV.id).read


async def test_keys_of_the_reader_do_nothing_while_the_menu_is_open(store, browser):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "s", "r", "u")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert app.reader.mark(ARXIV.id) == app.reader.mark("nothing")  # neither starred nor read


async def test_o_without_a_graphical_browser_copies_the_chosen_link_and_leaves_the_paper_unread(
    store, monkeypatch, clipboard_tool
):
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: False)
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: pytest.fail("would take over the terminal"))
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "p")
        await settle(app, pilot)
        assert app.clipboard == "https://arxiv.org/pdf/2403.01234"
        assert clipboard_tool.read_text() == "https://arxiv.org/pdf/2403.01234"
        assert "No graphical browser here; link copied to the clipboard: https://arxiv.org/pdf/2403.01234" in messages(
            app
        )
        assert not app.reader.mark(ARXIV.id).read


async def test_only_http_urls_are_ever_opened(store, browser):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.reader_screen.reach.open_link("javascript:alert(1)", ARXIV.id)
        await settle(app, pilot)
        assert browser == [] and app.clipboard == ""
        assert "Not an http(s) link; not opened: javascript:alert(1)" in messages(app)


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("t", ARXIV.title),
        ("i", ARXIV.id),
        ("x", "2403.01234"),
        ("a", "https://arxiv.org/abs/2403.01234"),
        ("b", bibtex_entry(ARXIV)),
        ("m", markdown_link(ARXIV)),
        ("enter", ARXIV.title),  # the first item
    ],
)
async def test_y_copies_the_chosen_text(store, key, text, clipboard_tool):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("y", key)
        await settle(app, pilot)
        assert app.clipboard == text
        assert clipboard_tool.read_text() == text
        assert len([message for message in messages(app) if " copied to the clipboard: " in message]) == 1


async def test_y_says_what_it_copied(store, clipboard_tool):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("y", "m")
        await settle(app, pilot)
        assert f"Markdown link copied to the clipboard: {markdown_link(ARXIV)}" in messages(app)
        assert markdown_link(ARXIV) == "[Fast Diffusion of Large Models](https://arxiv.org/abs/2403.01234)"


async def test_y_on_a_paper_without_an_arxiv_id_offers_no_arxiv_items(store):
    app = ReaderApp([BARE], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        keys = [line.split()[0] for line in menu_lines(app)]
        assert keys == ["t", "i", "b", "m"]
        await pilot.press("i")
        assert app.clipboard == "0123456789ab"  # what `tui-reader mark ID` takes


def test_open_items_quote_an_old_style_arxiv_id_and_never_offer_other_schemes():
    paper = Paper(id="x", title="Old", abstract="", arxiv_id="hep-th/9901001", links=("ftp://x/y", "file:///etc"))
    assert [url for _, _, url in open_items(paper)] == [
        "https://arxiv.org/abs/hep-th/9901001",
        "https://arxiv.org/pdf/hep-th/9901001",
        "https://huggingface.co/papers/hep-th/9901001",
    ]


def test_links_past_the_ninth_are_offered_without_a_key():
    paper = Paper(id="x", title="Many", abstract="", links=tuple(f"https://e.org/{n}" for n in range(11)))
    assert [key for key, _, _ in open_items(paper)] == [*"123456789", "", ""]


def test_copy_items_are_title_id_arxiv_citation():
    assert [label for _, label, _ in copy_items(ARXIV)] == [
        "Title",
        "Reader id",
        "arXiv id",
        "arXiv link",
        "BibTeX entry",
        "Markdown link",
    ]


async def test_a_huge_link_is_copied_whole_and_its_notice_cut(papers, store, monkeypatch, clipboard_tool):
    from dataclasses import replace

    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: False)
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: pytest.fail("would take over the terminal"))
    link = "https://example.org/" + "a" * 100_000
    app = ReaderApp([replace(papers[0], links=(link,))], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "enter")
        await settle(app, pilot)
        assert app.clipboard == link and clipboard_tool.read_text() == link
        (notice,) = messages(app)
        assert notice.startswith("No graphical browser here; link copied to the clipboard: https://example.org/aaa")
        assert len(notice) <= 400 and notice.endswith("…")
