"""The reader's two panes: a virtual paper list (Line API) and the paper detail.

Widgets render what they are given and report what the user did with messages; they own no marks.
"""

from __future__ import annotations

from typing import Callable, NamedTuple, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path, strip_controls

Spans = tuple[tuple[int, int], ...]
MarkLookup = Callable[[str], "object"]  # paper id -> object with .read / .starred
SpanLookup = Callable[[int], Spans]  # paper index -> the title's highlight spans

TITLE_MIN_WIDTH = 1  # cells; the row's markers and date take 12 more
UNREAD_DOT = "●"
STAR = "★"


def _no_spans(_: int) -> Spans:
    return ()


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


class PaperList(ScrollView, can_focus=True):
    """One row per paper, rendered on demand: only the visible rows cost anything, at any corpus size."""

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--star",
        "paper-list--date",
        "paper-list--match",
    }

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        Binding("enter", "open", "Open", tooltip="Open the paper in the detail pane (marks it read once shown)"),
        Binding("n", "next_unread", "Next", tooltip="Jump to the next unread paper (wraps around)"),
        Binding("N", "previous_unread", "Previous unread", tooltip="Jump to the previous unread paper", show=False),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    class Highlighted(Message):
        """The cursor is on another paper (None: the list is empty)."""

        def __init__(self, paper_index: int | None) -> None:
            self.paper_index = paper_index
            super().__init__()

    class Opened(Message):
        """The user opened the paper under the cursor (Enter or double click)."""

        def __init__(self, paper_index: int) -> None:
            self.paper_index = paper_index
            super().__init__()

    def __init__(self, papers: Sequence[Paper], marks: MarkLookup, **kwargs) -> None:
        super().__init__(**kwargs)
        self.papers = papers
        self.marks = marks
        self.rows: Sequence[int] = range(len(papers))
        self.spans: SpanLookup = _no_spans

    # --- data in -------------------------------------------------------------------------------------------

    @property
    def paper_index(self) -> int | None:
        """Index (into papers) of the paper under the cursor."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def show(self, rows: Sequence[int], spans: SpanLookup | None = None) -> None:
        """Show these papers (indices into papers, in order); the cursor stays on its paper while it is shown."""
        keep = self.paper_index
        self.rows = rows
        self.spans = spans or _no_spans
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        position = _position(rows, keep) if keep is not None else None
        target = position if position is not None else 0
        if target == self.cursor:
            self._cursor_moved()  # the same row, maybe another paper: repaint and report it
        else:
            self.cursor = target  # watch_cursor scrolls, repaints and reports it

    # --- cursor ----------------------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._cursor_moved()

    def _cursor_moved(self) -> None:
        self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self.paper_index))

    def scroll_to_cursor(self) -> None:
        if self.rows:
            region = Region(0, self.cursor, max(1, self.scrollable_content_region.width), 1)
            self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_next_unread(self) -> None:
        self._jump_to_unread(1)

    def action_previous_unread(self) -> None:
        self._jump_to_unread(-1)

    def _jump_to_unread(self, step: int) -> None:
        """Move to the nearest unread paper in this direction, wrapping around the end like vim's search."""
        count = len(self.rows)
        for distance in range(1, count + 1):
            row = self.cursor + step * distance
            paper = self.papers[self.rows[row % count]]
            if not getattr(self.marks(paper.id), "read", False):
                if not 0 <= row < count:
                    self.notify("Wrapped to the " + ("top." if step > 0 else "bottom."), timeout=2, markup=False)
                self.cursor = row % count
                return
        self.notify("No unread paper in this list.", timeout=3, markup=False)

    def action_open(self) -> None:
        if (index := self.paper_index) is not None:
            self.post_message(self.Opened(index))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = self.scroll_offset.y + offset.y
        if 0 <= row < len(self.rows):
            self.cursor = row
            if event.chain >= 2:
                self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))
        self.scroll_to_cursor()

    # --- rendering -------------------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # the styles once per repaint, not once per row (each lookup walks the DOM or the CSS)
        self._row_looks = _RowLooks(self)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """`` ●★ Title with matches highlighted…   Mar 11 `` — built as segments (no Text layout per row)."""
        looks = getattr(self, "_row_looks", None) or _RowLooks(self)
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not 0 <= row < len(self.rows):
            return Strip.blank(width, looks.base)
        index = self.rows[row]
        paper = self.papers[index]
        mark = self.marks(paper.id)
        read, starred = bool(getattr(mark, "read", False)), bool(getattr(mark, "starred", False))
        look = looks[read, row == self.cursor]
        date = paper.dates[0] if paper.dates else ""
        title, spans = shown(paper.title, self.spans(index))  # segments go to the terminal as they are
        segments = [
            Segment(" " + (" " if read else UNREAD_DOT), look.row),
            Segment(STAR if starred else " ", look.star),
            Segment(" ", look.row),
            *_title_segments(title, spans, max(TITLE_MIN_WIDTH, width - 12), look.row, look.match),
            Segment(f" {shown(date)[0]:>6} ", look.date),
        ]
        if width >= TITLE_MIN_WIDTH + 12:  # the segments fill the row exactly
            return Strip(segments, width)
        return Strip(segments).crop_extend(0, width, look.row)


class _RowLook(NamedTuple):
    row: Style
    star: Style
    match: Style
    date: Style


class _RowLooks(dict[tuple[bool, bool], _RowLook]):
    """The list's four row looks, by (read, under the cursor), from its CSS as it is now."""

    def __init__(self, papers: PaperList) -> None:
        super().__init__()
        self.base = base = papers.rich_style
        style = papers.get_component_rich_style
        star, match, date, cursor = (style(f"paper-list--{name}") for name in ("star", "match", "date", "cursor"))
        for read in (False, True):
            for under_cursor in (False, True):
                row = base + style("paper-list--read" if read else "paper-list--unread")
                if under_cursor:
                    row += cursor
                self[read, under_cursor] = _RowLook(row, row + star, row + match, row + date)


def _title_segments(title: str, spans: Spans, width: int, plain: Style, match: Style) -> list[Segment]:
    """The title cut to ``width`` cells (with "…" when cut), padded, matches in the ``match`` style."""
    if cell_len(title) > width:
        # set_cell_size pads a wide character that would straddle the edge with a space: rstrip drops it
        cut = len(set_cell_size(title, width - 1).rstrip()) if width > 1 else 0
        title = title[:cut] + "…"
        spans = tuple((start, min(end, cut)) for start, end in spans if start < cut)
    segments: list[Segment] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            start = position
        if start >= end:
            continue
        if start > position:
            segments.append(Segment(title[position:start], plain))
        segments.append(Segment(title[start:end], match))
        position = end
    if position < len(title):
        segments.append(Segment(title[position:], plain))
    padding = width - cell_len(title)
    if padding > 0:
        segments.append(Segment(" " * padding, plain))
    return segments


def _position(rows: Sequence[int], paper_index: int) -> int | None:
    try:
        return rows.index(paper_index)
    except ValueError:
        return None


class PaperDetail(VerticalScroll, can_focus=True):
    """Title, dates, sources, links, marks and the abstract of one paper, with the query's matches highlighted."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
        Binding("g,home", "scroll_home", "Top", show=False),
        Binding("G,end", "scroll_end", "Bottom", show=False),
        Binding("escape,h,left", "back", "Back", tooltip="Back to the list"),
    ]

    class Back(Message):
        """The user wants the list again."""

    def compose(self):
        yield Static(id="detail-body")

    def action_back(self) -> None:
        self.post_message(self.Back())

    def show(
        self, paper: Paper | None, mark: object, spans: tuple[Spans, Spans] = ((), ()), empty: str = ""
    ) -> None:
        """Show one paper, or the ``empty`` message when there is none."""
        body = self.query_one("#detail-body", Static)
        if paper is None:
            body.update(Text(empty or "Nothing to show.", style="italic"))
            return
        match_style = "bold reverse"
        read, starred = bool(getattr(mark, "read", False)), bool(getattr(mark, "starred", False))
        text = highlight(paper.title, spans[0], match_style)
        text.stylize("bold")
        text.append("\n\n")
        status = Text()
        status.append(f"{STAR} starred" if starred else "☆ not starred", "bold yellow" if starred else "dim")
        status.append("   ")
        status.append("✓ read" if read else f"{UNREAD_DOT} unread", "dim" if read else "bold")
        text.append_text(status)
        text.append("\n")
        text.append("Listed  ", "dim")
        text.append(shown(", ".join(paper.dates))[0] or "—")
        text.append("\nSources ", "dim")
        text.append(", ".join(map(shown_path, paper.sources)) or "—")  # file names: one cleaning everywhere
        for number, link in enumerate(paper.links, start=1):
            link = shown(link)[0]  # it also goes out as an OSC 8 hyperlink: an ESC in it would end that early
            text.append(f"\nLink {number}  ", "dim")
            text.append(link, Style(underline=True, link=link))
        text.append("\n\n")
        text.append_text(highlight(paper.abstract or "(no abstract)", spans[1], match_style))
        body.update(text)


class SearchBox(Input):
    """The query box: Esc clears it, or leaves it when already empty; Enter and ↓ go to the list."""

    BINDINGS = [
        Binding("escape", "clear_or_leave", "Clear", tooltip="Clear the query; on an empty box, back to the list"),
        Binding("down", "leave", "List", tooltip="Go to the list (Enter too)"),
    ]

    class Leave(Message):
        """The user is done typing and wants the list."""

    def replace(self, text: str, start: int, end: int) -> None:
        """Typing and pasting both land here: a pasted escape sequence would otherwise be drawn as it is."""
        super().replace(shown(text)[0], start, end)

    def action_clear_or_leave(self) -> None:
        if self.value:
            self.value = ""
        else:
            self.action_leave()

    def action_leave(self) -> None:
        self.post_message(self.Leave())
