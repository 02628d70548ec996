"""The footer: Textual's, made from the live bindings, with Help, Quit and the palette key kept at its right end."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the footer's key widget (textual.widgets exports only Footer)

KEPT_ACTIONS = ("help", "quit")


class ReaderFooter(Footer):
    """On a narrow terminal a footer is cut at the right; these keys sit there, drawn over the others, so the
    way to every key (?) and out (q) always shows."""

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
