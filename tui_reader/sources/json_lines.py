"""JSON Lines: one JSON object a line, as the arXiv metadata snapshot ships (millions of lines), or Daily
Papers items saved one a line. Each line's record is read by content (``tui_reader.sources.records``).

A file is JSON Lines when it starts with ``{`` and its first line is a whole JSON object (or is longer than the
sniffed head: no pretty-printed object starts with a line that long); a pretty-printed single object is a JSON
document (``tui_reader.sources.json_document``). Lines are parsed one at a time (``parse_lines`` is a
generator), so a file of millions of lines is read with memory bounded by one line plus the papers kept. A bad
line is a warning with its number; reading goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tui_reader.paper import Paper
from tui_reader.sources.records import parse_record
from tui_reader.sources.registry import Problems, Source

__all__ = ["SOURCE", "is_json_lines", "parse_json_lines", "parse_lines"]


def is_json_lines(head: str) -> bool:
    """``head`` (a file's first characters) starts JSON Lines: a ``{`` whose line is a whole JSON object."""
    if not head.startswith("{"):
        return False
    first, newline, _ = head.partition("\n")
    if not newline:
        return True  # one line longer than the head: a record line, not the start of a pretty-printed object
    import json

    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def parse_lines(
    lines: Iterable[bytes | str | None], source: str, problems: Problems, first_line: int = 1
) -> Iterator[Paper]:
    """Papers of JSON Lines, one line at a time (numbered from ``first_line``); blank lines are skipped, bad ones
    reported. A line the reader would not hold in memory comes as None: reported as too long."""
    import json  # here, not at the top: a launch on text dumps alone never needs it before its first frame

    for number, line in enumerate(lines, start=first_line):
        if line is None:
            problems.add(number, "line too long; skipped")
            continue
        if not line.strip():
            continue
        try:
            try:
                record = json.loads(line.lstrip("\ufeff") if isinstance(line, str) else line)
            except UnicodeDecodeError:  # bytes that are not UTF-8 (json.loads takes bytes: faster than decoding)
                problems.add(number, "not valid UTF-8; read as Windows-1252")
                record = json.loads(line.decode("cp1252", "replace") if isinstance(line, bytes) else line)
        except RecursionError:
            problems.add(number, "JSON nested too deeply; skipped")
            continue
        except MemoryError:
            problems.add(number, "JSON too large to read; skipped")
            continue
        except ValueError:
            problems.add(number, "not valid JSON; skipped")
            continue
        paper = parse_record(record, number, source, problems)
        if paper is not None:
            yield paper


def parse_json_lines(text: str, source: str = "<jsonl>") -> tuple[list[Paper], list[str]]:
    """Parse JSON Lines held in memory (files are streamed: ``tui_reader.corpus``)."""
    problems = Problems("line")
    papers = list(parse_lines(text.split("\n"), source, problems))
    return papers, problems.lines()


SOURCE = Source(name="json_lines", sniff=is_json_lines, parse=parse_json_lines, parse_lines=parse_lines, order=20)
