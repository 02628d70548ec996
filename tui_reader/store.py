"""Everything the user writes about papers, in SQLite: read/starred marks, notes and tags, and the history that
undo and redo walk. Committed before a call returns, safe with two instances, never lost.

One file, ``marks.db`` in the data directory, one row per paper id (papers that left the corpus keep theirs).
``MarkStore.open`` never raises for a bad file or directory: a damaged file is moved aside (never deleted)
and a fresh one started; an unwritable directory gives a read-only store whose changes live in memory only.
Either way ``warnings`` holds one-line messages for the user.

Each field of a paper (read, starred, note, tags) keeps the time it last changed (``*_at``) and, when the change
came from another device through sync (tui_reader/sync.py), that device's id: what last-writer-wins merging needs.
"""

from __future__ import annotations

import fcntl
import gc
import json
import math
import os
import re
import sqlite3
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from tui_reader.safe_text import strip_controls

__all__ = [
    "DB_NAME",
    "FIELDS",
    "SCHEMA_VERSION",
    "Change",
    "HistoryEntry",
    "Mark",
    "MarkStore",
    "Remote",
    "StoreBusy",
    "Undone",
    "check_id",
    "clean_note",
    "clean_tags",
    "default_data_dir",
    "migrate",
]

T = TypeVar("T")
# paper_id, read, starred, read_at, starred_at, note, note_at, tags (space-separated), tags_at
MarkRow = tuple[str, int, int, float | None, float | None, str | None, float | None, str, float | None]
Value = bool | str | None | tuple[str, ...]  # read/starred: bool; note: str or None (no note); tags: sorted tuple

DB_NAME = "marks.db"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 2.0  # sqlite waits this long for another instance's write lock in one try ...
WRITE_PATIENCE_S = 60.0  # ... and by default we try again until this long has passed (then StoreBusy)
MAX_ID_LENGTH = 200
FIELDS = ("read", "starred", "note", "tags")
MAX_NOTE_CHARS = 100_000
MAX_TAG_CHARS = 40
MAX_TAGS = 50  # on one paper
HISTORY_KEEP = 200  # undo history: the last this many batches survive a restart

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
    2: (
        "ALTER TABLE marks ADD COLUMN note TEXT",
        "ALTER TABLE marks ADD COLUMN note_at REAL",
        "ALTER TABLE marks ADD COLUMN tags TEXT NOT NULL DEFAULT ''",  # space-separated, sorted
        "ALTER TABLE marks ADD COLUMN tags_at REAL",
        # the device whose change a field holds, when another device's (merged by sync); no row: this device
        """CREATE TABLE origins (
            paper_id TEXT NOT NULL,
            field    TEXT NOT NULL,
            device   TEXT NOT NULL,
            PRIMARY KEY (paper_id, field)
        ) WITHOUT ROWID""",
        # one row per batch of user changes: [[paper_id, field, before, after], ...] as JSON
        """CREATE TABLE history (
            seq     INTEGER PRIMARY KEY AUTOINCREMENT,
            at      REAL NOT NULL,
            changes TEXT NOT NULL,
            undone  INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
        )""",
        # this device's changes not yet written to its sync log (kept only once sync has been set up)
        """CREATE TABLE outbox (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            paper_id TEXT NOT NULL,
            field    TEXT NOT NULL,
            value    TEXT NOT NULL,
            at       REAL NOT NULL
        )""",
        # how far each other device's sync log has been read
        """CREATE TABLE sync_logs (
            path   TEXT PRIMARY KEY NOT NULL,
            inode  INTEGER NOT NULL,
            offset INTEGER NOT NULL
        )""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
    ),
}

_V1_COLUMNS = "paper_id, read, starred, read_at, starred_at"
_COLUMNS = "paper_id, read, starred, read_at, starred_at, note, note_at, tags, tags_at"
_UPSERT = f"INSERT OR REPLACE INTO marks ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"


@dataclass(frozen=True, slots=True)
class Mark:
    """What the user wrote about one paper; ``*_at`` is the unix time that field last changed (None: never)."""

    read: bool = False
    starred: bool = False
    read_at: float | None = None
    starred_at: float | None = None
    note: str | None = None
    note_at: float | None = None
    tags: tuple[str, ...] = ()
    tags_at: float | None = None


NO_MARK = Mark()


# ---------------------------------------------------------------------------------------------------------
# Notes and tags: what may be stored

TAG_PATTERN = re.compile(r"[^\W_](?:[\w.\-/]*[^\W_])?")
TAG_RULE = (
    f"a tag is one word of up to {MAX_TAG_CHARS} letters, digits and - _ . / (starting and ending with a letter "
    "or digit), e.g. rl-theory"
)


def clean_note(text: str | None) -> str | None:
    """A note as stored: controls other than newline and tab removed (so it is safe to show), line ends as
    ``\\n``, trailing whitespace dropped; an empty note is no note (None). ValueError when too long."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError(f"a note must be text, not {type(text).__name__}")
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n")).rstrip()
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"note too long ({len(text):,} characters; at most {MAX_NOTE_CHARS:,})")
    return text or None


def clean_tag(tag: str) -> str:
    """One tag, trimmed; ValueError (one line) when it breaks TAG_RULE."""
    if not isinstance(tag, str):
        raise ValueError(f"a tag must be text, not {type(tag).__name__}")
    tag = tag.strip()
    if not tag or len(tag) > MAX_TAG_CHARS or not TAG_PATTERN.fullmatch(tag):
        shown = strip_controls(tag)[: MAX_TAG_CHARS + 5]
        raise ValueError(f"bad tag {shown!r}: {TAG_RULE}")
    return tag


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as stored: each checked (clean_tag), unique ignoring case (the first spelling kept), sorted ignoring
    case. ValueError for a bad tag or too many."""
    if isinstance(tags, str):
        raise ValueError("tags must be a list of words, not one string")
    kept: dict[str, str] = {}
    for tag in tags:
        tag = clean_tag(tag)
        kept.setdefault(tag.casefold(), tag)
    if len(kept) > MAX_TAGS:
        raise ValueError(f"too many tags ({len(kept)}; at most {MAX_TAGS} on a paper)")
    return tuple(kept[key] for key in sorted(kept))


def clean_value(field_name: str, value: object) -> Value:
    """``value`` checked (and cleaned, for notes and tags) for ``field_name``; ValueError in one line if wrong."""
    if field_name in ("read", "starred"):
        if not isinstance(value, bool):
            raise ValueError(f"{field_name} must be true or false")
        return value
    if field_name == "note":
        if value is not None and not isinstance(value, str):
            raise ValueError("a note must be text or null")
        return clean_note(value)
    if field_name == "tags":
        if not isinstance(value, (list, tuple)):
            raise ValueError("tags must be a list of words")
        return clean_tags(value)
    raise ValueError(f"unknown field {str(field_name)[:20]!r} (one of {', '.join(FIELDS)})")


def _default(field_name: str) -> Value:
    return getattr(NO_MARK, field_name)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------------------
# Changes


@dataclass(frozen=True, slots=True)
class Change:
    """One thing the user set: ``field`` of ``paper_id`` became ``value`` at unix time ``at``.

    ``field`` is one of FIELDS; ``value`` is a bool for read/starred, the note's text or None (no note) for
    note, a tuple of tags for tags (cleaned on creation: ``clean_value``; a bad one raises ValueError).
    ``batch``: changes sharing a non-zero batch number, handed over together, are one step of undo (a bulk
    "mark all read"); batch 0 is a step of its own.
    """

    paper_id: str
    field: str
    value: Value
    at: float
    batch: int = 0

    def __post_init__(self) -> None:
        if self.field in ("read", "starred") and type(self.value) is bool:
            return  # the common case, kept cheap: a bulk mark makes thousands
        object.__setattr__(self, "value", clean_value(self.field, self.value))

    def applied_to(self, mark: Mark) -> Mark:
        """The mark after this change (a change is always newer than the one it replaces, see _later)."""
        return _with(mark, self.field, self.value, self.at)

    def is_newer_than(self, mark: Mark) -> bool:
        """For replaying a journal: does this change still win over what the file holds?"""
        at = getattr(mark, f"{self.field}_at")
        return at is None or self.at > at

    def record(self) -> dict[str, object]:
        """As JSON (the journal's and the sync log's lines): tags as a list."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"id": self.paper_id, "field": self.field, "value": value, "at": self.at}


@dataclass(frozen=True, slots=True)
class Remote:
    """A change another device made, read from its sync log: wins when ``(at, device)`` is the greater."""

    change: Change
    device: str


class MarkFlags(Mapping[str, Mark]):
    """Read/starred flags, notes and tags by paper id, as the search filters want them (``is:read``,
    ``is:starred``, ``note:word``, ``tag:name``)."""

    def __init__(
        self,
        read: set[str] | frozenset[str],
        starred: set[str] | frozenset[str],
        notes: Mapping[str, str] | None = None,
        tags: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.read, self.starred = read, starred
        self.notes: Mapping[str, str] = notes or {}
        self.tags: Mapping[str, tuple[str, ...]] = tags or {}

    def __getitem__(self, paper_id: str) -> Mark:
        read, starred = paper_id in self.read, paper_id in self.starred
        note, tags = self.notes.get(paper_id), self.tags.get(paper_id, ())
        if not (read or starred or note or tags):
            raise KeyError(paper_id)
        return Mark(read=read, starred=starred, note=note, tags=tags)

    def __iter__(self) -> Iterator[str]:
        yield from self._ids()

    def __len__(self) -> int:
        return len(self._ids())

    def _ids(self) -> dict[str, None]:
        return dict.fromkeys([*self.read, *self.starred, *self.notes, *self.tags])


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


def check_id(paper_id: object) -> str:
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


def _tags_of(text: str) -> tuple[str, ...]:
    return tuple(text.split(" ")) if text else ()


def _row_to_mark(row: Sequence[Any] | None) -> Mark:
    """A Mark from ``(read, starred, read_at, starred_at, note, note_at, tags, tags_at)``."""
    if row is None:
        return NO_MARK
    read, starred, read_at, starred_at, note, note_at, tags, tags_at = row
    return Mark(read == 1, starred == 1, read_at, starred_at, note, note_at, _tags_of(tags), tags_at)


# Making 100k Marks through the generated __init__ costs ~1 us each; filling their slots through the slot
# descriptors with map() keeps the loops in C and is about twice as fast. The objects are the same.
_SLOT_NAMES = ("read", "starred", "read_at", "starred_at", "note", "note_at", "tags", "tags_at")
_SLOT_SETTERS = tuple(Mark.__dict__[name].__set__ for name in _SLOT_NAMES)


def _marks_from_rows(rows: list[MarkRow]) -> dict[str, Mark]:
    """``{paper_id: Mark}`` from rows of ``_COLUMNS``."""
    if not rows:
        return {}
    ids, read, starred, read_at, starred_at, note, note_at, tags, tags_at = zip(*rows, strict=True)
    marks = list(map(object.__new__, repeat(Mark, len(ids))))
    columns: tuple[Iterable[Any], ...] = (
        map(bool, read),
        map(bool, starred),
        read_at,
        starred_at,
        note,
        note_at,
        map(_tags_of, tags),
        tags_at,
    )
    for setter, values in zip(_SLOT_SETTERS, columns, strict=True):
        deque(map(setter, marks, values), maxlen=0)
    return dict(zip(ids, marks, strict=True))


def _mark_of(conn: sqlite3.Connection, paper_id: str) -> Mark:
    query = "SELECT read, starred, read_at, starred_at, note, note_at, tags, tags_at FROM marks WHERE paper_id = ?"
    return _row_to_mark(conn.execute(query, (paper_id,)).fetchone())


def _mark_row(paper_id: str, mark: Mark) -> MarkRow:
    return (
        paper_id,
        int(mark.read),
        int(mark.starred),
        mark.read_at,
        mark.starred_at,
        mark.note,
        mark.note_at,
        " ".join(mark.tags),
        mark.tags_at,
    )


def _all_rows(conn: sqlite3.Connection) -> list[MarkRow]:
    """Every row as ``_COLUMNS``, from a file of any schema: a column an older file lacks (schema 1 had no
    notes or tags) reads as its default."""
    present = {row[1] for row in conn.execute("PRAGMA table_info(marks)")}
    defaults = {"note": "NULL", "note_at": "NULL", "tags": "''", "tags_at": "NULL"}
    wanted = [c if c in present else defaults.get(c, "NULL") for c in _COLUMNS.split(", ")]
    return conn.execute(f"SELECT {', '.join(wanted)} FROM marks").fetchall()


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
        rows: list[MarkRow] = []
        try:
            if version < SCHEMA_VERSION:
                conn.execute(f"SELECT {_V1_COLUMNS} FROM marks LIMIT 0")
                rows = _all_rows(conn)
            else:
                conn.execute(f"SELECT {_COLUMNS} FROM marks LIMIT 0")
        except sqlite3.OperationalError as exc:
            raise _NotMarksFile(f"not a marks file ({exc})") from None
        if version < SCHEMA_VERSION:  # an older file, not migrated yet (reading never writes): a migrated copy
            mem = _memory_db()
            with _transaction(mem):
                mem.executemany(_UPSERT, rows)
            conn.close()
            return mem
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
                rows = _all_rows(src)
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
    """Marks, notes and tags keyed by paper id. Every setter commits before it returns, in one transaction with
    its undo history step (and, once sync is set up, its outbox lines).

    Reading: ``get``, ``all``, ``read_ids``, ``starred_ids``, ``notes``, ``tags``, ``all_tags``, ``flags``.
    Changing: ``set_read``/``set_starred``/``toggle_*``, ``set_note``, ``change_tags``, ``apply`` (a batch of
    Changes, what the reader's saver uses), ``import_``; ``undo``/``redo`` walk the history. Sync
    (tui_reader/sync.py): ``publish_all``, ``outbox``/``sent``, ``log_position``, ``merge``.

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

    def notes(self) -> dict[str, str]:
        """Every note, by paper id."""
        with self._lock:
            return dict(self._conn.execute("SELECT paper_id, note FROM marks WHERE note IS NOT NULL"))

    def tags(self) -> dict[str, tuple[str, ...]]:
        """The tags of every tagged paper, by paper id (each paper's sorted, ignoring case)."""
        with self._lock:
            rows = self._conn.execute("SELECT paper_id, tags FROM marks WHERE tags != ''").fetchall()
        return {paper_id: _tags_of(tags) for paper_id, tags in rows}

    def all_tags(self) -> list[str]:
        """Every tag in use, once (the first spelling met), sorted ignoring case: for completion."""
        seen: dict[str, str] = {}
        for tags in self.tags().values():
            for tag in tags:
                seen.setdefault(tag.casefold(), tag)
        return [seen[key] for key in sorted(seen)]

    def flags(self) -> MarkFlags:
        """Everything the search filters look at, as the file holds it."""
        return MarkFlags(frozenset(self.read_ids()), frozenset(self.starred_ids()), self.notes(), self.tags())

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
    # Every change the user makes is one transaction holding the new values, the undo history entry with the
    # values before, and (once sync is set up) the outbox line the sync log will get.

    def set_read(self, paper_id: str, value: bool) -> Mark:
        return self._update(paper_id, "read", lambda m: bool(value))

    def set_starred(self, paper_id: str, value: bool) -> Mark:
        return self._update(paper_id, "starred", lambda m: bool(value))

    def toggle_read(self, paper_id: str) -> Mark:
        return self._update(paper_id, "read", lambda m: not m.read)

    def toggle_starred(self, paper_id: str) -> Mark:
        return self._update(paper_id, "starred", lambda m: not m.starred)

    def set_note(self, paper_id: str, text: str | None) -> Mark:
        """Set (None or blank: remove) the note of a paper; ValueError when the note is too long."""
        note = clean_note(text)
        return self._update(paper_id, "note", lambda m: note)

    def change_tags(self, paper_id: str, add: Iterable[str] = (), remove: Iterable[str] = ()) -> Mark:
        """Add and remove tags (ignoring case) in one transaction; ValueError (one line) for a bad tag, before
        anything is written. A tag added that the paper has in another spelling keeps the old spelling."""
        adding = [clean_tag(tag) for tag in add]
        removing = {clean_tag(tag).casefold() for tag in remove}
        return self._update(
            paper_id, "tags", lambda m: clean_tags([t for t in (*m.tags, *adding) if t.casefold() not in removing])
        )

    def _update(self, paper_id: str, field_name: str, value: Callable[[Mark], Value]) -> Mark:
        """Read, change and write one field in a single transaction (correct with other instances writing)."""
        check_id(paper_id)

        def step(conn: sqlite3.Connection) -> Mark:
            old = _mark_of(conn, paper_id)
            change = Change(paper_id, field_name, value(old), time.time())
            return _apply_changes(conn, [change])[paper_id]

        return self._write(step)

    def apply(self, changes: Sequence[Change]) -> dict[str, Mark]:
        """Save changes the user made (in order, one transaction); returns the resulting mark of each paper.
        Each batch (see Change.batch) that changed something becomes one step of the undo history."""
        for change in changes:
            check_id(change.paper_id)
        return self._write(lambda conn: _apply_changes(conn, changes))

    def undo(self) -> Undone | None:
        """Undo the newest step of the history not undone yet (None: nothing to undo). The values before it come
        back as new changes (so they sync); what another change has overwritten since is set back all the same."""
        return self._write(lambda conn: _walk_history(conn, redo=False))

    def redo(self) -> Undone | None:
        """Redo the step undone last (None: nothing to redo; a change made after an undo drops what could be
        redone, as in every editor)."""
        return self._write(lambda conn: _walk_history(conn, redo=True))

    def history(self) -> list[HistoryEntry]:
        """The steps that can be undone, oldest first."""
        with self._lock:
            rows = self._conn.execute("SELECT changes FROM history WHERE undone = 0 ORDER BY seq").fetchall()
        return [HistoryEntry.from_json(row[0]) for row in rows]

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
                    self._write(partial(_apply_changes, changes=changes, only_newer=True))
                except StoreBusy:
                    continue  # still locked: the next opening tries again; the journal stays
                if self._saving_failed():
                    return recovered  # saving failed for good: keep the journal for a later run
                recovered += len(changes)
                journal.remove()
        return recovered

    def export(self) -> list[dict[str, object]]:
        """All marks as JSON-able records, sorted by id:
        ``{id, read, starred, read_at, starred_at, note, note_at, tags, tags_at}``."""
        return [
            {
                "id": pid,
                "read": m.read,
                "starred": m.starred,
                "read_at": m.read_at,
                "starred_at": m.starred_at,
                "note": m.note,
                "note_at": m.note_at,
                "tags": list(m.tags),
                "tags_at": m.tags_at,
            }
            for pid, m in sorted(self.all().items())
        ]

    def import_(self, records: object) -> int:
        """Merge exported records: per field (read, starred, note, tags), the later change wins. Returns how
        many papers changed. The import is one step of the undo history.

        Raises ValueError (naming the record) for malformed input; nothing is imported then.
        """
        incoming = _parse_records(records)

        def step(conn: sqlite3.Connection) -> int:
            existing = {row[0]: row[1:] for row in _all_rows(conn)}
            tx = _Tx.of(conn)
            changed = 0
            items: list[HistoryItem] = []
            for paper_id, theirs in incoming.items():
                ours = _row_to_mark(existing.get(paper_id))
                merged = _merge(ours, theirs)
                if merged != ours:
                    fields = _put(conn, tx, paper_id, ours, merged)
                    items.extend((paper_id, f, getattr(ours, f), getattr(merged, f)) for f in fields)
                    changed += any(getattr(merged, f) != getattr(ours, f) for f in FIELDS)
            _record(conn, items)
            return changed

        return self._write(step)

    # -- sync (tui_reader/sync.py drives these) ----------------------------------------------------------

    def publish_all(self, key: str) -> bool:
        """The first sync into the folder ``key``: queue everything this device holds for its log (values set
        before changes had times get time 0, so any real change beats them), and from now on queue each change
        (the outbox). True when it was the first time."""
        setting = f"published:{key}"
        with self._lock:  # the usual case, checked without taking the write lock (a poll every few seconds)
            if self._conn.execute("SELECT 1 FROM settings WHERE key = ?", (setting,)).fetchone():
                return False

        def step(conn: sqlite3.Connection) -> bool:
            if conn.execute("SELECT 1 FROM settings WHERE key = ?", (setting,)).fetchone():
                return False
            for name, default in (("read", "read = 1"), ("starred", "starred = 1"), ("note", "note IS NOT NULL")):
                conn.execute(f"UPDATE marks SET {name}_at = 0 WHERE {name}_at IS NULL AND {default}")
            conn.execute("UPDATE marks SET tags_at = 0 WHERE tags_at IS NULL AND tags != ''")
            conn.execute("DELETE FROM outbox")
            own = set(conn.execute("SELECT paper_id, field FROM origins"))
            for paper_id, mark in _marks_from_rows(conn.execute(f"SELECT {_COLUMNS} FROM marks").fetchall()).items():
                for name in FIELDS:
                    at = getattr(mark, f"{name}_at")
                    if at is not None and (paper_id, name) not in own:
                        _queue(conn, Change(paper_id, name, getattr(mark, name), at))
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, '1')", (setting,))
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('syncing', '1')")
            return True

        return self._write(step)

    def outbox(self) -> list[tuple[int, Change]]:
        """This device's changes not yet in its sync log, oldest first, with their queue numbers."""
        with self._lock:
            rows = self._conn.execute("SELECT seq, paper_id, field, value, at FROM outbox ORDER BY seq").fetchall()
        queued = []
        for seq, paper_id, name, value, at in rows:
            loaded = json.loads(value)
            queued.append((seq, Change(paper_id, name, tuple(loaded) if name == "tags" else loaded, at)))
        return queued

    def sent(self, up_to: int) -> None:
        """The outbox up to queue number ``up_to`` is in the sync log (fsync'ed)."""
        self._write(lambda conn: conn.execute("DELETE FROM outbox WHERE seq <= ?", (up_to,)))

    def log_position(self, key: str) -> tuple[int, int] | None:
        """``(inode, offset)``: how far another device's log ``key`` has been read (None: never)."""
        with self._lock:
            row = self._conn.execute("SELECT inode, offset FROM sync_logs WHERE path = ?", (key,)).fetchone()
        return None if row is None else (row[0], row[1])

    def merge(self, remote: Sequence[Remote], own_device: str, log: tuple[str, int, int] | None = None) -> int:
        """Take other devices' changes: per paper and field, the change with the newest time wins, a tie going
        to the greater device id (``own_device`` for this device's own values). ``log``: ``(key, inode, offset)``
        of the log they were read from, saved in the same transaction. Returns how many changes won. Not a
        step of the undo history, and not queued for this device's log."""
        for item in remote:
            check_id(item.change.paper_id)

        def step(conn: sqlite3.Connection) -> int:
            won = 0
            tx = _Tx.of(conn)
            for item in remote:
                change = item.change
                old = _mark_of(conn, change.paper_id)
                at = getattr(old, f"{change.field}_at")
                if at is not None:
                    row = conn.execute(
                        "SELECT device FROM origins WHERE paper_id = ? AND field = ?", (change.paper_id, change.field)
                    ).fetchone()
                    if (change.at, item.device) <= (at, row[0] if row else own_device):
                        continue
                new = _set(old, change.field, change.value, change.at)
                _put(conn, tx, change.paper_id, old, new, origin=item.device)
                won += 1
            if log is not None:
                conn.execute("INSERT OR REPLACE INTO sync_logs (path, inode, offset) VALUES (?, ?, ?)", log)
            return won

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
        """One line for all of ``changes``: a crash mid-write loses the line whole, never half a bulk change."""
        records = [{**c.record(), "batch": c.batch} for c in changes]
        os.write(self._fd, (json.dumps({"changes": records}, ensure_ascii=False) + "\n").encode())
        os.fsync(self._fd)
        self.empty = False

    def read(self) -> list[Change]:
        """The journalled changes; a line cut short by a crash, or not ours, is skipped whole (a line of an older
        tui-reader holds one change)."""
        data = os.pread(self._fd, JOURNAL_MAX_BYTES, 0)
        changes = []
        for line in data.decode("utf-8", "replace").splitlines():
            try:
                record = json.loads(line)
                records = record["changes"] if isinstance(record, dict) and "changes" in record else [record]
                changes.extend([_change_from(item) for item in records])
            except (ValueError, KeyError, TypeError, RecursionError):
                continue
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


def _change_from(record: Mapping[str, Any]) -> Change:
    """A change from its JSON record (journal); ValueError, KeyError or TypeError when it is not one."""
    value = record["value"]
    batch = record.get("batch", 0)
    if not isinstance(batch, int):
        raise TypeError("batch")
    at = _check_time(record["at"], "at") or 0.0
    return Change(check_id(record["id"]), record["field"], value, at, batch)


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
        _apply_changes(mem, changes, only_newer=True)
    conn.close()
    return mem


# ---------------------------------------------------------------------------------------------------------
# Writing inside a transaction: the marks, their origins, the outbox and the history agree


def _apply_changes(conn: sqlite3.Connection, changes: Sequence[Change], only_newer: bool = False) -> dict[str, Mark]:
    """The user's changes, in order, each batch recorded in the history. ``only_newer`` (replaying a journal,
    harmless twice): a change is taken with its own time, and only if it is still newer than what the file
    holds; otherwise each change gets a time later than the value it replaces (see _later)."""
    marks: dict[str, Mark] = {}
    steps: list[list[HistoryItem]] = []
    batch = None
    tx = _Tx.of(conn)
    for change in changes:
        paper_id = change.paper_id
        old = marks.get(paper_id) or _mark_of(conn, paper_id)
        if only_newer:
            new = _set(old, change.field, change.value, change.at) if change.is_newer_than(old) else old
        else:
            new = change.applied_to(old)
        marks[paper_id] = new
        if new == old:
            continue
        _put(conn, tx, paper_id, old, new)
        if not steps or change.batch == 0 or change.batch != batch:
            steps.append([])
        batch = change.batch
        steps[-1].append((paper_id, change.field, getattr(old, change.field), change.value))
    for items in steps:
        _record(conn, items)
    return marks


@dataclass(frozen=True, slots=True)
class _Tx:
    """What one write transaction needs to know once, not per row: is sync set up (queue local changes for the
    log), and has any field come from another device (only then do local changes clear an origin)."""

    syncing: bool
    merged: bool

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> _Tx:
        syncing = conn.execute("SELECT 1 FROM settings WHERE key = 'syncing'").fetchone() is not None
        return cls(syncing, conn.execute("SELECT 1 FROM origins LIMIT 1").fetchone() is not None)


def _put(
    conn: sqlite3.Connection, tx: _Tx, paper_id: str, old: Mark, new: Mark, origin: str | None = None
) -> list[str]:
    """Write ``new`` over ``old``; returns the fields whose time changed. ``origin``: the other device the
    change comes from (None: this device's change, queued for its sync log when sync is set up)."""
    conn.execute(_UPSERT, _mark_row(paper_id, new))
    fields = [name for name in FIELDS if getattr(new, f"{name}_at") != getattr(old, f"{name}_at")]
    for name in fields:
        if origin is not None:
            conn.execute("INSERT OR REPLACE INTO origins VALUES (?, ?, ?)", (paper_id, name, origin))
            continue
        if tx.merged:
            conn.execute("DELETE FROM origins WHERE paper_id = ? AND field = ?", (paper_id, name))
        if tx.syncing:
            _queue(conn, Change(paper_id, name, getattr(new, name), getattr(new, f"{name}_at")))
    return fields


def _queue(conn: sqlite3.Connection, change: Change) -> None:
    value = json.dumps(change.record()["value"], ensure_ascii=False)
    conn.execute(
        "INSERT INTO outbox (paper_id, field, value, at) VALUES (?, ?, ?, ?)",
        (change.paper_id, change.field, value, change.at),
    )


# ---------------------------------------------------------------------------------------------------------
# Undo history

HistoryItem = tuple[str, str, Value, Value]  # paper_id, field, value before, value after


@dataclass(frozen=True)
class HistoryEntry:
    """One step of the undo history: what changed, with the values before and after."""

    items: tuple[HistoryItem, ...]

    @classmethod
    def from_json(cls, text: str) -> HistoryEntry:
        def value(name: str, raw: Any) -> Value:
            return tuple(raw) if name == "tags" else raw

        return cls(tuple((pid, name, value(name, b), value(name, a)) for pid, name, b, a in json.loads(text)))

    def to_json(self) -> str:
        return json.dumps([[pid, name, _jsonable(b), _jsonable(a)] for pid, name, b, a in self.items])

    def phrase(self, title_of: Callable[[str], str] | None = None) -> str:
        """What the step did, in a few words: "starred 1 paper", "marked 412 papers read", "note on <title>".
        ``title_of``: a paper's title from its id (default: the id)."""
        title = title_of or str
        papers = list(dict.fromkeys(pid for pid, _, _, _ in self.items))
        fields = {name for _, name, _, _ in self.items}
        afters = {a for _, name, _, a in self.items if name in ("read", "starred")}
        count = f"{len(papers):,} paper{'' if len(papers) == 1 else 's'}"
        if fields == {"read"} and len(afters) == 1:
            return f"marked {count} {'read' if afters.pop() else 'unread'}"
        if fields == {"starred"} and len(afters) == 1:
            return f"{'starred' if afters.pop() else 'unstarred'} {count}"
        if len(fields) == 1 and fields < {"note", "tags"}:
            what = "note" if fields == {"note"} else "tags"
            return f"{what} on {title(papers[0])}" if len(papers) == 1 else f"{what} on {count}"
        return f"{len(self.items):,} changes on {count}"


@dataclass(frozen=True)
class Undone:
    """A step undone (or redone): ``marks`` holds each paper's mark afterwards."""

    entry: HistoryEntry
    redone: bool
    marks: dict[str, Mark] = field(default_factory=dict)

    def message(self, title_of: Callable[[str], str] | None = None) -> str:
        """The notification: "undone: starred 1 paper" / "redone: note on <title>"."""
        return f"{'redone' if self.redone else 'undone'}: {self.entry.phrase(title_of)}"


def _jsonable(value: Value) -> object:
    return list(value) if isinstance(value, tuple) else value


def _record(conn: sqlite3.Connection, items: list[HistoryItem]) -> None:
    """A new step of the history: what could be redone is dropped, and only the last HISTORY_KEEP steps kept."""
    if not items:
        return
    conn.execute("DELETE FROM history WHERE undone = 1")
    conn.execute("INSERT INTO history (at, changes) VALUES (?, ?)", (time.time(), HistoryEntry(tuple(items)).to_json()))
    conn.execute("DELETE FROM history WHERE seq <= (SELECT max(seq) FROM history) - ?", (HISTORY_KEEP,))


def _walk_history(conn: sqlite3.Connection, redo: bool) -> Undone | None:
    """Undo the newest step not undone, or redo the oldest undone one, as new changes of this device."""
    query = (
        "SELECT seq, changes FROM history WHERE undone = 1 ORDER BY seq LIMIT 1"
        if redo
        else "SELECT seq, changes FROM history WHERE undone = 0 ORDER BY seq DESC LIMIT 1"
    )
    row = conn.execute(query).fetchone()
    if row is None:
        return None
    entry = HistoryEntry.from_json(row[1])
    now = time.time()
    marks: dict[str, Mark] = {}
    tx = _Tx.of(conn)
    for paper_id, name, before, after in entry.items if redo else reversed(entry.items):
        old = marks.get(paper_id) or _mark_of(conn, paper_id)
        marks[paper_id] = new = _with(old, name, after if redo else before, now)
        if new != old:
            _put(conn, tx, paper_id, old, new)
    conn.execute("UPDATE history SET undone = ? WHERE seq = ?", (0 if redo else 1, row[0]))
    return Undone(entry, redo, marks)


# ---------------------------------------------------------------------------------------------------------
# Mark arithmetic


def _later(now: float, previous: float | None) -> float:
    """A local change is always newer than the one it replaces, even if the clock went back."""
    return now if previous is None or now > previous else math.nextafter(previous, math.inf)


def _with(mark: Mark, field_name: str, value: Value, now: float) -> Mark:
    """``mark`` with one field set (and its time, if the value changes)."""
    if getattr(mark, field_name) == value:
        return mark
    return _set(mark, field_name, value, _later(now, getattr(mark, f"{field_name}_at")))


def _set(mark: Mark, field_name: str, value: Value, at: float | None) -> Mark:
    values: dict[str, Any] = {field_name: value, f"{field_name}_at": at}
    return replace(mark, **values)


def _merge(ours: Mark, theirs: Mark) -> Mark:
    """Per field, keep the later change; a record without a time only beats a field that never changed."""
    values: dict[str, Any] = {}
    for name in FIELDS:
        their_at, our_at = getattr(theirs, f"{name}_at"), getattr(ours, f"{name}_at")
        source = theirs if our_at is None or (their_at or 0.0) > our_at else ours
        values[name], values[f"{name}_at"] = getattr(source, name), getattr(source, f"{name}_at")
    return Mark(**values)


def _parse_records(records: object) -> dict[str, Mark]:
    """Validate exported records; raises ValueError naming the first bad one, in one short line whatever the
    input (a value may be a 60 MB string or an array nested 900 deep: messages never show it whole).
    Records of the same id are merged as imports are: per field, the later change wins."""

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
            check_id(paper_id)
            flags = {}
            for key in ("read", "starred"):
                value = record.get(key, False)
                if not isinstance(value, bool):
                    raise ValueError(f"{key} must be true or false, not {brief(value)}")
                flags[key] = value
            note = record.get("note")
            if note is not None and not isinstance(note, str):
                raise ValueError(f"note must be text or null, not {brief(note)}")
            tags = record.get("tags", [])
            if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
                raise ValueError(f"tags must be an array of words, not {brief(tags)}")
            mark = Mark(
                flags["read"],
                flags["starred"],
                _check_time(record.get("read_at"), "read_at"),
                _check_time(record.get("starred_at"), "starred_at"),
                clean_note(note) if note is not None else None,
                _check_time(record.get("note_at"), "note_at"),
                clean_tags(tags) if tags else (),
                _check_time(record.get("tags_at"), "tags_at"),
            )
        except ValueError as exc:
            raise ValueError(f"mark #{n}: {exc}") from None
        previous = parsed.get(paper_id)
        parsed[paper_id] = mark if previous is None else _merge(previous, mark)
    return parsed
