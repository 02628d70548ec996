"""The filters' tables of a big stored corpus kept on disk beside its index (tui_reader.search.table_files), against
working them out from the papers at the first filter (what an index without them does).

    .venv/bin/python benchmarks/bench_filter_tables.py                        # 100k papers, ~3 minutes
    .venv/bin/python benchmarks/bench_filter_tables.py --papers 1000000       # 1M: ~20 minutes, ~5 GB of cache
    .venv/bin/python benchmarks/bench_filter_tables.py --lines FILE           # an arXiv JSON Lines file of yours
    .venv/bin/python benchmarks/bench_filter_tables.py --smoke                # 2k papers
    ... --cache DIR    keep the imported stores, the index and its tables in DIR; a later run with it only opens

The file: arXiv JSON Lines of generated papers (bench_paper_store.py's ``lines_file``: bench_sources.py's records,
made once in benchmarks/out/). Each step runs in a fresh interpreter over one temporary XDG_CACHE_HOME:

import   the first import of the file into stores of papers (load_corpus), as the reader's first launch;
build    what the index's own process does (``python -m tui_reader.index_build``): the corpus opened from its
         stores, the index built and stored (cached_index), then every table worked out in one pass over the
         papers and stored (store_tables);
open     a reader's warm launch: the corpus opened, the index opened from the cache (with its tables, or the tables
         folder moved away: "none"), then the FIRST filters one after the other, each the first use of its table
         (the query answered and its first 50 rows highlighted), then "phrase + filters" (bench_search.py's EXTRA
         and FILTERED, typed key by key, 50 rows highlighted): the max and median of the keystrokes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

FIRST = ("date:Apr", "author:hinton", "cat:cs", "has:code", "has:doi")
FILTERED = ("transformer date:2024-04 author:hin cat:cs.lg", "-has:code learning cat:cs")

_COMMON = """import json, statistics, sys, time
from pathlib import Path
start = time.perf_counter()
from tui_reader.corpus import load_corpus
source = Path(sys.argv[1])
papers = load_corpus([source]).papers
loaded = time.perf_counter() - start
def rss_mb():
    fields = dict(l.split(":", 1) for l in Path("/proc/self/status").read_text().splitlines() if ":" in l)
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "RssAnon", "VmHWM")}
"""

BUILD = (
    _COMMON
    + """
from tui_reader.search.cache import cached_index, store_tables
t = time.perf_counter(); cached_index(papers, [source]); index_s = time.perf_counter() - t
t = time.perf_counter(); kept = store_tables(papers, [source]); tables_s = time.perf_counter() - t
print(json.dumps({"papers": len(papers), "stored": papers.stored, "load_s": loaded, "index_s": index_s,
                  "tables_s": tables_s, "kept": kept, "peak_mb": rss_mb()["VmHWM"]}))
"""
)

OPEN = (
    _COMMON
    + """
from types import SimpleNamespace
from bench_search import EXTRA, ROWS, type_query
from tui_reader.search.cache import cached_index
FIRST, FILTERED = json.loads(sys.argv[2]), json.loads(sys.argv[3])
def refused():
    raise SystemExit("the index was not in the cache")
t = time.perf_counter(); index = cached_index(papers, [source], build_apart=refused); opened = time.perf_counter() - t
marks = {p.id: SimpleNamespace(read=True, starred=k % 10 == 0) for k, p in enumerate(papers[:: 100])}
first = {}
for query in FIRST:
    t = time.perf_counter()
    result = index.search(query, marks)
    for i in result.indices[:ROWS]:
        result.spans(i)
    first[query] = [time.perf_counter() - t, len(result.indices)]
typed = [(t, q[: k + 1]) for q in (*EXTRA, *FILTERED) for k, t in enumerate(type_query(index, q, marks))]
times = [t for t, _ in typed]
print(json.dumps({"load_s": loaded, "open_s": opened, "first": first, "steady_max_ms": max(times) * 1000,
                  "steady_median_ms": statistics.median(times) * 1000, "rss_mb": rss_mb()["VmRSS"],
                  "slowest": [[t * 1000, text] for t, text in sorted(typed, reverse=True)[:3]],
                  "answers": [list(index.search(q, marks).indices[:50]) for q in (*FIRST, *FILTERED, *EXTRA)]}))
"""
)


def run(script: str, cache: Path, *args: str) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE}"}
    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, timeout=7200, check=False
    )
    if done.returncode:
        raise SystemExit(f"a step failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--lines", type=Path, help="an arXiv JSON Lines file to use instead of a generated one")
    parser.add_argument("--smoke", action="store_true", help="2k papers: checks that it runs")
    parser.add_argument("--cache", type=Path, help="a cache folder to keep (and reuse: no import, no build)")
    parsed = parser.parse_args(argv)
    if parsed.lines is not None:
        source = parsed.lines.resolve()
    else:
        from bench_paper_store import lines_file

        source = lines_file(2_000 if parsed.smoke else parsed.papers)
    args = (str(source), json.dumps(FIRST), json.dumps(FILTERED))
    with tempfile.TemporaryDirectory(prefix="bench-filter-tables-") as work:
        cache = Path(work) if parsed.cache is None else parsed.cache.resolve()
        cache.mkdir(parents=True, exist_ok=True)
        done = cache / "built.json"
        if done.exists():  # --cache: imported and built by an earlier run
            imported, built = json.loads(done.read_text())
        else:
            imported = run(_COMMON + "print(json.dumps({'import_s': loaded}))", cache, str(source))
            print(f"imported into stores: {imported['import_s']:.1f} s", flush=True)
            built = run(BUILD, cache, str(source))
            print(f"built: {json.dumps(built)}", flush=True)
            done.write_text(json.dumps([imported, built]))
        (entry,) = (cache / "tui-reader" / "index").glob("*.index")
        rows = {"stored" if built["kept"] else "none (a file too small to be stored)": run(OPEN, cache, *args)}
        if built["kept"]:
            os.rename(entry / "tables", cache / "tables-aside")
            try:
                rows["none"] = run(OPEN, cache, *args)
            finally:
                os.rename(cache / "tables-aside", entry / "tables")
    report(source, imported, built, rows)
    same = len({json.dumps(row["answers"]) for row in rows.values()}) == 1
    print("the same answers both ways" if same else "DIFFERENT ANSWERS with the tables kept and worked out")
    return 0 if same else 1


def report(source: Path, imported: dict, built: dict, rows: dict[str, dict]) -> None:
    print(
        f"\n{source}: {built['papers']:,} papers (stored: {built['stored']}); "
        f"first import {imported['import_s']:.1f} s;"
        f" the index's process: corpus opened {built['load_s']:.1f} s, index built and stored {built['index_s']:.1f}"
        f" s, tables worked out and stored {built['tables_s']:.1f} s (kept: {built['kept']}), peak RSS"
        f" {built['peak_mb']:,.0f} MB\n"
    )
    print(
        "| tables | corpus opened s | index opened s | "
        + " | ".join(f"first {q} ms (papers)" for q in FIRST)
        + " | phrase + filters max / median ms | RSS MB |"
    )
    print("|" + "---|" * (len(FIRST) + 5))
    for name, r in rows.items():
        firsts = " | ".join(f"{r['first'][q][0] * 1000:,.0f} ({r['first'][q][1]:,})" for q in FIRST)
        print(
            f"| {name} | {r['load_s']:.2f} | {r['open_s']:.3f} | {firsts} "
            f"| {r['steady_max_ms']:.0f} / {r['steady_median_ms']:.1f} | {r['rss_mb']:,.0f} |"
        )
    for name, r in rows.items():
        print(f"slowest keystrokes ({name}): " + ", ".join(f"{text!r} {ms:.0f} ms" for ms, text in r["slowest"]))


if __name__ == "__main__":
    raise SystemExit(main())
