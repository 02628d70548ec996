"""Saving marks in the background, so the reader's screen never waits for the marks file.

The reader hands every change the user makes to a ``MarkSaver`` and shows it at once. The saver's thread owns
the only writable connection: it journals each change (fsync, see ``library.Journal``), commits it, and while
another program holds the file's lock it keeps the changes journalled and tries again until the lock goes away.
The same thread notices marks committed by other programs (another reader, ``tui-reader mark``) and reads them,
runs undo and redo in their turn among the changes, and, when a sync folder is set, exchanges changes with the
other devices (tui_reader/sync.py) on a thread of its own (``Syncer``: on start, every SYNC_POLL_SECONDS and on
close), so saving never waits for a slow folder. It reports through a callback that must be safe to call from
another thread (the app posts a message).

Plain threads and no Textual: the app, the CLI and tests can all drive it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from tui_reader.library import Change, Journal, Mark, MarkStore, StoreBusy, Undone

__all__ = ["HistoryDone", "MarkSaver", "MarksChanged", "Saved", "SaverProblem", "SavingAgain", "Synced", "Waiting"]

SYNC_POLL_SECONDS = 3.0  # how often the open reader exchanges with the sync folder (and on start and quit)
SYNC_CLOSE_SECONDS = 5.0  # quitting waits this long at most for the last exchange with the sync folder
WRITER_BUSY_TIMEOUT_S = 0.25  # one try at the lock; between tries the thread answers new changes and quitting


@dataclass(frozen=True)
class Saved:
    """These changes are committed (``marks``: each paper's mark as the file now holds it)."""

    changes: tuple[Change, ...]
    marks: dict[str, Mark]


@dataclass(frozen=True)
class Waiting:
    """Another program has held the marks file's lock for ``seconds``; ``pending`` changes wait, journalled."""

    seconds: float
    pending: int


@dataclass(frozen=True)
class MarksChanged:
    """Another program (or another device, through sync) changed marks: everything as the file now holds it."""

    read: frozenset[str]
    starred: frozenset[str]
    notes: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryDone:
    """An undo (``redo`` False) or redo asked for ran: ``undone`` is what it did, None when there was nothing."""

    undone: Undone | None
    redo: bool


@dataclass(frozen=True)
class Synced:
    """An exchange with the sync folder: ``sent`` changes of ours written, ``received`` of others' taken."""

    sent: int
    received: int


class HistoryOp:
    """An undo or redo handed to the saver: it runs after the changes handed over before it."""

    def __init__(self, redo: bool) -> None:
        self.redo = redo


@dataclass(frozen=True)
class SavingAgain:
    """The marks file takes changes again (it had failed mid-session: a full disk); what was kept meanwhile is
    saved."""


@dataclass(frozen=True)
class SaverProblem:
    """Something the user must know: marks cannot be saved (kept for this session only), or were recovered."""

    message: str
    read_only: bool = False


Report = Callable[[object], None]


@dataclass
class _State:
    queue: list[Change | HistoryOp] = field(default_factory=list)
    stopping: bool = False
    unsaved: int = 0  # changes handed over and not yet committed (queued or being tried)
    asked: int = 0  # rounds asked for (flush): each round saves what is queued and looks for others' changes
    done: int = 0  # rounds completed


class MarkSaver:
    """Commits the user's changes in order, on its own thread; never drops one.

    ``store``: a writable store this saver may own from now on (the caller stops using it), or any other
    store (read-only, or opened for reading) whose ``data_dir`` the saver opens for writing in its thread.
    ``sync_dir``: the sync folder (None: no sync).
    """

    def __init__(
        self, store: MarkStore, report: Report, poll_seconds: float = 2.0, sync_dir: Path | None = None
    ) -> None:
        self._given = store
        self._sync_dir = sync_dir
        self._syncer: Syncer | None = None  # started once the marks file is open for writing
        self._failed: list[Change] = []  # kept in memory since the marks file failed mid-session, tried again
        self._journal_lost = False  # the journal failed (a full disk): a new one is tried with the next changes
        self._retry_at = 0.0
        self._report = report
        self._poll = poll_seconds
        self._state = _State()
        self._wake = threading.Condition()  # new work, stopping, and every change of progress: all notify_all
        self.store: MarkStore | None = None
        self.journal: Journal | None = None
        self.unsaved_at_exit = 0
        self.failed_at_exit = False  # the unsaved changes met a file that failed, not a lock
        self._deadline = 0.0
        self._warned = 0
        self._journal_problem = ""
        self._thread = threading.Thread(target=self._run, name="mark-saver", daemon=True)
        self._started = False

    def start(self) -> None:
        """Start the saver's thread (once; again is nothing). The reader starts it once its first frame is
        shown, so opening the marks file for writing never delays that frame; changes handed over before then
        wait in the queue, and its first round journals them all."""
        with self._wake:
            if self._started:
                return
            self._started = True
        self._thread.start()

    # -- the UI's side ---------------------------------------------------------------------------------------

    def submit(self, change: Change) -> None:
        with self._wake:
            self._state.queue.append(change)
            self._state.unsaved += 1
            self._wake.notify_all()

    def submit_all(self, changes: Sequence[Change]) -> None:
        """Many changes at once (a bulk mark): one hand-over, not one per change."""
        with self._wake:
            self._state.queue.extend(changes)
            self._state.unsaved += len(changes)
            self._wake.notify_all()

    def undo(self) -> None:
        """Undo the last step of the history once the changes handed over so far are saved (HistoryDone)."""
        self._submit_op(HistoryOp(redo=False))

    def redo(self) -> None:
        """Redo the step undone last, in turn (HistoryDone)."""
        self._submit_op(HistoryOp(redo=True))

    def _submit_op(self, op: HistoryOp) -> None:
        with self._wake:
            self._state.queue.append(op)
            self._wake.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every change handed over so far is committed and changes made elsewhere until now have
        been looked for and reported (or the timeout). True when no change is left unsaved."""
        deadline = time.monotonic() + timeout
        with self._wake:
            self._state.asked += 1
            asked = self._state.asked
            self._wake.notify_all()
            while (self._state.unsaved or self._state.done < asked) and self._thread.is_alive():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.wait(left)
            return not self._state.unsaved

    def close(self, timeout: float = 2.0) -> int:
        """Keep trying to commit what is left for up to ``timeout`` seconds, stop, and return how many changes
        are still unsaved (they stay in the journal, and the next opening of the store saves them)."""
        self.start()  # a reader closed before its first frame still recovers, syncs and stops as any other
        with self._wake:
            self._state.stopping = True
            self._deadline = time.monotonic() + timeout
            self._wake.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout + WRITER_BUSY_TIMEOUT_S * 4)  # a try at the lock in progress ends by then
        if self._syncer is not None:
            self._syncer.stop(SYNC_CLOSE_SECONDS)  # the last changes go out, unless the folder hangs
        self.unsaved_at_exit = self._state.unsaved
        self.failed_at_exit = bool(self._failed)
        return self.unsaved_at_exit

    # -- the saver's thread ------------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._prepare()
            self._serve()
        except Exception as exc:  # never a traceback on the user's screen: say it, keep the journal
            self._report(SaverProblem(f"marks could not be saved ({type(exc).__name__}: {exc})", read_only=True))
        finally:
            if self.journal is not None:
                if not self._state.unsaved:
                    self.journal.remove()
                self.journal.close()
            if self.store is not None and self.store is not self._given:
                self.store.close()
            with self._wake:
                self._wake.notify_all()

    def _prepare(self) -> None:
        """Take over a writable store, or plan to open one; start the journal first, so a change made while the
        file is locked from the start is on disk all the same."""
        given = self._given
        if given.writable:  # writable, or fell back to memory (nothing can be saved)
            self._adopt(given, told=len(given.warnings))  # the caller has shown its warnings
            if given.read_only:
                return  # nothing can be saved, so nothing to journal
        if given.data_dir is None:
            return
        try:
            self.journal = Journal.create(given.data_dir)
        except OSError as exc:  # said once the store is open, unless the store cannot save anyway (it says so)
            self._journal_problem = f"cannot keep a journal of unsaved marks ({exc.strerror or exc})"

    def _adopt(self, store: MarkStore, told: int = 0) -> None:
        self.store = store
        store.waiting = _one_try  # the loop below does the waiting, so it can take new changes meanwhile
        store.changed_elsewhere()  # note the version we start from
        self._warned = told
        self._report_warnings()
        if self._journal_problem and not store.read_only:
            self._report(SaverProblem(self._journal_problem))
        if self._sync_dir is not None and self._syncer is None and not store.read_only and store.data_dir:
            self._syncer = Syncer(store.data_dir, self._sync_dir, self._report)
            self._syncer.start()

    def _report_warnings(self) -> None:
        store = self.store
        if store is not None and len(store.warnings) > self._warned:
            for message in store.warnings[self._warned :]:
                self._report(SaverProblem(message, read_only=store.read_only))
            self._warned = len(store.warnings)

    def _open(self) -> bool:
        assert self._given.data_dir is not None
        try:
            store = MarkStore.open(self._given.data_dir, waiting=_one_try, busy_timeout=WRITER_BUSY_TIMEOUT_S)
        except StoreBusy:
            return False
        self._adopt(store)
        return True

    def _serve(self) -> None:
        batch: list[Change | HistoryOp] = []
        busy_since: float | None = None
        while True:
            with self._wake:
                idle = not self._state.queue and not batch and self.store is not None
                if idle and not self._state.stopping and self._state.done == self._state.asked:
                    self._wake.wait(self._poll)
                new, self._state.queue = self._state.queue, []
                asked = self._state.asked
                stopping, deadline = self._state.stopping, self._deadline
            if new:
                self._journal([item for item in new if isinstance(item, Change)])
                batch.extend(new)
            if self._failed and time.monotonic() >= self._retry_at:
                self._save_again()
            try:
                if self.store is None and not self._open():
                    raise StoreBusy
                store = self.store
                assert store is not None
                while batch:
                    batch = self._save_some(store, batch)
                busy_since = None
            except StoreBusy:
                now = time.monotonic()
                busy_since = busy_since or now
                self._report(Waiting(now - busy_since, self._state.unsaved))
                if stopping and now >= deadline:
                    return
                continue
            if stopping:
                return
            if store.changed_elsewhere():
                self._report_all(store)
            with self._wake:
                self._state.done = max(self._state.done, asked)
                self._wake.notify_all()

    def _save_some(self, store: MarkStore, batch: list[Change | HistoryOp]) -> list[Change | HistoryOp]:
        """Save the changes at the head of ``batch`` (one transaction), or run the undo/redo there; returns the
        rest. StoreBusy leaves ``batch`` as it was."""
        head = batch[0]
        if isinstance(head, HistoryOp):
            undone = store.redo() if head.redo else store.undo()
            self._report(HistoryDone(undone, head.redo))
            return batch[1:]
        end = next((i for i, item in enumerate(batch) if isinstance(item, HistoryOp)), len(batch))
        changes = [item for item in batch[:end] if isinstance(item, Change)]
        saving = not store.read_only
        marks = store.apply(changes)
        if store.read_only and (saving or self._failed):  # the file failed mid-session (a full disk): the
            self._failed.extend(changes)  # changes stay journalled and unsaved, and are tried again
            self._report_warnings()
            return batch[end:]
        self._committed(changes, marks)
        self._report_warnings()
        return batch[end:]

    def _committed(self, changes: Sequence[Change], marks: dict[str, Mark]) -> None:
        """These changes are in the marks file: no longer pending (the journal emptied once nothing is), and the
        reader is told."""
        with self._wake:
            self._state.unsaved -= len(changes)
            if not self._state.unsaved and self.journal is not None:
                self.journal.clear()
            self._wake.notify_all()
        self._report(Saved(tuple(changes), marks))

    def _save_again(self) -> None:
        """After the marks file failed mid-session (a full disk), try a fresh opening every poll; once one takes
        the changes made since, saving goes on as before, and the reader is told."""
        self._retry_at = time.monotonic() + self._poll
        assert self._given.data_dir is not None
        try:
            store = MarkStore.open(self._given.data_dir, waiting=_one_try, busy_timeout=WRITER_BUSY_TIMEOUT_S)
        except StoreBusy:
            return
        marks = {} if store.read_only else store.apply(self._failed)
        if store.read_only:
            store.close()
            return
        old, changes, self._failed = self.store, self._failed, []
        self._adopt(store, told=len(store.warnings))
        if old is not None and old is not self._given:
            old.close()
        if self.journal is None:
            with suppress(OSError):
                self.journal = Journal.create(self._given.data_dir)
        self._committed(changes, marks)
        self._report(SavingAgain())

    def _report_all(self, store: MarkStore) -> None:
        flags = store.flags()
        self._report(MarksChanged(frozenset(flags.read), frozenset(flags.starred), flags.notes, flags.tags))

    def _journal(self, changes: list[Change]) -> None:
        if self.journal is None and self._journal_lost and self._given.data_dir is not None:
            with suppress(OSError):  # the disk had filled up: a new journal once there is room again
                self.journal = Journal.create(self._given.data_dir)
        if self.journal is None:
            return
        try:
            self.journal.append(changes)
            self._journal_lost = False
        except OSError as exc:
            if not self._journal_lost:  # said once, until the journal works again
                self._report(SaverProblem(f"cannot journal unsaved marks ({exc.strerror or exc})"))
            self._journal_lost = True
            if self.journal.empty:
                self.journal.remove()  # an empty journal would only be left behind
            self.journal.close()
            self.journal = None


def _one_try(seconds: float) -> bool:
    return False


class Syncer:
    """Exchanges with the sync folder on a thread of its own, with its own connection to the marks file: on
    start, every SYNC_POLL_SECONDS and once more when stopped. Saving never waits for it (a slow share, a big log
    of another device), and quitting waits for it at most the time it is given. What it merges reaches the reader
    through the saver, which notices marks committed by other connections."""

    def __init__(self, data_dir: Path, sync_dir: Path, report: Report) -> None:
        self._data_dir, self._sync_dir, self._report = data_dir, sync_dir, report
        self._wake = threading.Condition()
        self._stopping = False
        self._problem = ""
        self._thread = threading.Thread(target=self._run, name="mark-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """One last exchange (this device's last changes go out), waited for at most ``timeout`` seconds."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        store: MarkStore | None = None
        try:
            while True:
                with self._wake:
                    stopping = self._stopping
                try:
                    store = store or MarkStore.open(
                        self._data_dir, waiting=_one_try, busy_timeout=WRITER_BUSY_TIMEOUT_S
                    )
                    self._exchange(store)
                    if store.read_only:  # the marks file failed (a full disk): opened afresh next time, so
                        store.close()  # sync goes on by itself once there is room again
                        store = None
                except StoreBusy:
                    pass  # the next exchange tries again; nothing is lost meanwhile
                except Exception as exc:  # never a traceback on the user's screen
                    self._say(f"sync stopped ({type(exc).__name__}: {exc})")
                    return
                if stopping:
                    return
                with self._wake:
                    if not self._stopping:
                        self._wake.wait(SYNC_POLL_SECONDS)
        finally:
            if store is not None:
                store.close()

    def _exchange(self, store: MarkStore) -> None:
        """One exchange; a problem is said once (until it changes or goes away)."""
        from tui_reader.sync import SyncError, sync_once  # only with a sync folder

        try:
            result = sync_once(store, self._sync_dir)
        except SyncError as exc:
            self._say(str(exc))
            return
        self._say("; ".join(result.warnings))
        if result.sent or result.received:
            self._report(Synced(result.sent, result.received))

    def _say(self, problem: str) -> None:
        if problem != self._problem:
            self._problem = problem
            if problem:
                self._report(SaverProblem(f"sync: {problem}"))


def unsaved_message(count: int, data_dir: Path | None, failed: bool = False) -> str:
    """What to tell the user when the reader quits with changes the file did not take yet: locked by another
    program, or (``failed``) it could not be written (a full disk): kept only if their journal could be."""
    where = f" in {data_dir}" if data_dir is not None else ""
    plural = "change" if count == 1 else "changes"
    if failed:
        return (
            f"{count} mark {plural} could not be saved: the marks file{where} could not be written (a full disk?); "
            "those journalled are saved the next time tui-reader starts, the others are lost"
        )
    return (
        f"{count} mark {plural} could not be saved yet: the marks file{where} is locked by another program; "
        "they are kept and saved the next time tui-reader starts"
    )
