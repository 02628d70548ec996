"""Marks store speed: loading marks for 100k papers (target <= 100 ms) and one toggle (target <= 5 ms).

Each figure is set against a reference measured in the same run on the same file: a bare sqlite3 SELECT of
the same rows for loads, a bare sqlite3 autocommit UPDATE (same WAL / synchronous=FULL settings) for toggles.

    .venv/bin/python benchmarks/bench_store.py [--marks 100000] [--runs 15] [--toggles 400]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui_reader.store import DB_NAME, MarkStore  # noqa: E402

COLUMNS = "paper_id, read, starred, read_at, starred_at"


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def fill(data_dir: Path, n: int) -> tuple[list[str], float]:
    """n marks (about half read, a fifth starred) via the public import; returns ids and seconds taken."""
    rng = random.Random(0)
    ids = [hashlib.sha1(str(i).encode()).hexdigest()[:12] for i in range(n)]
    now = time.time()
    records = []
    for paper_id in ids:
        read, starred = rng.random() < 0.5, rng.random() < 0.2
        records.append(
            {
                "id": paper_id,
                "read": read,
                "starred": starred,
                "read_at": now - rng.random() * 1e7,
                "starred_at": now - rng.random() * 1e7 if starred else None,
            }
        )
    start = time.perf_counter()
    with MarkStore.open(data_dir) as store:
        store.import_(records)
    return ids, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--toggles", type=int, default=400)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        data_dir = Path(tmp)
        ids, fill_s = fill(data_dir, args.marks)
        path = data_dir / DB_NAME

        # Loads: each run opens anew, as a starting program does.
        def bare_select() -> None:
            conn = sqlite3.connect(path)
            conn.execute(f"SELECT {COLUMNS} FROM marks").fetchall()
            conn.close()

        def open_all() -> None:
            with MarkStore.open(data_dir) as store:
                assert len(store.all()) == args.marks

        def open_flags() -> None:
            with MarkStore.open(data_dir) as store:
                store.read_ids(), store.starred_ids()

        def open_only() -> None:
            MarkStore.open(data_dir).close()

        loads = {
            "bare sqlite3 SELECT of all rows": timed(bare_select, args.runs),
            "open + all()  (dict of Mark)": timed(open_all, args.runs),
            "open + read_ids() + starred_ids()": timed(open_flags, args.runs),
            "open alone (checks, migration probe)": timed(open_only, args.runs),
        }

        # Toggles on random papers of the full store, one committed transaction each.
        rng = random.Random(1)
        targets = [rng.choice(ids) for _ in range(args.toggles)]
        with MarkStore.open(data_dir) as store:
            it = iter(targets)
            toggle = timed(lambda: store.toggle_read(next(it)), args.toggles)
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        it = iter(targets)
        bare_update = timed(
            lambda: conn.execute("UPDATE marks SET read = 1 - read WHERE paper_id = ?", (next(it),)), args.toggles
        )
        conn.close()

    ms = lambda s: f"{s * 1000:8.2f}"  # noqa: E731
    ref_load = statistics.median(loads["bare sqlite3 SELECT of all rows"])
    ref_toggle = statistics.median(bare_update)
    print(f"{args.marks:,} marks; filled via import_() in {fill_s:.2f} s; medians of {args.runs} loads,"
          f" {args.toggles} toggles\n")
    print(f"{'measure':<40} {'median ms':>9} {'p95 ms':>8} {'x ref':>6}  target")
    for name, samples in loads.items():
        target = "reference" if name.startswith("bare") else ("<= 100 ms" if "+" in name else "")
        print(f"{name:<40} {ms(statistics.median(samples)):>9} {ms(p95(samples)):>8}"
              f" {statistics.median(samples) / ref_load:6.2f}  {target}")
    print(f"{'bare sqlite3 UPDATE (autocommit)':<40} {ms(ref_toggle):>9} {ms(p95(bare_update)):>8} {1:6.2f}  reference")
    print(f"{'toggle_read() (BEGIN IMMEDIATE, r-m-w)':<40} {ms(statistics.median(toggle)):>9} {ms(p95(toggle)):>8}"
          f" {statistics.median(toggle) / ref_toggle:6.2f}  <= 5 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
