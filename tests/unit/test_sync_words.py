"""The user's word and the clocks of several machines: saying a value again is a change that wins over an older
one from another device; a device whose clock is far ahead is named in a warning; no time a peer sends can make
this device's own changes unreadable elsewhere or its backup unimportable; and a note of this device that a later
edit elsewhere replaced is kept in the undo history, said in a warning."""

from __future__ import annotations

import json
import time
from pathlib import Path

from support.sync_devices import device_dir

from tui_reader.cli import main
from tui_reader.library import Change, MarkStore
from tui_reader.sync import sync_once


def device(root: Path, name: str) -> tuple[MarkStore, Path]:
    data = device_dir(root, name)
    folder = root / "shared"
    folder.mkdir(exist_ok=True)
    return MarkStore.open(data), folder


def line(paper: str, field: str, value: object, at: float, device: str = "bbbbbbbb") -> bytes:
    record = {"v": 1, "id": paper, "field": field, "value": value, "at": at, "device": device}
    return (json.dumps(record) + "\n").encode()


def test_saying_a_mark_again_wins_over_an_older_change_from_another_device(tmp_path, capsys):
    (a, folder), (b, _) = device(tmp_path, "aaaaaaaa"), device(tmp_path, "bbbbbbbb")
    with a, b:
        a.apply([Change("p", "read", True, 100.0)])
        sync_once(a, folder), sync_once(b, folder)
        b.apply([Change("p", "read", False, 200.0)])  # not yet delivered to a ...
        a.apply([Change("p", "read", True, 300.0)])  # ... when a's user says "read" again
        sync_once(a, folder), sync_once(b, folder), sync_once(a, folder)
        assert a.get("p").read and b.get("p").read
    assert main(["note", "p", "same", "--data-dir", str(tmp_path / "data-aaaaaaaa")]) == 0  # p: in the marks file
    with MarkStore.open(tmp_path / "data-aaaaaaaa") as store:
        first = store.get("p").note_at
    assert main(["note", "p", "same", "--data-dir", str(tmp_path / "data-aaaaaaaa")]) == 0
    with MarkStore.open(tmp_path / "data-aaaaaaaa") as store:
        assert store.get("p").note_at > first


def test_a_device_far_ahead_is_named_and_no_peer_time_breaks_a_backup(tmp_path, capsys):
    (a, folder), (c, _) = device(tmp_path, "aaaaaaaa"), device(tmp_path, "cccccccc")
    with a, c:
        year_ahead = time.time() + 2 * 365.25 * 86400
        (folder / "bbbbbbbb.jsonl").write_bytes(
            line("p", "starred", True, year_ahead) + line("q", "note", "from the end of time", 253_402_300_799)
        )
        a.set_note("q", "mine")
        result = sync_once(a, folder)
        assert result.received == 1
        assert [w for w in result.warnings if "ahead" in w] == [
            "device bbbbbbbb's changes carry times 2.0 years ahead of this machine's clock (sync log bbbbbbbb.jsonl): "
            "they win over changes made here until then; check the date and time of the machine that made them"
        ]
        assert [w for w in result.warnings if "unreadable" in w] == [
            "sync log bbbbbbbb.jsonl: 1 unreadable line skipped"
        ]
        a.set_starred("p", False)  # the user's later word still wins here, and everywhere
        a.set_note("q", "still mine")
        sync_once(a, folder)
        result = sync_once(c, folder)
        assert not [w for w in result.warnings if "aaaaaaaa" in w and "unreadable" in w]
        assert c.get("q").note == "still mine" and not c.get("p").starred
    backup = tmp_path / "backup.json"
    assert main(["marks", "export", str(backup), "--data-dir", str(tmp_path / "data-aaaaaaaa")]) == 0
    assert main(["marks", "import", str(backup), "--data-dir", str(tmp_path / "fresh")]) == 0


def test_a_note_replaced_by_a_later_edit_elsewhere_comes_back_with_undo(tmp_path):
    (a, folder), (b, _) = device(tmp_path, "aaaaaaaa"), device(tmp_path, "bbbbbbbb")
    with a, b:
        a.apply([Change("p", "note", "my careful summary", 1000.0)])
        b.apply([Change("p", "note", "their quick line", 2000.0)])
        sync_once(b, folder)
        result = sync_once(a, folder)
        assert result.warnings == ["a later edit on another device replaced your note on p; undo brings yours back"]
        assert a.get("p").note == "their quick line"
        assert a.undo() is not None
        assert a.get("p").note == "my careful summary"
        sync_once(a, folder), sync_once(b, folder)
        assert b.get("p").note == "my careful summary"


def test_a_backup_holding_times_from_the_end_of_9999_imports_syncs_and_a_later_edit_passes_it(tmp_path, capsys):
    """An older tui-reader took a peer's time of 9999-12-31T23:59:59 and exported it: the backup imports, what it
    brings reaches the other devices, and a change made after it here wins everywhere (no line of this device is
    ever refused as unreadable)."""
    a, b = device_dir(tmp_path, "aaaaaaaa"), device_dir(tmp_path, "bbbbbbbb")
    folder = tmp_path / "shared"
    folder.mkdir()
    backup = tmp_path / "backup.json"
    end = 253_402_300_799
    backup.write_text(
        json.dumps([{"id": "p", "note": "from the backup", "note_at": end, "read": True, "read_at": end}])
    )
    assert main(["marks", "import", str(backup), "--data-dir", str(a)]) == 0
    for data in (a, b):
        assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(data)]) == 0
    assert "unreadable" not in capsys.readouterr().err
    with MarkStore.open(b) as store:
        assert (store.get("p").note, store.get("p").read) == ("from the backup", True)
    assert main(["note", "p", "edited after it", "--data-dir", str(a)]) == 0
    with MarkStore.open(a) as store:
        store.set_read("p", False)
    for data in (a, b):
        assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(data)]) == 0
    assert "unreadable" not in capsys.readouterr().err
    with MarkStore.open(b) as store:
        assert (store.get("p").note, store.get("p").read) == ("edited after it", False)
    exported = tmp_path / "again.json"
    assert main(["marks", "export", str(exported), "--data-dir", str(b)]) == 0
    assert main(["marks", "import", str(exported), "--data-dir", str(tmp_path / "fresh")]) == 0


def test_a_change_made_after_a_peer_time_at_the_limit_is_read_by_every_device(tmp_path, capsys):
    """A peer's change at the very latest time sync reads: a change made after it here is capped there too (never
    past it, where the other devices would refuse it as unreadable); at equal times the greater device id wins
    on every device."""
    from tui_reader.library.rules import LATEST_TIME

    (f, folder), (c, _) = device(tmp_path, "ffffffff"), device(tmp_path, "cccccccc")
    with f, c:
        (folder / "bbbbbbbb.jsonl").write_bytes(line("q", "note", "at the limit", LATEST_TIME))
        sync_once(f, folder)
        assert f.get("q").note == "at the limit"
        f.set_note("q", "mine, after it")
        assert f.get("q").note_at == LATEST_TIME
        sync_once(f, folder)
        result = sync_once(c, folder)
        assert [w for w in result.warnings if "unreadable" in w] == []
        assert c.get("q").note == f.get("q").note == "mine, after it"
