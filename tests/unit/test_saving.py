"""Marks saved in the background (tui_reader.saving): the screen never waits for the marks file, a lock held by
another program only delays saving, and no change the user made is lost — not at quit, not at kill -9 (that one
with a real process: tests/e2e/test_marks_survive_killed_and_racing_processes.py)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from support.locked_marks import Lock

from tui_reader.app import ReaderApp
from tui_reader.cli import main
from tui_reader.library import UNSAVED_DIR, Change, Journal, MarkStore
from tui_reader.library import sqlite as sqlite_module
from tui_reader.saving import MarkSaver, MarksChanged, Saved, SaverProblem, Waiting

HERE = Path(__file__).resolve().parent
SIZE = (120, 40)


class Reports:
    """What the saver's thread reported, with a way to wait for one kind (no sleeps)."""

    def __init__(self) -> None:
        self.items: list[object] = []
        self._cond = threading.Condition()

    def __call__(self, report: object) -> None:
        with self._cond:
            self.items.append(report)
            self._cond.notify_all()

    def wait_for(self, kind: type, timeout: float = 10.0) -> object:
        with self._cond:
            found = self._cond.wait_for(lambda: any(isinstance(r, kind) for r in self.items), timeout)
            assert found, f"no {kind.__name__} reported; got {self.items}"
            return next(r for r in self.items if isinstance(r, kind))


def journals(data_dir: Path) -> list[Path]:
    folder = data_dir / UNSAVED_DIR
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_locked_file_delays_saving_and_loses_nothing(fresh_store, monkeypatch):
    monkeypatch.setattr(sqlite_module, "BUSY_TIMEOUT_S", 0.05)
    lock = Lock(fresh_store)
    reports = Reports()
    saver = MarkSaver(MarkStore.open(fresh_store, writable=False), reports, poll_seconds=0.05)
    try:
        saver.start()
        saver.submit(Change("p1", "starred", True, time.time()))
        saver.submit(Change("p2", "read", True, time.time()))
        waiting = reports.wait_for(Waiting)
        assert waiting.pending == 2
        assert not any(isinstance(r, Saved) for r in reports.items)
        assert len(journals(fresh_store)) == 1  # on disk before any commit
        lock.release()
        assert saver.flush(timeout=10)
        saved = reports.wait_for(Saved)
        assert {c.paper_id for c in saved.changes} == {"p1", "p2"}
    finally:
        lock.release()
        assert saver.close() == 0
    assert journals(fresh_store) == []  # everything committed: the journal is gone
    with MarkStore.open(fresh_store) as store:
        assert store.get("p1").starred and store.get("p2").read and store.get("old").read


def test_quitting_while_locked_keeps_the_changes_for_the_next_start(fresh_store, monkeypatch):
    monkeypatch.setattr(sqlite_module, "BUSY_TIMEOUT_S", 0.05)
    with MarkStore.open(fresh_store) as writer:
        saver = MarkSaver(writer, Reports(), poll_seconds=0.05)
        saver.start()
        lock = Lock(fresh_store)
        try:
            saver.submit(Change("late", "starred", True, time.time()))
            assert saver.close(timeout=0.3) == 1
        finally:
            lock.release()
    assert len(journals(fresh_store)) == 1
    with MarkStore.open(fresh_store, writable=False) as store:  # `list` shows them already, changing nothing
        assert "late" in store.starred_ids()
    assert len(journals(fresh_store)) == 1
    with MarkStore.open(fresh_store) as store:  # the next start replays the journal
        assert store.get("late").starred
    assert journals(fresh_store) == []


def test_a_journal_replays_only_changes_still_newer_than_the_file(fresh_store):
    with MarkStore.open(fresh_store) as store:
        store.set_starred("x", True)
        starred_at = store.get("x").starred_at
        journal = Journal.create(fresh_store)
        journal.append(
            [
                Change("x", "starred", False, starred_at - 10),  # older than what the file holds: loses
                Change("y", "read", True, starred_at + 1),
            ]
        )
        os.write(journal._fd, b'{"id": "z", "field": "read", "val')  # a line cut short by a crash
        journal.close()
    with MarkStore.open(fresh_store) as store:
        assert store.get("x").starred and store.get("y").read and not store.get("z").read
    assert journals(fresh_store) == []


def test_a_running_readers_journal_is_left_alone(fresh_store):
    saver = MarkSaver(MarkStore.open(fresh_store), Reports(), poll_seconds=0.05)
    saver.start()
    try:
        saver.submit(Change("mine", "read", True, time.time()))
        assert saver.flush()
        with MarkStore.open(fresh_store):  # a second reader starts: the first one's journal is not an orphan
            assert len(journals(fresh_store)) == 1
    finally:
        saver.close()


def test_the_saver_reports_marks_changed_elsewhere(fresh_store):
    reports = Reports()
    saver = MarkSaver(MarkStore.open(fresh_store), reports, poll_seconds=30)
    saver.start()
    try:
        with MarkStore.open(fresh_store) as other:
            other.set_starred("theirs", True)
        saver.flush()  # one round now, rather than within poll_seconds
        changed = reports.wait_for(MarksChanged)
        assert "theirs" in changed.starred and "old" in changed.read
    finally:
        saver.close()


def test_a_data_dir_that_cannot_be_written_keeps_marks_in_memory_and_says_so(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    reports = Reports()
    saver = MarkSaver(MarkStore.open(blocker / "data", writable=False), reports, poll_seconds=0.05)
    saver.start()
    try:
        saver.submit(Change("p", "read", True, time.time()))
        assert saver.flush()
        problem = reports.wait_for(SaverProblem)
        assert problem.read_only and "not be saved" in problem.message
        assert reports.wait_for(Saved).marks["p"].read
    finally:
        saver.close()


# --- the reader ----------------------------------------------------------------------------------------------


async def test_the_reader_answers_keys_while_another_program_holds_the_lock(seeds_corpus, fresh_store, monkeypatch):
    monkeypatch.setattr(sqlite_module, "BUSY_TIMEOUT_S", 0.05)
    monkeypatch.setattr("tui_reader.state.LOCK_NOTICE_SECONDS", 0.0)
    papers = seeds_corpus.papers
    lock = Lock(fresh_store)
    app = ReaderApp(papers, MarkStore.open(fresh_store, writable=False))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s", "j", "s", "j")  # two stars while the file is locked
            await pilot.pause()
            assert app.reader.mark(papers[0].id).starred and app.reader.mark(papers[1].id).starred
            assert app.query_one("PaperList").cursor == 2  # the keys were answered
            for _ in range(200):  # the saver's tries report the lock; bounded
                if "locked by another program" in str(app.query_one("#status").render()):
                    break
                await pilot.pause(0.01)
            assert "2 marks waiting: file locked by another program" in str(app.query_one("#status").render())
            lock.release()
            await app.marks_saved()
            await pilot.pause()
            assert "locked" not in str(app.query_one("#status").render())
            with MarkStore.open(fresh_store, writable=False) as store:
                assert store.starred_ids() == {papers[0].id, papers[1].id}
    finally:
        lock.release()


@pytest.mark.parametrize(
    "argv", [["list", "--read", "--format", "json"], ["marks", "export"]], ids=["list", "marks export"]
)
def test_commands_that_only_read_do_not_wait_for_a_lock(fresh_store, capsys, monkeypatch, argv):
    def never(*args: object) -> None:
        pytest.fail(f"{argv[0]} asked for the write lock")

    monkeypatch.setattr(sqlite_module, "retrying", never)  # every wait for the lock goes through it
    lock = Lock(fresh_store)
    try:
        assert main([*argv, "--data-dir", str(fresh_store)]) == 0
    finally:
        lock.release()
    out, err = capsys.readouterr()
    assert err == ""
    if argv[0] == "marks":
        assert '"id": "old"' in out  # the export holds the mark made before the lock


def test_mark_waits_for_a_short_lock_then_saves(seeds_corpus, fresh_store, capsys, monkeypatch):
    monkeypatch.setattr(sqlite_module, "BUSY_TIMEOUT_S", 0.05)
    paper = seeds_corpus.papers[0]
    lock = Lock(fresh_store)
    released = threading.Timer(0.3, lock.release)
    released.start()
    try:
        assert main(["mark", paper.id, "--star", "--data-dir", str(fresh_store)]) == 0
    finally:
        released.join()
    with MarkStore.open(fresh_store) as store:
        assert store.get(paper.id).starred


def test_mark_gives_up_on_a_long_lock_with_one_line_and_saves_nothing(seeds_corpus, fresh_store, capsys, monkeypatch):
    monkeypatch.setattr(sqlite_module, "BUSY_TIMEOUT_S", 0.02)
    monkeypatch.setattr("tui_reader.cli.common.WRITE_PATIENCE_S", 0.2)
    paper = seeds_corpus.papers[0]
    lock = Lock(fresh_store)
    try:
        assert main(["mark", paper.id, "--star", "--data-dir", str(fresh_store)]) == 1
    finally:
        lock.release()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "locked by another program" in err and "nothing saved" in err
    with MarkStore.open(fresh_store) as store:
        assert not store.get(paper.id).starred


def test_submit_all_saves_every_change_as_one_undo_step(data_dir):
    from tui_reader.library import Change, MarkStore
    from tui_reader.saving import HistoryDone, MarkSaver

    reports: list[object] = []
    saver = MarkSaver(MarkStore.open(data_dir), reports.append)
    saver.start()
    saver.submit_all([Change(f"p{i}", "read", True, 1.0, 77) for i in range(3)])
    assert saver.flush()
    saver.undo()
    assert saver.flush()
    saver.close()
    (done,) = [report for report in reports if isinstance(report, HistoryDone)]
    assert done.undone is not None and done.undone.message() == "undone: marked 3 papers read"
    with MarkStore.open(data_dir) as store:
        assert store.read_ids() == set()
