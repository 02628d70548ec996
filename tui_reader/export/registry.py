"""The registry of export formats: each module of this package that defines ``FORMAT = ExportFormat(...)`` is a
format of ``tui-reader export``, of the reader's export dialog and of the extension guess; nothing else names it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from tui_reader.discovery import defined_in
from tui_reader.library.model import Mark
from tui_reader.paper import Paper

__all__ = ["ExportFormat", "Marks", "Render", "discover"]

Marks = Callable[[str], Mark]  # paper id -> what the user wrote of it
Render = Callable[[Sequence[Paper], Marks | None, bool], str]
# (papers in their order, their marks or None, whether they are sorted by date) -> the whole document


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One document format.

    ``name`` is what ``--format`` takes; ``label`` what the dialog shows; ``ext`` the extension its files get
    (``.bib``), by which ``export -o FILE`` guesses it, as by any of ``also_ext`` (``.bibtex``). ``render`` writes
    the whole document: the marks fill columns of formats that have them (none without marks), and ``by_date``
    says the papers are sorted by date (Markdown then puts them under listing-date headings). No papers give an
    empty but valid document. Formats are listed in ``order`` (lower first, then by name).
    """

    name: str
    label: str
    ext: str
    render: Render
    also_ext: tuple[str, ...] = ()
    order: int = 50


def discover(package: ModuleType | None = None) -> tuple[ExportFormat, ...]:
    """The ``FORMAT`` of every module of ``package`` (this one by default), in order."""
    package = package or sys.modules[__package__ or "tui_reader.export"]
    found = defined_in(package, "FORMAT", ExportFormat)
    return tuple(sorted(found, key=lambda fmt: (fmt.order, fmt.name)))
