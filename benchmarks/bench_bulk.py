"""The reader's side of "mark all shown read" (A): making the changes and showing them, for N papers (target: the
screen answers within 250 ms at 100k). The saver's thread commits them afterwards (``MarkSaver.submit_all`` hands
them over under one lock).

Then the whole round of A, its undo (z) and its redo (Z) at N papers, each as the reader and the saver's thread
do it: A shown and committed (``store.apply``), the step undone in the marks file (``store.undo``) and shown
(``ReaderState.undone``), then redone the same way. Undo and redo are reported as a ratio to A (target: within
0.5 s at 100k, about what A costs; they once took minutes, the marks rebuilt paper by paper).

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


def round_trip(papers: list[Paper], ids: list[str], folder: Path) -> dict[str, float]:
    """A, its undo and its redo, each as the reader shows it and the saver commits it, and the reader's share of
    the undo and the redo alone (``ReaderState.undone``, on the screen's thread): seconds each."""
    took: dict[str, float] = {}
    with MarkStore.open(folder) as store:
        reader = ReaderState(papers, store)

        def mark_all() -> None:
            changes = reader.changes_for(ids, "read", True)
            reader.change_all(changes)
            store.apply(changes)
            reader.saved(changes)

        def walk(redo: bool) -> None:
            undone = store.redo() if redo else store.undo()
            assert undone is not None
            took[f"{'redo' if redo else 'undo'} shown"] = timed(partial(reader.undone, undone))

        took["A"] = timed(mark_all)
        took["undo"] = timed(partial(walk, False))
        assert reader.read_count == 0
        took["redo"] = timed(partial(walk, True))
        assert reader.read_count == len(ids)  # redone: every paper read again
    return took


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
        for run in range(args.runs):  # a fresh marks file each run: A marks every paper
            for name, took in round_trip(papers, ids, Path(folder) / f"round{run}").items():
                samples.setdefault(name, []).append(took)
    ref = statistics.median(samples["reference"])
    print(f"| measure ({args.papers:,} papers, {args.runs} runs) | median ms | x ref |")
    print("|---|---|---|")
    print(f"| reference: frozenset of the ids | {ref * 1e3:.1f} | 1.00 |")
    together = statistics.median(samples["bulk"])
    print(f"| `changes_for` + `change_all` (what A does) | {together * 1e3:.1f} | {together / ref:.1f} |")
    separate = statistics.median(samples["old"])
    print(f"| old: `change` per paper, {args.papers // 10:,} papers | {separate * 1e3:.1f} | {separate / ref:.1f} |")
    mark_all = statistics.median(samples["A"])
    print()
    print(f"| A, undo, redo ({args.papers:,} papers, shown and committed) | median ms | x A |")
    print("|---|---|---|")
    print(f"| A: mark all read, shown and committed | {mark_all * 1e3:.1f} | 1.00 |")
    for name in ("undo", "redo"):
        took = statistics.median(samples[name])
        print(f"| {name}: in the marks file, then shown | {took * 1e3:.1f} | {took / mark_all:.2f} |")
        shown = statistics.median(samples[f"{name} shown"])
        print(f"| {name}: of which shown (`ReaderState.undone`) | {shown * 1e3:.1f} | {shown / mark_all:.2f} |")


if __name__ == "__main__":
    main()
