"""Sync through a shared folder: convergence of 2-3 devices whatever the order and completeness of the logs a
sync tool delivers (hypothesis, against a last-writer-wins model), and each rule of the log format."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import tui_reader.saving as saving
from tui_reader.cli import main
from tui_reader.library import DB_NAME, FIELDS, Change, MarkStore
from tui_reader.saving import HistoryDone, MarkSaver, MarksChanged
from tui_reader.sync import DEVICE_FILE, SyncError, device_id, sync_once

DEVICES = ("aaaaaaaa", "bbbbbbbb", "cccccccc")
PAPERS = ("p0", "p1")
VALUES = {
    "read": st.booleans(),
    "starred": st.booleans(),
    "note": st.sampled_from([None, "one", "two"]),
    "tags": st.sampled_from([(), ("rl",), ("rl", "vision")]),
}


def make_device(root: Path, name: str) -> tuple[MarkStore, Path]:
    """A device: its data dir (with a fixed device id) and its own copy of the sync folder."""
    data = root / f"data-{name}"
    data.mkdir(parents=True)
    (data / DEVICE_FILE).write_text(name + "\n")
    folder = root / f"sync-{name}"
    folder.mkdir()
    return MarkStore.open(data), folder


def state(store: MarkStore) -> dict[tuple[str, str], object]:
    """What a device shows for each paper and field (a paper never marked shows the defaults)."""
    return {(p, f): getattr(store.get(p), f) for p in PAPERS for f in FIELDS}


# ---------------------------------------------------------------------------------------------------------
# Convergence


change_op = st.tuples(
    st.just("change"),
    st.integers(0, 2),
    st.sampled_from(PAPERS),
    st.sampled_from(FIELDS).flatmap(lambda f: st.tuples(st.just(f), VALUES[f])),
    st.integers(1, 3),  # few distinct times: ties between devices are common
)
sync_op = st.tuples(st.just("sync"), st.integers(0, 2))
undo_op = st.tuples(st.just("undo"), st.integers(0, 2))
# a sync tool copies some of a log to another device's folder: a prefix at least as long as before (it may cut
# a line in two), or the whole file replaced by a new one (a new inode)
copy_op = st.tuples(st.just("copy"), st.integers(0, 2), st.integers(0, 2), st.floats(0, 1), st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(2, 3), st.lists(st.one_of(change_op, sync_op, copy_op, undo_op), max_size=40))
# random ops rarely give two devices the same field at the same time before they exchange: one example that does
@example(
    3, [("change", 2, "p0", ("note", "one"), 1), ("change", 1, "p0", ("note", "two"), 1), ("copy", 1, 2, 0.5, False)]
)
def test_devices_converge_to_the_last_writer_wins_result(tmp_path_factory, count, ops):
    root = tmp_path_factory.mktemp("sync")
    devices = [make_device(root, name) for name in DEVICES[:count]]
    made: dict[tuple[str, str], list[tuple[float, str, object]]] = {}  # every change a device really made

    def note_changes(n: int, before: dict[str, object], after: MarkStore) -> None:
        for paper in PAPERS:
            old, new = before.get(paper), after.get(paper)
            for name in FIELDS:
                at = getattr(new, f"{name}_at")
                if at == (getattr(old, f"{name}_at") if old is not None else None):
                    continue
                if name != "tags":
                    made.setdefault((paper, name), []).append((at, DEVICES[n], getattr(new, name)))
                    continue
                before_tags, after_tags = set(old.tags if old else ()), set(new.tags)  # tags merge tag by tag
                for tag in before_tags ^ after_tags:
                    made.setdefault((paper, f"tag:{tag}"), []).append((at, DEVICES[n], tag in after_tags))

    def copy(src: int, dst: int, fraction: float, replace: bool) -> None:
        if src == dst:
            return
        log = devices[src][1] / f"{DEVICES[src]}.jsonl"
        if not log.exists():
            return
        data = log.read_bytes()
        target = devices[dst][1] / log.name
        have = target.stat().st_size if target.exists() else 0
        size = have + int((len(data) - have) * fraction)
        if replace:
            partial = target.with_suffix(".tmp")
            partial.write_bytes(data[:size])
            os.replace(partial, target)
        else:
            with open(target, "ab") as f:
                f.write(data[have:size])

    try:
        for op in ops:
            n = op[1] % count
            store, folder = devices[n]
            if op[0] == "change":
                _, _, paper, (name, value), at = op
                before = {p: store.get(p) for p in PAPERS}
                store.apply([Change(paper, name, value, float(at))])
                note_changes(n, before, store)
            elif op[0] == "undo":
                before = {p: store.get(p) for p in PAPERS}
                store.undo()
                note_changes(n, before, store)
            elif op[0] == "sync":
                sync_once(store, folder)
            else:
                copy(n, op[2] % count, op[3], op[4])
        # the full exchange: everyone publishes, the sync tool delivers everything, everyone reads
        for store, folder in devices:
            sync_once(store, folder)
        for src in range(count):
            for dst in range(count):
                copy(src, dst, 1.0, False)
        for store, folder in devices:
            sync_once(store, folder)

        def last(key: tuple[str, str]) -> object:
            return max(made[key], key=lambda m: (m[0], m[1]))[2]

        expected: dict[tuple[str, str], object] = {
            (p, f): last((p, f)) if (p, f) in made else None for p in PAPERS for f in FIELDS if f != "tags"
        }
        for p in PAPERS:
            edited = sorted(key[1][4:] for key in made if key[0] == p and key[1].startswith("tag:"))
            if edited:
                made[(p, "tags")] = made.get((p, "tags"), [])
                expected[(p, "tags")] = tuple(tag for tag in edited if last((p, f"tag:{tag}")))
            else:
                expected[(p, "tags")] = None
        for store, _ in devices:
            got = state(store)
            for key, value in expected.items():
                if value is not None or key in made:
                    assert got[key] == value, f"{key}: {made.get(key)}"
            assert got == state(devices[0][0])
    finally:
        for store, _ in devices:
            store.close()
        shutil.rmtree(root)


# ---------------------------------------------------------------------------------------------------------
# The log format, rule by rule


def line(paper: str, field: str, value: object, at: float, device: str = "bbbbbbbb", v: int = 1) -> bytes:
    return (
        json.dumps({"v": v, "id": paper, "field": field, "value": value, "at": at, "device": device}) + "\n"
    ).encode()


@pytest.fixture
def device_a(tmp_path):
    store, folder = make_device(tmp_path, "aaaaaaaa")
    yield store, folder
    store.close()


def test_equal_times_go_to_the_greater_device_id_on_every_device(tmp_path):
    (a, fa), (b, fb) = make_device(tmp_path, "aaaaaaaa"), make_device(tmp_path, "bbbbbbbb")
    with a, b:
        a.apply([Change("p", "note", "from a", 5.0)])
        b.apply([Change("p", "note", "from b", 5.0)])
        sync_once(a, fa), sync_once(b, fb)
        shutil.copy(fa / "aaaaaaaa.jsonl", fb), shutil.copy(fb / "bbbbbbbb.jsonl", fa)
        assert sync_once(a, fa).received == 1 and sync_once(b, fb).received == 0
        assert a.get("p").note == b.get("p").note == "from b"


def test_a_half_written_last_line_waits_until_it_is_complete(device_a):
    store, folder = device_a
    whole, half = line("p", "starred", True, 10.0), line("q", "note", "later", 11.0)
    log = folder / "bbbbbbbb.jsonl"
    log.write_bytes(whole + half[:20])
    assert sync_once(store, folder).received == 1
    assert store.get("p").starred and store.get("q").note is None
    with open(log, "ab") as f:
        f.write(half[20:])
    result = sync_once(store, folder)
    assert result.received == 1 and result.warnings == []
    assert store.get("q").note == "later"


def test_a_log_of_a_newer_format_is_refused_in_one_line_naming_it(device_a):
    store, folder = device_a
    (folder / "bbbbbbbb.jsonl").write_bytes(
        line("p", "read", True, 1.0) + line("q", "read", True, 2.0, v=2) + line("r", "read", True, 3.0)
    )
    result = sync_once(store, folder)
    assert result.received == 1 and store.read_ids() == {"p"}
    assert result.warnings == [
        "sync log bbbbbbbb.jsonl was written by a newer tui-reader (format 2); not read: update tui-reader"
    ]
    assert sync_once(store, folder).received == 0  # still refused, still not misread


def test_a_replaced_or_shrunk_log_is_read_again_from_its_start(device_a):
    store, folder = device_a
    log = folder / "bbbbbbbb.jsonl"
    log.write_bytes(line("p", "read", True, 1.0) + line("q", "read", True, 2.0))
    assert sync_once(store, folder).received == 2
    log.write_bytes(line("p", "read", True, 1.0))  # shrank: nothing new, and nothing taken twice
    assert sync_once(store, folder).received == 0
    partial = folder / "new.tmp"  # longer than what was read: only its inode says it is another file
    partial.write_bytes(line("r", "tags", ["x"], 5.0) + line("p", "read", True, 1.0) + line("q", "read", True, 2.0))
    os.replace(partial, log)  # a sync tool's atomic replacement
    assert sync_once(store, folder).received == 1 and store.get("r").tags == ("x",)


def test_bad_lines_are_skipped_with_one_warning(device_a):
    store, folder = device_a
    (folder / "bbbbbbbb.jsonl").write_bytes(
        b"not json\n"
        + line("bad id", "read", True, 1.0)
        + line("p", "tags", ["two words"], 1.0)
        + line("p", "read", True, 1.0, device="cccccccc")  # not this log's device
        + line("p", "read", True, 1e300)
        + line("ok", "read", True, 1.0)
    )
    result = sync_once(store, folder)
    assert result.received == 1 and store.read_ids() == {"ok"}
    assert result.warnings == ["sync log bbbbbbbb.jsonl: 5 unreadable lines skipped"]


def test_the_first_sync_publishes_what_was_there_before_and_old_marks_lose_to_any_change(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    conn = sqlite3.connect(data / DB_NAME)  # a schema-1 file: marks from before times were kept
    conn.execute(
        "CREATE TABLE marks (paper_id TEXT PRIMARY KEY NOT NULL, read INTEGER NOT NULL DEFAULT 0, "
        "starred INTEGER NOT NULL DEFAULT 0, read_at REAL, starred_at REAL) WITHOUT ROWID"
    )
    conn.execute("INSERT INTO marks VALUES ('old', 1, 1, NULL, 50.0)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    folder = tmp_path / "sync"
    folder.mkdir()
    with MarkStore.open(data) as store:
        store.set_note("old", "written before sync")
        result = sync_once(store, folder)
        assert result.sent == 3
        records = [json.loads(x) for x in (folder / f"{device_id(data)}.jsonl").read_text().splitlines()]
        assert {(r["field"], r["at"]) for r in records if r["field"] != "note"} == {("read", 0), ("starred", 50.0)}
        assert sync_once(store, folder).sent == 0
        (folder / "bbbbbbbb.jsonl").write_bytes(line("old", "read", False, 1.0))
        assert sync_once(store, folder).received == 1
        assert store.read_ids() == set()


def test_a_log_left_ending_mid_line_is_published_again_whole(tmp_path):
    """A crash or a sync tool leaves this device's log cut mid-line: the next append would be glued onto the
    cut line and lost with it, so the device writes its log afresh instead (and says so once)."""
    (store, folder), (other, other_folder) = make_device(tmp_path, "aaaaaaaa"), make_device(tmp_path, "bbbbbbbb")
    with store, other:
        store.set_read("p", True)
        sync_once(store, folder)
        log = folder / "aaaaaaaa.jsonl"
        with open(log, "ab") as f:
            f.write(b'{"v": 1, "id": "cut')  # a crash mid-append
        store.set_starred("p", True)
        store.undo()  # an undo is a change too: it is published
        result = sync_once(store, folder)
        assert result.warnings == [
            "sync log aaaaaaaa.jsonl ends in the middle of a line; this device's marks were published again"
        ]
        assert sync_once(store, folder).warnings == []
        assert all(json.loads(x)["device"] == "aaaaaaaa" for x in log.read_text().splitlines())
        shutil.copy(log, other_folder)
        sync_once(other, other_folder)
        assert other.get("p")[:2] == (True, False)
        assert other.get("p").starred_at == store.get("p").starred_at  # the undo, not the star, is the last word


def test_a_missing_sync_folder_is_one_line(device_a, tmp_path, capsys):
    store, _ = device_a
    with pytest.raises(SyncError, match="does not exist"):
        sync_once(store, tmp_path / "nowhere")
    assert main(["sync", "--sync-dir", str(tmp_path / "nowhere"), "--data-dir", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err


def test_the_device_id_is_made_once_and_kept(tmp_path):
    first = device_id(tmp_path)
    assert first == device_id(tmp_path) and len(first) == 16
    (tmp_path / DEVICE_FILE).write_text("../../etc\n")  # damaged: a new valid one
    assert device_id(tmp_path) != "../../etc"


# ---------------------------------------------------------------------------------------------------------
# The command and config.toml


def test_sync_command_says_what_it_sent_and_received(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "shared"
    folder.mkdir()
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["mark", "--star", "--data-dir", str(one), "2403.1"]) == 2  # not in the corpus: refused
    with MarkStore.open(one) as store:
        store.set_starred("2403.1", True)
        store.set_note("2403.1", "hello")
    capsys.readouterr()
    assert main(["sync", "--sync-dir", str(folder), "--data-dir", str(one)]) == 0
    assert capsys.readouterr().err == "sent 2 changes, received 0\n"
    config = tmp_path / "config" / "tui-reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"sync_dir = {json.dumps(str(folder))}\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert main(["sync", "--data-dir", str(two)]) == 0
    assert capsys.readouterr().err == "sent 0 changes, received 2\n"
    assert main(["note", "2403.1", "--data-dir", str(two)]) == 0
    assert capsys.readouterr().out == "hello\n"


def test_sync_without_a_folder_says_how_to_set_one(tmp_path, capsys):
    assert main(["sync", "--data-dir", str(tmp_path)]) == 2
    assert "set sync_dir in config.toml or give --sync-dir" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------------------
# The reader's saver thread


def test_two_savers_sharing_a_folder_see_each_others_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(saving, "SYNC_POLL_SECONDS", 0.05)
    folder = tmp_path / "shared"
    folder.mkdir()
    seen = threading.Event()

    def b_reported(report: object) -> None:
        if isinstance(report, MarksChanged) and "p" in report.starred and report.notes.get("p") == "n":
            seen.set()

    a = MarkSaver(MarkStore.open(tmp_path / "a", writable=False), lambda r: None, poll_seconds=0.05, sync_dir=folder)
    b = MarkSaver(MarkStore.open(tmp_path / "b", writable=False), b_reported, poll_seconds=0.05, sync_dir=folder)
    a.start(), b.start()
    try:
        a.submit(Change("p", "starred", True, 1.0))
        a.submit(Change("p", "note", "n", 1.0))
        assert seen.wait(30)
    finally:
        a.close(), b.close()


def test_the_saver_publishes_the_last_changes_on_close(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    saver = MarkSaver(MarkStore.open(tmp_path / "a", writable=False), lambda r: None, sync_dir=folder)
    saver.start()
    assert saver.flush()
    saver.submit(Change("p", "read", True, 1.0))
    assert saver.close() == 0
    log = folder / f"{device_id(tmp_path / 'a')}.jsonl"
    assert [json.loads(x)["id"] for x in log.read_text().splitlines()] == ["p"]


def test_a_missing_sync_folder_is_said_once_by_the_saver(tmp_path, monkeypatch):
    monkeypatch.setattr(saving, "SYNC_POLL_SECONDS", 0.01)
    problems: list[str] = []
    saver = MarkSaver(
        MarkStore.open(tmp_path / "a", writable=False),
        lambda r: problems.append(r.message) if isinstance(r, saving.SaverProblem) else None,
        poll_seconds=0.01,
        sync_dir=tmp_path / "gone",
    )
    saver.start()
    for _ in range(5):
        assert saver.flush()
    saver.close()
    assert len(problems) == 1 and "sync folder" in problems[0] and "does not exist" in problems[0]


def test_undo_through_the_saver_runs_after_the_changes_before_it(tmp_path):
    done: list[HistoryDone] = []
    saver = MarkSaver(
        MarkStore.open(tmp_path / "a", writable=False), lambda r: done.append(r) if isinstance(r, HistoryDone) else None
    )
    saver.start()
    saver.submit(Change("p", "starred", True, 1.0))
    saver.undo()
    saver.redo()
    saver.undo()
    assert saver.flush()
    saver.close()
    assert [d.undone.message() for d in done if d.undone] == [
        "undone: starred 1 paper",
        "redone: starred 1 paper",
        "undone: starred 1 paper",
    ]
    with MarkStore.open(tmp_path / "a") as store:
        assert not store.get("p").starred


def test_an_exchange_with_nothing_new_writes_nothing(device_a):
    """The reader exchanges every few seconds: with nothing new, the marks file is not written (other readers
    on this machine would otherwise reload every mark each time)."""
    store, folder = device_a
    store.set_read("p", True)
    (folder / "bbbbbbbb.jsonl").write_bytes(line("q", "read", True, 1.0))
    sync_once(store, folder)
    with MarkStore.open(store.data_dir) as other:
        other.changed_elsewhere()
        assert sync_once(store, folder).sent == 0
        assert not other.changed_elsewhere()
        store.set_read("p", False)
        assert other.changed_elsewhere()


def test_a_file_in_place_of_the_sync_folder_is_one_line(device_a, tmp_path):
    store, _ = device_a
    (tmp_path / "afile").write_text("x")
    with pytest.raises(SyncError, match="is not a folder"):
        sync_once(store, tmp_path / "afile")


def test_a_long_log_is_read_to_its_end_in_one_exchange(device_a, monkeypatch):
    import tui_reader.sync as sync_module

    monkeypatch.setattr(sync_module, "READ_CHUNK", 300)  # a few lines a part
    store, folder = device_a
    (folder / "bbbbbbbb.jsonl").write_bytes(b"".join(line(f"p{i}", "read", True, 1.0) for i in range(40)))
    assert sync_once(store, folder).received == 40
    assert len(store.read_ids()) == 40
