"""What sync (tui_reader/sync.py) needs from the marks file: the outbox of this device's changes not yet in its
sync log, the origin (another device's id) of each field merged from elsewhere, how far each other device's log
has been read, and the merge of other devices' changes.

``put`` is the one way a mark is written inside a transaction: the row, its origins and its outbox lines agree.
Every function here runs inside a write transaction the caller holds (see ``MarkStore._write``), except the
plain reads ``queued``, ``log_position`` and ``is_published``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from tui_reader.library.model import Change, Mark, set_value
from tui_reader.library.rules import FIELDS, LATEST_TIME, Value
from tui_reader.library.schema import COLUMNS, UPSERT, mark_of, mark_row, marks_from_rows
from tui_reader.library.tagset import local_edits, merge_tags, snapshot_items

__all__ = [
    "LogPosition",
    "Remote",
    "Tx",
    "merge",
    "own_log",
    "publish_all",
    "put",
    "put_all",
    "put_flags",
    "queued",
    "sent",
    "snapshot",
]


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


def put(
    conn: sqlite3.Connection,
    tx: Tx,
    paper_id: str,
    old: Mark,
    new: Mark,
    origin: str | None = None,
    tag_edit: str | None = None,
) -> list[str]:
    """Write ``new`` over ``old``; returns the fields whose time changed. ``origin``: the other device the
    change comes from (None: this device's change, queued for its sync log when sync is set up; its tags tag by
    tag, ``tag_edit`` being the user's own word on one tag, see tagset.py)."""
    conn.execute(UPSERT, mark_row(paper_id, new))
    return _track(conn, tx, paper_id, old, new, origin, tag_edit)


Write = tuple[str, Mark, Mark, str | None]  # paper_id, old, new, tag_edit: one ``put`` of this device


def put_all(conn: sqlite3.Connection, tx: Tx, writes: Sequence[Write]) -> None:
    """This device's writes, in order, as ``put`` each, the rows in one statement: a step of 100k papers (a
    bulk mark, its undo) costs one pass, and the fields' bookkeeping only where there is some (sync set up,
    fields merged from elsewhere, tags)."""
    conn.executemany(UPSERT, [mark_row(paper_id, new) for paper_id, _, new, _ in writes])
    for paper_id, old, new, tag_edit in writes:
        if tx.syncing or tx.merged or new.tags_at != old.tags_at:
            _track(conn, tx, paper_id, old, new, None, tag_edit)


def put_flags(conn: sqlite3.Connection, tx: Tx, name: str, values: Mapping[str, Value], now: float) -> None:
    """Set the flag ``name`` ("read" or "starred") of many papers as this device's change, as ``put_all`` of
    each paper's mark with that field set would (origins cleared, outbox lines queued), in a few statements over
    the whole set: the undo of marking 100k papers read writes only the rows whose flag changes, without reading
    the marks into Python. The new time is ``now``, or, where the field already holds a time at or past it (a
    clock gone back), a millisecond after that time (model.later's rule, with SQL's arithmetic)."""
    column, at = name, f"{name}_at"
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS flag_values (paper_id TEXT PRIMARY KEY, value INT) WITHOUT ROWID")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS flag_changed (paper_id TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.execute("DELETE FROM flag_values")
    rows = [(paper_id, int(bool(value))) for paper_id, value in values.items()]
    conn.executemany("INSERT INTO flag_values VALUES (?, ?)", rows)
    conn.execute("INSERT OR IGNORE INTO marks (paper_id) SELECT paper_id FROM flag_values WHERE value = 1")
    if tx.syncing or tx.merged:  # the rows about to change, for their origins and outbox lines
        conn.execute("DELETE FROM flag_changed")
        conn.execute(
            f"INSERT INTO flag_changed SELECT v.paper_id FROM flag_values v "
            f"JOIN marks m ON m.paper_id = v.paper_id WHERE m.{column} != v.value"
        )
    conn.execute(
        f"UPDATE marks SET {column} = v.value, {at} = CASE WHEN {at} IS NULL OR {at} < :now THEN :now "
        f"ELSE min({at} + 0.001, :max) END FROM flag_values v "
        f"WHERE marks.paper_id = v.paper_id AND marks.{column} != v.value",
        {"now": now, "max": LATEST_TIME},
    )
    if tx.merged:
        conn.execute("DELETE FROM origins WHERE field = ? AND paper_id IN (SELECT paper_id FROM flag_changed)", (name,))
    if tx.syncing:  # the values as ``queue`` writes them (JSON true/false)
        conn.execute(
            f"INSERT INTO outbox (paper_id, field, value, at) SELECT m.paper_id, ?, "
            f"CASE m.{column} WHEN 1 THEN 'true' ELSE 'false' END, m.{at} FROM flag_changed c "
            f"JOIN marks m ON m.paper_id = c.paper_id",
            (name,),
        )


def _track(
    conn: sqlite3.Connection, tx: Tx, paper_id: str, old: Mark, new: Mark, origin: str | None, tag_edit: str | None
) -> list[str]:
    """The origins, tag rows and outbox lines of a mark just written: each field whose time or value changed (a
    local change can only meet, not pass, a time at LATEST_TIME: its value is still this device's, and sent)."""
    fields = [
        name
        for name in FIELDS
        if getattr(new, f"{name}_at") != getattr(old, f"{name}_at") or getattr(new, name) != getattr(old, name)
    ]
    for name in fields:
        if origin is not None:
            conn.execute("INSERT OR REPLACE INTO origins VALUES (?, ?, ?)", (paper_id, name, origin))
            continue
        if tx.merged:
            conn.execute("DELETE FROM origins WHERE paper_id = ? AND field = ?", (paper_id, name))
        if name == "tags":
            local_edits(conn, tx, paper_id, old, new, tag_edit)
        elif tx.syncing:
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
    """The first sync into the folder ``key``: values set before changes had times get time 0 (so any real change
    beats them), and from now on each change is queued for the logs. True when it was the first time. What the
    store holds reaches the folder as a snapshot (``snapshot``), not through the queue: other folders' places
    in the queue are left as they are."""
    if is_published(conn, key):
        return False
    for name, default in (("read", "read = 1"), ("starred", "starred = 1"), ("note", "note IS NOT NULL")):
        conn.execute(f"UPDATE marks SET {name}_at = 0 WHERE {name}_at IS NULL AND {default}")
    conn.execute("UPDATE marks SET tags_at = 0 WHERE tags_at IS NULL AND tags != ''")
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, '1')", (f"published:{key}",))
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('syncing', '1')")
    return True


SnapshotItem = tuple[str, str, object, float, str | None]  # paper_id, field, value (JSON-able), at, origin


def snapshot(conn: sqlite3.Connection) -> tuple[int, list[SnapshotItem]]:
    """Every field this store holds with a time, with the device it came from (None: this one), and the queue
    number up to which the queue's changes are in it; call inside one read transaction."""
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
    origins = {(paper_id, name): device for paper_id, name, device in conn.execute("SELECT * FROM origins")}
    items = snapshot_items(conn)  # tags tag by tag
    for paper_id, mark in marks_from_rows(conn.execute(f"SELECT {COLUMNS} FROM marks").fetchall()).items():
        for name in ("read", "starred", "note"):
            at = getattr(mark, f"{name}_at")
            if at is not None:
                value = getattr(mark, name)
                value = list(value) if isinstance(value, tuple) else value
                items.append((paper_id, name, value, at, origins.get((paper_id, name))))
    return (row[0] if row else 0), items


def queued(conn: sqlite3.Connection, after: int = 0) -> list[tuple[int, Change]]:
    """This device's changes queued after queue number ``after``, oldest first, with their queue numbers."""
    import json  # loaded when a record is read or written, not by the first frame

    rows = conn.execute("SELECT seq, paper_id, field, value, at FROM outbox WHERE seq > ? ORDER BY seq", (after,))
    changes = []
    for seq, paper_id, name, value, at in rows.fetchall():
        loaded = json.loads(value)
        changes.append((seq, Change(paper_id, name, tuple(loaded) if name == "tags" else loaded, at)))
    return changes


KEEP_QUEUE_S = 30 * 86400  # a folder not synced with for this long no longer holds changes in the queue


def own_log(conn: sqlite3.Connection, key: str) -> dict[str, int] | None:
    """What this device last wrote to its log in the folder ``key`` (see sync's own log check), and the queue
    number up to which the queue is in it (``sent``); None: never written there."""
    import json  # loaded when a record is read or written, not by the first frame

    row = conn.execute("SELECT value FROM settings WHERE key = ?", (f"log:{key}",)).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def trimmed(conn: sqlite3.Connection) -> int:
    """The queue is gone up to this number: a folder whose log is behind it gets a snapshot instead."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'outbox_trimmed'").fetchone()
    return 0 if row is None else int(row[0])


def sent(conn: sqlite3.Connection, key: str, state: dict[str, int]) -> None:
    """This device's log in the folder ``key`` is now as ``state`` says; the queue keeps only what a folder
    synced with lately has not had yet (each folder has its own place in the one queue)."""
    import json  # loaded when a record is read or written, not by the first frame

    now = int(time.time())
    conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (f"log:{key}", json.dumps({**state, "used": now})))
    rows = conn.execute("SELECT value FROM settings WHERE key LIKE 'log:%'").fetchall()
    recent = [
        place["sent"] for place in map(json.loads, (row[0] for row in rows)) if place["used"] > now - KEEP_QUEUE_S
    ]
    if recent and min(recent) > trimmed(conn):
        conn.execute("DELETE FROM outbox WHERE seq <= ?", (min(recent),))
        conn.execute("INSERT OR REPLACE INTO settings VALUES ('outbox_trimmed', ?)", (str(min(recent)),))


def log_position(conn: sqlite3.Connection, key: str) -> LogPosition | None:
    """How far another device's log ``key`` has been read (None: never)."""
    row = conn.execute("SELECT inode, offset, crc FROM sync_logs WHERE path = ?", (key,)).fetchone()
    return None if row is None else LogPosition(key, row[0], row[1], row[2])


def merge(
    conn: sqlite3.Connection,
    remote: Sequence[Remote],
    own_device: str,
    log: LogPosition | None,
    replaced: list[str] | None = None,
) -> int:
    """Take other devices' changes: per paper and field, the change with the newest time wins, a tie going to
    the greater device id (``own_device`` for this device's own values). ``log``: how far the log they were
    read from has been read, saved with them. Returns how many changes won. A note of this device that a later
    edit from another device replaces with other text is kept as a step of the undo history, and its paper
    added to ``replaced`` (the same text coming back, as a copied data folder reads it, loses nothing)."""
    won = 0
    tx = Tx.of(conn)
    lost: list[tuple[str, str, Value, Value]] = []  # this device's notes another device's later edit replaced
    for item in remote:
        change = item.change
        if change.field in ("tag", "tags"):
            won += merge_tags(conn, tx, item, own_device)
            continue
        old = mark_of(conn, change.paper_id)
        at = getattr(old, f"{change.field}_at")
        row = None
        if at is not None:
            row = conn.execute(
                "SELECT device FROM origins WHERE paper_id = ? AND field = ?", (change.paper_id, change.field)
            ).fetchone()
            if (change.at, item.device) <= (at, row[0] if row else own_device):
                continue
        new = set_value(old, change.field, change.value, change.at)
        put(conn, tx, change.paper_id, old, new, origin=item.device)
        if change.field == "note" and old.note is not None and row is None and new.note != old.note:
            lost.append((change.paper_id, "note", old.note, new.note))
        won += 1
    if lost:  # kept as a step of the undo history: undo brings this device's text back
        from tui_reader.library.history import record

        record(conn, lost)
        if replaced is not None:
            replaced.extend(paper_id for paper_id, *_ in lost)
    if log is not None:
        conn.execute("INSERT OR REPLACE INTO sync_logs (path, inode, offset, crc) VALUES (?, ?, ?, ?)", log)
    return won
