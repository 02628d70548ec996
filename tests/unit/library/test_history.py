"""The undo history: each change (or batch) is one step, steps survive a restart and say what they did, a new
change drops what could be redone, and only the newest steps are kept."""

from __future__ import annotations

import pytest

from tui_reader.library import Change, MarkStore
from tui_reader.library.history import HISTORY_KEEP
from tui_reader.state import ReaderState


def test_change_tags_adds_and_removes_in_one_step(data_dir):
    with MarkStore.open(data_dir) as store:
        store.change_tags("p", add=["RL", "vision"])
        mark = store.change_tags("p", add=["rl", "new"], remove=["VISION"])
        assert mark.tags == ("new", "RL")
        assert store.all_tags() == ["new", "RL"]
        with pytest.raises(ValueError):
            store.change_tags("p", add=["ok", "not ok"])
        assert store.get("p").tags == ("new", "RL")  # nothing half-applied


def test_undo_and_redo_survive_a_restart_and_say_what_they_did(data_dir):
    with MarkStore.open(data_dir) as store:
        store.apply([Change(f"p{i}", "read", True, 1000.0, batch=7) for i in range(412)])
        store.set_starred("p1", True)
        store.set_note("p2", "a thought")
    with MarkStore.open(data_dir) as store:
        undone = store.undo()
        assert undone is not None and undone.message(lambda pid: f"Title of {pid}") == "undone: note on Title of p2"
        assert store.get("p2").note is None
    with MarkStore.open(data_dir) as store:
        assert store.undo().message() == "undone: unstarred 1 paper".replace("unstarred", "starred")
        assert not store.get("p1").starred
        assert store.undo().message() == "undone: marked 412 papers read"
        assert store.read_ids() == set()
        assert store.undo() is None
        assert store.redo().message() == "redone: marked 412 papers read"
        assert len(store.read_ids()) == 412
    with MarkStore.open(data_dir) as store:
        assert store.redo().message() == "redone: starred 1 paper"
        store.change_tags("p3", add=["x"])  # a new change drops what could still be redone (the note)
        assert store.redo() is None
        assert store.get("p2").note is None


def test_an_undo_after_a_clock_ahead_is_still_the_newest_change(data_dir):
    """Papers marked by a machine whose clock ran a year ahead (a backup imported here), then unmarked here
    all at once: undoing that must still be newer than the unmark, else the backup's next import or another
    device's older change would win over it."""
    future = 4_000_000_000.0  # 2096: ahead of this clock
    backup = [{"id": f"p{i}", "read": True, "starred": False, "read_at": future, "starred_at": None} for i in range(3)]
    with MarkStore.open(data_dir) as store:
        store.import_(backup)
        store.apply([Change(f"p{i}", "read", False, 1000.0, batch=3) for i in range(3)])
        unread_at = [store.get(f"p{i}").read_at for i in range(3)]
        assert min(unread_at) > future
        assert store.undo().message() == "undone: marked 3 papers unread"
        assert [store.get(f"p{i}").read for i in range(3)] == [True, True, True]
        assert all(store.get(f"p{i}").read_at > unread_at[i] for i in range(3))


def test_an_undo_never_takes_a_time_past_the_last_one_other_devices_read(data_dir):
    """Papers marked by another device with the latest time a sync log may hold, unmarked here in a bulk step
    and undone: the undo meets that time, never passes it, so every other device takes it."""
    from tui_reader.library.outbox import Remote
    from tui_reader.library.rules import LATEST_TIME

    with MarkStore.open(data_dir) as store:
        store.merge(
            [Remote(Change(f"p{i}", "read", True, float(LATEST_TIME)), "bbbbbbbb") for i in range(2)], "aaaaaaaa"
        )
        store.apply([Change(f"p{i}", "read", False, 1000.0, batch=5) for i in range(2)])
        assert store.undo().message() == "undone: marked 2 papers unread"
        assert [(store.get(f"p{i}").read, store.get(f"p{i}").read_at) for i in range(2)] == [(True, LATEST_TIME)] * 2


def test_at_least_a_hundred_steps_survive_a_restart(data_dir):
    with MarkStore.open(data_dir) as store:
        for i in range(130):
            store.toggle_read(f"p{i}")
    with MarkStore.open(data_dir) as store:
        for _ in range(100):
            assert store.undo() is not None
        assert store.read_ids() == {f"p{i}" for i in range(30)}


def test_the_oldest_steps_are_dropped_beyond_the_history_kept(data_dir):
    with MarkStore.open(data_dir) as store:
        for i in range(HISTORY_KEEP + 5):
            store.toggle_read(f"p{i}")
        assert len(store.history()) == HISTORY_KEEP


def test_the_reader_shows_an_undo_with_titles(seeds_corpus, data_dir):
    papers = seeds_corpus.papers[:3]
    with MarkStore.open(data_dir) as store:
        reader = ReaderState(papers, store)
        changes = reader.changes_for([p.id for p in papers], "read", True)
        assert len(changes) == 3 and len({c.batch for c in changes}) == 1
        for change in changes:
            reader.change(change)
        store.apply(changes)
        reader.saved(changes)
        store.set_note(papers[0].id, "mine")
        reader.reload_marks()
        assert reader.mark(papers[0].id).note == "mine"
        assert reader.undone(store.undo()) == f"undone: note on {papers[0].title}"
        assert reader.mark(papers[0].id).note is None
        assert reader.undone(store.undo()) == "undone: marked 3 papers unread".replace("unread", "read")
        assert reader.read_count == 0
