"""The export dialog offers every registered format, labelled as the format names itself, in the registry's order."""

from __future__ import annotations

from support.papers_to_export import FAST
from textual.app import App
from textual.widgets import RadioButton

from tui_reader.export import FORMATS, ExportFormat
from tui_reader.library.model import NO_MARK
from tui_reader.screens.export import ExportScreen

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
