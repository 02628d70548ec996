"""The reader's widgets. Each renders what it is given and reports what the user did with messages; none owns
marks or papers. Untrusted text goes through ``text.shown`` / ``text.highlight`` (literal, no controls).

- ``paper_list.py``: the virtual list (Line API).
- ``paper_detail.py``: the detail pane.
- ``search_box.py``: the query box.
- ``footer.py``: the footer, Help and Quit always shown.
- ``panes.py``: the list and the detail, the detail's share of them and the zoom.
"""

from tui_reader.widgets.footer import ReaderFooter
from tui_reader.widgets.panes import Panes
from tui_reader.widgets.paper_detail import PaperDetail
from tui_reader.widgets.paper_list import PaperList
from tui_reader.widgets.search_box import SearchBox
from tui_reader.widgets.text import STAR, UNREAD_DOT, Flagged, highlight, shown

__all__ = [
    "STAR",
    "UNREAD_DOT",
    "Flagged",
    "Panes",
    "PaperDetail",
    "PaperList",
    "ReaderFooter",
    "SearchBox",
    "highlight",
    "shown",
]
