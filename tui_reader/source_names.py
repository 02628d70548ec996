"""Where a paper was read from, as a person recognises it: the source's name and the listing day ("Daily Papers,
Feb 25 2026"), "arXiv metadata snapshot", or the name of the user's own file; never an internal file's name.

A paper records the names of the files it was read from (``Paper.sources``: the JSON export and ``list`` keep
them). Some of those names mean nothing to a person: a listing ``tui-reader fetch`` stored is named after its day
(``2026-02-25.json``), the bundled demo dumps after a cache key (``000_9b4709637f9b7bcc.txt``). This module
names them for the detail pane: what a file held is told by its name where the reader gave it, else by what the
paper holds (only arXiv metadata gives categories). No Textual here.
"""

from __future__ import annotations

import re

from tui_reader.dates import Day, paper_days, parse_day
from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path

__all__ = ["ARXIV_SNAPSHOT", "DAILY_PAPERS", "source_names"]

DAILY_PAPERS = "Daily Papers"
ARXIV_SNAPSHOT = "arXiv metadata snapshot"
_STORED_LISTING = re.compile(r"\d{4}-\d{2}-\d{2}\.json")  # DATA_DIR/listings/2026-02-25.json (tui-reader fetch)
_CACHE_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")  # the bundled Daily Papers dumps: 000_9b4709637f9b7bcc.txt
_JSON = (".json", ".jsonl")
# DATA_DIR/listings/arxiv/2026-04-27_cs.CL+cs.LG.xml (fetch --arxiv), added_2026-12-07T091500[-2].xml (add)
_ARXIV_FEED = re.compile(r"(\d{4}-\d{2}-\d{2})_([A-Za-z0-9.+-]+)\.xml")
_ARXIV_ADDED = re.compile(r"added_(\d{4}-\d{2}-\d{2})T\d{6}(?:-\d+)?\.xml")


def source_names(paper: Paper) -> list[str]:
    """The paper's sources as the detail pane names them: Daily Papers with its listing days (in order, each
    once: ``Daily Papers, Mar 11 2024 · Mar 12 2024``), then the arXiv snapshot, then the user's own files by name
    (cleaned for the terminal)."""
    days: list[Day] = []
    own: list[str] = []
    dumps = False
    arxiv_named: list[str] = []
    for source in paper.sources:
        if (named := _arxiv_name(source)) is not None:
            arxiv_named.append(named)
        elif _STORED_LISTING.fullmatch(source) and (day := parse_day(source.removesuffix(".json"))) is not None:
            days.append(day)
        elif _CACHE_NAME.fullmatch(source):
            dumps = True
        else:
            own.append(source)
    if dumps:  # a dump has no day in its name: its days are the paper's listing dates
        days += _listing_days(paper)
    listed = " · ".join(dict.fromkeys(day.shown() for day in days))  # each day once, in order
    names = [f"{DAILY_PAPERS}, {listed}" if listed else DAILY_PAPERS] if days or dumps else []
    arxiv = [source for source in own if source.endswith(_JSON)] if paper.categories else []
    if len(arxiv) == 1:  # only arXiv metadata gives categories: the one JSON file that could have is the snapshot
        names.append(ARXIV_SNAPSHOT)
        own.remove(arxiv[0])
    return names + list(dict.fromkeys(arxiv_named)) + [shown_path(source) for source in own]


def _arxiv_name(source: str) -> str | None:
    """An arXiv feed's day and categories (``arXiv cs.CL, cs.LG, Apr 27 2026``) or an answer of the arXiv API
    (``arXiv API, Dec 7 2026``), from the names ``fetch --arxiv`` and ``add`` give their files; None for
    another file."""
    if (feed := _ARXIV_FEED.fullmatch(source)) and (day := parse_day(feed[1])) is not None:
        return f"arXiv {', '.join(feed[2].split('+'))}, {day.shown()}"
    if (added := _ARXIV_ADDED.fullmatch(source)) and (day := parse_day(added[1])) is not None:
        return f"arXiv API, {day.shown()}"
    return None


def _listing_days(paper: Paper) -> list[Day]:
    """The paper's listing dates as days, with their years where the paper shows them (``paper_days`` ends with
    the published date, which is no listing day)."""
    days = paper_days(paper)
    return days[:-1] if parse_day(paper.published) is not None else days
