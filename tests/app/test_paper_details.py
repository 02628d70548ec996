"""What the detail pane shows of a paper from a rich source (code and stars, project page, categories, DOI, journal,
comments, organization, the machine-written summary and keywords), where it shows it at every size, and the open
and copy menus' code and project page items. Papers come from real responses (tests/fixtures/real); the values
expected are read from those files with json, not through the reader's parsers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import LINKED_PAPER, SIZE, detail_content, detail_shown, messages, settle
from textual.widgets import OptionList

from tui_reader.app import ReaderApp
from tui_reader.corpus import load_corpus
from tui_reader.paper import Paper
from tui_reader.screens.choice import ChoiceScreen
from tui_reader.widgets import PaperDetail

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
DAILY = REAL / "hf_daily_2026-02-25_default50_guo-sj_ai-paper-reader_0150ec7.json"
ARXIV = REAL / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl"
HEADING = "AI summary (machine-written by Hugging Face)"
SMALL_SIZES = [(60, 20), (80, 24)]
# a Daily Papers item with a repository and its stars, a project page of its own, an AI summary and keywords,
# discussion comments and an organization (SimToolReal); an arXiv record with categories, a DOI, a journal
# reference and the authors' comments
RICH = "2602.16863"
CATEGORISED = "0704.0001"


def daily_item(arxiv_id: str) -> dict:
    """The Daily Papers item of the real response, as published."""
    (item,) = [item for item in json.loads(DAILY.read_text()) if item["paper"]["id"] == arxiv_id]
    return item


def arxiv_record(arxiv_id: str) -> dict:
    (record,) = [r for line in ARXIV.read_text().splitlines() if (r := json.loads(line))["id"] == arxiv_id]
    return record


def real_paper(path: Path, arxiv_id: str) -> Paper:
    """The paper as the reader reads it from the real file."""
    (paper,) = [p for p in load_corpus([path]).papers if p.arxiv_id == arxiv_id]
    return paper


def bare(url: str) -> str:
    """A URL as the pane shows it: without its scheme and a final "/"."""
    return url.split("://", 1)[1].removeprefix("www.").rstrip("/")


def one_line(text: str) -> str:
    return " ".join(text.split())


def styles_over(app, text: str) -> set[str]:
    """The styles of the detail's text over the first place it shows ``text``."""
    content = detail_content(app)
    start = content.plain.index(text)
    end = start + len(text)
    return {str(span.style) for span in content.spans if span.start < end and span.end > start}


def visible(app) -> list[str]:
    """The detail pane's rows on screen (scrolled to its top)."""
    body = app.query_one("#detail-body")
    rows = [line.text.rstrip() for line in body.render_lines(body.region.reset_offset)]
    return rows[: app.query_one(PaperDetail).scrollable_content_region.height]


async def test_the_detail_shows_the_code_with_stars_and_the_labelled_ai_summary_after_the_abstract(store):
    outer = daily_item(RICH)
    item = outer["paper"]
    paper = real_paper(DAILY, RICH)
    store.set_note(paper.id, "Try it on the lab's arm.")
    app = ReaderApp([paper], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        body = detail_shown(app)
        code = f"Code    {bare(item['githubRepo'])}  ★{item['githubStars']:,}"
        assert code in body.splitlines()
        assert f"Project {bare(item['projectPage'])}" in body.splitlines()
        assert f"Organization {item['organization']['fullname']}" in body.splitlines()
        assert f"Upvotes {item['upvotes']} · {outer['numComments']} comments" in body.splitlines()
        abstract, summary = one_line(item["summary"]), one_line(item["ai_summary"])
        keywords = "Keywords " + " · ".join(item["ai_keywords"])
        # the abstract first, whole; then the heading that says who wrote what follows, the summary and keywords
        assert body.index(code) < body.index(abstract[:60]) < body.index(HEADING)
        assert body.index(abstract[-40:]) < body.index(HEADING)
        assert body.endswith(f"\n\n{HEADING}\n{summary}\n{keywords}"), body[-400:]
        # each label dim, its value not; the URL a link, the stars not; the summary italic, the note plain
        assert styles_over(app, "Code    ") == {"dim"}
        assert styles_over(app, bare(item["githubRepo"])) == {f"underline link {item['githubRepo']}"}
        assert styles_over(app, f"★{item['githubStars']}") == set()
        assert styles_over(app, HEADING) == {"bold"} and styles_over(app, summary) == {"italic"}
        assert styles_over(app, keywords.removeprefix("Keywords ")) == set()
        assert styles_over(app, "Try it on the lab's arm.") == set()
        assert any(row.startswith("Code    ") for row in visible(app))  # a tall pane: the details above the abstract


async def test_the_detail_shows_categories_doi_journal_and_comments_of_an_arxiv_record(store):
    record = arxiv_record(CATEGORISED)
    app = ReaderApp([real_paper(ARXIV, CATEGORISED)], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lines = detail_shown(app).splitlines()
        assert "Categories " + " · ".join(record["categories"].split()) in lines
        assert f"DOI     {record['doi']}" in lines
        assert f"Journal {record['journal-ref']}" in lines
        assert f"Comments {one_line(record['comments'])}" in lines
        doi = [span.style for span in detail_content(app).spans if getattr(span.style, "link", None)]
        assert [style.link for style in doi] == [f"https://doi.org/{record['doi']}"]  # a click opens doi.org


@pytest.mark.parametrize("size", SMALL_SIZES)
@pytest.mark.parametrize(("path", "arxiv_id"), [(DAILY, RICH), (ARXIV, CATEGORISED)], ids=["daily", "arxiv"])
async def test_a_short_pane_shows_the_abstract_under_the_title_and_the_details_after_it(store, size, path, arxiv_id):
    paper = real_paper(path, arxiv_id)
    app = ReaderApp([paper], store)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        rows = visible(app)
        assert rows[0] and rows[0] in paper.title and any("id " + paper.id in row for row in rows)
        shown_abstract = [row for row in rows if row.strip() and row.strip() in paper.abstract]
        assert len(shown_abstract) >= 3, rows  # its first lines, not only the title and details
        body = detail_shown(app)
        assert body.index(paper.abstract[-30:]) < body.index("\nSources ")  # the details follow it, all of them
        for label in ("Authors ", "arXiv   ", "Published "):
            assert f"\n{label}" in body


@pytest.mark.parametrize(("path", "arxiv_id"), [(DAILY, RICH), (ARXIV, CATEGORISED)], ids=["daily", "arxiv"])
async def test_at_60x20_the_abstract_shows_above_a_long_note_and_the_tags(store, path, arxiv_id):
    paper = real_paper(path, arxiv_id)
    note = "Read this again before the reading group: the second section is what we need for the survey."
    store.set_note(paper.id, note)
    store.change_tags(paper.id, add=("survey", "to-read"))
    app = ReaderApp([paper], store)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        rows = visible(app)
        first_words = " ".join(paper.abstract.split()[:4])
        assert any(row.strip().startswith(first_words) for row in rows), rows  # the abstract's first line
        body = detail_shown(app)
        assert body.index(paper.abstract[-30:]) < body.index("Read this again") < body.index("Tags    survey")


async def test_the_details_move_above_the_abstract_and_back_as_the_pane_grows_and_shrinks(store):
    paper = real_paper(DAILY, RICH)
    app = ReaderApp([paper], store)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        assert not any(row.startswith("Code ") for row in visible(app))
        await pilot.resize_terminal(*SIZE)
        await settle(app, pilot)
        assert any(row.startswith("Code ") for row in visible(app))
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert not any(row.startswith("Code ") for row in visible(app))


# ---------------------------------------------------------------------------------------------------------
# The open and copy menus


def menu(app) -> list[tuple[str, str]]:
    """(the line shown, the URL or text it holds) of every item of the open menu."""
    assert isinstance(app.screen, ChoiceScreen)
    prompts = [str(option.prompt) for option in app.screen.query_one(OptionList).options]
    return list(zip(prompts, [choice.value for choice in app.screen.choices], strict=True))


@pytest.mark.parametrize(("key", "field"), [("c", "githubRepo"), ("w", "projectPage")])
async def test_o_lists_the_code_and_project_page_and_their_keys_open_them(store, browser, key, field):
    item = daily_item(RICH)["paper"]
    app = ReaderApp([real_paper(DAILY, RICH)], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        items = menu(app)
        assert [line.split()[0] for line, _ in items] == ["a", "p", "h", "c", "w"]  # no link offered twice
        code, page = items[3], items[4]
        assert code[0].split()[1:3] == ["Code", "(GitHub)"] and code[1] == item["githubRepo"]
        assert page[0].split()[1:3] == ["Project", "page"] and page[1] == item["projectPage"]
        await pilot.press(key)
        await settle(app, pilot)
        assert browser == [item[field]]
        assert f"Opened {item[field]}" in messages(app)


async def test_y_copies_the_code_link(store):
    item = daily_item(RICH)["paper"]
    app = ReaderApp([real_paper(DAILY, RICH)], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("y", "c")
        await settle(app, pilot)
        assert app.clipboard == item["githubRepo"]


def pane_links(app) -> dict[str, str]:
    """The detail's numbered links: {"1": url, ...}."""
    lines = [line.split() for line in detail_shown(app).splitlines() if line.startswith("Link ")]
    return {words[1]: words[2] for words in lines if len(words) == 3}


async def test_the_detail_numbers_links_as_the_open_menu_keys_them(store, browser):
    paper = Paper(
        id="n",
        title="Numbered",
        abstract="x",
        links=(
            "https://github.com/o/r",
            "javascript:alert(1)",
            "https://e.org/a/",
            "https://e.org/a",
            "https://e.org/b",
        ),
        github_repo="https://github.com/o/r",
        project_page="https://e.org/a",
    )
    app = ReaderApp([paper, LINKED_PAPER], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert pane_links(app) == {"1": "https://e.org/b"}  # the code and the project page, under their names
        assert "Link    javascript:alert(1)" in detail_shown(app).splitlines()  # shown, without a number
        await pilot.press("o")
        assert [(line.split()[0], url) for line, url in menu(app)] == [
            ("c", "https://github.com/o/r"),
            ("w", "https://e.org/a"),
            ("1", "https://e.org/b"),
        ]
        await pilot.press("escape")
        await pilot.pause(0.3)
        await pilot.press("j")
        await settle(app, pilot)
        assert pane_links(app) == {"1": "http://example.org/a", "2": "https://example.org/[b]bold[/b]"}
        await pilot.press("2")  # not a key of the list: nothing
        await pilot.press("o", "2")
        await settle(app, pilot)
        assert browser == ["https://example.org/[b]bold[/b]"]


async def test_machine_written_and_other_new_text_is_shown_literally_and_only_web_urls_are_links(store, browser):
    paper = Paper(
        id="u",
        title="Untrusted",
        abstract="The abstract.",
        links=("javascript:alert(1)",),
        categories=("cs.CL\x1b[2J", "[b]cs.LG[/b]"),
        comments="[@click=app.quit]x[/]",
        organization="Org\x1b]0;pwned\x07",
        github_repo="javascript:alert(1)",
        project_page="https://example.org/[b]p[/b]",
        ai_summary="A [red]summary[/red]\x9b31m.",
        ai_keywords=("[i]k[/i]",),
    )
    app = ReaderApp([paper], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        body = detail_shown(app)
        for shown in (
            "Categories cs.CL · [b]cs.LG[/b]",
            "Comments [@click=app.quit]x[/]",
            "Organization Org",
            "Code    javascript:alert(1)",
            "Project example.org/[b]p[/b]",
            "A [red]summary[/red].",  # the C1 CSI is gone whole, its "31m" too; the markup stays text
            "Keywords [i]k[/i]",
        ):
            assert shown in body.splitlines(), shown
        assert "\x1b" not in body and "\x9b" not in body and "\x07" not in body
        links = [span.style.link for span in detail_content(app).spans if getattr(span.style, "link", None)]
        assert links == ["https://example.org/[b]p[/b]"]  # javascript: is shown, never a link
        await pilot.press("o")
        assert [url for _, url in menu(app)] == ["https://example.org/[b]p[/b]"]  # never offered either
