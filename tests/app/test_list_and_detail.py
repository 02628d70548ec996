"""Moving in the list (vim keys, arrows, paging, the mouse) and what the detail pane shows of the paper under
the cursor, with what the richer sources (Daily Papers listings, arXiv metadata) add: authors, arXiv id, published
date, cleaned like the rest; a dump's paper shows no empty lines for them."""

from __future__ import annotations

import json

import pytest
from conftest import ARXIV_PAPER, BARE_PAPER, SEEDS, SIZE, detail_shown, settle
from support.paper_files import daily_item, seed_paper_met_again
from textual import events

from tui_reader.app import ReaderApp
from tui_reader.corpus import load_corpus
from tui_reader.paper import Paper
from tui_reader.widgets import PaperDetail, PaperList


async def test_vim_keys_arrows_and_paging_move_the_cursor(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        plist = reader_app.query_one(PaperList)
        await pilot.press("j", "j", "down")
        assert plist.cursor == 3
        await pilot.press("k", "up")
        assert plist.cursor == 1
        await pilot.press("G")
        assert plist.cursor == 210
        await pilot.press("g")
        assert plist.cursor == 0
        await pilot.press("pagedown")
        page = plist.cursor
        assert page > 10
        await pilot.press("pageup")
        assert plist.cursor == 0
        await pilot.press("end")
        assert plist.cursor == 210 and plist.scroll_offset.y > 0
        await pilot.press("home")
        assert plist.cursor == 0 and plist.scroll_offset.y == 0


async def test_moving_updates_the_detail_pane(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("j")
        assert papers[1].title[:30] in str(reader_app.query_one("#detail-body").render())


async def test_mouse_click_selects_and_wheel_scrolls(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        plist = reader_app.query_one(PaperList)
        await pilot.click(PaperList, offset=(10, 4))  # row 4 of the widget = 4th paper (border on row 0)
        assert plist.cursor == 3
        for _ in range(3):
            plist.post_message(events.MouseScrollDown(plist, 10, 4, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert plist.scroll_offset.y > 0
        assert plist.cursor == 3  # the wheel scrolls the view, not the cursor


async def test_ctrl_d_and_ctrl_u_scroll_the_detail_from_the_list(reader_app):
    async with reader_app.run_test(size=(120, 16)) as pilot:  # short: the abstract does not fit
        await settle(reader_app, pilot)
        detail = reader_app.query_one(PaperDetail)
        assert detail.max_scroll_y > 0
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert detail.scroll_y > 0
        assert reader_app.query_one(PaperList).has_focus  # still in the list
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert detail.scroll_y == 0


async def test_every_row_fills_the_list_width_exactly_even_with_wide_characters(papers, store):
    from rich.cells import cell_len

    wide = [
        Paper(
            id="w1",
            title="宽字符标题 with 漢字 across the edge of the row 漢字漢字漢字漢字漢字漢字",
            abstract="x",
            dates=("Mar 11",),
        ),
        Paper(id="w2", title="emoji 🎉🎉 title " * 6, abstract="y", dates=("Sep 9",)),
    ]
    app = ReaderApp(wide + list(papers), store)
    async with app.run_test(size=SIZE) as pilot:
        for size in [(120, 40), (81, 20), (40, 12), (25, 10)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            plist = app.query_one(PaperList)
            width = plist.scrollable_content_region.width
            for y in range(plist.size.height):
                assert sum(cell_len(segment.text) for segment in plist.render_line(y)) == width, (size, y)


async def test_the_detail_shows_the_paper_id_for_tui_reader_mark(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("j")
        await pilot.pause()
        paper = reader_app.reader.papers[1]
        assert f"id {paper.id}" in detail_shown(reader_app).splitlines()[2]  # title, blank, the marks line


ARXIV = ARXIV_PAPER


BARE = BARE_PAPER


def row_text(app: ReaderApp, y: int) -> str:
    return app.query_one(PaperList).render_line(y).text


async def test_the_list_shows_authors_after_the_title_when_wide(store):
    short = Paper(id="s1", title="Tiny", abstract="", authors=("[b]Ada[/b] Lovelace", "Alan Turing"), dates=("Mar 12",))
    app = ReaderApp([ARXIV, short, BARE], store)
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(app, pilot)
        assert "Fast Diffusion of Large Models  Ada Lovelace, Alan Turing, Grace Hopper" in row_text(app, 0)
        assert "Tiny  [b]Ada[/b] Lovelace, Alan Turing" in row_text(app, 1)  # literally, as typed
        assert "Attention & Diffusion: a Survey?" in row_text(app, 2)  # no authors: the row as before
        assert len({len(row_text(app, y).rstrip()) for y in range(3)}) == 1  # the date column stays aligned


async def test_the_list_shortens_authors_to_et_al_then_drops_them_as_it_narrows(store):
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(app, pilot)
        row = row_text(app, 0)
        assert "Fast Diffusion of Large Models  Ada Lovelace et al." in row and "Turing" not in row
        assert row.rstrip().endswith("Mar 11 2024")
    app = ReaderApp([ARXIV], store)
    async with app.run_test(size=(60, 30)) as pilot:
        await settle(app, pilot)
        row = row_text(app, 0)
        assert "Lovelace" not in row and "Fast Diffusion of Large Models" in row


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


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_rows_show_the_selection_the_star_and_a_note_and_stay_aligned(store, width):
    papers = [
        Paper(id=f"a{i}", title=f"Title {i} of a paper", abstract="x", dates=("Mar 11",), authors=("Ada",))
        for i in range(4)
    ]
    store.set_note("a1", "a note")
    store.set_starred("a2", True)
    store.set_read("a3", True)
    app = ReaderApp(papers, store)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j", "space")  # the third paper selected
        plist = app.query_one(PaperList)
        rows = [plist.render_line(y).text for y in range(4)]
        assert [row[:6] for row in rows] == [" ●    ", " ● ✎  ", "✓●★   ", "      "]
        assert {row.index("Title") for row in rows} == {6}  # every title starts in the same column
        assert {len(row.rstrip()) for row in rows} == {plist.scrollable_content_region.width - 1}  # and each date


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_watched_papers_and_feed_announcements_are_marked_in_rows_that_stay_aligned(store, width):
    announced = [None, "cross", "replace", "replace-cross", "new"]
    papers = [
        Paper(id=f"a{i}", title=f"Title {i} of a paper", abstract="x", dates=("Mar 11",), announce_type=kind)
        for i, kind in enumerate(announced)
    ]
    store.set_note("a1", "a note")
    app = ReaderApp(papers, store)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(app, pilot)
        plist = app.query_one(PaperList)
        assert [plist.render_line(y).text[:6] for y in range(2)] == [" ●    ", " ● ✎  "]  # nothing watched yet
        await pilot.press("G")  # the last paper in the detail, before the news worker has reported
        await pilot.pause()
        assert "Watched" not in str(app.query_one("#detail-body").render())
        # as the news worker reports them (the watch list's queries, shown literally: never markup); the list and
        # the detail repaint without a key
        watched = {"a1": ("spectral",), "a4": ("[b]spectral[/b]", 'author:"Dunson"')}
        app.reader_screen.news.found(frozenset(), watched)
        await pilot.pause()
        rows = [plist.render_line(y).text for y in range(5)]
        assert [row[:6] for row in rows] == [" ●    ", " ● ✎◆ ", " ●    ", " ●    ", " ●  ◆ "]
        assert {row.index("Title") for row in rows} == {6}
        assert [row.rstrip()[-12:] for row in rows] == [
            "      Mar 11",
            "cross Mar 11",
            "repl  Mar 11",
            "repl  Mar 11",
            "      Mar 11",
        ]
        assert {len(row.rstrip()) for row in rows} == {plist.scrollable_content_region.width - 1}
        body = str(app.query_one("#detail-body").render())
        assert 'Watched [b]spectral[/b] · author:"Dunson"' in body
