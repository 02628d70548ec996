"""What `list` and `digest` add to the papers: when this machine first saw each (recorded as they load, in
``seen.db``) and which watch-list entries each matches (``watch`` in config.toml)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_reader.cli.common import warn, warn_all
from tui_reader.config import config_file, load_config
from tui_reader.library.store import default_data_dir
from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path

if TYPE_CHECKING:
    from tui_reader.cli.selection import Selection
    from tui_reader.search import SearchIndex

__all__ = ["first_seen", "json_keys", "watch_list", "watches"]


def first_seen(papers: Sequence[Paper], data_dir: Path | None, now: float | None = None) -> dict[str, float]:
    """Record the papers not seen before as first seen ``now`` (default: the clock), and return when each was
    first seen. A seen.db that cannot be used (locked too long by another recording) is one warning: the papers
    then have no first-seen time."""
    import sqlite3

    from tui_reader.library.seen import SeenStore

    folder = data_dir or default_data_dir()
    try:
        with SeenStore.open(folder) as seen:
            return seen.record((paper.id for paper in papers), now).times
    except OSError:
        return {}  # a data directory that cannot be made or written: the marks store has said so
    except sqlite3.Error as exc:
        warn(f"cannot record when papers were first seen in {shown_path(folder)} ({exc}); first_seen left out")
        return {}


def watch_list() -> list[str]:
    """The configured watch list's entries that are queries (the others: one warning each)."""
    from tui_reader.watch import check_watches

    config = load_config()
    if not config.watch:
        return []
    kept, warnings = check_watches(config.watch, shown_path(config_file()))
    warn_all(warnings)
    return kept


def watches(
    papers: Sequence[Paper],
    files: Sequence[Path],
    marks: Mapping[str, Any] | None,
    entries: Sequence[str],
    index: SearchIndex | None = None,
) -> dict[str, tuple[str, ...]]:
    """Each watched paper's id with the entries it matches (none configured: nothing, and no index built);
    ``index``: the papers' index when one is built already (a --query's)."""
    if not entries or not papers:
        return {}
    from tui_reader.cli.selection import search_index
    from tui_reader.watch import watched_papers

    return watched_papers(index or search_index(papers, files), entries, marks)


def json_keys(selected: Selection, data_dir: Path | None) -> Callable[[str], dict[str, object]]:
    """What ``list --format json`` (and ``export --format json``) add to each paper's record, by paper id:
    ``first_seen`` (ISO time, UTC; null when not known), ``watched`` and ``watches`` (the entries it matches).
    Every paper loaded is recorded as seen, whichever are printed."""
    from tui_reader.library.seen import iso_time

    seen = first_seen(selected.corpus, data_dir)
    watched = watches(selected.corpus, selected.files, selected.flags, watch_list(), selected.built_index)

    def keys(paper_id: str) -> dict[str, object]:
        at, matched = seen.get(paper_id), watched.get(paper_id, ())
        return {"first_seen": None if at is None else iso_time(at), "watched": bool(matched), "watches": list(matched)}

    return keys
