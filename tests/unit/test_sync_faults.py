"""Sync and the journal under the faults real machines have: a disk that fills up mid-write, a write the kernel
takes only part of, an fsync that fails. Every byte is accounted for: a change leaves the outbox only once its
line is complete on disk, a failure is one line with the reason and exit 1, and the next sync sends the rest.

The full disk is a real one where the system allows it (a 64 KiB tmpfs, mounted as root); the short write and
the failing fsync are injected into ``os`` (the kernel does both on real disks, but not on demand)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from support.locked_marks import Lock
from support.sync_devices import device_dir

from tui_reader.cli import main
from tui_reader.library import Change, Journal, MarkStore
from tui_reader.sync import sync_once

PAPERS = 300


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` until about ``leave`` bytes are free; returns the filler (delete it to free the space)."""
    filler = disk / f"filler-{len(list(disk.glob('filler-*')))}"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    filler.write_bytes(b"x" * max(0, free - leave))
    return filler


def many_changes(data: Path) -> None:
    with MarkStore.open(data) as store:
        store.apply([Change(f"p{i}", "read", True, 1000.0 + i) for i in range(PAPERS)])


def log_lines(log: Path) -> list[dict[str, object]]:
    """Every line of a log, each of which must be whole JSON."""
    data = log.read_bytes()
    assert not data or data.endswith(b"\n"), "the log ends mid-line"
    return [json.loads(x) for x in data.decode().split("\n") if x]


def test_a_sync_into_a_full_disk_fails_with_the_reason_and_the_next_one_sends_the_rest(tmp_path, small_disk, capsys):
    a, b = device_dir(tmp_path, "aaaaaaaa"), device_dir(tmp_path, "bbbbbbbb")
    folder = small_disk
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(a)]) == 0  # the first exchange: empty
    many_changes(a)
    filler = fill(folder, 8 << 10)  # room for about a third of the changes
    capsys.readouterr()
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(a)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err, err
    written = log_lines(folder / "aaaaaaaa.jsonl")
    assert 0 < len(written) < PAPERS
    filler.unlink()
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(a)]) == 0
    assert capsys.readouterr().err == f"sent {PAPERS - len(written)} changes, received 0\n"
    assert sorted(r["id"] for r in log_lines(folder / "aaaaaaaa.jsonl")) == sorted(f"p{i}" for i in range(PAPERS))
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(b)]) == 0
    with MarkStore.open(b) as store:
        assert store.read_ids() == {f"p{i}" for i in range(PAPERS)}


def test_a_write_the_kernel_takes_only_part_of_is_continued(tmp_path, monkeypatch):
    a, b = device_dir(tmp_path, "aaaaaaaa"), device_dir(tmp_path, "bbbbbbbb")
    folder = tmp_path / "shared"
    folder.mkdir()
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(a)]) == 0  # the first exchange: empty
    many_changes(a)
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:100])))  # 100 bytes a call
    with MarkStore.open(a) as store:
        assert sync_once(store, folder).sent == PAPERS
    monkeypatch.undo()
    assert len(log_lines(folder / "aaaaaaaa.jsonl")) == PAPERS
    with MarkStore.open(b) as store:
        assert sync_once(store, folder).received == PAPERS


def test_changes_leave_the_outbox_only_after_their_lines_are_fsynced(tmp_path, monkeypatch, capsys):
    a = device_dir(tmp_path, "aaaaaaaa")
    folder = tmp_path / "shared"
    folder.mkdir()
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(a)]) == 0  # the first exchange: empty
    many_changes(a)
    log = folder / "aaaaaaaa.jsonl"
    real_fsync = os.fsync
    queued_when_log_fsynced: list[int] = []

    def watched_fsync(fd: int) -> None:
        if log.exists() and os.fstat(fd).st_ino == log.stat().st_ino:
            queued_when_log_fsynced.append(len(store.outbox()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", watched_fsync)
    with MarkStore.open(a) as store:
        assert sync_once(store, folder).sent == PAPERS
        assert queued_when_log_fsynced == [PAPERS]  # fsynced once, with every change still queued
        assert store.outbox() == []

    def failing_fsync(fd: int) -> None:
        if os.fstat(fd).st_ino == log.stat().st_ino:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    with MarkStore.open(a) as store:
        store.set_note("p1", "kept until it is on disk")
    monkeypatch.setattr(os, "fsync", failing_fsync)
    capsys.readouterr()
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(a)]) == 1
    assert "Input/output error" in capsys.readouterr().err
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(a)]) == 0
    assert capsys.readouterr().err == "sent 1 change, received 0\n"


def test_a_journal_line_that_does_not_fit_fails_and_leaves_no_half_line(tmp_path, small_disk):
    journal = Journal.create(small_disk)
    with journal:
        journal.append([Change("p0", "note", "small", 1.0)])
        filler = fill(small_disk, 4 << 10)
        with pytest.raises(OSError) as raised:
            journal.append([Change(f"p{i}", "note", "x" * 100, 2.0) for i in range(100)])  # ~15 KB
        assert raised.value.errno == errno.ENOSPC
        filler.unlink()
        journal.append([Change("p1", "note", "after", 3.0)])
        assert [(c.paper_id, c.value) for c in journal.read()] == [("p0", "small"), ("p1", "after")]


@pytest.mark.parametrize("command", [["note", "p", "x" * 60_000], ["tag", "p", "--add", "rl"], ["mark", "--star"]])
def test_a_full_disk_is_one_line_with_the_reason_and_nothing_shown_as_done(small_disk, seeds_corpus, capsys, command):
    data = small_disk / "data"
    with MarkStore.open(data) as store:
        store.set_note("p", "fits")
    fill(small_disk, 0)
    if command[0] == "mark":
        command = [*command, seeds_corpus.papers[0].id]
    capsys.readouterr()
    assert main([*command, "--data-dir", str(data)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "not saved" in err and "no space left on device" in err, err


def test_a_reader_saving_onto_a_full_disk_leaves_no_empty_journal(small_disk):
    from tui_reader.library import UNSAVED_DIR
    from tui_reader.saving import MarkSaver, SaverProblem

    data = small_disk / "data"
    with MarkStore.open(data) as store:
        store.set_note("p", "fits")
    problems: list[str] = []
    saver = MarkSaver(
        MarkStore.open(data, writable=False),
        lambda r: problems.append(r.message) if isinstance(r, SaverProblem) else None,
    )
    fill(small_disk, 0)
    saver.start()
    saver.submit(Change("p", "note", "y" * 60_000, 2.0))
    saver.flush()
    saver.close()
    assert any("No space left on device" in p or "no space left on device" in p for p in problems), problems
    assert [p for p in (data / UNSAVED_DIR).iterdir() if p.stat().st_size == 0] == []


def test_the_reader_saves_again_by_itself_once_space_is_back(small_disk):
    from tui_reader.saving import MarkSaver, SaverProblem, SavingAgain

    data = small_disk / "data"
    with MarkStore.open(data) as store:
        store.set_note("p", "fits")
    reports: list[object] = []
    saver = MarkSaver(MarkStore.open(data, writable=False), reports.append, poll_seconds=0.05)
    saver.start()
    try:
        assert saver.flush()
        filler = fill(small_disk, 0)
        saver.submit(Change("p", "note", "y" * 60_000, 2.0))
        assert not saver.flush(timeout=0.5)  # not saved, and not said to be
        assert any(isinstance(r, SaverProblem) and r.read_only for r in reports)
        saver.submit(Change("p", "starred", True, 3.0))  # made while the disk is full
        filler.unlink()
        assert saver.flush(timeout=30)
        assert any(isinstance(r, SavingAgain) for r in reports)
        lock = Lock(data)  # and changes are journalled again: one made while another program holds the lock ...
        saver.submit(Change("q", "read", True, 4.0))
        assert saver.close(timeout=0.3) == 1
        lock.release()
    finally:
        saver.close()
    with MarkStore.open(data) as store:  # ... is saved by the next start
        assert store.get("p").note == "y" * 60_000 and store.get("p").starred and store.get("q").read


def test_saving_never_waits_for_a_sync_folder_that_hangs(tmp_path, monkeypatch):
    import threading

    import tui_reader.sync as sync_module
    from tui_reader.saving import MarkSaver

    hanging, entered = threading.Event(), threading.Event()
    real = sync_module.sync_once

    def hangs(store, folder):  # a network share that stopped answering
        entered.set()
        hanging.wait()
        return real(store, folder)

    monkeypatch.setattr(sync_module, "sync_once", hangs)
    folder = tmp_path / "shared"
    folder.mkdir()
    saver = MarkSaver(MarkStore.open(tmp_path / "data", writable=False), lambda r: None, sync_dir=folder)
    saver.start()
    try:
        assert entered.wait(30)
        saver.submit(Change("p", "read", True, 1.0))
        assert saver.flush(timeout=10)  # saved although the exchange hangs
        with MarkStore.open(tmp_path / "data", writable=False) as store:
            assert store.get("p").read
    finally:
        hanging.set()
        saver.close()


def test_quitting_on_a_full_disk_says_the_file_could_not_be_written_not_that_it_is_locked(small_disk):
    from tui_reader.saving import MarkSaver, unsaved_message

    data = small_disk / "data"
    with MarkStore.open(data) as store:
        store.set_note("p", "fits")
    saver = MarkSaver(MarkStore.open(data, writable=False), lambda report: None, poll_seconds=0.05)
    saver.start()
    assert saver.flush()
    fill(small_disk, 0)
    saver.submit(Change("p", "note", "y" * 60_000, 2.0))
    assert saver.close(timeout=0.3) == 1 and saver.failed_at_exit
    message = unsaved_message(saver.unsaved_at_exit, data, saver.failed_at_exit)
    assert "could not be written" in message and "locked" not in message


def test_a_snapshot_that_does_not_fit_leaves_the_log_and_the_folder_as_they_were(tmp_path, small_disk, capsys):
    a = device_dir(tmp_path, "aaaaaaaa")
    folder = small_disk
    many_changes(a)
    filler = fill(folder, 4 << 10)
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(a)]) == 1  # the first exchange: a snapshot
    assert "No space left on device" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == [filler.name]  # no partial file left behind
    filler.unlink()
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(a)]) == 0
    assert len(log_lines(folder / "aaaaaaaa.jsonl")) == PAPERS


def peer_notes(folder: Path, count: int) -> None:
    """Device bbbbbbbb's log in ``folder`` with ``count`` notes of 200 characters."""
    lines = [
        json.dumps({"v": 1, "id": f"n{i}", "field": "note", "value": "n" * 200, "at": 10.0 + i, "device": "bbbbbbbb"})
        for i in range(count)
    ]
    (folder / "bbbbbbbb.jsonl").write_text("".join(x + "\n" for x in lines))


def test_a_marks_file_filling_up_during_an_exchange_fails_it_with_the_reason_and_nothing_is_said_received(
    tmp_path, small_disk, capsys
):
    data = small_disk / "data"
    data.mkdir()
    (data / "device-id").write_text("aaaaaaaa\n")
    folder = tmp_path / "shared"
    folder.mkdir()
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(data)]) == 0
    peer_notes(folder, 3000)  # ~700 KB of notes: more than the disk holds
    capsys.readouterr()
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(data)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "no space left on device" in err and "received" not in err, err
    peer_notes(folder, 20)  # the other device's log, cut down to what fits: read from its start
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(data)]) == 0
    with MarkStore.open(data) as store:
        assert len(store.notes()) == 20


def test_the_readers_sync_goes_on_by_itself_once_space_is_back(tmp_path, small_disk, monkeypatch):
    import threading

    import tui_reader.saving as saving
    from tui_reader.saving import SaverProblem, Synced, Syncer

    monkeypatch.setattr(saving, "SYNC_POLL_SECONDS", 0.05)
    data = small_disk / "data"
    with MarkStore.open(data) as store:
        store.set_note("p", "fits")
    folder = tmp_path / "shared"
    folder.mkdir()
    peer_notes(folder, 20)
    filler = fill(small_disk, 0)
    said, received = threading.Event(), threading.Event()
    reports: list[object] = []

    def report(item: object) -> None:
        reports.append(item)
        if isinstance(item, SaverProblem) and "no space left on device" in item.message:
            said.set()
        if isinstance(item, Synced) and item.received:
            received.set()

    syncer = Syncer(data, folder, report)
    syncer.start()
    try:
        assert said.wait(30), reports
        assert not received.is_set()
        filler.unlink()
        assert received.wait(30), reports
    finally:
        syncer.stop(10)
    with MarkStore.open(data) as store:
        assert len(store.notes()) == 21
