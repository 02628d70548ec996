"""What sync (tui_reader/sync.py) needs from the marks file: the outbox of this device's changes not yet in its
sync log, the origin (another device's id) of each field merged from elsewhere, how far each other device's log
has been read, and the merge of other devices' changes.

``put`` is the one way a mark is written inside a transaction: the row, its origins and its outbox lines agree.
Every function here runs inside a write transaction the caller holds (see ``MarkStore._write``), except the
plain reads ``queued``, ``log_position`` and ``is_published``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from tui_reader.library.model import Change, Mark, set_value
from tui_reader.library.rules import FIELDS
from tui_reader.library.schema import COLUMNS, UPSERT, mark_of, mark_row, marks_from_rows

__all__ = ["LogPosition", "Remote", "Tx", "merge", "publish_all", "put", "queued"]


@dataclass(frozen=True, slots=True)
class Remote:
    """A change another device made, read from its sync log: wins when ``(at, device)`` is the greater."""

    change: Change
    device: str


class LogPosition(NamedTuple):
    """How far another device's log has been read: ``offset`` bytes of the file ``inode`` (under the name
    ``key``), whose CRC-32 is ``crc`` (None: not known, a position saved by an older tui-reader)."""

    key: str
    inode: int
    offset: int
    crc: int | None


@dataclass(frozen=True, slots=True)
class Tx:
    """What one write transaction needs to know once, not per row: is sync set up (queue local changes for the
    log), and has any field come from another device (only then do local changes clear an origin)."""

    syncing: bool
    merged: bool

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> Tx:
        syncing = conn.execute("SELECT 1 FROM settings WHERE key = 'syncing'").fetchone() is not None
        return cls(syncing, conn.execute("SELECT 1 FROM origins LIMIT 1").fetchone() is not None)


def put(conn: sqlite3.Connection, tx: Tx, paper_id: str, old: Mark, new: Mark, origin: str | None = None) -> list[str]:
    """Write ``new`` over ``old``; returns the fields whose time changed. ``origin``: the other device the
    change comes from (None: this device's change, queued for its sync log when sync is set up)."""
    conn.execute(UPSERT, mark_row(paper_id, new))
    fields = [name for name in FIELDS if getattr(new, f"{name}_at") != getattr(old, f"{name}_at")]
    for name in fields:
        if origin is not None:
            conn.execute("INSERT OR REPLACE INTO origins VALUES (?, ?, ?)", (paper_id, name, origin))
            continue
        if tx.merged:
            conn.execute("DELETE FROM origins WHERE paper_id = ? AND field = ?", (paper_id, name))
        if tx.syncing:
            queue(conn, Change(paper_id, name, getattr(new, name), getattr(new, f"{name}_at")))
    return fields


def queue(conn: sqlite3.Connection, change: Change) -> None:
    import json  # loaded when a record is read or written, not by the first frame

    value = json.dumps(change.record()["value"], ensure_ascii=False)
    conn.execute(
        "INSERT INTO outbox (paper_id, field, value, at) VALUES (?, ?, ?, ?)",
        (change.paper_id, change.field, value, change.at),
    )


def is_published(conn: sqlite3.Connection, key: str) -> bool:
    """Has everything been queued for the sync folder ``key`` once already?"""
    return conn.execute("SELECT 1 FROM settings WHERE key = ?", (f"published:{key}",)).fetchone() is not None


def publish_all(conn: sqlite3.Connection, key: str) -> bool:
    """The first sync into the folder ``key``: queue everything this device holds for its log (values set
    before changes had times get time 0, so any real change beats them), and from now on queue each change.
    True when it was the first time."""
    if is_published(conn, key):
        return False
    for name, default in (("read", "read = 1"), ("starred", "starred = 1"), ("note", "note IS NOT NULL")):
        conn.execute(f"UPDATE marks SET {name}_at = 0 WHERE {name}_at IS NULL AND {default}")
    conn.execute("UPDATE marks SET tags_at = 0 WHERE tags_at IS NULL AND tags != ''")
    conn.execute("DELETE FROM outbox")
    own = set(conn.execute("SELECT paper_id, field FROM origins"))
    for paper_id, mark in marks_from_rows(conn.execute(f"SELECT {COLUMNS} FROM marks").fetchall()).items():
        for name in FIELDS:
            at = getattr(mark, f"{name}_at")
            if at is not None and (paper_id, name) not in own:
                queue(conn, Change(paper_id, name, getattr(mark, name), at))
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, '1')", (f"published:{key}",))
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('syncing', '1')")
    return True


def queued(conn: sqlite3.Connection) -> list[tuple[int, Change]]:
    """This device's changes not yet in its sync log, oldest first, with their queue numbers."""
    import json  # loaded when a record is read or written, not by the first frame

    rows = conn.execute("SELECT seq, paper_id, field, value, at FROM outbox ORDER BY seq").fetchall()
    changes = []
    for seq, paper_id, name, value, at in rows:
        loaded = json.loads(value)
        changes.append((seq, Change(paper_id, name, tuple(loaded) if name == "tags" else loaded, at)))
    return changes


def sent(conn: sqlite3.Connection, up_to: int) -> None:
    """The outbox up to queue number ``up_to`` is in the sync log."""
    conn.execute("DELETE FROM outbox WHERE seq <= ?", (up_to,))


def log_position(conn: sqlite3.Connection, key: str) -> LogPosition | None:
    """How far another device's log ``key`` has been read (None: never)."""
    row = conn.execute("SELECT inode, offset, crc FROM sync_logs WHERE path = ?", (key,)).fetchone()
    return None if row is None else LogPosition(key, row[0], row[1], row[2])


def merge(conn: sqlite3.Connection, remote: Sequence[Remote], own_device: str, log: LogPosition | None) -> int:
    """Take other devices' changes: per paper and field, the change with the newest time wins, a tie going to
    the greater device id (``own_device`` for this device's own values). ``log``: how far the log they were
    read from has been read, saved with them. Returns how many changes won."""
    won = 0
    tx = Tx.of(conn)
    for item in remote:
        change = item.change
        old = mark_of(conn, change.paper_id)
        at = getattr(old, f"{change.field}_at")
        if at is not None:
            row = conn.execute(
                "SELECT device FROM origins WHERE paper_id = ? AND field = ?", (change.paper_id, change.field)
            ).fetchone()
            if (change.at, item.device) <= (at, row[0] if row else own_device):
                continue
        new = set_value(old, change.field, change.value, change.at)
        put(conn, tx, change.paper_id, old, new, origin=item.device)
        won += 1
    if log is not None:
        conn.execute("INSERT OR REPLACE INTO sync_logs (path, inode, offset, crc) VALUES (?, ?, ?, ?)", log)
    return won
