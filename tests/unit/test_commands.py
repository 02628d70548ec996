"""The command registry's binding with a palette title."""

from __future__ import annotations

from textual.binding import Binding

from tui_reader.commands import CommandBinding, Section, commands


def test_a_command_binding_keeps_its_title_also_in_the_copy_a_keymap_makes():
    binding = CommandBinding("s", "toggle_star", "Star", id="toggle-star", tooltip="Star it", title="Toggle star")
    assert (binding.key, binding.action, binding.description, binding.id) == ("s", "toggle_star", "Star", "toggle-star")
    assert binding.title == "Toggle star"
    rebound = binding.with_key("x")  # what Textual does with a user's keymap
    assert (rebound.key, rebound.action, rebound.id) == ("x", "toggle_star", "toggle-star")
    assert isinstance(rebound, CommandBinding) and rebound.title == "Toggle star"


def test_the_palette_names_a_command_by_its_title_and_a_plain_binding_by_its_description():
    section = Section(
        "Anywhere",
        [
            CommandBinding("s", "toggle_star", "Star", tooltip="t", title="Toggle star"),
            Binding("q", "quit", "Quit", tooltip="Leave"),
        ],
    )
    assert [command.title for command in commands([section])] == ["Toggle star", "Quit"]


def test_the_keys_a_keymap_leaves_to_the_app_are_those_textuals_app_takes_first():
    from textual.app import App

    from tui_reader.app import ReaderApp
    from tui_reader.commands import APP_KEYS

    first = {binding.key for binding in App.BINDINGS if isinstance(binding, Binding) and binding.priority}
    assert set(APP_KEYS) == first | {ReaderApp.COMMAND_PALETTE_BINDING} == {"ctrl+q", "ctrl+p"}
