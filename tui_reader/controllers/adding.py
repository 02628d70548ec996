"""+ in the reader (and its palette command): add the paper whose arXiv id or URL is in the search box.

The text is read as ``tui-reader add`` reads its ids (tui_reader.arxiv_ids), the arXiv API is asked in a worker
through the same module (tui_reader.fetch_arxiv: the process's pacing, one request every 3 s, one connection at a
time) and its answer is stored where ``add`` stores it (``DATA_DIR/listings/arxiv``), so the paper stays. The stored
file is read into the list like F's files; once the paper is in, the list shows every paper (the all view, the
search box cleared) with the cursor on it. A paper already in the list is gone to without asking arXiv. Every
problem (no text, not an id, an id arXiv does not know, the network) is one notification line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.controllers.host import Host
from tui_reader.safe_text import clean_text

if TYPE_CHECKING:
    from tui_reader.arxiv_ids import ArxivRef
    from tui_reader.fetch_arxiv import AddResult

__all__ = ["Adder"]

USAGE = "Type an arXiv id or URL in the search box (/2401.12345), then + adds that paper."


class Adder:
    """``stored(files)`` reads the stored answer into the list (the screen's, as for F); ``show_all()`` shows
    every paper (the all view, the search box cleared)."""

    def __init__(
        self,
        host: Host,
        data_dir: Callable[[], Path],
        stored: Callable[[Iterable[Path]], object],
        show_all: Callable[[], object],
    ) -> None:
        self.host = host
        self.data_dir = data_dir
        self._stored, self._show_all = stored, show_all
        self.adding: str | None = None  # the arXiv id asked for or being read into the list (None: none)
        self._said = ""  # what is said once the paper is in the list
        self.cancelled = threading.Event()  # set when the reader closes: a wait for arXiv's pacing ends at once

    def add(self, text: str) -> None:
        """The search box's text: an arXiv id or URL, asked of the arXiv API (unless the paper is here already)."""
        from tui_reader.arxiv_ids import parse_arxiv_id

        text = text.strip()
        if not text:
            self.host.say(USAGE, timeout=6)
            return
        ref = parse_arxiv_id(text)
        if ref is None:
            shown = clean_text(text)[:80]
            self.host.say(f"{shown!r} is not an arXiv id (like 2401.12345, hep-th/9901001, or its URL)", timeout=6)
            return
        if self.adding is not None:
            self.host.say(f"Still adding {self.adding}.", timeout=3)
            return
        if (position := self.host.state.papers.arxiv.get(ref.id)) is not None:
            self._go_to(position, f"{ref.id} is in the list already.")
            return
        self.adding = ref.id
        self.host.say(f"Asking arXiv for {ref}…", timeout=3)
        self.host.in_thread(lambda: self.ask(ref), group="add", what="Adding the paper", failed=self.failed)

    def ask(self, ref: ArxivRef) -> None:
        """In the worker: the API's answer, stored."""
        from tui_reader import fetch_arxiv

        cancelled = self.cancelled

        def wait(seconds: float) -> None:
            cancelled.wait(seconds)  # set when the reader closes: the wait ends at once

        client = fetch_arxiv.ArxivClient(sleep=wait, cancelled=cancelled.is_set)
        try:
            result = fetch_arxiv.add_ids([ref], self.data_dir(), client, api_url=fetch_arxiv.DEFAULT_API_URL)
        except fetch_arxiv.Cancelled:
            return
        self.host.soon(self.answered, ref, result)

    def answered(self, ref: ArxivRef, result: AddResult) -> None:
        if result.error is not None or not result.stored:
            self.adding = None
            problem = result.error or f"arXiv does not know {ref}"
            self.host.say(problem, title="Not added", severity="error", timeout=10)
            return
        title = result.titles[0] if result.titles else str(ref)
        self._said = f"Added {ref}: {title}"
        self._stored(result.stored)

    def loaded(self) -> None:
        """Papers were read into the list: when the one asked for is among them, the cursor goes to it."""
        if self.adding is None or not self._said:
            return
        position = self.host.state.papers.arxiv.get(self.adding)
        if position is not None:
            self.adding = None
            self._go_to(position, self._said)

    def _go_to(self, position: int, said: str) -> None:
        self.host.keep_cursor_on(position)
        self._show_all()
        self.host.say(said, timeout=6)

    def failed(self, error: BaseException) -> None:
        self.adding = None

    def close(self) -> None:
        self.cancelled.set()
