"""Sync between machines without a server: a folder the user keeps in sync with any file-sync tool (Syncthing,
Dropbox, a network share) holds one append-only change log per device, ``<device-id>.jsonl``.

Each device appends only to its own log and reads everyone else's. A line is one change, as JSON::

    {"v": 1, "id": "2403.01234", "field": "starred", "value": true, "at": 1710150000.5, "device": "9f2c..."}

Merge rule: per paper and per field (read, starred, note, tags), the change with the newest ``at`` wins; equal
times go to the greater device id (compared as strings). Every device therefore converges to the same state,
whatever order the logs arrive in, and reading a line twice changes nothing.

A half-written last line (a sync tool copying mid-write) is left until it is complete; a log written by a
newer format is refused with one line naming it, never misread; a file that shrank or was replaced is read
again from its start. Nothing is ever deleted from a log. No Textual here: the CLI, the reader's saver thread
and tests all drive ``sync_once``.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from tui_reader.library import Change, MarkStore, Remote, check_id
from tui_reader.library.journal import write_all
from tui_reader.safe_text import shown_path

__all__ = ["FORMAT", "SyncError", "SyncResult", "device_id", "sync_once"]

FORMAT = 1  # the "v" of every line this version writes; a log holding a greater one is refused
DEVICE_FILE = "device-id"  # in the data directory
READ_CHUNK = 8 << 20  # a poll reads at most this much of one log; the rest comes with the next
_DEVICE = re.compile(r"[0-9a-f]{8,64}")
MAX_TIME = 253_402_300_799  # the end of year 9999: a later time would win every merge for ever


class SyncError(Exception):
    """The sync folder cannot be used (missing, not a folder, not writable): one line for the user."""


@dataclass
class SyncResult:
    sent: int = 0  # changes of this device appended to its log
    received: int = 0  # other devices' changes that won here
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"sent {self.sent} change{'' if self.sent == 1 else 's'}, received {self.received}"


def device_id(data_dir: Path) -> str:
    """This device's id: random, made once and kept in DATA_DIR/device-id (two processes making it at the same
    time agree: the first one's file wins). A damaged file is replaced by a new id."""
    path = data_dir / DEVICE_FILE
    try:
        text = path.read_text("ascii", "replace").strip()
        if _DEVICE.fullmatch(text):
            return text
    except OSError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    new = secrets.token_hex(8)
    partial = data_dir / f".{DEVICE_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    partial.write_text(new + "\n", "ascii")
    try:
        os.link(partial, path)  # never replaces an id another process just made
    except FileExistsError:
        text = path.read_text("ascii", "replace").strip()
        if not _DEVICE.fullmatch(text):  # a damaged one: ours replaces it
            os.replace(partial, path)
            return new
        return text
    finally:
        partial.unlink(missing_ok=True)
    return new


def sync_once(store: MarkStore, sync_dir: Path) -> SyncResult:
    """Append this device's new changes to its log in ``sync_dir``, then take every other log's new lines.
    The first exchange with a folder publishes everything the store holds. Raises SyncError (one line) when
    the folder cannot be used, StoreBusy when the marks file stays locked (nothing lost: the next one retries)."""
    if store.data_dir is None or store.read_only:
        raise SyncError("marks cannot be saved here, so they are not synced")
    folder = Path(os.path.expanduser(sync_dir))
    name = shown_path(folder)
    if not folder.is_dir():
        raise SyncError(f"sync folder {name} {'is not a folder' if folder.exists() else 'does not exist'}")
    try:
        own = device_id(store.data_dir)
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise SyncError(f"cannot use sync folder {name} ({exc.strerror or exc})") from None
    key = str(folder.resolve())
    result = SyncResult()
    store.publish_all(key)
    result.sent = _send(store, folder / f"{own}.jsonl", own)
    for entry in entries:
        stem = entry.name.removesuffix(".jsonl")
        if entry.name.endswith(".jsonl") and stem != own and _DEVICE.fullmatch(stem):
            result.received += _receive(store, Path(entry.path), f"{key}/{entry.name}", stem, own, result.warnings)
    return result


def _send(store: MarkStore, log: Path, own: str) -> int:
    """This device's queued changes onto its log. Only complete lines that are on disk (fsync'ed) leave the
    queue: when the disk fills up mid-way, the complete lines written stay (and leave the queue), the cut one
    after them is cut off again, and SyncError says why; the next exchange sends the rest. A crash between the
    fsync and the queue's update writes lines twice, which merging ignores."""
    queued = store.outbox()
    if not queued:
        return 0
    lines = [
        (json.dumps({"v": FORMAT, **change.record(), "device": own}, ensure_ascii=False) + "\n").encode("utf-8")
        for _, change in queued
    ]
    try:
        fd = os.open(log, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise SyncError(f"cannot write sync log {shown_path(log)} ({exc.strerror or exc})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process of this device (tui-reader sync) appends in turn
        done, failure = _append_lines(fd, lines)
    finally:
        os.close(fd)
    if done:
        store.sent(queued[done - 1][0])
    if failure is not None:
        sent = f"; {done} of {len(lines)} changes sent, the rest goes with the next sync" if done else ""
        raise SyncError(f"cannot write sync log {shown_path(log)} ({failure.strerror or failure}){sent}")
    return len(queued)


def _append_lines(fd: int, lines: list[bytes]) -> tuple[int, OSError | None]:
    """Append ``lines`` to the log open as ``fd`` and fsync it: ``(how many lines are complete on disk, the
    error that stopped the rest)``. A line cut by a failure is cut off again, so the next append starts clean."""
    start = os.fstat(fd).st_size
    cut = start > 0 and os.pread(fd, 1, start - 1) != b"\n"  # a line cut by a crash stays cut off
    head = b"\n" if cut else b""
    try:
        write_all(fd, head + b"".join(lines))
    except OSError as exc:
        failure = exc
    else:
        try:
            os.fsync(fd)
        except OSError as exc:  # after a failed fsync nothing written is known to be on disk: all of it again
            return 0, exc
        return len(lines), None
    try:  # what got there: the complete lines among it are kept, fsync'ed, the cut one dropped
        written = os.fstat(fd).st_size - start - len(head)
        done, end = 0, 0
        while done < len(lines) and end + len(lines[done]) <= written:
            end += len(lines[done])
            done += 1
        os.ftruncate(fd, start + (len(head) + end if done else 0))
        os.fsync(fd)
    except OSError:
        return 0, failure  # nothing is known to be on disk: all of it goes again (twice is harmless)
    return done, failure


def _receive(store: MarkStore, log: Path, key: str, device: str, own: str, warnings: list[str]) -> int:
    """The complete lines of another device's log not read yet, READ_CHUNK bytes at a time, each part merged in
    one transaction with the position reached (so a crash mid-way re-reads at most one part)."""
    name = shown_path(log.name)
    try:
        fd = os.open(log, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as exc:
        warnings.append(f"cannot read sync log {name} ({exc.strerror or exc})")
        return 0
    won = bad = 0
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return 0
        seen = store.log_position(key)
        # a log that shrank or was replaced (a new inode) is read again from its start: merging is idempotent
        offset = seen[1] if seen is not None and seen[0] == info.st_ino and seen[1] <= info.st_size else 0
        while offset < info.st_size:
            f.seek(offset)
            data = f.read(READ_CHUNK)
            changes, used, part_bad, newer = _parse(data, device)
            bad += part_bad
            if newer is not None:
                warnings.append(
                    f"sync log {name} was written by a newer tui-reader (format {newer}); not read: update tui-reader"
                )
            if used:
                won += store.merge(changes, own, (key, info.st_ino, offset + used))
                offset += used
            if newer is not None or not used or len(data) < READ_CHUNK:
                break  # refused, a line longer than a part (never written by tui-reader), or the end
    if bad:
        warnings.append(f"sync log {name}: {bad} unreadable line{'' if bad == 1 else 's'} skipped")
    return won


def _parse(data: bytes, device: str) -> tuple[list[Remote], int, int, int | None]:
    """``(changes, bytes used, bad lines, newer format met)`` for the complete lines of ``data``: the part after
    the last newline is a line still being written, and a line of a newer format stops the reading there."""
    changes: list[Remote] = []
    used = bad = 0
    for line in data.split(b"\n")[:-1]:
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            record = None
        version = record.get("v") if isinstance(record, dict) else None
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT:
            return changes, used, bad, version  # it and what follows stay unread, for a version that reads them
        used += len(line) + 1
        change = _change(record, device)
        if change is None:
            bad += 1
        else:
            changes.append(Remote(change, device))
    return changes, used, bad, None


def _change(record: object, device: str) -> Change | None:
    """The change a log line holds, if it is a valid line of ``device``'s log."""
    if not isinstance(record, dict) or record.get("v") != FORMAT or record.get("device") != device:
        return None
    at = record.get("at")
    if isinstance(at, bool) or not isinstance(at, (int, float)) or not 0 <= at <= MAX_TIME:
        return None
    try:
        return Change(check_id(record.get("id")), str(record.get("field")), record.get("value"), float(at))
    except (ValueError, TypeError):
        return None
