"""The sources against real bytes: a whole Daily Papers response and the first 100 lines of the arXiv metadata
snapshot, as other people saved them (tests/fixtures/real/PROVENANCE.md). The expected values are read from the
same files with the standard library here, never through the code under test."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import write

from tui_reader.corpus import read_file

REAL = Path(__file__).parents[2] / "fixtures" / "real"
DAILY = REAL / "hf_daily_2026-02-25_default50_guo-sj_ai-paper-reader_0150ec7.json"
ARXIV = REAL / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl"
ITEMS: list[dict] = json.loads(DAILY.read_text(encoding="utf-8"))
RECORDS: list[dict] = [json.loads(line) for line in ARXIV.read_text(encoding="utf-8").splitlines()]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def shown_day(stamp: str) -> str:
    """``2026-02-25T04:20:50.993Z`` as the listing date a dump would write: ``Feb 25, 2026`` (UTC)."""
    day = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(dt.UTC).date()
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def by_arxiv(path: Path) -> dict[str, object]:
    papers, problems = read_file(path, use_cache=False)
    assert problems == []
    return {paper.arxiv_id: paper for paper in papers}


# --- Daily Papers ----------------------------------------------------------------------------------------


def test_every_daily_paper_is_on_the_day_it_was_listed_not_the_shifted_outer_published_at():
    papers = by_arxiv(DAILY)
    assert len(papers) == 50
    for item in ITEMS:
        assert papers[item["paper"]["id"]].dates == (shown_day(item["paper"]["submittedOnDailyAt"]),)
    assert Counter(paper.dates[0] for paper in papers.values()) == {
        "Feb 23, 2026": 9,
        "Feb 24, 2026": 25,
        "Feb 25, 2026": 16,
    }


def test_a_stored_day_takes_its_file_name_as_the_listing_day(tmp_path):
    (tmp_path / "listings").mkdir()
    stored = write(tmp_path / "listings" / "2026-02-24.json", DAILY.read_text(encoding="utf-8"))
    papers, _ = read_file(stored, use_cache=False)
    assert {paper.dates for paper in papers} == {("Feb 24, 2026",)}


def test_code_and_project_pages_go_first_in_links():
    papers = by_arxiv(DAILY)
    repos = {item["paper"]["id"]: item["paper"].get("githubRepo") for item in ITEMS}
    pages = {item["paper"]["id"]: item["paper"].get("projectPage") for item in ITEMS}
    assert sum(1 for repo in repos.values() if repo) == 27
    assert sum(1 for page in pages.values() if page) == 21
    for arxiv_id, paper in papers.items():
        front = tuple(dict.fromkeys(url for url in (repos[arxiv_id], pages[arxiv_id]) if url))
        assert paper.links[: len(front)] == front
        assert (paper.github_repo, paper.project_page) == (repos[arxiv_id], pages[arxiv_id])


def test_what_daily_papers_adds_is_kept():
    papers = by_arxiv(DAILY)
    for item in ITEMS:
        paper, raw = papers[item["paper"]["id"]], item["paper"]
        assert paper.github_stars == raw.get("githubStars")
        assert paper.ai_keywords == tuple(raw.get("ai_keywords", ()))
        assert paper.num_comments == item["numComments"]
        assert paper.upvotes == raw["upvotes"]  # 0 is a count
        organization = raw.get("organization") or item.get("organization")
        assert paper.organization == (organization["fullname"] if organization else None)
        if raw.get("ai_summary"):
            assert paper.ai_summary == " ".join(raw["ai_summary"].split())
            assert paper.abstract.startswith(" ".join(raw["summary"].split())[:60])  # never replaced by it
    assert sum(1 for paper in papers.values() if paper.ai_summary) == 49


@pytest.mark.parametrize(
    "shape",
    ["array", "one item, pretty-printed", "one paper object, pretty-printed", "items as JSON Lines"],
)
def test_daily_papers_are_read_by_content_whatever_the_shape(tmp_path, shape):
    first = ITEMS[1]
    text = {
        "array": json.dumps([first], indent=2),
        "one item, pretty-printed": json.dumps(first, indent=2),
        "one paper object, pretty-printed": json.dumps(first["paper"], indent=2),
        "items as JSON Lines": json.dumps(first) + "\n" + json.dumps(ITEMS[2]) + "\n",
    }[shape]
    papers, problems = read_file(write(tmp_path / "saved.json", text), use_cache=False)
    assert problems == []
    paper = papers[0]
    assert (paper.arxiv_id, paper.title) == (first["paper"]["id"], first["paper"]["title"])
    assert paper.abstract.startswith(first["paper"]["summary"][:80])
    assert paper.authors == tuple(author["name"] for author in first["paper"]["authors"])
    assert paper.dates == (shown_day(first["paper"]["submittedOnDailyAt"]),)


def test_an_empty_listing_is_no_warning(tmp_path):
    assert read_file(write(tmp_path / "2026-02-28.json", "[]"), use_cache=False) == ([], [])
    assert read_file(write(tmp_path / "spaced.json", "[\n]\n"), use_cache=False) == ([], [])


# --- arXiv metadata ----------------------------------------------------------------------------------------


def test_every_arxiv_record_keeps_categories_doi_journal_and_comments():
    papers = by_arxiv(ARXIV)
    assert len(papers) == 100
    for record in RECORDS:
        paper = papers[record["id"]]
        assert paper.categories == tuple(record["categories"].split())
        assert paper.doi == record["doi"]
        assert (paper.journal_ref is None) == (record["journal-ref"] is None)
        assert (paper.comments is None) == (record["comments"] is None)
    assert sum(1 for paper in papers.values() if paper.categories) == 100
    assert sum(1 for paper in papers.values() if paper.doi) == 50
    assert sum(1 for paper in papers.values() if paper.journal_ref) == 52
    assert sum(1 for paper in papers.values() if paper.comments) == 87


def test_et_al_is_never_an_author_and_says_the_list_is_cut_short():
    papers = by_arxiv(ARXIV)
    names = [name.lower().strip(". ") for paper in papers.values() for name in paper.authors]
    assert not [name for name in names if name in ("et al", "others")]
    babar = papers["0704.0020"]
    assert babar.authors == ("The BABAR Collaboration", "B. Aubert")
    assert babar.et_al is True
    assert [paper.arxiv_id for paper in papers.values() if paper.et_al] == ["0704.0020"]


def test_authors_parsed_gives_names_and_surnames():
    papers = by_arxiv(ARXIV)
    for record in RECORDS:
        parsed = [entry for entry in record["authors_parsed"] if " ".join(entry[:3]).strip()]
        assert papers[record["id"]].surnames == tuple(entry[0] for entry in parsed)
    assert papers["0704.0001"].authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan")


@pytest.mark.parametrize("shape", ["JSON Lines", "one JSON array", "one record, pretty-printed"])
def test_arxiv_records_are_read_by_content_whatever_the_shape(tmp_path, shape):
    records = RECORDS if shape != "one record, pretty-printed" else RECORDS[19:20]
    text = {
        "JSON Lines": ARXIV.read_text(encoding="utf-8"),
        "one JSON array": json.dumps(records, indent=1),
        "one record, pretty-printed": json.dumps(records[0], indent=2),
    }[shape]
    papers, problems = read_file(write(tmp_path / "arxiv.json", text), use_cache=False)
    assert problems == []
    assert [paper.arxiv_id for paper in papers] == [record["id"] for record in records]
    for paper, record in zip(papers, records, strict=True):
        assert paper.abstract.split()[:2] == record["abstract"].split()[:2] or "$" in record["abstract"][:30]
        assert paper.published is not None and paper.categories == tuple(record["categories"].split())


@pytest.mark.parametrize("text", ['{"name": "not a paper"}', '{\n "name": "not a paper"\n}', "[1, 2]", "{oops", "[{"])
def test_a_file_that_is_no_known_json_is_one_warning_naming_it(tmp_path, text):
    path = write(tmp_path / "odd.json", text)
    papers, problems = read_file(path, use_cache=False)
    assert papers == []
    assert len(problems) == 1 and problems[0].startswith(f"{path}: ")


@pytest.mark.parametrize("text", ['{"name": "not a paper"}', '{\n "name": "not a paper"\n}', '[{"name": 1}]'])
def test_an_object_with_no_key_of_a_paper_says_it_is_no_record_and_which_keys_it_has(tmp_path, text):
    path = write(tmp_path / "odd.json", text)
    _, problems = read_file(path, use_cache=False)
    assert problems[0].endswith(": not a Daily Papers or arXiv record (its keys: name); skipped")


def test_tex_cleaning_keeps_what_the_real_abstracts_mean():
    papers = by_arxiv(ARXIV)
    assert "velocities of ∼500 km/s to ∼1000 km/s" in papers["0704.0017"].abstract  # "~" is "about" here
    assert papers["0704.0011"].title.endswith("over Q(√(5)) via the Jacquet-Langlands correspondence")
    for record in RECORDS:  # the first word of every abstract, as arXiv wrote it when it is plain text
        first = record["abstract"].split()[0]
        if first.isalnum():
            assert papers[record["id"]].abstract.split()[0] == first
