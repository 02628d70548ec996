"""The reader's speed as a user feels it.

(a) first paint on the seeds against a bare Textual app, both spawned in tmux, launches interleaved (the order
    rotates each round) and the ratio taken round by round (target: papers on screen <= 1.20x the bare app);
    with --against CHECKOUT, that checkout's reader joins the rounds too (before/after in one run);
(b) first paint and all-loaded + indexed time with a big generated corpus (target: papers on screen <= 1.5 s);
(c) per-keystroke latency in the running app (Pilot): press -> results in the list, and -> the Pilot cycle done.

    .venv/bin/python benchmarks/bench_app.py [--runs 20] [--big-runs 5] [--cold-runs 2] [--papers 100000] [--rounds 3]
    .venv/bin/python benchmarks/bench_app.py --first-paint-only --runs 30 --against /path/to/other/checkout
    .venv/bin/python benchmarks/bench_app.py --smoke     # every part once, tiny sizes: checks the script still works
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bare_app import READY  # noqa: E402
from first_paint import TmuxProbe  # noqa: E402

PYTHON = Path(sys.executable).absolute()
CHECKOUT = HERE.parent
OUT = HERE / "out"
QUERY = "diffusion mod"
TARGET_RATIO = 1.20  # papers on screen, against the bare app on the seeds
TARGET_BIG_S = 1.5  # papers on screen with the big corpus


# --- what the reader shows -------------------------------------------------------------------------------------
# Read off the terminal as a user sees it, independent of the order of the status line's parts: the status line is
# the one line counting "N / M shown"; the list is the box titled "Papers".

STATUS = re.compile(r"([\d,]+) / ([\d,]+) shown")
ACTIVITY = re.compile(r"\b(loading|importing|indexing|fetching)\b")  # what the status line says while work is under way
TOAST_EDGE = "▌"  # a notification's left edge: over the status line, it may hide the line's end


def _status_line(screen: str) -> str | None:
    return next((line for line in screen.splitlines() if STATUS.search(line)), None)


def _shown(line: str) -> int:
    match = STATUS.search(line)
    assert match is not None
    return int(match.group(1).replace(",", ""))


def list_rows(screen: str) -> list[str] | None:
    """The text inside the "Papers" box, one string per row (None while the box is not on screen)."""
    lines = screen.splitlines()
    for top, line in enumerate(lines):
        left = line.find("╭")
        if left < 0 or "Papers" not in line[left:]:
            continue
        right = line.find("╮", left)
        rows = []
        for below in lines[top + 1 :]:
            if below[left : left + 1] != "│":
                break
            rows.append(below[left + 1 : right if right > left else None])
        return rows
    return None


def painted(screen: str) -> bool:
    """The reader's first frame: its status line is up (the list may still be empty while files load)."""
    return _status_line(screen) is not None


def rows_shown(screen: str) -> bool:
    """Papers are on screen: the status line counts some shown, and the list's box has that many rows painted
    (or is full)."""
    line = _status_line(screen)
    rows = list_rows(screen)
    if line is None or rows is None or not rows:
        return False
    shown = _shown(line)
    return shown > 0 and sum(1 for row in rows if row.strip()) >= min(shown, len(rows))


def all_ready(screen: str) -> bool:
    """Every file loaded and the index built: papers on screen and the status line says nothing is under way
    (no "loading …", "indexing…" or "fetching …" anywhere on it, and no notification over it)."""
    line = _status_line(screen)
    return line is not None and rows_shown(screen) and not ACTIVITY.search(line) and TOAST_EDGE not in line


def bare_painted(screen: str) -> bool:
    return READY in screen


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def big_corpus(papers: int) -> Path:
    """The synthetic corpus in benchmarks/out/ (git-ignored), generated once by gen_corpus.py."""
    folder = OUT / f"corpus-{papers}"
    done = folder / ".complete"
    if not done.exists():
        print(f"generating {papers:,} papers into {folder} (once) …", flush=True)
        subprocess.run([str(PYTHON), str(HERE / "gen_corpus.py"), str(papers), "-o", str(folder)], check=True)
        done.touch()
    return folder


# --- (a) and (b): tmux first paint --------------------------------------------------------------------------


READER_CHECKS = [painted, rows_shown, all_ready]  # times recorded for each, in this order


@dataclass
class Launcher:
    """How to start one checkout's reader: its own Python (its .venv when it has one), its code first on the
    path, its own parse cache and marks folder, no user config. Every launch goes through the same `env`."""

    label: str
    checkout: Path
    tmp: Path
    times: dict[str, list[float]] = field(default_factory=lambda: {"painted": [], "rows": [], "ready": []})

    @property
    def python(self) -> Path:
        own = self.checkout / ".venv" / "bin" / "python"
        return own if own.exists() else PYTHON

    def argv(self, *paths: Path, data: str = "data") -> list[str]:
        # what the installed tui-reader script does, from a folder of its own (`python -c` would put the current
        # folder, maybe another checkout, first on the path)
        entry = self.tmp / "bin" / "tui-reader"
        if not entry.exists():
            entry.parent.mkdir(parents=True)
            entry.write_text("import sys\nfrom tui_reader.cli import main\nsys.exit(main())\n")
        return [str(self.python), str(entry), "--data-dir", str(self.tmp / data), *map(str, paths)]

    def env(self, cache: str = "cache") -> dict[str, str]:
        return {
            "PYTHONPATH": str(self.checkout),
            "XDG_CACHE_HOME": str(self.tmp / cache),
            "XDG_CONFIG_HOME": str(self.tmp / "config"),
        }

    def compile(self) -> None:
        """Bytecode for the project, as an installed package has (pip compiles on install)."""
        subprocess.run([str(self.python), "-m", "compileall", "-q", str(self.checkout / "tui_reader")], check=True)


def first_paint_seeds(probe: TmuxProbe, readers: list[Launcher], runs: int) -> list[float]:
    """The readers on their seeds and the bare app, `runs` rounds; each round launches every one once, the order
    rotated from round to round so none always goes first. Returns the bare app's times."""
    bare_argv = [str(PYTHON), str(HERE / "bare_app.py")]
    bare_env = {"PYTHONPATH": str(HERE), "XDG_CACHE_HOME": str(readers[0].tmp), "XDG_CONFIG_HOME": str(readers[0].tmp)}
    for reader in readers:  # warms the disk cache, .pyc files and the parse cache: not counted
        probe.time(reader.argv(), READER_CHECKS, env=reader.env())
    probe.time(bare_argv, [bare_painted], env=bare_env)
    bare: list[float] = []
    contenders: list[Launcher | None] = [None, *readers]  # None: the bare app
    for run in range(runs):
        shift = run % len(contenders)
        for reader in contenders[shift:] + contenders[:shift]:
            if reader is None:
                bare.append(probe.time(bare_argv, [bare_painted], env=bare_env)[0])
            else:
                first, rows, ready = probe.time(reader.argv(), READER_CHECKS, env=reader.env())
                reader.times["painted"].append(first)
                reader.times["rows"].append(rows)
                reader.times["ready"].append(ready)
    return bare


def first_paint_big(probe: TmuxProbe, reader: Launcher, runs: int, corpus: Path, cold_runs: int) -> dict:
    """Warm: the corpus' parse cache is filled (every launch after the first). Cold: an empty cache dir."""
    argv = reader.argv(corpus, data="big-data")
    probe.time(argv, READER_CHECKS, timeout=300, env=reader.env("big-cache"))  # fills the parse cache, not counted
    times: dict[str, list[float]] = {}
    for label, count in (("warm", runs), ("cold", cold_runs)):
        for number in range(count):
            cache = "big-cache" if label == "warm" else f"cold-cache-{number}"
            first, rows, ready = probe.time(argv, READER_CHECKS, timeout=300, env=reader.env(cache))
            times.setdefault(f"{label} painted", []).append(first)
            times.setdefault(f"{label} rows", []).append(rows)
            times.setdefault(f"{label} ready", []).append(ready)
    return times


# --- (c): keystroke latency in the running app ---------------------------------------------------------------


def status_text(app) -> str:
    """The status line's text as the screen shows it."""
    return str(app.screen.query_one("#status").render())


def list_shows(app) -> list[float]:
    """From now on, the time of each hand-over of rows to the paper list (the list widget's `show`)."""
    from tui_reader.widgets import PaperList

    papers = app.screen.query_one(PaperList)
    shown_at: list[float] = []
    show = papers.show

    def recording_show(*args, **kwargs):
        show(*args, **kwargs)
        shown_at.append(time.perf_counter())

    papers.show = recording_show
    return shown_at


async def until_ready(app, pilot) -> int:
    """Wait until every file is loaded and indexed (the status line says nothing is under way) and the workers
    started after it are done; the number of papers."""
    for _ in range(3000):
        await app.workers.wait_for_complete()
        await pilot.pause(0.01)
        text = status_text(app)
        if STATUS.search(text) and not ACTIVITY.search(text):
            await app.workers.wait_for_complete()
            return int(STATUS.search(text).group(2).replace(",", ""))
    raise AssertionError(f"the reader was not ready; the status line: {status_text(app)!r}")


def run_reader(paths: Sequence[Path], session):
    """Launch the reader as `tui-reader PATH...` does, but driven by Textual's Pilot instead of a terminal (App.run
    is replaced by a Pilot session for the one run): once it is ready, ``await session(app, pilot)``; its result."""
    from textual.app import App

    from tui_reader.cli import main as cli_main

    async def drive(app):
        async with app.run_test(size=(120, 40)) as pilot:
            await until_ready(app, pilot)
            result = await session(app, pilot)
            app.exit()
        return result

    results = []
    run = App.run

    def run_with_pilot(app, *args, **kwargs):
        results.append(asyncio.run(drive(app)))

    with tempfile.TemporaryDirectory() as data_dir:
        App.run = run_with_pilot
        try:
            cli_main(["--data-dir", data_dir, *map(str, paths)])
        finally:
            App.run = run
    assert results, "the reader did not start"
    return results[0]


def keystroke_latency(paths: list[Path], rounds: int) -> tuple[list[float], list[float], int, int]:
    """Type QUERY key by key `rounds` times, the index built. For each key: seconds from the press until the list
    last got rows (the results of that key's search), and until the Pilot cycle (workers done, screen idle)
    finished. Uses only what a user sees: the status line, the search box, the list's rows."""

    async def session(app, pilot):
        total = int(STATUS.search(status_text(app)).group(2).replace(",", ""))
        shown_at = list_shows(app)
        to_results: list[float] = []
        cycle: list[float] = []
        await pilot.press("slash")
        shown = 0
        for _ in range(rounds):
            for typed in range(1, len(QUERY) + 1):
                char = QUERY[typed - 1]
                shown_at.clear()
                start = time.perf_counter()
                await pilot.press("space" if char == " " else char)
                await app.workers.wait_for_complete()
                await pilot.pause()
                cycle.append(time.perf_counter() - start)
                assert shown_at, f"no results reached the list for {QUERY[:typed]!r}"
                to_results.append(shown_at[-1] - start)
            shown = _shown(status_text(app))
            await pilot.press("escape", "escape")  # to the list (the query kept), then clear it
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("slash")  # back in the box for the next round
        return to_results, cycle, shown, total

    return run_reader(paths, session)


# --- report -------------------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f} ms"


def spread(ratios: Sequence[float]) -> str:
    return f"{median(ratios):.2f}x (min {min(ratios):.2f}, max {max(ratios):.2f})"


Row = tuple[str, str, str, str]  # measure, value, runs, note


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="rounds on the seeds (each: the bare app and each reader)")
    parser.add_argument("--big-runs", type=int, default=5, help="first-paint runs on the big corpus")
    parser.add_argument("--cold-runs", type=int, default=2, help="big-corpus runs with an empty parse cache")
    parser.add_argument("--papers", type=int, default=100_000, help="size of the big corpus")
    parser.add_argument("--rounds", type=int, default=3, help=f"times {QUERY!r} is typed per corpus")
    parser.add_argument("--first-paint-only", action="store_true", help="only (a): the seeds against the bare app")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="another checkout of tui-reader whose reader joins the seed rounds (its .venv's Python if it has one)",
    )
    parser.add_argument("--smoke", action="store_true", help="every part once at tiny sizes (checks the script works)")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.big_runs, args.cold_runs, args.papers, args.rounds = 1, 1, 1, 2000, 1
    if args.against is not None and not (args.against / "tui_reader").is_dir():
        parser.error(f"--against: no tui_reader package in {args.against}")
    return args


def measure(args: argparse.Namespace) -> tuple[list[Launcher], list[float], dict[str, list[float]], Path | None]:
    """The seed rounds (the bare app and each reader) and, unless --first-paint-only, the big corpus's runs."""
    with tempfile.TemporaryDirectory() as tmp:
        readers = [Launcher("this checkout", CHECKOUT, Path(tmp) / "this")]
        if args.against is not None:
            readers.append(Launcher(f"--against {args.against}", args.against.resolve(), Path(tmp) / "against"))
        for reader in readers:
            reader.compile()
        subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(HERE)], check=True)
        corpus = None if args.first_paint_only else big_corpus(args.papers)
        probe = TmuxProbe(120, 40)
        try:
            bare = first_paint_seeds(probe, readers, args.runs)
            big = first_paint_big(probe, readers[0], args.big_runs, corpus, args.cold_runs) if corpus else {}
        finally:
            probe.close()
    return readers, bare, big, corpus


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def seed_rows(args: argparse.Namespace, readers: list[Launcher], bare: list[float]) -> list[Row]:
    rows: list[Row] = []

    def ratio(reader: Launcher, key: str) -> list[float]:
        return [x / y for x, y in zip(reader.times[key], bare, strict=True)]

    n = f"n={args.runs}"
    rows.append(("seeds: bare Textual app, first paint", ms(median(bare)), n, "reference (same run)"))
    for reader in readers:
        rows.append((f"seeds: {reader.label}: python", "", "", str(reader.python)))
        first, shown = ratio(reader, "painted"), ratio(reader, "rows")
        rows.append((f"seeds: {reader.label}: first frame", ms(median(reader.times["painted"])), n, spread(first)))
        rows.append(
            (
                f"seeds: {reader.label}: papers on screen",
                ms(median(reader.times["rows"])),
                n,
                f"{spread(shown)} bare; target <= {TARGET_RATIO:.2f}x {verdict(median(shown) <= TARGET_RATIO)}",
            )
        )
        rows.append((f"seeds: {reader.label}: index ready", ms(median(reader.times["ready"])), n, ""))
    if len(readers) == 2:
        pairs = [x / y for x, y in zip(readers[0].times["rows"], readers[1].times["rows"], strict=True)]
        rows.append(("seeds: papers on screen, this checkout / --against", "", n, spread(pairs)))
    return rows


def big_rows(args: argparse.Namespace, big: dict[str, list[float]]) -> list[Row]:
    rows: list[Row] = []
    size = f"{args.papers / 1000:g}k"
    for label, count, note in (("warm", args.big_runs, "parse cache warm"), ("cold", args.cold_runs, "first launch")):
        if not count or not big:
            continue
        n = f"n={count}"
        shown_s = median(big[f"{label} rows"])
        rows.append((f"{size} {label}: first frame", ms(median(big[f"{label} painted"])), n, note))
        rows.append(
            (
                f"{size} {label}: papers on screen",
                ms(shown_s),
                n,
                f"target <= {TARGET_BIG_S * 1000:.0f} ms {verdict(shown_s <= TARGET_BIG_S)}",
            )
        )
        rows.append((f"{size} {label}: all loaded + indexed", ms(median(big[f"{label} ready"])), n, ""))
    return rows


def keystroke_rows(args: argparse.Namespace, corpus: Path | None) -> list[Row]:
    rows: list[Row] = []
    size = f"{args.papers / 1000:g}k"
    if not args.first_paint_only and args.rounds:
        assert corpus is not None
        from tui_reader.corpus import bundled_seeds

        for label, paths in ((size, [corpus]), ("seeds", [bundled_seeds()])):
            to_results, cycle, shown, total = keystroke_latency(paths, args.rounds)
            n = f"n={len(cycle)}"
            typed = f"{QUERY!r} typed: {shown:,} / {total:,} shown"
            rows.append((f"key -> results in list, {label}, median", ms(median(to_results)), n, typed))
            rows.append((f"key -> results in list, {label}, p95", ms(p95(to_results)), n, ""))
            rows.append(
                (f"key -> Pilot cycle done, {label}, median", ms(median(cycle)), n, "press + workers + screen idle")
            )
            rows.append((f"key -> Pilot cycle done, {label}, p95", ms(p95(cycle)), n, ""))
    return rows


def main() -> int:
    args = parse_args()
    readers, bare, big, corpus = measure(args)
    rows = seed_rows(args, readers, bare) + big_rows(args, big) + keystroke_rows(args, corpus)
    width = max(len(row[0]) for row in rows)
    print(f"\n{'measure':<{width}}  {'value':>11}  {'runs':>6}  note")
    for name, value, n, note in rows:
        print(f"{name:<{width}}  {value:>11}  {n:>6}  {note}")
    if os.environ.get("BENCH_RAW"):
        print("raw seconds: bare", [round(t, 4) for t in bare])
        for reader in readers:
            print(f"raw seconds: {reader.label}", {key: [round(t, 4) for t in v] for key, v in reader.times.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
