"""Everything the reader shows, as plain data: no Textual here, so it is tested without a screen.

``Reader`` holds the papers, the marks, notes and tags as shown (saved ones plus the user's changes not yet
saved), the query, the view, the sort and the last search result (its rows in the sort's order); the app's widgets
render it and the app's handlers change it. ``SavedViews`` keeps the saved views (``views.json`` in the data
directory).

How the app drives the library (every write goes through the saver's thread, never the screen's):

- one change: ``change = Change(paper_id, field, value, time.time())`` with field "read", "starred", "note"
  (text, or None to remove) or "tags" (a tuple); ``reader.change(change)`` shows it, ``saver.submit(change)``
  saves it. A bad note or tag raises ValueError (one line) when the Change is made: say it, change nothing.
- a bulk change (mark all shown read) is one undo step: ``reader.changes_for(ids, "read", True)``, then each
  change as above.
- undo / redo: ``saver.undo()`` / ``saver.redo()``; the saver reports ``HistoryDone``: its ``undone`` is None
  (nothing to undo) or an ``Undone`` to pass to ``reader.undone(...)``, which shows it and returns the
  notification ("undone: marked 412 papers read").
- ``MarksChanged`` (another program, or another device through sync): ``reader.set_marks(read, starred, notes,
  tags)``. Tag completion: ``reader.all_tags()``. Search filters: ``reader.flags()``.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.library import MarkStore, Undone
from tui_reader.library.model import Change, Mark, MarkFlags, Value
from tui_reader.paper import Paper, PaperSet
from tui_reader.sorting import Sort

if TYPE_CHECKING:  # the search package loads numpy; the app imports it in a worker, after the first paint
    from tui_reader.search import SearchIndex, SearchResult

__all__ = ["LOCK_NOTICE_SECONDS", "Like", "Reader", "SavedView", "SavedViews", "View"]

LOCK_NOTICE_SECONDS = 1.0  # a lock held longer than this is mentioned in the status line


class View(Enum):
    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"

    def next(self) -> View:
        order = list(View)
        return order[(order.index(self) + 1) % len(order)]

    @property
    def filter(self) -> str:
        return "" if self is View.ALL else f"is:{self.value}"


@dataclass(frozen=True, slots=True)
class Like:
    """The "more like this" view: the list shows the papers most like one paper, until the user goes back."""

    paper_id: str
    title: str
    position: int  # the paper's index in the papers (the list's cursor goes back to it)
    result: SearchResult | None  # what the list showed before


class Reader:
    """Everything the screen shows, as plain data: papers, marks, the query, the view and its results."""

    def __init__(self, papers: Iterable[Paper], store: MarkStore) -> None:
        self.papers = PaperSet(papers)
        self.store = store  # read once here; the app's saver owns writing
        self.index: SearchIndex | None = None
        self.query = ""
        self.view = View.ALL
        self.saved_view: SavedView | None = None  # a saved view shown instead of ``view`` (None: none)
        self.result: SearchResult | None = None
        self.sort = Sort.RELEVANCE
        self.order: Sequence[int] | None = None  # the rows in the sort's order; None: the result's own order
        self.generation = 0  # bumped by every query/view change; older search results are dropped
        self.like: Like | None = None  # showing the papers like this one instead of the query's results
        self.unsaved: list[Change] = []  # shown already, not yet committed by the saver
        self.locked_for = 0.0  # how long another program has held the marks file's lock (0: not locked)
        self.saving_off = store.read_only and store.writable  # marks cannot be saved (kept for this session)
        # id sets, frozen and replaced on change, so a search worker can hold them while the user keeps marking
        self.read: frozenset[str] = frozenset()
        self.starred: frozenset[str] = frozenset()
        # notes and tags by paper id: replaced (never changed in place) on change, for the same reason
        self.notes: Mapping[str, str] = {}
        self.tags: Mapping[str, tuple[str, ...]] = {}
        self.read_count = 0  # of the papers in the corpus (marks of papers not listed are kept, not counted)
        self.star_count = 0
        self.reload_marks()

    def reload_marks(self) -> None:
        # id sets load ~4x faster than one Mark object per paper (100k marks: ~50 ms); frozen and replaced on
        # change, so a search worker can hold them while the user keeps marking
        flags = self.store.flags()
        self.set_marks(frozenset(flags.read), frozenset(flags.starred), flags.notes, flags.tags)

    def set_marks(
        self,
        read: frozenset[str],
        starred: frozenset[str],
        notes: Mapping[str, str] | None = None,
        tags: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        """The marks (and, when given, notes and tags) as the file holds them, with the user's changes not yet
        saved laid over them."""
        self.read, self.starred = flags_after(read, starred, self.unsaved)
        if notes is not None or tags is not None:
            self.notes, self.tags = dict(notes or {}), dict(tags or {})
            for change in self.unsaved:
                if change.field in ("note", "tags"):
                    self._set_text(change.paper_id, change.field, change.value)
        self._count()

    def change(self, change: Change) -> None:
        """The user changed a mark, note or tags: shown at once, pending until the saver reports it committed."""
        self.unsaved.append(change)
        self.update(change.paper_id, change.applied_to(self.mark(change.paper_id)))

    def change_all(self, changes: Sequence[Change]) -> None:
        """Many changes at once (a bulk mark): as ``change`` each, but the id sets are rebuilt once, not once
        per change (marking 100k papers read stays fast)."""
        marks = [change for change in changes if change.field in ("read", "starred")]
        self.unsaved.extend(marks)
        self.read, self.starred = flags_after(self.read, self.starred, marks)
        self._count()
        for change in changes:
            if change.field not in ("read", "starred"):
                self.change(change)

    def new_batch(self) -> int:
        """A batch number for changes that undo as one step (a bulk mark): see ``store.Change``."""
        return next(_batches)

    def changes_for(self, paper_ids: Iterable[str], field: str, value: Value) -> list[Change]:
        """One step's changes: ``field`` set to ``value`` on each paper where it differs (e.g. mark all shown
        read); hand each to ``change`` and the saver."""
        batch, now = self.new_batch(), time.time()
        if field in ("read", "starred"):  # the id sets answer at once (a Mark per paper costs 2 µs: 100k marks)
            marked = self.read if field == "read" else self.starred
            return [
                Change(pid, field, value, now, batch) for pid in dict.fromkeys(paper_ids) if (pid in marked) != value
            ]
        return [
            Change(pid, field, value, now, batch)
            for pid in dict.fromkeys(paper_ids)
            if getattr(self.mark(pid), field) != value
        ]

    def undone(self, undone: Undone) -> str:
        """Show the result of an undo/redo the saver ran; returns the notification ("undone: starred 1 paper")."""
        for paper_id, mark in undone.marks.items():
            self.update(paper_id, mark)
        return undone.message(self.title_of)

    def title_of(self, paper_id: str) -> str:
        """A paper's title (its id when it left the corpus)."""
        index = self.papers.ids.get(paper_id)
        return self.papers[index].title if index is not None else paper_id

    def saved(self, changes: Sequence[Change]) -> None:
        done = set(map(id, changes))
        self.unsaved = [change for change in self.unsaved if id(change) not in done]
        if not self.unsaved:
            self.locked_for = 0.0

    def _count(self) -> None:
        ids = self.papers.ids
        self.read_count = len(self.read & ids.keys())
        self.star_count = len(self.starred & ids.keys())

    def add(self, papers: Iterable[Paper]) -> None:
        """More papers arrived from the loader (a paper already here gains dates and sources)."""
        self.papers.add(papers)
        self._count()

    def mark(self, paper_id: str) -> Mark:
        return Mark(
            read=paper_id in self.read,
            starred=paper_id in self.starred,
            note=self.notes.get(paper_id),
            tags=self.tags.get(paper_id, ()),
        )

    def all_tags(self) -> list[str]:
        """Every tag shown, once (the first spelling met), sorted ignoring case: the tag prompt's completion."""
        seen: dict[str, str] = {}
        for tags in self.tags.values():
            for tag in tags:
                seen.setdefault(tag.casefold(), tag)
        return [seen[key] for key in sorted(seen)]

    def flags(self) -> MarkFlags:
        """The marks as they are now, for the ``is:``, ``note:`` and ``tag:`` filters of a search worker."""
        return MarkFlags(self.read, self.starred, self.notes, self.tags)

    @property
    def full_query(self) -> str:
        """The query as typed, after the view's filter or the saved view's query (the last word typed stays the
        last term: a prefix)."""
        base = self.saved_view.query if self.saved_view is not None else self.view.filter
        return f"{base} {self.query}" if base else self.query

    @property
    def view_name(self) -> str:
        """The view as the status line names it: all, unread, starred or a saved view's name."""
        return self.saved_view.name if self.saved_view is not None else self.view.value

    def next_view(self, saved: Sequence[SavedView]) -> None:
        """The view cycle: all → unread → starred → each saved view in turn → all. A saved view with a sort
        brings its sort along."""
        if self.saved_view is None and self.view is not View.STARRED:
            self.view = self.view.next()
            return
        names = [view.name.casefold() for view in saved]
        key = self.saved_view.name.casefold() if self.saved_view is not None else None
        at = 0 if key is None else names.index(key) + 1 if key in names else len(names)  # deleted: back to all
        self.show_view(saved[at] if at < len(saved) else None)

    def show_view(self, saved: SavedView | None) -> None:
        """Show a saved view (with its sort, when it names one), or the all view (None)."""
        self.view, self.saved_view = View.ALL, saved
        if saved is not None and saved.sort:
            self.sort = next((sort for sort in Sort if sort.value == saved.sort), self.sort)

    @property
    def ranked(self) -> bool:
        """Does the result rank papers (a query with words), or list them as the corpus does (filters only)?"""
        return self.result is not None and bool(self.result.parsed.terms)

    @property
    def rows(self) -> Sequence[int]:
        if self.order is not None:
            return self.order
        if self.result is not None:
            return self.result.indices
        return range(len(self.papers))

    def shown_papers(self) -> list[Paper]:
        """The papers of the list as it is now, in its order (what ``e`` exports by default)."""
        papers = self.papers
        return [papers[index] for index in self.rows]

    def starred_papers(self) -> list[Paper]:
        """Every starred paper of the corpus, whatever the query and view, in corpus order."""
        starred = self.starred
        return [paper for paper in self.papers if paper.id in starred]

    def update(self, paper_id: str, mark: Mark) -> None:
        counted = int(paper_id in self.papers.ids)
        if mark.read != (paper_id in self.read):
            self.read = self.read | {paper_id} if mark.read else self.read - {paper_id}
            self.read_count += counted if mark.read else -counted
        if mark.starred != (paper_id in self.starred):
            self.starred = self.starred | {paper_id} if mark.starred else self.starred - {paper_id}
            self.star_count += counted if mark.starred else -counted
        if mark.note != self.notes.get(paper_id):
            self._set_text(paper_id, "note", mark.note)
        if mark.tags != self.tags.get(paper_id, ()):
            self._set_text(paper_id, "tags", mark.tags)

    def _set_text(self, paper_id: str, field: str, value: Value) -> None:
        """A note or the tags of one paper, in a new mapping (a search worker may hold the old one)."""
        if field == "note":
            notes = dict(self.notes)
            if value is None:
                notes.pop(paper_id, None)
            else:
                notes[paper_id] = str(value)
            self.notes = notes
        else:
            tags = dict(self.tags)
            tags[paper_id] = value if isinstance(value, tuple) else ()
            if not tags[paper_id]:
                del tags[paper_id]
            self.tags = tags

    def status(self, loading: str, indexing: bool, width: int | None = None) -> str:
        """The status line. Within ``width`` cells (a narrow terminal), the counts of unread and starred papers
        go first, then the sort and the view: what is happening (loading, an error in the query, "more like this",
        partial matches, marks waiting) always shows, after how many papers are shown."""
        total = len(self.papers)
        shown = f"{len(self.rows):,} / {total:,} shown"
        counts = [
            f"{total - self.read_count:,} unread",
            f"{self.star_count:,} starred",
            f"view: {self.view_name}",
            f"sort: {self.sort.label(self.ranked)}",
        ]
        parts: list[str] = []
        if loading:
            parts.append(loading)
        elif indexing:
            parts.append("indexing…")
        if self.like is not None:
            parts.append(f"like: {self.like.title} (Esc or m: back)")
        elif self.result is not None and self.result.error:
            parts.append(self.result.error)
        if self.like is None and self.result is not None and self.result.partial:
            parts.append("no paper matches all terms; showing partial matches")
        if self.saving_off:
            parts.append("marks NOT saved (read-only)")
        elif self.unsaved and self.locked_for >= LOCK_NOTICE_SECONDS:
            count = len(self.unsaved)
            parts.append(f"{count} mark{'' if count == 1 else 's'} waiting: file locked by another program")
        line = " · ".join([shown, *counts, *parts])
        # dropped in this order when the line is too long: unread, starred, sort, view (their order on the line kept)
        while width is not None and len(line) > width and counts:
            counts.pop(0 if len(counts) > 2 else -1)
            line = " · ".join([shown, *counts, *parts])
        return line


_batches = itertools.count(1)


def flags_after(
    read: frozenset[str], starred: frozenset[str], changes: Sequence[Change]
) -> tuple[frozenset[str], frozenset[str]]:
    """The id sets with changes not yet saved laid over them (what the screen must show)."""
    r, s = set(read), set(starred)
    for change in changes:
        if change.field not in ("read", "starred"):
            continue
        target = r if change.field == "read" else s
        (target.add if change.value else target.discard)(change.paper_id)
    return frozenset(r), frozenset(s)


# ---------------------------------------------------------------------------------------------------------
# Saved views: a query (with its sort) under a name, kept in DATA_DIR/views.json

VIEWS_FILE = "views.json"
MAX_VIEW_NAME = 40
MAX_VIEW_QUERY = 1000
MAX_VIEWS_BYTES = 1 << 20


@dataclass(frozen=True)
class SavedView:
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
