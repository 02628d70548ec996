"""Marks, notes, tags, a bulk mark and undo from the reader (controllers/library.py), without a screen: every
change shows at once and goes to the saver."""

from __future__ import annotations

import pytest
from fake_host import FakeHost

from tui_reader.controllers.library import Library, edit_tags
from tui_reader.library import Change, MarkStore
from tui_reader.paper import Paper
from tui_reader.saving import HistoryDone, Saved
from tui_reader.state import ReaderState

PAPERS = [Paper(id=f"p{i}", title=f"Paper {i}", abstract="") for i in range(3)]


class RecordingSaver:
    def __init__(self) -> None:
        self.submitted: list = []
        self.asked: list[str] = []

    def submit_all(self, changes) -> None:
        self.submitted.extend(changes)

    def undo(self) -> None:
        self.asked.append("undo")

    def redo(self) -> None:
        self.asked.append("redo")


@pytest.fixture
def host(data_dir):
    with MarkStore.open(data_dir) as store:
        yield FakeHost(ReaderState(PAPERS, store))


@pytest.fixture
def saver():
    return RecordingSaver()


@pytest.fixture
def library(host, saver):
    return Library(host, lambda: saver)


def test_a_toggle_flips_what_the_screen_shows_and_goes_to_the_saver(host, library, saver):
    library.toggle("p1", "starred")
    assert host.state.mark("p1").starred and saver.submitted[-1].value is True and host.shown == ["marks"]
    library.toggle("p1", "starred")
    assert not host.state.mark("p1").starred
    library.toggle(None, "read")  # no paper under the cursor
    assert len(saver.submitted) == 2


def test_marking_read_a_paper_read_already_changes_nothing(host, library, saver):
    library.mark_read("p0")
    library.mark_read("p0")
    assert len(saver.submitted) == 1 and host.state.mark("p0").read


def test_mark_all_read_asks_how_many_then_is_one_step(host, library, saver):
    library.mark_read("p0")
    changes, question = library.all_read_question()
    assert question == "Mark 2 papers read? y/n"
    library.all_read_answered(changes, False)
    assert not host.state.mark("p1").read
    library.all_read_answered(changes, True)
    assert all(host.state.mark(p.id).read for p in PAPERS) and len({c.batch for c in saver.submitted[1:]}) == 1
    assert host.messages[-1] == "Marked 2 papers read (z undoes it)"
    assert library.all_read_question() is None and host.messages[-1] == "Every paper shown is read already."


def test_notes_are_saved_removed_or_refused_with_the_problem(host, library, saver):
    assert library.save_note("p0", "mine\n") is None and host.state.mark("p0").note == "mine"
    assert host.messages == []  # not said before the saver has committed it
    library.saver_reported(Saved(tuple(saver.submitted), {}))
    assert host.messages == ["Note saved."]
    # saved again unchanged: said again, so it beats an older edit made on another device (a new time, synced)
    assert library.save_note("p0", "mine") is None and [c.value for c in saver.submitted] == ["mine", "mine"]
    assert library.save_note("p0", "") is None and host.state.mark("p0").note is None
    library.saver_reported(Saved(tuple(saver.submitted[1:]), {}))
    assert host.messages[-1] == "Note removed."
    assert library.save_note("p0", "") is None and len(saver.submitted) == 3  # no note saved over none: nothing
    assert library.save_note("p0", "x" * 100_001) == "note too long (100,001 characters; at most 100,000)"


def test_tags_are_added_and_removed_ignoring_case(host, library):
    assert edit_tags(("rl", "Theory"), "video -THEORY") == ("rl", "video")
    assert library.change_tags("p0", "rl theory") is None and host.state.mark("p0").tags == ("rl", "theory")
    assert library.change_tags("p0", "-rl -theory") is None and host.messages[-1] == "No tags now."
    assert library.change_tags("p0", "bad,tag") is not None


def test_undo_and_redo_go_to_the_saver_and_their_result_is_said(host, library, saver):
    library.undo()
    library.redo()
    assert saver.asked == ["undo", "redo"]
    library.history_done(HistoryDone(None, redo=False))
    library.history_done(HistoryDone(None, redo=True))
    assert host.messages == ["Nothing to undo.", "Nothing to redo."]


def test_the_note_in_an_outside_editor_is_saved_when_it_ends_well(host, library, monkeypatch, tmp_path):
    (tmp_path / "my-editor").write_text("#!/bin/sh\n")
    (tmp_path / "my-editor").chmod(0o755)  # looked up on the PATH before anything runs
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("EDITOR", "my-editor --wait")

    def editor(command):
        assert command[:2] == ["my-editor", "--wait"]
        with open(command[-1], "w", encoding="utf-8") as f:
            f.write("written outside\n")
        return 0

    library.edit_note_outside("p0", editor)
    assert host.state.mark("p0").note == "written outside"
    library.edit_note_outside("p0", lambda command: 1)
    assert host.messages[-1] == "The editor 'my-editor --wait' ended with status 1; note not changed."
    library.edit_note_outside("p0", lambda command: None)
    assert host.messages[-1].startswith("This terminal cannot hand over to an editor")


def test_what_the_saver_reports_is_shown(host, library):
    from tui_reader.saving import MarksChanged, Saved, SaverProblem, Waiting

    library.set_mark("p0", "starred", True)
    pending = list(host.state.unsaved)
    library.saver_reported(Waiting(2.0, 1))
    assert "1 mark waiting: file locked by another program" in host.state.status("", False)
    library.saver_reported(Saved(tuple(pending), {}))
    assert host.state.unsaved == [] and host.state.locked_for == 0.0
    library.saver_reported(MarksChanged(frozenset({"p2"}), frozenset(), {"p2": "theirs"}, {}))
    assert (
        host.state.mark("p2").read and host.state.mark("p2").note == "theirs" and host.shown[-2:] == ["marks", "status"]
    )
    library.saver_reported(SaverProblem("marks.db is read-only", read_only=True))
    assert host.warned == ["marks.db is read-only"] and "marks NOT saved (read-only)" in host.state.status("", False)


def test_saving_again_after_a_full_disk_is_shown_and_said(host, library):
    from tui_reader.saving import SaverProblem, SavingAgain

    library.saver_reported(SaverProblem("could not save marks (no space left on device)", read_only=True))
    assert "marks NOT saved" in host.state.status("", False)
    library.saver_reported(SavingAgain())
    assert "marks NOT saved" not in host.state.status("", False) and host.messages[-1] == "Marks are saved again."


def test_with_papers_selected_a_toggle_sets_each_unless_all_have_it_as_one_step(host, library, saver):
    host.state.change(Change("p1", "starred", True, 1.0))
    host.state.selection.toggle("p1")
    host.state.selection.toggle("p2")
    library.toggle("p0", "starred")  # the cursor's paper is not what a selection's toggle acts on
    assert [pid for pid in ("p0", "p1", "p2") if host.state.mark(pid).starred] == ["p1", "p2"]
    added = saver.submitted[-1:]
    assert [(c.paper_id, c.value) for c in added] == [("p2", True)] and added[0].batch != 0
    library.toggle("p0", "starred")  # every selected paper is starred: the toggle unstars them all
    assert [(c.paper_id, c.value) for c in saver.submitted[-2:]] == [("p1", False), ("p2", False)]
    assert len({c.batch for c in saver.submitted[-2:]}) == 1
    assert host.said[-1][0] == "Unstarred 2 selected papers (z undoes it)"


def test_the_tag_prompt_over_the_selection_tags_each_paper_in_one_step_or_changes_nothing(host, library, saver):
    from tui_reader.library.rules import MAX_TAGS

    for pid in ("p0", "p2"):
        host.state.selection.toggle(pid)
    assert library.change_tags_all(["p0", "p2"], "rl -old") is None
    assert [host.state.mark(pid).tags for pid in ("p0", "p1", "p2")] == [("rl",), (), ("rl",)]
    assert len({change.batch for change in saver.submitted}) == 1
    host.state.change(Change("p2", "tags", tuple(f"t{i}" for i in range(MAX_TAGS)), 2.0))
    before = len(saver.submitted)
    assert library.change_tags_all(["p0", "p2"], "more") is not None  # p2 has no room: neither changes
    assert len(saver.submitted) == before and "more" not in host.state.mark("p0").tags


def test_a_with_papers_selected_asks_about_the_selected_papers_only(host, library):
    host.state.selection.toggle("p2")
    changes, question = library.all_read_question()
    assert question == "Mark 1 selected paper read? y/n" and [c.paper_id for c in changes] == ["p2"]


def test_two_readers_adding_different_tags_from_stale_screens_keep_both(data_dir):
    """Two readers open on one machine, both showing p0 without tags: one adds rl, the other (its screen not
    refreshed yet) adds vision. The prompt sends the tags typed, not the list its screen showed, so the file keeps
    both."""
    with MarkStore.open(data_dir) as first, MarkStore.open(data_dir) as second:
        screens = [FakeHost(ReaderState(PAPERS, first)), FakeHost(ReaderState(PAPERS, second))]
        savers = [RecordingSaver(), RecordingSaver()]
        for (host, saver), typed in zip(zip(screens, savers, strict=True), ("rl", "vision"), strict=True):
            assert Library(host, lambda saver=saver: saver).change_tags("p0", typed) is None
        first.apply(savers[0].submitted)
        second.apply(savers[1].submitted)
    with MarkStore.open(data_dir) as store:
        assert store.get("p0").tags == ("rl", "vision")
