"""The messages the reader's threads send to its screen (toolong's messages.py): typed, so a failure or a
report is handled by what it is, never by the name of the worker that sent it.

Every one of them is posted from another thread (``post_message`` is thread-safe) and handled on the screen's.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message

__all__ = ["Deferred", "SaverReport", "WorkFailed"]


class SaverReport(Message):
    """What the mark saver's thread has to say (saving.Saved, Waiting, MarksChanged, HistoryDone or
    SaverProblem)."""

    def __init__(self, report: object) -> None:
        super().__init__()
        self.report = report


class WorkFailed(Message):
    """A worker raised: ``what`` it was doing ("Loading papers"), the error, where its traceback was logged, and
    the controller's own handler to run on the screen's thread (to reset what the work had under way)."""

    def __init__(
        self, what: str, error: BaseException, where: str, then: Callable[[BaseException], object] | None = None
    ) -> None:
        super().__init__()
        self.what, self.error, self.where, self.then = what, error, where, then


class Deferred(Message):
    """Run ``callback(*args)`` on the screen's thread, without making the sending thread wait for it (progress
    reports: the fetch's)."""

    def __init__(self, callback: Callable[..., object], *args: object) -> None:
        super().__init__()
        self.callback, self.args = callback, args
