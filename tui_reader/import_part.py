"""One part of a big JSON Lines file parsed into its own store of papers, in a process of its own:
``python -m tui_reader.import_part FILE START END FOLDER IDENTITY FINGERPRINT`` (``tui_reader.stored_corpus``
starts one per core, each over its byte range, so the first import of a million papers takes the time of half of
them; the store is stamped with the reader's parser fingerprint, as the reader checks it).

The range [START, END) starts and ends at line starts. The process prints how many papers it has parsed after
each part (one number a line), then ``stored`` or ``failed``; its problems go into its store, one per kind as
JSON ``[what, first line, count]`` (the parent merges the parts' into one list). Once its store is written, it
builds the search index of the part's papers and keeps it in the store's folder (``TERMS``): the index of the
whole file is merged from the parts' in seconds (tui_reader.search.merge), so the index is built on every core,
as the import is. It exits when its parent does (its standard input closes), leaving no store behind.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.corpus import STREAM_PART, _Counted, _lines, _open_regular, _sniff_open
from tui_reader.paper import Paper
from tui_reader.processes import exit_with_parent
from tui_reader.safe_text import shown_path

if TYPE_CHECKING:
    from tui_reader.paper_store import StoredPapers

__all__ = ["TERMS", "main", "parse_range"]

TERMS = "terms"  # the folder, inside a part's store, of the part's search index (tui_reader.search.merge)

_BLOCK = 1 << 24  # bytes read at a time to count the lines before the range


def parse_range(path: Path, start: int, end: int) -> Iterator[tuple[list[Paper], list[str]]]:
    """The papers of the lines starting in [start, end), STREAM_PART at a time; the problems (JSON, one per kind)
    with the last part. Line numbers count from the file's first line."""
    from tui_reader.sources.registry import Problems

    problems: list[str] = []
    opened = _open_regular(path, problems)
    if opened is None:
        yield [], [json.dumps([p, 0, 1]) for p in problems]
        return
    fd = opened[0]
    try:
        parse_lines = _sniff_open(fd).parse_lines
        if parse_lines is None:
            yield [], [json.dumps(["not a JSON Lines file any more; skipped", 0, 1])]
            return
        first_line = _lines_before(fd, start) + 1
        found = Problems("line")
        numbered = _Counted(_until(_lines(fd, start), start, end), start, first_line)
        part: list[Paper] = []
        for paper in parse_lines(numbered, shown_path(path.name), found, first_line):
            part.append(paper)
            if len(part) >= STREAM_PART:
                yield part, []
                part = []
        yield part, [json.dumps(kind) for kind in found.kinds()]
    finally:
        os.close(fd)


def _lines_before(fd: int, offset: int) -> int:
    count = done = 0
    while done < offset:
        block = os.pread(fd, min(_BLOCK, offset - done), done)
        if not block:
            break
        count += block.count(b"\n")
        done += len(block)
    return count


def _until(lines: Iterator[tuple[bytes | None, int]], start: int, end: int) -> Iterator[tuple[bytes | None, int]]:
    """The lines that start before ``end``."""
    at = start
    for line, after in lines:
        if at >= end:
            return
        yield line, after
        at = after


def main(argv: list[str] | None = None) -> int:
    from tui_reader.paper_store_writer import write_store

    path, start, end, folder, identity, stamp = (argv if argv is not None else sys.argv[1:])[:6]
    exit_with_parent()
    count = 0

    def counted() -> Iterator[tuple[list[Paper], list[str]]]:
        nonlocal count
        for papers, problems in parse_range(Path(path), int(start), int(end)):
            count += len(papers)
            print(count, flush=True)
            yield papers, problems

    try:
        store = write_store(Path(path), counted(), fingerprint=stamp, identity_before=identity, folder=Path(folder))
    except Exception:
        store = None
    print("stored" if store is not None else "failed", flush=True)
    if store is None:
        return 1
    _index(store)
    return 0


def _index(store: StoredPapers) -> None:
    """The part's search index, kept inside its store (the index of the whole file is merged from the parts':
    tui_reader.search.merge). Failing costs time only: the whole index is then built from the stores."""
    from tui_reader.search.merge import store_part

    try:
        store_part(store, store.key, store.folder / TERMS)
    except Exception:
        return  # no part index: the reader builds the whole one


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    os._exit(status)  # not sys.exit: the thread waiting on our standard input must not hold up the shutdown
