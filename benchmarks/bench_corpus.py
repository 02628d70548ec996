"""How long parsing the five seed dumps takes (target: median <= 50 ms), against the bare cost of reading them.

    .venv/bin/python benchmarks/bench_corpus.py [--runs 50] [--cold 5] [--smoke]

parse     read the files, then parse_text (split, clean, de-LaTeX, links) and merge (deduplicate): the whole parse,
          with no parse cache and the LaTeX fragment cache emptied each run
reference read the same files and split them into paragraphs, nothing else
cold      the same parse as the first thing a fresh interpreter does, so it also imports pylatexenc
Runs of parse and reference alternate, so a noisy neighbour slows both alike.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from subprocess import run

from tui_reader.corpus import merge, parse_text
from tui_reader.sources import cleaning

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BLANK_LINE = re.compile(r"\n\s*\n")
COLD = """import sys, time
start = time.perf_counter()
from pathlib import Path
from tui_reader.corpus import merge, parse_text
papers = []
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    papers.extend(parse_text(path.read_bytes().decode("utf-8"), source=path.name))
assert len(merge(papers)) == 211
print(time.perf_counter() - start)
"""


def parse() -> int:
    cleaning._fragment_to_text.cache_clear()  # no head start from an earlier run
    papers = []
    for path in sorted(SEEDS.glob("*.txt")):
        papers.extend(parse_text(path.read_bytes().decode("utf-8"), source=path.name))
    return len(merge(papers))


def reference() -> int:
    count = 0
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
        count += len(BLANK_LINE.split(text))
    return count


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--cold", type=int, default=5, help="fresh-interpreter runs (0 to skip)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run: checks it still works")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.cold = 2, 1

    assert parse() == 211  # also warms imports and the filesystem cache
    reference()
    results: dict[str, list[float]] = {"parse": [], "reference": []}
    for _ in range(args.runs):
        results["parse"].append(timed(parse))
        results["reference"].append(timed(reference))
    cold = [
        float(run([sys.executable, "-c", COLD, str(SEEDS)], capture_output=True, text=True, check=True).stdout) * 1000
        for _ in range(args.cold)
    ]

    print(f"five seeds ({sum(p.stat().st_size for p in SEEDS.glob('*.txt')) // 1024} KiB), {args.runs} runs")
    print(f"{'':<26}{'median ms':>10}{'p95 ms':>10}{'min ms':>10}")
    rows = [("parse (read+parse+merge)", results["parse"]), ("reference (read + split)", results["reference"])]
    if cold:
        rows.append((f"cold first parse (n={len(cold)})", cold))
    for name, values in rows:
        print(f"{name:<26}{statistics.median(values):>10.2f}{p95(values):>10.2f}{min(values):>10.2f}")
    median = statistics.median(results["parse"])
    ratio = median / statistics.median(results["reference"])
    print(f"parse / reference (median): {ratio:.1f}x")
    print(f"target: parse median <= 50 ms -> {'OK' if median <= 50 else 'MISSED'}")
    return 0 if median <= 50 or args.smoke else 1  # a smoke run checks that it works, not how fast


if __name__ == "__main__":
    raise SystemExit(main())
