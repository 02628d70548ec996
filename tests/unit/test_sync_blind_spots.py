"""Small slips that the other tests would not notice, each caught here by what a user would see: a local change
after a merged one must be this device's (else two devices end up showing different notes), and a change queued
behind an undo keeps its journal copy until it is saved (else another program's lock at the wrong moment loses
it)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from support.locked_marks import Lock
from support.sync_devices import device_dir

from tui_reader.library import Change, MarkStore
from tui_reader.saving import MarkSaver
from tui_reader.sync import sync_once


def device(root: Path, name: str) -> tuple[MarkStore, Path]:
    data = device_dir(root, name)
    folder = root / "shared"
    folder.mkdir(exist_ok=True)
    return MarkStore.open(data), folder


def test_a_local_edit_of_a_merged_note_is_this_devices_on_every_device(tmp_path):
    (a, folder), (b, _), (c, _) = (device(tmp_path, n) for n in ("cccccccc", "aaaaaaaa", "bbbbbbbb"))
    with a, b, c:
        b.apply([Change("p", "note", "from a", 5.0)])
        sync_once(b, folder), sync_once(a, folder)
        assert a.get("p").note == "from a"  # merged: another device's value
        a.apply([Change("p", "note", "mine", 10.0)])  # now this device's, at the same time as c's
        c.apply([Change("p", "note", "theirs", 10.0)])
        for store in (a, c, a, c, b):
            sync_once(store, folder)
        assert a.get("p").note == b.get("p").note == c.get("p").note  # equal times: the greater id, everywhere


def test_an_undo_of_a_flag_merged_from_elsewhere_is_this_devices_on_every_device(tmp_path, monkeypatch):
    from tui_reader.library import history

    (a, folder), (b, _), (c, _) = (device(tmp_path, n) for n in ("cccccccc", "aaaaaaaa", "bbbbbbbb"))
    with a, b, c:
        a.apply([Change("p", "read", True, 3.0, batch=1), Change("q", "read", True, 3.0, batch=1)])  # one step
        sync_once(a, folder)
        b.apply([Change("p", "read", True, 5.0)])  # said again on b, later: merged into a as b's
        sync_once(b, folder), sync_once(a, folder)
        monkeypatch.setattr(history, "time", SimpleNamespace(time=lambda: 10.0))
        assert a.undo().message() == "undone: marked 2 papers read"  # p unread again: now this device's
        c.apply([Change("p", "read", True, 10.0)])  # at the same time as a's undo
        for store in (a, c, a, c, b):
            sync_once(store, folder)
        assert a.get("p").read == b.get("p").read == c.get("p").read  # equal times: the greater id, everywhere
        assert a.get("p").read is False  # a (cccccccc) is the greater id


def test_a_change_queued_behind_an_undo_keeps_its_journal_copy_until_saved(data_dir, monkeypatch):
    with MarkStore.open(data_dir) as store:
        store.set_read("old", True)
    held: list[Lock] = []
    undo = MarkStore.undo

    def undo_then_another_program_locks(self: MarkStore):  # the lock lands right after the undo
        done = undo(self)
        held.append(Lock(data_dir))
        return done

    monkeypatch.setattr(MarkStore, "undo", undo_then_another_program_locks)
    saver = MarkSaver(MarkStore.open(data_dir, writable=False), lambda report: None, poll_seconds=0.05)
    saver.start()
    try:
        saver.submit(Change("first", "starred", True, 1.0))
        saver.undo()
        saver.submit(Change("second", "starred", True, 2.0))
    finally:
        assert saver.close(timeout=0.5) == 1  # the second change waits behind the lock: kept, not saved
        for lock in held:
            lock.release()
    monkeypatch.undo()
    with MarkStore.open(data_dir) as store:  # the next start replays the journal
        assert store.get("second").starred and not store.get("first").starred
