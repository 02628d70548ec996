"""A big corpus' search index built in a process of its own (``python -m tui_reader.index_build FILE...``): the
build then has a core to itself instead of sharing the reader's, and the memory it takes (the texts it reads, its
transient arrays) never counts in the reader's. After a first import, the processes that imported the parts of a
big file have built each part's index (tui_reader.import_part): the index is then merged from theirs in seconds
(tui_reader.search.merge) instead of built whole (tens of seconds at a million papers, on one core). The
process loads the corpus as the reader did (the stores of its big files, the parse cache of the others) and leaves
the index in the cache (``tui_reader.search.cache``), where the reader finds it; if it fails or builds an index of
other papers (files that changed meanwhile), the reader builds its own. Once the index is stored (the reader goes on
with it), the process works out the filters' tables and stores them beside it: the reader's index takes them up at
its first filter after they are there (before, it works out what that filter needs itself).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from tui_reader import processes

__all__ = ["build_apart", "main"]


def build_apart(files: Sequence[Path]) -> bool:
    """Build the index of the corpus read from ``files`` in a process of its own, and wait for it (call this in a
    worker thread). True when it stored an index: the process then goes on working out the filters' tables, and
    ends when they are stored (or with the reader)."""
    process = processes.start("tui_reader.index_build", *map(os.fsdecode, files))
    assert process.stdout is not None
    try:
        built = process.stdout.readline().strip() == b"built"
    except BaseException:
        processes.end(process)
        raise
    if not built:
        processes.end(process)
        return False
    threading.Thread(target=_finish, args=(process,), name="index tables", daemon=True).start()
    return True


def _finish(process: subprocess.Popen[bytes]) -> None:
    """Wait for the process to end on its own (its output closes), then reap it."""
    try:
        assert process.stdout is not None
        process.stdout.read()
    finally:
        processes.end(process)


def main(argv: list[str] | None = None) -> int:
    processes.exit_with_parent()
    from tui_reader.corpus import load_corpus
    from tui_reader.search.cache import cached_index, store_tables
    from tui_reader.stored_corpus import merged_index

    files = [Path(name) for name in (argv if argv is not None else sys.argv[1:])]
    papers = load_corpus(files).papers
    cached_index(papers, files, merged=lambda: merged_index(papers))
    print("built", flush=True)  # the reader opens the index now
    store_tables(papers, files)  # then the filters' tables, which it takes up when they are there
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    os._exit(status)  # not sys.exit: the thread waiting on our standard input must not hold up the shutdown
