"""Files and caches: writing a file so no reader and no crash ever sees half of it, and the user cache folders.

Used by the corpus (parse cache), the search index cache and ``marks export``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path

__all__ = ["cache_dir", "documents_dir", "log_file", "mark_used", "record_failure", "replace_file", "store_in_cache"]


def cache_dir(kind: str = "corpus") -> Path:
    """The user cache folder of one cache: ``corpus`` (parsed files) or ``index`` (tui_reader.search.cache)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("tui-reader")) / kind


def replace_file(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it and a rename, so no reader (and no crash)
    ever sees half a file: the path gets a new inode, and a handle open on the old file still reads the old data.

    A symlink is followed: its final target is replaced, the link kept. Only a regular file is ever replaced:
    a directory, FIFO, device or socket raises OSError (the rename would have swapped a regular file in for
    it; run as root, for /dev/null). The new file keeps the old one's permission bits, and its owner when we
    may set it. ``durable`` (backups): the data is fsync'ed before the rename, the folder after it, so a power
    cut leaves the old file or the new one. Raises OSError, leaving no temporary file behind (nor when
    interrupted)."""
    import errno
    from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISREG, S_ISSOCK

    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        old = os.stat(target)  # a symlink loop raises ELOOP here
    except FileNotFoundError:
        old = None  # a new file (also: the target of a dangling symlink)
    if old is not None and not S_ISREG(old.st_mode):
        mode = old.st_mode
        kind = (
            "a directory" if S_ISDIR(mode)
            else "a FIFO" if S_ISFIFO(mode)
            else "a device" if S_ISCHR(mode) or S_ISBLK(mode)
            else "a socket" if S_ISSOCK(mode)
            else "not a regular file"
        )  # fmt: skip
        raise OSError(errno.EISDIR if S_ISDIR(mode) else errno.EINVAL, f"{kind}, not a regular file")
    # A random part, so two threads (or a stale file of a crashed process with our pid) never collide.
    partial = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.partial")
    # Created never more open than the file it replaces (0o666 is narrowed by the umask), and O_EXCL: never
    # someone else's file.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if old is None else old.st_mode & 0o777)
    try:
        try:
            if old is not None:
                if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                    try:
                        os.fchown(fd, old.st_uid, old.st_gid)
                    except OSError:
                        pass  # only root may give a file away: it stays ours
                os.fchmod(fd, old.st_mode & 0o777)  # exactly the old bits, whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    if durable:
        try:
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except OSError:
            pass  # the file is whole and in place; some file systems cannot sync a folder


def store_in_cache(entry: Path, value: object) -> bool:
    """Pickle ``value`` into a cache entry (its folder made as needed). False when it cannot be written:
    a cache we cannot write only costs time."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        replace_file(entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return False
    return True


def mark_used(entry: Path) -> None:
    """Note that a cache entry is in use (its modification time), so pruning keeps it; best effort (a
    read-only cache is still read)."""
    with contextlib.suppress(OSError):
        os.utime(entry)


def documents_dir() -> Path:
    """The user's documents folder (``$XDG_DOCUMENTS_DIR``, else ``~/Documents`` on Linux; ``~/Documents`` on
    macOS and Windows): where the reader's export dialog writes, never wherever the reader was started."""
    import platformdirs

    return Path(platformdirs.user_documents_dir())


def log_file() -> Path:
    """Where failures are written down in full (the user log dir: ``~/.local/state/tui-reader/log`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_log_dir("tui-reader")) / "tui-reader.log"


LOG_MAX_BYTES = 1_000_000  # the log is started afresh (the old one kept as .1) past this size


def record_warnings(messages: Iterable[str]) -> str:
    """Append warnings to the log file, one a line; returns where they went (or why they could not)."""
    import time

    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    return _append("".join(f"{stamp} warning: {message}\n" for message in messages))


def _append(entry: str) -> str:
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > LOG_MAX_BYTES:
            os.replace(path, path.with_suffix(".log.1"))
        with open(path, "a", encoding="utf-8", errors="replace") as log:
            log.write(entry)
    except OSError as exc:
        return f"(could not write the log: {exc.strerror or exc})"
    return str(path)


def record_failure(what: str, error: BaseException) -> str:
    """Append ``error`` with its traceback to the log file; returns where it went (or why it could not), for the
    one-line message the user sees instead of a traceback."""
    import time
    import traceback

    entry = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {what} failed\n" + "".join(
        traceback.format_exception(type(error), error, error.__traceback__)
    )
    return _append(entry + "\n")
