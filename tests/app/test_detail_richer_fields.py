"""The detail pane shows what the richer sources (Daily Papers listings, arXiv metadata) add to a paper: authors,
arXiv id, published date, cleaned like the rest; a dump's paper shows no empty lines for them."""

from __future__ import annotations

import json

from conftest import SEEDS, SIZE, settle
from support.paper_files import daily_item, seed_paper_met_again

from tui_reader.app import ReaderApp
from tui_reader.corpus import load_corpus
from tui_reader.paper import Paper
from tui_reader.widgets import PaperList


async def test_the_detail_shows_authors_arxiv_id_and_published_and_rows_stay_aligned(tmp_path, store, seeds_corpus):
    listing, _ = seed_paper_met_again(tmp_path)
    evil = daily_item(title="Evil [bold]markup[/bold]", authors=("[red]Mallory[/red]\x1b[2J",), arxiv="2403.00002")
    (tmp_path / "evil.json").write_text(json.dumps([evil]))
    papers = load_corpus([SEEDS, listing, tmp_path / "evil.json"]).papers
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        body = str(app.query_one("#detail-body").render())
        assert "Authors Ada Lovelace, Alan Turing" in body
        assert "arXiv   2403.01234" in body
        assert "Published 2024-03-08" in body
        assert "Upvotes 12" in body
        plist = app.query_one(PaperList)
        rows = [plist.render_line(y).text for y in range(plist.scrollable_content_region.height)]
        assert rows[0].rstrip().endswith("Mar 11 2024")  # the seed's "Mar 11" and the published year
        ends = {len(row.rstrip()) for row in rows if row.strip()}
        assert len(ends) == 1, rows  # every date ends in the same column
        await pilot.press("G")
        await settle(app, pilot)
        body = str(app.query_one("#detail-body").render())
        assert "Authors [red]Mallory[/red]" in body and "\x1b" not in body  # literal, no escape
        assert "Evil [bold]markup[/bold]" in body


async def test_richer_fields_made_outside_the_parsers_are_shown_cleaned(store):
    paper = Paper(
        id="x",
        title="T",
        abstract="",
        authors=("Eve\x1b]0;pwned\x07 Doe",),
        arxiv_id="2403.0\x1b[31m1",
        published="2024",
    )
    app = ReaderApp([paper], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        body = str(app.query_one("#detail-body").render())
        assert "Authors Eve Doe" in body and "arXiv   2403.01" in body and "\x1b" not in body


async def test_a_dump_paper_shows_no_empty_richer_lines(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        body = str(reader_app.query_one("#detail-body").render())
        assert "Listed" in body and "Authors" not in body and "arXiv" not in body and "Published" not in body
