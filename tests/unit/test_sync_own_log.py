"""This device's own log, checked and never trusted: put back to an older copy, cut back in place, or grown past a
few times what it needs, it is written afresh; a data folder copied to another machine gets its own id; each
sync folder gets every change (a one-off exchange with another folder takes none from the usual one), and a new
folder gets everything the device holds, other devices' changes included."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from support.sync_devices import device_dir

from tui_reader.library import MarkStore
from tui_reader.sync import device_id, sync_once
from tui_reader.sync import own_log as own_log_module


def sync(data: Path, folder: Path) -> list[str]:
    """One exchange of the device whose data folder is ``data``; its warnings."""
    with MarkStore.open(data) as store:
        return sync_once(store, folder).warnings


def notes_of(data: Path) -> dict[str, str]:
    with MarkStore.open(data) as store:
        return store.notes()


def write_note(data: Path, paper: str, text: str) -> None:
    with MarkStore.open(data) as store:
        store.set_note(paper, text)


@pytest.mark.parametrize("fault", ["older copy put back", "cut back in place", "cut mid-line", "emptied", "deleted"])
def test_a_device_joining_later_gets_every_note_whatever_happened_to_the_log(tmp_path, fault):
    a, c = device_dir(tmp_path, "aaaaaaaa"), device_dir(tmp_path, "cccccccc")
    folder = tmp_path / "shared"
    folder.mkdir()
    log = folder / "aaaaaaaa.jsonl"
    for i in range(7):
        write_note(a, f"p{i}", f"note {i}")
        sync(a, folder)
    older = log.read_bytes()
    for i in range(7, 12):
        write_note(a, f"p{i}", f"note {i}")
        sync(a, folder)
    if fault == "older copy put back":  # a sync tool restoring a version: a new file
        partial = folder / ".restore"
        partial.write_bytes(older)
        os.replace(partial, log)
    elif fault == "cut back in place":  # the same inode, shorter
        os.truncate(log, len(older))
    elif fault == "cut mid-line":
        os.truncate(log, len(older) - 10)
    elif fault == "emptied":
        os.truncate(log, 0)
    else:
        log.unlink()
    warnings = sync(a, folder)
    assert len(warnings) == 1 and "published again" in warnings[0]
    assert sync(a, folder) == []  # said once
    write_note(a, "last", "after the fault")
    sync(a, folder)
    sync(c, folder)
    assert notes_of(c) == {**{f"p{i}": f"note {i}" for i in range(12)}, "last": "after the fault"}


def test_the_log_stays_within_a_few_times_what_it_needs(tmp_path, monkeypatch):
    monkeypatch.setattr(own_log_module, "COMPACT_SLACK", 50)
    a, b = device_dir(tmp_path, "aaaaaaaa"), device_dir(tmp_path, "bbbbbbbb")
    folder = tmp_path / "shared"
    folder.mkdir()
    with MarkStore.open(a) as store:
        for round_ in range(40):
            for i in range(20):
                store.set_note(f"p{i}", f"round {round_}")
            sync_once(store, folder)
    lines = (folder / "aaaaaaaa.jsonl").read_text().splitlines()
    assert len(lines) <= 3 * 20 + 50, len(lines)  # 800 changes, 20 notes alive
    sync(b, folder)
    assert notes_of(b) == {f"p{i}": "round 39" for i in range(20)}


def test_a_data_folder_copied_to_a_new_laptop_syncs_both_ways(tmp_path):
    old, b = device_dir(tmp_path, "aaaaaaaa"), device_dir(tmp_path, "bbbbbbbb")
    folder = tmp_path / "shared"
    folder.mkdir()
    write_note(old, "before", "written before the copy")
    sync(old, folder)
    new = tmp_path / "data-new-laptop"
    shutil.copytree(old, new)  # the natural way to set up a new laptop
    write_note(old, "old", "from the old laptop")
    write_note(new, "new", "from the new laptop")
    first_id = device_id(old)
    told = sync(new, folder)
    assert device_id(new) != first_id
    assert told == [  # what happened, and nothing else: the new id's log was never there to be removed
        f"this data folder is a copy of another machine's (device {first_id}): it syncs as a new device, "
        f"{device_id(new)}"
    ]
    for data in (old, new, old, new, b):
        sync(data, folder)
    assert device_id(new) != device_id(old) == first_id
    expected = {"before": "written before the copy", "old": "from the old laptop", "new": "from the new laptop"}
    assert notes_of(old) == notes_of(new) == notes_of(b) == expected


def test_a_data_folder_copied_before_it_ever_synced_syncs_both_ways(tmp_path):
    old, b = device_dir(tmp_path, "aaaaaaaa"), device_dir(tmp_path, "bbbbbbbb")
    folder = tmp_path / "shared"
    folder.mkdir()
    write_note(old, "before", "written before the copy")
    new = tmp_path / "data-new-laptop"
    shutil.copytree(old, new)
    write_note(old, "old", "from the old laptop")
    write_note(new, "new", "from the new laptop")
    for data in (old, new, old, new, old, b):
        sync(data, folder)
    expected = {"before": "written before the copy", "old": "from the old laptop", "new": "from the new laptop"}
    assert notes_of(old) == notes_of(new) == notes_of(b) == expected
    assert device_id(old) != device_id(new)  # two machines, two logs: not one log each rewrites in turn
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{device_id(d)}.jsonl" for d in (old, new, b))


def test_a_one_off_exchange_with_another_folder_takes_nothing_from_the_usual_one(tmp_path):
    a, b = device_dir(tmp_path, "aaaaaaaa"), device_dir(tmp_path, "bbbbbbbb")
    usual, other = tmp_path / "usual", tmp_path / "usb-stick"
    usual.mkdir(), other.mkdir()
    sync(a, usual)
    write_note(a, "p", "for everyone")
    sync(a, other)  # once, to hand the marks to a friend
    write_note(a, "q", "later")
    sync(a, other)
    sync(a, usual)
    sync(b, usual)
    assert notes_of(b) == {"p": "for everyone", "q": "later"}


def test_a_new_sync_folder_gets_everything_including_other_devices_changes(tmp_path):
    a, b, c = device_dir(tmp_path, "aaaaaaaa"), device_dir(tmp_path, "bbbbbbbb"), device_dir(tmp_path, "cccccccc")
    x, y = tmp_path / "folder-x", tmp_path / "folder-y"
    x.mkdir(), y.mkdir()
    with MarkStore.open(b) as store:
        store.set_note("p", "written on b")
        store.set_starred("p", True)
    sync(b, x)
    sync(a, x)
    sync(a, y)  # a moves to a new folder
    sync(c, y)
    with MarkStore.open(c) as store:
        assert store.get("p").note == "written on b" and store.get("p").starred
    lines = [json.loads(x) for x in (y / "aaaaaaaa.jsonl").read_text().splitlines()]
    assert {line["origin"] for line in lines} == {"bbbbbbbb"}  # b's changes, said to be b's
