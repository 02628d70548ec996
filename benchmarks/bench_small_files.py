"""A folder of many small dumps against ONE file holding the same papers, on a first launch.

    .venv/bin/python benchmarks/bench_small_files.py [--files 3000] [--runs 5] [--paint-runs 2] [--no-paint]

Every run starts cold: a fresh XDG_CACHE_HOME (an empty parse cache) and a fresh marks folder. The corpus is
3,000 generated papers (gen_corpus.py, abstracts cut to ~60 words), written twice into benchmarks/out/:
one page per file (~500 B each), and all the same pages pasted into one file. Measured in the same run,
folder and file alternating A/B then B/A, ratio = median of the per-pair ratios:

list      `tui-reader list PATH > /dev/null`, the whole process (what a script pays)
load      the reader's load path in a fresh interpreter, timed inside it: corpus_files, is_big, then read_file
          per file into a PaperSet (what the reader's Loader does in its worker), imports excluded
paint     (tmux) the reader spawned on PATH: first frame, papers on screen, every file loaded and indexed

Target: the folder costs at most 4x the single file, or at most 3 s more.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

OUT = HERE / "out"
LOAD = """import sys, time
start = time.perf_counter()
from tui_reader.cli.launch import is_big
from tui_reader.corpus import PaperSet, corpus_files, read_file
files = corpus_files([sys.argv[1]])
big = is_big(files)
papers = PaperSet()
for path in files:
    papers.add(read_file(path)[0])
print(time.perf_counter() - start, big, len(papers))
"""


def small_corpus(count: int) -> tuple[Path, Path, int]:
    """(folder of `count` one-page files, one file with the same pages, number of papers); made once."""
    base = OUT / f"small-{count}"
    folder, single = base / "files", base / "one" / "all.txt"
    done = base / ".complete"
    if not done.exists():
        from gen_corpus import generate

        shutil.rmtree(base, ignore_errors=True)
        folder.mkdir(parents=True)
        single.parent.mkdir(parents=True)
        pages = []
        for number, paper in enumerate(generate(count, seed=9)):
            words = paper.abstract.split()[:60]
            abstract = " ".join(words).rstrip(".,;:") + "."
            date = paper.dates[0] if paper.dates else "Jan 1"
            pages.append(f"Daily Papers\n\n{date}\n\n{paper.title}\n\n{abstract}\n")
            (folder / f"{number:05d}.txt").write_text(pages[-1], encoding="utf-8")
        single.write_text("\n".join(pages), encoding="utf-8")
        done.write_text(str(count))
    return folder, single, count


def cold_env(cache: str, data: str) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": cache, "XDG_DATA_HOME": data}


def time_list(path: Path) -> tuple[float, int]:
    """Seconds for `tui-reader list PATH` on a cold cache, and the number of papers it printed."""
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as data:
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "tui_reader", "list", str(path)],
            env=cold_env(cache, data),
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        return time.perf_counter() - start, len(run.stdout.splitlines())


def time_load(path: Path) -> tuple[float, bool, int]:
    """Seconds for the reader's load path (inside a fresh interpreter, cold cache), is_big, papers."""
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as data:
        run = subprocess.run(
            [sys.executable, "-c", LOAD, str(path)],
            env=cold_env(cache, data),
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
    seconds, big, papers = run.stdout.split()
    return float(seconds), big == "True", int(papers)


def paired(measure, folder: Path, single: Path, runs: int) -> tuple[list[float], list[float], list[float]]:
    """Folder and file times alternated A/B, B/A; also the per-pair ratios."""
    many, one, ratios = [], [], []
    for run in range(runs):
        order = (folder, single) if run % 2 == 0 else (single, folder)
        got = {path: measure(path)[0] for path in order}
        many.append(got[folder])
        one.append(got[single])
        ratios.append(got[folder] / got[single])
    return many, one, ratios


def paint(folder: Path, single: Path, runs: int) -> list[tuple[str, float, float]]:
    """(measure, folder seconds, file seconds) for the reader in tmux, cold cache, medians of `runs`."""
    from bench_app import READER_CHECKS
    from first_paint import TmuxProbe

    entry = Path(sys.executable).parent / "tui-reader"
    probe = TmuxProbe()
    times: dict[Path, list[list[float]]] = {folder: [], single: []}
    try:
        for run in range(runs):
            for path in (folder, single) if run % 2 == 0 else (single, folder):
                with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as data:
                    argv = ["env", f"XDG_CACHE_HOME={cache}", str(entry), "--data-dir", data, str(path)]
                    times[path].append(probe.time(argv, READER_CHECKS, timeout=300))
    finally:
        probe.close()
    names = ("first frame", "papers on screen", "all loaded + indexed")
    return [
        (name, statistics.median(t[i] for t in times[folder]), statistics.median(t[i] for t in times[single]))
        for i, name in enumerate(names)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5, help="A/B pairs for list and load")
    parser.add_argument("--paint-runs", type=int, default=2, help="tmux launches of each (0 to skip)")
    parser.add_argument("--no-paint", action="store_true", help="skip the tmux measure")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run: checks it still works")
    args = parser.parse_args()
    if args.smoke:
        args.files, args.runs, args.paint_runs = 40, 1, 1

    folder, single, papers = small_corpus(args.files)
    size = sum(p.stat().st_size for p in folder.iterdir())
    print(f"{papers:,} papers: {args.files:,} files of ~{size // args.files} B vs one file of {size // 1024} KiB")
    # both forms must hold the same papers, or the comparison means nothing
    _, big_many, count_many = time_load(folder)
    _, big_one, count_one = time_load(single)
    assert count_many == count_one, (count_many, count_one)
    print(f"is_big: folder {big_many}, file {big_one} (a big corpus streams in after the first paint)")

    ok = True
    header = f"{'cold first launch (s)':<32}{'folder':>9}{'one file':>10}{'ratio':>8}{'extra s':>9}"
    print(f"\n{header}  target <= 4x or <= 3 s more")
    for name, measure in (("tui-reader list", time_list), ("reader load path (in-process)", time_load)):
        many, one, ratios = paired(measure, folder, single, args.runs)
        m_many, m_one, ratio = statistics.median(many), statistics.median(one), statistics.median(ratios)
        met = ratio <= 4 or m_many - m_one <= 3
        ok &= met
        row = f"{name:<32}{m_many:>9.2f}{m_one:>10.2f}{ratio:>7.2f}x{m_many - m_one:>9.2f}"
        print(f"{row}  {'met' if met else 'MISSED'}")

    if not args.no_paint and args.paint_runs and shutil.which("tmux"):
        print(f"\n{'reader in tmux, cold (s)':<32}{'folder':>9}{'one file':>10}")
        for name, many, one in paint(folder, single, args.paint_runs):
            print(f"{name:<32}{many:>9.2f}{one:>10.2f}")
    return 0 if ok or args.smoke else 1  # a smoke run checks that it works, not how fast


if __name__ == "__main__":
    raise SystemExit(main())
