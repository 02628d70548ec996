"""The reader's screen, ``reader.py`` (its keys in ``reader_keys.py``), and the screens shown over it:
``help.py`` (every key and the search syntax), ``choice.py`` (the one-key menus of ``o`` and ``y``),
``export.py`` (the export dialog), ``prompt.py`` (yes/no questions, one-line prompts), ``note.py`` (the note
editor), ``tags.py`` (the tag prompt)."""

from tui_reader.screens.choice import Choice, ChoiceScreen
from tui_reader.screens.help import HelpScreen
from tui_reader.screens.prompt import ConfirmScreen, PromptScreen

__all__ = ["Choice", "ChoiceScreen", "ConfirmScreen", "HelpScreen", "PromptScreen"]
