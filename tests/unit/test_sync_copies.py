"""What file-sync tools and other devices really leave in the sync folder, and what each device makes of it:
conflict copies of a log (every one read), a log delivered again as a new file or rewritten in place (read on
after the part that is still the same, from its start otherwise), and things named like a log that are not
regular files (skipped with a warning, never read or written through)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

import tui_reader.sync as sync_module
from tui_reader.cli import main
from tui_reader.library import MarkStore
from tui_reader.sync import DEVICE_FILE, sync_once


def line(paper: str, field: str, value: object, at: float, device: str = "bbbbbbbb") -> bytes:
    record = {"v": 1, "id": paper, "field": field, "value": value, "at": at, "device": device}
    return (json.dumps(record) + "\n").encode()


def notes(prefix: str, count: int, at: float = 100.0) -> list[bytes]:
    return [line(f"{prefix}{i}", "note", f"note {i}", at + i) for i in range(count)]


@pytest.fixture
def device_a(tmp_path):
    data = tmp_path / "data-a"
    data.mkdir()
    (data / DEVICE_FILE).write_text("aaaaaaaa\n")
    folder = tmp_path / "shared"
    folder.mkdir()
    with MarkStore.open(data) as store:
        yield store, folder


def replace_with(path: Path, data: bytes) -> None:
    """What a sync tool does to deliver a new version: a new file renamed over the old one (a new inode)."""
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_bytes(data)
    os.replace(partial, path)


# ---------------------------------------------------------------------------------------------------------
# Conflict copies


@pytest.mark.parametrize(
    "copy_name",
    [
        "bbbbbbbb.sync-conflict-20261201-123456-ABCDEFG.jsonl",  # Syncthing
        "bbbbbbbb (1).jsonl",  # Dropbox, a second file of one name
        "bbbbbbbb (conflicted copy 2026-12-01).jsonl",  # Dropbox, edited on two machines
        "bbbbbbbb (Bob's conflicted copy 2026-12-01 (2)).jsonl",
    ],
)
def test_a_conflict_copy_of_a_log_is_read_too(device_a, copy_name):
    store, folder = device_a
    lines = notes("p", 10)
    (folder / "bbbbbbbb.jsonl").write_bytes(b"".join(lines[:5]))
    (folder / copy_name).write_bytes(b"".join(lines[5:]))
    assert sync_once(store, folder).received == 10
    assert store.notes() == {f"p{i}": f"note {i}" for i in range(10)}
    before = store.export()
    shutil.copy(folder / copy_name, folder / "bbbbbbbb (2).jsonl")  # read again: nothing changes
    result = sync_once(store, folder)
    assert (result.received, result.warnings, store.export()) == (0, [], before)


def test_files_that_only_look_like_logs_are_left_alone(device_a):
    store, folder = device_a
    (folder / "bbbbbbbb.jsonl.tmp").write_bytes(line("p", "read", True, 1.0))  # a sync tool's partial file
    (folder / "notes.jsonl").write_bytes(line("q", "read", True, 1.0))  # no device id
    (folder / "bbbbbbbbz.jsonl").write_bytes(line("r", "read", True, 1.0))  # an id followed by neither . nor space
    assert sync_once(store, folder).received == 0 and store.read_ids() == set()


# ---------------------------------------------------------------------------------------------------------
# A log delivered again, rewritten, or cut back


def test_a_log_delivered_again_as_a_new_file_is_read_on_after_the_part_already_read(device_a):
    store, folder = device_a
    log = folder / "bbbbbbbb.jsonl"
    before = b"not a change\n" + b"".join(notes("p", 100))
    log.write_bytes(before)
    result = sync_once(store, folder)
    assert result.received == 100 and result.warnings == ["sync log bbbbbbbb.jsonl: 1 unreadable line skipped"]
    replace_with(log, before)  # the same bytes as a new file: nothing new, and nothing said again
    assert sync_once(store, folder).warnings == []
    replace_with(log, before + line("new", "starred", True, 500.0))
    result = sync_once(store, folder)
    assert (result.received, result.warnings) == (1, [])
    assert "new" in store.starred_ids()


def test_a_log_cut_back_in_place_and_written_again_is_read_from_its_start(device_a):
    store, folder = device_a
    log = folder / "bbbbbbbb.jsonl"
    first = notes("p", 20)
    log.write_bytes(b"".join(first))
    assert sync_once(store, folder).received == 20
    later = [line(f"q{i}", "starred", True, 300.0 + i) for i in range(30)]
    with open(log, "r+b") as f:  # rolled back in place (the same inode), then written on: longer than before
        f.truncate(len(b"".join(first[:5])))
        f.seek(0, os.SEEK_END)
        f.write(b"".join(later))
    result = sync_once(store, folder)
    assert (result.received, result.warnings) == (30, [])
    assert store.starred_ids() == {f"q{i}" for i in range(30)}


def test_a_log_longer_than_one_read_is_read_on_from_where_the_last_exchange_ended(device_a, monkeypatch):
    monkeypatch.setattr(sync_module, "READ_CHUNK", 300)  # a few lines a part
    store, folder = device_a
    log = folder / "bbbbbbbb.jsonl"
    log.write_bytes(b"{cut\n" + b"".join(line(f"p{i}", "read", True, 1.0) for i in range(40)))
    assert sync_once(store, folder).received == 40
    with MarkStore.open(store.data_dir) as other:
        other.changed_elsewhere()
        result = sync_once(store, folder)
        assert (result.received, result.warnings) == (0, [])
        assert not other.changed_elsewhere()  # nothing new: the marks file is not written
    with open(log, "ab") as f:
        f.write(line("last", "read", True, 2.0))
    result = sync_once(store, folder)
    assert (result.received, result.warnings) == (1, [])


# ---------------------------------------------------------------------------------------------------------
# Only regular files


def test_a_folder_a_fifo_or_a_symlink_named_like_a_log_is_skipped_with_one_warning(device_a, tmp_path, capsys):
    store, folder = device_a
    (folder / "bbbbbbbb.jsonl").mkdir()
    os.mkfifo(folder / "cccccccc.jsonl")
    elsewhere = tmp_path / "elsewhere.jsonl"
    elsewhere.write_bytes(line("secret", "read", True, 1.0, device="dddddddd"))
    (folder / "dddddddd.jsonl").symlink_to(elsewhere)
    (folder / "eeeeeeee.jsonl").symlink_to(folder / "bbbbbbbb.jsonl")
    (folder / "ffffffff.jsonl").write_bytes(line("p", "read", True, 1.0, device="ffffffff"))
    result = sync_once(store, folder)
    assert result.received == 1 and store.read_ids() == {"p"}
    assert result.warnings == [
        "sync folder holds a folder named like a log, bbbbbbbb.jsonl: skipped",
        "sync folder holds a FIFO named like a log, cccccccc.jsonl: skipped",
        "sync folder holds a symbolic link named like a log, dddddddd.jsonl: skipped",
        "sync folder holds a symbolic link named like a log, eeeeeeee.jsonl: skipped",
    ]
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(store.data_dir)]) == 0
    assert capsys.readouterr().err.count("skipped") == 4


def test_a_line_over_the_limit_is_skipped_and_reading_goes_on_after_it(device_a):
    store, folder = device_a
    huge = b'{"v": 1, "id": "p", "field": "note", "value": "' + b"x" * (sync_module.READ_CHUNK + 10) + b'"}\n'
    (folder / "bbbbbbbb.jsonl").write_bytes(line("before", "read", True, 1.0) + huge + line("after", "read", True, 1.0))
    result = sync_once(store, folder)
    assert result.received == 2 and store.read_ids() == {"before", "after"}
    assert result.warnings == ["sync log bbbbbbbb.jsonl: 1 line over 8 MiB skipped"]
    with open(folder / "bbbbbbbb.jsonl", "ab") as f:
        f.write(line("later", "read", True, 1.0))
    assert (sync_once(store, folder).received, sync_once(store, folder).warnings) == (1, [])


def test_the_own_log_replaced_by_a_symlink_or_a_fifo_is_never_written_through(device_a, tmp_path):
    store, folder = device_a
    sync_once(store, folder)
    bashrc = tmp_path / "bashrc"
    bashrc.write_text("export PATH=/usr/bin\n")
    own = folder / "aaaaaaaa.jsonl"
    own.unlink()
    own.symlink_to(bashrc)
    store.set_read("p", True)
    assert sync_once(store, folder).warnings == [
        "sync log aaaaaaaa.jsonl was replaced by a symbolic link; this device's marks were published again"
    ]
    assert bashrc.read_text() == "export PATH=/usr/bin\n"
    assert not own.is_symlink() and [json.loads(x)["id"] for x in own.read_text().splitlines()] == ["p"]
    own.unlink()
    os.mkfifo(own)
    store.set_starred("p", True)
    assert sync_once(store, folder).warnings == [
        "sync log aaaaaaaa.jsonl was replaced by something that is not a regular file; "
        "this device's marks were published again"
    ]
    assert own.is_file() and {json.loads(x)["field"] for x in own.read_text().splitlines()} == {"read", "starred"}


def test_a_marks_file_of_the_previous_schema_keeps_its_marks_queue_and_read_positions(tmp_path):
    """A file as the version before wrote it (schema 2): nothing in it is lost, and a peer log it had read is
    read on from where it was, not again from its start."""
    from tui_reader.library import DB_NAME
    from tui_reader.library.schema import MIGRATIONS

    data, folder = tmp_path / "data", tmp_path / "shared"
    data.mkdir(), folder.mkdir()
    (data / DEVICE_FILE).write_text("aaaaaaaa\n")
    log = folder / "bbbbbbbb.jsonl"
    log.write_bytes(b"{cut\n" + line("p", "read", True, 5.0))
    conn = sqlite3.connect(data / DB_NAME)
    for statement in (*MIGRATIONS[1], *MIGRATIONS[2]):  # released steps, never edited
        conn.execute(statement)
    conn.execute("INSERT INTO marks VALUES ('p', 1, 1, 5.0, 6.0, 'a note', 7.0, 'rl vision', 8.0)")
    conn.execute("INSERT INTO origins VALUES ('p', 'read', 'bbbbbbbb')")
    conn.execute("INSERT INTO outbox (paper_id, field, value, at) VALUES ('p', 'note', '\"a note\"', 7.0)")
    conn.execute("INSERT INTO settings VALUES (?, '1')", (f"published:{folder.resolve()}",))
    conn.execute("INSERT INTO settings VALUES ('syncing', '1')")
    conn.execute(
        "INSERT INTO sync_logs VALUES (?, ?, ?)",
        (f"{folder.resolve()}/{log.name}", log.stat().st_ino, log.stat().st_size),
    )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with open(log, "ab") as f:
        f.write(line("q", "starred", True, 9.0))
    with MarkStore.open(data) as store:
        assert store.warnings == []
        assert store.export() == [
            {
                "id": "p",
                "read": True,
                "starred": True,
                "read_at": 5.0,
                "starred_at": 6.0,
                "note": "a note",
                "note_at": 7.0,
                "tags": ["rl", "vision"],
                "tags_at": 8.0,
            }
        ]
        result = sync_once(store, folder)  # the first exchange after the update publishes everything afresh
        assert (result.sent, result.received, result.warnings) == (5, 1, [])  # the tags tag by tag
        assert store.starred_ids() == {"p", "q"}


def test_a_flood_of_blank_lines_is_passed_over_and_a_huge_log_is_read_over_several_exchanges(device_a, monkeypatch):
    store, folder = device_a
    (folder / "bbbbbbbb.jsonl").write_bytes(b"\n" * (8 << 20) + line("after", "read", True, 1.0))
    result = sync_once(store, folder)
    assert (result.received, result.warnings) == (1, [])  # blank lines are no changes, and nothing to warn of
    monkeypatch.setattr(sync_module, "READ_CHUNK", 1000)
    monkeypatch.setattr(sync_module, "EXCHANGE_BYTES", 5000)  # one exchange: about 50 lines of this log
    (folder / "cccccccc.jsonl").write_bytes(
        b"".join(line(f"p{i}", "starred", True, 1.0, device="cccccccc") for i in range(200))
    )
    received = [sync_once(store, folder).received for _ in range(6)]
    assert 0 < received[0] < 200 and sum(received) == 200 and received[-1] == 0


def test_the_own_log_flooded_with_blank_lines_is_checked_without_reading_each_one(device_a, monkeypatch):
    """A peer (or a sync tool) appends megabytes of blank lines to this device's own log: the device sees a log it
    did not leave that way and publishes again, and looks for another writer's lines in it without parsing a
    blank line (8 MiB of them used to cost a json.loads each: minutes at 30 MB)."""
    store, folder = device_a
    store.set_note("p", "kept")
    sync_once(store, folder)
    with open(folder / "aaaaaaaa.jsonl", "ab") as log:
        log.write(b"\n" * (8 << 20))
    parsed: list[object] = []
    real_loads = json.loads
    monkeypatch.setattr(json, "loads", lambda text, *a, **k: parsed.append(1) or real_loads(text, *a, **k))
    result = sync_once(store, folder)
    monkeypatch.undo()
    assert result.warnings == [
        "sync log aaaaaaaa.jsonl holds lines this device did not write; this device's marks were published again"
    ]
    assert len(parsed) < 100, len(parsed)
    assert (folder / "aaaaaaaa.jsonl").read_bytes().count(b"\n") == 1  # the snapshot: the one note


def test_a_log_read_to_its_end_and_not_touched_since_is_not_read_again(device_a, monkeypatch):
    """An idle reader exchanges every few seconds: a long log of another device that has not changed costs a
    look at its size and times, not a read of what was read already (13 MB at 135k lines, every 3 s)."""
    store, folder = device_a
    (folder / "bbbbbbbb.jsonl").write_bytes(b"".join(notes("p", 1000)))
    assert sync_once(store, folder).received == 1000
    reads: list[int] = []
    real_resume = sync_module._resume
    monkeypatch.setattr(sync_module, "_resume", lambda f, info, seen: reads.append(1) or real_resume(f, info, seen))
    for _ in range(3):
        assert sync_once(store, folder).received == 0
    assert reads == []
    with open(folder / "bbbbbbbb.jsonl", "ab") as log:
        log.write(line("later", "read", True, 5000.0))
    assert sync_once(store, folder).received == 1 and reads == [1]  # appended to: read on from where it was
