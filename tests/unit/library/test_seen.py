"""seen.db (tui_reader.library.seen): when this machine first saw each paper, and where sessions ended."""

from __future__ import annotations

import time

import pytest

from tui_reader.library.seen import SEEN_DB, SeenStore, iso_time

DEC_1 = 1_764_547_200.0  # 2025-12-01T00:00:00Z
DAY = 86_400.0


def test_first_seen_survives_a_restart_and_does_not_change_when_seen_again(tmp_path):
    with SeenStore.open(tmp_path) as seen:
        assert seen.record(["a", "b"], now=DEC_1).times == {"a": DEC_1, "b": DEC_1}
    with SeenStore.open(tmp_path) as seen:  # another run of the program
        times = seen.record(["b", "c", "a"], now=DEC_1 + DAY).times
    assert times == {"b": DEC_1, "c": DEC_1 + DAY, "a": DEC_1}
    assert [iso_time(times[key]) for key in ("a", "c")] == ["2025-12-01T00:00:00Z", "2025-12-02T00:00:00Z"]


def test_papers_recorded_after_the_previous_session_ended_are_new(tmp_path):
    with SeenStore.open(tmp_path) as seen:
        assert seen.previous_session() is None
        seen.record(["a", "b"], now=DEC_1)
        seen.end_session(now=DEC_1 + 60)
    with SeenStore.open(tmp_path) as seen:
        upto = seen.previous_session()
        seen.record(["a", "b", "c"], now=DEC_1 + DAY)
        assert seen.recorded_after(upto) == {"c"}


def test_a_clock_ahead_does_not_leave_papers_new_for_ever(tmp_path, monkeypatch):
    real = time.time()
    monkeypatch.setattr(time, "time", lambda: real + 365 * DAY)  # the clock a year ahead
    with SeenStore.open(tmp_path) as seen:
        seen.record(["ahead"])
        seen.end_session()
    monkeypatch.setattr(time, "time", lambda: real)  # put right
    with SeenStore.open(tmp_path) as seen:
        upto = seen.previous_session()
        times = seen.record(["ahead", "today"]).times
        assert seen.recorded_after(upto) == {"today"}  # the paper seen in the "future" session is not new
        seen.end_session()
    assert times == {"ahead": real, "today": real}  # its time is brought back to the present once
    with SeenStore.open(tmp_path) as seen:
        assert seen.recorded_after(seen.previous_session()) == set()


def test_a_damaged_file_is_set_aside_and_started_again(tmp_path):
    (tmp_path / SEEN_DB).write_bytes(b"not a database at all, just some bytes" * 100)
    with SeenStore.open(tmp_path) as seen:
        assert seen.record(["a"], now=DEC_1).times == {"a": DEC_1}
    assert (tmp_path / (SEEN_DB + ".corrupt")).exists()


def test_a_full_disk_or_a_busy_file_is_no_damage_the_file_stays(tmp_path, monkeypatch):
    """Only a file that is not an SQLite database (or is corrupt) is set aside; an error of the disk or of
    another writer leaves seen.db and its times where they are."""
    import sqlite3

    from tui_reader.library import seen

    with SeenStore.open(tmp_path) as store:
        store.record(["a"], now=100.0)
    for name in ("SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR_WRITE", "SQLITE_BUSY"):
        failure = sqlite3.OperationalError("the disk said no")
        failure.sqlite_errorname = name

        def failing(path, failure=failure):
            raise failure

        monkeypatch.setattr(seen, "_opened", failing)
        with pytest.raises(sqlite3.OperationalError):
            SeenStore.open(tmp_path)
        assert not (tmp_path / (SEEN_DB + ".corrupt")).exists(), name
    monkeypatch.undo()
    with SeenStore.open(tmp_path) as store:
        assert store.times() == {"a": 100.0}
