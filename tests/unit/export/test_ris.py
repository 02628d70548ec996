"""RIS: records read back by rispy; a line break or a control character in a field never breaks a record."""

from __future__ import annotations

import csv
import io

import rispy
from hypothesis import given, settings
from hypothesis import strategies as st
from support.papers_to_export import DUMPED, FAST, NAME, TITLE, make

from tui_reader.export import render


def test_ris_reads_back_with_rispy():
    text = render([FAST, DUMPED, make("No Link At All")], "ris")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF, as the RIS specification says
    records = rispy.loads(text)
    assert [(r["type_of_reference"], r["title"], r.get("urls")) for r in records] == [
        ("UNPB", FAST.title, ["https://arxiv.org/abs/2403.01234"]),
        ("ELEC", DUMPED.title, ["https://slow.example/project"]),
        ("GEN", "No Link At All", None),
    ]
    assert records[0]["authors"] == ["Lovelace, Ada", "Turing, Alan"]
    assert (records[0]["year"], records[0]["date"], records[0]["abstract"]) == ("2024", "2024/03/08", "An abstract.")
    assert records[1]["notes"] == ["Listed in Hugging Face Daily Papers on Mar 11"]


def test_arxiv_metadata_gives_one_doi_a_keyword_per_category_and_notes_zotero_keeps():
    paper = make(
        "Optics",
        arxiv="0704.0033",
        authors=("The BABAR Collaboration", "Neal J. Evans II", "Robert de Marrais", "Ada Lovelace"),
        surnames=("The BABAR Collaboration", "Evans", "de Marrais", ""),
        et_al=True,
        categories=("physics.optics", "cs.CL"),
        doi="10.1364/JOSAA.23.002578 10.1364/JOSAA.32.002407",
        journal_ref="J.Opt.Soc.Am.A 23, 2578-2591 (2006)",
        comments="12 pages,\n3 figures",
        ai_keywords=("machine", "written"),
    )
    text = render([paper], "ris")
    (record,) = rispy.loads(text)
    assert record["authors"] == [
        "The BABAR Collaboration",  # no comma: Zotero imports it as one name
        "Evans, Neal J., II",
        "de Marrais, Robert",
        "Lovelace, Ada",
    ]  # and no "et al." author
    assert record["doi"] == "10.1364/JOSAA.23.002578" and text.count("DO  - ") == 1  # Zotero keeps the last DO
    assert record["keywords"] == ["physics.optics", "cs.CL"]  # the categories; the machine-written words are not
    assert record["notes"] == [
        "Journal reference: J.Opt.Soc.Am.A 23, 2578-2591 (2006)",
        "Comment: 12 pages, 3 figures",
        "Also doi:10.1364/JOSAA.32.002407",
        "Author list incomplete: the source ends it with et al.",
    ]
    assert "journal_name" not in record and "secondary_title" not in record


def test_a_line_break_or_control_in_a_field_never_breaks_a_record():
    paper = make("Two\nLines\x1b[31m", authors=("Ada\r\nER  - Lovelace",), abstract="One\n\nTY  - JOUR")
    for fmt in ("ris", "csv", "bibtex", "markdown"):
        assert "\x1b" not in render([paper], fmt)
    (record,) = rispy.loads(render([paper], "ris"))
    assert (record["title"], record["authors"], record["abstract"]) == (
        "Two Lines",
        ["Lovelace, Ada ER -"],
        "One TY - JOUR",
    )
    (row,) = csv.DictReader(io.StringIO(render([paper], "csv"), newline=""))
    assert row["title"] == "Two Lines"


@settings(max_examples=200, deadline=None)
@given(title=TITLE.filter(bool), authors=st.lists(NAME.filter(lambda n: n and "," not in n), max_size=3))
def test_any_title_and_authors_survive_rispy(title, authors):
    (record,) = rispy.loads(render([make(title, authors=tuple(authors))], "ris"))
    assert record["title"] == title
    written = [name.split(", ") for name in record.get("authors", [])]
    # "Surname, Given[, Suffix]" back to the "Given Surname[ Suffix]" the paper holds
    assert [" ".join([*parts[1:2], parts[0], *parts[2:]]) for parts in written] == authors


def test_a_name_with_a_suffix_is_surname_given_suffix():
    text = render([make("T", authors=("Martin Luther King Jr.", "Ada Lovelace"))], "ris")
    assert [line for line in text.splitlines() if line.startswith("AU")] == [
        "AU  - King, Martin Luther, Jr.",
        "AU  - Lovelace, Ada",
    ]
