"""The values the library holds: a paper's ``Mark``, a ``Change`` the user made, and ``MarkFlags`` for the search
filters (a change from another device, ``Remote``, is sync's: outbox.py). Plain data, cheap to import (no SQLite).

Each field of a paper (read, starred, note, tags) keeps the time it last changed (``*_at``): what
last-writer-wins merging needs. A local change is always newer than the one it replaces (``later``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from tui_reader.library.rules import FIELDS, LATEST_TIME, Value, clean_tags, clean_value

__all__ = ["FIELDS", "NO_MARK", "Change", "Mark", "MarkFlags", "Value", "merge_marks"]


class Mark(NamedTuple):
    """What the user wrote about one paper; ``*_at`` is the unix time that field last changed (None: never)."""

    read: bool = False
    starred: bool = False
    read_at: float | None = None
    starred_at: float | None = None
    note: str | None = None
    note_at: float | None = None
    tags: tuple[str, ...] = ()
    tags_at: float | None = None


NO_MARK = Mark()
_POSITIONS = {name: (Mark._fields.index(name), Mark._fields.index(f"{name}_at")) for name in FIELDS}


class _ChangeFields(NamedTuple):
    paper_id: str
    field: str
    value: Value
    at: float
    batch: int = 0


class Change(_ChangeFields):
    """One thing the user set: ``field`` of ``paper_id`` became ``value`` at unix time ``at``.

    ``field`` is one of FIELDS; ``value`` is a bool for read/starred, the note's text or None (no note) for
    note, a tuple of tags for tags (cleaned on creation: ``clean_value``; a bad one raises ValueError).
    ``batch``: changes sharing a non-zero batch number, handed over together, are one step of undo (a bulk
    "mark all read"); batch 0 is a step of its own. A named tuple (cheap to define at import), checked when made.
    """

    __slots__ = ()

    def __new__(cls, paper_id: str, field: str, value: Value, at: float, batch: int = 0) -> Change:
        if not (field in ("read", "starred") and type(value) is bool):  # the common case, kept cheap: a bulk
            value = clean_value(field, value)  # mark makes thousands
        return super().__new__(cls, paper_id, field, value, at, batch)

    def applied_to(self, mark: Mark) -> Mark:
        """The mark after this change (a change is always newer than the one it replaces, see ``later``)."""
        if self.field == "tag":
            return with_value(mark, "tags", tag_edited(mark.tags, str(self.value)), self.at)
        return with_value(mark, self.field, self.value, self.at)

    def taken(self, mark: Mark) -> Mark:
        """The mark with this change at its own time (replaying a journal)."""
        if self.field == "tag":
            return set_value(mark, "tags", tag_edited(mark.tags, str(self.value)), self.at)
        return set_value(mark, self.field, self.value, self.at)

    def restated(self, mark: Mark) -> Mark:
        """The mark after this change when it sets the value the field has: the same value with a new time."""
        name = "tags" if self.field == "tag" else self.field
        return set_value(mark, name, getattr(mark, name), later(self.at, getattr(mark, f"{name}_at")))

    def is_newer_than(self, mark: Mark) -> bool:
        """For replaying a journal: does this change still win over what the file holds?"""
        at = getattr(mark, f"{'tags' if self.field == 'tag' else self.field}_at")
        return at is None or self.at > at

    def record(self) -> dict[str, object]:
        """As JSON (the journal's and the sync log's lines): tags as a list."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"id": self.paper_id, "field": self.field, "value": value, "at": self.at}


class MarkFlags(Mapping[str, Mark]):
    """Read/starred flags, notes and tags by paper id, as the search filters want them (``is:read``,
    ``is:starred``, ``note:word``, ``tag:name``); and the reader's ``is:new`` and ``is:watched`` papers."""

    def __init__(
        self,
        read: set[str] | frozenset[str],
        starred: set[str] | frozenset[str],
        notes: Mapping[str, str] | None = None,
        tags: Mapping[str, tuple[str, ...]] | None = None,
        new: frozenset[str] = frozenset(),
        watched: frozenset[str] = frozenset(),
    ) -> None:
        self.read, self.starred = read, starred
        self.notes: Mapping[str, str] = notes or {}
        self.tags: Mapping[str, tuple[str, ...]] = tags or {}
        self.new, self.watched = new, watched  # first seen since the last session; matching the watch list

    def __getitem__(self, paper_id: str) -> Mark:
        read, starred = paper_id in self.read, paper_id in self.starred
        note, tags = self.notes.get(paper_id), self.tags.get(paper_id, ())
        if not (read or starred or note or tags):
            raise KeyError(paper_id)
        return Mark(read=read, starred=starred, note=note, tags=tags)

    def __iter__(self) -> Iterator[str]:
        yield from self._ids()

    def __len__(self) -> int:
        return len(self._ids())

    def _ids(self) -> dict[str, None]:
        return dict.fromkeys([*self.read, *self.starred, *self.notes, *self.tags])


# ---------------------------------------------------------------------------------------------------------
# Mark arithmetic


def tag_edited(tags: tuple[str, ...], edit: str) -> tuple[str, ...]:
    """``tags`` after one tag edit: ``+tag`` adds it (a spelling already there is kept), ``-tag`` removes it,
    ignoring case."""
    key = edit[1:].casefold()
    if edit[0] == "-":
        return tuple(tag for tag in tags if tag.casefold() != key)
    return clean_tags((*tags, edit[1:]))  # a spelling already there is kept; ValueError past MAX_TAGS


def later(now: float, previous: float | None) -> float:
    """A local change is always newer than the one it replaces, even if the clock went back (so an edit made
    after seeing another device's always wins over it), and never past LATEST_TIME, the last time every other
    device reads on a sync log (so this device's own changes are never refused elsewhere, and always export and
    import). Only a change already at LATEST_TIME (a peer's time sent from the end of 9999) is met, not passed:
    then the greater device id wins, the same on every device."""
    at = now if previous is None or now > previous else math.nextafter(previous, math.inf)
    return min(at, LATEST_TIME)


def with_value(mark: Mark, field_name: str, value: Value, now: float) -> Mark:
    """``mark`` with one field set (and its time, if the value changes)."""
    if getattr(mark, field_name) == value:
        return mark
    return set_value(mark, field_name, value, later(now, getattr(mark, f"{field_name}_at")))


def set_value(mark: Mark, field_name: str, value: Value, at: float | None) -> Mark:
    """``mark`` with one field and its time set as given."""
    values: list[Any] = list(mark)  # a Mark made from a list: ~3x faster than _replace (100k marks of a step)
    value_at, time_at = _POSITIONS[field_name]
    values[value_at], values[time_at] = value, at
    return Mark._make(values)


def merge_marks(ours: Mark, theirs: Mark) -> Mark:
    """Per field, keep the later change; a record without a time only beats a field that never changed."""
    values: dict[str, Any] = {}
    for name in FIELDS:
        their_at, our_at = getattr(theirs, f"{name}_at"), getattr(ours, f"{name}_at")
        source = theirs if our_at is None or (their_at or 0.0) > our_at else ours
        values[name], values[f"{name}_at"] = getattr(source, name), getattr(source, f"{name}_at")
    return Mark(**values)
