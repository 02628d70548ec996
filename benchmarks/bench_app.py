"""The reader's speed as a user feels it.

(a) first paint on the seeds vs a bare Textual app, both spawned in tmux, runs alternated A/B (target ratio <= 1.25);
(b) first paint and index-ready time with a 100k-paper corpus (target first paint <= 1.5 s);
(c) per-keystroke latency in the running app (Pilot): press -> results in the list, and -> the Pilot cycle done.

    .venv/bin/python benchmarks/bench_app.py [--runs 10] [--big-runs 5] [--cold-runs 2] [--papers 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bare_app import READY  # noqa: E402
from first_paint import TmuxProbe  # noqa: E402

PYTHON = Path(sys.executable)
ENTRY = PYTHON.parent / "tui-reader"
OUT = HERE / "out"
QUERY = "diffusion mod"


STATUS = re.compile(r"([\d,]+) / ([\d,]+) shown")


def _status_line(screen: str) -> str | None:
    return next((line for line in screen.splitlines() if STATUS.search(line)), None)


def painted(screen: str) -> bool:
    """The reader's first frame: its status line is up (the list may still be empty while files load)."""
    return _status_line(screen) is not None


def rows_shown(screen: str) -> bool:
    """Papers are on screen: the status line counts more than 0 shown."""
    line = _status_line(screen)
    return line is not None and int(STATUS.search(line).group(1).replace(",", "")) > 0


def all_ready(screen: str) -> bool:
    """Every file loaded and the index built: the status line ends at its view, with no 'loading …' or
    'indexing…' after it (anchored at the end, so a notification covering the line's end cannot fool it)."""
    line = _status_line(screen)
    return line is not None and re.search(r"view: \w+\s*$", line) is not None


def bare_painted(screen: str) -> bool:
    return READY in screen


def median(values) -> float:
    return statistics.median(values)


def p95(values) -> float:
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


def first_paint_seeds(probe: TmuxProbe, runs: int, data_dir: Path) -> dict[str, list[float]]:
    """tui-reader on the seeds and the bare app, alternated A/B then B/A so neither always goes first."""
    reader = [str(ENTRY), "--data-dir", str(data_dir)]
    bare = [str(PYTHON), str(HERE / "bare_app.py")]
    probe.time(reader, READER_CHECKS)  # warms the disk cache, .pyc files and the parse cache: not counted
    probe.time(bare, [bare_painted])
    times: dict[str, list[float]] = {"bare": [], "painted": [], "rows": [], "ready": []}
    for run in range(runs):
        pair = [False, True] if run % 2 else [True, False]
        for is_reader in pair:
            if is_reader:
                first, rows, ready = probe.time(reader, READER_CHECKS)
                times["painted"].append(first)
                times["rows"].append(rows)
                times["ready"].append(ready)
            else:
                times["bare"].append(probe.time(bare, [bare_painted])[0])
    return times


def first_paint_big(probe: TmuxProbe, runs: int, corpus: Path, data_dir: Path, cold_runs: int) -> dict:
    """Warm: the corpus' parse cache is filled (every launch after the first). Cold: an empty cache dir."""
    argv = [str(ENTRY), "--data-dir", str(data_dir), str(corpus)]
    probe.time(argv, READER_CHECKS, timeout=300)  # fills the parse cache, not counted
    times: dict[str, list[float]] = {}
    for label, count in (("warm", runs), ("cold", cold_runs)):
        for _ in range(count):
            with tempfile.TemporaryDirectory() as cache:
                env = [f"XDG_CACHE_HOME={cache}"] if label == "cold" else []
                first, rows, ready = probe.time(["env", *env, *argv], READER_CHECKS, timeout=300)
            times.setdefault(f"{label} painted", []).append(first)
            times.setdefault(f"{label} rows", []).append(rows)
            times.setdefault(f"{label} ready", []).append(ready)
    return times


# --- (c): keystroke latency in the running app ---------------------------------------------------------------


async def keystroke_latency(paths: list[Path] | None, rounds: int) -> tuple[list[float], list[float], int, int]:
    """Type QUERY key by key `rounds` times. For each key: seconds from the press until the list got the new
    results (timestamped inside the app), and until the Pilot cycle (workers done, screen idle) finished."""
    from tui_reader.app import ReaderApp
    from tui_reader.corpus import load_corpus
    from tui_reader.library import MarkStore

    corpus = load_corpus(paths)
    with tempfile.TemporaryDirectory() as data_dir:
        store = MarkStore.open(Path(data_dir))
        app = ReaderApp(corpus.papers, store, corpus.warnings)
        applied: list[tuple[float, str]] = []  # (when, query) each time results reach the list
        show_rows = app._show_rows

        def recording_show_rows(*args, **kwargs):
            show_rows(*args, **kwargs)
            applied.append((time.perf_counter(), app.reader.query))

        app._show_rows = recording_show_rows
        to_results: list[float] = []
        cycle: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(50):  # the index: its worker starts after the first refresh
                await app.workers.wait_for_complete()
                await pilot.pause()
                if app.reader.index is not None:
                    break
            assert app.reader.index is not None, "the index should be ready"
            await pilot.press("slash")
            for _ in range(rounds):
                for typed in range(1, len(QUERY) + 1):
                    char = QUERY[typed - 1]
                    applied.clear()
                    start = time.perf_counter()
                    await pilot.press("space" if char == " " else char)
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    cycle.append(time.perf_counter() - start)
                    when = [at for at, query in applied if query == QUERY[:typed]]
                    assert when, f"no results applied for {QUERY[:typed]!r}"
                    to_results.append(when[-1] - start)
                assert app.reader.result is not None, "results were not applied"
                shown = len(app.reader.rows)
                await pilot.press("escape")  # clear the box for the next round
                await app.workers.wait_for_complete()
                await pilot.pause()
        store.close()
    return to_results, cycle, shown, len(corpus.papers)


# --- report -------------------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="A/B pairs on the seeds")
    parser.add_argument("--big-runs", type=int, default=5, help="first-paint runs on the big corpus")
    parser.add_argument("--cold-runs", type=int, default=2, help="big-corpus runs with an empty parse cache")
    parser.add_argument("--papers", type=int, default=100_000, help="size of the big corpus")
    parser.add_argument("--rounds", type=int, default=3, help=f"times {QUERY!r} is typed per corpus")
    args = parser.parse_args()

    corpus = big_corpus(args.papers)
    rows: list[tuple[str, str, str, str]] = []
    # bytecode for the project and the reference, as an installed package has (pip compiles on install)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "tui_reader"), str(HERE)], check=True)

    with tempfile.TemporaryDirectory() as tmp:
        probe = TmuxProbe(120, 40)
        try:
            seeds = first_paint_seeds(probe, args.runs, Path(tmp) / "seeds")
            big = first_paint_big(probe, args.big_runs, corpus, Path(tmp) / "big", args.cold_runs)
        finally:
            probe.close()

    def ratio(key: str) -> float:
        return median([x / y for x, y in zip(seeds[key], seeds["bare"], strict=False)])

    def verdict(ok: bool) -> str:
        return "OK" if ok else "MISSED"

    n = f"n={args.runs}"
    rows.append(("seeds: bare Textual app, first paint", ms(median(seeds["bare"])), n, "reference (same run)"))
    rows.append(
        (
            "seeds: tui-reader, first frame",
            ms(median(seeds["painted"])),
            n,
            f"{ratio('painted'):.2f}x bare (median of pair ratios)",
        )
    )
    rows.append(
        (
            "seeds: tui-reader, papers on screen",
            ms(median(seeds["rows"])),
            n,
            f"{ratio('rows'):.2f}x bare; target <= 1.25x {verdict(ratio('rows') <= 1.25)}",
        )
    )
    rows.append(("seeds: tui-reader, index ready", ms(median(seeds["ready"])), n, ""))
    size = f"{args.papers // 1000}k"
    for label, count, note in (("warm", args.big_runs, "parse cache warm"), ("cold", args.cold_runs, "first launch")):
        if not count:
            continue
        n = f"n={count}"
        shown = median(big[f"{label} rows"])
        rows.append((f"{size} {label}: tui-reader, first frame", ms(median(big[f"{label} painted"])), n, note))
        rows.append(
            (
                f"{size} {label}: tui-reader, papers on screen",
                ms(shown),
                n,
                f"target <= 1500 ms {verdict(shown <= 1.5)}",
            )
        )
        rows.append((f"{size} {label}: tui-reader, all loaded + indexed", ms(median(big[f"{label} ready"])), n, ""))

    for label, paths in ((size, [corpus]), ("seeds", None)):
        to_results, cycle, shown, total = asyncio.run(keystroke_latency(paths, args.rounds))
        n = f"n={len(cycle)}"
        rows.append(
            (
                f"key -> results in list, {label}, median",
                ms(median(to_results)),
                n,
                f"{QUERY!r} typed: {shown:,} / {total:,} shown",
            )
        )
        rows.append((f"key -> results in list, {label}, p95", ms(p95(to_results)), n, ""))
        rows.append(
            (f"key -> Pilot cycle done, {label}, median", ms(median(cycle)), n, "press + workers done + screen idle")
        )
        rows.append((f"key -> Pilot cycle done, {label}, p95", ms(p95(cycle)), n, ""))

    width = max(len(row[0]) for row in rows)
    print(f"\n{'measure':<{width}}  {'value':>11}  {'runs':>6}  note")
    for name, value, n, note in rows:
        print(f"{name:<{width}}  {value:>11}  {n:>6}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
