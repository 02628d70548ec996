"""What a controller needs from the screen it works for: a thread to work in, a way back to the screen's
thread, notifications and repaints. The reader's screen is the host; tests give a plain object."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from tui_reader.state import ReaderState

Severity = Literal["information", "warning", "error"]


class Host(Protocol):
    state: ReaderState

    def in_thread(
        self, work: Callable[[], object], *, group: str, what: str, failed: Callable[[BaseException], object] | None
    ) -> None:
        """Run ``work`` in a thread (a newer work of the same ``group`` cancels the older). If it raises, the
        error is logged and shown as "``what`` failed (...)", then ``failed(error)`` runs on the screen's
        thread."""

    def from_thread(self, callback: Callable[..., object], *args: object) -> None:
        """From a work's thread: run ``callback`` on the screen's thread and wait for it."""

    def soon(self, callback: Callable[..., object], *args: object) -> None:
        """From any thread: run ``callback`` on the screen's thread, without waiting for it."""

    def say(
        self, message: str, *, title: str = "", severity: Severity = "information", timeout: float | None = None
    ) -> None: ...

    def warn(self, messages: Iterable[str], title: str = "Warning") -> None: ...

    def refresh_status(self) -> None: ...

    def show_rows(self, top: bool = False) -> None:
        """The list shows ``state.rows`` (with the result's title highlights), and the status line follows. The
        cursor stays on its paper while it is shown; ``top``: it goes to the top row (a new query's best match)."""

    def marks_shown(self) -> None:
        """Repaint what shows marks, notes and tags: the list, the detail and the status."""

    def place_cursor_at_start(self) -> None: ...

    def keep_cursor_on(self, position: int) -> None:
        """The list's cursor stays on ``papers[position]`` through the next ``show_rows``."""

    def copy_to_clipboard(self, text: str) -> None: ...
