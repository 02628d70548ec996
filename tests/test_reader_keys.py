"""Reaching and citing a paper from the reader (issue 12): the `o` open menu, the `y` copy menu, the `e` export
dialog, and authors in the list. Pilot drives the reader; the browser is a recorder."""

from __future__ import annotations

import csv
import io
import json
import webbrowser
from pathlib import Path

import pytest
from conftest import ARXIV_PAPER, SIZE, notifications, settle, type_query
from textual.widgets import Input, OptionList

from tui_reader.app import ReaderApp
from tui_reader.controllers import reach as reach_module
from tui_reader.export import bibtex_entry, markdown_link, render
from tui_reader.links import copy_items, open_items
from tui_reader.paper import Paper
from tui_reader.screens import ChoiceScreen
from tui_reader.screens.export import ExportScreen, default_export_path, home_relative, with_format
from tui_reader.state import ReaderState
from tui_reader.widgets import PaperList

ARXIV = ARXIV_PAPER
LINKED = Paper(
    id="dd44ee55ff66",
    title="Only Links Here",
    abstract="See http://example.org/a and javascript:alert(1) and https://example.org/[b]bold[/b].",
    dates=("Mar 12",),
    links=("http://example.org/a", "javascript:alert(1)", "https://example.org/[b]bold[/b]"),
)
BARE = Paper(
    id="0123456789ab", title="Attention & Diffusion: a Survey?", abstract="Nothing to link.", dates=("Mar 12",)
)


@pytest.fixture
def browser(monkeypatch):
    """What webbrowser.open was given; a graphical browser is there."""
    opened: list[str] = []
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: True)
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: opened.append(url) or True)
    return opened


def menu_lines(app: ReaderApp) -> list[str]:
    """The menu's items as the user reads them."""
    assert isinstance(app.screen, ChoiceScreen)
    return [str(option.prompt) for option in app.screen.query_one(OptionList).options]


def menu_urls(app: ReaderApp) -> list[str]:
    """What each item would open (a long URL is cut with "…" on screen)."""
    assert isinstance(app.screen, ChoiceScreen)
    return [choice.value for choice in app.screen.choices]


def messages(app: ReaderApp) -> list[str]:
    return [n.message for n in notifications(app)]


# --- o: the open menu ------------------------------------------------------------------------------------------


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


async def test_o_without_a_graphical_browser_copies_the_chosen_link_and_leaves_the_paper_unread(store, monkeypatch):
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: False)
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: pytest.fail("would take over the terminal"))
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "p")
        await settle(app, pilot)
        assert app.clipboard == "https://arxiv.org/pdf/2403.01234"
        assert "No graphical browser here; link copied: https://arxiv.org/pdf/2403.01234" in messages(app)
        assert not app.reader.mark(ARXIV.id).read


async def test_only_http_urls_are_ever_opened(store, browser):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.reader_screen.reach.open_link("javascript:alert(1)", ARXIV.id)
        await settle(app, pilot)
        assert browser == [] and app.clipboard == ""
        assert "Not an http(s) link; not opened: javascript:alert(1)" in messages(app)


# --- y: the copy menu ------------------------------------------------------------------------------------------


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
async def test_y_copies_the_chosen_text(store, key, text):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("y", key)
        await settle(app, pilot)
        assert app.clipboard == text
        assert len([message for message in messages(app) if " copied: " in message]) == 1


async def test_y_says_what_it_copied(store):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("y", "m")
        await settle(app, pilot)
        assert f"Markdown link copied: {markdown_link(ARXIV)}" in messages(app)
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


# --- e: the export dialog --------------------------------------------------------------------------------------


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """The reader's current directory: an empty folder (the marks live beside it)."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def three_papers() -> list[Paper]:
    return [ARXIV, LINKED, BARE]


async def test_e_then_enter_exports_the_shown_papers_as_bibtex_to_the_prefilled_file(store, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "diffusion")
        await pilot.press("enter", "e")
        assert isinstance(app.screen, ExportScreen)
        target = default_export_path("bibtex")
        assert target.parent == in_tmp and target.suffix == ".bib"
        assert app.screen.query_one("#export-file", Input).value == home_relative(target)
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportScreen)
        assert target.read_bytes().decode() == render([ARXIV, BARE], "bibtex")
        assert f"2 papers exported to {home_relative(target)}" in messages(app)


async def test_the_format_is_picked_with_the_arrows_and_the_extension_follows(store, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s", "e", "tab", "right", "right")  # the format row: BibTeX → RIS → CSV
        field = app.screen.query_one("#export-file", Input)
        assert field.value.endswith("tui-reader-export-" + default_export_path("csv").name.split("-")[-1])
        assert field.value.endswith(".csv")
        await pilot.press("enter")
        await settle(app, pilot)
        rows = list(csv.DictReader(io.StringIO(default_export_path("csv").read_bytes().decode())))
        assert [row["title"] for row in rows] == [p.title for p in three_papers()]
        assert default_export_path("csv").read_bytes().decode() == render(three_papers(), "csv", app.reader.mark)


async def test_a_name_typed_in_the_file_field_and_enter_there_exports(store, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("e", "tab", "left", "left")  # the format row: BibTeX → JSON → Markdown
        await pilot.press("tab", "ctrl+u", *"reading list.md", "enter")
        await settle(app, pilot)
        written = in_tmp / "reading list.md"
        assert written.read_bytes().decode() == render(three_papers(), "markdown")
        assert f"3 papers exported to {home_relative(written)}" in messages(app)


async def test_starred_exports_every_starred_paper_whatever_is_shown(store, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s", "j", "j", "s")  # star the first and the last
        await type_query(app, pilot, "links")  # shows only the unstarred middle one
        await pilot.press("enter", "e", "right", "tab", "left")  # starred; the format row: BibTeX → JSON
        await pilot.press("enter")
        await settle(app, pilot)
        records = json.loads(default_export_path("json").read_bytes().decode())
        assert [record["title"] for record in records] == [ARXIV.title, BARE.title]


async def test_an_unwritable_path_is_one_line_naming_it_and_the_dialog_stays(store, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        field = app.screen.query_one("#export-file", Input)
        missing = in_tmp / "no such folder" / "x.bib"
        field.value = str(missing)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)  # still there, to try another name
        errors = [n for n in notifications(app) if n.severity == "error"]
        assert [n.message for n in errors] == [f"{missing}: No such file or directory"]
        assert not missing.parent.exists()
        field.value = str(in_tmp / "x.bib")
        await pilot.press("enter")
        await settle(app, pilot)
        assert (in_tmp / "x.bib").read_bytes().decode() == render(three_papers(), "bibtex")


async def test_a_folder_as_the_file_is_refused(store, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        app.screen.query_one("#export-file", Input).value = str(in_tmp)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)
        assert any(n.severity == "error" and n.message.startswith(str(in_tmp)) for n in notifications(app))


async def test_an_existing_file_is_replaced_only_on_a_second_enter(store, in_tmp):
    existing = in_tmp / "refs.bib"
    existing.write_text("my own bibliography\n")
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        app.screen.query_one("#export-file", Input).value = str(existing)
        await pilot.press("enter")
        await settle(app, pilot)
        assert existing.read_text() == "my own bibliography\n"
        assert "exists: Enter again replaces it" in str(app.screen.query_one("#export-message").render())
        await pilot.press("enter")
        await settle(app, pilot)
        assert existing.read_bytes().decode() == render(three_papers(), "bibtex")


async def test_escape_cancels_the_export(store, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e", "tab", "tab", "escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportScreen)
        assert list(in_tmp.iterdir()) == []


async def test_no_starred_papers_is_said_in_the_dialog(store, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e", "right", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "No starred papers to export." in str(app.screen.query_one("#export-message").render())
        assert list(in_tmp.iterdir()) == []


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


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("~/tui-reader-export-20240311.bib", "ris", "~/tui-reader-export-20240311.ris"),
        ("refs.bib", "markdown", "refs.md"),  # an edited name keeps its stem
        ("refs", "csv", "refs.csv"),
        ("refs.txt", "json", "refs.txt"),  # an extension of the user's own stays
        ("", "json", ""),
    ],
)
def test_the_file_name_follows_the_format(name, fmt, expected):
    assert with_format(name, fmt) == expected


# --- the menus' items, and the papers e exports, as plain data -------------------------------------------------


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


def test_reader_gives_the_shown_and_the_starred_papers(store):
    store.set_starred(BARE.id, True)
    reader = ReaderState(three_papers(), store)
    assert reader.shown_papers() == three_papers()
    assert reader.starred_papers() == [BARE]


# --- authors in the list ---------------------------------------------------------------------------------------


def row_text(app: ReaderApp, y: int) -> str:
    return app.query_one(PaperList).render_line(y).text


async def test_the_list_shows_authors_after_the_title_when_wide(store):
    short = Paper(id="s1", title="Tiny", abstract="", authors=("[b]Ada[/b] Lovelace", "Alan Turing"), dates=("Mar 12",))
    app = ReaderApp([ARXIV, short, BARE], store)
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(app, pilot)
        assert "Fast Diffusion of Large Models  Ada Lovelace, Alan Turing, Grace Hopper" in row_text(app, 0)
        assert "Tiny  [b]Ada[/b] Lovelace, Alan Turing" in row_text(app, 1)  # literally, as typed
        assert "Attention & Diffusion: a Survey?" in row_text(app, 2)  # no authors: the row as before
        assert len({len(row_text(app, y).rstrip()) for y in range(3)}) == 1  # the date column stays aligned


async def test_the_list_shortens_authors_to_et_al_then_drops_them_as_it_narrows(store):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(app, pilot)
        row = row_text(app, 0)
        assert "Fast Diffusion of Large Models  Ada Lovelace et al." in row and "Turing" not in row
        assert row.rstrip().endswith("Mar 11 2024")
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=(60, 30)) as pilot:
        await settle(app, pilot)
        row = row_text(app, 0)
        assert "Lovelace" not in row and "Fast Diffusion of Large Models" in row
