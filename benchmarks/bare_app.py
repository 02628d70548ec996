"""The same-run reference for first paint: a bare Textual app with one Static and a Footer."""

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import Footer, Static

READY = "bare textual app ready"


class BareApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(READY)
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
