"""Many warnings at once (a folder of 2,000 empty files, a config file of unknown keys): the command line and
the reader show a handful, then one line saying how many more there are and where the full list went (the user
log file, tui_reader.files.log_file), instead of one line or one notification each. A notification costs the
reader a widget and its layout: thousands of them froze it for tens of seconds, and no one reads them anyway.

Files that hold no papers are counted in one warning (naming the first), not listed one by one; the log has
every file."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

from tui_reader.files import record_warnings

__all__ = ["SHOWN", "Budget", "grouped", "more_line", "summary"]

SHOWN = 5  # warnings shown one by one; past these, one line counts the rest
# the warnings tui_reader.corpus gives a file that holds no papers
NO_PAPERS = (": no papers found; skipped", ": empty file; skipped")


def grouped(messages: Iterable[str]) -> list[str]:
    """The warnings, those of files with no papers made one that counts them (when there are more warnings
    than are shown one by one: a few are named each)."""
    messages = list(messages)
    empty = [message for message in messages if message.endswith(NO_PAPERS)]
    if len(empty) < 2 or len(messages) <= SHOWN:
        return messages
    first = empty[0].rpartition(": ")[0]
    rest = [message for message in messages if not message.endswith(NO_PAPERS)]
    return [*rest, f"{len(empty):,} files with no papers skipped ({first} and {len(empty) - 1:,} more)"]


def more_line(count: int, where: str) -> str:
    return f"{count:,} more warning{'' if count == 1 else 's'} (see {where})"


def summary(messages: Sequence[str], shown: int = SHOWN) -> list[str]:
    """What to show of ``messages``: at most ``shown`` of them (grouped), then the "N more warnings" line; when
    anything is left out (or grouped), the full list goes to the log file."""
    lines = grouped(messages)
    if len(lines) == len(messages) and len(lines) <= shown:
        return lines
    where = record_warnings(messages)
    if len(lines) <= shown:
        return lines
    return [*lines[:shown], more_line(len(lines) - shown, where)]


class Budget:
    """The reader's warnings come in batches (a load hands its papers over every tenth of a second): at most
    ``shown`` notifications of them within ``window`` seconds (as long as one stays up); the rest are held back,
    to be counted in one notification and written to the log (``held``, ``to_log``) by the caller."""

    def __init__(self, shown: int = SHOWN, window: float = 12.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.shown, self.window, self.clock = shown, window, clock
        self.started = -window
        self.used = 0
        self.held = 0  # lines not shown, since the last flush
        self.to_log: list[str] = []  # every warning of a batch that was cut or grouped, since the last flush

    def take(self, messages: Sequence[str]) -> list[str]:
        """The lines of ``messages`` to show now; the rest are noted as held back."""
        now = self.clock()
        if now - self.started >= self.window:
            self.started, self.used = now, 0
        lines = grouped(messages)
        room = max(self.shown - self.used, 0)
        now_shown = lines[:room]
        self.used += len(now_shown)
        if len(now_shown) < len(lines) or len(lines) < len(messages):
            self.held += len(lines) - len(now_shown)
            self.to_log.extend(messages)
        return now_shown

    def flush(self) -> str | None:
        """The "N more warnings" line for what was held back (the log written), or None when nothing was."""
        if not self.to_log:
            return None
        where = record_warnings(self.to_log)
        held, self.held, self.to_log = self.held, 0, []
        return more_line(held, where) if held else None
