"""The user's configuration file, ``config.toml`` in the user config directory (``$XDG_CONFIG_HOME/tui-reader``,
``~/.config/tui-reader`` on Linux), and the corpus read when no PATH is given.

    corpus = ["~/papers/dumps", "~/arxiv/arxiv-metadata.jsonl"]
    sync_dir = "~/Sync/tui-reader"

``corpus`` lists files and folders (``~`` is the home directory; a relative path is relative to the config file's
folder). ``sync_dir`` is the folder shared with other machines (tui_reader/sync.py); a folder that does not exist
(yet: an unmounted share) is said when syncing, not here. With no PATH arguments the reader, ``list`` and
``mark`` read the configured corpus, or the bundled dumps when there is none, plus every listing
``tui-reader fetch`` stored (``DATA_DIR/listings``).

A bad file never stops anything: a TOML syntax error, a wrong type or an unreadable file is one warning naming
the file and the problem, and the defaults are used; a configured path that does not exist is one warning and is
left out (the rest of the corpus is read). No Textual here: the command line uses it too.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tui_reader.safe_text import shown_path

__all__ = ["Config", "config_file", "default_corpus", "listings_dir", "load_config"]

MAX_CONFIG_BYTES = 1 << 20  # a config file is a few lines; a bigger one is refused, not read


def config_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("tui-reader", appauthor=False)) / "config.toml"


KNOWN = ("corpus", "sync_dir")


@dataclass(frozen=True)
class Config:
    corpus: tuple[Path, ...] | None = None  # None: not configured (the bundled dumps)
    warnings: tuple[str, ...] = ()
    sync_dir: Path | None = None  # None: no sync


def load_config(path: Path | None = None) -> Config:
    """The configuration in ``path`` (default: config_file()); a missing file is the defaults, silently."""
    path = config_file() if path is None else path
    name = shown_path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return Config()
    except (OSError, ValueError) as exc:
        return _bad(f"{name}: cannot read ({getattr(exc, 'strerror', None) or exc}); using the defaults")
    if len(data) > MAX_CONFIG_BYTES:
        return _bad(f"{name}: larger than {MAX_CONFIG_BYTES >> 20} MB, not a config file; using the defaults")
    try:
        values = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return _bad(f"{name}: not UTF-8 text (at byte {exc.start + 1}); using the defaults")
    except tomllib.TOMLDecodeError as exc:
        return _bad(f"{name}: invalid TOML ({shown_path(str(exc))}); using the defaults")
    warnings = [
        f"{name}: unknown setting {shown_path(key)!r} ignored (known: {', '.join(KNOWN)})"
        for key in values
        if key not in KNOWN
    ]
    sync_dir = None
    if "sync_dir" in values:
        if isinstance(values["sync_dir"], str) and values["sync_dir"].strip():
            sync_dir = _full_path(values["sync_dir"], path)
        else:
            warnings.append(f"{name}: 'sync_dir' must be a folder's path (a string); sync is off")
    config = _corpus(values, path, name, warnings)
    return Config(config.corpus, tuple(warnings), sync_dir)


def _full_path(entry: str, config: Path) -> Path:
    """``~`` expanded; relative to the config file's folder."""
    full = Path(os.path.expanduser(entry))
    return full if full.is_absolute() else config.parent / full


def _corpus(values: dict[str, object], path: Path, name: str, warnings: list[str]) -> Config:
    """The ``corpus`` setting (its problems appended to ``warnings``)."""
    if "corpus" not in values:
        return Config(None, tuple(warnings))
    corpus = values["corpus"]
    if isinstance(corpus, str):
        corpus = [corpus]  # one path, written without the brackets
    if not isinstance(corpus, list) or not all(isinstance(entry, str) for entry in corpus):
        shown = type(corpus).__name__ if not isinstance(corpus, list) else "a list holding something else"
        warnings.append(f"{name}: 'corpus' must be a list of paths (strings), not {shown}; using the defaults")
        return Config(None, tuple(warnings))
    paths: list[Path] = []
    for entry in corpus:
        full = _full_path(entry, path)
        if full.exists():
            paths.append(full)
        else:
            warnings.append(f"{name}: corpus path {shown_path(entry)} does not exist; left out")
    if corpus and not paths:
        warnings.append(f"{name}: no corpus path exists; using the bundled dumps")
        return Config(None, tuple(warnings))
    return Config(tuple(paths), tuple(warnings))


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
