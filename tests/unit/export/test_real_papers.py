"""Exports of real records: the first 100 lines of the arXiv metadata snapshot and one Daily Papers response
(``tests/fixtures/real``, copied byte for byte), read as the reader reads them and written in every format.
What the exports must hold is taken from the raw records here, not from the code under test."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import rispy
from support.read_bibtex import Name, parse_bibtex, parse_names

from tui_reader.corpus import read_file
from tui_reader.export import render
from tui_reader.paper import Paper

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
ARXIV = REAL / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl"
DAILY = REAL / "hf_daily_2026-02-25_default50_guo-sj_ai-paper-reader_0150ec7.json"
ET_AL = re.compile(r"(?i)^(?:and\s+)?(?:et\.?\s*al\.?|others)$")


def _raw_arxiv() -> dict[str, dict[str, object]]:
    lines = ARXIV.read_text(encoding="utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def _cut_short(record: dict[str, object]) -> bool:
    """The record's author list ends in "et al"."""
    return re.search(r"(?i),?\s*et al\.?$", str(record["authors"])) is not None


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def raw() -> dict[str, dict[str, object]]:
    return _raw_arxiv()


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    read, warnings = read_file(ARXIV, use_cache=False)
    assert warnings == [] and len(read) == 100
    return read


@pytest.fixture(scope="module")
def bibtex(papers: list[Paper]) -> str:
    return render(papers, "bibtex")


def _by_id(entries: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(entry["eprint"]): entry for entry in entries}


def test_the_collaboration_paper_is_braced_whole_then_surname_first_then_others(papers, bibtex):
    babar = next(paper for paper in papers if paper.arxiv_id == "0704.0020")
    text = render([babar], "bibtex")
    assert "  author = {{The BABAR Collaboration} and Aubert, B. and others},\n" in text
    assert parse_names(text) == [[Name("", "", "The BABAR Collaboration", ""), Name("B.", "", "Aubert", ""),
                                  Name("", "", "others", "")]]  # fmt: skip
    entry = _by_id(parse_bibtex(bibtex))["0704.0020"]
    assert (entry["doi"], entry["primaryClass"], entry["note"]) == (
        "10.1103/PhysRevD.76.052005",
        "hep-ex",
        "Phys.Rev.D76:052005,2007",
    )


def test_every_entry_reads_back_with_the_records_surnames_class_doi_and_journal(raw, papers, bibtex):
    entries = parse_bibtex(bibtex)
    names = dict(zip([str(entry["eprint"]) for entry in entries], parse_names(bibtex)))
    assert len(entries) == len(set(str(entry["key"]) for entry in entries)) == 100
    for arxiv_id, entry in _by_id(entries).items():
        record = raw[arxiv_id]
        assert entry["primaryClass"] == str(record["categories"]).split()[0]
        if record.get("journal-ref"):
            assert _one_line(str(record["journal-ref"])) in str(entry["note"])
        parsed = [[_one_line(part) for part in name[:3]] for name in record["authors_parsed"]]
        people = [(given, surname, suffix) for surname, given, suffix in parsed if given]
        written = [(n.first, " ".join(filter(None, (n.von, n.last))), n.jr) for n in names[arxiv_id]]
        assert [name for name in written if name[0]] == people  # the record's own split, in its order
        *authors, last = entry["author"]
        assert not any(ET_AL.match(author) for author in authors)
        assert (last == "others") == _cut_short(record)  # BibTeX's "et al.", for the records that say it


def test_every_doi_of_the_records_is_in_the_bibtex_and_the_ris(raw, papers, bibtex):
    entries = _by_id(parse_bibtex(bibtex))
    ris = {record["urls"][0].rsplit("/", 1)[1]: record for record in rispy.loads(render(papers, "ris"))}
    with_doi = {arxiv_id: str(record["doi"]).split() for arxiv_id, record in raw.items() if record.get("doi")}
    assert len(with_doi) == 50 and any(len(dois) > 1 for dois in with_doi.values())
    for arxiv_id, dois in with_doi.items():
        first, *more = dois
        assert entries[arxiv_id]["doi"] == first and ris[arxiv_id]["doi"] == first
        for doi in more:  # an erratum's DOI: named in the note
            assert f"also doi:{doi}" in str(entries[arxiv_id]["note"])
            assert f"Also doi:{doi}" in ris[arxiv_id]["notes"]
    assert all("doi" not in entries[arxiv_id] for arxiv_id in raw if arxiv_id not in with_doi)


def test_no_format_writes_et_al_as_an_author_and_each_says_et_al_where_it_shows_names(raw, papers):
    assert [arxiv_id for arxiv_id, record in raw.items() if _cut_short(record)] == ["0704.0020"]
    for record in rispy.loads(render(papers, "ris")):
        assert not any(ET_AL.match(author) for author in record["authors"])
        if record["urls"] == ["https://arxiv.org/abs/0704.0020"]:
            assert record["authors"] == ["The BABAR Collaboration", "Aubert, B."]
            assert "Author list incomplete: the source ends it with et al." in record["notes"]
    for row in csv.DictReader(io.StringIO(render(papers, "csv"), newline="")):
        *names, last = row["authors"].split("; ")
        assert not any(ET_AL.match(name) for name in names)
        assert (last == "et al.") == _cut_short(raw[row["arxiv_id"]])
    babar = next(line for line in render(papers, "markdown").splitlines() if "0704.0020" in line)
    assert "— The BABAR Collaboration et al. (2007) · [DOI](https://doi.org/10.1103/PhysRevD.76.052005)" in babar


def test_daily_papers_code_and_project_links_are_in_the_csv():
    papers, warnings = read_file(DAILY, use_cache=False)
    items = json.loads(DAILY.read_text(encoding="utf-8"))
    assert warnings == [] and len(papers) == len(items) == 50
    rows = {row["arxiv_id"]: row for row in csv.DictReader(io.StringIO(render(papers, "csv"), newline=""))}
    for item in items:
        row = rows[item["paper"]["id"]]
        assert row["github_repo"] == (item["paper"].get("githubRepo") or "")
        assert row["project_page"] == (item["paper"].get("projectPage") or "")
    assert sum(1 for row in rows.values() if row["github_repo"]) == 27
