"""The reader screen's keys: every one with its id (what a ``[keymap]`` entry rebinds), its footer label and, for
a command, its tooltip and palette title. The footer, the help (?) and the command palette are made from this
list (tui_reader.commands); each action is a ``ReaderScreen.action_*``.

Keys that open a dialog are priority bindings: the screen runs them before passing on the keys typed after them,
so a fast "a" + note text, or "A" + "y", lands in the dialog (a key that went to the list first would reach the
screen only after the dialog opened, and be lost). Over another screen (a menu, the help) they are not bound at
all; in the search box Textual gives printable keys to the box.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from tui_reader.commands import CommandBinding

__all__ = ["READER_BINDINGS"]

READER_BINDINGS: list[BindingType] = [
    # priority: handled before the key is routed, so keys typed right after "/" already go to the box
    Binding(
        "slash",
        "focus_search",
        "Search",
        id="search",
        tooltip="Search: focus the box with the query selected (typing replaces it)",
        priority=True,
    ),
    CommandBinding(
        "r",
        "toggle_read",
        "Read",
        id="toggle-read",
        tooltip="Mark the paper read / unread (the selected papers, when some are)",
        title="Toggle read",
    ),
    CommandBinding(
        "s",
        "toggle_star",
        "Star",
        id="toggle-star",
        tooltip="Star / unstar the paper (the selected papers, when some are)",
        title="Toggle star",
    ),
    CommandBinding(
        "space,v",
        "toggle_select",
        "Select",
        id="toggle-select",
        tooltip="Select / unselect the paper and move down: s, r, t, e and A then act on the selected papers "
        "(Esc in the list clears the selection)",
        title="Select / unselect the paper",
        show=False,
    ),
    CommandBinding(
        "u",
        "cycle_view",
        "View",
        id="cycle-view",
        tooltip="Cycle the view: all → unread → starred → new → watched → each saved view",
        title="Cycle view",
    ),
    CommandBinding(
        "S",
        "cycle_sort",
        "Sort",
        id="cycle-sort",
        tooltip="Cycle the order: relevance → newest → oldest → upvotes → title",
        title="Cycle sort",
        show=False,  # the status line shows the order; the footer keeps to fit 80 columns
    ),
    # shown in help and the palette; the footer keeps to the keys used all the time
    CommandBinding(
        "a",
        "edit_note",
        "Note",
        id="edit-note",
        tooltip="Write or edit the paper's note (Ctrl+S saves, Esc closes)",
        title="Edit the note…",
        show=False,
        priority=True,  # a dialog: see above
    ),
    CommandBinding(
        "ctrl+e",
        "edit_note_outside",
        "Note in $EDITOR",
        id="edit-note-outside",
        tooltip="Edit the paper's note in $VISUAL / $EDITOR (vi when neither is set)",
        title="Edit the note in $EDITOR",
        show=False,
    ),
    CommandBinding(
        "t",
        "edit_tags",
        "Tags",
        id="edit-tags",
        tooltip="Add or remove the paper's tags (foo -bar), or the selected papers', completing tags already used",
        title="Tag the paper…",
        show=False,
        priority=True,  # a dialog: see above
    ),
    CommandBinding(
        "A",
        "mark_all_read",
        "All read",
        id="mark-all-read",
        tooltip="Mark every paper shown read, or every paper selected (asks first; one undo step)",
        title="Mark all shown papers read…",
        show=False,
        priority=True,  # a dialog: see above
    ),
    CommandBinding(
        "z,ctrl+z",
        "undo",
        "Undo",
        id="undo",
        tooltip="Undo the last change: a mark, a bulk mark, a note or tags (kept across restarts)",
        title="Undo the last change",
        show=False,
    ),
    CommandBinding(
        "Z,ctrl+y",
        "redo",
        "Redo",
        id="redo",
        tooltip="Redo the change undone last",
        title="Redo the change undone last",
        show=False,
    ),
    CommandBinding(
        "V",
        "save_view",
        "Save view",
        id="save-view",
        tooltip="Save the query and its sort as a named view (joins the u cycle and the palette)",
        title="Save the search as a view…",
        show=False,
        priority=True,  # a dialog: see above
    ),
    CommandBinding(
        "W",
        "add_watch",
        "Watch",
        id="add-watch",
        tooltip="Add the query (or, with none, the paper's first author) to the watch list in config.toml",
        title="Watch this search or author",
        show=False,
    ),
    CommandBinding(
        "plus",
        "add_paper",
        "Add",
        id="add-paper",
        tooltip="Add the paper whose arXiv id or URL is in the search box, asked of the arXiv API and kept",
        title="Add the paper whose arXiv id or URL is in the search box",
        show=False,
    ),
    CommandBinding(
        "o",
        "open_menu",
        "Open",
        id="open-menu",
        tooltip="Open the arXiv page, PDF, Hugging Face page, code, project page or a link (menu)",
        title="Open the paper in the browser…",
        show=False,
    ),
    CommandBinding(
        "y",
        "copy_menu",
        "Copy",
        id="copy-menu",
        tooltip="Copy title, id, arXiv or code link, BibTeX or Markdown link (menu)",
        title="Copy title, id, link or citation…",
        show=False,
    ),
    CommandBinding(
        "e",
        "export",
        "Export",
        id="export",
        tooltip="Export the selected, shown or starred papers: BibTeX, RIS, CSV, JSON…",
        title="Export papers to a file…",
        show=False,
    ),
    Binding(
        "ctrl+d",
        "scroll_detail(1)",
        "Detail down",
        id="detail-down",
        tooltip="Scroll the detail half a page down, from anywhere",
        show=False,
    ),
    Binding(
        "ctrl+u",
        "scroll_detail(-1)",
        "Detail up",
        id="detail-up",
        tooltip="Scroll the detail half a page up",
        show=False,
    ),
    Binding(
        "F",
        "fetch",
        "Fetch",
        id="fetch",
        tooltip="Fetch today's listings (and any missed days)",
        show=False,
    ),
    CommandBinding(
        "m",
        "more_like_this",
        "Like this",
        id="more-like-this",
        tooltip="List the papers most like this one (m or Esc: back to the list as it was)",
        title="More like this",
        show=False,
    ),
    Binding("escape", "leave_like", "Back", id="leave-like", tooltip="Back from “more like this”", show=False),
    CommandBinding(
        "question_mark",
        "help",
        "Help",
        id="help",
        tooltip="Show every key and the search syntax",
        title="Keys and search syntax",
    ),
    Binding("q", "quit", "Quit", id="quit", tooltip="Quit (marks are already saved)"),
]
