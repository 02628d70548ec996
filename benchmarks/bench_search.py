"""Search speed: type queries key by key into a SearchIndex over synthetic corpora of 1k to 1M papers.

For each size, in a fresh process (so RSS is that size's own): generate the corpus (benchmarks/gen_corpus.py),
build the index, then type each query one key at a time as the app does: search, take the first 50 rows and
their highlight spans. Prints the median and p95 per keystroke, build time and RSS, and, when fzf is installed,
the median of `fzf --filter` over the same titles for the same keystrokes in the same run, and the ratio.

    .venv/bin/python benchmarks/bench_search.py                      # 1k, 10k, 100k, 1M (a few minutes)
    .venv/bin/python benchmarks/bench_search.py --sizes 1000,100000  # some sizes
    .venv/bin/python benchmarks/bench_search.py --smoke                # 1k papers, fzf only if installed
    --no-install: do not apt-get install fzf when it is missing (it is a reference, never a dependency)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

SIZES = (1_000, 10_000, 100_000, 1_000_000)
# the keystroke set: a two-term query with a prefix, a typo'd query, a three-term query
QUERIES = ("diffusion mod", "reinforcment lerning", "graph neural network")
# typed too, reported apart: a phrase (checked in the text of the candidates) and filters
EXTRA = ('"neural tangent kernel"', "-diffusion flow date:Mar is:unread")
ROWS = 50  # rows the app shows and highlights
TARGETS = (
    "targets: 100k median <= 16 ms, p95 <= 50 ms, build <= 3 s, RSS <= 400 MB, more like this <= 50 ms; "
    "1M median <= 100 ms"
)


def keystrokes(query: str) -> list[str]:
    return [query[:i] for i in range(1, len(query) + 1)]


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process, MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------------------------------------
# One size, in its own process


def type_query(index, query: str, marks) -> list[float]:
    times = []
    for text in keystrokes(query):
        start = time.perf_counter()
        result = index.search(text, marks)
        rows = result.indices[:ROWS]
        for i in rows:
            result.spans(i)
        times.append(time.perf_counter() - start)
    return times


def fzf_times(fzf: str, titles_file: str, queries) -> list[float]:
    times = []
    for query in queries:
        for text in keystrokes(query.replace('"', "")):  # fzf has no phrases; the words remain
            with open(titles_file, "rb") as titles:
                start = time.perf_counter()
                subprocess.run([fzf, "--filter", text], stdin=titles, stdout=subprocess.DEVNULL, check=False)
                times.append(time.perf_counter() - start)
    return times


def run_one(n: int, fzf: str | None) -> dict:
    from gen_corpus import generate

    from tui_reader.search import SearchIndex

    start = time.perf_counter()
    papers = generate(n)
    generated = time.perf_counter() - start
    before, _ = rss_mb()
    builds = []
    for _ in range(3 if n <= 100_000 else 1):
        index = None
        start = time.perf_counter()
        index = SearchIndex(papers)
        builds.append(time.perf_counter() - start)
    after, peak = rss_mb()
    marks = {p.id: SimpleNamespace(read=True, starred=k % 10 == 0) for k, p in enumerate(papers[::100])}
    times = [t for q in QUERIES for t in type_query(index, q, marks)]
    extra = [t for q in EXTRA for t in type_query(index, q, marks)]
    like = []
    for position in range(0, n, max(1, n // 20)):  # "more like this" on 20 papers spread over the corpus
        start = time.perf_counter()
        result = index.similar(position)
        for i in result.indices[:ROWS]:
            result.spans(i)
        like.append(time.perf_counter() - start)
    empty = []
    for _ in range(20):
        start = time.perf_counter()
        result = index.search("", marks)
        for i in result.indices[:ROWS]:
            result.spans(i)
        empty.append(time.perf_counter() - start)
    row = {
        "papers": n,
        "vocabulary": len(index.vocabulary),
        "generate_s": generated,
        "build_s": statistics.median(builds),
        "rss_before_mb": before,
        "rss_mb": after,
        "peak_mb": peak,
        "keystrokes": len(times),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 95) * 1000,
        "max_ms": max(times) * 1000,
        "extra_median_ms": statistics.median(extra) * 1000,
        "extra_max_ms": max(extra) * 1000,
        "empty_ms": statistics.median(empty) * 1000,
        "like_median_ms": statistics.median(like) * 1000,
        "like_max_ms": max(like) * 1000,
    }
    if fzf:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as out:
            out.write("\n".join(p.title for p in papers))
        try:
            reference = fzf_times(fzf, out.name, QUERIES)
        finally:
            os.unlink(out.name)
        row["fzf_median_ms"] = statistics.median(reference) * 1000
    return row


# ---------------------------------------------------------------------------------------------------------
# Set-up and the table


def ensure_fzf(install: bool) -> str | None:
    """fzf is the reference; install it with apt when missing (root only), never as a project dependency."""
    found = shutil.which("fzf")
    if found or not install or not shutil.which("apt-get") or os.geteuid() != 0:
        return found
    print("fzf is missing: apt-get update && apt-get install -y fzf (benchmark reference only)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "check": False}
    subprocess.run(["apt-get", "update", "-qq"], **quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", "fzf"], **quiet)
    return shutil.which("fzf")


def table(rows: list[dict]) -> str:
    head = (
        "| papers | vocabulary | build s | RSS MB (peak) | keystroke median ms | p95 ms | max ms "
        "| fzf median ms | ours / fzf | phrase+filters median / max ms | empty query ms "
        "| more like this median / max ms |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        fzf = f"{r['fzf_median_ms']:.1f}" if "fzf_median_ms" in r else "-"
        ratio = f"{r['median_ms'] / r['fzf_median_ms']:.2f}" if "fzf_median_ms" in r else "-"
        lines.append(
            f"| {r['papers']:,} | {r['vocabulary']:,} | {r['build_s']:.2f} | {r['rss_mb']:.0f} ({r['peak_mb']:.0f}) "
            f"| {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.0f} | {fzf} | {ratio} "
            f"| {r['extra_median_ms']:.1f} / {r['extra_max_ms']:.0f} | {r['empty_ms']:.2f} "
            f"| {r['like_median_ms']:.1f} / {r['like_max_ms']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated corpus sizes")
    parser.add_argument("--no-install", action="store_true", help="do not apt-get install fzf when missing")
    parser.add_argument("--no-fzf", action="store_true", help="skip the fzf reference")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    parser.add_argument("--fzf", help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="1k papers, fzf only if installed: checks it works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.no_install = "1000", True
    if args.one:
        print(json.dumps(run_one(args.one, args.fzf)))
        return 0
    fzf = None if args.no_fzf else ensure_fzf(not args.no_install)
    print(f"fzf reference: {fzf or 'not available'}; queries typed key by key: {', '.join(QUERIES)}", flush=True)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--one", str(n)] + (["--fzf", fzf] if fzf else [])
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
        if done.returncode != 0:
            print(f"{n:,} papers: failed (exit {done.returncode})", flush=True)
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"{n:,} papers: done", flush=True)
    print(table(rows))
    print(TARGETS)
    return 0 if len(rows) == len(args.sizes.split(",")) else 1


if __name__ == "__main__":
    raise SystemExit(main())
