"""arXiv metadata JSON Lines against text dumps holding the same papers, in the reader's load path.

    .venv/bin/python benchmarks/bench_sources.py [--sizes 100000 1000000] [--runs 3] [--big-runs 1] [--no-index]

The papers are generated (gen_corpus.py) and written once into benchmarks/out/sources-N/: as one arXiv metadata
JSON Lines file (wrapped titles and abstracts, LaTeX in one paper in ten, author strings, versions), and as
dumps (gen_corpus.write_dumps: one file per listing date). Each measure runs in a fresh interpreter, timed
inside it from before the project's imports:

first     papers on screen: the reader's load path (what the reader's Loader does in its worker: corpus_files,
          then read_file_parts per file into a PaperSet) until the first papers are in the PaperSet
loaded    every file read into the PaperSet
indexed   then the search index built from it (SearchIndex; the reader's next step)
RSS       peak resident memory (ru_maxrss) when loaded, and after indexing

tmux      (--paint-runs, sizes up to 200k) the reader itself spawned in tmux on a cold cache: first frame,
          papers on screen, every file loaded and indexed (as bench_small_files.py measures it)

cold: a fresh XDG_CACHE_HOME (an empty parse cache, written during the run); warm: the same launch again.
JSON Lines and dumps alternate A/B, B/A; medians of --runs (--big-runs for sizes over 200k).
Targets: 100k JSON Lines papers on screen in <= 1 s; 1M loaded in <= 2x the memory of the same papers as dumps.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

OUT = HERE / "out"
MEASURE = """import json, resource, sys, time
start = time.perf_counter()
from tui_reader.corpus import PaperSet, corpus_files, read_file_parts
files = corpus_files([sys.argv[1]])
papers = PaperSet()
first = None
for path in files:
    for part, _ in read_file_parts(path):
        papers.add(part)
        if first is None and len(papers):
            first = time.perf_counter() - start
loaded = time.perf_counter() - start
rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
indexed = rss_indexed = None
if sys.argv[2] == "index":
    from tui_reader.search import SearchIndex
    SearchIndex(papers)
    indexed = time.perf_counter() - start
    rss_indexed = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"first": first, "loaded": loaded, "indexed": indexed, "rss_loaded": rss_loaded,
                  "rss_indexed": rss_indexed, "papers": len(papers)}))
"""
_NAMES = ["A. Vaswani", "N. Shazeer", "Y. Bengio", "G. Hinton", 'E. Schr\\"odinger', "P. Erd\\H{o}s", "L. Ng"]
_LATEX = [" with $\\mathcal{O}(n \\log n)$ cost", ' for na\\"ive baselines', " at 95\\% accuracy"]


def _wrap(text: str, every: int, rng: random.Random) -> str:
    """Break a line as arXiv metadata does: a newline (and two spaces) after about ``every`` words."""
    words = text.split(" ")
    for at in range(every, len(words), every):
        words[at] = "\n  " + words[at] if rng.random() < 0.5 else "\n" + words[at]
    return " ".join(words)


def arxiv_record(number: int, title: str, abstract: str, rng: random.Random) -> str:
    month = number // 90_000
    arxiv = f"{15 + month // 12:02d}{month % 12 + 1:02d}.{number % 90_000:05d}"
    if rng.random() < 0.1:
        abstract = abstract.rstrip(".") + rng.choice(_LATEX) + "."
    names = rng.sample(_NAMES, rng.randint(1, 4))
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    record = {
        "id": arxiv,
        "submitter": names[0],
        "authors": authors,
        "title": _wrap(title, 9, rng),
        "comments": "12 pages",
        "journal-ref": None,
        "doi": None,
        "categories": "cs.LG cs.AI",
        "abstract": "  " + _wrap(abstract, 12, rng) + "\n",
        "versions": [{"version": "v1", "created": f"Mon, {number % 28 + 1} Apr 2024 19:18:42 GMT"}],
        "update_date": "2024-05-01",
    }
    return json.dumps(record)


def corpus(count: int) -> tuple[Path, Path]:
    """(the JSON Lines file, the folder of dumps) holding the same ``count`` papers; made once."""
    base = OUT / f"sources-{count}"
    lines, dumps = base / "arxiv.jsonl", base / "dumps"
    done = base / ".complete"
    if not done.exists():
        from gen_corpus import generate, write_dumps

        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        papers = generate(count, seed=11)
        rng = random.Random(11)
        with lines.open("w", encoding="utf-8") as out:
            for number, paper in enumerate(papers):
                out.write(arxiv_record(number, paper.title, paper.abstract or "No abstract.", rng) + "\n")
        write_dumps(papers, dumps)
        done.write_text(str(count))
    return lines, dumps


def measure(path: Path, cache: str, index: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data:
        run = subprocess.run(
            [sys.executable, "-c", MEASURE, str(path), "index" if index else "-"],
            env={**os.environ, "XDG_CACHE_HOME": cache, "XDG_DATA_HOME": data},
            capture_output=True,
            text=True,
            timeout=3600,
            check=True,
        )
    result: dict[str, float] = json.loads(run.stdout)
    return result


def compare(count: int, runs: int, index: bool) -> dict[str, dict[str, list[dict[str, float]]]]:
    lines, dumps = corpus(count)
    got: dict[str, dict[str, list[dict[str, float]]]] = {kind: {"cold": [], "warm": []} for kind in ("jsonl", "dumps")}
    for run in range(runs):
        order = [("jsonl", lines), ("dumps", dumps)]
        for kind, path in order if run % 2 == 0 else order[::-1]:
            with tempfile.TemporaryDirectory() as cache:
                got[kind]["cold"].append(measure(path, cache, index))
                got[kind]["warm"].append(measure(path, cache, index))
    return got


def _median(results: list[dict[str, float]], key: str) -> float | None:
    values = [r[key] for r in results if r.get(key) is not None]
    return statistics.median(values) if values else None


def report(count: int, got: dict[str, dict[str, list[dict[str, float]]]]) -> None:
    print(f"\n{count:,} papers ({len(got['jsonl']['cold'])} runs)")
    print("| source | cache | on screen s | loaded s | indexed s | RSS loaded MB | RSS indexed MB | papers |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in ("jsonl", "dumps"):
        for cache in ("cold", "warm"):
            results = got[kind][cache]
            cells = []
            for key, digits in (("first", 2), ("loaded", 1), ("indexed", 1), ("rss_loaded", 0), ("rss_indexed", 0)):
                value = _median(results, key)
                cells.append("—" if value is None else f"{value:,.{digits}f}")
            print(f"| {kind} | {cache} | {' | '.join(cells)} | {int(results[0]['papers']):,} |")
    for cache in ("cold", "warm"):
        ratio = _median(got["jsonl"][cache], "rss_loaded")
        reference = _median(got["dumps"][cache], "rss_loaded")
        if ratio and reference:
            print(f"RSS loaded, JSON Lines / dumps ({cache}): {ratio / reference:.2f}x")


def paint(count: int, runs: int) -> None:
    """The reader in tmux on the JSON Lines file and on the dumps, cold cache, alternated; medians."""
    from bench_app import READER_CHECKS
    from first_paint import TmuxProbe

    lines, dumps = corpus(count)
    entry = Path(sys.executable).parent / "tui-reader"
    tree = f"PYTHONPATH={HERE.parent}"  # this tree's package, whatever the virtualenv has installed
    probe = TmuxProbe()
    times: dict[str, list[list[float]]] = {"jsonl": [], "dumps": []}
    try:
        for run in range(runs):
            order = [("jsonl", lines), ("dumps", dumps)]
            for kind, path in order if run % 2 == 0 else order[::-1]:
                with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as data:
                    argv = ["env", tree, f"XDG_CACHE_HOME={cache}", str(entry), "--data-dir", data, str(path)]
                    times[kind].append(probe.time(argv, READER_CHECKS, timeout=600))
    finally:
        probe.close()
    print(f"\nreader in tmux, {count:,} papers, cold cache ({runs} runs)")
    print("| source | first frame s | papers on screen s | all loaded + indexed s |")
    print("|---|---|---|---|")
    for kind, got in times.items():
        print(f"| {kind} | " + " | ".join(f"{statistics.median(t[i] for t in got):.2f}" for i in range(3)) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1)
    parser.add_argument("--no-index", action="store_true", help="skip building the search index")
    parser.add_argument("--paint-runs", type=int, default=2, help="tmux launches of each (0: none)")
    parser.add_argument("--paint-only", action="store_true", help="only the tmux measure")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run: checks it still works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.runs, args.paint_runs = [1_000], 1, 1
    for count in args.sizes:
        runs = args.runs if count <= 200_000 else args.big_runs
        if not args.paint_only:
            report(count, compare(count, runs, not args.no_index))
        if args.paint_runs and count <= 200_000 and shutil.which("tmux"):
            paint(count, args.paint_runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
