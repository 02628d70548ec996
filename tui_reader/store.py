"""Read/starred marks in SQLite: committed before a call returns, safe with two instances, never lost.

One file, ``marks.db`` in the data directory, one row per paper id (papers that left the corpus keep theirs).
``MarkStore.open`` never raises for a bad file or directory: a damaged file is moved aside (never deleted)
and a fresh one started; an unwritable directory gives a read-only store whose changes live in memory only.
Either way ``warnings`` holds one-line messages for the user.
"""

from __future__ import annotations

import fcntl
import gc
import math
import os
import sqlite3
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

__all__ = ["DB_NAME", "SCHEMA_VERSION", "Mark", "MarkStore", "StoreBusy", "default_data_dir", "migrate"]

T = TypeVar("T")
MarkRow = tuple[str, int, int, float | None, float | None]  # paper_id, read, starred, read_at, starred_at

DB_NAME = "marks.db"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 2.0  # sqlite waits this long for another instance's write lock in one try ...
WRITE_PATIENCE_S = 60.0  # ... and by default we try again until this long has passed (then StoreBusy)
MAX_ID_LENGTH = 200

# Schema changes: version -> statements taking the file from version-1 to version. Never edit a released step;
# add the next one and bump SCHEMA_VERSION.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE marks (
            paper_id   TEXT PRIMARY KEY NOT NULL,
            read       INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
            starred    INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
            read_at    REAL,
            starred_at REAL
        ) WITHOUT ROWID""",
    ),
}

_COLUMNS = "paper_id, read, starred, read_at, starred_at"
_UPSERT = f"INSERT OR REPLACE INTO marks ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)"


@dataclass(frozen=True, slots=True)
class Mark:
    """The marks of one paper; ``*_at`` is the unix time that flag last changed (None: never)."""

    read: bool = False
    starred: bool = False
    read_at: float | None = None
    starred_at: float | None = None


NO_MARK = Mark()


@dataclass(frozen=True, slots=True)
class Change:
    """One flag the user set: ``field`` ("read" or "starred") of ``paper_id`` became ``value`` at unix time ``at``."""

    paper_id: str
    field: str
    value: bool
    at: float

    def applied_to(self, mark: Mark) -> Mark:
        """The mark after this change (a change is always newer than the one it replaces, see _later)."""
        if self.field == "read":
            return _with_read(mark, self.value, self.at)
        return _with_starred(mark, self.value, self.at)

    def is_newer_than(self, mark: Mark) -> bool:
        """For replaying a journal: does this change still win over what the file holds?"""
        at = mark.read_at if self.field == "read" else mark.starred_at
        return at is None or self.at > at


class MarkFlags(Mapping[str, Mark]):
    """Read/starred flags by paper id, as the search filters want them (``is:read``, ``is:starred``)."""

    def __init__(self, read: set[str] | frozenset[str], starred: set[str] | frozenset[str]) -> None:
        self.read, self.starred = read, starred

    def __getitem__(self, paper_id: str) -> Mark:
        read, starred = paper_id in self.read, paper_id in self.starred
        if not (read or starred):
            raise KeyError(paper_id)
        return Mark(read=read, starred=starred)

    def __iter__(self) -> Iterator[str]:
        yield from self.read
        yield from (pid for pid in self.starred if pid not in self.read)

    def __len__(self) -> int:
        return len(self.read | self.starred)


def default_data_dir() -> Path:
    """The per-user data directory (``$XDG_DATA_HOME/tui-reader`` on Linux)."""
    return Path(platformdirs.user_data_dir("tui-reader", appauthor=False))


class _NotMarksFile(sqlite3.DatabaseError):
    """Something in place of the marks file that is not a usable one (a directory, not SQLite, damaged,
    another program's tables); it gets moved aside."""


class _NewerSchema(Exception):
    """The file was written by a newer tui-reader; we must not touch it."""


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema from its ``PRAGMA user_version`` to SCHEMA_VERSION; call inside a write transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise _NewerSchema(version)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[target]:
            conn.execute(statement)
    # Always written: it doubles as the probe that the file really is writable.
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    try:
        conn.execute(f"SELECT {_COLUMNS} FROM marks LIMIT 0")
    except sqlite3.OperationalError as exc:
        raise _NotMarksFile(f"not a marks file ({exc})") from None


# ---------------------------------------------------------------------------------------------------------
# Small helpers


def _errname(exc: BaseException) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def _is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, _NotMarksFile) or _errname(exc).startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))


def _is_busy(exc: BaseException) -> bool:
    return _errname(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _reason(exc: BaseException) -> str:
    """A one-line description of an OS or SQLite error."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__


def _check_id(paper_id: object) -> str:
    if (
        not isinstance(paper_id, str)
        or not 0 < len(paper_id) <= MAX_ID_LENGTH
        or any(c.isspace() or not c.isprintable() for c in paper_id)
    ):
        raise ValueError(f"not a paper id: {paper_id!r}")
    return paper_id


def _check_time(value: object, what: str) -> float | None:
    """A ``*_at`` value as a float: null, or a unix time from 1970 to the end of year 9999 (a later one would win
    every merge for ever, and no date can show it). Safe for any value: a huge int is compared exactly (never
    converted to float) and the message describes the value in a few characters."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        kinds = {bool: "true or false", str: "a string", list: "an array", dict: "an object"}
        raise ValueError(f"{what} must be a unix time or null, not {kinds.get(type(value), type(value).__name__)}")
    if not 0 <= value <= 253_402_300_799:  # 9999-12-31 23:59:59 UTC; False for NaN too
        if isinstance(value, int) and value.bit_length() > 64:
            shown = f"a {len(str(abs(value)))}-digit number" if value.bit_length() < 2_000 else "a huge number"
        else:
            shown = f"{value:g}" if math.isfinite(value) else "a number out of range"
        raise ValueError(f"{what} must be a unix time from 1970 to 9999, not {shown}")
    return float(value)


def _row_to_mark(row: tuple[int, int, float | None, float | None] | None) -> Mark:
    if row is None:
        return NO_MARK
    read, starred, read_at, starred_at = row
    return Mark(read == 1, starred == 1, read_at, starred_at)


# Making 100k Marks through the generated __init__ costs ~1 us each; filling their slots through the slot
# descriptors with map() keeps the loops in C and is about twice as fast. The objects are the same.
_SLOT_SETTERS = tuple(Mark.__dict__[name].__set__ for name in ("read", "starred", "read_at", "starred_at"))


def _marks_from_rows(rows: list[MarkRow]) -> dict[str, Mark]:
    """``{paper_id: Mark}`` from ``(paper_id, read, starred, read_at, starred_at)`` rows."""
    if not rows:
        return {}
    ids, read, starred, read_at, starred_at = zip(*rows, strict=True)
    marks = list(map(object.__new__, repeat(Mark, len(ids))))
    for setter, values in zip(_SLOT_SETTERS, (map(bool, read), map(bool, starred), read_at, starred_at), strict=True):
        deque(map(setter, marks, values), maxlen=0)
    return dict(zip(ids, marks, strict=True))


def _mark_of(conn: sqlite3.Connection, paper_id: str) -> Mark:
    row = conn.execute("SELECT read, starred, read_at, starred_at FROM marks WHERE paper_id = ?", (paper_id,))
    return _row_to_mark(row.fetchone())


def _mark_row(paper_id: str, mark: Mark) -> MarkRow:
    return (paper_id, int(mark.read), int(mark.starred), mark.read_at, mark.starred_at)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building 100k small objects triggers many useless cyclic-GC passes; skip them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _has_sqlite_header(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(100)
    return len(head) == 100 and head.startswith(b"SQLite format 3\x00")


def _still_same_file(path: Path, seen: os.stat_result) -> bool:
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    return (now.st_ino, now.st_dev) == (seen.st_ino, seen.st_dev)


def _why_not_creatable(folder: Path) -> str | None:
    """Why ``folder`` could not be made (None: it exists or could be), without making it."""
    for ancestor in (folder, *folder.parents):
        if ancestor.is_dir():
            return None if os.access(ancestor, os.W_OK) or ancestor == folder else "Permission denied"
        if os.path.lexists(ancestor):
            return "Not a directory"
    return None


def _aside_name(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while os.path.lexists(candidate):
        n += 1
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    return candidate


def _move_aside(path: Path) -> Path:
    """Rename a bad marks file (and its -wal/-shm/-journal companions) to ``marks.db.corrupt-<time>``."""
    aside = _aside_name(path)
    os.rename(path, aside)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = Path(f"{path}{suffix}")
        if os.path.lexists(companion):
            try:
                os.rename(companion, f"{aside}{suffix}")
            except OSError:
                pass  # the main file is aside already; a stale companion is harmless to a new database name
    return aside


def _connect(target: str, uri: bool = False, timeout: float | None = None) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves. check_same_thread=False: calls are serialised
    # by MarkStore's lock, so an app may call from a worker thread.
    timeout = BUSY_TIMEOUT_S if timeout is None else timeout
    return sqlite3.connect(target, timeout=timeout, isolation_level=None, uri=uri, check_same_thread=False)


def _open_file(path: Path, busy_timeout: float | None = None) -> sqlite3.Connection:
    """Open, verify and migrate the marks file; raises sqlite3/OS errors and _NewerSchema."""
    conn = _connect(str(path), timeout=busy_timeout)
    try:
        # The checks and the creation run in one write transaction: a process that finds the file while another
        # is still creating it waits for that transaction, instead of judging a half-made file damaged (and
        # moving it aside while the creator keeps writing into it). The checks only read, so a file we refuse is
        # rolled back and moved aside (or left alone) unchanged.
        with _transaction(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _NewerSchema(version)
            check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            if check != "ok":
                raise _NotMarksFile(f"integrity check failed: {check}")
            if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise _NotMarksFile("an SQLite file with other tables, not a marks file")
            migrate(conn)
        conn.execute("PRAGMA journal_mode = WAL").fetchone()  # not allowed inside a transaction
        conn.execute("PRAGMA synchronous = FULL")  # a commit survives power loss, not just a crash
    except BaseException:
        conn.close()
        raise
    return conn


def _open_reading(path: Path) -> sqlite3.Connection:
    """A connection that can only read (no write lock, ever): for commands that only look at marks."""
    uri = path.resolve().as_uri()
    conn = _connect(uri + "?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise _NewerSchema(version)
        if version == 0 and not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise FileNotFoundError(path)  # created but not yet set up by its creator: no marks yet
        try:
            conn.execute(f"SELECT {_COLUMNS} FROM marks LIMIT 0")
        except sqlite3.OperationalError as exc:
            raise _NotMarksFile(f"not a marks file ({exc})") from None
    except BaseException:
        conn.close()
        raise
    return conn


def _memory_db() -> sqlite3.Connection:
    conn = _connect(":memory:")
    with _transaction(conn):
        migrate(conn)
    return conn


def _snapshot(path: Path) -> sqlite3.Connection:
    """An in-memory copy of whatever marks can still be read from ``path`` (empty if none)."""
    mem = _memory_db()
    if not path.is_file():
        return mem
    uri = path.resolve().as_uri()
    for query in ("?mode=ro", "?mode=ro&immutable=1"):  # immutable: no -shm needed, for read-only dirs
        try:
            src = _connect(uri + query, uri=True)
            try:
                rows = src.execute(f"SELECT {_COLUMNS} FROM marks").fetchall()
            finally:
                src.close()
        except sqlite3.Error:
            continue
        with _transaction(mem):
            mem.executemany(_UPSERT, rows)
        break
    return mem


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE takes the write lock up front, so a read-modify-write cannot interleave."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the connection is unusable anyway; the caller handles the original error
        raise


def _retrying(attempt: Callable[[], T], waiting: Waiting) -> T:
    """``attempt()`` again while another program holds the write lock, for as long as ``waiting`` agrees."""
    started = time.monotonic()
    tries = 0
    while True:
        try:
            return attempt()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
        tries += 1
        if not waiting(time.monotonic() - started):
            raise StoreBusy("the marks file is locked by another program")
        # back off a little more each time (SQLite already waited its busy timeout), at most a second
        time.sleep(min(1.0, 0.02 * tries))


# ---------------------------------------------------------------------------------------------------------
# The store


class StoreBusy(Exception):
    """Another program held the marks file's write lock longer than the caller was willing to wait; nothing
    was written, and the store stays writable."""


Waiting = Callable[[float], bool]  # seconds waited for a lock so far -> keep waiting?


def _wait_a_while(waited: float) -> bool:
    return waited < WRITE_PATIENCE_S


class MarkStore:
    """Marks keyed by paper id. Every setter commits before it returns.

    ``read_only`` is True when changes cannot be saved: either the store was opened for reading
    (``writable=False``: setters raise), or the file cannot be written (setters then change an in-memory copy,
    kept until the program ends, and say so in ``warnings``). A setter may add a warning when saving fails
    mid-session. A setter that meets another program's write lock waits (see ``open``'s ``waiting``); it raises
    StoreBusy when told to stop waiting, having changed nothing.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path | None,
        read_only: bool,
        warnings: list[str],
        data_dir: Path | None = None,
        writable: bool = True,
    ):
        self._conn = conn
        self._data_version: int | None = None  # last seen PRAGMA data_version (see changed_elsewhere)
        self._lock = threading.RLock()
        self._told_unsaved = False
        self.path = path
        self.data_dir = data_dir if data_dir is not None else (path.parent if path is not None else None)
        self.read_only = read_only
        self.writable = writable  # False: opened for reading only
        self.warnings = warnings
        self.waiting: Waiting = _wait_a_while

    # -- opening ------------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: Path | None = None,
        *,
        writable: bool = True,
        waiting: Waiting | None = None,
        busy_timeout: float | None = None,
    ) -> MarkStore:
        """Open (creating if needed) ``marks.db`` in ``data_dir`` or the default data directory.

        ``writable=False`` only reads: it never takes a write lock, never waits for one, and never creates the
        file (no file: no marks). While another program holds the write lock, a writable open and every write
        wait: ``waiting(seconds so far)`` is asked after each try and returning False gives up (StoreBusy).
        The default waits WRITE_PATIENCE_S. ``busy_timeout``: how long SQLite itself waits per try.
        """
        data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        path = data_dir / DB_NAME
        waiting = waiting or _wait_a_while
        warnings: list[str] = []

        def read_only(reason: str) -> MarkStore:
            warnings.append(f"{reason}; marks will not be saved")
            snapshot = _snapshot(path)
            return cls(snapshot, path if path.is_file() else None, True, warnings, data_dir)

        if writable:
            try:
                data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                return read_only(f"cannot create data directory {data_dir} ({_reason(exc)})")

        for attempt in range(2):  # a second go after moving a bad file aside
            try:
                checked = os.stat(path) if os.path.lexists(path) else None
                if checked is not None and not stat.S_ISREG(checked.st_mode):
                    raise _NotMarksFile("a directory" if stat.S_ISDIR(checked.st_mode) else "not a regular file")
                if checked is not None and checked.st_size and not _has_sqlite_header(path):
                    raise _NotMarksFile("not an SQLite file")  # decided before SQLite could touch its -wal
                if not writable:
                    if checked is None:
                        problem = _why_not_creatable(data_dir)
                        if problem:
                            warnings.append(
                                f"cannot create data directory {data_dir} ({problem}); marks will not be saved"
                            )
                        return cls(_memory_db(), None, True, warnings, data_dir, writable=False)
                    conn = _with_unsaved_changes(_open_reading(path), data_dir)
                    return cls(conn, path, True, warnings, data_dir, writable=False)
                conn = _retrying(lambda: _open_file(path, busy_timeout), waiting)
                store = cls(conn, path, False, warnings, data_dir)
                store.waiting = waiting
                store.recover_unsaved()
                return store
            except _NewerSchema as exc:
                if not writable:
                    return cls(_snapshot(path), path, True, warnings, data_dir, writable=False)
                return read_only(f"marks file {path} was written by a newer tui-reader (schema {exc.args[0]})")
            except FileNotFoundError:
                if not writable:  # gone, or not set up yet by the program creating it: no marks yet
                    return cls(_memory_db(), None, True, warnings, data_dir, writable=False)
                return read_only(f"cannot write marks file {path} (it vanished while being opened)")
            except (sqlite3.Error, OSError) as exc:
                if not _is_corrupt(exc) or attempt:
                    if not writable:  # e.g. a WAL file in a folder where its -shm cannot be made: read a copy
                        if not os.access(data_dir, os.W_OK):
                            warnings.append(f"data directory {data_dir} is not writable; marks will not be saved")
                        else:
                            warnings.append(f"cannot read marks file {path} ({_reason(exc)})")
                        return cls(_snapshot(path), path, True, warnings, data_dir, writable=False)
                    if not os.access(data_dir, os.W_OK):  # say so plainly rather than "unable to open database file"
                        return read_only(f"data directory {data_dir} is not writable")
                    return read_only(f"cannot write marks file {path} ({_reason(exc)})")
                damage = _reason(exc)
            # Damaged: move it aside (if it is still the file we examined), then start afresh.
            try:
                if checked is not None and _still_same_file(path, checked):  # another instance may have won
                    aside = _move_aside(path)
                    warnings.append(
                        f"marks file {path} was damaged ({damage}); moved it to {aside} and started a new one"
                    )
            except OSError as exc:
                warnings.append(
                    f"marks file {path} is damaged ({damage}) and cannot be moved aside ({_reason(exc)}); "
                    "marks will not be saved"
                )
                return cls(_memory_db(), None, True, warnings, data_dir)
        raise AssertionError("unreachable")

    # -- reading ------------------------------------------------------------------------------------------

    def get(self, paper_id: str) -> Mark:
        with self._lock:
            return _mark_of(self._conn, paper_id)

    def all(self) -> dict[str, Mark]:
        """Every stored mark, including those of papers no longer in the corpus."""
        with self._lock:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM marks").fetchall()
        with _gc_paused():
            return _marks_from_rows(rows)

    def read_ids(self) -> set[str]:
        """Ids of the papers marked read: about 3x cheaper than ``all()`` when only flags are needed."""
        return self._ids("read")

    def starred_ids(self) -> set[str]:
        """Ids of the starred papers."""
        return self._ids("starred")

    def _ids(self, column: str) -> set[str]:
        # One joined string instead of a row per paper; ids never hold whitespace (checked on every write).
        with self._lock:
            query = f"SELECT group_concat(paper_id, ' ') FROM marks WHERE {column} = 1"
            joined = self._conn.execute(query).fetchone()[0]
        return set(joined.split(" ")) if joined else set()

    def changed_elsewhere(self) -> bool:
        """True once after another connection (another reader, ``tui-reader mark``) committed a change.

        Cheap enough to poll: SQLite's ``data_version`` changes only with other connections' commits."""
        with self._lock:
            try:
                version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                return False
        seen, self._data_version = self._data_version, version
        return seen is not None and version != seen

    # -- changing -----------------------------------------------------------------------------------------

    def set_read(self, paper_id: str, value: bool) -> Mark:
        return self._update(paper_id, lambda m, now: _with_read(m, bool(value), now))

    def set_starred(self, paper_id: str, value: bool) -> Mark:
        return self._update(paper_id, lambda m, now: _with_starred(m, bool(value), now))

    def toggle_read(self, paper_id: str) -> Mark:
        return self._update(paper_id, lambda m, now: _with_read(m, not m.read, now))

    def toggle_starred(self, paper_id: str) -> Mark:
        return self._update(paper_id, lambda m, now: _with_starred(m, not m.starred, now))

    def _update(self, paper_id: str, change: Callable[[Mark, float], Mark]) -> Mark:
        """Read, change and write one mark in a single transaction (correct with other instances writing)."""
        _check_id(paper_id)

        def step(conn: sqlite3.Connection) -> Mark:
            old = _mark_of(conn, paper_id)
            new = change(old, time.time())
            if new != old:
                conn.execute(_UPSERT, _mark_row(paper_id, new))
            return new

        return self._write(step)

    def apply(self, changes: Sequence[Change]) -> dict[str, Mark]:
        """Save changes the user made (in order, one transaction); returns the resulting mark of each paper."""
        for change in changes:
            _check_id(change.paper_id)

        def step(conn: sqlite3.Connection) -> dict[str, Mark]:
            marks: dict[str, Mark] = {}
            for change in changes:
                old = marks.get(change.paper_id) or _mark_of(conn, change.paper_id)
                marks[change.paper_id] = new = change.applied_to(old)
                if new != old:
                    conn.execute(_UPSERT, _mark_row(change.paper_id, new))
            return marks

        return self._write(step)

    def recover_unsaved(self) -> int:
        """Save the changes journalled by readers that ended before the marks file would take them (another
        program held its lock). A journal still held by a running reader is left to it. Returns how many
        changes still won (a change already saved, or overtaken by a newer one, changes nothing)."""
        if self.read_only or self.data_dir is None:
            return 0
        recovered = 0
        for journal in Journal.orphans(self.data_dir):
            with journal:
                changes = journal.read()
                try:
                    self._write(partial(_replay, changes=changes))
                except StoreBusy:
                    continue  # still locked: the next opening tries again; the journal stays
                if self._saving_failed():
                    return recovered  # saving failed for good: keep the journal for a later run
                recovered += sum(1 for _ in changes)
                journal.remove()
        return recovered

    def export(self) -> list[dict[str, object]]:
        """All marks as JSON-able records, sorted by id: ``{id, read, starred, read_at, starred_at}``."""
        return [
            {"id": pid, "read": m.read, "starred": m.starred, "read_at": m.read_at, "starred_at": m.starred_at}
            for pid, m in sorted(self.all().items())
        ]

    def import_(self, records: object) -> int:
        """Merge exported records: per flag, the later change wins. Returns how many papers' flags changed.

        Raises ValueError (naming the record) for malformed input; nothing is imported then.
        """
        incoming = _parse_records(records)

        def step(conn: sqlite3.Connection) -> int:
            existing = {row[0]: row[1:] for row in conn.execute(f"SELECT {_COLUMNS} FROM marks")}
            changed = 0
            rows = []
            for paper_id, theirs in incoming.items():
                ours = _row_to_mark(existing.get(paper_id))
                merged = _merge(ours, theirs)
                if merged != ours:
                    rows.append(_mark_row(paper_id, merged))
                    changed += (merged.read, merged.starred) != (ours.read, ours.starred)
            conn.executemany(_UPSERT, rows)
            return changed

        return self._write(step)

    # -- writing, with recovery ---------------------------------------------------------------------------

    def _write(self, step: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``step`` in a write transaction. While another program holds the write lock, try again for as
        long as ``self.waiting`` says (then StoreBusy, nothing written, still writable); if saving fails for
        another reason (disk full, file gone bad), carry on in memory (read-only) and say so."""
        if not self.writable:
            raise RuntimeError("this marks store was opened for reading only")
        with self._lock:
            try:
                result = _retrying(lambda: self._commit(step), self.waiting)
            except StoreBusy:
                raise
            except sqlite3.IntegrityError:
                raise
            except (sqlite3.Error, OSError) as exc:
                if self.read_only:
                    raise  # the in-memory database failing is a bug, not a disk problem
                self._go_read_only(f"could not save marks to {self.path} ({_reason(exc)})")
                result = self._commit(step)
            if self.read_only and not self._told_unsaved:
                self._told_unsaved = True
                self.warnings.append("marks changed now will be lost when tui-reader exits")
            return result

    def _commit(self, step: Callable[[sqlite3.Connection], T]) -> T:
        with _transaction(self._conn):
            return step(self._conn)

    def _saving_failed(self) -> bool:
        """Read again after a write: ``_write`` may have turned the store read-only (mypy cannot see it)."""
        return self.read_only

    def _go_read_only(self, reason: str) -> None:
        """Saving failed mid-session: continue on an in-memory copy of the marks so far."""
        mem = _memory_db()
        try:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM marks").fetchall()
            with _transaction(mem):
                mem.executemany(_UPSERT, rows)
        except sqlite3.Error:
            pass
        with suppress(sqlite3.Error):
            self._conn.close()
        self._conn = mem
        self.read_only = True
        self.warnings.append(f"{reason}; marks will not be saved")

    # -- closing ------------------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> MarkStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------------------
# The journal of changes not yet saved

UNSAVED_DIR = "unsaved"  # in the data dir: one journal per running reader, <pid>-<start time>.jsonl


class Journal:
    """An append-only file of changes a reader has accepted but not yet committed to the marks file (another
    program holds its lock, or it is still being written). Each change is on disk (fsync) before the reader
    tries to commit it, so neither a quit, a crash nor ``kill -9`` while the lock is held loses it: the next
    opening of the store replays it (``MarkStore.recover_unsaved``). The owner holds an exclusive ``flock`` on
    it while it runs, which tells others it is not an orphan."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self._fd = path, fd
        self.empty = os.fstat(fd).st_size == 0

    @classmethod
    def create(cls, data_dir: Path) -> Journal:
        folder = data_dir / UNSAVED_DIR
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{os.getpid()}-{time.time_ns()}.jsonl"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return cls(path, fd)

    @classmethod
    def orphans(cls, data_dir: Path) -> Iterator[Journal]:
        """Journals whose reader has ended (their lock is free), locked for the caller."""
        folder = data_dir / UNSAVED_DIR
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return
        for name in names:
            if not name.endswith(".jsonl"):
                continue
            try:
                fd = os.open(folder / name, os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)  # its reader still runs
                continue
            yield cls(folder / name, fd)

    def append(self, changes: Sequence[Change]) -> None:
        import json

        lines = "".join(
            json.dumps({"id": c.paper_id, "field": c.field, "value": c.value, "at": c.at}) + "\n" for c in changes
        )
        os.write(self._fd, lines.encode())
        os.fsync(self._fd)
        self.empty = False

    def read(self) -> list[Change]:
        """The journalled changes; a line cut short by a crash, or not ours, is skipped."""
        import json

        data = os.pread(self._fd, JOURNAL_MAX_BYTES, 0)
        changes = []
        for line in data.decode("utf-8", "replace").splitlines():
            try:
                record = json.loads(line)
                change = Change(
                    _check_id(record["id"]), record["field"], record["value"], _check_time(record["at"], "at") or 0.0
                )
            except (ValueError, KeyError, TypeError, RecursionError):
                continue
            if change.field in ("read", "starred") and isinstance(change.value, bool):
                changes.append(change)
        return changes

    def clear(self) -> None:
        """Everything journalled is committed."""
        if not self.empty:
            os.ftruncate(self._fd, 0)
            self.empty = True

    def remove(self) -> None:
        with suppress(OSError):
            os.unlink(self.path)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # releases the lock
            self._fd = -1

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


JOURNAL_MAX_BYTES = 64 * 1024 * 1024  # a journal is a few lines; never read more than this


def _with_unsaved_changes(conn: sqlite3.Connection, data_dir: Path) -> sqlite3.Connection:
    """A reading connection, or (when readers that ended left journals not yet replayed) an in-memory copy with
    their changes laid over it: what ``list`` shows is what the next writable opening will hold."""
    changes = []
    for journal in Journal.orphans(data_dir):
        with journal:
            changes.extend(journal.read())
    if not changes:
        return conn
    mem = _memory_db()
    with _transaction(mem):
        mem.executemany(_UPSERT, conn.execute(f"SELECT {_COLUMNS} FROM marks").fetchall())
        _replay(mem, changes)
    conn.close()
    return mem


def _replay(conn: sqlite3.Connection, changes: Sequence[Change]) -> None:
    """Journalled changes, each only if it is still newer than what the file holds (replaying twice is harmless)."""
    for change in changes:
        old = _mark_of(conn, change.paper_id)
        if change.is_newer_than(old):
            flag: dict[str, Any] = {change.field: change.value, f"{change.field}_at": change.at}
            new = replace(old, **flag)
            conn.execute(_UPSERT, _mark_row(change.paper_id, new))


# ---------------------------------------------------------------------------------------------------------
# Mark arithmetic


def _later(now: float, previous: float | None) -> float:
    """A local change is always newer than the one it replaces, even if the clock went back."""
    return now if previous is None or now > previous else math.nextafter(previous, math.inf)


def _with_read(mark: Mark, value: bool, now: float) -> Mark:
    return mark if mark.read == value else replace(mark, read=value, read_at=_later(now, mark.read_at))


def _with_starred(mark: Mark, value: bool, now: float) -> Mark:
    return mark if mark.starred == value else replace(mark, starred=value, starred_at=_later(now, mark.starred_at))


def _merge(ours: Mark, theirs: Mark) -> Mark:
    """Per flag, keep the later change; a record without a time only beats a flag that never changed."""

    def wins(their_at: float | None, our_at: float | None) -> bool:
        return our_at is None or (their_at or 0.0) > our_at

    read, read_at = (theirs.read, theirs.read_at) if wins(theirs.read_at, ours.read_at) else (ours.read, ours.read_at)
    starred, starred_at = (
        (theirs.starred, theirs.starred_at)
        if wins(theirs.starred_at, ours.starred_at)
        else (ours.starred, ours.starred_at)
    )
    return Mark(read, starred, read_at, starred_at)


def _parse_records(records: object) -> dict[str, Mark]:
    """Validate exported records; raises ValueError naming the first bad one, in one short line whatever the
    input (a value may be a 60 MB string or an array nested 900 deep: messages never show it whole).
    Records of the same id are merged as imports are: per flag, the later change wins."""

    def brief(value: object) -> str:
        if isinstance(value, str):
            return repr(value) if len(value) <= 40 else f"{value[:30]!r}... ({len(value)} characters)"
        if value is None or isinstance(value, bool):
            return {None: "null", True: "true", False: "false"}[value]
        if isinstance(value, float) or (isinstance(value, int) and value.bit_length() <= 64):
            return repr(value)
        return {int: "a huge number", list: "an array", dict: "an object"}.get(type(value), type(value).__name__)

    if not isinstance(records, list):
        raise ValueError(f"expected a JSON array of marks, not {brief(records)}")
    parsed: dict[str, Mark] = {}
    for n, record in enumerate(records, 1):
        try:
            if not isinstance(record, dict):
                raise ValueError(f"not an object but {brief(record)}")
            if "id" not in record:
                raise ValueError("no paper id")
            paper_id = record["id"]
            if not isinstance(paper_id, str) or len(paper_id) > MAX_ID_LENGTH:
                raise ValueError(f"not a paper id: {brief(paper_id)}")
            _check_id(paper_id)
            flags = {}
            for key in ("read", "starred"):
                value = record.get(key, False)
                if not isinstance(value, bool):
                    raise ValueError(f"{key} must be true or false, not {brief(value)}")
                flags[key] = value
            mark = Mark(
                flags["read"],
                flags["starred"],
                _check_time(record.get("read_at"), "read_at"),
                _check_time(record.get("starred_at"), "starred_at"),
            )
        except ValueError as exc:
            raise ValueError(f"mark #{n}: {exc}") from None
        previous = parsed.get(paper_id)
        parsed[paper_id] = mark if previous is None else _merge(previous, mark)
    return parsed
