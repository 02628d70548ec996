"""Fetching on its own: ``refresh = "2h"`` in config.toml, and whether a fetch is due.

Pure functions, no clock of their own: the reader asks ``fetch_due`` at start and on a timer, with the time of
the last fetch (``last_fetch``: the newest listing stored) and the time now.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["MIN_REFRESH_S", "fetch_due", "last_fetch", "parse_interval"]

MIN_REFRESH_S = 15 * 60  # arXiv's listings change once a day, Daily Papers' a few times: no need to ask more often
_UNITS = {"m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"\s*(\d{1,6})\s*(m|min|h|d)\s*", re.IGNORECASE)


def parse_interval(text: str) -> float | None:
    """``"2h"``, ``"90m"``, ``"1d"`` (also ``"45 min"``) as seconds; None for anything else or less than 15
    minutes."""
    match = _INTERVAL.fullmatch(text)
    if match is None:
        return None
    seconds = int(match.group(1)) * _UNITS[match.group(2)[0].lower()]
    return float(seconds) if seconds >= MIN_REFRESH_S else None


def fetch_due(last: float | None, now: float, every: float | None) -> bool:
    """Fetch now? Never with no interval (off); always when nothing was fetched yet; else when the last fetch
    is ``every`` seconds old or older. A last fetch in the future (the clock went back) counts as now: due once
    ``every`` has passed from the present, not from a time that may be far off."""
    if every is None:
        return False
    if last is None:
        return True
    return now - min(last, now) >= every


def last_fetch(listings: Path) -> float | None:
    """When a fetch last stored something: the newest modification time among the stored listings (None:
    nothing stored)."""
    newest: float | None = None
    try:
        for root, _folders, names in os.walk(listings):
            for name in names:
                if name.endswith((".json", ".xml", ".rss")):
                    try:
                        at = os.stat(os.path.join(root, name)).st_mtime
                    except OSError:
                        continue
                    newest = at if newest is None else max(newest, at)
    except OSError:
        return None
    return newest
