"""Saved views from the reader: V saves the query (and its sort) under a name, u cycles through all, unread,
starred, new, watched and each saved view, the palette shows or deletes one (and shows new or watched). The views
live in views.json (tui_reader.views), read again before each use: another reader may have saved or deleted one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui_reader.controllers.host import Host
from tui_reader.safe_text import shown_path
from tui_reader.sorting import Sort
from tui_reader.views import SavedView, SavedViews, View

__all__ = ["ViewsController"]


class ViewsController:
    """``search()`` runs the state's query again; ``clear_box()`` empties the search box (its change runs the
    search too); ``watching()``: whether the watch list has entries (without, u passes the watched view by)."""

    def __init__(
        self,
        host: Host,
        data_dir: Path,
        search: Callable[[], object],
        clear_box: Callable[[], object],
        watching: Callable[[], bool] = lambda: True,
    ):
        self.host = host
        self.views = SavedViews.load(data_dir)  # a small file, read once here, then again before each use
        self._search, self._clear_box, self._watching = search, clear_box, watching

    def reload(self) -> None:
        """The saved views as views.json holds them now (a damaged file keeps the views known: its warning was
        given at start or is given by the next save)."""
        fresh = SavedViews.load(self.views.path.parent)
        if not fresh.warnings:
            self.views = fresh

    def cycle(self) -> None:
        """u: all → unread → starred → new → watched (with a watch list) → each saved view → all."""
        self.reload()
        self.host.state.next_view(self.views.views, self._watching())
        self._search()
        self.host.refresh_status()

    def save_question(self) -> tuple[str, str, str] | None:
        """V: what the name prompt saves (the query, the sort kept with it) and its hint; None (said why) with no
        query to save."""
        state = self.host.state
        query = state.full_query.strip()
        if not query:
            self.host.say("Nothing to save: type a query first (a view is a saved query).", timeout=4)
            return None
        kept = "" if state.sort is Sort.RELEVANCE else state.sort.value
        hint = f"Saves “{query}”{f' sorted by {kept}' if kept else ''} · Enter saves · Esc cancels"
        return query, kept, hint

    def save(self, query: str, sort: str, name: str) -> str | None:
        """Save the view and show it; a problem is returned (one line), nothing saved."""
        try:
            view = self.views.save(name, query, sort)
        except ValueError as exc:
            return str(exc)
        except OSError as exc:
            return f"cannot save the view in {shown_path(self.views.path)} ({exc.strerror or exc})"
        self.show(view)
        self.host.say(f"View “{view.name}” saved: {view.query}", timeout=4)
        return None

    def show(self, view: SavedView | None) -> None:
        """Show a saved view (None: all papers); the search box is cleared for refining it."""
        state = self.host.state
        state.show_view(view)
        self._clear_box()
        state.query = ""
        self._search()
        self.host.refresh_status()

    def show_built_in(self, view: View) -> None:
        """Show one of the built-in views (all, unread, starred, new, watched) from the palette."""
        self.show(None)
        self.host.state.view = view
        self._search()
        self.host.refresh_status()

    def delete(self, name: str | None) -> None:
        if name is None:
            return
        try:
            self.views.remove(name)
        except OSError as exc:
            message = f"Cannot delete the view in {shown_path(self.views.path)} ({exc.strerror or exc})"
            self.host.say(message, severity="error")
            return
        shown = self.host.state.saved_view
        if shown is not None and shown.name.casefold() == name.casefold():
            self.show(None)
        self.host.say(f"View “{name}” deleted.", timeout=3)
