"""A plain host for the controllers (what the reader's screen is for them): work runs at once in the test's
thread, what would be shown is recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tui_reader.state import ReaderState


class FakeHost:
    def __init__(self, state: ReaderState) -> None:
        self.state = state
        self.said: list[tuple[str, str, str]] = []  # (message, title, severity)
        self.warned: list[str] = []
        self.shown: list[object] = []  # the repaints asked for, in order: "status", "rows", "marks", "cursor"...
        self.clipboard: list[str] = []
        self.groups: list[str] = []  # the work run, by group
        self.failures: list[tuple[str, BaseException]] = []  # what the screen would say: "<what> failed (...)"

    def in_thread(
        self, work: Callable[[], object], *, group: str, what: str, failed: Callable[[BaseException], object] | None
    ) -> None:
        self.groups.append(group)
        try:
            work()
        except Exception as error:
            self.failures.append((what, error))
            if failed is not None:
                failed(error)

    def from_thread(self, callback: Callable[..., object], *args: object) -> None:
        callback(*args)

    def soon(self, callback: Callable[..., object], *args: object) -> None:
        callback(*args)

    def say(self, message: str, *, title: str = "", severity: str = "information", timeout: float | None = None):
        self.said.append((message, title, severity))

    def warn(self, messages: Iterable[str], title: str = "Warning") -> None:
        self.warned.extend(messages)

    def refresh_status(self) -> None:
        self.shown.append("status")

    def show_rows(self, top: bool = False) -> None:
        self.shown.append("rows at top" if top else "rows")

    def marks_shown(self) -> None:
        self.shown.append("marks")

    def place_cursor_at_start(self) -> None:
        self.shown.append("cursor")

    def keep_cursor_on(self, position: int) -> None:
        self.shown.append(("cursor on", position))

    def copy_to_clipboard(self, text: str) -> None:
        self.clipboard.append(text)

    @property
    def messages(self) -> list[str]:
        return [message for message, _, _ in self.said]
