"""Opening the marks file safely, and the SQLite mechanics every write goes through.

Opening never raises for a bad file or directory (only StoreBusy, when told to stop waiting for a lock):
``open_writable`` creates and migrates the file; a damaged file is moved aside, never deleted, and a fresh one
started (``set_aside``); an unwritable directory or a file of a newer tui-reader gives an in-memory copy whose
changes are never saved (``cannot_save``). ``open_reading`` never takes a write lock and never creates the file.
Either way the opening appends one-line messages for the user to ``warnings``.

Every write is one ``BEGIN IMMEDIATE`` transaction (``transaction``), tried again while another program holds
the write lock for as long as the caller's ``Waiting`` agrees (``retrying``, then StoreBusy).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, TypeVar

from tui_reader.library.journal import Journal
from tui_reader.library.schema import (
    COLUMNS,
    DB_NAME,
    SCHEMA_VERSION,
    UPSERT,
    V1_COLUMNS,
    MarkRow,
    NewerSchema,
    NotMarksFile,
    all_rows,
    migrate,
)

__all__ = ["BUSY_TIMEOUT_S", "WRITE_PATIENCE_S", "Opened", "StoreBusy", "Waiting", "open_reading", "open_writable"]

T = TypeVar("T")

BUSY_TIMEOUT_S = 2.0  # sqlite waits this long for another instance's write lock in one try ...
WRITE_PATIENCE_S = 60.0  # ... and by default we try again until this long has passed (then StoreBusy)


class StoreBusy(Exception):
    """Another program held the marks file's write lock longer than the caller was willing to wait; nothing
    was written, and the store stays writable."""


Waiting = Callable[[float], bool]  # seconds waited for a lock so far -> keep waiting?


def wait_a_while(waited: float) -> bool:
    return waited < WRITE_PATIENCE_S


# ---------------------------------------------------------------------------------------------------------
# Errors


def _errname(exc: BaseException) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, NotMarksFile) or _errname(exc).startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))


def is_busy(exc: BaseException) -> bool:
    return _errname(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def reason(exc: BaseException, folder: Path | None = None) -> str:
    """A one-line description of an OS or SQLite error. When the disk holding ``folder`` is full, that is the
    reason, whatever SQLite calls it ("disk I/O error" when its shared memory file cannot grow)."""
    if folder is not None and _disk_full(folder):
        return "no space left on device"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__


def _disk_full(folder: Path) -> bool:
    for place in (folder, *folder.parents):
        try:
            return os.statvfs(place).f_bavail == 0
        except OSError:
            continue
    return False


# ---------------------------------------------------------------------------------------------------------
# Connections and transactions


def connect(target: str, uri: bool = False, timeout: float | None = None) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves. check_same_thread=False: calls are serialised
    # by MarkStore's lock, so an app may call from a worker thread.
    timeout = BUSY_TIMEOUT_S if timeout is None else timeout
    return sqlite3.connect(target, timeout=timeout, isolation_level=None, uri=uri, check_same_thread=False)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
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


def retrying(attempt: Callable[[], T], waiting: Waiting) -> T:
    """``attempt()`` again while another program holds the write lock, for as long as ``waiting`` agrees."""
    started = time.monotonic()
    tries = 0
    while True:
        try:
            return attempt()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
        tries += 1
        if not waiting(time.monotonic() - started):
            raise StoreBusy("the marks file is locked by another program")
        # back off a little more each time (SQLite already waited its busy timeout), at most a second
        time.sleep(min(1.0, 0.02 * tries))


def committed(conn: Callable[[], sqlite3.Connection], step: Callable[[sqlite3.Connection], T], waiting: Waiting) -> T:
    """``step`` run in one write transaction on ``conn()``, tried again while the file is locked (``retrying``)."""

    def attempt() -> T:
        connection = conn()
        with transaction(connection):
            return step(connection)

    return retrying(attempt, waiting)


def memory_db() -> sqlite3.Connection:
    conn = connect(":memory:")
    with transaction(conn):
        migrate(conn)
    return conn


def memory_copy(rows: list[MarkRow]) -> sqlite3.Connection:
    """An in-memory marks database holding ``rows``."""
    mem = memory_db()
    with transaction(mem):
        mem.executemany(UPSERT, rows)
    return mem


def snapshot(path: Path) -> sqlite3.Connection:
    """An in-memory copy of whatever marks can still be read from ``path`` (empty if none)."""
    mem = memory_db()
    if not path.is_file():
        return mem
    uri = path.resolve().as_uri()
    for query in ("?mode=ro", "?mode=ro&immutable=1"):  # immutable: no -shm needed, for read-only dirs
        try:
            src = connect(uri + query, uri=True)
            try:
                rows = all_rows(src)
            finally:
                src.close()
        except sqlite3.Error:
            continue
        with transaction(mem):
            mem.executemany(UPSERT, rows)
        break
    return mem


def open_file(path: Path, busy_timeout: float | None = None) -> sqlite3.Connection:
    """Open, verify and migrate the marks file; raises sqlite3/OS errors and NewerSchema."""
    conn = connect(str(path), timeout=busy_timeout)
    try:
        # The checks and the creation run in one write transaction: a process that finds the file while another
        # is still creating it waits for that transaction, instead of judging a half-made file damaged (and
        # moving it aside while the creator keeps writing into it). The checks only read, so a file we refuse is
        # rolled back and moved aside (or left alone) unchanged.
        with transaction(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise NewerSchema(version)
            check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            if check != "ok":
                raise NotMarksFile(f"integrity check failed: {check}")
            if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise NotMarksFile("an SQLite file with other tables, not a marks file")
            migrate(conn)
        conn.execute("PRAGMA journal_mode = WAL").fetchone()  # not allowed inside a transaction
        conn.execute("PRAGMA synchronous = FULL")  # a commit survives power loss, not just a crash
    except BaseException:
        conn.close()
        raise
    return conn


def open_file_reading(path: Path) -> sqlite3.Connection:
    """A connection that can only read (no write lock, ever): for commands that only look at marks."""
    uri = path.resolve().as_uri()
    conn = connect(uri + "?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise NewerSchema(version)
        if version == 0 and not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise FileNotFoundError(path)  # created but not yet set up by its creator: no marks yet
        rows: list[MarkRow] = []
        try:
            if version < SCHEMA_VERSION:
                conn.execute(f"SELECT {V1_COLUMNS} FROM marks LIMIT 0")
                rows = all_rows(conn)
            else:
                conn.execute(f"SELECT {COLUMNS} FROM marks LIMIT 0")
        except sqlite3.OperationalError as exc:
            raise NotMarksFile(f"not a marks file ({exc})") from None
        if version < SCHEMA_VERSION:  # an older file, not migrated yet (reading never writes): a migrated copy
            conn.close()
            return memory_copy(rows)
    except BaseException:
        conn.close()
        raise
    return conn


def with_unsaved_changes(conn: sqlite3.Connection, data_dir: Path) -> sqlite3.Connection:
    """A reading connection, or (when readers that ended left journals not yet replayed) an in-memory copy with
    their changes laid over it: what ``list`` shows is what the next writable opening will hold."""
    changes = []
    for journal in Journal.orphans(data_dir):
        with journal:
            changes.extend(journal.read())
    if not changes:
        return conn
    from tui_reader.library.history import apply_changes  # only when there is something to lay over

    mem = memory_db()
    with transaction(mem):
        mem.executemany(UPSERT, conn.execute(f"SELECT {COLUMNS} FROM marks").fetchall())
        apply_changes(mem, changes, only_newer=True)
    conn.close()
    return mem


# ---------------------------------------------------------------------------------------------------------
# Opening: writable, reading only, and the recovery of a damaged file


class Opened(NamedTuple):
    """What an opening gives the store: ``read_only`` when changes cannot be saved (``path`` None: no file
    behind it), ``writable`` False when opened for reading only."""

    conn: sqlite3.Connection
    path: Path | None
    read_only: bool
    writable: bool = True


def open_writable(data_dir: Path, warnings: list[str], waiting: Waiting, busy_timeout: float | None = None) -> Opened:
    """Open (creating if needed) the marks file in ``data_dir`` for writing; StoreBusy when ``waiting`` gives up
    on another program's lock. Whatever else goes wrong gives a read-only store, and says why in ``warnings``."""
    path = data_dir / DB_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return cannot_save(path, f"cannot create data directory {data_dir} ({reason(exc, data_dir)})", warnings)
    for attempt in range(2):  # a second go after moving a bad file aside
        checked = None
        try:
            checked = os.stat(path) if os.path.lexists(path) else None
            refuse_other_kinds(path, checked)
            conn = retrying(lambda: open_file(path, busy_timeout), waiting)
            return Opened(conn, path, read_only=False)
        except NewerSchema as exc:
            return cannot_save(
                path, f"marks file {path} was written by a newer tui-reader (schema {exc.args[0]})", warnings
            )
        except FileNotFoundError:
            return cannot_save(path, f"cannot write marks file {path} (it vanished while being opened)", warnings)
        except (sqlite3.Error, OSError) as exc:
            if not is_corrupt(exc) or attempt:
                if not os.access(data_dir, os.W_OK):  # say so plainly rather than "unable to open database file"
                    return cannot_save(path, f"data directory {data_dir} is not writable", warnings)
                return cannot_save(path, f"cannot write marks file {path} ({reason(exc, data_dir)})", warnings)
            damage = reason(exc)
        if not set_aside(path, checked, damage, warnings):
            return Opened(memory_db(), None, read_only=True)
    raise AssertionError("unreachable")


def open_reading(data_dir: Path, warnings: list[str]) -> Opened:
    """Open the marks file in ``data_dir`` for reading only: never takes a write lock, never waits for one, and
    never creates the file (no file: no marks). Changes journalled by readers that ended are shown over it."""
    path = data_dir / DB_NAME
    for attempt in range(2):  # a second go after moving a bad file aside
        checked = None
        try:
            checked = os.stat(path) if os.path.lexists(path) else None
            refuse_other_kinds(path, checked)
            if checked is None:
                problem = _why_not_creatable(data_dir)
                if problem:
                    warnings.append(f"cannot create data directory {data_dir} ({problem}); marks will not be saved")
                return Opened(memory_db(), None, read_only=True, writable=False)
            return Opened(with_unsaved_changes(open_file_reading(path), data_dir), path, True, writable=False)
        except NewerSchema:
            return Opened(snapshot(path), path, read_only=True, writable=False)
        except FileNotFoundError:  # gone, or not set up yet by the program creating it: no marks yet
            return Opened(memory_db(), None, read_only=True, writable=False)
        except (sqlite3.Error, OSError) as exc:
            if not is_corrupt(exc) or attempt:  # e.g. a WAL file in a folder where its -shm cannot be made
                if not os.access(data_dir, os.W_OK):
                    warnings.append(f"data directory {data_dir} is not writable; marks will not be saved")
                else:
                    warnings.append(f"cannot read marks file {path} ({reason(exc)})")
                return Opened(snapshot(path), path, read_only=True, writable=False)
            damage = reason(exc)
        if not set_aside(path, checked, damage, warnings):
            return Opened(memory_db(), None, read_only=True)
    raise AssertionError("unreachable")


def cannot_save(path: Path, why: str, warnings: list[str]) -> Opened:
    """The marks file cannot be written: a copy of what can be read from it, in memory, never saved."""
    warnings.append(f"{why}; marks will not be saved")
    return Opened(snapshot(path), path if path.is_file() else None, read_only=True)


def refuse_other_kinds(path: Path, checked: os.stat_result | None) -> None:
    """NotMarksFile when something else than an SQLite file is in the marks file's place (``checked``: its
    status, None when there is none)."""
    if checked is not None and not stat.S_ISREG(checked.st_mode):
        raise NotMarksFile("a directory" if stat.S_ISDIR(checked.st_mode) else "not a regular file")
    if checked is not None and checked.st_size and not _has_sqlite_header(path):
        raise NotMarksFile("not an SQLite file")  # decided before SQLite could touch its -wal


def set_aside(path: Path, checked: os.stat_result | None, damage: str, warnings: list[str]) -> bool:
    """A damaged marks file moved aside (if it is still the file examined: another instance may have won), so a
    fresh one can start; False when it cannot be moved (marks cannot be saved)."""
    try:
        if checked is not None and _still_same_file(path, checked):
            aside = _move_aside(path)
            warnings.append(f"marks file {path} was damaged ({damage}); moved it to {aside} and started a new one")
    except OSError as exc:
        warnings.append(
            f"marks file {path} is damaged ({damage}) and cannot be moved aside ({reason(exc)}); "
            "marks will not be saved"
        )
        return False
    return True


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
