"""The search box: typing filters live, / from anywhere, Esc clears, the last query wins, matches highlighted,
the selection kept through a filter."""

from __future__ import annotations

import re
import threading

from conftest import SIZE, detail_content, row_in_view, settle, shown_titles, status, type_query, wait_until
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
            await pilot.press("escape", *"reinforcement")
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


async def test_selection_survives_a_query_that_ranks_the_paper_below_the_top(reader_app, papers):
    app = reader_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        ranked = list(app.reader.index.search("diffusion").indices)
        # a paper the query ranks second or lower, on another row than now (the nearest the top of the list)
        target = min(index for rank, index in enumerate(ranked) if rank > 0 and index != rank)
        position = ranked.index(target)
        assert 0 < position != target
        plist = app.query_one(PaperList)
        plist.cursor = target  # as many j presses, without the wait
        await pilot.pause()
        assert plist.paper_index == target and detail_content(app).plain.startswith(papers[target].title)

        await type_query(app, pilot, "diffusion")
        assert list(plist.rows) == ranked
        assert plist.paper_index == target and plist.cursor == position
        assert row_in_view(plist, position)[5:].startswith(papers[target].title[:40])
        assert detail_content(app).plain.startswith(papers[target].title)


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

        await pilot.press("slash", "escape")  # clear the query
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
