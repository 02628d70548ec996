"""The paper list and the detail pane: side by side from 100 columns, stacked under that (app.tcss), the detail
taking the share of them the user chose (``tui_reader.panes``), or all of them while zoomed.

Zoomed, the list is still there, with no size: it keeps the focus it had, so j/k go on moving between papers
while the detail shows each one full width (and a focused detail goes on scrolling).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message

from tui_reader.commands import CommandBinding
from tui_reader.panes import detail_cells, next_share
from tui_reader.widgets.paper_detail import PaperDetail

__all__ = ["Panes"]


class Panes(Horizontal):
    """The list and the detail. ``share``: the detail's percent of them (None: the layout's own). Its keys work
    from the list and the detail (they are its children)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        CommandBinding(
            "w",
            "zoom",
            "Zoom",
            id="zoom",
            tooltip="Show the detail alone, full width (w or Esc: back); j/k still move between papers",
            title="Zoom the detail pane",
        ),
        CommandBinding(
            "greater_than_sign,alt+right",
            "resize_detail(1)",
            "Wider",
            id="detail-wider",
            tooltip="Widen the detail pane (taller when stacked); kept for the next start",
            title="Widen the detail pane",
            show=False,
        ),
        CommandBinding(
            "less_than_sign,alt+left",
            "resize_detail(-1)",
            "Narrower",
            id="detail-narrower",
            tooltip="Narrow the detail pane (shorter when stacked); kept for the next start",
            title="Narrow the detail pane",
            show=False,
        ),
    ]

    class Resized(Message):
        """The user gave the detail another share of the panes (to save in config.toml)."""

        def __init__(self, share: int) -> None:
            super().__init__()
            self.share = share

    def __init__(self, share: int | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.share = share

    @property
    def zoomed(self) -> bool:
        return self.has_class("-zoomed")

    @property
    def stacked(self) -> bool:
        return self.screen.has_class("-narrow")

    def zoom(self, on: bool) -> bool:
        """Zoom in or out; whether that changed anything."""
        if on == self.zoomed:
            return False
        self.set_class(on, "-zoomed")
        self.fit()
        return True

    def resize_detail(self, step: int) -> int | None:
        """Give the detail ``step`` steps more (or fewer) of the panes, leaving the zoom; the new share, or None
        when it is at its limit already."""
        share = next_share(self.share, self.stacked, step)
        changed = share != self.share
        self.share = share
        self.zoom(False)
        self.fit()
        return share if changed else None

    def action_zoom(self) -> None:
        self.zoom(not self.zoomed)

    def action_resize_detail(self, step: int) -> None:
        if (share := self.resize_detail(step)) is not None:
            self.post_message(self.Resized(share))

    def on_resize(self, event: events.Resize) -> None:
        self.fit()  # the limits are in cells, and the layout (beside or stacked) changes at 100 columns

    def fit(self) -> None:
        """The detail's size from the share: an inline width (beside) or height (stacked); none while zoomed or
        at the layout's own share (app.tcss decides)."""
        styles = self.query_one(PaperDetail).styles
        styles.width = styles.height = None
        if self.zoomed or self.share is None:
            return
        stacked = self.stacked
        cells = detail_cells(self.share, self.size.height if stacked else self.size.width, stacked)
        if stacked:
            styles.height = cells
        else:
            styles.width = cells
