"""Everything the reader shows, as plain data: no Textual here, so it is tested without a screen.

``ReaderState`` holds the papers, the marks, notes and tags as shown (saved ones plus the user's changes not yet
saved), the query, the view, the sort and the last search result (its rows in the sort's order), and makes the
reader's decisions: which search runs (``set_query``, ``search``, ``cycle_sort``, ``enter_like`` return a
``SearchJob`` for a worker, or None), whether a result that comes back is still wanted (``accept``), where the
cursor starts (``cursor_start``) and what an empty list says (``empty_message``). The reader's screen renders it
and its controllers (tui_reader.controllers) change it. Saved views are in tui_reader.views.

How the app drives the library (every write goes through the saver's thread, never the screen's):

- one change: ``change = Change(paper_id, field, value, time.time())`` with field "read", "starred", "note"
  (text, or None to remove) or "tags" (a tuple); ``state.change(change)`` shows it, ``saver.submit(change)``
  saves it. A bad note or tag raises ValueError (one line) when the Change is made: say it, change nothing.
- a bulk change (mark all shown read) is one undo step: ``state.changes_for(ids, "read", True)``, then each
  change as above.
- undo / redo: ``saver.undo()`` / ``saver.redo()``; the saver reports ``HistoryDone``: its ``undone`` is None
  (nothing to undo) or an ``Undone`` to pass to ``state.undone(...)``, which shows it and returns the
  notification ("undone: marked 412 papers read").
- ``MarksChanged`` (another program, or another device through sync): ``state.set_marks(read, starred, notes,
  tags)``. Tag completion: ``state.all_tags()``. Search filters: ``state.flags()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from tui_reader.library.model import MarkFlags
from tui_reader.paper import Paper
from tui_reader.safe_text import strip_controls
from tui_reader.shown_marks import ShownMarks
from tui_reader.sorting import Sort, can_order, sort_rows
from tui_reader.views import View

if TYPE_CHECKING:  # the search package loads numpy; the reader imports it in a worker, after the first paint
    from tui_reader.library import MarkStore
    from tui_reader.search import SearchIndex, SearchResult
    from tui_reader.views import SavedView

__all__ = ["LOCK_NOTICE_SECONDS", "Like", "ReaderState", "SearchJob", "View"]

LOCK_NOTICE_SECONDS = 1.0  # a lock held longer than this is mentioned in the status line


class Like(NamedTuple):
    """The "more like this" view: the list shows the papers most like one paper, until the user goes back."""

    paper_id: str
    title: str
    position: int  # the paper's index in the papers (the list's cursor goes back to it)
    result: SearchResult | None  # what the list showed before


class SearchJob(NamedTuple):
    """What a search worker runs (``ReaderState.answer``) and the generation its answer is for: a query, a result
    that already answers it put in another order, or the papers most like one paper."""

    generation: int
    query: str
    marks: MarkFlags | None
    sort: Sort
    search_index: SearchIndex | None
    result: SearchResult | None = None  # already answers ``query``: only put in the sort's order
    like: int | None = None  # the papers most like ``papers[like]`` instead of a query
    sort_changed: bool = False  # made by a change of sort (S): its answer may say the sort cannot order


class ReaderState(ShownMarks):
    """Everything the screen shows, as plain data: papers, marks (``ShownMarks``), the query, the view and its
    results."""

    def __init__(self, papers: Iterable[Paper], store: MarkStore) -> None:
        super().__init__(papers, store)
        self.index: SearchIndex | None = None
        self.query = ""
        self.view = View.ALL
        self.saved_view: SavedView | None = None  # a saved view shown instead of ``view`` (None: none)
        self.result: SearchResult | None = None
        self.sort = Sort.RELEVANCE
        self.order: Sequence[int] | None = None  # the rows in the sort's order; None: the result's own order
        self.generation = 0  # bumped by every search job made; an older job's result is dropped (``accept``)
        self.cursor_placed = False  # the cursor was put where the list starts (``cursor_start``)
        self.answered: str | None = None  # the query the list's rows answer ("" every paper; None: not yet)
        self.preliminary = False  # those rows come from a scan made while the index is built (``answer``)
        self.to_top = False  # the answer ``accept`` kept is for a new query: the cursor goes to the top row
        self.sorting = False  # a change of order (S) is on its way (a million stored papers: seconds at first)
        self.like: Like | None = None  # showing the papers like this one instead of the query's results

    def set_news(self, new: frozenset[str], watched: Mapping[str, tuple[str, ...]]) -> bool:
        """The papers new since the last session and the watched ones; True when the list must be searched
        again (the new or watched view, or a query with ``is:new`` / ``is:watched``, is shown)."""
        changed = new != self.new or watched != self.watched
        self.new, self.watched = new, dict(watched)
        self.new_count = len(new & self.papers.ids.keys())
        return changed and any(f"is:{name}" in self.full_query.lower() for name in ("new", "watched"))

    def watches_of(self, paper_id: str) -> tuple[str, ...]:
        """The watch-list entries a paper matches (none: not watched)."""
        return self.watched.get(paper_id, ())

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

    def next_view(self, saved: Sequence[SavedView], watching: bool = True) -> None:
        """The view cycle: all → unread → starred → new → watched → each saved view in turn → all. Without a
        watch list (``watching`` False) nothing can be watched: the watched view is passed by. A saved view with a
        sort brings its sort along."""
        built_in = [view for view in View if watching or view is not View.WATCHED]
        if self.saved_view is None and self.view in built_in[:-1]:  # not the last built-in view
            self.view = built_in[built_in.index(self.view) + 1]
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

    # --- decisions: which search runs, which answer is kept, where the cursor starts, what an empty list says --

    def set_query(self, query: str) -> SearchJob | None:
        """The user typed: the job that searches it (None: see ``search``)."""
        self.query = query
        return self.search()

    def search(self) -> SearchJob | None:
        """A job for the current query and view, in the sort's order; any older job's answer is dropped and "more
        like this" ends. None when no worker is needed: with no query in relevance order the list is every paper
        (``result`` and ``order`` cleared, the cursor kept on its paper). A query typed before the index is built
        is answered by a scan (``answer``): preliminary, the index's answer replaces it (``index_ready``)."""
        self.generation += 1
        self.like = None
        query = self.full_query
        if not query.strip() and self.sort is Sort.RELEVANCE:
            self.result, self.order = None, None
            self.answered, self.preliminary, self.to_top, self.sorting = "", False, False, False
            return None
        return SearchJob(self.generation, query, self.flags(), self.sort, self.index)

    @property
    def indexing(self) -> bool:
        """The status line says "indexing…": the index is being built, or the list shows a scan's preliminary
        answer that the index has not replaced yet."""
        return self.index is None or self.preliminary

    def cycle_sort(self) -> SearchJob | None:
        """The next order. The result shown is only put in that order (no search runs again), unless a search is
        still on its way for the query: then it runs again, coming back in the new order."""
        self.sort = self.sort.next()
        result, query = self.result, self.full_query
        if query.strip() and (result is None or result.query != query):
            job = self.search()
            job = job._replace(sort_changed=True) if job is not None else None
        else:
            self.generation += 1
            job = SearchJob(self.generation, query, self.flags(), self.sort, self.index, result, sort_changed=True)
        self.sorting = job is not None
        return job

    @property
    def sort_to_save(self) -> str | None:
        """The sort to write to config.toml as the one the reader starts in, after the user changed it (S); None
        while a saved view that names its own sort is shown: S there changes that view's order, not the user's."""
        if self.saved_view is not None and self.saved_view.sort:
            return None
        return self.sort.value

    def sort_notice(self, job: SearchJob) -> str | None:
        """Once the answer of a change of sort (S) is accepted: what to tell when the sort found nothing to order
        the papers shown by (no day with a year, no upvotes), so they stay in the order they were. None otherwise,
        and for any other job (a query typed, papers added): said once per change of sort."""
        rows, sort = self.rows, job.sort
        if not job.sort_changed or len(rows) < 2 or can_order(self.papers, rows, sort):
            return None
        missing, sorted_by = _UNORDERED[sort]
        kept = "in relevance order" if self.ranked or self.like is not None else "as listed"
        return f"No {missing} in these papers: sorted {sorted_by}, they stay {kept}."

    def index_ready(self, index: SearchIndex) -> SearchJob | None:
        """The index is built: the job waiting for it (a query typed meanwhile, or "more like this" again, which
        new papers may join); None when nothing waits, or when ``search`` needs no worker."""
        self.index = index
        if self.like is not None:
            self.generation += 1
            return SearchJob(self.generation, "", None, self.sort, index, like=self.like.position)
        return self.search() if self.full_query else None

    def enter_like(self, position: int) -> SearchJob | None:
        """Show the papers most like ``papers[position]`` (None while the index is being built)."""
        if self.index is None:
            return None
        paper = self.papers[position]
        self.generation += 1
        self.like = Like(paper.id, paper.title, position, self.result)
        return SearchJob(self.generation, "", None, self.sort, self.index, like=position)

    def leave_like(self) -> Like | None:
        """Back from "more like this": the result shown before it is shown again (then searched again, since
        marks may have changed: ``search``); the ``Like`` left (its position is where the cursor goes)."""
        like = self.like
        if like is not None:
            self.result = like.result
        return like

    def answer(self, job: SearchJob) -> tuple[SearchResult | None, Sequence[int] | None]:
        """Run a job (in a worker's thread): its result, and its rows in the sort's order (None for relevance: the
        result's own order)."""
        result = job.result
        if job.like is not None and job.search_index is not None:
            result = job.search_index.similar(job.like)
        elif result is None and job.search_index is not None and job.query.strip():
            result = job.search_index.search(job.query, job.marks)
        elif result is None and job.query.strip():  # no index yet: a scan, never every paper under a query
            from tui_reader.search.scan import scan

            result = scan(self.papers, job.query, job.marks, lambda: job.generation == self.generation)
        if job.sort is Sort.RELEVANCE:
            return result, None
        papers = self.papers
        return result, sort_rows(papers, result.indices if result is not None else range(len(papers)), job.sort)

    def accept(self, job: SearchJob, result: SearchResult | None, order: Sequence[int] | None) -> bool:
        """Keep a job's answer, unless a newer job was made since (False: dropped). ``to_top`` says where the
        cursor goes: to the top row (the best match) for the answer to a new query, or for the index's answer
        replacing a scan's; else it stays on its paper (the same query searched again: marks, new papers, the
        sort, an index built again; a result only put in another order; an empty query; "more like this")."""
        if job.generation != self.generation:
            return False
        self.result, self.order = result, order
        self.sorting = False  # the rows are in the order asked for (the newest job carries the newest sort)
        self.to_top = False
        if job.like is None and job.result is None:  # an answer to the query (not a reorder, not "like this")
            by_index = job.search_index is not None
            if job.query.strip():
                self.to_top = job.query != self.answered or (self.preliminary and by_index)
            self.answered, self.preliminary = job.query, not by_index and bool(job.query.strip())
        return True

    def cursor_start(self) -> bool:
        """Once, when the list first holds papers in its order (at start, or with the first papers a big corpus
        streams in): True when the cursor should go where the list starts. Never later: it must not jump under
        the user."""
        if self.cursor_placed or not self.papers:
            return False
        if self.sort is not Sort.RELEVANCE and self.order is None:
            return False  # a configured order: placed once the rows come back in it
        self.cursor_placed = True
        return True

    def empty_message(self, loading: bool = False) -> str:
        """What the detail pane says when the list is empty."""
        if loading:
            return "Loading papers…"
        if self.query.strip():
            return "No paper matches. Esc clears the search."
        if self.saved_view is not None:
            return "No paper in this view. u changes the view."
        if self.view is View.STARRED:
            return "No starred papers yet: s stars the paper under the cursor. u changes the view."
        if self.view is View.UNREAD:
            return "Everything is read. u changes the view."
        if self.view is View.NEW:
            return "Nothing new since the last session. u changes the view."
        if self.view is View.WATCHED:
            return "No watched papers: watch = [queries] in config.toml says what to watch. u changes the view."
        return "No papers."

    def status(self, loading: str, indexing: bool, width: int | None = None, cells: Callable[[str], int] = len) -> str:
        """The status line, without control characters. Within ``width`` cells (a narrow terminal; ``cells``
        measures a text, e.g. a CJK title's two cells a character), the sort goes first, then the view, then
        the starred count, and the unread count last: what is happening (loading, an error in the query, "more
        like this", partial matches, marks waiting) always shows, after how many papers are shown."""
        total = len(self.papers)
        shown = f"{len(self.rows):,} / {total:,} shown"
        counts = [
            f"{total - self.read_count:,} unread",
            f"{self.star_count:,} starred",
            *([f"{self.new_count:,} new"] if self.new_count else []),
            f"view: {self.view_name}",
            f"sort: {self.sort.label(self.ranked)}",
        ]
        parts: list[str] = []
        if loading:
            parts.append(loading)
        elif indexing:
            parts.append("indexing…")
        elif self.sorting:
            parts.append("sorting…")
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
        if self.selection:
            hidden = self.selection.not_shown(self.rows, self.papers.ids)
            parts.insert(0, f"{len(self.selection):,} selected" + (f" ({hidden:,} not shown)" if hidden else ""))
        # a title, a file name, a saved view's name: cleaned once, and measured as shown
        counts, parts = [strip_controls(count) for count in counts], [strip_controls(part) for part in parts]
        line = " · ".join([shown, *counts, *parts])
        # dropped from the end when the line is too long: sort, view, starred, then unread (the last to go)
        while width is not None and cells(line) > width and counts:
            counts.pop()
            line = " · ".join([shown, *counts, *parts])
        return line


# what a sort that may find nothing to order by needs, and how it is said ("sorted newest first")
_UNORDERED = {
    Sort.NEWEST: ("dates with a year", "newest first"),
    Sort.OLDEST: ("dates with a year", "oldest first"),
    Sort.UPVOTES: ("upvotes", "by upvotes"),
}
