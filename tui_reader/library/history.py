"""The user's changes as steps of the undo history: applying a batch of changes records one step; undo and redo
walk the steps, writing the values back as new changes of this device (so they sync). The history is a table of
the marks file, so it survives a restart; the last HISTORY_KEEP steps are kept.

Every function here that writes runs inside a write transaction the caller holds (see ``MarkStore._write``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui_reader.library.model import Change, Mark, with_value
from tui_reader.library.outbox import Tx, Write, put_all, put_flags
from tui_reader.library.rules import Value
from tui_reader.library.schema import marks_of

__all__ = ["HISTORY_KEEP", "HistoryEntry", "HistoryItem", "Undone", "apply_changes", "record", "walk"]

HISTORY_KEEP = 200  # undo history: the last this many batches survive a restart

HistoryItem = tuple[str, str, Value, Value]  # paper_id, field, value before, value after


@dataclass(frozen=True)
class HistoryEntry:
    """One step of the undo history: what changed, with the values before and after."""

    items: tuple[HistoryItem, ...]

    @classmethod
    def from_json(cls, text: str) -> HistoryEntry:
        import json  # loaded when a record is read or written, not by the first frame

        raw: list[list[Any]] = json.loads(text)
        return cls(tuple((p, n, tuple(b), tuple(a)) if n == "tags" else (p, n, b, a) for p, n, b, a in raw))

    def to_json(self) -> str:
        import json  # loaded when a record is read or written, not by the first frame

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

    def targets(self, redo: bool) -> dict[str, dict[str, Value]]:
        """What the step leaves in each field it touched, once redone (the values after) or undone (the values
        before, the first change's for a field changed twice): field -> paper id -> value."""
        values: dict[str, dict[str, Value]] = {}
        for paper_id, name, before, after in self.items if redo else reversed(self.items):
            values.setdefault(name, {})[paper_id] = after if redo else before
        return values


@dataclass(frozen=True)
class Undone:
    """A step undone (or redone): ``values`` holds what each field it touched holds afterwards (field -> paper id
    -> value, see HistoryEntry.targets)."""

    entry: HistoryEntry
    redone: bool
    values: dict[str, dict[str, Value]] = field(default_factory=dict)

    def message(self, title_of: Callable[[str], str] | None = None) -> str:
        """The notification: "undone: starred 1 paper" / "redone: note on <title>"."""
        return f"{'redone' if self.redone else 'undone'}: {self.entry.phrase(title_of)}"


def _jsonable(value: Value) -> object:
    return list(value) if isinstance(value, tuple) else value


def record(conn: sqlite3.Connection, items: list[HistoryItem]) -> None:
    """A new step of the history: what could be redone is dropped, and only the last HISTORY_KEEP steps kept."""
    if not items:
        return
    conn.execute("DELETE FROM history WHERE undone = 1")
    conn.execute("INSERT INTO history (at, changes) VALUES (?, ?)", (time.time(), HistoryEntry(tuple(items)).to_json()))
    conn.execute("DELETE FROM history WHERE seq <= (SELECT max(seq) FROM history) - ?", (HISTORY_KEEP,))


def steps(conn: sqlite3.Connection) -> list[HistoryEntry]:
    """The steps that can be undone, oldest first."""
    rows = conn.execute("SELECT changes FROM history WHERE undone = 0 ORDER BY seq").fetchall()
    return [HistoryEntry.from_json(row[0]) for row in rows]


def walk(conn: sqlite3.Connection, redo: bool) -> Undone | None:
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
    now, tx = time.time(), Tx.of(conn)
    values = entry.targets(redo)
    for name in ("read", "starred"):  # a bulk mark's step: set-based, however many papers
        if name in values:
            put_flags(conn, tx, name, values[name], now)
    texts = [(paper_id, name, value) for name in ("note", "tags") for paper_id, value in values.get(name, {}).items()]
    marks = marks_of(conn, (paper_id for paper_id, _, _ in texts))
    writes: list[Write] = []
    for paper_id, name, value in texts:
        old = marks[paper_id]
        marks[paper_id] = new = with_value(old, name, value, now)
        if new != old:
            writes.append((paper_id, old, new, None))
    put_all(conn, tx, writes)
    conn.execute("UPDATE history SET undone = ? WHERE seq = ?", (0 if redo else 1, row[0]))
    return Undone(entry, redo, values)


def apply_changes(conn: sqlite3.Connection, changes: Sequence[Change], only_newer: bool = False) -> dict[str, Mark]:
    """The user's changes, in order, each batch recorded in the history. ``only_newer`` (replaying a journal,
    harmless twice): a change is taken with its own time, and only if it is still newer than what the file
    holds; otherwise each change gets a time later than the value it replaces (see model.later), even when it
    sets the value the field already has (the user's explicit word beats an older change from another device;
    it is no step of the undo history then)."""
    marks = marks_of(conn, (change.paper_id for change in changes))
    writes: list[Write] = []
    batches: list[list[HistoryItem]] = []
    batch = None
    for change in changes:
        paper_id = change.paper_id
        old = marks[paper_id]
        edit = str(change.value) if change.field == "tag" else None  # one tag added or removed
        name = "tags" if edit is not None else change.field
        if only_newer:
            new = change.taken(old) if change.is_newer_than(old) else old
        else:
            new = change.applied_to(old)
            if new == old:  # the same value said again is still the user's latest word: a new time, synced
                new = change.restated(old)
                writes.append((paper_id, old, new, edit))
                old = new  # ... but nothing to undo
        marks[paper_id] = new
        if new == old:
            continue
        writes.append((paper_id, old, new, edit))
        if not batches or change.batch == 0 or change.batch != batch:
            batches.append([])
        batch = change.batch
        batches[-1].append((paper_id, name, getattr(old, name), getattr(new, name)))
    put_all(conn, Tx.of(conn), writes)
    for items in batches:
        record(conn, items)
    return marks
