"""How untrusted text reaches the screen in every widget: literally (a rich Text, never markup), on one line
where it must be, with its search highlights."""

from __future__ import annotations

from typing import Protocol

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

from tui_reader.paper import Spans
from tui_reader.safe_text import strip_controls

UNREAD_DOT = "●"
STAR = "★"
SELECTED = "✓"  # a paper selected in the list (Space, v)
NOTE = "✎"  # a paper with a note
WATCHED = "◆"  # a paper matching an entry of the watch list


class Flagged(Protocol):
    """What a widget needs of a paper's marks (store.Mark has it)."""

    @property
    def read(self) -> bool: ...

    @property
    def starred(self) -> bool: ...


class Annotated(Flagged, Protocol):
    """A paper's marks with the user's note and tags (store.Mark has them)."""

    @property
    def note(self) -> str | None: ...

    @property
    def tags(self) -> tuple[str, ...]: ...


def shown(text: str, spans: Spans = ()) -> tuple[str, Spans]:
    """``text`` as it may reach the terminal, on one line, and its highlight spans: no escape sequences or
    controls. The corpus removes them as it parses; this guards papers made anywhere else. The spans index the
    text as given, so they are dropped when anything had to go."""
    if text.isprintable():  # nearly always: a check at C speed (render_line runs this for every row)
        return text, spans
    safe = strip_controls(text).replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return (safe, spans) if len(safe) == len(text) else (safe, ())


def highlight(text: str, spans: Spans, style: str | Style) -> Text:
    """Rich text with the [start, end) spans styled (a Text: never read as markup; controls removed)."""
    text, spans = shown(text, spans)
    out = Text(text)
    for start, end in spans:
        out.stylize(style, start, end)
    return out


def cut(text: str, width: int) -> str:
    """``text`` on one line, no wider than ``width`` cells ("…" where it was cut)."""
    text = " ".join(shown(text)[0].split())
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(0, width - 1)).rstrip() + "…"
