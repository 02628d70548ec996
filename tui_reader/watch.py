"""The watch list: ``watch = ["author:Dunson", "spectral", "cat:cs.CL has:code"]`` in config.toml, each entry a
query the search box takes. A paper is watched when it matches an entry as a finished query (every term, the last
word whole, not a prefix); it knows which entries it matched.

``check_watches`` says which entries are queries (a bad one is one warning naming it; the rest apply),
``watched_papers`` finds the papers of each (from a built ``SearchIndex``: a search per entry, ~10-40 ms each at
100k papers), and ``watch_entry`` makes the entry that follows a query or a paper's first author. No Textual;
the search package (numpy) is loaded by the functions that need it, never by the reader's first frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tui_reader.safe_text import clean_text

if TYPE_CHECKING:
    from tui_reader.paper import Paper
    from tui_reader.search import SearchIndex

__all__ = ["check_watches", "watch_entry", "watched_papers"]

MAX_WATCH_CHARS = 300


def check_watches(entries: Sequence[str], where: str) -> tuple[list[str], list[str]]:
    """The entries the search box takes, and one warning per entry it does not (``where``: the config file's
    name): ``config.toml: watch entry 'foo:bar' is not a query (unknown filter foo: …); left out``."""
    from tui_reader.search.query import parse_query

    kept: list[str] = []
    warnings: list[str] = []
    for entry in entries:
        parsed = parse_query(entry + " ")
        shown = clean_text(entry)[:80]
        if parsed.error is not None:
            warnings.append(f"{where}: watch entry {shown!r} is not a query ({parsed.error}); left out")
        elif parsed.empty:
            warnings.append(f"{where}: watch entry {shown!r} has nothing to search for; left out")
        else:
            kept.append(entry)
    return kept, warnings


def watched_papers(
    index: SearchIndex, entries: Sequence[str], marks: Mapping[str, Any] | None = None
) -> dict[str, tuple[str, ...]]:
    """Each watched paper's id with the entries it matches, in the watch list's order. An entry no paper
    matches whole (the index would show partial matches) watches nothing."""
    found: dict[str, list[str]] = {}
    papers = index.papers
    for entry in entries:
        result = index.search(entry + " ", marks)  # a finished query: its last word is not a prefix
        if result.partial or result.error is not None:
            continue
        for position in result.indices:
            found.setdefault(papers[position].id, []).append(entry)
    return {paper_id: tuple(matched) for paper_id, matched in found.items()}


def watch_entry(query: str, paper: Paper | None = None) -> str | None:
    """What the watch list gains: the query (one line, trimmed), or with none, the paper's first author as
    ``author:"Name"``; None when there is neither."""
    text = " ".join(clean_text(query).split())[:MAX_WATCH_CHARS]
    if text:
        return text
    if paper is not None and paper.authors:
        name = " ".join(clean_text(paper.authors[0]).replace('"', " ").split())
        return f'author:"{name}"' if name else None
    return None
