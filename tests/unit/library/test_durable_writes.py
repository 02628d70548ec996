"""The marks store's durability guarantees, seen from outside: every connection that writes syncs fully, every
write takes the write lock before it reads, a short lock is waited out, and an unwritable data directory (even
for root) gives a read-only store that leaves the file alone.

SQLite statements are observed by wrapping ``sqlite3.connect`` (a trace callback on every connection it returns),
so nothing here depends on the store's private helpers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import tui_reader
from tui_reader.library import DB_NAME, MarkStore
from tui_reader.library import sqlite as sqlite_module

JOIN_TIMEOUT_S = 60  # only ever reached when something hangs

# Statements that change the database file (PRAGMA user_version = n writes its header).
_WRITES = re.compile(r"\s*(INSERT|REPLACE|UPDATE|DELETE|CREATE|DROP|ALTER)\b|\s*PRAGMA\s+user_version\s*=", re.I)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Watching every connection the store makes


@dataclass
class Watched:
    """One connection ``sqlite3.connect`` returned while the test ran, with every statement it executed."""

    target: str
    conn: sqlite3.Connection
    statements: list[str] = field(default_factory=list)
    synchronous_at_close: int | None = None  # PRAGMA synchronous just before the store closed it

    @property
    def is_file(self) -> bool:
        return ":memory:" not in self.target and "mode=memory" not in self.target

    @property
    def wrote(self) -> bool:
        return any(_WRITES.match(s) for s in self.statements)

    def synchronous(self) -> int:
        """The live value, or the one it had when closed."""
        try:
            return self.conn.execute("PRAGMA synchronous").fetchone()[0]
        except sqlite3.ProgrammingError:  # closed
            assert self.synchronous_at_close is not None, f"{self.target} closed without our close()"
            return self.synchronous_at_close


class Tracer:
    def __init__(self, real_connect: Callable[..., sqlite3.Connection]):
        self.real_connect = real_connect  # for the test's own connections, which are not watched
        self.connections: list[Watched] = []
        self.listeners: list[Callable[[Watched, str], None]] = []  # called on every statement, in its thread

    def file_writers(self) -> list[Watched]:
        return [w for w in self.connections if w.is_file and w.wrote]


@pytest.fixture
def tracer(monkeypatch) -> Tracer:
    real_connect = sqlite3.connect
    tracer = Tracer(real_connect)

    class Connection(sqlite3.Connection):
        watched: Watched

        def close(self) -> None:
            with contextlib.suppress(sqlite3.Error):
                self.watched.synchronous_at_close = sqlite3.Connection.execute(self, "PRAGMA synchronous").fetchone()[0]
            super().close()

    def connect(database, *args, **kwargs):
        kwargs.setdefault("factory", Connection)
        conn = real_connect(database, *args, **kwargs)
        watched = Watched(str(database), conn)
        if isinstance(conn, Connection):
            conn.watched = watched

        def on_statement(sql: str) -> None:
            watched.statements.append(sql)
            for listener in list(tracer.listeners):
                listener(watched, sql)

        conn.set_trace_callback(on_statement)
        tracer.connections.append(watched)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    return tracer


def mark_in_file(data_dir: Path, paper_id: str) -> tuple[int, int] | None:
    """(read, starred) as stored in the file, read by a fresh connection of our own."""
    conn = sqlite3.connect(f"{(data_dir / DB_NAME).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT read, starred FROM marks WHERE paper_id = ?", (paper_id,)).fetchone()
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------------------
# 1. synchronous = FULL: an acknowledged mark survives power loss, not just a crash


def test_every_connection_that_writes_the_marks_file_syncs_fully(data_dir, tracer):
    def check(when: str) -> None:
        writers = tracer.file_writers()
        assert writers, f"{when}: no connection wrote the marks file?"
        assert [(w.target, w.synchronous()) for w in writers] == [(w.target, 2) for w in writers], when

    store = MarkStore.open(data_dir)  # a fresh file: the schema is written
    check("after creating the file")
    store.toggle_read("p")
    check("after a toggle")
    store.close()
    check("at close")

    with MarkStore.open(data_dir) as store:  # an existing file
        check("after reopening")
        store.set_starred("p", True)
        store.import_([{"id": "q", "read": True, "read_at": 1.0}])
        check("after writes on the reopened file")
    check("at the second close")
    assert mark_in_file(data_dir, "p") == (1, 1)


# ---------------------------------------------------------------------------------------------------------
# 2. Writes take the write lock first (BEGIN IMMEDIATE), so a read-modify-write cannot interleave


def _write_transactions(statements: list[str]) -> list[list[str]]:
    """The statements of each transaction that wrote, from its BEGIN (or from the write, if outside one)."""
    found, current = [], None
    for sql in statements:
        word = sql.split(None, 1)[0].upper() if sql.strip() else ""
        if word == "BEGIN":
            current = [sql]
        elif word in ("COMMIT", "END") or (word == "ROLLBACK" and not re.match(r"\s*ROLLBACK\s+TO\b", sql, re.I)):
            if current is not None and any(_WRITES.match(s) for s in current):
                found.append(current)
            current = None
        elif current is not None:
            current.append(sql)
        elif _WRITES.match(sql):
            found.append([sql])  # a write in autocommit mode: no transaction of ours around it
    return found


def _begins(tracer: Tracer) -> int:
    """How many transactions the store's connections to the file have begun (tried to begin) so far."""
    return sum(s.lstrip().upper().startswith("BEGIN") for w in tracer.connections if w.is_file for s in w.statements)


def test_every_write_transaction_begins_immediate(data_dir, tracer):
    with MarkStore.open(data_dir) as store:
        store.toggle_read("p")
        store.toggle_starred("p")
        store.set_read("q", True)
        store.import_([{"id": "r", "starred": True, "starred_at": 5.0}])
    with MarkStore.open(data_dir) as store:
        store.toggle_read("p")

    transactions = [t for w in tracer.connections if w.is_file for t in _write_transactions(w.statements)]
    assert len(transactions) >= 6  # two opens, five changes (an open may write its schema in one)
    for statements in transactions:
        first = " ".join(statements[0].split()).upper()
        assert first.startswith(("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")), statements
    # The toggles' reads happen inside those transactions, not before them.
    toggle_reads = [s for t in transactions for s in t if s.lstrip().upper().startswith("SELECT") and "'p'" in s]
    assert len(toggle_reads) >= 3


def test_two_stores_toggling_one_paper_at_once_lose_no_update_and_wait_their_turn(data_dir, tracer, monkeypatch):
    """Two stores on one file (two app windows, or the app and `tui-reader mark`) in two threads toggle the
    same paper at the same moment (a barrier before each of 150 rounds). Every toggle must be saved: in each
    round one saw True and the other False, the file ends where it started, and neither store went read-only.

    And each toggle got through in one try: it waited for the other's write instead of reading first and then
    being refused the lock (what a deferred BEGIN does: SQLite then fails at once, without its busy wait)."""
    if hasattr(sqlite_module, "BUSY_TIMEOUT_S"):
        monkeypatch.setattr(sqlite_module, "BUSY_TIMEOUT_S", 30.0)  # a slow disk never makes a wait run out
    rounds = 150
    stores = [MarkStore.open(data_dir), MarkStore.open(data_dir)]
    begins_before = _begins(tracer)
    barrier = threading.Barrier(len(stores), timeout=JOIN_TIMEOUT_S)
    results: list[list[bool]] = [[] for _ in stores]
    errors: list[BaseException] = []

    def run(store: MarkStore, out: list[bool]) -> None:
        try:
            for _ in range(rounds):
                barrier.wait()
                out.append(store.toggle_read("shared").read)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            barrier.abort()  # the other thread stops waiting too

    threads = [threading.Thread(target=run, args=(s, r), daemon=True) for s, r in zip(stores, results)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(JOIN_TIMEOUT_S)
        assert not any(t.is_alive() for t in threads), "a toggle hung"
        assert errors == []
        assert [(s.read_only, s.warnings) for s in stores] == [(False, []), (False, [])]
    finally:
        if not any(t.is_alive() for t in threads):  # else close() would wait for the hung toggle
            for s in stores:
                s.close()
    rounds_seen = [sorted(pair) for pair in zip(*results)]
    assert len(rounds_seen) == rounds
    assert rounds_seen == [[False, True]] * rounds  # a lost update would show the same value twice
    assert mark_in_file(data_dir, "shared") == (0, 0)
    assert _begins(tracer) - begins_before == 2 * rounds, "some toggles were refused the lock and tried again"


# ---------------------------------------------------------------------------------------------------------
# 3. A short lock held by another instance is waited out; the store stays writable


def test_a_write_meeting_a_short_lock_waits_and_is_saved(data_dir, tracer, monkeypatch):
    """Another instance holds the write lock (BEGIN EXCLUSIVE) when the store toggles a mark; it lets go only
    once the store has been turned away at least once (a second BEGIN on its connection). The toggle must then
    succeed and be in the file, with no warning and the store still writable."""
    if hasattr(sqlite_module, "BUSY_TIMEOUT_S"):
        monkeypatch.setattr(sqlite_module, "BUSY_TIMEOUT_S", 0.05)  # sqlite's own wait; keeps the test fast
    store = MarkStore.open(data_dir)
    store.set_starred("before", True)
    path = str(data_dir / DB_NAME)
    blocker = tracer.real_connect(path, isolation_level=None, check_same_thread=False, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")

    begins = 0
    turned_away = threading.Event()  # the store tried to write again: its first try met the lock
    wake = threading.Event()  # turned away, or the toggle returned

    def on_statement(watched: Watched, sql: str) -> None:
        nonlocal begins
        if watched.target == path and sql.lstrip().upper().startswith("BEGIN"):
            begins += 1
            if begins == 2:
                turned_away.set()
                wake.set()

    result: list[object] = []

    def toggle() -> None:
        try:
            result.append(store.toggle_read("p"))
        except BaseException as exc:
            result.append(exc)
        wake.set()

    tracer.listeners.append(on_statement)
    worker = threading.Thread(target=toggle, daemon=True)
    try:
        worker.start()
        wake.wait(JOIN_TIMEOUT_S)
        blocker.execute("ROLLBACK")  # the other instance lets go
        worker.join(JOIN_TIMEOUT_S)
        assert not worker.is_alive(), "the toggle never returned after the lock went away"
        assert turned_away.is_set(), "the store's write did not wait for the lock (or it gave up at once)"
        [mark] = result
        assert not isinstance(mark, BaseException), mark
        assert mark.read is True and store.get("p").read is True
        assert (store.read_only, store.warnings) == (False, [])
        store.toggle_starred("after")  # still writing to the file
    finally:
        tracer.listeners.remove(on_statement)
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()
        if not worker.is_alive():  # else close() would wait for the hung toggle
            store.close()
    assert mark_in_file(data_dir, "p") == (1, 0)
    assert mark_in_file(data_dir, "after") == (0, 1)
    assert mark_in_file(data_dir, "before") == (0, 1)


# ---------------------------------------------------------------------------------------------------------
# 4. An unwritable data directory, for root too: a child process without the capabilities that let root
# ignore permission bits (CAP_DAC_OVERRIDE and friends) on a directory with mode 555. Works wherever
# setpriv (util-linux) is installed, unlike chattr +i, which not every filesystem supports (overlayfs).

_PROBE = "import pathlib, sys; (pathlib.Path(sys.argv[1]) / 'probe').touch()"

_CHILD = r"""
import json, sys
from pathlib import Path
from tui_reader.library import MarkStore
store = MarkStore.open(Path(sys.argv[1]))
report = {"read_only": store.read_only, "warnings_at_open": list(store.warnings)}
report["kept_starred"] = store.get("kept").starred
report["toggled"] = store.toggle_read("kept").read
report["new"] = store.set_starred("new", True).starred
report["all"] = {pid: [m.read, m.starred] for pid, m in store.all().items()}
report["warnings"] = list(store.warnings)
report["read_only_after"] = store.read_only
store.close()
print(json.dumps(report))
"""

_DROP = "-dac_override,-dac_read_search,-fowner"


def _without_root_powers() -> list[str]:
    """A command prefix under which this process's user cannot write a mode-555 directory it owns."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is not installed: cannot drop CAP_DAC_OVERRIDE")
    return [setpriv, f"--inh-caps={_DROP}", f"--bounding-set={_DROP}", "--"]


def test_an_unwritable_data_dir_gives_a_read_only_store_even_for_root(tmp_path):
    """A data dir with one starred mark that the opening process cannot write: the store opens read-only with
    one warning that marks will not be saved, shows the mark, keeps the session's changes in memory, and the
    directory and file are left exactly as they were."""
    data_dir = tmp_path / "readonly"
    with MarkStore.open(data_dir) as store:
        store.set_starred("kept", True)
    assert sorted(p.name for p in data_dir.iterdir()) == [DB_NAME]
    before = sha(data_dir / DB_NAME)
    prefix = _without_root_powers()
    env = dict(os.environ)
    package_root = str(Path(tui_reader.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))

    def run_child(code: str) -> subprocess.CompletedProcess:
        command = [*prefix, sys.executable, "-c", code, str(data_dir)]
        return subprocess.run(command, capture_output=True, text=True, timeout=JOIN_TIMEOUT_S, env=env)

    data_dir.chmod(0o555)
    try:
        probe = run_child(_PROBE)
        if probe.returncode == 0:
            how = "setpriv, without CAP_DAC_OVERRIDE" if prefix else "not root"
            pytest.skip(f"a child process ({how}) can still write to a mode-555 directory")
        if "PermissionError" not in probe.stderr:
            pytest.skip(f"cannot run a child process without root's powers here: {probe.stderr.strip()[-300:]}")
        child = run_child(_CHILD)
    finally:
        data_dir.chmod(0o755)
    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout)

    assert report["read_only"] is True and report["read_only_after"] is True
    [warning] = report["warnings_at_open"]
    assert "marks will not be saved" in warning and "\n" not in warning
    assert report["kept_starred"] is True  # existing marks are shown
    assert report["toggled"] is True and report["new"] is True  # changes kept for the session
    assert report["all"] == {"kept": [True, True], "new": [False, True]}
    assert len(report["warnings"]) == 2  # one more, once the session changed something: it will be lost
    assert all("\n" not in w for w in report["warnings"])
    assert sha(data_dir / DB_NAME) == before
    assert sorted(p.name for p in data_dir.iterdir()) == [DB_NAME]
