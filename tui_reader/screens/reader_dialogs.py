"""The reader's actions that open a dialog (a prompt, a menu, the export, the help) or hand the terminal to
another program (the note in $EDITOR), apart from the rest of the reader's screen (tui_reader.screens.reader),
which inherits them. Each dialog's module is imported when it is first opened, not by the first frame.

Dialogs are awaited until mounted, so keys typed right after the one that opened them go to them: a fast "Ay"
answers yes, never copies.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.screen import Screen

from tui_reader.paper import Paper
from tui_reader.screens.outside import run_outside
from tui_reader.widgets import PaperList

if TYPE_CHECKING:
    from tui_reader.app import ReaderApp
    from tui_reader.controllers.library import Library
    from tui_reader.controllers.reach import Reach
    from tui_reader.controllers.saved_views import ViewsController
    from tui_reader.state import ReaderState

__all__ = ["ReaderDialogs"]


class ReaderDialogs(Screen[None]):
    """The dialogs' actions of the reader's screen, and what they need of it."""

    state: ReaderState
    views: ViewsController

    if TYPE_CHECKING:  # made by the reader's screen

        @property
        def library(self) -> Library: ...

        @property
        def reach(self) -> Reach: ...

    @property
    def reader_app(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def current(self) -> Paper | None:
        """The paper under the list's cursor."""
        index = self.paper_list.paper_index
        return self.state.papers[index] if index is not None else None

    @property
    def current_id(self) -> str | None:
        return paper.id if (paper := self.current) is not None else None

    async def action_mark_all_read(self) -> None:
        """Mark every paper shown read, once the user says yes to how many that is; one undo step."""
        from tui_reader.screens.prompt import ConfirmScreen

        if (asked := self.library.all_read_question()) is not None:
            changes, question = asked
            await self.app.push_screen(ConfirmScreen(question), partial(self.library.all_read_answered, changes))

    async def action_edit_note(self) -> None:
        from tui_reader.screens.note import NoteScreen

        if (paper := self.current) is not None:
            note = self.state.mark(paper.id).note or ""
            await self.app.push_screen(NoteScreen(paper.title, note, partial(self.library.save_note, paper.id)))

    def action_edit_note_outside(self) -> None:
        """The note in the user's own editor: the reader steps aside (App.suspend) while it runs."""
        if (paper_id := self.current_id) is not None:
            self.library.edit_note_outside(paper_id, partial(run_outside, self.app))

    async def action_edit_tags(self) -> None:
        from tui_reader.controllers.library import selected  # loaded with the library, after the first frame
        from tui_reader.screens.tags import TagScreen

        state = self.state
        if selection := state.selection:  # the edit typed applies to each selected paper: one undo step
            heading = f"Tags of the {selected(len(selection))}"
            apply = partial(self.library.change_tags_all, list(selection))
            await self.app.push_screen(
                TagScreen("", selection.common_tags(state.tags), state.all_tags(), apply, heading)
            )
        elif (paper := self.current) is not None:
            tags, known = state.mark(paper.id).tags, state.all_tags()
            await self.app.push_screen(TagScreen(paper.title, tags, known, partial(self.library.change_tags, paper.id)))

    async def action_save_view(self) -> None:
        from tui_reader.screens.prompt import PromptScreen

        if (asked := self.views.save_question()) is None:
            return
        query, kept, hint = asked
        current = self.state.saved_view  # offered (selected): Enter updates the view shown, typing names a new one
        save = partial(self.views.save, query, kept)
        name = current.name if current is not None else ""
        prompt = PromptScreen(
            "Save the search as a view", save, hint, value=name, placeholder="a name, e.g. rl to read"
        )
        await self.app.push_screen(prompt)

    async def action_delete_view(self) -> None:
        from tui_reader.screens.choice import Choice, ChoiceScreen

        keys = "123456789"
        views = self.views.views.views
        choices = [Choice(keys[i] if i < len(keys) else "", v.name, v.query, v.name) for i, v in enumerate(views)]
        if not choices:
            self.reader_app.say("No saved views: V saves the search as one.", timeout=4)
            return
        await self.app.push_screen(ChoiceScreen("Delete which view?", choices), self.views.delete)

    def action_open_menu(self) -> None:
        from tui_reader.links import open_items
        from tui_reader.screens.choice import Choice, ChoiceScreen

        if (paper := self.current) is not None:
            choices = [Choice(key, label, url, url) for key, label, url in open_items(paper)]
            screen = ChoiceScreen(f"Open “{paper.title}”", choices)
            self.app.push_screen(screen, partial(self.reach.open_link, paper_id=paper.id))

    def action_copy_menu(self) -> None:
        from tui_reader.links import copy_items
        from tui_reader.screens.choice import Choice, ChoiceScreen

        if (paper := self.current) is not None:
            choices = [Choice(key, label, text, (label, text)) for key, label, text in copy_items(paper)]
            self.app.push_screen(ChoiceScreen(f"Copy from “{paper.title}”", choices), self.reach.copy)

    def action_export(self) -> None:
        from tui_reader.screens.export import ExportScreen  # imports the export formats: only when asked

        state = self.state
        selected = state.selection.papers(state.papers)  # offered first, and chosen, when there are some
        screen = ExportScreen(state.shown_papers(), state.starred_papers(), state.mark, selected=selected)
        self.app.push_screen(screen, lambda exported: self.reach.exported(exported and exported.message))

    def action_help(self) -> None:
        from tui_reader.screens.help import HelpScreen  # imported when first asked for, not by the first frame

        if isinstance(self.app.screen, HelpScreen):  # from the palette over the help: the key toggles it
            self.app.pop_screen()
        else:
            self.app.push_screen(HelpScreen(self.reader_app.all_commands()))
