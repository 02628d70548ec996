"""The detail pane: one paper, the most important first, so that its abstract shows even in a short pane.

From the top: the title; the marks and id; the tags; the paper's details, one labelled line each (a long one
wraps), in order of importance (``details``: listing dates, authors, code and project page, arXiv id, published
date, categories, upvotes, organization, journal, DOI, the authors' comments, sources, other links); the user's
note; the abstract; what Hugging Face machine-wrote about it (summary and keywords), labelled so and never instead
of the abstract.

The title and the marks are always at the top; the tags, the note and the details go above the abstract only as
long as they leave it a third of the pane (``ABSTRACT_SHARE``, at least ``ABSTRACT_ROWS`` rows), in that order of
priority. What does not fit follows the abstract: the note first, then the machine-written part, then the tags
and details, in their order. A tall pane shows them all first; at 60x20 or 80x24 (eight rows) the abstract's
first lines show under the title and marks whatever the paper and its note. So the split is made again when the
pane changes size.

Untrusted text (titles, abstracts, names, URLs, comments, summaries) is shown literally: rich ``Text``, never
markup, through ``text.shown`` (one line, no controls) or ``text.highlight``. Only http(s) URLs are made links.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import takewhile
from typing import ClassVar
from urllib.parse import quote

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from tui_reader.commands import CommandBinding
from tui_reader.paper import Paper, Spans, is_web_url, other_links, same_url
from tui_reader.safe_text import strip_controls
from tui_reader.source_names import source_names
from tui_reader.widgets.text import STAR, UNREAD_DOT, Annotated, highlight, shown

__all__ = ["ABSTRACT_ROWS", "ABSTRACT_SHARE", "MACHINE_WRITTEN", "PaperDetail", "details", "machine_written"]

ABSTRACT_ROWS = 3  # rows the abstract keeps in any pane, at the least
# characters of a title, an abstract or a detail line shown (arXiv's abstracts hold at most 1,920): a megabyte
# field of a hostile file took the pane seconds to wrap at every move onto its paper; the rest is counted
SHOWN_CHARS = 20_000
ABSTRACT_SHARE = 3  # ... and a third of a tall one
MACHINE_WRITTEN = "(machine-written by Hugging Face)"
DOI_URL = "https://doi.org/{}"

Shown = tuple[Paper | None, Annotated, tuple[Spans, Spans], str, tuple[str, ...]]  # what ``show`` was given


class PaperDetail(VerticalScroll, can_focus=True):
    """Title, marks, details, note and abstract of one paper, with the query's matches highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", id="detail.scroll-down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", id="detail.scroll-up", show=False),
        Binding("g,home", "scroll_home", "Top", id="detail.scroll-home", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="detail.scroll-end", show=False),
        Binding("n", "screen.read_next_unread", "Next unread", id="detail.next-unread", show=False),
        Binding("p", "screen.read_previous_unread", "Previous unread", id="detail.previous-unread", show=False),
        CommandBinding(
            "escape,h,left", "back", "Back", id="detail.back", tooltip="Back to the list", title="Back to the list"
        ),
    ]

    class Back(Message):
        """The user wants the list again."""

    _shown: Shown | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")

    def action_back(self) -> None:
        self.post_message(self.Back())

    def on_resize(self, event: events.Resize) -> None:
        if self._shown is not None:  # how many details fit above the abstract depends on the pane's size
            self.show(*self._shown)

    def show(
        self,
        paper: Paper | None,
        mark: Annotated,
        spans: tuple[Spans, Spans] = ((), ()),
        empty: str = "",
        watches: tuple[str, ...] = (),
    ) -> None:
        """Show one paper (``watches``: the watch-list entries it matches), or the ``empty`` message when there is
        none."""
        self._shown = (paper, mark, spans, empty, watches)
        body = self.query_one("#detail-body", Static)
        if paper is None:
            body.update(Text(empty or "Nothing to show.", style="italic"))
            return
        text = _head(paper, mark, spans[0])
        tags, note, lines = _tags(mark.tags), _note(mark.note), details(paper)
        if watches:  # which watches matched: first of the details (the reason the paper is in the morning's list)
            lines.insert(0, _line("Watched ", " · ".join(watches)))
        fits = self._fits(text)
        # above the abstract, as long as it keeps its rows: the tags, then the note, then the details in order
        top = [tags] if tags is not None and fits(tags, 0) else []
        rest = [tags] if tags is not None and not top else []
        note_above = note is not None and fits(note, 1)  # 1: the blank line above it
        above = list(takewhile(lambda line: fits(line, 0), lines))
        top += above
        rest += lines[len(above) :]
        for part in top:
            text.append("\n")
            text.append_text(part)
        if note is not None and note_above:
            text.append("\n\n")
            text.append_text(note)
        text.append("\n\n")
        text.append_text(highlight(shortened(paper.abstract) or "(no abstract)", spans[1], "bold reverse"))
        # the rest after it: the note, the machine-written part, then the tags and details that did not fit
        for block in (None if note_above else note, machine_written(paper), Text("\n").join(rest) if rest else None):
            if block is not None:
                text.append("\n\n")
                text.append_text(block)
        body.update(text)

    def _fits(self, head: Text) -> Callable[[Text, int], bool]:
        """A test of whether a part (and ``gap`` blank rows above it) still fits above the abstract, taking its
        rows when it does: the title and marks are always above, and the abstract keeps ``ABSTRACT_ROWS`` rows
        (a third of a tall pane) whatever the tags, note and details. While the pane has no size yet, all of
        them fit (it gets one, and a resize, before it is seen)."""
        width = self.content_region.width - self.styles.scrollbar_size_vertical  # as if the scrollbar were shown
        height = self.content_region.height
        if width <= 0 or height <= 0:
            return lambda part, gap: True
        console = self.app.console

        def rows(text: Text) -> int:
            if cell_len(text.plain) <= width and "\n" not in text.plain:  # most details: no wrapping to work out
                return 1
            return len(text.wrap(console, width))

        room = [height - max(ABSTRACT_ROWS, height // ABSTRACT_SHARE) - 1 - rows(head)]  # 1: the blank line above

        def fits(part: Text, gap: int) -> bool:
            needed = gap + rows(part)
            if needed > room[0]:
                return False
            room[0] -= needed
            return True

        return fits


def _head(paper: Paper, mark: Annotated, title_spans: Spans) -> Text:
    """The title, a blank line, the marks and id."""
    text = highlight(shortened(paper.title), title_spans, "bold reverse")
    text.stylize("bold")
    text.append("\n\n")
    read, starred = mark.read, mark.starred
    text.append(f"{STAR} starred" if starred else "☆ not starred", "bold yellow" if starred else "dim")
    text.append("   ")
    text.append("✓ read" if read else f"{UNREAD_DOT} unread", "dim" if read else "bold")
    text.append("   id ", "dim")  # beside the marks: what `tui-reader mark ID` takes
    text.append(paper.id)
    return text


def _tags(tags: tuple[str, ...]) -> Text | None:
    """The tags: single words of letters, digits and - _ . / (the store checks them)."""
    if not tags:
        return None
    text = Text()
    text.append("Tags    ", "dim")
    text.append("  ".join(tags), "bold")
    return text


def _note(note: str | None) -> Text | None:
    """The user's own text: controls already removed by the store (kept from here on too)."""
    if not note:
        return None
    text = Text()
    text.append("Note\n", "bold")
    text.append(strip_controls(note))
    return text


# -- the details: one labelled line each, the most important first -------------------------------------------


def details(paper: Paper) -> list[Text]:
    """The paper's details, each ``Label value`` on a line of its own (a long one wraps), in the order they are
    shown: those a source did not give are left out, but for the sources (and the listing dates of a paper with no
    published date either), shown as "—"."""
    lines: list[tuple[str, str | Text | None]] = [
        ("Listed  ", ", ".join(paper.dates) or (None if paper.published else "—")),
        ("Authors ", ", ".join(paper.authors) + (", et al." if paper.et_al and paper.authors else "")),
        ("Code    ", _code(paper.github_repo, paper.github_stars)),
        ("Project ", None if same_url(paper.project_page, paper.github_repo) else _link(paper.project_page)),
        (
            "arXiv   ",
            paper.arxiv_id
            and " · ".join(
                filter(None, (f"{paper.arxiv_id}v{paper.arxiv_version or ''}".rstrip("v"), paper.announce_type))
            ),
        ),
        ("Published ", paper.published),
        ("Categories ", " · ".join(paper.categories)),
        *_discussion(paper.upvotes, paper.num_comments),
        ("Organization ", paper.organization),
        ("Journal ", paper.journal_ref),
        ("DOI     ", _link(paper.doi, DOI_URL.format(quote(paper.doi, safe="/:;()")) if paper.doi else None)),
        ("Comments ", paper.comments),
        ("Sources ", "; ".join(source_names(paper)) or "—"),  # named as a person knows them, never a cache file
        *_links(paper),
    ]
    return [_line(label, value) for label, value in lines if value]


def _line(label: str, value: str | Text) -> Text:
    line = Text()
    line.append(label, "dim")  # the label only (a Text's own style would dim its value too)
    if isinstance(value, Text):
        line.append_text(value)
    else:
        line.append(shown(shortened(value))[0])
    return line


def shortened(text: str) -> str:
    """``text``, or its first SHOWN_CHARS characters and how many there are."""
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}… (cut: {len(text):,} characters)"


def _link(url: str | None, target: str | None = None, bare: bool = True) -> Text | None:
    """``url`` as shown (``bare``: without its scheme, ``www.`` and a final ``/``), a link to ``target`` (else to
    itself) when that is http(s): a click never opens anything else."""
    if not url:
        return None
    target = shown(target or url)[0]  # it also goes out as an OSC 8 hyperlink: an ESC in it would end that early
    text = shown(url)[0]
    if bare:
        scheme, sep, rest = text.partition("://")
        if sep and scheme.lower() in ("http", "https"):
            text = rest.removeprefix("www.").removesuffix("/") or text
    shown_url = Text()
    text = shortened(text)  # the link itself goes whole
    shown_url.append(text, Style(underline=True, link=target) if is_web_url(target) else "")
    return shown_url


def _code(url: str | None, stars: int | None) -> Text | None:
    """``github.com/owner/repo  ★1,234``: the repository and its GitHub stars."""
    text = _link(url)
    if text is not None and stars is not None:
        text.append(f"  {STAR}{stars:,}")  # no space: a wrapped line never parts the star from its count
    return text


def _discussion(upvotes: int | None, comments: int | None) -> list[tuple[str, str | None]]:
    """``Upvotes 12 · 3 comments``: the comments of the paper's Hugging Face discussion, when it has any."""
    said = f"{comments:,} comment{'' if comments == 1 else 's'}" if comments else None
    if upvotes is None:
        return [("Discussion ", said)]
    return [("Upvotes ", " · ".join(part for part in (f"{upvotes:,}", said) if part))]


def _links(paper: Paper) -> list[tuple[str, str | Text | None]]:
    """The paper's other links, not its code or project page (shown above): the http(s) ones numbered as the ``o``
    menu numbers them (``tui_reader.links.open_items``, whose keys they are; it leaves out the same links), any
    other shown but no link."""
    lines: list[tuple[str, str | Text | None]] = []
    number = 0
    for url in other_links(paper):
        number += is_web_url(url)
        lines.append((f"Link {number}  " if is_web_url(url) else "Link    ", _link(url, bare=False)))
    return lines


def machine_written(paper: Paper) -> Text | None:
    """Hugging Face's summary and keywords under a heading that says who wrote them (None: it wrote neither)."""
    if not (paper.ai_summary or paper.ai_keywords):
        return None
    text = Text()
    text.append(f"{'AI summary' if paper.ai_summary else 'AI keywords'} {MACHINE_WRITTEN}", "bold")
    if paper.ai_summary:
        text.append("\n")
        text.append(shown(shortened(paper.ai_summary))[0], "italic")
    if paper.ai_keywords:
        text.append("\n")
        text.append_text(_line("Keywords ", " · ".join(paper.ai_keywords)))
    return text
