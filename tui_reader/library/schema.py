"""The marks file's schema, its migrations, and how a row becomes a ``Mark`` and back.

One file, ``marks.db``, one row per paper id in ``marks`` (papers that left the corpus keep theirs); beside it
the origins of merged fields, the undo history, the sync outbox, how far other devices' logs have been read,
and settings. ``PRAGMA user_version`` says which schema a file has; ``migrate`` brings it up to date.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from tui_reader.library.model import NO_MARK, Mark

__all__ = ["DB_NAME", "MIGRATIONS", "SCHEMA_VERSION", "migrate"]

# paper_id, read, starred, read_at, starred_at, note, note_at, tags (space-separated), tags_at
MarkRow = tuple[str, int, int, float | None, float | None, str | None, float | None, str, float | None]

DB_NAME = "marks.db"
SCHEMA_VERSION = 4

# Schema changes: version -> statements taking the file from version-1 to version. Never edit a released step;
# add the next one and bump SCHEMA_VERSION.
MIGRATIONS: dict[int, tuple[str | Callable[[sqlite3.Connection], None], ...]] = {
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
    3: (
        # the CRC-32 of the part of another device's log read so far: a log delivered again as a new file, or
        # rewritten in place, is read on from there only if that part is still the same (NULL: not known yet)
        "ALTER TABLE sync_logs ADD COLUMN crc INTEGER",
    ),
    4: (
        # tags merge tag by tag: each tag a paper has or had, with the time it was last added or removed and the
        # device that did it (NULL: this one); marks.tags and tags_at are what these rows add up to
        """CREATE TABLE tag_times (
            paper_id TEXT NOT NULL,
            tag      TEXT NOT NULL,  -- casefolded: the tag's identity
            spelling TEXT NOT NULL,
            present  INTEGER NOT NULL CHECK (present IN (0, 1)),
            at       REAL NOT NULL,
            device   TEXT,
            PRIMARY KEY (paper_id, tag)
        ) WITHOUT ROWID""",
        lambda conn: fill_tag_times(conn),
    ),
}

V1_COLUMNS = "paper_id, read, starred, read_at, starred_at"
COLUMNS = "paper_id, read, starred, read_at, starred_at, note, note_at, tags, tags_at"
UPSERT = f"INSERT OR REPLACE INTO marks ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
IDS_PER_QUERY = 500  # ids bound in one query (SQLite allows 32766 since 3.32, 999 before)


class NotMarksFile(sqlite3.DatabaseError):
    """Something in place of the marks file that is not a usable one (a directory, not SQLite, damaged,
    another program's tables); it gets moved aside."""


class NewerSchema(Exception):
    """The file was written by a newer tui-reader; we must not touch it."""


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema from its ``PRAGMA user_version`` to SCHEMA_VERSION; call inside a write transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise NewerSchema(version)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[target]:
            if callable(statement):
                statement(conn)
            else:
                conn.execute(statement)
    # Always written: it doubles as the probe that the file really is writable.
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    try:
        conn.execute(f"SELECT {COLUMNS} FROM marks LIMIT 0")
    except sqlite3.OperationalError as exc:
        raise NotMarksFile(f"not a marks file ({exc})") from None


def fill_tag_times(conn: sqlite3.Connection) -> None:
    """Each tag a paper has, as a row of tag_times, with its list's time (0: none) and device."""
    origins = dict(conn.execute("SELECT paper_id, device FROM origins WHERE field = 'tags'").fetchall())
    rows = conn.execute("SELECT paper_id, tags, tags_at FROM marks WHERE tags != ''").fetchall()
    conn.executemany(
        "INSERT OR REPLACE INTO tag_times VALUES (?, ?, ?, 1, ?, ?)",
        [(pid, tag.casefold(), tag, at or 0.0, origins.get(pid)) for pid, tags, at in rows for tag in tags_of(tags)],
    )


# ---------------------------------------------------------------------------------------------------------
# Rows and marks


def tags_of(text: str) -> tuple[str, ...]:
    return tuple(text.split(" ")) if text else ()


def row_to_mark(row: Sequence[Any] | None) -> Mark:
    """A Mark from ``(read, starred, read_at, starred_at, note, note_at, tags, tags_at)``."""
    if row is None:
        return NO_MARK
    read, starred, read_at, starred_at, note, note_at, tags, tags_at = row
    return Mark(read == 1, starred == 1, read_at, starred_at, note, note_at, tags_of(tags), tags_at)


def marks_from_rows(rows: list[MarkRow]) -> dict[str, Mark]:
    """``{paper_id: Mark}`` from rows of ``COLUMNS`` (100k in ~60 ms)."""
    return {
        paper_id: Mark(read == 1, starred == 1, read_at, starred_at, note, note_at, tags_of(tags), tags_at)
        for paper_id, read, starred, read_at, starred_at, note, note_at, tags, tags_at in rows
    }


def mark_of(conn: sqlite3.Connection, paper_id: str) -> Mark:
    query = "SELECT read, starred, read_at, starred_at, note, note_at, tags, tags_at FROM marks WHERE paper_id = ?"
    return row_to_mark(conn.execute(query, (paper_id,)).fetchone())


def marks_of(conn: sqlite3.Connection, paper_ids: Iterable[str]) -> dict[str, Mark]:
    """The marks of these papers (NO_MARK for a paper without a row), read a few hundred per query: a step of
    100k papers reads them in ~0.1 s, not one query each."""
    ids = list(dict.fromkeys(paper_ids))
    if len(ids) > IDS_PER_QUERY and _most_of_the_table(conn, len(ids)):  # one scan beats hundreds of lookups
        wanted = set(ids)
        scanned = marks_from_rows([row for row in conn.execute(f"SELECT {COLUMNS} FROM marks") if row[0] in wanted])
        return {paper_id: scanned.get(paper_id, NO_MARK) for paper_id in ids}
    found: dict[str, Mark] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        part = ids[start : start + IDS_PER_QUERY]
        query = f"SELECT {COLUMNS} FROM marks WHERE paper_id IN ({', '.join('?' * len(part))})"
        found.update(marks_from_rows(conn.execute(query, part).fetchall()))
    return {paper_id: found.get(paper_id, NO_MARK) for paper_id in ids}


SCAN_SHARE = 4  # ids of a quarter of the rows or more: the whole table is read in one query


def _most_of_the_table(conn: sqlite3.Connection, count: int) -> bool:
    """Are ``count`` ids a large share of the marks table? (Counting its rows takes ~5 ms a 100k.)"""
    (rows,) = conn.execute("SELECT count(*) FROM marks").fetchone()
    return bool(count * SCAN_SHARE >= rows)


def mark_row(paper_id: str, mark: Mark) -> MarkRow:
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


def all_rows(conn: sqlite3.Connection) -> list[MarkRow]:
    """Every row as ``COLUMNS``, from a file of any schema: a column an older file lacks (schema 1 had no
    notes or tags) reads as its default."""
    present = {row[1] for row in conn.execute("PRAGMA table_info(marks)")}
    defaults = {"note": "NULL", "note_at": "NULL", "tags": "''", "tags_at": "NULL"}
    wanted = [c if c in present else defaults.get(c, "NULL") for c in COLUMNS.split(", ")]
    return conn.execute(f"SELECT {', '.join(wanted)} FROM marks").fetchall()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building 100k small objects triggers many useless cyclic-GC passes; skip them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
