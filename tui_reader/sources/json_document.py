"""One JSON document: an array of records (a Daily Papers listing as the API answers and ``tui-reader fetch``
stores it, or arXiv records saved as one array) or a single record (a Daily Papers item, a paper object of
``/api/papers/{id}``, an arXiv record, pretty-printed). Each record is read by content
(``tui_reader.sources.records``).

An empty array is a day without papers (weekends answer ``[]``): read silently, never a warning. Anything else
that is JSON but holds no records is one warning naming the file. Text starting with ``{`` that is not one JSON
value is read as JSON Lines whose first line is broken, so each bad line gets its own warning.
"""

from __future__ import annotations

from tui_reader.paper import Paper
from tui_reader.sources.json_lines import parse_json_lines
from tui_reader.sources.records import parse_record
from tui_reader.sources.registry import Problems, Source

__all__ = ["SOURCE", "parse_json"]


def parse_json(text: str, source: str = "<json>") -> tuple[list[Paper], list[str]]:
    """Parse a JSON document into papers (not yet merged) and problems."""
    import json  # here, not at the top: a launch on text dumps alone never needs it before its first frame

    try:
        data = json.loads(text)
    except RecursionError:
        return [], ["JSON nested too deeply; skipped"]
    except MemoryError:
        return [], ["JSON too large to read; skipped"]
    except ValueError as exc:  # JSONDecodeError, and numbers too long to convert
        if text.lstrip("\ufeff \t\r\n").startswith("{") and "\n" in text.strip():
            return parse_json_lines(text, source)  # JSON Lines whose first line is broken: each line's own warning
        if not isinstance(exc, json.JSONDecodeError):  # the interpreter's words name a function to call
            return [], ["not valid JSON (a number with too many digits); skipped"]
        return [], [f"not valid JSON ({exc}); skipped"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return [], ["JSON but neither paper records nor an array of them; skipped"]
    problems = Problems("item")
    papers = []
    for number, record in enumerate(data, start=1):
        paper = parse_record(record, number, source, problems)
        if paper is not None:
            papers.append(paper)
    return papers, problems.lines()


def _is_empty_array(text: str) -> bool:
    return text.strip(" \t\r\n\ufeff") == "[]" or text.split() == ["[", "]"]


SOURCE = Source(
    name="json", sniff=lambda head: head.startswith(("[", "{")), parse=parse_json, order=30, nothing=_is_empty_array
)
