"""The reader as a user drives it: keys, mouse, marks that persist, layouts. Textual's Pilot, no real terminal."""

from __future__ import annotations

import gc
import webbrowser

import pytest
from conftest import SIZE, notifications, settle, shown_titles, status, type_query
from textual import events
from textual.command import CommandPalette

from tui_reader.app import ReaderApp
from tui_reader.controllers import reach as reach_module
from tui_reader.corpus import Paper, parse_text
from tui_reader.screens import HelpScreen
from tui_reader.state import View
from tui_reader.store import MarkStore
from tui_reader.widgets import PaperDetail, PaperList, SearchBox

# --- start-up ------------------------------------------------------------------------------------------------


async def test_startup_lists_every_paper_and_shows_the_first(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        plist = reader_app.query_one(PaperList)
        assert len(plist.rows) == 211
        assert plist.has_focus
        assert status(reader_app).startswith("211 / 211 shown · 211 unread · 0 starred · view: all")
        body = str(reader_app.query_one("#detail-body").render())
        assert papers[0].title[:30] in body


async def test_collection_held_off_for_start_up_resumes_after_the_first_frame(reader_app):
    """The launcher disables the cyclic GC while Textual loads; the reader must turn it back on, or a session
    of reading would never collect its garbage."""
    gc.disable()
    try:
        async with reader_app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # what start-up made is skipped by later collections
    finally:
        gc.unfreeze()
        gc.enable()


async def test_a_reader_started_with_collection_on_leaves_it_alone(reader_app):
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    async with reader_app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert gc.isenabled() and gc.get_freeze_count() == frozen


async def test_warnings_become_notifications(papers, store):
    app = ReaderApp(papers, store, warnings=["broken.txt: empty file; skipped"])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in notifications(app)]
        assert "broken.txt: empty file; skipped" in messages


# --- search box ----------------------------------------------------------------------------------------------


async def test_typing_filters_live_and_enter_goes_to_list(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "diffusion")
        assert reader_app.query_one(SearchBox).has_focus
        titles = shown_titles(reader_app)
        assert 0 < len(titles) < 211
        assert status(reader_app).startswith(f"{len(titles)} / 211 shown")
        await pilot.press("enter")
        assert reader_app.query_one(PaperList).has_focus


async def test_keys_typed_right_after_slash_go_to_the_search_box(reader_app):
    """A fast "/sr" must search for "sr", not star and mark the paper under the cursor."""
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        for key, char in (("slash", "/"), ("s", "s"), ("r", "r")):
            reader_app.post_message(events.Key(key, char))  # queued back to back, as a fast typist does
        await pilot.pause()
        await settle(reader_app, pilot)
        assert reader_app.query_one(SearchBox).value == "sr"
        assert reader_app.reader.store.all() == {}


async def test_a_slash_inside_a_burst_starts_a_new_query(reader_app):
    """ "/a/b" arriving in one write (a fast typist): the second "/" means "search" too, so the query is "b"."""
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        for key, char in (("slash", "/"), ("a", "a"), ("slash", "/"), ("b", "b")):
            reader_app.post_message(events.Key(key, char))
        await pilot.pause()
        assert reader_app.query_one(SearchBox).value == "b"


async def test_slash_in_the_search_box_selects_the_query_so_typing_replaces_it(reader_app):
    """Issue 15: "/ video Esc / RLHF" searched "/RLHF" (0 results). "/" always means search."""
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "video")
        await pilot.press("escape", "slash", *"diffusion")
        await settle(reader_app, pilot)
        assert reader_app.query_one(SearchBox).value == "diffusion"
        assert len(shown_titles(reader_app)) == 9  # the 8 saying "diffusion" and one saying "diffuse" (a stem)
        await pilot.press("slash", *"video")  # a query in the box: "/" selects it, typing replaces it
        await settle(reader_app, pilot)
        assert reader_app.query_one(SearchBox).value == "video"


async def test_a_pasted_slash_is_part_of_the_query(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        reader_app.query_one(SearchBox).post_message(events.Paste("encoder/decoder"))
        await pilot.pause()
        assert reader_app.query_one(SearchBox).value == "encoder/decoder"


async def test_down_arrow_leaves_search_for_the_list(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "d", "down")
        assert reader_app.query_one(PaperList).has_focus


async def test_escape_clears_the_query_then_leaves_the_box(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "diffusion")
        await pilot.press("escape")
        await settle(reader_app, pilot)
        box = reader_app.query_one(SearchBox)
        assert box.value == "" and box.has_focus
        assert len(reader_app.query_one(PaperList).rows) == 211
        await pilot.press("escape")
        assert reader_app.query_one(PaperList).has_focus


async def test_no_match_shows_an_empty_list_and_says_so(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "zzqxjv")
        assert len(reader_app.query_one(PaperList).rows) == 0
        assert status(reader_app).startswith("0 / 211 shown")
        assert "No paper matches" in str(reader_app.query_one("#detail-body").render())
        await pilot.press("enter", "r", "s", "o", "y")  # nothing to act on: no crash, no mark
        assert reader_app.reader.store.all() == {}


async def test_last_query_wins_when_typing_fast(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("slash", *"reinforcement")
        await settle(reader_app, pilot)
        assert reader_app.reader.result.query == "reinforcement"
        assert any("Reinforcement" in t for t in shown_titles(reader_app)[:3])


async def test_selection_survives_a_filter_that_still_shows_the_paper(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        plist = reader_app.query_one(PaperList)
        target = next(i for i, p in enumerate(papers) if "diffusion" in p.title.lower() and i > 5)
        plist.cursor = target
        await type_query(reader_app, pilot, "diffusion")
        assert plist.paper_index == target


async def test_matches_are_highlighted_in_title_spans(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "diffusion")
        result = reader_app.reader.result
        first = result.indices[0]
        title_spans, _ = result.spans(first)
        title = reader_app.reader.papers[first].title
        assert any(title[s:e].lower().startswith("diffusion") for s, e in title_spans)


# --- moving --------------------------------------------------------------------------------------------------


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


# --- marks ---------------------------------------------------------------------------------------------------


async def test_r_and_space_toggle_read_and_save_at_once(reader_app, papers, data_dir):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("r")
        assert MarkStore.open(data_dir).get(papers[0].id).read
        assert "210 unread" in status(reader_app)
        await pilot.press("space")
        assert not MarkStore.open(data_dir).get(papers[0].id).read
        assert "211 unread" in status(reader_app)


async def test_s_stars_and_the_star_is_there_after_a_restart(papers, data_dir):
    store = MarkStore.open(data_dir)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "s")
        assert "1 starred" in status(app)
    store.close()

    again = ReaderApp(papers, MarkStore.open(data_dir))
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert "1 starred" in status(again)
        assert again.reader.mark(papers[1].id).starred


async def test_two_readers_open_do_not_undo_each_others_marks(papers, data_dir):
    first, second = MarkStore.open(data_dir), MarkStore.open(data_dir)
    app = ReaderApp(papers, second)  # opened before the other reader starred the paper
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first.set_starred(papers[0].id, True)  # the other terminal stars it
        await pilot.press("s")  # this one, still showing it unstarred, stars it too
        await settle(app, pilot)
        assert MarkStore.open(data_dir).get(papers[0].id).starred
    first.close()
    second.close()


async def test_marks_made_in_another_reader_show_up(papers, data_dir):
    other = MarkStore.open(data_dir)
    app = ReaderApp(papers, MarkStore.open(data_dir))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "0 starred" in status(app)
        other.set_starred(papers[0].id, True)  # `tui-reader mark` or a second terminal
        await app.marks_saved()  # the saver's thread looks now rather than within MARKS_POLL_SECONDS
        await pilot.pause()
        assert "1 starred" in status(app)
        assert app.reader.mark(papers[0].id).starred
        assert "★ starred" in str(app.query_one("#detail-body").render())
    other.close()


async def test_moving_marks_nothing_but_enter_marks_read_once_shown(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("j", "j", "j", "k")
        assert reader_app.reader.store.all() == {}
        await pilot.press("enter")
        await pilot.pause()
        assert reader_app.query_one(PaperDetail).has_focus
        await settle(reader_app, pilot)
        assert reader_app.reader.store.get(papers[2].id).read
        await pilot.press("escape")
        assert reader_app.query_one(PaperList).has_focus


async def test_n_reads_the_next_unread_and_shift_n_jumps_back_both_wrapping(papers, store):
    for paper in papers[1:4] + papers[5:]:  # unread: only papers 0 and 4
        store.set_read(paper.id, True)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        plist = app.query_one(PaperList)
        await pilot.press(*"jjjjj", "n")  # past the end: back to the top, and says so; the paper is read now
        await settle(app, pilot)
        assert plist.cursor == 0 and app.reader.mark(papers[0].id).read
        assert any("Wrapped to the top" in n.message for n in notifications(app))
        await pilot.press("N")  # only jumps: paper 4 stays unread
        await settle(app, pilot)
        assert plist.cursor == 4 and not app.reader.mark(papers[4].id).read
        await pilot.press("n")  # the paper under the cursor is unread: it is the one read
        await settle(app, pilot)
        assert plist.cursor == 4 and store.get(papers[4].id).read
        await pilot.press("n")  # everything read: the cursor stays, and it says so
        await pilot.pause()
        assert plist.cursor == 4
        assert any("No unread paper" in n.message for n in notifications(app))


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


async def test_u_cycles_all_unread_starred(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("r", "j", "s")  # paper 0 read, paper 1 starred
        await pilot.press("u")
        await settle(reader_app, pilot)
        assert reader_app.reader.view is View.UNREAD
        assert "view: unread" in status(reader_app)
        assert papers[0].title not in shown_titles(reader_app)
        assert len(reader_app.query_one(PaperList).rows) == 210
        await pilot.press("u")
        await settle(reader_app, pilot)
        assert reader_app.reader.view is View.STARRED
        assert shown_titles(reader_app) == [papers[1].title]
        await pilot.press("u")
        await settle(reader_app, pilot)
        assert reader_app.reader.view is View.ALL
        assert len(reader_app.query_one(PaperList).rows) == 211


async def test_the_word_being_typed_is_a_prefix_in_every_view(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("u")  # unread view: the view's filter must not steal the prefix from "diffu"
        await type_query(reader_app, pilot, "diffu")
        titles = shown_titles(reader_app)
        assert titles and all(
            "diffu" in t.lower() or "diffu" in a.lower()
            for t, a in ((p.title, p.abstract) for p in reader_app.reader.papers if p.title in titles)
        )


async def test_filters_are_case_insensitive_like_the_query_language(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("s")
        await type_query(reader_app, pilot, "IS:starred")
        assert shown_titles(reader_app) == [papers[0].title]


async def test_read_only_store_still_works_and_says_marks_are_not_saved(papers, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data dir should be")
    store = MarkStore.open(blocker / "marks")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        assert "1 starred" in status(app)
        assert "marks NOT saved" in status(app)
        assert any(n.severity == "warning" for n in notifications(app))


# --- outside world -------------------------------------------------------------------------------------------


async def test_o_then_enter_opens_the_first_http_link_in_the_browser(papers, store, monkeypatch):
    opened = []
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: True)
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: opened.append(url) or True)
    with_link = [p for p in papers if p.links]
    app = ReaderApp(with_link, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "enter")
        assert opened == [with_link[0].links[0]]
        assert opened[0].startswith("https://")


async def test_o_never_opens_a_non_http_link(store, monkeypatch):
    opened = []
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: True)
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: opened.append(url) or True)
    paper = Paper(id="abc", title="Sneaky", abstract="x", links=("javascript:alert(1)", "file:///etc/passwd"))
    app = ReaderApp([paper], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "enter")  # no http(s) link: the first item searches arXiv for the title
        assert opened == ["https://arxiv.org/search/?query=Sneaky&searchtype=title"]


async def test_o_without_a_graphical_browser_copies_the_link(papers, store, monkeypatch):
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: False)
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: pytest.fail("would take over the terminal"))
    with_link = [p for p in papers if p.links]
    app = ReaderApp(with_link, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "enter")
        assert app.clipboard == with_link[0].links[0]


async def test_y_then_enter_copies_the_title(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("j", "y", "enter")
        assert reader_app.clipboard == papers[1].title


# --- help, palette, quit -------------------------------------------------------------------------------------


async def test_question_mark_shows_every_key(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("question_mark")
        assert isinstance(reader_app.screen, HelpScreen)
        keys = dict(reader_app.screen.keys)
        for key in ("/", "r / Space", "s", "u", "o", "y", "q", "j / ↓", "G / End", "PgDn / Ctrl+F", "Enter"):
            assert key in keys, key
        await pilot.press("escape")
        assert not isinstance(reader_app.screen, HelpScreen)


async def test_ctrl_p_opens_the_command_palette_with_reader_commands(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(reader_app.screen, CommandPalette)
        titles = [c.title for c in reader_app.get_system_commands(reader_app.screen)]
        assert {
            "Toggle read",
            "Toggle star",
            "Cycle view",
            "Open the paper in the browser…",
            "Copy title, id, link or citation…",
            "Export papers to a file…",
        } <= set(titles)


async def test_q_quits(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("q")
        await pilot.pause()
    assert reader_app.return_code == 0


async def test_q_in_the_search_box_types_a_q(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "q")
        assert reader_app.query_one(SearchBox).value == "q"
        assert reader_app.is_running


# --- layouts -------------------------------------------------------------------------------------------------


async def test_narrow_terminal_stacks_the_panes(reader_app):
    async with reader_app.run_test(size=(80, 30)) as pilot:
        await settle(reader_app, pilot)
        plist, detail = reader_app.query_one(PaperList), reader_app.query_one(PaperDetail)
        assert detail.region.y > plist.region.y
        assert plist.region.width == detail.region.width


async def test_tiny_terminal_and_resizes_do_not_crash(reader_app):
    async with reader_app.run_test(size=(40, 12)) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("j", "s")
        for size in [(120, 40), (20, 5), (99, 30), (100, 30), (40, 12)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await pilot.press("G", "k")
        assert reader_app.query_one(PaperList).cursor == 209


async def test_escape_sequences_from_a_corpus_never_reach_the_screen(store):
    page = "Mar 11\n\nEvil \x1b[31mred\x1b]0;pwned\x07 title\n\nAn abstract with a bell \x07 and \x1b[2J a clear.\n"
    papers = parse_text(page, "evil.txt")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        line = app.query_one(PaperList).render_line(0).text
        assert "Evil red title" in line
        detail = str(app.query_one("#detail-body").render())
        assert "\x1b" not in line + detail and "\x07" not in line + detail


# --- big corpora: files read after the first paint -----------------------------------------------------------


async def test_files_stream_in_after_the_first_paint_and_search_works_once_indexed(store):
    from tui_reader.corpus import corpus_files

    app = ReaderApp([], store, files=corpus_files())
    async with app.run_test(size=SIZE) as pilot:
        assert "loading" in status(app)  # the first frame comes before the files
        await settle(app, pilot)
        assert status(app).startswith("211 / 211 shown")
        assert "loading" not in status(app) and "indexing" not in status(app)
        await type_query(app, pilot, "schrodinger")
        assert shown_titles(app)[0] == "Light Schrödinger Bridge"


async def test_a_streamed_corpus_keeps_its_index_for_the_next_launch(store, monkeypatch):
    from tui_reader.corpus import corpus_files
    from tui_reader.search import index as index_module

    builds = []
    real_build = index_module.build
    monkeypatch.setattr(index_module, "build", lambda *fields: builds.append(1) or real_build(*fields))
    for _ in range(2):
        app = ReaderApp([], store, files=corpus_files())
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert "indexing" not in status(app)
            await type_query(app, pilot, "schrodinger")
            assert shown_titles(app)[0] == "Light Schrödinger Bridge"
    assert builds == [1]  # the second launch read the index from the cache


async def test_streamed_files_with_no_papers_end_the_app_with_the_reason(store, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    app = ReaderApp([], store, files=sorted(tmp_path.glob("*.txt")))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):  # the loader worker finishes, then the app exits by itself
            if app.return_code is not None:
                break
            await pilot.pause()
    assert app.return_code == 1
    assert app.outcome.no_papers
    assert any("empty file" in w for w in app.outcome.load_warnings)
    assert any("binary file" in w for w in app.outcome.load_warnings)


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
