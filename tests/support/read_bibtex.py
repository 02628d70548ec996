"""Reading exported BibTeX back with parsers that are not ours: bibtexparser v2, then the LaTeX escapes decoded
with pylatexenc; each author's name parts as BibTeX's name rules split them (bibtexparser's ``SplitNameParts``)."""

from __future__ import annotations

from typing import NamedTuple

import bibtexparser
from bibtexparser import middlewares
from pylatexenc import latex2text
from pylatexenc.latex2text import MacroTextSpec


def _decoder() -> latex2text.LatexNodes2Text:
    """pylatexenc's LaTeX-to-text, told three macros as LaTeX typesets them: ``\\textbraceleft`` ``{`` and
    ``\\textbraceright`` ``}`` (unknown to pylatexenc 2 and to latexcodec's table), and ``\\textasciicircum`` ``^``
    (pylatexenc defines it twice, in latex2text/_defaultspecs.py, and the second, ``ˆ``, wins). A lone brace has
    no escape BibTeX accepts that either library decodes (``\\{`` unbalances the field for BibTeX), and
    ``\\textasciicircum`` is the caret that LaTeX typesets as ``^`` in every font encoding."""
    db = latex2text.get_default_latex_context_db()
    db.add_context_category(
        "as-latex-typesets-them",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
        ],
    )
    return latex2text.LatexNodes2Text(latex_context=db, math_mode="verbatim")


DECODER = _decoder()


def parse_bibtex(text: str) -> list[dict[str, object]]:
    """Each entry as {"key", "type", field: value}: author a list of names; title, author and note decoded
    from LaTeX (the URL is verbatim, as biblatex reads it)."""
    library = bibtexparser.parse_string(text, append_middleware=[middlewares.SeparateCoAuthors()])
    assert library.failed_blocks == [] and library.comments == [] and library.strings == []
    entries = []
    for entry in library.entries:
        record: dict[str, object] = {"key": entry.key, "type": entry.entry_type}
        for field in entry.fields:
            value = field.value
            if field.key == "author":
                value = [DECODER.latex_to_text(name) for name in value]
            elif field.key in ("title", "note", "primaryClass"):
                value = DECODER.latex_to_text(value)
            record[field.key] = value
        entries.append(record)
    return entries


class Name(NamedTuple):
    """One name as BibTeX splits it: first (given), von (particles), last (surname), jr (suffix), each decoded
    from LaTeX. A name braced whole is all ``last``; ``and others`` is a name whose ``last`` is ``others``."""

    first: str
    von: str
    last: str
    jr: str


def parse_names(text: str) -> list[list[Name]]:
    """Each entry's ``author`` list (empty without one), every name split into its parts."""
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    assert library.failed_blocks == []
    names = []
    for entry in library.entries:
        field = entry.fields_dict.get("author")
        parts = field.value if field is not None else []
        names.append(
            [Name(*(DECODER.latex_to_text(" ".join(getattr(p, part))) for part in Name._fields)) for p in parts]
        )
    return names
