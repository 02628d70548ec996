"""The detail pane: one paper's title, marks and id, tags, dates, authors, arXiv id, published date, upvotes (when
known), sources, links, the user's note and the abstract, matches highlighted."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from tui_reader.commands import CommandBinding
from tui_reader.paper import Paper, Spans
from tui_reader.safe_text import shown_path, strip_controls
from tui_reader.widgets.text import STAR, UNREAD_DOT, Annotated, highlight, shown


class PaperDetail(VerticalScroll, can_focus=True):
    """Title, dates, sources, links, marks and the abstract of one paper, with the query's matches highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", id="detail.scroll-down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", id="detail.scroll-up", show=False),
        Binding("g,home", "scroll_home", "Top", id="detail.scroll-home", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="detail.scroll-end", show=False),
        Binding("n", "screen.read_next_unread", "Next unread", id="detail.next-unread", show=False),
        CommandBinding(
            "escape,h,left", "back", "Back", id="detail.back", tooltip="Back to the list", title="Back to the list"
        ),
    ]

    class Back(Message):
        """The user wants the list again."""

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")

    def action_back(self) -> None:
        self.post_message(self.Back())

    def show(
        self, paper: Paper | None, mark: Annotated, spans: tuple[Spans, Spans] = ((), ()), empty: str = ""
    ) -> None:
        """Show one paper, or the ``empty`` message when there is none."""
        body = self.query_one("#detail-body", Static)
        if paper is None:
            body.update(Text(empty or "Nothing to show.", style="italic"))
            return
        match_style = "bold reverse"
        read, starred = mark.read, mark.starred
        text = highlight(paper.title, spans[0], match_style)
        text.stylize("bold")
        text.append("\n\n")
        status = Text()
        status.append(f"{STAR} starred" if starred else "☆ not starred", "bold yellow" if starred else "dim")
        status.append("   ")
        status.append("✓ read" if read else f"{UNREAD_DOT} unread", "dim" if read else "bold")
        status.append("   id ", "dim")  # beside the marks: what `tui-reader mark ID` takes
        status.append(paper.id)
        text.append_text(status)
        if mark.tags:  # tags are single words of letters, digits and - _ . / (the store checks them)
            text.append("\nTags    ", "dim")
            text.append("  ".join(mark.tags), "bold")
        text.append("\n")
        text.append("Listed  ", "dim")
        text.append(shown(", ".join(paper.dates))[0] or "—")
        # from richer sources (JSON listings, arXiv metadata) only: a dump's paper shows none of these lines
        if paper.authors:
            text.append("\nAuthors ", "dim")
            text.append(shown(", ".join(paper.authors))[0])
        if paper.arxiv_id:
            text.append("\narXiv   ", "dim")
            text.append(shown(paper.arxiv_id)[0])
        if paper.published:
            text.append("\nPublished ", "dim")
            text.append(shown(paper.published)[0])
        if paper.upvotes is not None:
            text.append("\nUpvotes ", "dim")
            text.append(f"{paper.upvotes:,}")
        text.append("\nSources ", "dim")
        text.append(", ".join(map(shown_path, paper.sources)) or "—")  # file names: one cleaning everywhere
        for number, link in enumerate(paper.links, start=1):
            link = shown(link)[0]  # it also goes out as an OSC 8 hyperlink: an ESC in it would end that early
            text.append(f"\nLink {number}  ", "dim")
            text.append(link, Style(underline=True, link=link))
        if mark.note:  # the user's own text, before the abstract: controls already removed by the store
            text.append("\n\nNote\n", "bold")
            text.append(strip_controls(mark.note))
        text.append("\n\n")
        text.append_text(highlight(paper.abstract or "(no abstract)", spans[1], match_style))
        body.update(text)
