"""The reader's side of "mark all shown read" (A): making the changes and showing them, for N papers (target: the
screen answers within 250 ms at 100k). The saver's thread commits them afterwards (``MarkSaver.submit_all`` hands
them over under one lock).

Reference, measured alongside (interleaved): building the frozenset of the N ids, the least any way of showing
them costs. The old path (``ReaderState.change`` per paper: the id set copied once per change) is timed at a tenth of N,
where it still ends.

    .venv/bin/python benchmarks/bench_bulk.py [--papers 100000] [--runs 7] [--smoke]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui_reader.library import MarkStore  # noqa: E402
from tui_reader.paper import Paper  # noqa: E402
from tui_reader.state import ReaderState  # noqa: E402


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bulk(reader: ReaderState, ids: list[str]) -> None:
    reader.change_all(reader.changes_for(ids, "read", True))


def one_by_one(reader: ReaderState, ids: list[str]) -> None:
    for change in reader.changes_for(ids, "read", True):
        reader.change(change)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run: checks it still works")
    args = parser.parse_args()
    if args.smoke:
        args.papers, args.runs = 2_000, 1
    papers = [Paper(id=f"{i:012x}", title=f"Paper {i}", abstract="") for i in range(args.papers)]
    with tempfile.TemporaryDirectory() as folder, MarkStore.open(Path(folder)) as store:
        ids = [paper.id for paper in papers]
        samples: dict[str, list[float]] = {"reference": [], "bulk": [], "old": []}
        for _ in range(args.runs):
            samples["reference"].append(timed(lambda: frozenset(ids)))
            samples["bulk"].append(timed(partial(bulk, ReaderState(papers, store), ids)))
            samples["old"].append(timed(partial(one_by_one, ReaderState(papers, store), ids[: len(ids) // 10])))
    ref = statistics.median(samples["reference"])
    print(f"| measure ({args.papers:,} papers, {args.runs} runs) | median ms | x ref |")
    print("|---|---|---|")
    print(f"| reference: frozenset of the ids | {ref * 1e3:.1f} | 1.00 |")
    together = statistics.median(samples["bulk"])
    print(f"| `changes_for` + `change_all` (what A does) | {together * 1e3:.1f} | {together / ref:.1f} |")
    separate = statistics.median(samples["old"])
    print(f"| old: `change` per paper, {args.papers // 10:,} papers | {separate * 1e3:.1f} | {separate / ref:.1f} |")


if __name__ == "__main__":
    main()
