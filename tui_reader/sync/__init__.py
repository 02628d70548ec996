"""Sync between machines without a server: a folder the user keeps in sync with any file-sync tool (Syncthing,
Dropbox, a network share) holds one append-only change log per device, ``<device-id>.jsonl``.

Each device appends only to its own log and reads everyone else's. A line is one change, as JSON::

    {"v": 1, "id": "2403.01234", "field": "starred", "value": true, "at": 1710150000.5, "device": "9f2c...",
     "w": "1a2b3c4d"}

``w`` tells apart two copies of one data folder writing under one id (own_log.py); a snapshot's line of another
device's change names it in ``origin``. A tag change is one line per tag: field ``tag``, value ``+rl``/``-rl``.

Merge rule: per paper and per field (read, starred, note), and per tag, the change with the newest ``at`` wins;
equal times go to the greater device id (compared as strings). Every device therefore converges to the same
state, whatever order the logs arrive in, and reading a line twice changes nothing. Times within a year of the end
of 9999 are refused (a device's own later changes must stay readable everywhere), and a device whose changes are
more than a day ahead of this clock is named in a warning.

This device's own log is checked before every append and written afresh when it is not what it left (own_log.py).

What sync tools do to the folder is expected, not trusted:

- Every copy is read: any file whose name is a device id, then a dot or a space, ... ``.jsonl`` (Syncthing's
  ``<id>.sync-conflict-....jsonl``, Dropbox's ``<id> (1).jsonl`` and ``(conflicted copy ...)``).
- A log is read on from where the last exchange ended only while the bytes before that point are still the ones
  read then (their CRC-32 is kept with the position): a log delivered again as a new file goes on after its
  identical prefix; one rolled back or rewritten in place is read again from its start. A log not touched since
  it was read to its end costs one ``fstat``, and one exchange reads at most EXCHANGE_BYTES of a log.
- Only regular files are opened (``O_NOFOLLOW | O_NONBLOCK``, then ``fstat``): a folder, FIFO, device or
  symbolic link named like a log is skipped with a warning, and the own log is never written through one.
- A half-written last line (a sync tool copying mid-write) is left until it is complete; a line longer than
  READ_CHUNK (never written by tui-reader) is skipped with a warning and reading goes on after it; a log written
  by a newer format is refused with one line naming it, never misread.
- Writing accounts for every byte: a short write is continued, and changes leave the outbox only once their
  lines are complete and fsync'ed; a full disk is a SyncError with the reason, and the next exchange sends the
  rest.

No Textual here: the CLI, the reader's saver thread and tests all drive ``sync_once``.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import stat
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from tui_reader.library import Change, MarkStore, Remote, check_id
from tui_reader.library.outbox import LogPosition
from tui_reader.library.rules import LATEST_TIME
from tui_reader.safe_text import shown_path

__all__ = ["FORMAT", "SyncError", "SyncResult", "device_id", "mentions", "sync_once"]

FORMAT = 1  # the "v" of every line this version writes; a log holding a greater one is refused
DEVICE_FILE = "device-id"  # in the data directory
READ_CHUNK = 8 << 20  # a log is read this much at a time, each part merged in one transaction
EXCHANGE_BYTES = 64 << 20  # one exchange reads at most about this much of one log; the rest comes with the next
_DEVICE = re.compile(r"[0-9a-f]{8,64}")
MAX_TIME = LATEST_TIME  # the latest time a line may hold; no change of this device passes it (library/rules.py)
AHEAD_S = 86400  # a device whose changes are this far ahead of this clock is named in a warning


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
    if store.data_dir is None:
        raise SyncError("marks cannot be saved here, so they are not synced")
    _kept(store)
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
    old = own
    try:
        own, writer = _this_device(store, store.data_dir)
    except OSError as exc:  # the id file cannot be written (a full disk)
        raise SyncError(
            f"cannot keep this device's id in {shown_path(store.data_dir)} ({exc.strerror or exc})"
        ) from None
    if own != old:
        result.warnings.append(
            f"this data folder is a copy of another machine's (device {old}): it syncs as a new device, {own}"
        )
    _kept(store)  # never a snapshot of an in-memory copy over the log
    result.sent, own = _send(store, folder, key, (own, writer), result.warnings, new_id=own != old)
    _kept(store)
    replaced = len(store.notes_replaced)
    for entry in entries:
        device = _log_device(entry.name)
        if device is not None and entry.name != f"{own}.jsonl":  # own: perhaps new since the scan
            result.received += _receive(store, Path(entry.path), f"{key}/{entry.name}", device, own, result.warnings)
            _kept(store)
    lost = store.notes_replaced[replaced:]
    if lost:
        papers = ", ".join(lost[:3]) + (f" and {len(lost) - 3} more" if len(lost) > 3 else "")
        result.warnings.append(f"a later edit on another device replaced your note on {papers}; undo brings yours back")
    return result


def mentions(sync_dir: Path, paper_id: str) -> bool:
    """Does another device's log in ``sync_dir`` hold a change of this paper (received or not yet)? A paper
    another device marked is a paper, even before this one has synced. Reads each log once, a part at a time;
    anything that is not a regular file named like a log is passed over; a folder that cannot be read: False."""
    import json  # loaded when a record is read or written, not by the first frame

    wanted = b'"id": ' + json.dumps(paper_id, ensure_ascii=False).encode("utf-8") + b","
    try:
        entries = sorted(os.scandir(os.path.expanduser(sync_dir)), key=lambda e: e.name)
    except (OSError, ValueError):
        return False
    for entry in entries:
        if _log_device(entry.name) is None or (fd := _open_regular(Path(entry.path), os.O_RDONLY, [])) is None:
            continue
        with os.fdopen(fd, "rb") as f:
            tail = b""  # the end of what was read, in case the id is cut between two parts
            while data := f.read(READ_CHUNK):
                if wanted in (part := tail + data):
                    return True
                tail = part[1 - len(wanted) :]
    return False


UNSAVED = "; marks will not be saved"  # how the store's warning ends when the marks file failed (a full disk)


def _kept(store: MarkStore) -> None:
    """SyncError when the marks file failed during the exchange (a full disk): what was taken is not kept, and
    the exchange must not say it was. The lines not recorded as read or sent are read or published again."""
    if store.read_only:
        reasons = [message.removesuffix(UNSAVED) for message in store.warnings if message.endswith(UNSAVED)]
        raise SyncError(f"marks not saved: {reasons[-1] if reasons else 'the marks file cannot be written'}")


def _send(
    store: MarkStore, folder: Path, key: str, me: tuple[str, str], warnings: list[str], new_id: bool = False
) -> tuple[int, str]:
    """This device's changes onto its log (see own_log.py): ``(lines written, this device's id)``. When the log
    holds lines another copy of this data folder wrote (another writer, or changes this store never had), another
    machine writes under this device's id: its lines are taken, this device takes a new id and publishes
    everything under it, and the other machine's log is read from then on as any other."""
    from tui_reader.sync import own_log

    own, writer = me

    def rescue(log: Path) -> int:
        won = _receive(store, log, f"{key}/{log.name}", own, own, warnings)
        _kept(store)  # taken into a marks file that failed: the log stays as it is
        return won

    try:
        sent, foreign = own_log.send(store, folder, key, me, warnings, rescue, new_id)
        if not foreign:
            return sent, own
        assert store.data_dir is not None
        new, writer = _this_device(store, store.data_dir, renew=True)
        warnings.append(f"another machine syncs as this device ({own}; a copied data folder?): this one is now {new}")
        return own_log.send(store, folder, key, (new, writer), warnings, rescue, new_id=True)[0], new
    except own_log.SendError as exc:
        raise SyncError(str(exc)) from None
    except OSError as exc:  # the data folder's lock file or id (a full disk)
        raise SyncError(f"cannot sync from {shown_path(str(store.data_dir))} ({exc.strerror or exc})") from None


def _this_device(store: MarkStore, data_dir: Path, renew: bool = False) -> tuple[str, str]:
    """This device's id and writer (a random tag its log lines carry), both made again when the data folder was
    copied from another machine: the store keeps them with the inode of the file holding the id, and a copy of
    the folder has the id in another file. A folder copied before it ever synced makes its own writer on its
    first exchange, which tells its lines from the original's."""
    own = device_id(data_dir)
    path = data_dir / DEVICE_FILE
    recorded = (store.setting("device") or "").split(":")
    copied = len(recorded) >= 2 and recorded[0] == own and recorded[1] != str(os.stat(path).st_ino)
    if renew or copied:
        own = _new_device_id(data_dir)
    writer = recorded[2] if len(recorded) == 3 and not (renew or copied) and recorded[0] == own else None
    writer = writer or secrets.token_hex(4)
    mark = f"{own}:{os.stat(path).st_ino}:{writer}"
    if recorded != mark.split(":"):
        store.set_setting("device", mark)
    return own, writer


def _new_device_id(data_dir: Path) -> str:
    new = secrets.token_hex(8)
    partial = data_dir / f".{DEVICE_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    partial.write_text(new + "\n", "ascii")
    os.replace(partial, data_dir / DEVICE_FILE)
    return new


def _log_device(name: str) -> str | None:
    """The device whose log a file is, by its name: ``<device id>.jsonl``, or any copy a sync tool made of one
    (``<id>.sync-conflict-20261201-123456-ABCDEFG.jsonl``, ``<id> (1).jsonl``, ``<id> (conflicted copy ...).jsonl``):
    a name that starts with a device id followed by a dot or a space, and ends in .jsonl. None for any other
    file (and for the partial files sync tools write, whose names end otherwise)."""
    match = _LOG_NAME.match(name)
    return match[1] if match and name.endswith(".jsonl") else None


_LOG_NAME = re.compile(r"([0-9a-f]{8,64})[. ]")  # the id, then ".jsonl", ".sync-conflict-...", " (1)", ...


def _receive(store: MarkStore, log: Path, key: str, device: str, own: str, warnings: list[str]) -> int:
    """The complete lines of another device's log not read yet, READ_CHUNK bytes at a time, each part merged in
    one transaction with the position reached (so a crash mid-way re-reads at most one part)."""
    name = shown_path(log.name)
    fd = _open_regular(log, os.O_RDONLY, warnings)
    if fd is None:
        return 0
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        memo = (str(store.data_dir), key)
        if _READ_TO_END.get(memo) == stamp:
            return 0  # not touched since it was read to its end: not even opened again for reading
        seen = store.log_position(key)
        offset, crc = _resume(f, info, seen)
        reading = _Reading(device)
        won = 0
        budget = offset + EXCHANGE_BYTES  # bounded work: a huge log is read over several exchanges
        while offset < min(info.st_size, budget):
            f.seek(offset)
            data = f.read(READ_CHUNK)
            changes, used = reading.parse(data, full=len(data) == READ_CHUNK)
            if used:
                crc = zlib.crc32(data[:used], crc)
                offset += used
                won += store.merge(changes, own, LogPosition(key, info.st_ino, offset, crc))
                seen = None
            if reading.newer is not None or len(data) < READ_CHUNK:
                break  # refused, or the end (perhaps with a line still being written)
        if seen is not None and (seen.offset, seen.crc) != (offset, crc):
            store.merge([], own, LogPosition(key, info.st_ino, offset, crc))  # a position of an older tui-reader
        if offset == info.st_size:
            _READ_TO_END[memo] = stamp
    warnings.extend(reading.warnings(name))
    return won


# Logs read to their end, by (data dir, log key): the (inode, size, mtime, ctime) they had then. A log seen again
# unchanged is not read at all, so an idle reader costs nothing however long the other devices' logs are.
_READ_TO_END: dict[tuple[str, str], tuple[int, int, int, int]] = {}


def _open_regular(path: Path, flags: int, warnings: list[str]) -> int | None:
    """``path`` opened with ``flags`` if it is a regular file: never through a symlink, never waiting on a FIFO or
    a device (O_NONBLOCK), never a folder. Anything else named like a log is skipped with a warning."""
    name = shown_path(path.name)
    try:
        fd = os.open(path, flags | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            warnings.append(f"sync folder holds a symbolic link named like a log, {name}: skipped")
        elif exc.errno == errno.EISDIR:
            warnings.append(f"sync folder holds a folder named like a log, {name}: skipped")
        else:
            warnings.append(f"cannot read sync log {name} ({exc.strerror or exc})")
        return None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "folder" if stat.S_ISDIR(mode) else "FIFO" if stat.S_ISFIFO(mode) else "device or socket"
        warnings.append(f"sync folder holds a {kind} named like a log, {name}: skipped")
        return None
    return fd


def _resume(f: BinaryIO, info: os.stat_result, seen: LogPosition | None) -> tuple[int, int]:
    """Where to go on reading a log: ``(offset, CRC-32 of the bytes before it)``. The position saved last time,
    if the file still begins with the very bytes read then (the same file appended to, or a copy of it a sync
    tool delivered as a new file); otherwise its start (it was rolled back or rewritten: reading a line twice
    changes nothing)."""
    if seen is None or seen.offset > info.st_size:
        return 0, 0
    crc = 0
    f.seek(0)
    left = seen.offset
    while left:
        data = f.read(min(left, 1 << 20))
        if not data:
            return 0, 0
        crc = zlib.crc32(data, crc)
        left -= len(data)
    same = seen.inode == info.st_ino if seen.crc is None else crc == seen.crc  # no CRC: saved by an older version
    return (seen.offset, crc) if same else (0, 0)


_LINE = re.compile(rb"[^\n]+")


class _Reading:
    """The lines of one log as it is read part by part: what they hold, and what was wrong with them."""

    def __init__(self, device: str) -> None:
        self.device = device
        self.bad = 0  # unreadable lines
        self.long = 0  # lines longer than READ_CHUNK, skipped
        self.newer: int | None = None  # the format of a newer tui-reader met: reading stops there
        self.latest = 0.0  # the latest time of a change read
        self._in_long = False  # the part read last ended inside an overlong line

    def parse(self, data: bytes, full: bool) -> tuple[list[Remote], int]:
        """``(changes, bytes used)`` for the complete lines of ``data``: the part after the last newline is a
        line still being written (unless the whole part is one line: longer than any line tui-reader writes,
        skipped), and a line of a newer format stops the reading there. Blank lines are skipped unseen."""
        end = data.rfind(b"\n") + 1
        if not end:
            if full:  # no newline in a whole part: a line too long to be ours, skipped to its end
                self.long += not self._in_long
                self._in_long = True
                return [], len(data)
            return [], 0
        changes: list[Remote] = []
        start = data.find(b"\n") + 1 if self._in_long else 0  # the rest of an overlong line: skipped too
        self._in_long = False
        for match in _LINE.finditer(data, start, end):
            record = _record(match[0])
            version = record.get("v") if isinstance(record, dict) else None
            if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT:
                self.newer = version  # it and what follows stay unread, for a version that reads them
                return changes, match.start()
            change = _change(record, self.device)
            if change is None:
                self.bad += 1
            else:
                changes.append(Remote(change, _origin(record, self.device)))
                self.latest = max(self.latest, change.at)
        return changes, end

    def warnings(self, name: str) -> list[str]:
        said = []
        ahead = self.latest - time.time()
        if ahead > AHEAD_S:
            said.append(
                f"device {self.device}'s changes carry times {_duration(ahead)} ahead of this machine's clock "
                f"(sync log {name}): they win over changes made here until then; check the date and time of the "
                "machine that made them"
            )
        if self.newer is not None:
            said.append(
                f"sync log {name} was written by a newer tui-reader (format {self.newer}); not read: update tui-reader"
            )
        if self.long:
            said.append(
                f"sync log {name}: {self.long} line{'' if self.long == 1 else 's'} over {READ_CHUNK >> 20} MiB skipped"
            )
        if self.bad:
            said.append(f"sync log {name}: {self.bad} unreadable line{'' if self.bad == 1 else 's'} skipped")
        return said


def _duration(seconds: float) -> str:
    days = seconds / 86400
    return (
        f"{days / 365.25:.1f} years"
        if days >= 365
        else f"{days:.0f} days"
        if days >= 2
        else f"{seconds / 3600:.0f} hours"
    )


def _record(line: bytes) -> object:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def _origin(record: object, device: str) -> str:
    """The device whose change a line holds: the log's, or the one named by a snapshot's line."""
    origin = record.get("origin") if isinstance(record, dict) else None
    return origin if isinstance(origin, str) and _DEVICE.fullmatch(origin) else device


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
