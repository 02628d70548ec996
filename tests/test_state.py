"""The reader's state without a screen: counts, views, marks shown before they are saved, the status line."""

from __future__ import annotations

import pytest

from tui_reader.library import Change, MarkStore
from tui_reader.paper import Paper
from tui_reader.state import LOCK_NOTICE_SECONDS, Reader, View

PAPERS = [Paper(id=f"p{i}", title=f"Paper {i}", abstract="") for i in range(4)]


@pytest.fixture
def reader(data_dir):
    with MarkStore.open(data_dir) as store:
        store.set_read("p0", True)
        store.set_starred("p1", True)
        store.set_starred("gone", True)  # a paper no longer in the corpus: kept, not counted
    with MarkStore.open(data_dir, writable=False) as store:
        yield Reader(PAPERS, store)


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
    assert [View.ALL.next(), View.UNREAD.next(), View.STARRED.next()] == [View.UNREAD, View.STARRED, View.ALL]
    reader.query = "diff"
    assert reader.full_query == "diff"
    reader.view = View.UNREAD
    assert reader.full_query == "is:unread diff"  # the word being typed stays last: a prefix


def test_status_shows_loading_before_indexing(reader):
    assert reader.status("loading 1/5 files…", True).endswith("view: all · sort: as listed · loading 1/5 files…")
    assert reader.status("", True).endswith("view: all · sort: as listed · indexing…")


def test_saved_views_join_the_cycle_with_their_query_and_sort(reader):
    from tui_reader.sorting import Sort
    from tui_reader.state import SavedView

    saved = [SavedView("rl", "tag:rl", "newest"), SavedView("Diffusion", "diffusion")]
    reader.query = "survey"
    seen = []
    for _ in range(6):
        reader.next_view(saved)
        seen.append((reader.view_name, reader.full_query))
    assert seen == [
        ("unread", "is:unread survey"),
        ("starred", "is:starred survey"),
        ("rl", "tag:rl survey"),  # the view's query, then what the user types on top
        ("Diffusion", "diffusion survey"),
        ("all", "survey"),
        ("unread", "is:unread survey"),
    ]
    assert reader.sort is Sort.NEWEST  # brought by the view "rl"
    reader.show_view(saved[1])
    reader.next_view(saved[:1])  # the view shown was deleted meanwhile: back to all
    assert reader.view_name == "all" and "view: all" in reader.status("", False)


def test_a_bulk_change_shows_at_once_and_counts(reader):
    changes = reader.changes_for(["p0", "p1", "p2", "p3", "gone"], "read", True)
    assert [change.paper_id for change in changes] == ["p1", "p2", "p3", "gone"]  # p0 is read already
    assert len({change.batch for change in changes}) == 1 and changes[0].batch != 0
    reader.change_all([*changes, Change("p1", "note", "bulk", 1.0)])
    assert reader.read_count == 4 and reader.mark("gone").read and reader.mark("p1").note == "bulk"
    assert len(reader.unsaved) == 5


def test_a_narrow_status_line_drops_the_counts_before_what_is_happening(reader):
    reader.locked_for = LOCK_NOTICE_SECONDS
    reader.change(Change("p3", "read", True, 1.0))
    full = reader.status("loading 1/5 files…", False)
    assert reader.status("loading 1/5 files…", False, width=len(full)) == full
    narrow = reader.status("loading 1/5 files…", False, width=60)
    assert narrow.startswith(f"{len(PAPERS)} / {len(PAPERS)} shown")
    assert narrow.endswith("loading 1/5 files… · 1 mark waiting: file locked by another program")
    assert "unread" not in narrow and "starred" not in narrow and "sort:" not in narrow
    wider = reader.status("loading 1/5 files…", False, width=len(full) - 1)
    assert "unread" not in wider and "starred" in wider and "view: all" in wider and "sort:" in wider
