"""The library: everything the user writes about papers (read/starred marks, notes, tags), kept in SQLite with
an undo history, a crash journal and a sync outbox. Committed before a call returns, safe with two instances,
never lost. No Textual, and nothing of sources, search or export.

- ``model.py``: the values (``Mark``, ``Change``, ``MarkFlags``); cheap to import, no SQLite.
- ``rules.py``: what may be stored (paper ids, times, note and tag rules: ``clean_note``, ``clean_tags``).
- ``schema.py``: the marks file's tables, their migrations, rows to marks and back.
- ``sqlite.py``: opening the file (writable, reading only, recovering a damaged one), transactions, lock waits.
- ``history.py``: applying the user's changes as steps of the undo history; undo and redo.
- ``journal.py``: the journal of changes a reader accepted but the file has not taken yet.
- ``outbox.py``: what sync needs from the file: the outbox, the origins of merged fields, the merge of
  ``Remote`` changes (another device's).
- ``records.py``: marks as the JSON records of ``marks export`` / ``marks import``.
- ``store.py``: ``MarkStore``, the facade the app, the CLI and the saver use.
- ``seen.py``: ``SeenStore``, a file of its own (``seen.db``, never synced): when this machine first saw each
  paper, and where reader sessions ended (what is new).

``from tui_reader.library import MarkStore`` loads the store; the names are loaded on first use, so
``from tui_reader.library.model import Mark`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui_reader.library.history import HistoryEntry, Undone
    from tui_reader.library.journal import UNSAVED_DIR, Journal
    from tui_reader.library.model import FIELDS, NO_MARK, Change, Mark, MarkFlags, Value
    from tui_reader.library.outbox import Remote
    from tui_reader.library.rules import MAX_NOTE_CHARS, check_id, clean_note, clean_tag, clean_tags
    from tui_reader.library.schema import DB_NAME, SCHEMA_VERSION, migrate
    from tui_reader.library.sqlite import WRITE_PATIENCE_S, StoreBusy
    from tui_reader.library.store import MarkStore, default_data_dir

__all__ = [
    "DB_NAME",
    "FIELDS",
    "MAX_NOTE_CHARS",
    "NO_MARK",
    "SCHEMA_VERSION",
    "UNSAVED_DIR",
    "WRITE_PATIENCE_S",
    "Change",
    "HistoryEntry",
    "Journal",
    "Mark",
    "MarkFlags",
    "MarkStore",
    "Remote",
    "StoreBusy",
    "Undone",
    "Value",
    "check_id",
    "clean_note",
    "clean_tag",
    "clean_tags",
    "default_data_dir",
    "migrate",
]

_HOME = {  # name -> the module of this package defining it
    **dict.fromkeys(("HistoryEntry", "Undone"), "history"),
    **dict.fromkeys(("UNSAVED_DIR", "Journal"), "journal"),
    **dict.fromkeys(("FIELDS", "NO_MARK", "Change", "Mark", "MarkFlags", "Value"), "model"),
    "Remote": "outbox",
    **dict.fromkeys(("MAX_NOTE_CHARS", "check_id", "clean_note", "clean_tag", "clean_tags"), "rules"),
    **dict.fromkeys(("DB_NAME", "SCHEMA_VERSION", "migrate"), "schema"),
    **dict.fromkeys(("WRITE_PATIENCE_S", "StoreBusy"), "sqlite"),
    **dict.fromkeys(("MarkStore", "default_data_dir"), "store"),
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
