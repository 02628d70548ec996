"""Screens shown over the reader: ``help.py`` (every key and the search syntax). Modal dialogs go here too."""

from tui_reader.screens.help import HelpScreen

__all__ = ["HelpScreen"]
