"""This device's own log in a sync folder: checked before every append, never trusted.

A sync tool may put an older copy in its place, cut it back in place, leave it ending mid-line, deliver another
machine's log under this device's name (a copied data folder), or replace it with a symlink or a FIFO. So the
store remembers, per folder, what its log looked like after the last write (size, the CRC-32 of the last line,
and up to which queue number the queue is in it). Before appending, the log must still be exactly that: a
regular file of that size ending with that line. Anything else, and this device publishes its state again: a
fresh snapshot of everything the store holds (its own values and those merged from other devices, each with the
device it came from), written to a hidden file, fsync'ed and renamed over the log, said once in a warning. Lines
of the log that was there are read first (as another device's would be), so nothing written to it is lost.

The same snapshot is what a folder gets on its first exchange, when the queue no longer holds what the folder
is missing (another folder was synced with meanwhile and the queue was trimmed), and when the log has grown
past ~3x its last snapshot (compaction). Each folder keeps its own place in the one queue, so a one-off
exchange with another folder never takes the changes the usual folder has not had yet.

Appending accounts for every byte: a short write is continued, and changes count as sent only once their lines
are complete and fsync'ed; a full disk cuts off the part of a line written and is a SyncError with the reason.
One exchange of this device at a time writes (a lock file in the data directory).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import secrets
import stat
import zlib
from collections.abc import Callable
from pathlib import Path

from tui_reader.library import MarkStore
from tui_reader.library.journal import write_all
from tui_reader.safe_text import shown_path

__all__ = ["send"]

COMPACT_RATIO = 3  # a log holding more than this many times the lines of a fresh snapshot is replaced by one
COMPACT_SLACK = 1000  # ... once it holds at least this many more lines (small logs are not worth it)
REMOVED = "was removed"
LOCK_FILE = "sync.lock"  # in the data directory: one exchange of this device writes at a time

Rescue = Callable[[Path], int]  # reads the lines of a log about to be replaced; how many were new here


class SendError(Exception):
    """The log cannot be written: one line for the user (sync turns it into a SyncError)."""


def send(
    store: MarkStore,
    folder: Path,
    key: str,
    me: tuple[str, str],
    warnings: list[str],
    rescue: Rescue,
    new_id: bool = False,
) -> tuple[int, bool]:
    """Bring this device's log in ``folder`` up to date (``me``: its id and writer tag): ``(lines written, the
    log held lines another writer wrote)``. ``new_id``: the device has just taken a new id, so what the store
    says it wrote belongs to the old one's log, and a log of the new id missing is no news. Raises SendError
    (one line) when it cannot be written."""
    assert store.data_dir is not None
    own, writer = me
    path = folder / f"{own}.jsonl"
    lock = os.open(store.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state, trimmed = store.own_log(key)
        if new_id:
            state = None  # written under the old id: the new id's log starts with a fresh snapshot
        fd, problem = _open_own(path)
        if problem == REMOVED and state is None:
            problem = None  # the first exchange with this folder: nothing to have been removed
        try:
            if fd is not None and problem is None and state is not None:
                problem = _check(fd, state)
            if problem is None and state is not None and state["sent"] >= trimmed and not _too_long(state):
                assert fd is not None
                return _append(store, fd, path, key, state, writer), False
        finally:
            if fd is not None:
                os.close(fd)
        if problem is not None:
            warnings.append(f"sync log {shown_path(path.name)} {problem}; this device's marks were published again")
        reread = (problem is not None or state is None) and _is_regular(path)  # what is there is read first
        if reread and _foreign(path, own, writer, rescue):
            return 0, True  # another machine writes under this id: the caller takes a new one
        return _republish(store, folder, path, key, me), False
    finally:
        os.close(lock)


def _foreign(path: Path, own: str, writer: str, rescue: Rescue) -> bool:
    """Read the log about to be replaced (its changes are taken); was it written by another machine?"""
    other = _other_writer(path, own, writer)
    return rescue(path) > 0 or other


def _other_writer(path: Path, own: str, writer: str) -> bool:
    """Does the log hold a line of this device's id that another writer (a copy of this data folder) wrote?
    Blank lines and lines not naming this device are passed over unparsed (a flood of them costs no time)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        data = os.read(fd, READ_LIMIT) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        return False
    finally:
        os.close(fd)
    mine = own.encode()
    for match in _LINE.finditer(data):
        if mine not in match[0]:
            continue
        try:
            record = json.loads(match[0])
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict) and record.get("device") == own and record.get("w") not in (None, writer):
            return True
    return False


_LINE = re.compile(rb"[^\n]+")
READ_LIMIT = 64 << 20  # of a log about to be replaced, this much is looked at for another writer's lines


def _open_own(path: Path) -> tuple[int | None, str | None]:
    """The own log, opened for appending, or why it cannot be: never through a symlink, never into a FIFO or a
    device."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None, REMOVED  # a snapshot makes it
        if exc.errno == errno.ELOOP:
            return None, "was replaced by a symbolic link"
        if exc.errno == errno.EISDIR:
            return None, "was replaced by a folder"
        raise SendError(f"cannot write sync log {shown_path(path)} ({exc.strerror or exc})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None, "was replaced by something that is not a regular file"
    return fd, None


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _check(fd: int, state: dict[str, int]) -> str | None:
    """Why the log is not what this device left (None: it is)."""
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        return "ends in the middle of a line"
    if size < state["size"]:
        return "shrank since this device wrote it (an older copy put back?)"
    if size > state["size"]:
        return "holds lines this device did not write"
    if zlib.crc32(os.pread(fd, state["tail_len"], size - state["tail_len"])) != state["tail"]:
        return "was replaced by another file"
    return None


def _too_long(state: dict[str, int]) -> bool:
    return state["lines"] > COMPACT_RATIO * state["snapshot"] + COMPACT_SLACK


def _line(me: tuple[str, str], paper_id: str, name: str, value: object, at: float, origin: str | None = None) -> bytes:
    own, writer = me  # the writer tells this copy of the data folder's lines from another copy's
    record = {"v": 1, "id": paper_id, "field": name, "value": value, "at": at, "device": own, "w": writer}
    if origin is not None:
        record["origin"] = origin  # the device whose change it is: merging breaks ties by it
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def _append(store: MarkStore, fd: int, path: Path, key: str, state: dict[str, int], writer: str) -> int:
    """The queue's changes this folder has not had, appended; only complete fsync'ed lines count as sent."""
    queued = store.outbox(state["sent"])
    if not queued:
        return 0
    me = (path.name.removesuffix(".jsonl"), writer)
    lines = [
        _line(me, c.paper_id, c.field, list(c.value) if isinstance(c.value, tuple) else c.value, c.at)
        for _, c in queued
    ]
    done, failure = _append_lines(fd, lines)
    if done:
        last = lines[done - 1]
        size = state["size"] + sum(map(len, lines[:done]))
        new = {**state, "size": size, "tail": zlib.crc32(last), "tail_len": len(last), "sent": queued[done - 1][0]}
        store.sent(key, {**new, "lines": state["lines"] + done})
    if failure is not None:
        sent = f"; {done} of {len(lines)} changes sent, the rest goes with the next sync" if done else ""
        raise SendError(f"cannot write sync log {shown_path(path)} ({failure.strerror or failure}){sent}")
    return len(lines)


def _append_lines(fd: int, lines: list[bytes]) -> tuple[int, OSError | None]:
    """Append ``lines`` to the log open as ``fd`` and fsync it: ``(how many lines are complete on disk, the
    error that stopped the rest)``. A line cut by a failure is cut off again, so the next append starts clean."""
    start = os.fstat(fd).st_size
    try:
        write_all(fd, b"".join(lines))
    except OSError as exc:
        failure = exc
    else:
        try:
            os.fsync(fd)
        except OSError as exc:  # after a failed fsync nothing written is known to be on disk: all of it again
            _cut(fd, start)
            return 0, exc
        return len(lines), None
    try:  # what got there: the complete lines among it are kept, fsync'ed, the cut one dropped
        written = os.fstat(fd).st_size - start
        done, end = 0, 0
        while done < len(lines) and end + len(lines[done]) <= written:
            end += len(lines[done])
            done += 1
        os.ftruncate(fd, start + end)
        os.fsync(fd)
    except OSError:
        return 0, failure  # nothing is known to be on disk: all of it goes again (twice is harmless)
    return done, failure


def _cut(fd: int, size: int) -> None:
    try:
        os.ftruncate(fd, size)
    except OSError:
        pass  # the next exchange finds the log longer than it left it, and publishes everything again


def _republish(store: MarkStore, folder: Path, path: Path, key: str, me: tuple[str, str]) -> int:
    """A fresh snapshot of everything the store holds, put in place of the log atomically; returns its lines."""
    seq, items = store.snapshot()
    lines = [_line(me, *item) for item in items]
    data = b"".join(lines)
    partial = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"  # a hidden name: never read as a log
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, path)  # a symlink or a FIFO in its place is replaced, never written through
        _sync_folder(folder)
    except OSError as exc:
        _remove(partial)
        raise SendError(f"cannot write sync log {shown_path(path)} ({exc.strerror or exc})") from None
    last = lines[-1] if lines else b""
    state = {"size": len(data), "tail": zlib.crc32(last), "tail_len": len(last), "sent": seq}
    store.sent(key, {**state, "lines": len(lines), "snapshot": len(lines)})
    return len(lines)


def _sync_folder(folder: Path) -> None:
    """The rename itself on disk (a folder's fsync); some file systems cannot, which is no reason to fail."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
