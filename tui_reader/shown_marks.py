"""The marks, notes and tags as the reader shows them: the saved ones with the user's changes not yet saved laid
over them, the counts, the selection (Space, v) and the papers new or watched; no Textual here.

``ShownMarks`` is the half of ``ReaderState`` (tui_reader.state) that answers "what does this paper look like
now": its id sets and mappings are frozen and replaced on change (never changed in place), so a search worker can
hold them while the user keeps marking, and a step of any size (an undo of marking 100k papers read) is shown in
one pass. How the app drives it is in tui_reader.state's docstring.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from tui_reader.library.model import Change, Mark, MarkFlags, Value, tag_edited
from tui_reader.paper import Paper
from tui_reader.paper_set import PaperSet
from tui_reader.selection import Selection

if TYPE_CHECKING:
    from tui_reader.library import MarkStore, Undone  # the store's writing half loads with the saver, later

__all__ = ["ShownMarks", "flags_after"]

T = TypeVar("T")


class ShownMarks:
    """The papers and their marks as shown (see the module's docstring)."""

    def __init__(self, papers: Iterable[Paper], store: MarkStore) -> None:
        self.papers = papers.copy() if isinstance(papers, PaperSet) else PaperSet(papers)
        self.store = store  # read once here; the app's saver owns writing
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
        self.selection = Selection()  # the papers selected (Space, v): kept while the query changes
        # first seen since the last session ended, and each watched paper's watch-list entries: worked out in a
        # worker once the index is built (tui_reader.controllers.news), empty until then
        self.new: frozenset[str] = frozenset()
        self.watched: Mapping[str, tuple[str, ...]] = {}
        self.new_count = 0  # of the papers in the corpus
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
            self._show_texts(self.unsaved)
        self._count()

    def change(self, change: Change) -> None:
        """The user changed a mark, note or tags: shown at once, pending until the saver reports it committed."""
        self.change_all([change])

    def change_all(self, changes: Sequence[Change]) -> None:
        """Many changes at once (a bulk mark, a tag on every paper selected): as ``change`` each, but each id set
        and mapping is rebuilt once, not once per change (marking 100k papers read stays fast)."""
        self.unsaved.extend(changes)
        read, starred = self.read, self.starred
        self.read, self.starred = flags_after(read, starred, changes)
        self._show_texts(changes)
        self._recount(changes, read, starred)

    def _recount(self, changes: Sequence[Change], read: frozenset[str], starred: frozenset[str]) -> None:
        """The counts after these changes, from the papers they touch (one mark is one step, not a pass over
        every mark): ``read`` and ``starred`` are the id sets before them."""
        ids = self.papers.ids
        for paper_id in {change.paper_id for change in changes if change.field in ("read", "starred")}:
            if paper_id in ids:
                self.read_count += (paper_id in self.read) - (paper_id in read)
                self.star_count += (paper_id in self.starred) - (paper_id in starred)

    def _show_texts(self, changes: Sequence[Change]) -> None:
        """The notes and tags these changes set, laid over those shown, in new mappings (a search worker may hold
        the old ones), made once for all the changes."""
        texts = [change for change in changes if change.field in ("note", "tags", "tag")]
        if not texts:
            return
        notes, tags = dict(self.notes), dict(self.tags)
        for change in texts:
            paper_id, value = change.paper_id, change.value
            if change.field == "note":
                if value is None:
                    notes.pop(paper_id, None)
                else:
                    notes[paper_id] = str(value)
                continue
            if change.field == "tag":  # one tag added or removed, over the tags shown
                try:
                    value = tag_edited(tags.get(paper_id, ()), str(value))
                except ValueError:  # too many tags now: the saver says so
                    continue
            if value:
                tags[paper_id] = value if isinstance(value, tuple) else ()
            else:
                tags.pop(paper_id, None)
        self.notes, self.tags = notes, tags

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
        """Show the result of an undo/redo the saver ran; returns the notification ("undone: starred 1 paper").
        Each field the step touched is set as a whole: a step of 100k papers costs a few set operations."""
        values = undone.values
        if "read" in values:
            self.read = _flags_set(self.read, values["read"])
        if "starred" in values:
            self.starred = _flags_set(self.starred, values["starred"])
        if "note" in values:
            self.notes = _mapping_set(self.notes, values["note"], str)
        if "tags" in values:
            self.tags = _mapping_set(self.tags, values["tags"], tuple)
        self._count()
        return undone.message(self.title_of)

    # --- the selection (tui_reader.selection): what s, r, t, e and A act on when there is one ---------------

    def targets(self, paper_id: str | None) -> list[str]:
        """What a mark, the tags or A act on: the papers selected when there are any, else this one (None: no
        paper, nothing)."""
        if self.selection:
            return list(self.selection)
        return [] if paper_id is None else [paper_id]

    def turned_on(self, paper_ids: Sequence[str], field: str) -> bool:
        """The value a toggle of ``field`` (read, starred) sets on these papers: on, unless all of them have it
        already (then off), as a mail reader toggles a flag on the messages tagged."""
        marked = self.read if field == "read" else self.starred
        return not all(paper_id in marked for paper_id in paper_ids)

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
        return MarkFlags(self.read, self.starred, self.notes, self.tags, self.new, frozenset(self.watched))


_batches = itertools.count(1)


def _mapping_set(shown: Mapping[str, T], values: Mapping[str, Value], kind: type[T]) -> dict[str, T]:
    """Notes or tags by paper id, after setting these papers' values: an empty one (no note, no tags) removed."""
    result = dict(shown)
    for paper_id, value in values.items():
        if isinstance(value, kind) and value:
            result[paper_id] = value
        else:
            result.pop(paper_id, None)
    return result


def _flags_set(shown: frozenset[str], values: Mapping[str, Value]) -> frozenset[str]:
    """The ids with a flag set, after setting it on the papers whose value is true and off on the others."""
    on = {paper_id for paper_id, value in values.items() if value}
    return frozenset(shown.difference(values).union(on))


def flags_after(
    read: frozenset[str], starred: frozenset[str], changes: Sequence[Change]
) -> tuple[frozenset[str], frozenset[str]]:
    """The id sets with changes not yet saved laid over them (what the screen must show); a set no change
    touches is the same object."""
    edited: dict[str, set[str]] = {}
    for change in changes:
        if change.field not in ("read", "starred"):
            continue
        target = edited.get(change.field)
        if target is None:
            target = edited[change.field] = set(read if change.field == "read" else starred)
        (target.add if change.value else target.discard)(change.paper_id)
    return (
        frozenset(edited["read"]) if "read" in edited else read,
        frozenset(edited["starred"]) if "starred" in edited else starred,
    )
