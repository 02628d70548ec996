"""The reader's state without a screen: counts, views, marks shown before they are saved, the status line."""

from __future__ import annotations

import pytest

from tui_reader.library import Change, MarkStore
from tui_reader.paper import Paper
from tui_reader.sorting import Sort
from tui_reader.state import LOCK_NOTICE_SECONDS, ReaderState
from tui_reader.views import View

PAPERS = [Paper(id=f"p{i}", title=f"Paper {i}", abstract="") for i in range(4)]


@pytest.fixture
def reader(data_dir):
    with MarkStore.open(data_dir) as store:
        store.set_read("p0", True)
        store.set_starred("p1", True)
        store.set_starred("gone", True)  # a paper no longer in the corpus: kept, not counted
    with MarkStore.open(data_dir, writable=False) as store:
        yield ReaderState(PAPERS, store)


def test_counts_are_of_the_papers_in_the_corpus(reader):
    assert (reader.read_count, reader.star_count) == (1, 1)
    assert reader.status("", False).startswith("4 / 4 shown · 3 unread · 1 starred · view: all")


def test_a_change_shows_at_once_and_stays_through_a_reload_until_saved(reader):
    change = Change("p2", "starred", True, 1.0)
    reader.change(change)
    assert reader.mark("p2").starred and reader.star_count == 2
    reader.set_marks(frozenset({"p0"}), frozenset({"p1"}))  # the file as another program left it: not yet ours
    assert reader.mark("p2").starred and reader.star_count == 2
    reader.saved([change])
    reader.set_marks(frozenset({"p0"}), frozenset({"p1"}))
    assert not reader.mark("p2").starred and reader.star_count == 1


def test_unsetting_a_mark_counts_down(reader):
    reader.change(Change("p0", "read", False, 1.0))
    assert not reader.mark("p0").read and reader.read_count == 0


def test_the_status_mentions_a_lock_only_while_changes_wait_past_the_notice(reader):
    reader.change(Change("p3", "read", True, 1.0))
    reader.locked_for = LOCK_NOTICE_SECONDS / 2
    assert "waiting" not in reader.status("", False)
    reader.locked_for = LOCK_NOTICE_SECONDS
    assert reader.status("", False).endswith("1 mark waiting: file locked by another program")
    reader.saved(list(reader.unsaved))
    assert "waiting" not in reader.status("", False) and reader.locked_for == 0


def test_the_status_says_when_marks_cannot_be_saved(reader):
    reader.saving_off = True
    assert reader.status("", False).endswith("marks NOT saved (read-only)")


def test_views_cycle_and_put_their_filter_before_the_query(reader):
    cycle = [View.ALL.next(), View.UNREAD.next(), View.STARRED.next(), View.NEW.next(), View.WATCHED.next()]
    assert cycle == [View.UNREAD, View.STARRED, View.NEW, View.WATCHED, View.ALL]
    reader.query = "diff"
    assert reader.full_query == "diff"
    reader.view = View.UNREAD
    assert reader.full_query == "is:unread diff"  # the word being typed stays last: a prefix


def test_status_shows_loading_before_indexing(reader):
    assert reader.status("loading 1/5 files…", True).endswith("view: all · sort: as listed · loading 1/5 files…")
    assert reader.status("", True).endswith("view: all · sort: as listed · indexing…")


def test_saved_views_join_the_cycle_with_their_query_and_sort(reader):
    from tui_reader.sorting import Sort
    from tui_reader.views import SavedView

    saved = [SavedView("rl", "tag:rl", "newest"), SavedView("Diffusion", "diffusion")]
    reader.query = "survey"
    seen = []
    for _ in range(8):
        reader.next_view(saved)
        seen.append((reader.view_name, reader.full_query))
    assert seen == [
        ("unread", "is:unread survey"),
        ("starred", "is:starred survey"),
        ("new", "is:new survey"),
        ("watched", "is:watched survey"),
        ("rl", "tag:rl survey"),  # the view's query, then what the user types on top
        ("Diffusion", "diffusion survey"),
        ("all", "survey"),
        ("unread", "is:unread survey"),
    ]
    assert reader.sort is Sort.NEWEST  # brought by the view "rl"
    reader.show_view(saved[1])
    reader.next_view(saved[:1])  # the view shown was deleted meanwhile: back to all
    assert reader.view_name == "all" and "view: all" in reader.status("", False)


def test_without_a_watch_list_the_cycle_passes_the_watched_view_by(reader):
    from tui_reader.views import SavedView, View

    seen = []
    for _ in range(5):
        reader.next_view([SavedView("rl", "tag:rl")], watching=False)
        seen.append(reader.view_name)
    assert seen == ["unread", "starred", "new", "rl", "all"]
    reader.view = View.WATCHED  # started in it (view = "watched" in config.toml): on to the saved views
    reader.next_view([SavedView("rl", "tag:rl")], watching=False)
    assert reader.view_name == "rl"


def test_a_bulk_change_shows_at_once_and_counts(reader):
    changes = reader.changes_for(["p0", "p1", "p2", "p3", "gone"], "read", True)
    assert [change.paper_id for change in changes] == ["p1", "p2", "p3", "gone"]  # p0 is read already
    assert len({change.batch for change in changes}) == 1 and changes[0].batch != 0
    reader.change_all([*changes, Change("p1", "note", "bulk", 1.0)])
    assert reader.read_count == 4 and reader.mark("gone").read and reader.mark("p1").note == "bulk"
    assert len(reader.unsaved) == 5


def test_an_undo_counts_only_the_papers_in_the_corpus(reader):
    from tui_reader.library import Mark
    from tui_reader.library.history import HistoryEntry, Undone

    # the step starred p2 and unstarred "gone" (a paper not in the corpus, starred by the fixture)
    entry = HistoryEntry((("gone", "starred", True, False), ("p2", "starred", False, True)))
    redone = {"starred": {"gone": False, "p2": True}}
    assert reader.undone(Undone(entry, True, redone)) == "redone: 2 changes on 2 papers"
    assert (reader.read_count, reader.star_count) == (1, 2)  # p0 read; p1 and p2 starred; "gone" not counted
    assert not reader.mark("gone").starred and reader.mark("p0") == Mark(read=True)
    undone = {"starred": {"gone": True, "p2": False}}
    assert reader.undone(Undone(entry, False, undone)) == "undone: 2 changes on 2 papers"
    assert (reader.read_count, reader.star_count) == (1, 1) and reader.mark("gone").starred


def test_an_undone_note_and_tags_show_and_go(reader):
    from tui_reader.library.history import HistoryEntry, Undone

    entry = HistoryEntry((("p1", "note", None, "kept"), ("p2", "tags", (), ("rl", "nlp"))))
    reader.undone(Undone(entry, True, {"note": {"p1": "kept"}, "tags": {"p2": ("rl", "nlp")}}))
    assert reader.mark("p1").note == "kept" and reader.mark("p2").tags == ("rl", "nlp")
    assert reader.mark("p1").starred  # the fields the step did not touch stay
    reader.undone(Undone(entry, False, {"note": {"p1": None}, "tags": {"p2": ()}}))
    assert reader.mark("p1").note is None and reader.mark("p2").tags == ()
    assert "p1" not in reader.notes and "p2" not in reader.tags


def test_a_tag_and_a_note_on_many_papers_show_on_each(reader):
    reader.change_all([Change(pid, "tag", "+rl", 1.0, 9) for pid in ("p0", "p1", "gone")])
    reader.change_all([Change("p1", "tag", "-rl", 2.0), Change("p2", "note", "read me", 2.0)])
    assert [reader.mark(pid).tags for pid in ("p0", "p1", "p2", "gone")] == [("rl",), (), (), ("rl",)]
    assert reader.notes == {"p2": "read me"} and reader.all_tags() == ["rl"]


def test_undoing_a_step_of_100k_papers_shows_every_mark_back(data_dir):
    papers = [Paper(id=f"id{i}", title=f"Paper {i}", abstract="") for i in range(100_000)]
    with MarkStore.open(data_dir) as store:
        store.set_note("id7", "mine")
        store.set_read("away", True)  # not in the corpus: kept, never counted
        reader = ReaderState(papers, store)
        changes = reader.changes_for([*(paper.id for paper in papers), "away"], "read", True)
        reader.change_all(changes)
        store.apply(changes)
        reader.saved(changes)
        assert reader.read_count == 100_000
        undone = store.undo()
        assert undone is not None
        assert reader.undone(undone) == "undone: marked 100,000 papers read"
        assert reader.read_count == 0 and reader.read == {"away"} and reader.notes == {"id7": "mine"}
        assert reader.status("", False).startswith("100,000 / 100,000 shown · 100,000 unread")
        redone = store.redo()
        assert redone is not None and reader.undone(redone) == "redone: marked 100,000 papers read"
        assert reader.read_count == 100_000 and "id99999" in reader.read and "away" in reader.read


def test_a_narrow_status_line_drops_the_counts_before_what_is_happening(reader):
    reader.locked_for = LOCK_NOTICE_SECONDS
    reader.change(Change("p3", "read", True, 1.0))
    full = (
        "4 / 4 shown · 2 unread · 1 starred · view: all · sort: as listed"
        " · loading 1/5 files… · 1 mark waiting: file locked by another program"
    )
    assert reader.status("loading 1/5 files…", False) == full
    assert reader.status("loading 1/5 files…", False, width=len(full)) == full
    assert reader.status("loading 1/5 files…", False, width=len(full) - 1) == (
        "4 / 4 shown · 2 unread · 1 starred · view: all · loading 1/5 files… · 1 mark waiting: file locked by"
        " another program"
    )
    assert reader.status("loading 1/5 files…", False, width=60) == (
        "4 / 4 shown · loading 1/5 files… · 1 mark waiting: file locked by another program"
    )


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (None, "4 / 4 shown · 3 unread · 1 starred · view: all · sort: as listed"),
        (120, "4 / 4 shown · 3 unread · 1 starred · view: all · sort: as listed"),
        (80, "4 / 4 shown · 3 unread · 1 starred · view: all · sort: as listed"),
        (64, "4 / 4 shown · 3 unread · 1 starred · view: all · sort: as listed"),
        (60, "4 / 4 shown · 3 unread · 1 starred · view: all"),
        (45, "4 / 4 shown · 3 unread · 1 starred"),
        (30, "4 / 4 shown · 3 unread"),
        (20, "4 / 4 shown"),
    ],
)
def test_the_status_line_drops_the_sort_then_the_view_then_starred_and_the_unread_count_last(reader, width, expected):
    assert reader.status("", False, width) == expected


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (
            None,
            "37 / 1,200 shown · 1,000 unread · 12 starred · view: all · sort: relevance"
            " · no paper matches all terms; showing partial matches",
        ),
        (
            120,
            "37 / 1,200 shown · 1,000 unread · 12 starred · view: all"
            " · no paper matches all terms; showing partial matches",
        ),
        (100, "37 / 1,200 shown · 1,000 unread · 12 starred · no paper matches all terms; showing partial matches"),
        (90, "37 / 1,200 shown · 1,000 unread · no paper matches all terms; showing partial matches"),
        (80, "37 / 1,200 shown · no paper matches all terms; showing partial matches"),
        (60, "37 / 1,200 shown · no paper matches all terms; showing partial matches"),
    ],
)
def test_with_partial_matches_the_unread_count_outlasts_the_sort_view_and_starred(data_dir, width, expected):
    from tui_reader.search.results import SearchResult

    papers = [Paper(id=f"q{i}", title=f"Paper {i}", abstract="") for i in range(1200)]
    with MarkStore.open(data_dir, writable=False) as store:
        reader = ReaderState(papers, store)
    reader.set_marks(frozenset(f"q{i}" for i in range(200)), frozenset(f"q{i}" for i in range(12)))
    reader.result = SearchResult("diffusion zebra", list(range(37)), papers)
    reader.result.partial = True
    assert reader.status("", False, width) == expected


# ---------------------------------------------------------------------------------------------------------
# The decisions: which search runs, which answer is kept, where the cursor starts, what an empty list says


class FakeIndex:
    """A search index answering every query with the papers whose title holds it, and "more like this" with
    every other paper, backwards."""

    def __init__(self, papers):
        self.papers = list(papers)
        self.searched: list[str] = []

    def search(self, query, marks):
        from types import SimpleNamespace

        self.searched.append(query)
        words = query.split()
        rows = [i for i, p in enumerate(self.papers) if all(w in p.title.lower() for w in words if ":" not in w)]
        parsed = SimpleNamespace(terms=words)
        return SimpleNamespace(query=query, indices=rows, parsed=parsed, error=None, partial=False)

    def similar(self, position):
        from types import SimpleNamespace

        rows = [i for i in reversed(range(len(self.papers))) if i != position]
        return SimpleNamespace(query="", indices=rows, parsed=SimpleNamespace(terms=[]))


def test_no_query_in_relevance_order_needs_no_search_and_shows_every_paper(reader):
    reader.result, reader.order = object(), [1]  # what an earlier search left
    assert reader.set_query("") is None
    assert reader.result is None and reader.order is None and list(reader.rows) == [0, 1, 2, 3]


def test_a_query_typed_before_the_index_is_scanned_then_the_index_answers_it_at_the_top(reader):
    job = reader.set_query("paper 2")
    assert job is not None and job.search_index is None
    assert reader.accept(job, *reader.answer(job))
    assert list(reader.rows) == [2], "never every paper under a query"
    assert reader.to_top and reader.indexing and "indexing…" in reader.status("", reader.indexing)
    index = FakeIndex(PAPERS)
    job = reader.index_ready(index)
    assert job is not None and job.query == "paper 2" and job.generation == reader.generation
    assert reader.indexing, "preliminary until the index answers"
    result, order = reader.answer(job)
    assert order is None and reader.accept(job, result, order)
    assert list(reader.rows) == [2] and index.searched == ["paper 2"]
    assert reader.to_top, "the index's answer replaces the scan's with the cursor on its top row"
    assert not reader.indexing and "indexing" not in reader.status("", reader.indexing)


def test_the_cursor_goes_to_the_top_for_a_new_query_and_stays_for_the_same_one(reader):
    reader.index = FakeIndex(PAPERS)

    def shown(job) -> bool:
        assert job is not None and reader.accept(job, *reader.answer(job))
        return reader.to_top

    assert shown(reader.set_query("pap")) is True  # typing: each new query's best match
    assert shown(reader.set_query("paper")) is True
    assert shown(reader.search()) is False  # the same query again (marks, new papers): the cursor stays
    assert shown(reader.index_ready(FakeIndex(PAPERS))) is False  # the index built again (new papers)
    assert shown(reader.cycle_sort()) is False  # the result put in another order
    assert shown(reader.set_query("paper 1")) is True  # a new query in a non-relevance order too
    reader.sort = Sort.RELEVANCE
    assert reader.set_query("") is None and reader.to_top is False  # every paper again: the cursor stays
    assert shown(reader.set_query("paper 1")) is True  # the same query as before the empty one: new again
    assert shown(reader.enter_like(0)) is False  # "more like this" keeps its own cursor rules


def test_an_answer_to_an_older_query_is_dropped(reader):
    reader.index = FakeIndex(PAPERS)
    older = reader.set_query("paper 1")
    newer = reader.set_query("paper 3")
    assert older is not None and newer is not None and newer.generation > older.generation
    assert not reader.accept(older, *reader.answer(older))
    assert reader.result is None
    assert reader.accept(newer, *reader.answer(newer)) and list(reader.rows) == [3]


def test_the_view_filter_goes_before_the_query_in_the_job(reader):
    reader.index = FakeIndex(PAPERS)
    reader.view = View.UNREAD
    job = reader.set_query("paper")
    assert job is not None and job.query == "is:unread paper" and job.marks is not None


def test_cycling_the_sort_reorders_the_result_shown_without_searching_again(reader):
    from tui_reader.sorting import Sort

    index = reader.index = FakeIndex(PAPERS)
    job = reader.set_query("paper")
    reader.accept(job, *reader.answer(job))
    again = reader.cycle_sort()
    assert reader.sort is Sort.RELEVANCE.next() and again is not None and again.result is reader.result
    _, order = reader.answer(again)
    assert order is not None and sorted(order) == [0, 1, 2, 3] and index.searched == ["paper"]  # not searched again


def test_cycling_the_sort_while_a_search_is_on_its_way_runs_it_again(reader):
    reader.index = FakeIndex(PAPERS)
    first = reader.set_query("paper")  # no answer yet
    again = reader.cycle_sort()
    assert again is not None and again.result is None and again.query == "paper"
    assert again.generation > first.generation


def test_a_sort_with_nothing_to_order_by_says_so_once_per_change_of_sort(reader):
    from tui_reader.sorting import Sort

    said = []
    for _ in range(5):  # newest, oldest, upvotes, title, relevance: the papers have no dates and no upvotes
        job = reader.cycle_sort()
        assert job is not None and reader.accept(job, *reader.answer(job))
        said.append((reader.sort.value, reader.sort_notice(job)))
    assert said == [
        ("newest", "No dates with a year in these papers: sorted newest first, they stay as listed."),
        ("oldest", "No dates with a year in these papers: sorted oldest first, they stay as listed."),
        ("upvotes", "No upvotes in these papers: sorted by upvotes, they stay as listed."),
        ("title", None),
        ("relevance", None),
    ]
    reader.sort = Sort.UPVOTES
    again = reader.search()  # the list refreshed in the same order (marks changed, papers added): not said again
    assert again is not None and reader.accept(again, *reader.answer(again)) and reader.sort_notice(again) is None


def test_a_sort_that_cannot_order_a_ranked_result_says_it_stays_in_relevance_order(reader):
    reader.index = FakeIndex(PAPERS)
    job = reader.set_query("paper")
    reader.accept(job, *reader.answer(job))
    job = reader.cycle_sort()
    assert job is not None and reader.accept(job, *reader.answer(job))
    assert (
        reader.sort_notice(job)
        == "No dates with a year in these papers: sorted newest first, they stay in relevance order."
    )


def test_a_sort_says_nothing_when_one_paper_shown_has_its_key(data_dir):
    papers = [*PAPERS, Paper(id="p4", title="Dated", abstract="", dates=("Mar 11, 2024",), upvotes=0)]
    with MarkStore.open(data_dir, writable=False) as store:
        reader = ReaderState(papers, store)
    for _ in range(3):  # newest, oldest, upvotes: the one dated paper (with 0 upvotes) gives them an order
        job = reader.cycle_sort()
        assert job is not None and reader.accept(job, *reader.answer(job)) and reader.sort_notice(job) is None


def test_the_sort_to_save_is_the_users_not_a_saved_views_own(reader):
    from tui_reader.views import SavedView

    reader.cycle_sort()
    assert reader.sort_to_save == "newest"
    reader.show_view(SavedView("popular", "diffusion", "upvotes"))
    assert reader.sort_to_save is None  # S here orders that view: config.toml keeps the user's sort
    reader.show_view(SavedView("plain", "diffusion"))
    reader.cycle_sort()
    assert reader.sort_to_save == "title"  # a view without a sort of its own: S is the user's choice
    reader.show_view(None)
    assert reader.sort_to_save == "title"


def test_more_like_this_waits_for_the_index_then_lists_the_papers_like_one_and_goes_back(reader):
    assert reader.enter_like(2) is None and reader.like is None  # the index is still being built
    reader.index = FakeIndex(PAPERS)
    job = reader.set_query("paper")
    reader.accept(job, *reader.answer(job))
    shown = reader.result
    like = reader.enter_like(2)
    assert like is not None and like.like == 2 and reader.like is not None and reader.like.title == "Paper 2"
    assert reader.accept(like, *reader.answer(like)) and list(reader.rows) == [3, 1, 0]
    assert "like: Paper 2 (Esc or m: back)" in reader.status("", False)
    left = reader.leave_like()
    assert left is not None and left.position == 2 and reader.result is shown
    back = reader.search()  # searched again (marks may have changed); "more like this" has ended
    assert back is not None and reader.like is None


def test_the_status_line_fits_wide_characters_and_shows_no_control_characters(data_dir):
    from rich.cells import cell_len

    papers = [Paper(id="p0", title="拡散モデルによる画像生成の新しい手法について\x1b[31m", abstract=""), *PAPERS[1:]]
    with MarkStore.open(data_dir) as store:
        reader = ReaderState(papers, store)
    reader.index = FakeIndex(papers)
    like = reader.enter_like(0)
    reader.accept(like, *reader.answer(like))
    line = reader.status("", False, 92, cell_len)
    # 22 CJK characters are 44 cells: the line with the unread count is 92 cells, with the starred count 104
    assert line == "3 / 4 shown · 4 unread · like: 拡散モデルによる画像生成の新しい手法について (Esc or m: back)"


def test_new_papers_while_showing_more_like_this_run_it_again(reader):
    index = FakeIndex(PAPERS)
    reader.index = index
    first = reader.enter_like(1)
    job = reader.index_ready(index)  # the index was built again with more papers
    assert job is not None and job.like == 1 and first is not None and job.generation > first.generation


def test_the_cursor_is_placed_once_and_only_when_the_list_is_in_its_order(reader):
    from tui_reader.sorting import Sort

    reader.sort = Sort.NEWEST
    assert not reader.cursor_start()  # a configured order: placed once the rows come back in it
    reader.order = [3, 2, 1, 0]
    assert reader.cursor_start()
    assert not reader.cursor_start()  # never again: it must not jump under the user


def test_the_cursor_waits_for_the_first_papers(data_dir):
    with MarkStore.open(data_dir) as store:
        empty = ReaderState([], store)
        assert not empty.cursor_start()
        empty.add(PAPERS[:1])
        assert empty.cursor_start()


def test_an_empty_list_says_why(reader):
    from tui_reader.views import SavedView

    assert reader.empty_message(loading=True) == "Loading papers…"
    assert reader.empty_message() == "No papers."
    reader.view = View.UNREAD
    assert reader.empty_message() == "Everything is read. u changes the view."
    reader.view = View.STARRED
    assert reader.empty_message().startswith("No starred papers yet")
    reader.show_view(SavedView("rl", "tag:rl"))
    assert reader.empty_message() == "No paper in this view. u changes the view."
    reader.query = "nothing"
    assert reader.empty_message() == "No paper matches. Esc clears the search."


def test_tag_completion_lists_each_tag_once_sorted_ignoring_case(reader):
    reader.tags = {"p0": ("RL", "new"), "p1": ("rl", "Zoo", "apple")}
    assert reader.all_tags() == ["apple", "new", "RL", "Zoo"]


def test_the_status_counts_the_selection_and_the_selected_papers_not_shown(reader):
    reader.selection.toggle("p1")
    reader.selection.toggle("p3")
    assert reader.status("", False) == ("4 / 4 shown · 3 unread · 1 starred · view: all · sort: as listed · 2 selected")
    reader.order = [0, 1]  # the query now shows p0 and p1 only
    assert reader.status("", False, width=40) == "2 / 4 shown · 2 selected (1 not shown)"
    assert reader.targets("p0") == ["p1", "p3"]
    reader.selection.clear()
    assert reader.targets("p0") == ["p0"] and reader.targets(None) == []


def test_the_status_says_sorting_until_the_rows_come_back_in_the_new_order(reader):
    first = reader.cycle_sort()  # S: newest, worked out in a worker
    assert first is not None and reader.status("", False).endswith("sort: newest · sorting…")
    second = reader.cycle_sort()  # S again before the first answer: oldest
    assert second is not None
    assert not reader.accept(first, *reader.answer(first))  # an answer in the order no longer asked for
    assert reader.status("", False).endswith("sort: oldest · sorting…")
    assert reader.accept(second, *reader.answer(second))
    assert reader.status("", False).endswith("view: all · sort: oldest")


def test_sorting_ends_when_the_list_needs_no_worker_any_more(reader):
    for _ in Sort:  # S until the order is relevance again: that job is on its way
        reader.cycle_sort()
    assert reader.sort is Sort.RELEVANCE and reader.status("", False).endswith("sorting…")
    assert reader.set_query("") is None  # no query in relevance order: every paper as listed, no job
    assert reader.status("", False).endswith("view: all · sort: as listed")
