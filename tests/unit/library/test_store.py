"""The marks store: every change kept with its time, a lock held elsewhere waited for (or given up on having
changed nothing), a write failing mid-session kept in memory, bad files moved aside, read-only data dirs, export
and import. Real processes killed or racing each other: tests/e2e/test_marks_survive_killed_and_racing_processes.py."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import asides, random_bytes

from tui_reader.library import DB_NAME, Mark, MarkStore, StoreBusy, default_data_dir
from tui_reader.library import sqlite as sqlite_module


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Basics


def test_default_data_dir_honours_xdg_data_home():
    assert default_data_dir() == Path(os.environ["XDG_DATA_HOME"]) / "tui-reader"


def test_open_without_a_dir_uses_the_user_data_dir():
    with MarkStore.open() as store:
        store.set_starred("p1", True)
    assert (default_data_dir() / DB_NAME).is_file()
    with MarkStore.open(default_data_dir()) as store:
        assert store.get("p1").starred


def test_marks_survive_reopening_with_times_of_each_change(data_dir):
    with MarkStore.open(data_dir) as store:
        assert (store.path, store.read_only, store.warnings) == (data_dir / DB_NAME, False, [])
        assert store.get("never") == Mark()
        read = store.set_read("p1", True)
        both = store.set_starred("p1", True)
        assert read.read and read.read_at is not None and read.starred_at is None
        assert both.read_at == read.read_at and both.starred_at >= read.read_at
        again = store.set_read("p1", True)  # said again: the same value, the user's latest word (a new time)
        assert again.read and again.read_at > both.read_at and again._replace(read_at=both.read_at) == both
        assert len(store.history()) == 2  # ... and nothing more to undo
    with MarkStore.open(data_dir) as store:
        assert store.get("p1") == again
        assert store.all() == {"p1": again}


def test_toggles_flip_and_unmarked_papers_keep_their_history(data_dir):
    with MarkStore.open(data_dir) as store:
        assert store.toggle_read("p").read is True
        assert store.toggle_read("p").read is False
        assert store.toggle_starred("p").starred is True
        unstarred = store.toggle_starred("p")
        assert unstarred.starred is False and unstarred.starred_at is not None
        assert store.all() == {"p": unstarred}  # kept: the time of the un-mark matters when merging
        assert store.read_ids() == set() and store.starred_ids() == set()
        store.set_read("q", True)
        store.set_starred("r", True)
        assert store.read_ids() == {"q"} and store.starred_ids() == {"r"}


def test_a_change_is_always_newer_than_the_one_it_replaces(data_dir):
    """After importing a mark stamped in the future (a machine with a fast clock), an un-mark made here
    must still win when that old backup is imported again."""
    future = 4_000_000_000.0
    backup = [{"id": "p", "read": True, "starred": False, "read_at": future, "starred_at": None}]
    with MarkStore.open(data_dir) as store:
        store.import_(backup)
        unread = store.set_read("p", False)
        assert unread.read_at > future
        assert store.import_(backup) == 0
        assert store.get("p").read is False


@pytest.mark.parametrize("bad", ["", "two words", "tab\there", "x" * 201, None, 12])
def test_setters_refuse_malformed_ids(data_dir, bad):
    with MarkStore.open(data_dir) as store, pytest.raises(ValueError):
        store.set_read(bad, True)


# ---------------------------------------------------------------------------------------------------------
# Waiting for another program's lock; a write failing mid-session


def test_a_lock_held_longer_than_the_caller_waits_changes_nothing_and_the_store_stays_writable(data_dir, monkeypatch):
    """Another program holds the write lock: the write waits for as long as `waiting` agrees, then raises
    StoreBusy having written nothing; the store is still writable once the lock is gone (no read-only session)."""
    monkeypatch.setattr(sqlite_module, "BUSY_TIMEOUT_S", 0.02)
    asked: list[float] = []

    def waiting(seconds: float) -> bool:
        asked.append(seconds)
        return len(asked) < 3

    with MarkStore.open(data_dir, waiting=waiting) as store:
        store.set_starred("before", True)
        blocker = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StoreBusy):
                store.toggle_read("p")
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert len(asked) == 3 and asked == sorted(asked)
        assert store.get("p").read is False and not store.read_only and store.warnings == []
        assert store.toggle_read("p").read is True
    with MarkStore.open(data_dir) as store:
        assert store.get("p").read and store.get("before").starred


def test_opening_for_reading_never_waits_for_a_write_lock(data_dir, monkeypatch):
    """`list` and the reader's first screen read marks while another program holds the write lock."""
    with MarkStore.open(data_dir) as store:
        store.set_starred("x", True)
    blocker = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        never = pytest.fail  # a reading store must not even ask whether to wait
        with MarkStore.open(data_dir, writable=False, waiting=never) as store:
            assert store.starred_ids() == {"x"} and store.read_only and store.warnings == []
            with pytest.raises(RuntimeError):
                store.set_read("x", True)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_opening_for_reading_creates_nothing(tmp_path):
    data_dir = tmp_path / "none-yet"
    with MarkStore.open(data_dir, writable=False) as store:
        assert store.all() == {} and store.warnings == []
    assert not data_dir.exists()


class _FailingWrites:
    """A connection whose writes fail as on a full or vanished disk (at BEGIN or at COMMIT); reads work."""

    def __init__(self, real: sqlite3.Connection, failing: str):
        self._real = real
        self._failing = failing

    def execute(self, sql: str, *args):
        if sql.startswith(self._failing):
            raise sqlite3.OperationalError("disk I/O error")
        return self._real.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._real, name)


@pytest.mark.parametrize("failing", ["BEGIN", "COMMIT"])
def test_a_write_failing_mid_session_keeps_marks_in_memory_and_says_so(data_dir, failing):
    store = MarkStore.open(data_dir)
    store.set_read("earlier", True)
    store._conn = _FailingWrites(store._conn, failing)
    mark = store.toggle_starred("p")
    assert mark.starred and store.get("p").starred and store.get("earlier").read  # toggled once, not twice
    assert store.read_only
    assert any("disk I/O error" in w and "not be saved" in w for w in store.warnings)
    assert all("\n" not in w for w in store.warnings)
    store.close()


# ---------------------------------------------------------------------------------------------------------
# Damaged files


def _truncated(path: Path) -> None:
    with MarkStore.open(path.parent) as store:
        store.import_([{"id": f"p{i:05d}", "read": True, "read_at": 1.0} for i in range(3000)])
    size = path.stat().st_size
    assert size > 8 * 4096
    with open(path, "r+b") as f:
        f.truncate(size // 2)


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "damage", [random_bytes, _truncated, _foreign_sqlite], ids=lambda f: f.__name__.removeprefix("_")
)
def test_a_damaged_file_is_moved_aside_kept_and_replaced(data_dir, damage):
    path = data_dir / DB_NAME
    damage(path)
    original = sha(path)
    with MarkStore.open(data_dir) as store:
        assert not store.read_only
        [aside] = asides(data_dir)
        assert sha(aside) == original  # kept byte for byte
        assert len(store.warnings) == 1 and str(aside) in store.warnings[0] and "\n" not in store.warnings[0]
        assert store.all() == {}
        store.set_starred("p", True)
    with MarkStore.open(data_dir) as store:
        assert store.warnings == [] and store.get("p").starred


def test_a_directory_in_place_of_the_file_is_moved_aside_with_its_contents(data_dir):
    (data_dir / DB_NAME).mkdir()
    (data_dir / DB_NAME / "inside.txt").write_text("keep me")
    with MarkStore.open(data_dir) as store:
        [aside] = asides(data_dir)
        assert (aside / "inside.txt").read_text() == "keep me"
        assert str(aside) in store.warnings[0] and not store.read_only
        store.set_read("p", True)
    assert (data_dir / DB_NAME).is_file()


def test_companion_wal_file_goes_aside_with_the_damaged_file(data_dir):
    random_bytes(data_dir / DB_NAME)
    (data_dir / f"{DB_NAME}-wal").write_bytes(b"stale log")
    with MarkStore.open(data_dir) as store:
        [aside] = asides(data_dir)
        assert Path(f"{aside}-wal").read_bytes() == b"stale log"
        store.set_read("p", True)
    with MarkStore.open(data_dir) as store:
        assert store.get("p").read


def test_two_damaged_files_in_the_same_second_get_distinct_names(data_dir):
    for n in range(2):
        (data_dir / DB_NAME).write_bytes(b"not sqlite %d" % n * 100)
        MarkStore.open(data_dir).close()
    assert sorted(p.read_bytes()[:12] for p in asides(data_dir)) == [b"not sqlite 0", b"not sqlite 1"]


# ---------------------------------------------------------------------------------------------------------
# Unwritable data directories. We run as root in CI, and root ignores permission bits, so chmod alone
# proves nothing. Two ways that hold for root too: a data dir under a regular file cannot be created by
# anyone (ENOTDIR), and a directory with the immutable attribute (chattr +i) refuses new files even to root.


def test_a_data_dir_that_cannot_be_created_gives_a_working_read_only_store(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with MarkStore.open(blocker / "tui-reader") as store:
        assert store.read_only and store.path is None
        assert len(store.warnings) == 1 and "not be saved" in store.warnings[0] and str(blocker) in store.warnings[0]
        assert store.toggle_starred("p").starred is True
        assert store.get("p").starred and store.starred_ids() == {"p"}
        assert len(store.warnings) == 2  # one more, once: the session's changes will be lost
        store.toggle_starred("q")
        assert len(store.warnings) == 2


def test_an_unwritable_data_dir_still_shows_its_marks_read_only(unwritable_dir):
    before = sha(unwritable_dir / DB_NAME)
    with MarkStore.open(unwritable_dir) as store:
        assert store.read_only
        assert len(store.warnings) == 1 and "not be saved" in store.warnings[0]
        assert store.get("kept").starred
        assert store.toggle_read("kept").read is True
    assert sha(unwritable_dir / DB_NAME) == before
    assert sorted(p.name for p in unwritable_dir.iterdir()) == [DB_NAME]


# ---------------------------------------------------------------------------------------------------------
# Export and import


def _varied_marks(store: MarkStore) -> None:
    store.set_read("read-only", True)
    store.set_starred("star-only", True)
    store.set_read("both", True)
    store.set_starred("both", True)
    store.toggle_starred("unstarred")
    store.toggle_starred("unstarred")


def test_export_wipe_import_gives_back_the_same_marks(tmp_path):
    first = tmp_path / "first"
    with MarkStore.open(first) as store:
        _varied_marks(store)
        original = store.all()
        backup = json.loads(json.dumps(store.export()))
    shutil.rmtree(first)
    with MarkStore.open(first) as store:
        assert store.all() == {}
        assert store.import_(backup) == 3  # papers whose flags changed ("unstarred" has none set)
        assert store.all() == original
        assert store.export() == backup
        assert store.import_(backup) == 0


def test_import_keeps_the_later_change_of_each_flag(data_dir):
    with MarkStore.open(data_dir) as store:
        store.import_([{"id": "p", "read": True, "read_at": 100.0, "starred": True, "starred_at": 300.0}])
        changed = store.import_([{"id": "p", "read": False, "read_at": 200.0, "starred": False, "starred_at": 250.0}])
        assert changed == 1
        assert store.get("p") == Mark(read=False, starred=True, read_at=200.0, starred_at=300.0)
        # a record without times only fills flags that never changed here
        store.import_([{"id": "p", "read": True, "starred": False}, {"id": "new", "starred": True}])
        assert store.get("p").read is False and store.get("new").starred is True


@pytest.mark.parametrize(
    "records, message",
    [
        ({"id": "p"}, "array"),
        (["p"], "mark #1"),
        ([{"id": "ok", "read": True}, {"id": "p", "read": "yes"}], "mark #2: read"),
        ([{"id": "p", "starred_at": "noon"}], "starred_at"),
        ([{"read": True}], "paper id"),
    ],
)
def test_malformed_imports_are_refused_whole(data_dir, records, message):
    with MarkStore.open(data_dir) as store:
        with pytest.raises(ValueError, match=message):
            store.import_(records)
        assert store.all() == {}


# ---------------------------------------------------------------------------------------------------------
# Changes made elsewhere


def test_changed_elsewhere_sees_other_connections_commits_only(data_dir):
    with MarkStore.open(data_dir) as mine, MarkStore.open(data_dir) as theirs:
        assert mine.changed_elsewhere() is False  # the first call notes where we start
        mine.set_starred("p1", True)
        assert mine.changed_elsewhere() is False  # our own commits do not count
        theirs.set_read("p2", True)
        assert mine.changed_elsewhere() is True
        assert mine.changed_elsewhere() is False  # once per change


def test_a_note_keeps_its_leading_indentation_through_a_reopen(data_dir):
    note = "    code first\n  - a point\n\tand a tab"
    with MarkStore.open(data_dir) as store:
        assert store.set_note("p", note + "  \n\n").note == note
    with MarkStore.open(data_dir, writable=False) as store:
        assert store.notes() == {"p": note}
