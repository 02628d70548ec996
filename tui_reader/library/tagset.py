"""Tags merge tag by tag: each tag a paper has or had is a row of ``tag_times`` with the time it was last added
or removed, and the device that did it (an add-remove set, last writer wins per tag). Two devices adding
different tags to one paper both keep both; a tag removed on one device and added again later on another is
there; a paper's ``tags`` and ``tags_at`` in ``marks`` are what its rows add up to.

On the sync log a tag change is one line per tag: field ``tag``, value ``+spelling`` or ``-spelling``. A whole
list (field ``tags``, what older versions write) counts as each tag in it added, and each tag the paper has and
it lacks removed, all at its time. Every function here runs inside the caller's write transaction.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, NamedTuple

from tui_reader.library.model import Change, Mark

if TYPE_CHECKING:
    from tui_reader.library.outbox import Remote, SnapshotItem, Tx

__all__ = ["local_edits", "merge_tags", "snapshot_items"]


class TagRow(NamedTuple):
    spelling: str
    present: bool
    at: float
    device: str | None  # None: this device


def _rows(conn: sqlite3.Connection, paper_id: str) -> dict[str, TagRow]:
    query = "SELECT tag, spelling, present, at, device FROM tag_times WHERE paper_id = ?"
    return {
        key: TagRow(spelling, bool(present), at, device)
        for key, spelling, present, at, device in conn.execute(query, (paper_id,))
    }


def _save(conn: sqlite3.Connection, paper_id: str, row: TagRow) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO tag_times VALUES (?, ?, ?, ?, ?, ?)",
        (paper_id, row.spelling.casefold(), row.spelling, int(row.present), row.at, row.device),
    )


def local_edits(
    conn: sqlite3.Connection, tx: Tx, paper_id: str, old: Mark, new: Mark, explicit: str | None = None
) -> None:
    """This device changed a paper's tags from ``old`` to ``new``: each tag added or removed gets its row and
    (once sync is set up) its line in the queue; ``explicit`` (``+tag``/``-tag``), the user's word, counts even
    when it changed nothing (a tag added again)."""
    from tui_reader.library.outbox import queue

    before = {tag.casefold(): tag for tag in old.tags}
    after = {tag.casefold(): tag for tag in new.tags}
    edits = {key: "+" + tag for key, tag in after.items() if key not in before}
    edits.update({key: "-" + tag for key, tag in before.items() if key not in after})
    if explicit is not None:
        edits.setdefault(explicit[1:].casefold(), explicit[0] + after.get(explicit[1:].casefold(), explicit[1:]))
    at = new.tags_at if new.tags_at is not None else 0.0
    for edit in edits.values():
        _save(conn, paper_id, TagRow(edit[1:], edit[0] == "+", at, None))
        if tx.syncing:
            queue(conn, Change(paper_id, "tag", edit, at))


def merge_tags(conn: sqlite3.Connection, tx: Tx, item: Remote, own_device: str) -> bool:
    """Another device's tag line (or whole list): each tag it names wins when its time (then device id) is the
    greater. True when any did."""
    from tui_reader.library.outbox import put
    from tui_reader.library.schema import mark_of

    change, device = item.change, item.device
    rows = _rows(conn, change.paper_id)
    if change.field == "tag":
        edits = [str(change.value)]
    else:
        listed = {tag.casefold(): tag for tag in change.value or ()}  # type: ignore[union-attr]
        edits = ["+" + tag for tag in listed.values()]
        edits += ["-" + row.spelling for key, row in rows.items() if row.present and key not in listed]
    won = False
    for edit in edits:
        key = edit[1:].casefold()
        row = rows.get(key)
        if row is not None and (change.at, device) <= (row.at, row.device or own_device):
            continue
        rows[key] = TagRow(edit[1:], edit[0] == "+", change.at, device)
        _save(conn, change.paper_id, rows[key])
        won = True
    if won:
        old = mark_of(conn, change.paper_id)
        tags = tuple(sorted((row.spelling for row in rows.values() if row.present), key=str.casefold))
        new = old._replace(tags=tags, tags_at=max(row.at for row in rows.values()))
        put(conn, tx, change.paper_id, old, new, origin=device)
    return won


def snapshot_items(conn: sqlite3.Connection) -> list[SnapshotItem]:
    """Every tag row as a snapshot's line: removed tags too, so a removal still wins over an older add."""
    query = "SELECT paper_id, spelling, present, at, device FROM tag_times"
    return [
        (pid, "tag", ("+" if present else "-") + spelling, at, device)
        for pid, spelling, present, at, device in conn.execute(query)
    ]
