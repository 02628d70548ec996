"""When this machine first saw each paper, and where the last reader session ended: ``seen.db`` in the data
directory, beside the marks file but apart from it.

- ``first_seen``: one row per paper id ever loaded (by the reader, ``list``, ``digest``…), with the time it was
  first seen (UTC seconds) and a number counting up in the order papers were first recorded (``seq``).
- ``sessions``: where each reader session ended, as that number and a time.

"New since last session" compares numbers, not times: a paper is new when it was recorded after the previous
session ended, so a clock that was ahead (or went back) never leaves papers new for ever. A time recorded while
the clock was ahead is brought back to the present by the next recording, so a digest's window finds it once.

Its own file, because nothing here is the user's writing: it never waits for the marks file's lock (which the
mark saver holds while it saves), is never synced (each machine sees papers when it loads them), never goes into
``marks export``, and a damaged one is simply started again (what is lost: which papers were new).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from tui_reader.library.sqlite import is_corrupt

__all__ = ["SEEN_DB", "SEEN_SCHEMA", "Seen", "SeenStore", "iso_time"]

SEEN_DB = "seen.db"
BUSY_TIMEOUT_S = 2.0  # another process recording at the same moment: wait this long, then give up quietly

# Schema steps: version -> statements taking the file from version-1 to version. Never edit a released step.
SEEN_SCHEMA: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE first_seen (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            paper_id TEXT NOT NULL UNIQUE,
            at       REAL NOT NULL
        )""",
        """CREATE TABLE sessions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            upto INTEGER NOT NULL,  -- the last first_seen.seq recorded when the session ended
            at   REAL NOT NULL
        )""",
    ),
}


class Seen(NamedTuple):
    """What a recording gives back: when each paper recorded was first seen (UTC seconds), those asked about
    included."""

    times: dict[str, float]


def iso_time(at: float) -> str:
    """``2026-12-07T07:31:02Z``: a time as ``list --format json`` writes it (UTC, to the second)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))


class SeenStore:
    """``seen.db``. Every method may raise sqlite3.Error or OSError; callers treat a failure as "not known"
    (the reader and the commands go on without first-seen times)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, data_dir: Path) -> SeenStore:
        """Open (creating it and its folder if needed) ``seen.db``; a file that is not one is moved aside (to
        ``seen.db.corrupt``) and a fresh one started."""
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / SEEN_DB
        try:
            return cls(_opened(path), path)
        except sqlite3.DatabaseError as exc:
            if not (isinstance(exc, NotSeenFile) or is_corrupt(exc)):  # busy, a full disk, read-only: kept as it is
                raise
            os.replace(path, path.with_name(SEEN_DB + ".corrupt"))
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return cls(_opened(path), path)

    def record(self, paper_ids: Iterable[str], now: float | None = None) -> Seen:
        """Remember the papers not seen before as first seen ``now`` (default: the clock), in one transaction;
        returns when every paper recorded (those given included) was first seen. Times after ``now`` (recorded
        while the clock was ahead) become ``now``."""
        now = time.time() if now is None else now
        with _transaction(self._conn) as conn:
            known = dict(conn.execute("SELECT paper_id, at FROM first_seen").fetchall())
            if known and max(known.values()) > now:  # recorded while the clock was ahead: brought back to now
                conn.execute("UPDATE first_seen SET at = ? WHERE at > ?", (now, now))
                known = {paper_id: min(at, now) for paper_id, at in known.items()}
            fresh = dict.fromkeys([paper_id for paper_id in paper_ids if paper_id not in known], now)
            conn.executemany("INSERT OR IGNORE INTO first_seen (paper_id, at) VALUES (?, ?)", fresh.items())
        known.update(fresh)
        return Seen(known)

    def times(self) -> dict[str, float]:
        """When every paper recorded was first seen."""
        return dict(self._conn.execute("SELECT paper_id, at FROM first_seen").fetchall())

    def last_recorded(self) -> int:
        """The number of the paper recorded last (0: none)."""
        return int(self._conn.execute("SELECT coalesce(max(seq), 0) FROM first_seen").fetchone()[0])

    def previous_session(self) -> int | None:
        """Where the last session to end stood (the number of the last paper recorded then); None: no session
        has ended yet."""
        row = self._conn.execute("SELECT upto FROM sessions ORDER BY seq DESC LIMIT 1").fetchone()
        return None if row is None else int(row[0])

    def recorded_after(self, upto: int) -> set[str]:
        """The papers first recorded after number ``upto``."""
        return {row[0] for row in self._conn.execute("SELECT paper_id FROM first_seen WHERE seq > ?", (upto,))}

    def end_session(self, now: float | None = None) -> None:
        """A reader session ends: the papers recorded so far are no longer new to the next one."""
        now = time.time() if now is None else now
        with _transaction(self._conn) as conn:
            conn.execute("INSERT INTO sessions (upto, at) VALUES (?, ?)", (self.last_recorded(), now))
            conn.execute("DELETE FROM sessions WHERE seq < (SELECT max(seq) - 100 FROM sessions)")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SeenStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class NotSeenFile(sqlite3.DatabaseError):
    """An SQLite file in place of seen.db holding another program's tables."""


def _opened(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("BEGIN IMMEDIATE")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise NotSeenFile("an SQLite file with other tables, not seen.db")
        for step in range(version + 1, max(SEEN_SCHEMA) + 1):
            for statement in SEEN_SCHEMA[step]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {max(version, max(SEEN_SCHEMA))}")
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn
