"""The paper list: one virtual widget (Line API) that renders only the visible rows, at any corpus size."""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from typing import Any, ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.commands import CommandBinding
from tui_reader.dates import list_date
from tui_reader.paper import Paper, Spans
from tui_reader.widgets.text import NOTE, SELECTED, STAR, UNREAD_DOT, WATCHED, Annotated, shown

MarkLookup = Callable[[str], Annotated]  # paper id -> its marks, note and tags
SpanLookup = Callable[[int], Spans]  # paper index -> the title's highlight spans
WatchLookup = Callable[[str], tuple[str, ...]]  # paper id -> the watch-list entries it matches

TITLE_MIN_WIDTH = 1  # cells; the row's markers and date take 14 more (19 once a paper with a year is shown, 25
# once a paper a feed announced as a cross-list or replacement is)
MARKERS = 6  # cells before the title: selected, unread, star, note, watched, a space
TITLE_READABLE = 32  # cells of the title kept before any authors are shown beside it
TITLE_CHARS = 2_000  # of a title, looked at for a row (a hostile file's megabyte title cost seconds a key)
AUTHORS_GAP = 2  # cells between the title and its authors
DATE_WIDTH = 6  # "Mar 11"
DATE_WIDTH_WITH_YEAR = 11  # "Mar 11 2024"
# how an arXiv feed announced a paper, before its date: only what is not a new submission, dim
ANNOUNCED = {"cross": "cross", "replace": "repl", "replace-cross": "repl"}
ANNOUNCED_WIDTH = 1 + max(map(len, ANNOUNCED.values()))  # " cross"


def _no_watches(_: str) -> tuple[str, ...]:
    return ()


def _no_spans(_: int) -> Spans:
    return ()


class PaperList(ScrollView, can_focus=True):
    """One row per paper, rendered on demand: only the visible rows cost anything, at any corpus size."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--star",
        "paper-list--selected",
        "paper-list--note",
        "paper-list--date",
        "paper-list--match",
        "paper-list--authors",
        "paper-list--tags",
        "paper-list--watched",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", id="list.cursor-down", show=False),
        Binding("k,up", "cursor_up", "Up", id="list.cursor-up", show=False),
        Binding("g,home", "first", "First", id="list.first", show=False),
        Binding("G,end", "last", "Last", id="list.last", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", id="list.page-down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", id="list.page-up", show=False),
        CommandBinding(
            "enter",
            "open",
            "Open",
            id="list.open",
            tooltip="Open the paper in the detail pane (marks it read once shown)",
            title="Open the paper",
        ),
        CommandBinding(
            "n",
            "screen.read_next_unread",
            "Next",
            id="list.next-unread",
            tooltip="Read on: the paper under the cursor if unread, else the next unread one, shown and marked read",
            title="Read the next unread paper",
        ),
        CommandBinding(
            "p",
            "screen.read_previous_unread",
            "Previous",
            id="list.read-previous-unread",
            tooltip="Read back: the paper under the cursor if unread, else the previous unread one, shown, marked read",
            title="Read the previous unread paper",
            show=False,
        ),
        Binding(
            "N",
            "previous_unread",
            "Previous unread",
            id="list.previous-unread",
            tooltip="Jump to the previous unread paper",
            show=False,
        ),
        CommandBinding(
            "escape",
            "screen.clear_search",
            "Clear",
            id="list.clear-search",
            tooltip="Clear the search query (first back from “more like this” when it is shown)",
            title="Clear the search",
            show=False,
        ),
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

    def __init__(
        self,
        papers: Sequence[Paper],
        marks: MarkLookup,
        selected: Container[str] = (),
        watches: WatchLookup = _no_watches,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.papers = papers
        self.marks = marks
        self.selected = selected  # paper ids marked as selected in their rows
        self.watches = watches  # a paper matching the watch list is marked in its row
        self.rows: Sequence[int] = range(len(papers))
        self.spans: SpanLookup = _no_spans
        # the date column: 6 cells until a paper with a year is drawn, then 11 for good, so rows stay aligned
        self.date_width = DATE_WIDTH
        # the announcement column: none until a paper a feed cross-listed or replaced is drawn, then for good
        self.announced_width = 0

    # --- data in -------------------------------------------------------------------------------------------

    @property
    def paper_index(self) -> int | None:
        """Index (into papers) of the paper under the cursor."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def show(self, rows: Sequence[int], spans: SpanLookup | None = None, top: bool = False) -> None:
        """Show these papers (indices into papers, in order); the cursor stays on its paper while it is shown
        (``top``: it goes to the top row)."""
        keep = None if top else self.paper_index
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
        # before the first layout the list has no height, and any row would be scrolled to the top; on_resize
        # scrolls once the height is known (the cursor placed at start on row 3 leaves rows 0-2 in sight)
        if self.rows and self.scrollable_content_region.height:
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

    def action_previous_unread(self) -> None:
        self.jump_to_unread(-1)

    def jump_to_unread(self, step: int, here: bool = False) -> bool:
        """Move to the nearest unread paper in this direction (``here``: the one under the cursor counts),
        wrapping around the end like vim's search. False when there is none."""
        count, first = len(self.rows), 0 if here else 1
        for distance in range(first, first + count):
            row = self.cursor + step * distance
            paper = self.papers[self.rows[row % count]]
            if not self.marks(paper.id).read:
                if not 0 <= row < count:
                    self.notify("Wrapped to the " + ("top." if step > 0 else "bottom."), timeout=2, markup=False)
                self.cursor = row % count
                return True
        self.notify("No unread paper in this list.", timeout=3, markup=False)
        return False

    def go_to_first_unread(self) -> None:
        """The cursor on the first unread paper of the list (it stays where it is when every paper is read)."""
        for row, index in enumerate(self.rows):
            if not self.marks(self.papers[index].id).read:
                self.cursor = row
                return

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
        if self.date_width < DATE_WIDTH_WITH_YEAR or not self.announced_width:
            top = self.scroll_offset.y + crop.y
            shown_papers = [self.papers[index] for index in self.rows[max(0, top) : max(0, top + crop.height)]]
            if any(map(_has_year, shown_papers)):
                self.date_width = DATE_WIDTH_WITH_YEAR
            if any(paper.announce_type in ANNOUNCED for paper in shown_papers):
                self.announced_width = ANNOUNCED_WIDTH
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """``✓●★✎◆ Title with matches highlighted…  Authors  cross Mar 11 `` (``Mar 11 2024`` when the year is
        known): selected, unread, starred, with a note, watched; how an arXiv feed announced it when that was not
        a new paper — built as segments (no Text layout per row)."""
        looks = getattr(self, "_row_looks", None) or _RowLooks(self)
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not 0 <= row < len(self.rows):
            return Strip.blank(width, looks.base)
        index = self.rows[row]
        paper = self.papers[index]
        mark = self.marks(paper.id)
        read, starred = mark.read, mark.starred
        look = looks[read, row == self.cursor]
        date = list_date(paper)
        date_width = self.date_width
        extra = MARKERS + 2 + date_width + self.announced_width  # the markers, the date and a space either side
        # segments go to the terminal as they are; a row never shows more than a wide terminal's width of a title
        title, spans = shown(paper.title[:TITLE_CHARS], self.spans(index))
        room = max(TITLE_MIN_WIDTH, width - extra)
        title_width = cell_len(title)
        authors = _authors(paper.authors, title_width, room)
        tags = " ".join(f"#{tag}" for tag in mark.tags)  # single words the store checked: no cleaning needed
        if tags:  # shown in the room the authors leave, and dropped before them on a narrow list
            fewer = _authors(paper.authors, title_width, room - AUTHORS_GAP - cell_len(tags))
            needed = min(title_width, TITLE_READABLE) + AUTHORS_GAP + cell_len(tags)
            if (authors and not fewer) or needed + (AUTHORS_GAP + cell_len(fewer) if fewer else 0) > room:
                tags = ""
            else:
                authors = fewer
        after = [(part, style) for part, style in ((authors, look.authors), (tags, look.tags)) if part]
        if after:
            used = sum(AUTHORS_GAP + cell_len(part) for part, _ in after)
            title_width = min(title_width, room - used)
            after_title = []
            for part, style in after:
                after_title += [Segment(" " * AUTHORS_GAP, look.row), Segment(part, style)]
            padding = room - title_width - used
            if padding > 0:
                after_title.append(Segment(" " * padding, look.row))
        else:
            title_width, after_title = room, []
        announced = []
        if self.announced_width:  # a column of its own, blank for a new paper or one from another source
            label = ANNOUNCED.get(paper.announce_type or "", "")
            announced.append(Segment(f" {label:<{self.announced_width - 1}}", look.date))
        segments = [
            Segment(SELECTED, look.selected) if paper.id in self.selected else Segment(" ", look.row),
            Segment(" " if read else UNREAD_DOT, look.row),
            Segment(STAR if starred else " ", look.star),
            Segment(NOTE if mark.note else " ", look.note),
            Segment(WATCHED + " " if self.watches(paper.id) else "  ", look.watched),
            *_title_segments(title, spans, title_width, look.row, look.match),
            *after_title,
            *announced,
            Segment(f" {shown(date)[0]:>{date_width}} ", look.date),
        ]
        if width >= TITLE_MIN_WIDTH + extra and cell_len(date) <= date_width:  # the segments fill the row exactly
            return Strip(segments, width)
        return Strip(segments).crop_extend(0, width, look.row)


def _has_year(paper: Paper) -> bool:
    return cell_len(list_date(paper)) > DATE_WIDTH


class _RowLook(NamedTuple):
    row: Style
    star: Style
    selected: Style
    note: Style
    match: Style
    date: Style
    authors: Style
    tags: Style
    watched: Style


class _RowLooks(dict[tuple[bool, bool], _RowLook]):
    """The list's four row looks, by (read, under the cursor), from its CSS as it is now."""

    def __init__(self, papers: PaperList) -> None:
        super().__init__()
        self.base = base = papers.rich_style
        style = papers.get_component_rich_style
        names = ("star", "match", "date", "cursor", "authors", "tags", "selected", "note", "watched")
        star, match, date, cursor, authors, tags, selected, note, watched = (
            style(f"paper-list--{name}") for name in names
        )
        for read in (False, True):
            for under_cursor in (False, True):
                row = base + style("paper-list--read" if read else "paper-list--unread")
                if under_cursor:
                    row += cursor
                # the authors and the markers take only their colour (the authors never bold): the cursor's bar
                # runs on under them
                dim = row + Style(color=authors.color, bold=False)
                tagged = row + Style(color=tags.color, bold=False, italic=tags.italic)
                starred = row + Style(color=star.color)
                chosen = row + Style(color=selected.color, bold=selected.bold)
                noted = row + Style(color=note.color, bold=False)
                followed = row + Style(color=watched.color, bold=False)
                self[read, under_cursor] = _RowLook(
                    row, starred, chosen, noted, row + match, row + date, dim, tagged, followed
                )


def _authors(names: Sequence[str], title_width: int, room: int) -> str:
    """What the row shows after a title ``title_width`` cells wide in ``room`` cells: every author when they fit
    beside the whole title, else "First Author et al." when the title keeps TITLE_READABLE cells (or all of
    itself), else nothing (a text dump's paper has no authors)."""
    if not names:
        return ""
    everyone = shown(", ".join(names))[0]
    if title_width + AUTHORS_GAP + cell_len(everyone) <= room:
        return everyone
    first = shown(names[0])[0] + (" et al." if len(names) > 1 else "")
    if min(title_width, TITLE_READABLE) + AUTHORS_GAP + cell_len(first) <= room:
        return first
    return ""


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
