"""The sources' registry: which source reads a file is decided by its content, whatever its name; the parse
cache's fingerprint covers every source and the code it uses."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from conftest import HEADER, write
from support.paper_files import arxiv_line, daily_item

from tui_reader import sources as sources_package
from tui_reader.corpus import load_corpus, read_file
from tui_reader.paper import Paper, paper_id
from tui_reader.sources import registry

# ---------------------------------------------------------------------------------------------------------
# Which parser: the content decides, not the name


def test_the_content_decides_the_parser_whatever_the_extension(tmp_path):
    dump_named_json = write(tmp_path / "dump.json", HEADER + "Mar 11\n\nA Dump Title\n\nAn abstract that ends.\n")
    listing_named_txt = write(tmp_path / "listing.txt", "\n  " + json.dumps([daily_item(title="From JSON")]))
    lines_named_txt = write(tmp_path / "lines.txt", arxiv_line(title="From Lines") + "\n")
    loaded = load_corpus([dump_named_json, listing_named_txt, lines_named_txt])
    assert loaded.warnings == []
    assert [(p.title, p.arxiv_id) for p in loaded.papers] == [
        ("A Dump Title", None),
        ("From JSON", "2403.01234"),
        ("From Lines", "0704.0001"),
    ]


def test_a_folder_reads_txt_json_and_jsonl_in_name_order(tmp_path):
    write(tmp_path / "b.jsonl", arxiv_line(title="B") + "\n")
    write(tmp_path / "a.json", json.dumps([daily_item(title="A")]))
    write(tmp_path / "c.txt", HEADER + "Mar 11\n\nC\n\nAn abstract that ends.\n")
    write(tmp_path / "d.md", "# not read")
    assert [p.title for p in load_corpus([tmp_path]).papers] == ["A", "B", "C"]


def test_utf16_json_lines_are_read_too(tmp_path):
    path = write(tmp_path / "m.jsonl", (arxiv_line(title="Wide") + "\n").encode("utf-16"))
    assert [p.title for p in read_file(path)[0]] == ["Wide"]


# ---------------------------------------------------------------------------------------------------------
# The registry: one module defining SOURCE is a source, sniffed in order


@pytest.fixture
def fresh_fingerprint():
    """The fingerprint is computed once per process: computed again for this test, and after it."""
    registry.fingerprint.cache_clear()
    yield
    registry.fingerprint.cache_clear()


def test_sources_are_sniffed_in_order_with_the_text_dump_last():
    assert [source.name for source in registry.sources()] == ["json_lines", "json", "arxiv_xml", "dumps"]
    assert [source.name for source in registry.sources() if source.parse_lines] == ["json_lines"]  # streamed


@pytest.mark.parametrize(
    ("head", "name"),
    [
        ("[{", "json"),
        ("[]", "json"),
        ('{"id": 1}', "json_lines"),  # a whole object on the first line
        ('{"id": "0704.0001", "title": "A', "json_lines"),  # a line longer than the head
        ('{\n  "paper": {\n', "json"),  # a pretty-printed object: one document
        ('{"paper": {\n', "json"),
        ("<?xml version='1.0' encoding='UTF-8'?>\n<feed", "arxiv_xml"),
        ('<rss xmlns:arxiv="http://arxiv.org/schemas/atom"', "arxiv_xml"),
        ('<rdf:RDF\n xmlns:rdf="', "arxiv_xml"),
        ("<think> a dump that starts like a tag", "dumps"),
        ("Daily Papers", "dumps"),
        ("", "dumps"),
    ],
)
def test_the_first_characters_pick_the_source(head, name):
    assert registry.source_for(head).name == name


def test_a_module_defining_a_source_is_registered_with_no_other_edit(tmp_path, monkeypatch):
    package = tmp_path / "more_sources"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text("HELP = 1\n")  # no SOURCE: not a source
    (package / "bib.py").write_text(
        "from tui_reader.sources.registry import Source\n"
        "SOURCE = Source('bib', lambda head: head.startswith('@'), lambda text, name: ([], []), order=5)\n"
    )
    (package / "zotero.py").write_text(
        "from tui_reader.sources.registry import Source\n"
        "SOURCE = Source('zotero', lambda head: head.startswith('@'), lambda text, name: ([], []), order=1)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    found = registry.discover(importlib.import_module("more_sources"))
    assert [source.name for source in found] == ["zotero", "bib"]  # by order, whatever the module names


def _bib_parse(text: str, name: str) -> tuple[list[Paper], list[str]]:
    titles = re.findall(r"title = \{(.*)\}", text)
    return [Paper(id=paper_id(title), title=title, abstract="", sources=(name,)) for title in titles], []


BIB = registry.Source(name="bib", sniff=lambda head: head.startswith("@"), parse=_bib_parse, order=5)


def test_a_new_source_reads_the_files_it_recognises_and_changes_the_cache_fingerprint(
    tmp_path, monkeypatch, fresh_fingerprint
):
    before = registry.fingerprint()
    registered = (BIB, *registry.sources())
    monkeypatch.setattr(registry, "sources", lambda: registered)
    registry.fingerprint.cache_clear()
    assert registry.fingerprint() != before  # every cached parse is stale: a file may now read differently
    path = write(tmp_path / "refs.txt", "@misc{x,\n title = {A Cited Paper}\n}\n")
    assert [paper.title for paper in read_file(path, use_cache=False)[0]] == ["A Cited Paper"]


def test_the_fingerprint_covers_the_sources_package_the_model_and_terminal_safe_text():
    names = {module.__name__ for module in registry.parsing_modules()}
    package = {f"tui_reader.sources.{info.name}" for info in pkgutil.iter_modules(sources_package.__path__)}
    assert names >= {"tui_reader.sources", "tui_reader.paper", "tui_reader.safe_text"} | package
    assert not names & {"tui_reader.corpus", "tui_reader.files", "tui_reader.app"}  # reading and caching are not


def _imported(module: ModuleType) -> set[str]:
    """The tui_reader modules a module imports anywhere in its code (in functions too)."""
    found = set()
    for node in ast.walk(ast.parse(Path(str(module.__file__)).read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if not node.level else module.__name__.rsplit(".", node.level)[0] + "." + node.module
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in sys.modules}
    return {name for name in found if name.startswith("tui_reader.")}


def test_every_module_the_parsing_code_imports_is_fingerprinted():
    """A parser importing another module of the package inside a function (where the fingerprint does not look)
    would let an edit of that module leave stale cached parses: import it at the top of the module instead."""
    fingerprinted = {module.__name__ for module in registry.parsing_modules()}
    for module in registry.parsing_modules():
        assert _imported(module) <= fingerprinted, module.__name__


def test_changing_any_parsing_module_changes_the_fingerprint(tmp_path, monkeypatch, fresh_fingerprint):
    copies = []
    for module in registry.parsing_modules():
        copy = tmp_path / f"{module.__name__}.py"
        copy.write_bytes(Path(str(module.__file__)).read_bytes())
        copies.append(SimpleNamespace(__file__=str(copy), __name__=module.__name__))
    monkeypatch.setattr(registry, "parsing_modules", lambda registered=None: copies)
    seen = {registry.fingerprint()}
    for copy in copies:
        with Path(copy.__file__).open("a") as code:
            code.write("# edited\n")
        registry.fingerprint.cache_clear()
        seen.add(registry.fingerprint())
    assert len(seen) == len(copies) + 1
