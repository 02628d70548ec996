"""``MarkStore``: everything the user writes about papers, in SQLite: read/starred marks, notes and tags, and the
history that undo and redo walk. Committed before a call returns, safe with two instances, never lost.

The store is a facade over the library's modules: opening (sqlite.py), the rows (schema.py), the undo history
(history.py), the crash journal (journal.py), the sync outbox and merge (outbox.py), export/import (records.py).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import platformdirs

from tui_reader.library import sqlite as db
from tui_reader.library.journal import Journal
from tui_reader.library.model import Change, Mark, MarkFlags
from tui_reader.library.rules import Value, check_id, clean_note, clean_tag
from tui_reader.library.schema import COLUMNS, UPSERT, gc_paused, mark_of, marks_from_rows, tags_of
from tui_reader.library.sqlite import StoreBusy, Waiting, wait_a_while

# Writing (history.py), sync (outbox.py) and export/import (records.py) are imported by the methods that use them:
# the reader's first frame only reads, so its launch does not pay for them (~2.5 ms of the start-up).
if TYPE_CHECKING:
    from tui_reader.library.history import HistoryEntry, Undone
    from tui_reader.library.outbox import LogPosition, Remote, SnapshotItem

__all__ = ["MarkStore", "default_data_dir"]

T = TypeVar("T")


def default_data_dir() -> Path:
    """The per-user data directory (``$XDG_DATA_HOME/tui-reader`` on Linux)."""
    return Path(platformdirs.user_data_dir("tui-reader", appauthor=False))


class MarkStore:
    """Marks, notes and tags keyed by paper id. Every setter commits before it returns, in one transaction with
    its undo history step (and, once sync is set up, its outbox lines).

    Reading: ``get``, ``all``, ``read_ids``, ``starred_ids``, ``notes``, ``tags``, ``all_tags``, ``flags``.
    Changing: ``set_read``/``set_starred``/``toggle_*``, ``set_note``, ``change_tags``, ``apply`` (a batch of
    Changes, what the reader's saver uses), ``import_``; ``undo``/``redo`` walk the history. Sync
    (tui_reader/sync.py): ``publish_all``, ``snapshot``, ``outbox``/``own_log``/``sent``, ``log_position``,
    ``merge``.

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
        self.waiting: Waiting = wait_a_while
        self.notes_replaced: list[str] = []  # papers whose note of this device another device's later edit replaced

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

        Never raises for a bad file or directory: a damaged file is moved aside (never deleted) and a fresh one
        started; an unwritable directory gives a read-only store whose changes live in memory only. Either way
        ``warnings`` holds one-line messages for the user.

        ``writable=False`` only reads: it never takes a write lock, never waits for one, and never creates the
        file (no file: no marks). While another program holds the write lock, a writable open and every write
        wait: ``waiting(seconds so far)`` is asked after each try and returning False gives up (StoreBusy).
        The default waits WRITE_PATIENCE_S. ``busy_timeout``: how long SQLite itself waits per try.
        """
        data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        waiting = waiting or wait_a_while
        warnings: list[str] = []
        if not writable:
            opened = db.open_reading(data_dir, warnings)
        else:
            opened = db.open_writable(data_dir, warnings, waiting, busy_timeout)
        store = cls(opened.conn, opened.path, opened.read_only, warnings, data_dir, writable=opened.writable)
        if writable and not opened.read_only:
            store.waiting = waiting
            store.recover_unsaved()
        return store

    # -- reading ------------------------------------------------------------------------------------------

    def get(self, paper_id: str) -> Mark:
        with self._lock:
            return mark_of(self._conn, paper_id)

    def all(self) -> dict[str, Mark]:
        """Every stored mark, including those of papers no longer in the corpus."""
        with self._lock:
            rows = self._conn.execute(f"SELECT {COLUMNS} FROM marks").fetchall()
        with gc_paused():
            return marks_from_rows(rows)

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
        return {paper_id: tags_of(tags) for paper_id, tags in rows}

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

    def history(self) -> list[HistoryEntry]:
        """The steps that can be undone, oldest first."""
        from tui_reader.library import history

        with self._lock:
            return history.steps(self._conn)

    def export(self) -> list[dict[str, object]]:
        """All marks as JSON-able records, sorted by id:
        ``{id, read, starred, read_at, starred_at, note, note_at, tags, tags_at}``."""
        from tui_reader.library.records import mark_record

        return [mark_record(pid, m) for pid, m in sorted(self.all().items())]

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
        removing = [clean_tag(tag) for tag in remove]
        check_id(paper_id)
        now = time.time()  # one change per tag (tags merge tag by tag), one step of undo
        dropped = {tag.casefold() for tag in removing}
        edits = [Change(paper_id, "tag", f"+{tag}", now, 1) for tag in adding if tag.casefold() not in dropped]
        edits += [Change(paper_id, "tag", f"-{tag}", now, 1) for tag in removing]
        if not edits:
            return self.get(paper_id)
        return self.apply(edits)[paper_id]

    def _update(self, paper_id: str, field_name: str, value: Callable[[Mark], Value]) -> Mark:
        """Read, change and write one field in a single transaction (correct with other instances writing)."""
        from tui_reader.library.history import apply_changes

        check_id(paper_id)

        def step(conn: sqlite3.Connection) -> Mark:
            old = mark_of(conn, paper_id)
            change = Change(paper_id, field_name, value(old), time.time())
            return apply_changes(conn, [change])[paper_id]

        return self._write(step)

    def apply(self, changes: Sequence[Change]) -> dict[str, Mark]:
        """Save changes the user made (in order, one transaction); returns the resulting mark of each paper.
        Each batch (see Change.batch) that changed something becomes one step of the undo history."""
        from tui_reader.library.history import apply_changes

        for change in changes:
            check_id(change.paper_id)
        with gc_paused():  # 100k changes make ~1M small objects: no cyclic GC pass over them meanwhile
            return self._write(lambda conn: apply_changes(conn, changes))

    def undo(self) -> Undone | None:
        """Undo the newest step of the history not undone yet (None: nothing to undo). The values before it come
        back as new changes (so they sync); what another change has overwritten since is set back all the same."""
        from tui_reader.library import history

        with gc_paused():  # a step of 100k papers makes ~1M small objects
            return self._write(lambda conn: history.walk(conn, redo=False))

    def redo(self) -> Undone | None:
        """Redo the step undone last (None: nothing to redo; a change made after an undo drops what could be
        redone, as in every editor)."""
        from tui_reader.library import history

        with gc_paused():  # a step of 100k papers makes ~1M small objects
            return self._write(lambda conn: history.walk(conn, redo=True))

    def recover_unsaved(self) -> int:
        """Save the changes journalled by readers that ended before the marks file would take them (another
        program held its lock). A journal still held by a running reader is left to it. Returns how many
        changes still won (a change already saved, or overtaken by a newer one, changes nothing)."""
        if self.read_only or self.data_dir is None:
            return 0
        from tui_reader.library.history import apply_changes

        recovered = 0
        for journal in Journal.orphans(self.data_dir):
            with journal:
                changes = journal.read()
                try:
                    self._write(partial(apply_changes, changes=changes, only_newer=True))
                except StoreBusy:
                    continue  # still locked: the next opening tries again; the journal stays
                if self._saving_failed():
                    return recovered  # saving failed for good: keep the journal for a later run
                recovered += len(changes)
                journal.remove()
        return recovered

    def import_(self, records: object) -> int:
        """Merge exported records: per field (read, starred, note, tags), the later change wins. Returns how
        many papers changed. The import is one step of the undo history.

        Raises ValueError (naming the record) for malformed input; nothing is imported then.
        """
        from tui_reader.library.records import import_records, parse_records

        incoming = parse_records(records)
        return self._write(lambda conn: import_records(conn, incoming))

    # -- sync (tui_reader/sync.py drives these) ----------------------------------------------------------

    def publish_all(self, key: str) -> bool:
        """The first sync into the folder ``key``: queue everything this device holds for its log (values set
        before changes had times get time 0, so any real change beats them), and from now on queue each change
        (the outbox). True when it was the first time."""
        from tui_reader.library import outbox as sync_tables

        with self._lock:  # the usual case, checked without taking the write lock (a poll every few seconds)
            if sync_tables.is_published(self._conn, key):
                return False
        return self._write(lambda conn: sync_tables.publish_all(conn, key))

    def outbox(self, after: int = 0) -> list[tuple[int, Change]]:
        """This device's changes queued after queue number ``after``, oldest first, with their queue numbers."""
        from tui_reader.library import outbox as sync_tables

        with self._lock:
            return sync_tables.queued(self._conn, after)

    def own_log(self, key: str) -> tuple[dict[str, int] | None, int]:
        """``(what this device last wrote to its log in the folder key, None: never; the queue number below
        which the queue is gone)``."""
        from tui_reader.library import outbox as sync_tables

        with self._lock:
            return sync_tables.own_log(self._conn, key), sync_tables.trimmed(self._conn)

    def snapshot(self) -> tuple[int, list[SnapshotItem]]:
        """Every field held with a time and the device it came from (None: this one), as of one moment, with
        the queue number up to which the queue is in it."""
        from tui_reader.library import outbox as sync_tables

        with self._lock:
            self._conn.execute("BEGIN")  # one read transaction: the marks and the queue number agree
            try:
                return sync_tables.snapshot(self._conn)
            finally:
                self._conn.execute("COMMIT")

    def sent(self, key: str, state: dict[str, int]) -> None:
        """This device's log in the folder ``key`` is now as ``state`` says (fsync'ed); the queue drops what
        every folder synced with lately has."""
        from tui_reader.library import outbox as sync_tables

        self._write(lambda conn: sync_tables.sent(conn, key, state))

    def setting(self, name: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, name: str, value: str) -> None:
        self._write(lambda conn: conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (name, value)))

    def log_position(self, key: str) -> LogPosition | None:
        """How far another device's log ``key`` has been read (None: never)."""
        from tui_reader.library import outbox as sync_tables

        with self._lock:
            return sync_tables.log_position(self._conn, key)

    def merge(self, remote: Sequence[Remote], own_device: str, log: LogPosition | None = None) -> int:
        """Take other devices' changes: per paper and field, the change with the newest time wins, a tie going
        to the greater device id (``own_device`` for this device's own values). ``log``: how far the log they
        were read from has been read, saved in the same transaction. Returns how many changes won. Not a
        step of the undo history, and not queued for this device's log."""
        from tui_reader.library import outbox as sync_tables

        for item in remote:
            check_id(item.change.paper_id)
        replaced: list[str] = []

        def step(conn: sqlite3.Connection) -> int:
            replaced.clear()  # a try the lock made fail is tried again from the start
            return sync_tables.merge(conn, remote, own_device, log, replaced)

        won = self._write(step)
        self.notes_replaced.extend(replaced)
        return won

    # -- writing, with recovery ---------------------------------------------------------------------------

    def _write(self, step: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``step`` in a write transaction. While another program holds the write lock, try again for as
        long as ``self.waiting`` says (then StoreBusy, nothing written, still writable); if saving fails for
        another reason (disk full, file gone bad), carry on in memory (read-only) and say so."""
        if not self.writable:
            raise RuntimeError("this marks store was opened for reading only")
        with self._lock:
            try:
                result = db.committed(lambda: self._conn, step, self.waiting)
            except StoreBusy:
                raise
            except sqlite3.IntegrityError:
                raise
            except (sqlite3.Error, OSError) as exc:
                if self.read_only:
                    raise  # the in-memory database failing is a bug, not a disk problem
                self._go_read_only(f"could not save marks to {self.path} ({db.reason(exc, self.data_dir)})")
                result = self._commit(step)
            if self.read_only and not self._told_unsaved:
                self._told_unsaved = True
                self.warnings.append("marks changed now will be lost when tui-reader exits")
            return result

    def _commit(self, step: Callable[[sqlite3.Connection], T]) -> T:
        with db.transaction(self._conn):
            return step(self._conn)

    def _saving_failed(self) -> bool:
        """Read again after a write: ``_write`` may have turned the store read-only (mypy cannot see it)."""
        return self.read_only

    def _go_read_only(self, reason: str) -> None:
        """Saving failed mid-session: continue on an in-memory copy of the marks so far."""
        mem = db.memory_db()
        try:
            rows = self._conn.execute(f"SELECT {COLUMNS} FROM marks").fetchall()
            with db.transaction(mem):
                mem.executemany(UPSERT, rows)
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
