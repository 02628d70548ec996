"""The same-run reference for first paint: a bare Textual app with one Static and a Footer."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static

READY = "bare textual app ready"


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(READY)
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
