"""The reader's screen, ``reader.py`` (its keys in ``reader_keys.py``), and the screens shown over it:
``help.py`` (every key and the search syntax), ``choice.py`` (the one-key menus of ``o`` and ``y``),
``export.py`` (the export dialog), ``prompt.py`` (yes/no questions, one-line prompts), ``note.py`` (the note
editor), ``tags.py`` (the tag prompt). Each is imported from its module, when it is first shown: the first frame
loads only the reader's screen and the help (whose keys the keymap reads)."""

from pathlib import Path

DIALOG_CSS = Path(__file__).with_name("dialogs.tcss")  # every dialog's CSS_PATH: read when the first is shown
