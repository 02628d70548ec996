"""One registry of what the reader can do: the bindings of the app and its widgets.

Every binding there has an ``id`` (what a user keymap rebinds), a description (the footer's and the palette's
label) and, for a command, a ``tooltip`` (what it does). The footer, the help screen and the command palette are
all made from these lists, so none of them can drift from the keys that really work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from textual.binding import Binding, BindingType

__all__ = ["Command", "CommandBinding", "Section", "commands", "key_label"]


@dataclass(frozen=True)
class CommandBinding(Binding):
    """A binding with the name the command palette shows, where the footer's short label ("Read") would be unclear
    out of context ("Toggle read"). Textual copies bindings into plain ``Binding``s for its key map; the registry
    reads the classes' own ``BINDINGS``, so the title stays with its key, id and tooltip."""

    title: str = ""


@dataclass(frozen=True)
class Section:
    """The bindings of one place: the app ("Anywhere") or one widget class ("In the list")."""

    heading: str
    bindings: Sequence[BindingType]
    target: str = ""  # CSS selector of the widget whose action it is ("" for the app)


@dataclass(frozen=True)
class Command:
    section: Section
    binding: Binding
    keys: str  # Textual key names, comma-separated, after the user's keymap

    @property
    def label(self) -> str:
        """The keys as the help and the palette show them: ``s``, ``r / Space``, ``Ctrl+D``."""
        return key_label(self.keys)

    @property
    def title(self) -> str:
        """The palette's name of the command."""
        if isinstance(self.binding, CommandBinding) and self.binding.title:
            return self.binding.title
        return self.binding.description

    @property
    def explanation(self) -> str:
        return self.binding.tooltip or self.binding.description

    @property
    def is_command(self) -> bool:
        """Bindings with a tooltip are commands (listed in the palette); the rest move around (help only)."""
        return bool(self.binding.tooltip)


def commands(sections: Iterable[Section], keymap: Mapping[str, str] | None = None) -> list[Command]:
    """Every binding of every section, in order, with the keys the user's keymap gives it."""
    keymap = keymap or {}
    found: list[Command] = []
    for section in sections:
        for binding in section.bindings:
            if not isinstance(binding, Binding):
                continue
            keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
            found.append(Command(section, binding, keys))
    return found


_KEY_LABELS = {
    "slash": "/",
    "question_mark": "?",
    "space": "Space",
    "escape": "Esc",
    "enter": "Enter",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "home": "Home",
    "end": "End",
    "tab": "Tab",
}


def key_label(keys: str) -> str:
    return " / ".join(_one_key(key.strip()) for key in keys.split(","))


def _one_key(key: str) -> str:
    if key in _KEY_LABELS:
        return _KEY_LABELS[key]
    if len(key) == 1:
        return key
    *modifiers, name = key.split("+")
    shown = _KEY_LABELS.get(name, name if len(name) == 1 else name.title())
    return "+".join([*(m.title() for m in modifiers), shown.upper() if len(shown) == 1 and modifiers else shown])
