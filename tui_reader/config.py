"""The user's configuration file, ``config.toml`` in the user config directory (``$XDG_CONFIG_HOME/tui-reader``,
``~/.config/tui-reader`` on Linux), and the corpus read when no PATH is given.

    corpus = ["~/papers/dumps", "~/arxiv/arxiv-metadata.jsonl"]
    theme = "nord"            # written back when a theme is chosen in the command palette
    view = "unread"           # all | unread | starred | new | watched: the view the reader starts in
    sort = "newest"           # newest | oldest | upvotes | title | relevance; written back when S picks one
    start = "first-unread"    # first-unread | top: where the cursor starts
    detail_size = 50          # percent of the panes the detail takes (20-80): written back when resized (< >)
    sync_dir = "~/Sync/tui-reader"  # a folder a file-sync tool shares between machines (tui-reader sync)
    demo = true               # read the bundled demo papers even after listings were fetched
    arxiv = ["cs.CL", "cs.LG"]  # arXiv categories whose day's announcements `fetch` and F fetch too
    watch = ["author:Dunson", "spectral", "cat:cs.CL has:code"]  # queries whose papers are marked watched
    refresh = "2h"            # fetch on its own when the last fetch is older than this (at least 15m)

    [keymap]                  # binding id = keys (the ids are in the help screen, `?`)
    toggle-star = "x"

``corpus`` lists files and folders (``~`` is the home directory; a relative path is relative to the config file's
folder). With no PATH arguments the reader, ``list`` and ``mark`` read the configured corpus, plus every listing
``tui-reader fetch`` stored (``DATA_DIR/listings``). The bundled dumps (211 demo papers) are read while no corpus
is configured and no listing with papers has been fetched, or always with ``demo = true`` (``--demo``); never
with ``demo = false``.

A bad file never stops anything: a TOML syntax error, a wrong type or an unreadable file is one warning naming
the file and the problem, and the defaults are used; a configured path that does not exist is one warning and is
left out (the rest of the corpus is read); a bad value of any other setting is one warning and its default.
No Textual here: the command line uses it too.

Each setting is one field of ``Config`` made with ``setting()``: its default, how its TOML value is read, what it
must be and what a bad value costs (both said in the warning), its choices and its help. ``load_config`` reads
every field the same way; adding a setting is one field (and its line in the example above).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple

from tui_reader.files import replace_file
from tui_reader.panes import MAX_SHARE, MIN_SHARE
from tui_reader.safe_text import shown_path
from tui_reader.sorting import Sort
from tui_reader.views import View

__all__ = [
    "Config",
    "Setting",
    "append_setting",
    "config_file",
    "default_corpus",
    "demo_hidden_notice",
    "has_fetched_papers",
    "listings_dir",
    "load_config",
    "save_setting",
    "settings",
    "shows_demo",
]

MAX_CONFIG_BYTES = 1 << 20  # a config file is a few lines; a bigger one is refused, not read


def config_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("tui-reader", appauthor=False)) / "config.toml"


# ---------------------------------------------------------------------------------------------------------
# How a setting is declared and read


class Invalid(Exception):
    """A value a setting refuses. ``given``: what the warning says was given (``'read'``, ``int``), or None to
    say only what the setting must be."""

    def __init__(self, given: str | None = None) -> None:
        super().__init__(given)
        self.given = given


class _File(NamedTuple):
    """The config file being read: where it is (relative paths start there) and the warnings so far."""

    path: Path
    warnings: list[str]

    @property
    def name(self) -> str:
        return shown_path(self.path)

    def warn(self, problem: str) -> None:
        self.warnings.append(f"{self.name}: {problem}")


Read = Callable[[Any, _File], Any]  # a TOML value -> the setting's value; raises Invalid (may warn about parts)


class Setting(NamedTuple):
    """One setting of config.toml. A bad value is one warning, ``'<name>' must be <expects>, not <given>;
    <otherwise>``, and the setting keeps its default."""

    name: str
    read: Read
    expects: str  # what the value must be: "a string (a theme name)", "one of all, unread, starred"
    otherwise: str  # what a bad value costs: "using the default", "ignored", "sync is off"
    help: str  # one line: what the setting does, and what leaving it out means
    choices: tuple[str, ...] = ()  # the words it may be, when it is one of a few

    def value(self, raw: Any, file: _File) -> Any:
        """The one validator: the setting's value from its TOML value; on a bad one, the warning and MISSING."""
        try:
            return self.read(raw, file)
        except Invalid as bad:
            given = f", not {bad.given}" if bad.given is not None else ""
            file.warn(f"'{self.name}' must be {self.expects}{given}; {self.otherwise}")
            return MISSING


def setting(
    default: Any = None,
    read: Read | None = None,
    *,
    choices: Iterable[str] = (),
    expects: str = "",
    otherwise: str = "using the default",
    help: str,
    default_factory: Callable[[], Any] | None = None,
) -> Any:
    """A field of ``Config`` that is a setting: give ``choices`` (one of a few words) or ``read`` and ``expects``."""
    choices = tuple(choices)
    if choices:
        read, expects = _one_of(choices), f"one of {', '.join(choices)}"
    if read is None or not expects:
        raise TypeError("a setting needs choices, or read and expects")
    spec = {"setting": Setting("", read, expects, otherwise, help, choices)}  # named by its field
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=spec)
    return field(default=default, metadata=spec)


def _given(value: object) -> str:
    """A bad value in a warning: a string as written (cleaned), anything else by its TOML type."""
    return shown_path(repr(value)) if isinstance(value, str) else type(value).__name__


def _values_of(enum: type[Enum], last: Enum | None = None) -> tuple[str, ...]:
    """An enum's values, the words a setting may be; ``last`` named after the others."""
    return tuple(str(member.value) for member in (*(m for m in enum if m is not last), *([last] if last else [])))


def _one_of(choices: tuple[str, ...]) -> Read:
    def read(value: Any, file: _File) -> str:
        if isinstance(value, str) and value in choices:
            return value
        raise Invalid(_given(value))

    return read


def _text(value: Any, file: _File) -> str:
    if not isinstance(value, str):
        raise Invalid(type(value).__name__)
    return value


def _full_path(entry: str, config: Path) -> Path:
    """``~`` expanded; relative to the config file's folder."""
    full = Path(os.path.expanduser(entry))
    return full if full.is_absolute() else config.parent / full


def _folder(value: Any, file: _File) -> Path:
    if not (isinstance(value, str) and value.strip()):
        raise Invalid()
    return _full_path(value, file.path)


def _corpus(value: Any, file: _File) -> tuple[Path, ...] | None:
    """The paths that exist (one warning for each that does not); None when none does, and for ``[]`` (no files of
    the user's own: as when the setting is not there)."""
    corpus = [value] if isinstance(value, str) else value  # one path, written without the brackets
    if not isinstance(corpus, list) or not all(isinstance(entry, str) for entry in corpus):
        raise Invalid(type(corpus).__name__ if not isinstance(corpus, list) else "a list holding something else")
    if not corpus:
        return None
    paths: list[Path] = []
    for entry in corpus:
        full = _full_path(entry, file.path)
        try:
            full.stat()
            paths.append(full)
        except (FileNotFoundError, NotADirectoryError):
            file.warn(f"corpus path {shown_path(entry)} does not exist; left out")
        except OSError as exc:  # a name too long, a loop of links, no permission to look
            file.warn(f"corpus path {shown_path(entry)} cannot be read ({exc.strerror or exc}); left out")
    if corpus and not paths:
        file.warn("no corpus path exists; using the bundled dumps")
        return None
    return tuple(paths)


def _flag(value: Any, file: _File) -> bool:
    if not isinstance(value, bool):
        raise Invalid(_given(value))
    return value


def _categories(value: Any, file: _File) -> tuple[str, ...]:
    """arXiv categories (``"cs.CL"``, one written without brackets too); each that is not written as one is a
    warning of its own and left out."""
    from tui_reader.arxiv_ids import is_category

    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list):
        raise Invalid(type(names).__name__)
    found: list[str] = []
    for name in names:
        if isinstance(name, str) and is_category(name.strip()):
            found.append(name.strip())
        else:
            file.warn(f"'arxiv': {_given(name)} is not an arXiv category like \"cs.CL\"; left out")
    return tuple(dict.fromkeys(found))


def _share(value: Any, file: _File) -> int:
    """A percentage of the panes, a whole number within the limits ``tui_reader.panes`` keeps."""
    if isinstance(value, bool) or not isinstance(value, int):  # TOML's true is no number, though Python's is
        raise Invalid(_given(value))
    if not MIN_SHARE <= value <= MAX_SHARE:
        raise Invalid(str(value))
    return value


def _keymap(value: Any, file: _File) -> dict[str, str]:
    """``[keymap]``: binding id -> keys ("ctrl+s" or "x,ctrl+s"). Entries that are not strings are dropped, one
    warning each; whether the id and the keys exist is the app's to say (it knows the bindings)."""
    if not isinstance(value, dict):
        raise Invalid(type(value).__name__)
    found: dict[str, str] = {}
    for binding_id, keys in value.items():
        if isinstance(keys, str) and keys.strip():
            found[binding_id] = keys
        else:
            file.warn(
                f'[keymap] {shown_path(binding_id)}: keys must be a string like "ctrl+s", not {_given(keys)}; ignored'
            )
    return found


def _watch(value: Any, file: _File) -> tuple[str, ...]:
    """``watch``: search queries, kept as written (blank ones dropped). An entry that is not a string is one
    warning naming it; whether an entry is a query the search box takes is ``tui_reader.watch``'s to say (its
    parser loads numpy, which no first frame waits for)."""
    entries = [value] if isinstance(value, str) else value
    if not isinstance(entries, list):
        raise Invalid(type(value).__name__)
    kept: list[str] = []
    for entry in entries:
        if isinstance(entry, str) and entry.strip():
            kept.append(entry.strip())
        else:
            file.warn(f"watch entry {_given(entry)} is not a query (a string); left out")
    return tuple(dict.fromkeys(kept))


def _refresh(value: Any, file: _File) -> float:
    """``refresh``: "2h", "90m", "1d" as seconds, at least 15 minutes."""
    from tui_reader.refresh import parse_interval

    seconds = parse_interval(value) if isinstance(value, str) else None
    if seconds is None:
        raise Invalid(_given(value))
    return seconds


# ---------------------------------------------------------------------------------------------------------
# The settings


@dataclass(frozen=True)
class Config:
    """The settings, in the order the warnings name them, and the warnings reading the file gave."""

    corpus: tuple[Path, ...] | None = setting(
        None,
        _corpus,
        expects="a list of paths (strings)",
        otherwise="using the defaults",
        help="the files and folders read when no PATH is given; None: the bundled dumps",
    )
    warnings: tuple[str, ...] = ()
    theme: str | None = setting(
        None,
        _text,
        expects="a string (a theme name)",
        otherwise="ignored",
        help="a Textual theme name (the app checks it exists); None: Textual's default",
    )
    view: str = setting("all", choices=_values_of(View), help="the view the reader starts in")
    sort: str | None = setting(
        None,
        # relevance is the listing order without a query, as when no sort is set: named last
        choices=_values_of(Sort, last=Sort.RELEVANCE),
        help="the order the reader starts in; None: corpus order",
    )
    start: str = setting("first-unread", choices=("first-unread", "top"), help="where the cursor starts")
    keymap: dict[str, str] = setting(
        read=_keymap,
        default_factory=dict,
        expects="a table ([keymap])",
        otherwise="ignored",
        help="binding id -> keys; the app checks ids and keys",
    )
    detail_size: int | None = setting(
        None,
        _share,
        expects="a whole number from 20 to 80 (percent)",
        help="the detail pane's share of the panes, its width beside the list and its height under it, in percent"
        " (written back when resized with < and >); None: 40 beside, 50 under",
    )
    sync_dir: Path | None = setting(
        None,
        _folder,
        expects="a folder's path (a string)",
        otherwise="sync is off",
        help="the folder marks, notes and tags are synced through (tui_reader.sync); None: off",
    )
    demo: bool | None = setting(
        None,
        _flag,
        expects="true or false",
        help="read the bundled demo papers: true always, false never; None: until listings are fetched",
    )
    arxiv: tuple[str, ...] = setting(
        (),
        _categories,
        expects='a list of arXiv categories (strings like "cs.CL")',
        otherwise="no arXiv feed is fetched",
        help="arXiv categories whose day's announcements a plain fetch and the reader's F fetch too; (): none",
    )
    watch: tuple[str, ...] = setting(
        (),
        _watch,
        expects="a list of search queries (strings)",
        otherwise="nothing is watched",
        help="search queries whose papers are watched (marked, the watched view, digest --watched)",
    )
    refresh: float | None = setting(
        None,
        _refresh,
        expects='a duration of at least 15 minutes ("2h", "30m", "1d")',
        otherwise="fetching on its own is off",
        help="seconds between fetches the reader makes on its own; None: off",
    )


SETTINGS: dict[str, Setting] = {
    spec.name: spec.metadata["setting"]._replace(name=spec.name)
    for spec in fields(Config)
    if "setting" in spec.metadata
}
KNOWN = tuple(SETTINGS)


def settings() -> list[Setting]:
    """Every setting, in the order of the file's example."""
    return list(SETTINGS.values())


# ---------------------------------------------------------------------------------------------------------
# Reading and writing the file


UNKNOWN_NAMED = 3  # unknown settings named in their one warning (the rest are counted)


def load_config(path: Path | None = None) -> Config:
    """The configuration in ``path`` (default: config_file()); a missing file is the defaults, silently. Whatever
    goes wrong reading it (a TOML nested deeper than the parser's stack, memory, ...) is one warning and the
    defaults: a command never stops on its config file."""
    path = config_file() if path is None else path
    try:
        return _load(path)
    except Exception as exc:  # RecursionError, MemoryError and whatever else a hostile file may cause
        return _bad(f"{shown_path(path)}: cannot be read ({type(exc).__name__}); using the defaults")


def _load(path: Path) -> Config:
    values, problem = _read(path)
    if problem:
        return _bad(f"{problem}; using the defaults")
    if values is None:
        return Config()
    file = _File(path, [])
    _unknown([key for key in values if key not in SETTINGS], file)
    found = {}
    for name, spec in SETTINGS.items():
        if name in values and (value := spec.value(values[name], file)) is not MISSING:
            found[name] = value
    return Config(warnings=tuple(file.warnings), **found)


def _unknown(keys: list[str], file: _File) -> None:
    """One warning for the unknown settings, however many: the first few named, the rest counted."""
    if not keys:
        return
    known = f"(known: {', '.join(KNOWN)})"
    if len(keys) == 1:
        file.warn(f"unknown setting {shown_path(keys[0])!r} ignored {known}")
        return
    named = ", ".join(repr(shown_path(key[:40])) for key in keys[:UNKNOWN_NAMED])
    more = f" and {len(keys) - UNKNOWN_NAMED:,} more" if len(keys) > UNKNOWN_NAMED else ""
    file.warn(f"{len(keys):,} unknown settings ignored: {named}{more} {known}")


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
    import tomllib  # only when there is a file to read (most launches have none): ~2 ms before the first frame

    try:
        return tomllib.loads(data.decode("utf-8")), ""
    except UnicodeDecodeError as exc:
        return None, f"{name}: not UTF-8 text (at byte {exc.start + 1})"
    except tomllib.TOMLDecodeError as exc:
        return None, f"{name}: invalid TOML ({shown_path(str(exc))})"


def save_setting(name: str, value: str | int | bool, path: Path | None = None) -> str:
    """Write ``name = value`` (a setting the user chose in the reader: the theme, the sort, the pane's width)
    into the config file, keeping every comment and other setting (tomlkit edits the document in place);
    atomically. Returns "" when saved (or already there), else the problem in one line: a file the user broke
    is never overwritten."""
    return _edit_setting(name, lambda _old: value, path)


def append_setting(name: str, entry: str, path: Path | None = None) -> str:
    """Add ``entry`` to the list setting ``name`` (the watch list) in the config file, after the entries it has
    (comments kept; a single string there becomes the list's first entry); nothing when it is there already.
    Atomically; returns "" when saved, else the problem in one line, as ``save_setting``."""
    import tomlkit

    # 'author:"Ann Lee"' reads better than "author:\"Ann Lee\"": a literal string when it can be one
    item = tomlkit.string(entry, literal="'" not in entry and entry.isprintable())

    def extended(old: Any) -> Any:
        if isinstance(old, list):
            if entry not in old:
                old.append(item)
            return old
        return [old, item] if isinstance(old, str) and old != entry else [item]

    return _edit_setting(name, extended, path)


_saving = threading.Lock()  # two settings saved at once (theme, then sort) would each write the file without the other


def _edit_setting(name: str, edit: Callable[[Any], Any], path: Path | None) -> str:
    """Write one setting as ``edit(the value there now, or None)`` makes it; nothing when the file holds that
    already. One writer at a time."""
    import tomlkit  # only when a setting changes: the reader's start never loads it

    path = config_file() if path is None else path
    with _saving:
        values, problem = _read(path)
        if problem:
            return f"{problem}; the {name} was not saved"
        try:
            document = tomlkit.parse(path.read_text(encoding="utf-8")) if values is not None else tomlkit.document()
            new = edit(document.get(name))
            if values is not None and name in values and _unwrapped(new) == values[name]:
                return ""
            document[name] = new
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, tomlkit.dumps(document).encode("utf-8"))
        except (OSError, tomlkit.exceptions.TOMLKitError) as exc:
            return f"{shown_path(path)}: the {name} was not saved ({getattr(exc, 'strerror', None) or exc})"
    return ""


def _unwrapped(value: Any) -> Any:
    """A tomlkit item as plain Python (what tomllib reads), a plain value as it is."""
    return value.unwrap() if hasattr(value, "unwrap") else value


def listings_dir(data_dir: Path) -> Path:
    """Where ``tui-reader fetch`` stores the listings (one ``YYYY-MM-DD.json`` a day)."""
    return data_dir / "listings"


def _bad(message: str) -> Config:
    return Config(None, (message,))


def default_corpus(data_dir: Path, config: Config, demo: bool = False) -> list[Path]:
    """What is read when no PATH is given: the configured corpus, then the listings ``tui-reader fetch`` stored
    in ``data_dir``; the bundled dumps first when ``shows_demo`` says so."""
    listings = listings_dir(data_dir)
    paths = [_bundled()] if shows_demo(data_dir, config, demo) else []
    paths += [path for path in config.corpus or () if path not in paths]
    if listings.is_dir() and listings not in paths:
        paths.append(listings)
    if (arxiv := listings / "arxiv").is_dir() and arxiv not in paths:  # what fetch --arxiv and add stored
        paths.append(arxiv)
    return paths or [_bundled()]  # nothing at all (demo = false, nothing fetched yet): the demo after all


def shows_demo(data_dir: Path, config: Config, demo: bool = False) -> bool:
    """The bundled demo papers are read with ``--demo`` or ``demo = true``; never with ``demo = false``; else
    while no corpus is configured and no listing with papers has been fetched (a day without papers, ``[]``,
    leaves them: a first fetch on a weekend would otherwise leave the reader empty)."""
    if demo or config.demo is not None:
        return demo or bool(config.demo)
    return config.corpus is None and not has_fetched_papers(data_dir)


def has_fetched_papers(data_dir: Path) -> bool:
    """Whether ``tui-reader fetch`` stored a listing holding papers (a file longer than ``[]``), or arXiv's
    answers stored by ``fetch --arxiv`` or ``add`` hold one (an ``<item>`` or ``<entry>`` near their start)."""
    try:
        with os.scandir(listings_dir(data_dir)) as entries:
            if any(entry.name.endswith(".json") and entry.stat().st_size > 2 for entry in entries):
                return True
        with os.scandir(listings_dir(data_dir) / "arxiv") as entries:
            return any(entry.name.endswith(".xml") and _holds_papers(entry.path) for entry in entries)
    except OSError:
        return False


def _holds_papers(path: str) -> bool:
    with open(path, "rb") as file:
        head = file.read(1 << 16)
    return b"<item" in head or b"<entry" in head


DEMO_TOLD = "demo-hidden"  # in the data directory: the reader has said once that the demo papers are hidden


def demo_hidden_notice(data_dir: Path, config: Config, demo: bool = False) -> str | None:
    """Once, on the first start after the first fetch: that the demo papers are now hidden and how to bring them
    back (their marks are kept). None every other time, and when they were never shown by default."""
    if config.corpus is not None or config.demo is not None or demo or not has_fetched_papers(data_dir):
        return None
    told = data_dir / DEMO_TOLD
    if told.exists():
        return None
    try:
        told.write_text("the reader said the demo papers are hidden now that listings are fetched\n")
    except OSError:
        return None  # a read-only data directory: better unsaid than said at every start
    return (
        "The bundled demo papers are hidden now that you have fetched listings. Their marks are kept; "
        "to see them again, start with --demo or set demo = true in config.toml."
    )


def _bundled() -> Path:
    from tui_reader.corpus import bundled_seeds

    return bundled_seeds()
