"""Marks as JSON records, for ``tui-reader marks export`` and ``marks import``:
``{id, read, starred, read_at, starred_at, note, note_at, tags, tags_at}``.

Records are checked whole before anything is written (``parse_records``); importing merges them into the file
per field, the later change winning, as one step of the undo history (``import_records``).
"""

from __future__ import annotations

import sqlite3

from tui_reader.library.history import HistoryItem, record
from tui_reader.library.model import Mark, merge_marks
from tui_reader.library.outbox import Tx, put
from tui_reader.library.rules import (
    FIELDS,
    LATEST_TIME,
    MAX_ID_LENGTH,
    check_id,
    check_time,
    clean_note,
    clean_tags,
)
from tui_reader.library.schema import all_rows, row_to_mark

__all__ = ["import_records", "mark_record", "parse_records"]


def mark_record(paper_id: str, mark: Mark) -> dict[str, object]:
    """One mark as the record ``export`` writes."""
    return {
        "id": paper_id,
        "read": mark.read,
        "starred": mark.starred,
        "read_at": mark.read_at,
        "starred_at": mark.starred_at,
        "note": mark.note,
        "note_at": mark.note_at,
        "tags": list(mark.tags),
        "tags_at": mark.tags_at,
    }


def _brief(value: object) -> str:
    """A value described in a few characters, whatever its size."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else f"{value[:30]!r}... ({len(value)} characters)"
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, float) or (isinstance(value, int) and value.bit_length() <= 64):
        return repr(value)
    return {int: "a huge number", list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


def parse_records(records: object) -> dict[str, Mark]:
    """Validate exported records; raises ValueError naming the first bad one, in one short line whatever the
    input (a value may be a 60 MB string or an array nested 900 deep: messages never show it whole).
    Records of the same id are merged as imports are: per field, the later change wins."""
    if not isinstance(records, list):
        raise ValueError(f"expected a JSON array of marks, not {_brief(records)}")
    parsed: dict[str, Mark] = {}
    for n, item in enumerate(records, 1):
        try:
            paper_id, mark = _parse_record(item)
        except ValueError as exc:
            raise ValueError(f"mark #{n}: {exc}") from None
        previous = parsed.get(paper_id)
        parsed[paper_id] = mark if previous is None else merge_marks(previous, mark)
    return parsed


def _parse_record(item: object) -> tuple[str, Mark]:
    if not isinstance(item, dict):
        raise ValueError(f"not an object but {_brief(item)}")
    if "id" not in item:
        raise ValueError("no paper id")
    paper_id = item["id"]
    if not isinstance(paper_id, str) or len(paper_id) > MAX_ID_LENGTH:
        raise ValueError(f"not a paper id: {_brief(paper_id)}")
    check_id(paper_id)
    flags = {}
    for key in ("read", "starred"):
        value = item.get(key, False)
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be true or false, not {_brief(value)}")
        flags[key] = value
    note = item.get("note")
    if note is not None and not isinstance(note, str):
        raise ValueError(f"note must be text or null, not {_brief(note)}")
    tags = item.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ValueError(f"tags must be an array of words, not {_brief(tags)}")
    mark = Mark(
        flags["read"],
        flags["starred"],
        _time(item, "read_at"),
        _time(item, "starred_at"),
        clean_note(note) if note is not None else None,
        _time(item, "note_at"),
        clean_tags(tags) if tags else (),
        _time(item, "tags_at"),
    )
    return paper_id, mark


IMPORTED_LATEST = LATEST_TIME - 366 * 86400  # an imported time is brought down to this at most


def _time(item: dict[str, object], key: str) -> float | None:
    """A record's time, checked; one past IMPORTED_LATEST (a backup of an older tui-reader, which took a peer's
    time from the end of 9999) is brought down to it, a year below what sync reads: what is imported syncs, and a
    change made after it here still gets a later time, read by every device."""
    at = check_time(item.get(key), key)
    return None if at is None else min(at, IMPORTED_LATEST)


def import_records(conn: sqlite3.Connection, incoming: dict[str, Mark]) -> int:
    """Merge parsed records into the file (inside the caller's write transaction), as one step of the undo
    history; returns how many papers changed."""
    existing = {row[0]: row[1:] for row in all_rows(conn)}
    tx = Tx.of(conn)
    changed = 0
    items: list[HistoryItem] = []
    for paper_id, theirs in incoming.items():
        ours = row_to_mark(existing.get(paper_id))
        merged = merge_marks(ours, theirs)
        if merged != ours:
            fields = put(conn, tx, paper_id, ours, merged)
            items.extend((paper_id, f, getattr(ours, f), getattr(merged, f)) for f in fields)
            changed += any(getattr(merged, f) != getattr(ours, f) for f in FIELDS)
    record(conn, items)
    return changed
