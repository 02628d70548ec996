"""Reaching and citing the paper: o opens a link in the browser (and marks the paper read), y copies its title,
id, link or a citation, e exports papers to a file. The menus and the dialog are the screen's; this does what
was chosen."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from tui_reader.controllers.host import Host

__all__ = ["Reach", "graphical_browser_available"]


def graphical_browser_available() -> bool:
    """True when webbrowser would open a real window rather than take over this terminal with lynx & co."""
    if os.environ.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class Reach:
    """``mark_read(paper_id)`` marks a paper read (the library's)."""

    def __init__(self, host: Host, mark_read: Callable[[str], object]) -> None:
        self.host = host
        self._mark_read = mark_read

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
            self.host.copy_to_clipboard(url)
            self.host.say(f"No graphical browser here; link copied: {url}", timeout=6)
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
        from tui_reader.widgets.text import cut

        if chosen is not None:
            label, text = chosen
            self.host.copy_to_clipboard(text)
            self.host.say(f"{label} copied: {cut(text, 100)}", timeout=4)

    def exported(self, message: str | None) -> None:
        """The export dialog closed: what it wrote (None: cancelled)."""
        if message is not None:
            self.host.say(message, title="Exported", timeout=6)
