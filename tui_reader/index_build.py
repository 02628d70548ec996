"""A big corpus' search index built in a process of its own (``python -m tui_reader.index_build FILE...``): the
build (tens of seconds at a million papers) then has a core to itself instead of sharing the reader's, and the
memory it takes (the texts it reads, its transient arrays) never counts in the reader's. The process loads the
corpus as the reader did (the stores of its big files, the parse cache of the others) and leaves the index in the
cache (``tui_reader.search.cache``), then the filters' tables beside it, where the reader finds them; if it fails
or builds an index of other papers (files that changed meanwhile), the reader builds its own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tui_reader import processes

__all__ = ["build_apart", "main"]


def build_apart(files: Sequence[Path]) -> bool:
    """Build the index of the corpus read from ``files`` in a process of its own, and wait for it (call this in a
    worker thread). True when it stored an index."""
    process = processes.start("tui_reader.index_build", *map(os.fsdecode, files))
    try:
        assert process.stdout is not None
        return process.stdout.read().strip() == b"built"
    finally:
        processes.end(process)


def main(argv: list[str] | None = None) -> int:
    processes.exit_with_parent()
    from tui_reader.corpus import load_corpus
    from tui_reader.search.cache import cached_index, store_tables

    files = [Path(name) for name in (argv if argv is not None else sys.argv[1:])]
    papers = load_corpus(files).papers
    cached_index(papers, files)
    store_tables(papers, files)  # the filters' tables too: answered from disk at the first filter
    print("built", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
