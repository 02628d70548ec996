"""Recording first-seen times (tui_reader.library.seen): what the reader's worker does once its index is built,
and what `list` and `digest` do on every run, set against a bare sqlite3 insert of the same ids.

- first: 100k ids into an empty seen.db (the first launch after the upgrade), against a bare ``executemany``
  INSERT of the same rows into a table of the same shape, in one transaction;
- again: the same 100k ids recorded again (every later launch: nothing new), against a bare SELECT of the rows;
- fetch: 100k known ids plus 2,000 new ones (a morning's listings), against a bare read of the known ids and
  insert of the 2,000 new ones.

And the watch list: the papers matching ``watch = ["author:Dunson", "spectral", "cat:cs.CL has:code"]`` found
from a built index of the same number of synthetic papers (gen_corpus.py), as the reader's worker finds them.

    .venv/bin/python benchmarks/bench_seen.py [--papers 100000] [--runs 7] [--smoke]
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui_reader.library.seen import SEEN_SCHEMA, SeenStore  # noqa: E402


def bare(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)
    for statement in SEEN_SCHEMA[1]:
        conn.execute(statement)
    conn.execute("PRAGMA journal_mode = WAL").fetchone()
    return conn


def bare_insert(conn: sqlite3.Connection, ids: list[str], now: float) -> None:
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT OR IGNORE INTO first_seen (paper_id, at) VALUES (?, ?)", [(i, now) for i in ids])
    conn.execute("COMMIT")


def bare_merge(conn: sqlite3.Connection, ids: list[str], now: float) -> None:
    """What any recording must do at the least: read the ids known, insert the others."""
    conn.execute("BEGIN IMMEDIATE")
    known = {row[0] for row in conn.execute("SELECT paper_id FROM first_seen")}
    conn.executemany("INSERT INTO first_seen (paper_id, at) VALUES (?, ?)", [(i, now) for i in ids if i not in known])
    conn.execute("COMMIT")


def one_round(ids: list[str], fresh: list[str], figures: dict[str, list[float]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        conn = bare(folder / "bare.db")
        figures["bare first"].append(timed(lambda: bare_insert(conn, ids, 1.0)))
        figures["bare select"].append(timed(lambda: conn.execute("SELECT paper_id, at FROM first_seen").fetchall()))
        figures["bare fetch"].append(timed(lambda: bare_merge(conn, ids + fresh, 2.0)))
        conn.close()
        with SeenStore.open(folder / "ours") as seen:
            figures["first"].append(timed(lambda: seen.record(ids, 1.0)))
            figures["again"].append(timed(lambda: seen.record(ids, 2.0)))
            figures["fetch"].append(timed(lambda: seen.record(ids + fresh, 3.0)))


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="a tiny size, one run, no target")
    args = parser.parse_args()
    n, runs = (2_000, 1) if args.smoke else (args.papers, args.runs)
    ids = [hashlib.sha1(str(i).encode()).hexdigest()[:12] for i in range(n)]
    fresh = [hashlib.sha1(f"new {i}".encode()).hexdigest()[:12] for i in range(min(2_000, n))]
    figures: dict[str, list[float]] = {
        name: [] for name in ("first", "bare first", "again", "bare select", "fetch", "bare fetch")
    }
    for _ in range(runs):
        one_round(ids, fresh, figures)
    median = {name: statistics.median(values) * 1000 for name, values in figures.items()}
    watch_ms = watch_list(n, runs)
    print(f"{n:,} ids, median of {runs} runs (ms):")
    for ours, reference in (("first", "bare first"), ("again", "bare select"), ("fetch", "bare fetch")):
        ratio = median[ours] / median[reference] if median[reference] else float("nan")
        print(f"  {ours:<6} {median[ours]:8.1f}   {reference:<12} {median[reference]:8.1f}   {ratio:5.2f}x")
    print(f"  watch list of 3 entries over {n:,} papers: {watch_ms:.1f} ms (median; the index built beforehand)")
    return 0


def watch_list(n: int, runs: int) -> float:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen_corpus import generate

    from tui_reader.search import SearchIndex
    from tui_reader.watch import watched_papers

    index = SearchIndex(generate(n))
    entries = ["author:Dunson", "spectral", "cat:cs.CL has:code"]
    return statistics.median(timed(lambda: watched_papers(index, entries)) for _ in range(max(runs, 3))) * 1000


if __name__ == "__main__":
    raise SystemExit(main())
