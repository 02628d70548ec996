"""e: the export dialog, its formats, its file field and what it writes."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
from pathlib import Path

import pytest
from conftest import ARXIV_PAPER, BARE_PAPER, LINKED_PAPER, SIZE, messages, notifications, settle, type_query
from support.papers_to_export import FAST
from support.read_back import titles_in
from textual.app import App
from textual.widgets import Input, RadioButton

from tui_reader.app import ReaderApp
from tui_reader.export import FORMATS, ExportFormat
from tui_reader.library.model import NO_MARK
from tui_reader.paper import Paper
from tui_reader.screens.export import ExportScreen, default_export_path, home_relative, with_format
from tui_reader.state import ReaderState

ARXIV = ARXIV_PAPER


LINKED = LINKED_PAPER


BARE = BARE_PAPER

# the titles of three_papers() and of the two a "diffusion" query shows, written out: what a file must hold
THREE_TITLES = ["Fast Diffusion of Large Models", "Only Links Here", "Attention & Diffusion: a Survey?"]
TWO_TITLES = ["Fast Diffusion of Large Models", "Attention & Diffusion: a Survey?"]


@pytest.fixture
def cwd(tmp_path, monkeypatch) -> Path:
    """The reader's current directory: an empty folder, where no export goes."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def in_tmp(cwd) -> Path:
    """The user's documents folder (this test's XDG_DOCUMENTS_DIR), made, and apart from the current directory."""
    folder = Path(os.environ["XDG_DOCUMENTS_DIR"])
    folder.mkdir(parents=True)
    assert folder != cwd
    return folder


async def test_the_file_is_prefilled_in_the_documents_folder_made_on_export_never_the_current_one(store, cwd):
    documents = Path(os.environ["XDG_DOCUMENTS_DIR"])  # not there yet
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        day = datetime.date.today().strftime("%Y%m%d")
        field = app.screen.query_one("#export-file", Input).value
        assert field == home_relative(documents / f"tui-reader-export-{day}.bib")
        await pilot.press("enter")
        await settle(app, pilot)
        assert titles_in((documents / f"tui-reader-export-{day}.bib").read_text(), "bibtex") == [
            "Fast Diffusion of Large Models",
            "Only Links Here",
            "Attention & Diffusion: a Survey?",
        ]
        assert list(cwd.iterdir()) == []


async def test_a_relative_name_is_in_the_documents_folder(store, cwd, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e", "tab", "tab", "ctrl+u", *"lists/refs.bib")
        (in_tmp / "lists").mkdir()
        await pilot.press("enter")
        await settle(app, pilot)
        assert titles_in((in_tmp / "lists" / "refs.bib").read_text(), "bibtex") == [
            "Fast Diffusion of Large Models",
            "Only Links Here",
            "Attention & Diffusion: a Survey?",
        ]
        assert list(cwd.iterdir()) == []


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
        assert titles_in(target.read_text(), "bibtex") == [
            "Fast Diffusion of Large Models",
            "Attention & Diffusion: a Survey?",
        ]
        assert f"2 papers exported to {home_relative(target)}" in messages(app)


async def test_with_papers_selected_e_offers_them_first_and_exports_them(store, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j", "space", "g", "space")  # the third paper, then the first
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        choice = app.screen.query_one("#what-selected", RadioButton)
        assert choice.value and str(choice.label) == "the 2 selected"
        await pilot.press("enter")
        await settle(app, pilot)
        target = default_export_path("bibtex")
        assert titles_in(target.read_text(), "bibtex") == [
            "Fast Diffusion of Large Models",
            "Attention & Diffusion: a Survey?",
        ]  # in the list's order
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
        assert [row["starred"] for row in rows] == ["true", "false", "false"]  # s starred the first


async def test_a_name_typed_in_the_file_field_and_enter_there_exports(store, in_tmp):
    app = ReaderApp(three_papers(), store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("e", "tab", "left", "left")  # the format row: BibTeX → JSON → Markdown
        await pilot.press("tab", "ctrl+u", *"reading list.md", "enter")
        await settle(app, pilot)
        written = in_tmp / "reading list.md"
        assert titles_in(written.read_text(), "markdown") == [
            "Fast Diffusion of Large Models",
            "Only Links Here",
            "Attention & Diffusion: a Survey?",
        ]
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
        assert titles_in((in_tmp / "x.bib").read_text(), "bibtex") == [
            "Fast Diffusion of Large Models",
            "Only Links Here",
            "Attention & Diffusion: a Survey?",
        ]


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
        assert titles_in(existing.read_text(), "bibtex") == [
            "Fast Diffusion of Large Models",
            "Only Links Here",
            "Attention & Diffusion: a Survey?",
        ]


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


def test_reader_gives_the_shown_and_the_starred_papers(store):
    store.set_starred(BARE.id, True)
    reader = ReaderState(three_papers(), store)
    assert reader.shown_papers() == three_papers()
    assert reader.starred_papers() == [BARE]


TITLES = ExportFormat(name="titles", label="Titles", ext=".titles", render=lambda papers, marks, by_date: "", order=60)


async def test_the_dialog_offers_every_registered_format_by_its_label(monkeypatch):
    monkeypatch.setitem(FORMATS, "titles", TITLES)
    app = App()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ExportScreen([FAST], [], lambda paper_id: NO_MARK, fmt="markdown"))
        await pilot.pause()
        buttons = app.screen.query("#export-format RadioButton").results(RadioButton)
        assert [(str(button.label), button.id, button.value) for button in buttons] == [
            ("BibTeX", "format-bibtex", False),
            ("RIS", "format-ris", False),
            ("CSV", "format-csv", False),
            ("Markdown", "format-markdown", True),
            ("JSON", "format-json", False),
            ("Titles", "format-titles", False),
        ]
