"""A quick look through the papers while the index is being built: the query's filters as the index applies them,
and its terms as substrings of the folded title, authors and abstract. No ranking, no typos, no other forms: the
papers whose title has every term come first, then the others, each in corpus order. The reader shows this as a
preliminary answer ("indexing…") until the index answers the same query.

A scan stops early when ``wanted()`` turns False (a newer query was typed) and returns what it found within
``budget`` seconds (a big corpus on a slow machine: a part of the answer beats a list that does not follow the
query).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Sequence

import numpy as np

from tui_reader.paper import Paper
from tui_reader.search.filters import FILTERS, Marks
from tui_reader.search.query import parse_query
from tui_reader.search.results import Positions, SearchResult
from tui_reader.search.tables import PaperTables
from tui_reader.search.text import fold

__all__ = ["SCAN_BUDGET_SECONDS", "scan"]

SCAN_BUDGET_SECONDS = 2.0  # at most this long per scan (100k papers take about a tenth of it)
_CHECK_EVERY = 2048  # papers between looks at the clock and at ``wanted``


def scan(
    papers: Sequence[Paper],
    query: str,
    marks: Marks = None,
    wanted: Callable[[], bool] = lambda: True,
    budget: float = SCAN_BUDGET_SECONDS,
) -> SearchResult:
    """The papers matching ``query``, found by reading each one (see the module's docstring)."""
    size = len(papers)
    parsed = parse_query(query)
    if parsed.empty:
        return SearchResult(query, range(size), papers, (), parsed)
    keep = np.ones(size, np.bool_)
    if parsed.filters:
        tables = _tables(papers, size)
        for flt in parsed.filters:
            keep &= FILTERS[flt.field].mask(tables, flt.value, flt.prefix, marks) != flt.exclude
    needles = [" ".join(term.words) for term in parsed.terms]
    excluded = [" ".join(term.words) for term in parsed.excluded]
    in_title: list[int] = []
    elsewhere: list[int] = []
    deadline = time.monotonic() + budget
    for count, index in enumerate(np.flatnonzero(keep).tolist()):
        if count % _CHECK_EVERY == 0 and (time.monotonic() > deadline or not wanted()):
            break
        paper = papers[index]
        title = fold(paper.title)
        text = f"{title}\n{fold(' '.join(paper.authors))}\n{fold(paper.abstract)}"
        if all(needle in text for needle in needles) and not any(word in text for word in excluded):
            (in_title if all(needle in title for needle in needles) else elsewhere).append(index)
    found = np.array(in_title + elsewhere, np.uint32)
    return SearchResult(query, Positions(found), papers, (), parsed)


_TABLES: weakref.WeakKeyDictionary[Sequence[Paper], tuple[object, PaperTables]] = weakref.WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


def _tables(papers: Sequence[Paper], size: int) -> PaperTables:
    """The filters' tables over these papers, kept from one keystroke to the next while no paper was added or
    merged (``PaperSet.revision``): a ``date:`` typed key by key reads each paper's days once, not at every key.
    A plain list (no weak reference, no revision) gets fresh tables."""
    stamp = (size, getattr(papers, "revision", None))
    with _TABLES_LOCK:
        try:
            kept = _TABLES.get(papers)
            if kept is None or kept[0] != stamp or stamp[1] is None:
                kept = _TABLES[papers] = (stamp, PaperTables(papers, size))
        except TypeError:  # not weakly referenceable
            return PaperTables(papers, size)
    return kept[1]
