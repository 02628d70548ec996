"""One registry of what the reader can do: the bindings of the app and its widgets.

Every binding there has an ``id`` (what a user keymap rebinds), a description (the footer's and the palette's
label) and, for a command, a ``tooltip`` (what it does). The footer, the help screen and the command palette are
all made from these lists, so none of them can drift from the keys that really work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, NamedTuple

from textual.binding import Binding, BindingType

# Textual's own key names and its normalisation of "?" to "question_mark" (what App.set_keymap applies), so a
# key the keymap gives is checked, shown and matched exactly as Textual will match it
from textual.keys import REPLACED_KEYS, Keys, _normalize_key_list, key_to_character

from tui_reader.safe_text import shown_path

__all__ = ["Command", "CommandBinding", "Section", "check_keymap", "commands", "key_label", "known_key"]


class CommandBinding(Binding):
    """A binding with the name the command palette shows, where the footer's short label ("Read") would be unclear
    out of context ("Toggle read"). Textual copies bindings into plain ``Binding``s for its key map; the registry
    reads the classes' own ``BINDINGS``, so the title stays with its key, id and tooltip. (Not a dataclass of its
    own: generating one costs the start-up ~0.8 ms, and the title takes no part in comparing bindings.)"""

    title: str

    def __init__(self, *args: Any, title: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "title", title)  # a Binding is frozen

    def with_key(self, key: str, key_display: str | None = None) -> Binding:
        """The copy a keymap makes (Binding.with_key), keeping the title."""
        copy = super().with_key(key, key_display)
        object.__setattr__(copy, "title", self.title)
        return copy


class Section(NamedTuple):
    """The bindings of one place: the app ("Anywhere") or one widget class ("In the list")."""

    heading: str
    bindings: Sequence[BindingType]
    target: str = ""  # CSS selector of the widget whose action it is ("" for the app)


class Command(NamedTuple):
    section: Section
    binding: Binding
    keys: str  # Textual key names, comma-separated, after the user's keymap

    @property
    def label(self) -> str:
        """The keys as the help and the palette show them: ``s``, ``r / Space``, ``Ctrl+D``."""
        return key_label(self.keys) if self.keys else "(no key)"

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
    """Every binding of every section, in order, with the keys the user's keymap (checked by check_keymap) gives
    it. As in Textual, the keymap wins: a key it gives one binding is taken from any other of the same section."""
    keymap = keymap or {}
    found: list[Command] = []
    for section in sections:
        bindings = [binding for binding in section.bindings if isinstance(binding, Binding)]
        taken = {key for binding in bindings for key in keymap.get(binding.id or "", "").split(",") if key}
        for binding in bindings:
            if binding.id and binding.id in keymap:
                keys = keymap[binding.id]
            else:
                keys = ",".join(key for key in _keys(binding) if key not in taken)
            found.append(Command(section, binding, keys))
    return found


def check_keymap(
    sections: Sequence[Section], keymap: Mapping[str, str], source: str
) -> tuple[dict[str, str], list[str]]:
    """The entries of a user's keymap that can apply (keys normalised as Textual matches them), and one warning
    naming ``source`` and the entry for each that cannot: an unknown binding id, a key Textual does not know, a key
    the app itself takes first (APP_KEYS), or a key another entry already gave a binding of the same place (the
    first entry keeps it). An entry that takes a
    binding's default key is applied, with a warning saying which binding lost it."""
    where = {b.id: s for s in sections for b in s.bindings if isinstance(b, Binding) and b.id}
    valid: dict[str, str] = {}
    given: dict[tuple[str, str], str] = {}  # (section heading, key) -> the binding id the keymap gave it to
    warnings: list[str] = []
    for binding_id, keys in keymap.items():
        entry = f"{source}: [keymap] {shown_path(binding_id)} = {shown_path(repr(keys))}"
        section = where.get(binding_id)
        if section is None:
            warnings.append(f"{entry}: no binding has this id (the help, ?, lists them); ignored")
            continue
        normal = _normalize_key_list(keys).split(",")
        if unknown := [key for key in normal if not known_key(key)]:
            warnings.append(f"{entry}: {shown_path(unknown[0])!r} is not a key name Textual knows; ignored")
            continue
        if app_key := next((key for key in normal if key in APP_KEYS), None):
            warnings.append(f"{entry}: {key_label(app_key)} is {APP_KEYS[app_key]}, which comes first; ignored")
            continue
        if clash := next((given[section.heading, k] for k in normal if (section.heading, k) in given), None):
            warnings.append(f"{entry}: that key is already given to {clash} above; ignored")
            continue
        refused = (
            _needed_elsewhere(binding_id, normal, keymap, sections, section.heading)
            if section.heading in WITH_THE_LIST
            else None
        )
        if refused is not None:
            warnings.append(f"{entry}: {refused}; ignored")
            continue
        for key in normal:
            given[section.heading, key] = binding_id
        valid[binding_id] = ",".join(normal)
    for section in sections:
        for binding in section.bindings:
            if isinstance(binding, Binding) and binding.id and binding.id not in valid:
                for key in _keys(binding):
                    if (taker := given.get((section.heading, key))) is not None:
                        warnings.append(f"{source}: [keymap] {taker} takes {key_label(key)} from {binding.id}")
    return valid, warnings


# Keys the app takes before any screen or widget (Textual's App: ctrl+q quits, a priority binding; ctrl+p opens
# the command palette, COMMAND_PALETTE_BINDING): a binding given one would never run, and quit or help given one
# would leave the footer without it (help = "ctrl+q" quit the reader instead).
APP_KEYS = {"ctrl+q": "the app's own quit key", "ctrl+p": "the command palette's key"}
# Keys a keymap never takes from their bindings: the list's movement keys (the list, focused, would keep them
# anyway: the entry would do nothing) and the only key of quit and help (the footer always shows both).
MOVEMENT_IDS = ("list.cursor-down", "list.cursor-up", "list.first", "list.last", "list.page-down", "list.page-up")
KEPT_IDS = ("quit", "help")
WITH_THE_LIST = ("Anywhere", "In the list")  # the sections whose keys compete with those while the list has focus
# bindings of the list's own widgets: while the list has focus (nearly always) they come before the screen's, so a
# screen binding given one of their keys would never run
BEFORE_THE_SCREEN = ("In the list", "In the list and the detail pane")


def _needed_elsewhere(
    binding_id: str, keys: list[str], keymap: Mapping[str, str], sections: Sequence[Section], heading: str
) -> str | None:
    """Why ``binding_id`` (of the section ``heading``) may not have ``keys``: one of them moves the list, is the
    key quit or help would be left without, or belongs to a binding of the list's widgets that would run first;
    None when it may."""
    for section in sections:
        for binding in section.bindings:
            if not isinstance(binding, Binding) or binding.id in (None, binding_id):
                continue
            if binding.id in MOVEMENT_IDS:
                taken = [key for key in _keys(binding) if key in keys]
                if taken:
                    return f"{key_label(taken[0])} moves the list ({binding.id})"
            elif binding.id in KEPT_IDS and binding.id not in keymap:  # remapped: its own entry is checked
                kept = _keys(binding)
                if set(kept) <= set(keys):
                    return f"{binding.id} would be left without a key ({', '.join(map(key_label, kept))})"
    return _shadowed(keys, keymap, sections) if heading == "Anywhere" else None


def _shadowed(keys: list[str], keymap: Mapping[str, str], sections: Sequence[Section]) -> str | None:
    """Why a screen binding may not have ``keys``: a binding of the list's widgets has one of them (and keeps it),
    and would run first."""
    for section in sections:
        if section.heading not in BEFORE_THE_SCREEN:
            continue
        for binding in section.bindings:
            if not isinstance(binding, Binding) or binding.id is None or binding.id in keymap:
                continue  # rebound: its own entry is checked
            if taken := [key for key in _keys(binding) if key in keys]:
                where = section.heading.lower()
                return f"{key_label(taken[0])} is {binding.id}'s key {where}, which comes first there"
    return None


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@cache
def _named_keys() -> frozenset[str]:
    """Textual's key names that are words: escape, f5, pagedown… (gathered when a keymap is first checked)."""
    return frozenset(key.value for key in Keys if key.value.isidentifier())


def known_key(key: str) -> bool:
    """A key Textual can produce: a character or a key name (``f5``, ``question_mark``), after modifiers."""
    *modifiers, name = key.strip().split("+")
    if not name or not _MODIFIERS.issuperset(modifiers):
        return False
    return len(name) == 1 or name in _named_keys() or key_to_character(REPLACED_KEYS.get(name, name)) is not None


def _keys(binding: Binding) -> list[str]:
    return [key.strip() for key in binding.key.split(",")]


_KEY_LABELS = {
    "slash": "/",
    "question_mark": "?",
    "greater_than_sign": ">",
    "less_than_sign": "<",
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
