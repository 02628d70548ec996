"""The tag prompt (``t``): the paper's tags, a line where ``foo bar -baz`` adds foo and bar and removes baz, with
completion from the tags already used (inline, and a list of those matching the word being typed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.suggester import Suggester
from textual.widgets import Input, Static

from tui_reader.screens.prompt import PromptScreen

__all__ = ["TagScreen", "TagSuggester"]

MAX_MATCHES = 12  # tags listed under the line


def last_word(typed: str) -> tuple[str, str]:
    """``typed`` split before its last word (the word being completed)."""
    start = len(typed) - len(typed.split(" ")[-1])
    return typed[:start], typed[start:]


def matching(tags: Sequence[str], prefix: str, folded: Sequence[str] | None = None) -> list[str]:
    """The tags starting with ``prefix`` ignoring case, then those holding it: one pass, linear in the number of
    tags (a hostile sync log can bring tens of thousands). ``folded``: the tags casefolded, when already known."""
    key = prefix.casefold()
    starting: list[str] = []
    holding: list[str] = []
    for tag, low in zip(tags, folded if folded is not None else [tag.casefold() for tag in tags], strict=True):
        if low.startswith(key):
            starting.append(tag)
        elif key in low:
            holding.append(tag)
    return starting + holding


class TagSuggester(Suggester):
    """Completes the word being typed (after a ``-`` too) with an existing tag."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = list(tags)
        self.folded = [tag.casefold() for tag in self.tags]  # once, not at every keystroke

    async def get_suggestion(self, value: str) -> str | None:
        before, word = last_word(value)
        sign, prefix = ("-", word[1:]) if word.startswith("-") else ("", word)
        if not prefix:
            return None
        key = prefix.casefold()
        found = next((tag for tag, low in zip(self.tags, self.folded, strict=True) if low.startswith(key)), None)
        return None if found is None else before + sign + found  # taken, the word gets the tag's spelling


class TagScreen(PromptScreen):
    """The paper's tags and a line to change them; Enter applies every word as one change (one undo step)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", id="tags.complete", show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        current: Sequence[str],
        known: Sequence[str],
        apply: Callable[[str], str | None],
        heading: str | None = None,
    ):
        super().__init__(
            heading or f"Tags of “{title}”",  # heading: the prompt's whole first line (the selected papers)
            apply,
            "foo -bar adds foo, removes bar · Tab completes · Enter applies · Esc cancels",
            placeholder="tags to add, -tag to remove",
            suggester=TagSuggester(known),
        )
        self.current, self.known = list(current), list(known)
        self.folded = [tag.casefold() for tag in self.known]

    def compose_above(self) -> ComposeResult:
        line = Text("Tags  ", style="dim")
        line.append(" ".join(self.current) or "none yet", "" if self.current else "dim italic")
        yield Static(line, id="tags-current")

    def compose_below(self) -> ComposeResult:
        yield Static(self._matches(""), id="tags-known")

    def _matches(self, typed: str) -> Text:
        word = last_word(typed)[1].lstrip("-")
        found = matching(self.known, word, self.folded)
        if not self.known:
            return Text("No tags used yet.", style="dim")
        if not found:
            return Text("No tag used yet starts with that.", style="dim")
        line = Text("Used: ", style="dim")
        line.append("  ".join(found[:MAX_MATCHES]))
        if len(found) > MAX_MATCHES:
            line.append(f"  … {len(found) - MAX_MATCHES} more", "dim")
        return line

    def action_complete(self) -> None:
        """Tab: take the completion shown for the word being typed (→ does too), and start the next word."""
        line = self.query_one(Input)
        if not line.cursor_at_end:
            line.cursor_position = len(line.value)
            return
        before = line.value
        line.action_cursor_right()  # at the end of the line, Input takes its suggestion
        if line.value != before:
            line.value += " "
            line.cursor_position = len(line.value)

    @on(Input.Changed, "#prompt-input")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#tags-known", Static).update(self._matches(event.value))
