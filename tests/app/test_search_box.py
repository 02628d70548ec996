"""The search box: typing filters live, / from anywhere, Esc clears, the last query wins, matches highlighted,
the selection kept through a filter."""

from __future__ import annotations

import re
import threading

from conftest import SIZE, detail_content, settle, shown_titles, status, type_query, wait_until
from rich.style import Style
from textual import events

from tui_reader.search import SearchIndex
from tui_reader.widgets import PaperList, SearchBox


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
    """ "/ video Esc / RLHF" searches "RLHF" (it once searched "/RLHF": 0 results). "/" always means search."""
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


async def test_escape_in_the_box_goes_to_the_list_keeping_the_query_and_escape_there_clears_it(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "diffusion")
        await pilot.press("escape")
        await settle(reader_app, pilot)
        box = reader_app.query_one(SearchBox)
        assert box.value == "diffusion" and reader_app.query_one(PaperList).has_focus
        assert len(shown_titles(reader_app)) == 9  # the 8 saying "diffusion" and one saying "diffuse" (a stem)
        await pilot.press("s")  # a list key now, not a letter of the query: stars the top match
        await settle(reader_app, pilot)
        assert box.value == "diffusion" and len(reader_app.reader.store.all()) == 1
        await pilot.press("escape")  # in the list: clears the query
        await settle(reader_app, pilot)
        assert box.value == "" and len(shown_titles(reader_app)) == 211


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


async def test_a_new_query_puts_the_cursor_on_its_best_match_even_when_the_old_paper_is_still_shown(reader_app):
    """ "/diffusion", Enter, j j, then "/model" Enter Enter opens the best match for "model", not the paper the
    cursor was on (which "model" still shows, lower down)."""
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        diffusion = list(app.reader.index.search("diffusion").indices)
        model = list(app.reader.index.search("model").indices)
        before = diffusion[2]
        assert before in model and model.index(before) == 11  # still shown under "model", on row 11
        await type_query(app, pilot, "diffusion")
        await pilot.press("enter", "j", "j")
        plist = app.query_one(PaperList)
        assert plist.paper_index == before
        await pilot.press("slash", *"model")  # "/" selects the query: typing replaces it
        await settle(app, pilot)
        assert list(plist.rows) == model and plist.cursor == 0 and plist.paper_index == model[0]
        await pilot.press("enter", "enter")  # to the list, open the paper under the cursor
        await settle(app, pilot)
        assert detail_content(app).plain.startswith(app.reader.papers[model[0]].title)
        assert set(app.reader.store.all()) == {app.reader.papers[model[0]].id}  # the one opened is marked read


async def test_the_same_query_searched_again_keeps_the_cursor_on_its_paper(reader_app):
    """An index built again (new papers fetched) answers the query shown: the cursor does not jump."""
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "model")
        await pilot.press("enter", *"jjj")
        plist = app.query_one(PaperList)
        paper = plist.paper_index
        assert plist.cursor == 3
        app.reader_screen.search.build_index()
        await settle(app, pilot)
        assert plist.paper_index == paper and plist.cursor == 3


async def test_matches_are_highlighted_in_title_spans(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "diffusion")
        result = reader_app.reader.result
        first = result.indices[0]
        title_spans, _ = result.spans(first)
        title = reader_app.reader.papers[first].title
        assert any(title[s:e].lower().startswith("diffusion") for s, e in title_spans)


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


def style_of(span) -> Style:
    return span.style if isinstance(span.style, Style) else Style.parse(span.style)


def reversed_spans(text) -> set[tuple[int, int]]:
    """[start, end) ranges of ``text`` shown in reverse video: the highlighted matches."""
    return {(s.start, s.end) for s in text.spans if style_of(s).reverse}


async def test_a_search_result_that_arrives_after_a_newer_one_is_dropped(reader_app, monkeypatch):
    """Type "diffusion" (slow to search), Esc, type "reinforcement": the diffusion result finishing last must
    not replace the reinforcement list."""
    real_search = SearchIndex.search
    started, release, returned = threading.Event(), threading.Event(), threading.Event()

    def search(self, query, marks=None):
        if query != "diffusion":
            return real_search(self, query, marks)
        started.set()
        release.wait(timeout=10)
        try:
            return real_search(self, query, marks)
        finally:
            returned.set()

    monkeypatch.setattr(SearchIndex, "search", search)
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        try:
            await settle(app, pilot)
            plist = app.query_one(PaperList)
            await pilot.press("slash", *"diffusion")
            await wait_until(pilot, started.is_set, "the diffusion search to start")
            await pilot.press("slash", *"reinforcement")  # "/" in the box: typing replaces the query
            wanted = list(real_search(app.reader.index, "reinforcement").indices)
            diffusion = list(real_search(app.reader.index, "diffusion").indices)
            assert wanted != diffusion
            await wait_until(pilot, lambda: list(plist.rows) == wanted, "the reinforcement results")
        finally:
            release.set()
        await wait_until(pilot, returned.is_set, "the diffusion search to finish")
        for _ in range(5):  # its result reaches the app as a callback from the worker thread
            await pilot.pause()
        await settle(app, pilot)
        assert app.query_one(SearchBox).value == "reinforcement"
        assert list(plist.rows) == wanted
        assert status(app).startswith(f"{len(wanted)} / 211 shown")


async def test_detail_highlights_the_query_matches_in_title_and_abstract_and_nothing_without_a_query(reader_app):
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert reversed_spans(detail_content(app)) == set()

        await type_query(app, pilot, "diffusion")
        await pilot.press("enter")  # to the list: the top result is under the cursor
        paper = app.reader_screen.current
        text = detail_content(app)
        start = text.plain.rindex(paper.abstract)  # the abstract ends the detail
        expected_title = {m.span() for m in re.finditer(r"\bdiffusion\b", paper.title, re.I)}
        expected_abstract = {
            (s + start, e + start) for s, e in (m.span() for m in re.finditer(r"\bdiffusion\b", paper.abstract, re.I))
        }
        assert expected_title and expected_abstract  # the top result has the word in both
        assert text.plain.startswith(paper.title)
        assert reversed_spans(text) == expected_title | expected_abstract
        for span in text.spans:
            if style_of(span).reverse:
                assert style_of(span).bold
                assert text.plain[span.start : span.end].lower() == "diffusion"

        await pilot.press("escape")  # in the list: clears the query
        await settle(app, pilot)
        assert app.query_one(SearchBox).value == ""
        text = detail_content(app)
        assert text.plain.startswith(paper.title)  # the same paper, now with nothing highlighted
        assert reversed_spans(text) == set()


async def test_escape_in_the_list_clears_the_query_and_a_second_does_nothing(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "diffusion")
        await pilot.press("enter")  # to the list
        await settle(reader_app, pilot)
        assert len(shown_titles(reader_app)) == 9  # the 8 saying "diffusion" and one saying "diffuse" (a stem)
        await pilot.press("escape")
        await settle(reader_app, pilot)
        assert reader_app.query_one(SearchBox).value == ""
        assert len(shown_titles(reader_app)) == 211
        assert reader_app.query_one(PaperList).has_focus
        await pilot.press("escape")  # nothing to clear: nothing happens
        await settle(reader_app, pilot)
        assert reader_app.query_one(PaperList).has_focus and reader_app.is_running
        assert status(reader_app).startswith("211 / 211 shown")


async def test_a_query_typed_while_the_index_is_built_filters_at_once_and_says_indexing(reader_app, monkeypatch):
    """Never every paper under a query: a scan answers it ("indexing…" in the status line) until the index does,
    and the index's answer comes with the cursor on its top row."""
    real_init = SearchIndex.__init__
    release = threading.Event()

    def slow_init(self, papers, parts=None):
        release.wait(timeout=10)
        real_init(self, papers, parts)

    monkeypatch.setattr(SearchIndex, "__init__", slow_init)
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.press("slash", *"diffusion")
            plist = app.query_one(PaperList)
            papers = app.reader.papers
            with_word = {
                i for i, p in enumerate(papers) if "diffusion" in f"{p.title} {p.abstract} {p.authors}".lower()
            }
            assert 0 < len(with_word) < 211
            await wait_until(pilot, lambda: set(plist.rows) == with_word, "the papers saying 'diffusion'")
            assert "indexing…" in status(app) and status(app).startswith(f"{len(with_word)} / 211 shown")
            assert plist.cursor == 0 and "diffusion" in papers[plist.paper_index].title.lower()  # title first
        finally:
            release.set()
        await settle(app, pilot)
        ranked = list(app.reader.index.search("diffusion").indices)
        assert list(plist.rows) == ranked and plist.paper_index == ranked[0]
        assert "indexing" not in status(app)
