"""The journal of changes not yet saved: what a reader has accepted but the marks file has not taken yet.

One journal per running reader, ``<data dir>/unsaved/<pid>-<start time>.jsonl``, one JSON line per hand-over.
The next writable opening of the store replays the journals of readers that ended (``MarkStore.recover_unsaved``),
and opening for reading shows them laid over the file (``sqlite.with_unsaved_changes``).
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from tui_reader.library.model import Change
from tui_reader.library.rules import check_id, check_time

__all__ = ["JOURNAL_MAX_BYTES", "UNSAVED_DIR", "Journal", "write_all"]

UNSAVED_DIR = "unsaved"  # in the data dir: one journal per running reader, <pid>-<start time>.jsonl


def write_all(fd: int, data: bytes) -> None:
    """All of ``data`` onto ``fd``: ``os.write`` may take only part of it (a nearly full disk takes what fits
    and refuses the rest), so it is called again for the rest until everything is written or it fails;
    a write that takes nothing is the disk being full."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


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
        import json  # loaded when a record is read or written, not by the first frame

        records = [{**c.record(), "batch": c.batch} for c in changes]
        size = os.fstat(self._fd).st_size
        try:
            write_all(self._fd, (json.dumps({"changes": records}, ensure_ascii=False) + "\n").encode())
            os.fsync(self._fd)
        except OSError:
            # the part written is cut off again: left there, the next line would be glued onto it and both lost
            with suppress(OSError):
                os.ftruncate(self._fd, size)
            raise
        self.empty = False

    def read(self) -> list[Change]:
        """The journalled changes; a line cut short by a crash, or not ours, is skipped whole (a line of an older
        tui-reader holds one change)."""
        import json  # loaded when a record is read or written, not by the first frame

        data = os.pread(self._fd, JOURNAL_MAX_BYTES, 0)
        changes = []
        for line in data.decode("utf-8", "replace").split("\n"):  # lines end in \n only: a note may hold U+2028
            try:
                record = json.loads(line)
                records = record["changes"] if isinstance(record, dict) and "changes" in record else [record]
                changes.extend([change_from(item) for item in records])
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


def change_from(record: Mapping[str, Any]) -> Change:
    """A change from its JSON record (journal); ValueError, KeyError or TypeError when it is not one."""
    value = record["value"]
    batch = record.get("batch", 0)
    if not isinstance(batch, int):
        raise TypeError("batch")
    at = check_time(record["at"], "at") or 0.0
    return Change(check_id(record["id"]), record["field"], value, at, batch)
