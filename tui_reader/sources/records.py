"""One JSON record as a paper, whatever service wrote it: told apart by content, never by where it sits.

A file of JSON (an array, one object, or JSON Lines) may hold Daily Papers items (``{"paper": {...}, ...}``),
bare Daily Papers paper objects (``/api/papers/{id}``: ``summary`` and a list of ``authors``) or arXiv metadata
records (``abstract``, ``authors`` as one string, ``versions``, ``authors_parsed``). Each record is read by the
parser its own keys name, so a JSON array of arXiv records and JSON Lines of Daily Papers items read as well as
the forms the services publish.
"""

from __future__ import annotations

from tui_reader.paper import Paper
from tui_reader.safe_text import clean_text
from tui_reader.sources.arxiv import parse_object
from tui_reader.sources.hf_daily import parse_item
from tui_reader.sources.registry import Problems

__all__ = ["is_arxiv_record", "parse_record"]

_ARXIV_KEYS = ("abstract", "versions", "authors_parsed", "journal-ref", "update_date")


def is_arxiv_record(record: dict[object, object]) -> bool:
    """An arXiv metadata record: keys only arXiv writes, or ``authors`` as one string (Daily Papers: a list)."""
    if "paper" in record or "summary" in record:
        return False
    return isinstance(record.get("authors"), str) or any(key in record for key in _ARXIV_KEYS)


_PAPER_KEYS = ("paper", "summary", "title")  # what any Daily Papers or arXiv record has at least one of


def parse_record(record: object, number: int, source: str, problems: Problems) -> Paper | None:
    """The record as a paper, read by the parser its keys name (None, with a problem, when it is none)."""
    if isinstance(record, dict) and is_arxiv_record(record):
        return parse_object(record, number, source, problems)
    if isinstance(record, dict) and record and not any(key in record for key in _PAPER_KEYS):
        keys = ", ".join(clean_text(str(key))[:30] for key in list(record)[:4])  # one line, no controls
        problems.add(number, f"not a Daily Papers or arXiv record (its keys: {keys}); skipped")
        return None
    return parse_item(record, number, source, problems.add)
