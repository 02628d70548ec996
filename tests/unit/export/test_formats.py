"""What every format shares: the paper's URL, an empty but valid document for no papers; and the registry of
formats the CLI, the dialog and the extension guess read."""

from __future__ import annotations

import csv
import importlib
import io
import json
from pathlib import Path

import pytest
import rispy
from support.papers_to_export import DUMPED, FAST, make
from support.read_bibtex import parse_bibtex

from tui_reader.export import (
    DEFAULT_FORMAT,
    EXTENSIONS,
    FORMATS,
    ExportFormat,
    format_names,
    guess_format,
    paper_url,
    render,
)
from tui_reader.export.registry import discover


def test_paper_url_is_the_arxiv_abs_page_else_the_first_web_link():
    assert paper_url(FAST) == "https://arxiv.org/abs/2403.01234"
    assert paper_url(DUMPED) == "https://slow.example/project"
    assert paper_url(make("Nothing", links=("javascript:alert(1)",))) is None


def test_no_papers_is_an_empty_but_valid_document_in_every_format():
    assert set(FORMATS) == set(EXTENSIONS)
    empty = {fmt: render([], fmt) for fmt in FORMATS}
    assert parse_bibtex(empty["bibtex"]) == [] and rispy.loads(empty["ris"]) == []
    assert next(csv.reader(io.StringIO(empty["csv"]))) == [
        "id", "title", "authors", "arxiv_id", "published", "url", "dates", "read", "starred",
        "doi", "journal_ref", "categories", "github_repo", "project_page",
    ]  # fmt: skip
    assert empty["markdown"] == "" and json.loads(empty["json"]) == []
    with pytest.raises(ValueError, match="unknown export format"):
        render([], "docx")


# ---------------------------------------------------------------------------------------------------------
# The registry: one module defining FORMAT is a format of the CLI, the dialog and the extension guess


def test_formats_are_listed_in_order_with_their_labels_and_extensions():
    assert [(fmt.name, fmt.label, fmt.ext) for fmt in FORMATS.values()] == [
        ("bibtex", "BibTeX", ".bib"),
        ("ris", "RIS", ".ris"),
        ("csv", "CSV", ".csv"),
        ("markdown", "Markdown", ".md"),
        ("json", "JSON", ".json"),
    ]
    assert format_names() == tuple(FORMATS) == tuple(EXTENSIONS)
    assert {name: fmt.ext for name, fmt in FORMATS.items()} == EXTENSIONS


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("refs.bib", "bibtex"),
        ("refs.BIBTEX", "bibtex"),
        ("refs.ris", "ris"),
        ("table.CSV", "csv"),
        ("notes.md", "markdown"),
        ("notes.markdown", "markdown"),
        ("papers.json", "json"),
        ("papers.txt", DEFAULT_FORMAT),
        ("papers", DEFAULT_FORMAT),
    ],
)
def test_the_extension_names_the_format_else_bibtex(name, fmt):
    assert DEFAULT_FORMAT == "bibtex"
    assert guess_format(Path(name)) == fmt


def test_no_file_is_the_default_format():
    assert guess_format(None) == "bibtex"
    assert guess_format(None, default="json") == guess_format(Path("x.txt"), default="json") == "json"


def test_a_module_defining_a_format_is_registered_with_no_other_edit(tmp_path, monkeypatch):
    package = tmp_path / "more_formats"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "shared.py").write_text("HELP = 1\n")  # no FORMAT: not a format
    for module, order in (("titles", 60), ("bibjson", 5)):
        (package / f"{module}.py").write_text(
            "from tui_reader.export.registry import ExportFormat\n"
            f"FORMAT = ExportFormat({module!r}, {module.title()!r}, '.{module}', lambda papers, marks, by_date: '',"
            f" order={order})\n"
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    found = discover(importlib.import_module("more_formats"))
    assert [fmt.name for fmt in found] == ["bibjson", "titles"]  # by order, whatever the module names


TITLES = ExportFormat(
    name="titles",
    label="Titles",
    ext=".titles",
    also_ext=(".tl",),
    render=lambda papers, marks, by_date: "".join(f"{paper.title}\n" for paper in papers),
    order=60,
)


def test_a_registered_format_is_rendered_guessed_and_offered_by_the_dialog(monkeypatch):
    from tui_reader.screens.export import default_export_path, with_format

    monkeypatch.setitem(FORMATS, "titles", TITLES)
    assert render([FAST, DUMPED], "titles") == "Fast Diffusion for LLMs\nSlow Diffusion\n"
    assert guess_format(Path("out.TL")) == guess_format(Path("out.titles")) == "titles"
    assert default_export_path("titles", folder=Path("/x")).suffix == ".titles"
    assert with_format("/x/papers.bib", "titles") == "/x/papers.titles"
    assert with_format("/x/papers.titles", "csv") == "/x/papers.csv"  # one of ours: follows the format
