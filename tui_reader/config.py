"""The user's configuration file, ``config.toml`` in the user config directory (``$XDG_CONFIG_HOME/tui-reader``,
``~/.config/tui-reader`` on Linux), and the corpus read when no PATH is given.

    corpus = ["~/papers/dumps", "~/arxiv/arxiv-metadata.jsonl"]
    theme = "nord"            # written back when a theme is chosen in the command palette
    view = "unread"           # all | unread | starred: the view the reader starts in
    sort = "newest"           # newest | oldest | upvotes | title | relevance
    start = "first-unread"    # first-unread | top: where the cursor starts
    sync_dir = "~/Sync/tui-reader"  # a folder a file-sync tool shares between machines (tui-reader sync)

    [keymap]                  # binding id = keys (the ids are in the help screen, `?`)
    toggle-star = "x"

``corpus`` lists files and folders (``~`` is the home directory; a relative path is relative to the config file's
folder). With no PATH arguments the reader, ``list`` and ``mark`` read the configured corpus, or the bundled dumps
when there is none, plus every listing ``tui-reader fetch`` stored (``DATA_DIR/listings``).

A bad file never stops anything: a TOML syntax error, a wrong type or an unreadable file is one warning naming
the file and the problem, and the defaults are used; a configured path that does not exist is one warning and is
left out (the rest of the corpus is read); a bad value of any other setting is one warning and its default.
No Textual here: the command line uses it too.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_reader.files import replace_file
from tui_reader.safe_text import shown_path

__all__ = ["Config", "config_file", "default_corpus", "listings_dir", "load_config", "save_theme"]

MAX_CONFIG_BYTES = 1 << 20  # a config file is a few lines; a bigger one is refused, not read


def config_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("tui-reader", appauthor=False)) / "config.toml"


VIEWS = ("all", "unread", "starred")
SORTS = ("newest", "oldest", "upvotes", "title", "relevance")
STARTS = ("first-unread", "top")
KNOWN = ("corpus", "theme", "view", "sort", "start", "keymap", "sync_dir")


@dataclass(frozen=True)
class Config:
    corpus: tuple[Path, ...] | None = None  # None: not configured (the bundled dumps)
    warnings: tuple[str, ...] = ()
    theme: str | None = None  # a Textual theme name (the app checks it exists); None: Textual's default
    view: str = "all"  # the view the reader starts in: one of VIEWS
    sort: str | None = None  # the order the reader starts in: one of SORTS; None: corpus order
    start: str = "first-unread"  # where the cursor starts: one of STARTS
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys; the app checks ids and keys
    sync_dir: Path | None = None  # the folder marks, notes and tags are synced through (tui_reader.sync); None: off


def load_config(path: Path | None = None) -> Config:
    """The configuration in ``path`` (default: config_file()); a missing file is the defaults, silently."""
    path = config_file() if path is None else path
    name = shown_path(path)
    values, problem = _read(path)
    if problem:
        return _bad(f"{problem}; using the defaults")
    if values is None:
        return Config()
    warnings = [
        f"{name}: unknown setting {shown_path(key)!r} ignored (known: {', '.join(KNOWN)})"
        for key in values
        if key not in KNOWN
    ]
    corpus = _corpus(values, path, warnings)
    theme = values.get("theme")
    if theme is not None and not isinstance(theme, str):
        warnings.append(f"{name}: 'theme' must be a string (a theme name), not {type(theme).__name__}; ignored")
        theme = None
    view = _choice(values, "view", VIEWS, name, warnings) or "all"
    sort = _choice(values, "sort", SORTS, name, warnings)
    start = _choice(values, "start", STARTS, name, warnings) or "first-unread"
    keymap = _keymap(values, name, warnings)
    sync_dir = None
    if "sync_dir" in values:
        if isinstance(values["sync_dir"], str) and values["sync_dir"].strip():
            sync_dir = _full_path(values["sync_dir"], path)
        else:
            warnings.append(f"{name}: 'sync_dir' must be a folder's path (a string); sync is off")
    return Config(corpus, tuple(warnings), theme, view, sort, start, keymap, sync_dir)


def _full_path(entry: str, config: Path) -> Path:
    """``~`` expanded; relative to the config file's folder."""
    full = Path(os.path.expanduser(entry))
    return full if full.is_absolute() else config.parent / full


def _read(path: Path) -> tuple[dict[str, Any] | None, str]:
    """The file's settings, or (None, "") when there is no file, or (None, the problem in one line)."""
    name = shown_path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return None, ""
    except (OSError, ValueError) as exc:
        return None, f"{name}: cannot read ({getattr(exc, 'strerror', None) or exc})"
    if len(data) > MAX_CONFIG_BYTES:
        return None, f"{name}: larger than {MAX_CONFIG_BYTES >> 20} MB, not a config file"
    try:
        return tomllib.loads(data.decode("utf-8")), ""
    except UnicodeDecodeError as exc:
        return None, f"{name}: not UTF-8 text (at byte {exc.start + 1})"
    except tomllib.TOMLDecodeError as exc:
        return None, f"{name}: invalid TOML ({shown_path(str(exc))})"


def _corpus(values: dict[str, Any], path: Path, warnings: list[str]) -> tuple[Path, ...] | None:
    name = shown_path(path)
    if "corpus" not in values:
        return None
    corpus = values["corpus"]
    if isinstance(corpus, str):
        corpus = [corpus]  # one path, written without the brackets
    if not isinstance(corpus, list) or not all(isinstance(entry, str) for entry in corpus):
        shown = type(corpus).__name__ if not isinstance(corpus, list) else "a list holding something else"
        warnings.append(f"{name}: 'corpus' must be a list of paths (strings), not {shown}; using the defaults")
        return None
    paths: list[Path] = []
    for entry in corpus:
        full = _full_path(entry, path)
        if full.exists():
            paths.append(full)
        else:
            warnings.append(f"{name}: corpus path {shown_path(entry)} does not exist; left out")
    if corpus and not paths:
        warnings.append(f"{name}: no corpus path exists; using the bundled dumps")
        return None
    return tuple(paths)


def _choice(values: dict[str, Any], key: str, choices: tuple[str, ...], name: str, warnings: list[str]) -> str | None:
    """A setting that is one of a few words; anything else is one warning and the default (None)."""
    value = values.get(key)
    if value is None or value in choices:
        return value if isinstance(value, str) else None
    shown = shown_path(repr(value)) if isinstance(value, str) else type(value).__name__
    warnings.append(f"{name}: '{key}' must be one of {', '.join(choices)}, not {shown}; using the default")
    return None


def _keymap(values: dict[str, Any], name: str, warnings: list[str]) -> dict[str, str]:
    """``[keymap]``: binding id -> keys ("ctrl+s" or "x,ctrl+s"). Entries that are not strings are dropped, one
    warning each; whether the id and the keys exist is the app's to say (it knows the bindings)."""
    keymap = values.get("keymap", {})
    if not isinstance(keymap, dict):
        warnings.append(f"{name}: 'keymap' must be a table ([keymap]), not {type(keymap).__name__}; ignored")
        return {}
    found: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if isinstance(keys, str) and keys.strip():
            found[binding_id] = keys
        else:
            shown = shown_path(repr(keys)) if isinstance(keys, str) else type(keys).__name__
            warnings.append(
                f'{name}: [keymap] {shown_path(binding_id)}: keys must be a string like "ctrl+s", not {shown}; ignored'
            )
    return found


def save_theme(theme: str, path: Path | None = None) -> str:
    """Write ``theme = "…"`` into the config file, keeping every comment and other setting (tomlkit edits the
    document in place); atomically. Returns "" when saved (or already there), else the problem in one line: a
    file the user broke is never overwritten."""
    import tomlkit  # only when the theme changes: the reader's start never loads it

    path = config_file() if path is None else path
    name = shown_path(path)
    values, problem = _read(path)
    if problem:
        return f"{problem}; the theme was not saved"
    if values is not None and values.get("theme") == theme:
        return ""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if values is not None else tomlkit.document()
        document["theme"] = theme
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, tomlkit.dumps(document).encode("utf-8"))
    except (OSError, tomlkit.exceptions.TOMLKitError) as exc:
        return f"{name}: the theme was not saved ({getattr(exc, 'strerror', None) or exc})"
    return ""


def listings_dir(data_dir: Path) -> Path:
    """Where ``tui-reader fetch`` stores the listings (one ``YYYY-MM-DD.json`` a day)."""
    return data_dir / "listings"


def _bad(message: str) -> Config:
    return Config(None, (message,))


def default_corpus(data_dir: Path, config: Config) -> list[Path]:
    """What is read when no PATH is given: the configured corpus (or the bundled dumps), then the listings
    ``tui-reader fetch`` stored in ``data_dir``."""
    from tui_reader.corpus import bundled_seeds

    paths = list(config.corpus) if config.corpus is not None else [bundled_seeds()]
    listings = listings_dir(data_dir)
    if listings.is_dir() and listings not in paths:
        paths.append(listings)
    return paths
