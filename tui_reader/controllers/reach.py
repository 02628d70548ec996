"""Reaching and citing the paper: o opens a link in the browser (and marks the paper read), y copies its title,
id, link or a citation, e exports papers to a file. The menus and the dialog are the screen's; this does what
was chosen."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from tui_reader.controllers.host import Host, Severity

if TYPE_CHECKING:
    from tui_reader.clipboard import Copied

__all__ = ["Reach", "copied_message", "graphical_browser_available"]

TMUX_HINT = "in tmux, add `set -g set-clipboard on` to ~/.tmux.conf"
SHOWN_CELLS = 100  # of what was copied, in the notice
LINK_CELLS = 400  # a link copied for want of a browser is the one thing to read in its notice: shown whole
PLACES = {"tmux": "tmux's buffer"}  # every other tool copies to the system's clipboard


def graphical_browser_available() -> bool:
    """True when webbrowser would open a real window rather than take over this terminal with lynx & co."""
    if os.environ.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class Reach:
    """``mark_read(paper_id)`` marks a paper read (the library's)."""

    def __init__(
        self,
        host: Host,
        mark_read: Callable[[str], object],
        environ: Mapping[str, str] | None = None,
        platform: str = sys.platform,
    ) -> None:
        self.host = host
        self._mark_read = mark_read
        self._environ = environ  # where the clipboard tools are looked for (None: this process's environment)
        self._platform = platform

    def open_link(self, url: str | None, paper_id: str) -> None:
        """Open an http(s) URL in the browser, and mark the paper read, as newsboat does (it is being read). With
        no graphical browser (ssh, a console) the URL is copied instead, and the paper is left as it was."""
        from tui_reader.links import is_web_url

        if url is None:  # the menu was closed
            return
        if not is_web_url(url):
            self.host.say(f"Not an http(s) link; not opened: {url}", severity="warning", timeout=4)
            return
        if not graphical_browser_available():
            self.copy_text(url, "link", before="No graphical browser here; ", width=LINK_CELLS)
            return
        import webbrowser  # only here: it costs the start-up ~1 ms

        try:
            webbrowser.open(url, new=2)
        except Exception as exc:  # webbrowser raises a variety of errors
            self.host.say(f"Could not open {url}: {exc}", severity="error", timeout=6)
            return
        self.host.say(f"Opened {url}", timeout=3)
        self._mark_read(paper_id)

    def copy(self, chosen: tuple[str, str] | None) -> None:
        """Copy what was chosen in the copy menu: (its label, the text)."""
        if chosen is not None:
            label, text = chosen
            self.copy_text(text, label)

    def copy_text(self, text: str, what: str, before: str = "", width: int = SHOWN_CELLS) -> None:
        """Copy ``text`` (without controls): OSC 52 at once, the system's tools in a worker (the screen never
        waits for them); then say where it went, "copied" only when a tool took it."""
        from tui_reader.clipboard import clean, copy_with_tools

        text = clean(text)
        self.host.copy_to_clipboard(text)
        environ, platform = dict(self._environ if self._environ is not None else os.environ), self._platform

        def work() -> None:
            copied = copy_with_tools(text, environ, platform)
            self.host.soon(self._say_copied, copied_message(copied, what, text, before, width))

        self.host.in_thread(work, group="copy", what="Copying", failed=None)

    def _say_copied(self, said: tuple[str, Severity]) -> None:
        message, severity = said
        self.host.say(message, severity=severity, timeout=8 if severity == "warning" else 5)

    def exported(self, message: str | None) -> None:
        """The export dialog closed: what it wrote (None: cancelled)."""
        if message is not None:
            self.host.say(message, title="Exported", timeout=6)


def copied_message(
    copied: Copied, what: str, text: str, before: str = "", width: int = SHOWN_CELLS
) -> tuple[str, Severity]:
    """What the user is told of a copy of ``text`` (``what`` it is, after ``before``; the text on one line, cut at
    ``width`` cells, or at half that when only OSC 52 was tried: that notice says more), and how urgently."""
    from tui_reader.widgets.text import cut

    if copied.took:
        places = list(dict.fromkeys(PLACES.get(tool, "the clipboard") for tool in copied.took))
        return f"{before}{what} copied to {' and '.join(places)}: {cut(text, width)}", "information"
    if copied.osc52_blocked:
        return f"{before}{what} not copied: {TMUX_HINT}", "warning"
    return (
        f"{before}{what} sent to the terminal's clipboard (OSC 52, unconfirmed): {cut(text, width // 2)}",
        "information",
    )
