"""Views: ``View``, which papers the list shows (all, unread, starred, new, watched; u cycles, ``view =`` in config.toml
starts it), and saved views: a query (with its sort) under a name, kept in DATA_DIR/views.json.

``SavedViews`` reads and writes the file (atomically; another reader may save or delete a view meanwhile); the
reader's view cycle (``ReaderState.next_view``) and the palette show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import NamedTuple

__all__ = ["MAX_VIEW_NAME", "VIEWS_FILE", "SavedView", "SavedViews", "View", "check_view_name"]

VIEWS_FILE = "views.json"
MAX_VIEW_NAME = 40
MAX_VIEW_QUERY = 1000
MAX_VIEWS_BYTES = 1 << 20


class View(Enum):
    """Which papers the list shows before the query narrows them."""

    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"
    NEW = "new"  # first seen since the last session ended (tui_reader.library.seen)
    WATCHED = "watched"  # matching the watch list (tui_reader.watch)

    def next(self) -> View:
        order = list(View)
        return order[(order.index(self) + 1) % len(order)]

    @property
    def filter(self) -> str:
        return "" if self is View.ALL else f"is:{self.value}"


class SavedView(NamedTuple):
    """A query saved under a name; ``sort`` names the list's order ("" for the default), kept as given."""

    name: str
    query: str
    sort: str = ""


class SavedViews:
    """The saved views, in the order they were saved (the order they join the all/unread/starred cycle).

    ``load`` never fails: a missing file is no views; a file that cannot be read or is not a views file is one
    line in ``warnings`` and no views (it is left as it is until the next save replaces it). ``save``/``remove``
    re-read the file first (another reader may have saved a view since) and write it atomically; a failure is
    OSError, with the views unchanged on disk.
    """

    def __init__(self, data_dir: Path, views: Sequence[SavedView] = (), warnings: Sequence[str] = ()) -> None:
        self.path = data_dir / VIEWS_FILE
        self.views = list(views)
        self.warnings = list(warnings)

    @classmethod
    def load(cls, data_dir: Path) -> SavedViews:
        from tui_reader.safe_text import shown_path

        path = data_dir / VIEWS_FILE
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_VIEWS_BYTES + 1)
        except FileNotFoundError:
            return cls(data_dir)
        except OSError as exc:
            return cls(data_dir, (), [f"{shown_path(path)}: cannot read saved views ({exc.strerror or exc})"])
        import json  # only when there is a file (most readers have no saved view): nothing the first frame waits for

        try:
            if len(data) > MAX_VIEWS_BYTES:
                raise ValueError("too big")
            records = json.loads(data.decode("utf-8"))
            if not isinstance(records, list):
                raise ValueError("not a list")
            views = [_view_from(record) for record in records]
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            problem = str(exc) if isinstance(exc, ValueError) and len(str(exc)) < 80 else type(exc).__name__
            return cls(data_dir, (), [f"{shown_path(path)}: not a saved views file ({problem}); no saved views"])
        return cls(data_dir, views)

    def get(self, name: str) -> SavedView | None:
        key = name.strip().casefold()
        return next((view for view in self.views if view.name.casefold() == key), None)

    def names(self) -> list[str]:
        return [view.name for view in self.views]

    def save(self, name: str, query: str, sort: str = "") -> SavedView:
        """Save (or replace, keeping its place) the view ``name``; ValueError (one line) for a bad name."""
        view = SavedView(check_view_name(name), _one_line(query)[:MAX_VIEW_QUERY], _one_line(sort)[:40])
        views = SavedViews.load(self.path.parent).views if self.path.exists() else self.views
        key = view.name.casefold()
        at = next((i for i, old in enumerate(views) if old.name.casefold() == key), None)
        if at is None:
            views.append(view)
        else:
            views[at] = view
        self._write(views)
        return view

    def remove(self, name: str) -> bool:
        """Forget the view ``name``; False when there is none."""
        views = SavedViews.load(self.path.parent).views if self.path.exists() else self.views
        key = name.strip().casefold()
        kept = [view for view in views if view.name.casefold() != key]
        if len(kept) == len(views):
            return False
        self._write(kept)
        return True

    def _write(self, views: list[SavedView]) -> None:
        import json  # loaded when a record is read or written, not by the first frame

        from tui_reader.files import replace_file

        records = [{"name": v.name, "query": v.query, "sort": v.sort} for v in views]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(self.path, (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode(), durable=True)
        self.views = views


def check_view_name(name: str) -> str:
    """A view's name as kept: one line, trimmed, 1-40 characters, not a built-in view's; ValueError otherwise."""
    cleaned = _one_line(name).strip()
    if not cleaned or len(cleaned) > MAX_VIEW_NAME:
        raise ValueError(f"a view's name has 1 to {MAX_VIEW_NAME} characters")
    if cleaned.casefold() in {view.value for view in View}:
        raise ValueError(f"{cleaned!r} is a built-in view; choose another name")
    return cleaned


def _one_line(text: str) -> str:
    from tui_reader.safe_text import clean_text

    return clean_text(text) if isinstance(text, str) else ""


def _view_from(record: object) -> SavedView:
    if not isinstance(record, dict) or not isinstance(record.get("query"), str):
        raise ValueError("a view is an object with a name and a query")
    sort = record.get("sort", "")
    return SavedView(check_view_name(record["name"]), _one_line(record["query"]), _one_line(sort))
