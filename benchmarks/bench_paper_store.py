"""The paper store (tui_reader/paper_store.py) against the parse cache, on the same arXiv JSON Lines file.

    .venv/bin/python benchmarks/bench_paper_store.py [--papers 100000] [--lines FILE] [--runs 3] [--smoke]

The file: arXiv metadata JSON Lines of gen_corpus.py's papers (bench_sources.py's records), written once into
benchmarks/out/ (or an existing one given by --lines). Every measure runs in a fresh interpreter:

write     the file parsed and written as a store (write_store over read_file_parts); reference: the same file
          parsed and written to the parse cache (read_file, a cold cache), what a first launch does today
open      a warm open: open_store (meta, every column's crc32 checked, blobs mapped); reference: the parse cache
          read whole (pickle.loads of every part, read_file) into a PaperSet, what a warm launch does today
RSS       VmRSS and RssAnon (without the file pages mapped, which the kernel can take back) after the open
rows      50 random rows as Paper objects (the store builds them; the reference indexes its list)
texts     the titles and abstracts of 20,000 random rows
lookups   1,000 paper ids and 1,000 arXiv ids one at a time, then rows_of_ids of 100,000 ids (the reference: its
          dicts)

Medians of --runs for the warm measures (A/B alternated); one write each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

OUT = HERE / "out"

COMMON = """import json, os, random, sys, time
def rss():
    got = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "VmHWM"):
            got[key] = int(value.split()[0]) / 1024
    return got
source, folder = sys.argv[1], sys.argv[2]
from pathlib import Path
source = Path(source)
"""

WRITE_STORE = (
    COMMON
    + """start = time.perf_counter()
from tui_reader.corpus import _identity, fingerprint, read_file_parts
from tui_reader.paper_store_writer import write_store
before = _identity(source)
parts = ((papers, []) for papers, _ in read_file_parts(source, use_cache=False))
store = write_store(source, parts, fingerprint=fingerprint(), identity_before=before, folder=Path(folder))
took = time.perf_counter() - start
size = sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())
print(json.dumps({"write": took, "papers": len(store), "disk": size, **rss()}))
"""
)

WRITE_CACHE = (
    COMMON
    + """start = time.perf_counter()
from tui_reader.corpus import PaperSet, cache_dir, read_file_parts
count = 0
for papers, _ in read_file_parts(source):
    count += len(papers)
took = time.perf_counter() - start
size = sum(f.stat().st_size for f in cache_dir().rglob("*") if f.is_file())
print(json.dumps({"write": took, "papers": count, "disk": size, **rss()}))
"""
)

USE = """rng = random.Random(7)
n = len(papers)
rows = [rng.randrange(n) for _ in range(50)]
t = time.perf_counter(); shown = [papers[i] for i in rows]; took_rows = time.perf_counter() - t
many = [rng.randrange(n) for _ in range(20_000)]
t = time.perf_counter(); texts = [(titles[i], abstracts[i]) for i in many]; took_texts = time.perf_counter() - t
probe = [rng.randrange(n) for _ in range(1000)]
ids = [str(papers[i].id) for i in probe]
arx = [papers[i].arxiv_id for i in probe]
t = time.perf_counter(); found = [by_id(x) for x in ids]; took_ids = time.perf_counter() - t
t = time.perf_counter(); found_arxiv = [by_arxiv(x) for x in arx]; took_arxiv = time.perf_counter() - t
assert found == probe, "ids"
bulk = [str(papers[rng.randrange(n)].id) for _ in range(100_000)]
t = time.perf_counter(); in_bulk = many_ids(bulk); took_bulk = time.perf_counter() - t
print(json.dumps({"open": opened, "rows": took_rows, "texts": took_texts, "ids": took_ids, "arxiv": took_arxiv,
                  "bulk": took_bulk, "papers": n, **memory}))
"""

OPEN_STORE = (
    COMMON
    + """start = time.perf_counter()
from tui_reader.corpus import fingerprint
from tui_reader.paper_store import open_store
papers = open_store(source, Path(folder), fingerprint=fingerprint())
opened = time.perf_counter() - start
memory = rss()
titles, abstracts = papers.texts("title"), papers.texts("abstract")
by_id, by_arxiv, many_ids = papers.position_of_id, papers.position_of_arxiv, papers.rows_of_ids
"""
    + USE
)

OPEN_CACHE = (
    COMMON
    + """start = time.perf_counter()
from tui_reader.corpus import PaperSet, read_file
found, _ = read_file(source)
papers = PaperSet(found)
del found
opened = time.perf_counter() - start
memory = rss()
titles = abstracts = None
class Texts:
    def __init__(self, field): self.field = field
    def __getitem__(self, i): return getattr(papers[i], self.field)
titles, abstracts = Texts("title"), Texts("abstract")
by_id, by_arxiv = papers.ids.get, papers.arxiv.get
many_ids = lambda ids: [papers.ids.get(x, -1) for x in ids]
"""
    + USE
)


def lines_file(count: int) -> Path:
    """arXiv JSON Lines of ``count`` generated papers: bench_sources.py's, when it has made them; else made once."""
    made = OUT / f"sources-{count}"
    if (made / ".complete").exists():
        return made / "arxiv.jsonl"
    base = OUT / f"store-{count}"
    lines = base / "arxiv.jsonl"
    if not (base / ".complete").exists():
        from bench_sources import arxiv_record
        from gen_corpus import generate

        base.mkdir(parents=True, exist_ok=True)
        rng = random.Random(11)
        with lines.open("w", encoding="utf-8") as out:
            for number, paper in enumerate(generate(count, seed=11)):
                out.write(arxiv_record(number, paper.title, paper.abstract or "No abstract.", rng) + "\n")
        (base / ".complete").write_text(str(count))
    return lines


def run(script: str, source: Path, folder: Path, cache: Path) -> dict[str, float]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(source), str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=7200,
    )
    if done.returncode:
        raise SystemExit(f"a measure failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--lines", type=Path, help="an arXiv JSON Lines file to use instead of a generated one")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="1,000 papers, one run: checks it still works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.papers, args.runs = 1_000, 1
    source = args.lines or lines_file(args.papers)
    with tempfile.TemporaryDirectory() as tmp:
        folder, cache = Path(tmp) / "stores", Path(tmp) / "cache"
        wrote = {"store": run(WRITE_STORE, source, folder, cache), "cache": run(WRITE_CACHE, source, folder, cache)}
        warm: dict[str, list[dict[str, float]]] = {"store": [], "cache": []}
        for turn in range(args.runs):
            order = ["store", "cache"] if turn % 2 == 0 else ["cache", "store"]
            for kind in order:
                warm[kind].append(run(OPEN_STORE if kind == "store" else OPEN_CACHE, source, folder, cache))
    report(source, wrote, warm)
    return 0


def report(source: Path, wrote: dict[str, dict[str, float]], warm: dict[str, list[dict[str, float]]]) -> None:
    def med(kind: str, key: str) -> float:
        return statistics.median(run[key] for run in warm[kind])

    print(f"\n{source} ({int(wrote['store']['papers']):,} papers; warm: median of {len(warm['store'])} runs)\n")
    print("| | write s | disk MB | write peak RSS MB | warm open s | RSS after open MB (anon) | 50 rows ms |"
          " 20k rows' texts ms | 1k id / 1k arXiv lookups ms | 100k rows_of_ids ms |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind, label in (("store", "paper store"), ("cache", "parse cache (reference)")):
        w = wrote[kind]
        print(
            f"| {label} | {w['write']:.1f} | {w['disk'] / 2**20:,.0f} | {w['VmHWM']:,.0f} | {med(kind, 'open'):.3f} "
            f"| {med(kind, 'VmRSS'):,.0f} ({med(kind, 'RssAnon'):,.0f}) | {med(kind, 'rows') * 1e3:.2f} "
            f"| {med(kind, 'texts') * 1e3:.1f} | {med(kind, 'ids') * 1e3:.2f} / {med(kind, 'arxiv') * 1e3:.2f} "
            f"| {med(kind, 'bulk') * 1e3:.1f} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
