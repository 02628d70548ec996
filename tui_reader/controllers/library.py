"""The user's library from the reader: marks (read, starred), notes, tags, a bulk mark, undo and redo.

Every change is shown at once (``ReaderState.change_all``) and handed to the mark saver's thread, which commits
it; the screen never waits for the marks file. Undo and redo run in that thread too, in turn with the saves.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.controllers.host import Host
from tui_reader.library.model import Change
from tui_reader.library.rules import clean_tags

if TYPE_CHECKING:  # the saver's module loads with the saver, after the first frame
    from tui_reader.saving import HistoryDone, MarkSaver

__all__ = ["Library", "edit_tags"]


def edit_tags(current: Sequence[str], typed: str) -> tuple[str, ...]:
    """The tags after ``typed`` (``foo bar -baz``: add foo and bar, remove baz, ignoring case), cleaned as the
    store keeps them; ValueError (one line) for a bad tag or too many."""
    words = typed.split()
    removed = {word[1:].strip().casefold() for word in words if word.startswith("-")}
    added = [word for word in words if not word.startswith("-")]
    clean_tags([word[1:] for word in words if word.startswith("-") and word[1:]])  # a bad tag is said, even to remove
    return clean_tags([tag for tag in [*current, *added] if tag.casefold() not in removed])


def tag_changes(paper_id: str, typed: str, batch: int) -> list[Change]:
    """What the tag prompt sends for ``typed`` (``foo bar -baz``): one change per tag added or removed, one
    batch (one undo step), never the whole list as the screen showed it (another reader or device may have
    added a tag since)."""
    now = time.time()
    words = typed.split()
    removed = {word[1:].strip().casefold() for word in words if word.startswith("-") and word[1:].strip()}
    edits = [f"+{word}" for word in words if not word.startswith("-") and word.casefold() not in removed]
    edits += [f"-{word[1:].strip()}" for word in words if word.startswith("-") and word[1:].strip()]
    return [Change(paper_id, "tag", edit, now, batch) for edit in dict.fromkeys(edits)]


def plural(count: int) -> str:
    return f"{count:,} paper{'s' if count != 1 else ''}"


def selected(count: int) -> str:
    return f"{count:,} selected paper{'s' if count != 1 else ''}"


class Library:
    """``saver`` gives the app's mark saver (its thread starts after the first frame)."""

    def __init__(self, host: Host, saver: Callable[[], MarkSaver]) -> None:
        self.host = host
        self._saver = saver

    @property
    def saver(self) -> MarkSaver:
        return self._saver()

    # --- marks -------------------------------------------------------------------------------------------

    def set_mark(self, paper_id: str, field: str, value: bool) -> None:
        """The user set a mark: shown now, committed by the saver's thread (the screen never waits for it)."""
        self.apply([Change(paper_id, field, value, time.time())])

    def apply(self, changes: Sequence[Change]) -> None:
        """Show changes (marks, notes, tags; a bulk mark's share one batch: one undo step) and hand them to the
        saver's thread."""
        self.host.state.change_all(changes)
        self.saver.submit_all(changes)
        self.host.marks_shown()

    # The new value is the opposite of what this screen shows (not of what the file holds): with two readers
    # open, a star added in the other one is not undone by starring the same paper here.

    def toggle(self, paper_id: str | None, field: str) -> None:
        """r, s: the paper's mark flipped; with papers selected, theirs instead, as one undo step: set on each,
        unless every one has it already (then unset on each)."""
        state = self.host.state
        if not state.selection:
            if paper_id is not None:
                self.set_mark(paper_id, field, not getattr(state.mark(paper_id), field))
            return
        ids = state.targets(paper_id)
        value = state.turned_on(ids, field)
        self.apply(state.changes_for(ids, field, value))
        count = selected(len(ids))
        done = f"Marked {count} {'read' if value else 'unread'}" if field == "read" else None
        self.host.say(f"{done or ('Starred' if value else 'Unstarred') + ' ' + count} (z undoes it)", timeout=4)

    def mark_read(self, paper_id: str | None) -> None:
        """Mark a paper read (opened, its link followed, or reached by n); nothing when it is read already."""
        if paper_id is not None and not self.host.state.mark(paper_id).read:
            self.set_mark(paper_id, "read", True)

    def all_read_question(self) -> tuple[list[Change], str] | None:
        """A: the changes that mark every paper shown read, and the question to ask first; None (said why) when
        there is nothing to mark."""
        state = self.host.state
        if state.selection:  # the papers selected, shown or not
            changes = state.changes_for(state.targets(None), "read", True)
            if not changes:
                self.host.say("Every selected paper is read already.", timeout=3)
                return None
            return changes, f"Mark {selected(len(changes))} read? y/n"
        changes = state.changes_for((paper.id for paper in state.shown_papers()), "read", True)
        if not changes:
            self.host.say("Every paper shown is read already." if state.rows else "No paper is shown.", timeout=3)
            return None
        return changes, f"Mark {plural(len(changes))} read? y/n"

    def all_read_answered(self, changes: list[Change], yes: bool | None) -> None:
        if yes:
            self.apply(changes)
            self.host.say(f"Marked {plural(len(changes))} read (z undoes it)", timeout=5)

    def saver_reported(self, report: object) -> None:
        """What the saver's thread said: changes committed, a lock it waits for, marks changed by another program
        (another reader, `tui-reader mark`, sync), an undo or redo done, or a problem."""
        from tui_reader.saving import HistoryDone, MarksChanged, Saved, SaverProblem, SavingAgain, Waiting  # loaded

        state = self.host.state
        if isinstance(report, Saved):
            state.saved(report.changes)
            notes = [change for change in report.changes if change.field == "note"]
            if notes and not state.saving_off:  # said once it is so, never before
                self.host.say("Note saved." if notes[-1].value is not None else "Note removed.", timeout=3)
        elif isinstance(report, Waiting):
            state.locked_for = report.seconds
        elif isinstance(report, MarksChanged):  # theirs are shown
            state.set_marks(report.read, report.starred, report.notes, report.tags)
            self.host.marks_shown()
        elif isinstance(report, HistoryDone):
            self.history_done(report)
        elif isinstance(report, SaverProblem):
            state.saving_off = state.saving_off or report.read_only
            self.host.warn([report.message], title="Marks")
        elif isinstance(report, SavingAgain):
            state.saving_off = False
            self.host.say("Marks are saved again.", timeout=5)
        self.host.refresh_status()

    # --- undo / redo (run in turn by the saver's thread; the history lives in marks.db) -----------------

    def undo(self) -> None:
        self.saver.undo()

    def redo(self) -> None:
        self.saver.redo()

    def history_done(self, done: HistoryDone) -> None:
        if done.undone is None:
            self.host.say("Nothing to redo." if done.redo else "Nothing to undo.", timeout=3)
            return
        self.host.say(self.host.state.undone(done.undone), title="Redo" if done.redo else "Undo", timeout=6)
        self.host.marks_shown()

    # --- notes and tags ----------------------------------------------------------------------------------

    def save_note(self, paper_id: str, text: str) -> str | None:
        """Save a paper's note (empty: no note); a problem with it is returned (one line), nothing changed. Saving
        (Ctrl+S) an unchanged note says it again: a new time that beats an older edit from another device (Esc
        leaves without a word); saving no note over none changes nothing."""
        try:
            change = Change(paper_id, "note", text, time.time())
        except ValueError as exc:
            return str(exc)
        note = self.host.state.mark(paper_id).note
        if change.value != note or note is not None:  # saved again unchanged: still the user's latest word (synced)
            self.apply([change])  # "Note saved." once the saver has committed it (see saver_reported)
        return None

    def edit_note_outside(self, paper_id: str, run: Callable[[list[str]], int | None]) -> None:
        """The note in the user's own editor ($VISUAL, $EDITOR, else vi) on a temporary file; what the editor
        leaves there is saved (unchanged: nothing is). ``run(command)`` runs it with the reader stepped aside,
        returning its exit status, or None when this terminal cannot hand over."""
        import shlex
        import shutil
        import tempfile

        note = self.host.state.mark(paper_id).note or ""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            words = shlex.split(editor)
        except ValueError as exc:
            self.host.say(f"Could not run the editor {editor!r}: {exc}", severity="error", timeout=8)
            return
        if not words or shutil.which(words[0]) is None:  # found before the reader steps aside, not after
            self.host.say(f"No editor found: tried {_editors_tried()}.", severity="error", timeout=8)
            return
        with tempfile.TemporaryDirectory(prefix="tui-reader-note-") as folder:
            path = Path(folder) / "note.txt"
            path.write_text(note + "\n" if note else "", encoding="utf-8")
            try:
                status = run([*words, str(path)])
                text = path.read_text(encoding="utf-8", errors="replace")
            except (OSError, ValueError) as exc:
                self.host.say(f"Could not run the editor {editor!r}: {exc}", severity="error", timeout=8)
                return
        if status is None:
            self.host.say("This terminal cannot hand over to an editor; a (in the reader) edits the note.")
        elif status != 0:
            self.host.say(f"The editor {editor!r} ended with status {status}; note not changed.", timeout=6)
        elif text.rstrip() != note and (problem := self.save_note(paper_id, text)) is not None:
            self.host.say(f"Note not saved: {problem}", severity="error", timeout=8)

    def change_tags(self, paper_id: str, typed: str) -> str | None:
        """Apply what was typed in the tag prompt (``foo -bar``) as one change; a problem is returned, nothing
        changed."""
        old = self.host.state.mark(paper_id).tags
        try:
            tags = edit_tags(old, typed)  # checked whole first: a bad tag changes nothing
            changes = tag_changes(paper_id, typed, self.host.state.new_batch())
        except ValueError as exc:
            return str(exc)
        if changes:  # each tag typed, added or removed, as its own change: another reader's tags stay
            self.apply(changes)
            self.host.say(f"Tags: {' '.join(tags)}" if tags else "No tags now.", timeout=3)
        return None

    def change_tags_all(self, paper_ids: Sequence[str], typed: str) -> str | None:
        """The tag prompt over the selected papers: what was typed (``foo -bar``) applies to each of them, all
        one undo step; a problem with any paper's tags is returned, nothing changed."""
        state = self.host.state
        batch, changes = state.new_batch(), []
        try:
            for paper_id in paper_ids:
                edit_tags(state.mark(paper_id).tags, typed)  # checked whole first: a bad tag changes nothing
                changes += tag_changes(paper_id, typed, batch)
        except ValueError as exc:
            return str(exc)
        if changes:
            self.apply(changes)
            self.host.say(f"Tags changed on {selected(len(paper_ids))} (z undoes it)", timeout=3)
        return None


def _editors_tried() -> str:
    """Which editor was looked for, and where it was named: ``$EDITOR ('nano')``, or vi when neither variable
    is set."""
    import reprlib

    for name in ("VISUAL", "EDITOR"):
        if os.environ.get(name):
            return f"${name} ({reprlib.repr(os.environ[name])}); $VISUAL or $EDITOR names the editor to use"
    return "vi ($VISUAL and $EDITOR are not set); $VISUAL or $EDITOR names the editor to use"
