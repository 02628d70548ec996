"""Marks store speed: loading marks for 100k papers (target <= 100 ms) and one toggle (target <= 5 ms).

Each figure is set against a reference measured alongside it (interleaved, same file): a bare sqlite3 SELECT
of the same rows for loads, a bare sqlite3 autocommit UPDATE (same WAL / synchronous=FULL) for toggles.

    .venv/bin/python benchmarks/bench_store.py [--marks 100000] [--runs 15] [--toggles 400] [--smoke]
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui_reader.library import DB_NAME, MarkStore  # noqa: E402

COLUMNS = "paper_id, read, starred, read_at, starred_at, note, note_at, tags, tags_at"


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Time every function once per round, in turn, so a noisy neighbour hits them all alike."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
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
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one run: checks the script still works (make bench-smoke)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.marks, args.runs, args.toggles = 1_000, 1, 5

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

        loads = interleaved(
            {
                "bare sqlite3 SELECT of all rows": bare_select,
                "open + all()  (dict of Mark)": open_all,
                "open + read_ids() + starred_ids()": open_flags,
                "open alone (checks, migration probe)": open_only,
            },
            args.runs,
        )

        # Toggles on random papers of the full store, one committed transaction each, alternating with a
        # bare UPDATE of the same row through a second connection with the same settings.
        rng = random.Random(1)
        targets = iter([rng.choice(ids) for _ in range(args.toggles)])
        store = MarkStore.open(data_dir)
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA synchronous = FULL")
        current: list[str] = []

        def bare_update() -> None:
            current[:] = [next(targets)]
            conn.execute("UPDATE marks SET read = 1 - read WHERE paper_id = ?", current)

        toggles = interleaved({"bare": bare_update, "toggle": lambda: store.toggle_read(current[0])}, args.toggles)
        store.close()
        conn.close()
        bare, toggle = toggles["bare"], toggles["toggle"]

    def row(name: str, samples: list[float], reference: list[float], target: str) -> None:
        ratio = statistics.median(a / b for a, b in zip(samples, reference, strict=False))
        print(f"{name:<40} {statistics.median(samples) * 1000:9.2f} {p95(samples) * 1000:8.2f} {ratio:6.2f}  {target}")

    print(f"{args.marks:,} marks (filled via import_() in {fill_s:.2f} s); {args.runs} loads, {args.toggles} toggles")
    print("x ref: median of per-round ratios to the reference measured alongside\n")
    print(f"{'measure':<40} {'median ms':>9} {'p95 ms':>8} {'x ref':>6}  target")
    reference = loads["bare sqlite3 SELECT of all rows"]
    for name, samples in loads.items():
        target = "reference" if name.startswith("bare") else ("<= 100 ms" if "+" in name else "")
        row(name, samples, reference, target)
    row("bare sqlite3 UPDATE (autocommit)", bare, bare, "reference")
    row("toggle_read() (BEGIN IMMEDIATE, r-m-w)", toggle, bare, "<= 5 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
