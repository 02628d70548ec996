"""All of arXiv on a laptop: the reader on a big arXiv metadata snapshot (JSON Lines), as a user launches it.

The real entry point in tmux (benchmarks/first_paint.py's probe), on the arXiv JSON Lines file bench_sources.py
generates (made once in benchmarks/out/), with an empty cache folder ("cold": the first import) and again with
the cache it left ("warm"). Timed from the spawn: the first papers on screen, and searchable (every file read and
the index ready: the status line says nothing is under way). Memory: the peak RSS (VmHWM) of the reader's process
and, apart, the highest RSS any of its child processes (the import parts, the index build) was seen with, sampled
every ~50 ms. Reference in the same run: a bare Textual app's first paint (benchmarks/bare_app.py).

    .venv/bin/python benchmarks/bench_arxiv.py                         # 100k papers: one cold, 3 warm launches
    .venv/bin/python benchmarks/bench_arxiv.py --papers 1000000        # the issue's size (~4 minutes cold)
    .venv/bin/python benchmarks/bench_arxiv.py --papers 2800000 --warm-runs 1   # all of arXiv (~6 GB of lines)
    .venv/bin/python benchmarks/bench_arxiv.py --checkout /tmp/base    # another checkout's reader (before/after)
    .venv/bin/python benchmarks/bench_arxiv.py --smoke                 # 2k papers, once: the script still runs
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_app import ACTIVITY, TOAST_EDGE, Launcher, _status_line, bare_painted, rows_shown  # noqa: E402
from bench_sources import corpus  # noqa: E402
from first_paint import TmuxProbe  # noqa: E402

PYTHON = Path(sys.executable).absolute()
GOALS_1M = {"warm shown": 0.5, "warm searchable": 2.0, "cold shown": 1.0, "cold searchable": 90.0}
GOAL_RSS_MB = {1_000_000: 1024, 2_800_000: 2048}


def searchable(screen: str) -> bool:
    """Every paper read and the index ready: papers on screen, nothing under way on the status line."""
    line = _status_line(screen)
    return line is not None and rows_shown(screen) and not ACTIVITY.search(line) and TOAST_EDGE not in line


def _rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB; zeros once it is gone."""
    found = {"VmRSS": 0.0, "VmHWM": 0.0}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in found:
                    found[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return found["VmRSS"], found["VmHWM"]


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rpartition(")")[2].split()[1]) == pid:
                        out.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return out


class Memory:
    """Sampled while a launch runs: the reader's own peak, and the highest child RSS seen."""

    def __init__(self) -> None:
        self.reader = 0.0
        self.child = 0.0
        self._last = 0.0

    def __call__(self, pid: int) -> None:
        self.reader = max(self.reader, _rss_mb(pid)[1])
        now = time.monotonic()
        if now - self._last >= 0.05:
            self._last = now
            for child in _children(pid):
                self.child = max(self.child, _rss_mb(child)[0])


def launch(probe: TmuxProbe, reader: Launcher, lines: Path, cache: str, timeout: float) -> dict[str, float]:
    memory = Memory()
    shown, ready = probe.time(
        reader.argv(lines, data=f"data-{cache}"), [rows_shown, searchable], timeout, reader.env(cache), watch=memory
    )
    return {"shown": shown, "searchable": ready, "rss": memory.reader, "child rss": memory.child}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--cold-runs", type=int, default=1)
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--bare-runs", type=int, default=5)
    parser.add_argument("--checkout", type=Path, default=HERE.parent, help="the reader of this checkout (before/after)")
    parser.add_argument("--smoke", action="store_true", help="2k papers, one launch of each: the script still runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.papers, args.cold_runs, args.warm_runs, args.bare_runs = 2000, 1, 1, 1
    lines, _ = corpus(args.papers)
    print(f"{args.papers:,} papers: {lines} ({lines.stat().st_size / 2**20:,.0f} MB)", flush=True)
    timeout = max(120.0, args.papers / 1000)
    tmp = Path(tempfile.mkdtemp(prefix="bench-arxiv-"))
    probe = TmuxProbe()
    try:
        reader = Launcher("reader", args.checkout.resolve(), tmp)
        reader.compile()
        bare_argv = [str(PYTHON), str(HERE / "bare_app.py")]
        bare_env = {"PYTHONPATH": str(HERE), "XDG_CACHE_HOME": str(tmp), "XDG_CONFIG_HOME": str(tmp)}
        probe.time(bare_argv, [bare_painted], env=bare_env)  # warms the disk cache: not counted
        bare = [probe.time(bare_argv, [bare_painted], env=bare_env)[0] for _ in range(args.bare_runs)]
        results: dict[str, list[dict[str, float]]] = {"cold": [], "warm": []}
        for number in range(args.cold_runs):
            shutil.rmtree(tmp / "cache", ignore_errors=True)
            results["cold"].append(launch(probe, reader, lines, "cache", timeout))
            print(f"cold {number + 1}: {results['cold'][-1]}", flush=True)
        if not args.cold_runs:
            launch(probe, reader, lines, "cache", timeout)  # fills the cache
        for number in range(args.warm_runs):
            results["warm"].append(launch(probe, reader, lines, "cache", timeout))
            print(f"warm {number + 1}: {results['warm'][-1]}", flush=True)
    finally:
        probe.close()
        shutil.rmtree(tmp, ignore_errors=True)
    report(args.papers, bare, results)
    return 0


def report(papers: int, bare: list[float], results: dict[str, list[dict[str, float]]]) -> None:
    bare_s = statistics.median(bare)
    print(f"\n{papers:,} papers; bare Textual app first paint (same run): median {bare_s:.3f} s")
    print("| launch | runs | papers on screen s (x bare) | searchable s | reader peak RSS MB | child RSS MB |")
    print("|---|---|---|---|---|---|")
    for label, runs in results.items():
        if not runs:
            continue
        shown = statistics.median(run["shown"] for run in runs)
        ready = statistics.median(run["searchable"] for run in runs)
        rss = max(run["rss"] for run in runs)
        child = max(run["child rss"] for run in runs)
        print(
            f"| {label} | {len(runs)} | {shown:.2f} ({shown / bare_s:.2f}x) | {ready:.2f} | {rss:,.0f} | {child:,.0f} |"
        )
    if papers >= 1_000_000:
        goal = GOAL_RSS_MB.get(papers, 1024)
        print(f"goals at 1M: warm <= 0.5 / 2 s, cold <= 1 / 90 s, reader peak RSS <= {goal:,} MB")


if __name__ == "__main__":
    raise SystemExit(main())
