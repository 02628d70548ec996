"""Sorting speed: the reader's sort of 100k papers by date, upvotes and title, against a reference in the same run.

The papers come from gen_corpus.py (seed papers and generated ones); eight in ten get an arXiv published date over
five years and seven in ten upvotes, as Daily Papers JSON listings would give them. What is timed is
``tui_reader.sorting.sort_rows``, the very call the reader's search worker makes after each search and on S:
the rows of an empty query (every paper) and of a search result (about half of them), in the PaperSet the reader
holds. Keys are worked out once first (timed apart: the indexing worker does it), then each sort alternates with
the reference: Python's ``sorted`` of (key, position) tuples for the same rows, what a plain implementation does.

Then the same papers in the running reader, launched as `tui-reader FILE` launches it on them written as a Daily
Papers JSON file, driven headless by Textual's Pilot: S pressed over and over once the status line says the index is
ready; each time is from the key press to the sorted rows reaching the list widget (the worker's sort and both thread
hand-overs), without the Pilot's own wait for the screen to go idle.

    .venv/bin/python benchmarks/bench_sort.py [--papers 100000] [--runs 30] [--smoke]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

TARGET_MS = 50.0  # the target: sorting 100k papers by date or upvotes in the running app


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def corpus(n: int):  # -> PaperSet
    from gen_corpus import generate

    from tui_reader.paper_set import PaperSet

    rng = random.Random(12)
    papers = []
    for paper in generate(n):
        day = f"20{rng.randint(20, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        papers.append(
            replace(
                paper,
                published=day if rng.random() < 0.8 else None,
                upvotes=rng.randint(0, 400) if rng.random() < 0.7 else None,
            )
        )
    return PaperSet(papers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run: checks it still works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.papers, args.runs = 2_000, 1

    import numpy as np

    from tui_reader.dates import sort_day
    from tui_reader.search.index import Positions
    from tui_reader.sorting import Sort, sort_keys, sort_rows

    papers = corpus(args.papers)
    start = time.perf_counter()
    sort_keys(papers).prepare()
    keys_s = time.perf_counter() - start
    days = [sort_day(p) for p in papers]
    votes = [-1 if p.upvotes is None else p.upvotes for p in papers]
    reference_keys = {
        Sort.NEWEST: [(d == 0, -d) for d in days],
        Sort.UPVOTES: [(v < 0, -v) for v in votes],
        Sort.TITLE: [p.title.lower() for p in papers],
    }
    half = Positions(np.flatnonzero(np.random.default_rng(12).random(len(papers)) < 0.5).astype(np.uint32))
    print(f"{len(papers):,} papers; sort keys worked out once in {keys_s:.2f} s (the indexing worker does it)")
    print("| rows | sort | median ms | p95 ms | reference: sorted() median ms | ratio | target |")
    print("|---|---|---|---|---|---|---|")
    status = 0
    for name, rows in (("every paper (empty query)", range(len(papers))), (f"a result of {len(half):,}", half)):
        for sort in (Sort.NEWEST, Sort.UPVOTES, Sort.TITLE):
            key = reference_keys[sort].__getitem__
            ours, reference = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                sort_rows(papers, rows, sort)
                ours.append(time.perf_counter() - start)
                start = time.perf_counter()
                sorted(rows, key=key)
                reference.append(time.perf_counter() - start)
            median, p95 = statistics.median(ours) * 1000, percentile(ours, 95) * 1000
            ref = statistics.median(reference) * 1000
            target = ""
            if sort is not Sort.TITLE:
                met = p95 <= TARGET_MS
                status |= not met
                target = f"≤ {TARGET_MS:.0f} ms: {'met' if met else 'MISSED'}"
            print(f"| {name} | {sort.value} | {median:.1f} | {p95:.1f} | {ref:.1f} | {median / ref:.2f} | {target} |")
    status |= in_the_app(papers, args.runs)
    return 0 if args.smoke else status  # a smoke run checks that it works, not how fast


def write_daily_json(papers, path: Path) -> None:
    """The papers as one Daily Papers JSON file (what the reader reads published dates and upvotes from)."""
    import json

    items = []
    for number, paper in enumerate(papers):
        inner = {"id": f"{2001 + number // 90_000}.{number % 90_000:05d}", "title": paper.title}
        inner["summary"] = paper.abstract or "No abstract."
        if paper.published:
            inner["publishedAt"] = f"{paper.published}T00:00:00.000Z"
        if paper.upvotes is not None:
            inner["upvotes"] = paper.upvotes
        items.append({"paper": inner, "publishedAt": "2024-03-11T00:00:00.000Z"})
    path.write_text(json.dumps(items), encoding="utf-8")


def in_the_app(papers, runs: int) -> int:
    """S in the running reader: key press to sorted rows in the list, per sort (see the module docstring). The
    reader is launched on the papers written as a Daily Papers JSON file, as `tui-reader FILE` launches it."""
    import tempfile

    from bench_app import list_shows, run_reader, status_text

    times: dict[str, list[float]] = {}

    async def session(app, pilot):
        shown_at = list_shows(app)
        for _ in range(runs * 5):
            shown_at.clear()
            pressed = time.perf_counter()
            await pilot.press("S")
            await app.workers.wait_for_complete()
            await pilot.pause()
            sort = next(part for part in status_text(app).split(" · ") if part.startswith("sort: "))
            assert shown_at, f"no rows reached the list after S ({sort})"
            times.setdefault(sort.removeprefix("sort: "), []).append(shown_at[-1] - pressed)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "papers.json"
        write_daily_json(papers, path)
        run_reader([path], session)
    print("\nIn the running reader: S, key press to sorted rows in the list (every paper shown)")
    print("| sort | median ms | p95 ms | target |")
    print("|---|---|---|---|")
    status = 0
    for name, values in times.items():
        median, p95 = statistics.median(values) * 1000, percentile(values, 95) * 1000
        target = ""
        if name in ("newest", "oldest", "upvotes"):
            met = p95 <= TARGET_MS
            status |= not met
            target = f"≤ {TARGET_MS:.0f} ms: {'met' if met else 'MISSED'}"
        print(f"| {name} | {median:.1f} | {p95:.1f} | {target} |")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
