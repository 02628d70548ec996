"""Screens shown over the reader: ``help.py`` (every key and the search syntax), ``choice.py`` (the one-key menus
of ``o`` and ``y``), ``export.py`` (the export dialog)."""

from tui_reader.screens.choice import Choice, ChoiceScreen, cut
from tui_reader.screens.help import HelpScreen

__all__ = ["Choice", "ChoiceScreen", "HelpScreen", "cut"]
