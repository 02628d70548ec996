"""The footer: Textual's, made from the live bindings, with Help, Quit and the palette key kept at its right end,
and every other key shown whole or not at all."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the footer's key widget (textual.widgets exports only Footer)

KEPT_ACTIONS = ("help", "quit")
DROPPED_FIRST = ("zoom",)  # handy, but less than reading and starring: the first key a narrow footer leaves out


def outer_width(widget: Widget) -> int:
    """The cells ``widget`` takes in the footer's row: its text, padding, border and margins. Worked out from its
    styles, not its layout, so a key hidden for want of room can be measured for when there is room again."""
    content = sum(outer_width(child) for child in widget.children) if widget.children else _text_width(widget)
    return content + widget.styles.gutter.width + widget.styles.margin.width


def _text_width(widget: Widget) -> int:
    return (
        widget.render().cell_len
        if isinstance(widget, FooterKey)
        else widget.get_content_width(widget.size, widget.size)
    )


class ReaderFooter(Footer):
    """On a narrow terminal a footer is cut at the right; these keys sit there, drawn over the others, so the
    way to every key (?) and out (q) always shows. The keys left of them that do not fit whole are hidden (a
    lone ``s`` or ``Sea`` cut off by the kept keys says nothing)."""

    def compose(self) -> ComposeResult:
        kept: list[FooterKey] = []
        for widget in super().compose():
            if isinstance(widget, FooterKey) and (
                widget.action in KEPT_ACTIONS or widget.has_class("-command-palette")
            ):
                widget.remove_class("-command-palette")  # docked right on its own; in the group it follows q
                kept.append(widget)
            else:
                yield widget
        if kept:
            with HorizontalGroup(id="footer-kept"):
                yield from kept
        self.call_after_refresh(self.fit_keys)

    def on_resize(self) -> None:
        self.fit_keys()

    def fit_keys(self) -> None:
        """Show the keys, in order, while each fits whole left of the kept ones; hide the rest. When not all fit,
        the DROPPED_FIRST keys go first."""
        kept = self.query("#footer-kept")
        room = self.size.width - (outer_width(kept.first()) if kept else 0)
        widths = {key: outer_width(key) for key in self.children if key.id != "footer-kept"}
        if sum(widths.values()) > room:
            for spare in [key for key in widths if isinstance(key, FooterKey) and key.action in DROPPED_FIRST]:
                spare.display = False
                del widths[spare]
        used = 0
        for key, width in widths.items():
            used += width
            key.display = used <= room
