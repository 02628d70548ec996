"""The search index kept on disk as memory-mapped arrays (tui_reader.search.disk), against the pickle it replaces.

Generated papers (benchmarks/gen_corpus.py, the 211 seeds inside). One process builds the index and writes it both
ways: the folder of arrays, and the reference, today's pickle of the same parts (``pickle.dumps((digest, parts))``
as search/cache.py wrote before). Then each way is opened in a fresh process that holds the papers (unpickled
from a temp file first, so that their memory is there before the index's): **open** = read the parts (the folder:
every file's size and CRC-32 checked, arrays mapped; the pickle: unpickled whole) and make the SearchIndex,
**searchable** = open and the first query answered. RSS is VmRSS and RssAnon (without the mapped file pages the
kernel can drop) of that process, after the open and after the queries; "index" columns are the increase over the
papers alone. Then bench_search.py's keystrokes (three queries typed key by key, 50 rows highlighted), its phrase +
filters queries, and "more like this" on 20 papers. Warm: the files were just written, in the page cache.

    .venv/bin/python benchmarks/bench_index_disk.py                     # 100k papers, ~2 minutes
    .venv/bin/python benchmarks/bench_index_disk.py --papers 1000000     # 1M: ~5 minutes, ~3 GB in a temp folder
    .venv/bin/python benchmarks/bench_index_disk.py --smoke              # 2k papers
"""

from __future__ import annotations

import argparse
import json
import pickle
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

from bench_search import EXTRA, QUERIES, ROWS, percentile, type_query  # noqa: E402


def status_mb() -> dict[str, float]:
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "RssAnon", "VmHWM")}


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in ([path] if path.is_file() else path.rglob("*"))) / 1e6


def build(n: int, work: Path) -> dict:
    from gen_corpus import generate

    from tui_reader.search import SearchIndex, disk
    from tui_reader.search.cache import _digest

    start = time.perf_counter()
    papers = generate(n)
    generated = time.perf_counter() - start
    (work / "papers.pickle").write_bytes(pickle.dumps(papers, protocol=pickle.HIGHEST_PROTOCOL))
    start = time.perf_counter()
    digest = _digest(papers)
    digested = time.perf_counter() - start
    start = time.perf_counter()
    index = SearchIndex(papers)
    built = time.perf_counter() - start
    start = time.perf_counter()
    assert disk.store(work / "entry.index", digest, index.parts)
    written = time.perf_counter() - start
    start = time.perf_counter()
    (work / "entry.pickle").write_bytes(pickle.dumps((digest, index.parts), protocol=pickle.HIGHEST_PROTOCOL))
    pickled = time.perf_counter() - start
    return {
        "papers": n,
        "vocabulary": len(index.vocabulary),
        "generate_s": generated,
        "digest_s": digested,
        "build_s": built,
        "write_s": written,
        "pickle_write_s": pickled,
        "folder_mb": du_mb(work / "entry.index"),
        "pickle_mb": du_mb(work / "entry.pickle"),
    }


def measure(index) -> dict:
    papers = index.papers
    marks = {p.id: SimpleNamespace(read=True, starred=k % 10 == 0) for k, p in enumerate(papers[::100])}
    times = [t for q in QUERIES for t in type_query(index, q, marks)]
    extra = [t for q in EXTRA for t in type_query(index, q, marks)]
    like = []
    for position in range(0, len(papers), max(1, len(papers) // 20)):
        start = time.perf_counter()
        result = index.similar(position)
        for i in result.indices[:ROWS]:
            result.spans(i)
        like.append(time.perf_counter() - start)
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 95) * 1000,
        "max_ms": max(times) * 1000,
        "extra_max_ms": max(extra) * 1000,
        "like_median_ms": statistics.median(like) * 1000,
        "answers": [list(index.search(q).indices[:20]) for q in QUERIES + EXTRA],
    }


def derived_s(index) -> tuple[float, float]:
    """What SearchIndex.__init__ works out from the vocabulary (stems in order, words by length), timed as it does
    it; and the papers' text lengths ("more like this"), from Paper objects."""
    from collections import defaultdict

    import numpy as np

    from tui_reader.search.forms import stems
    from tui_reader.search.texts import text_lengths

    vocabulary = index.vocabulary
    start = time.perf_counter()
    word_stems = stems(vocabulary)
    order = sorted(range(len(word_stems)), key=word_stems.__getitem__)
    _keys, _order = [word_stems[i] for i in order], np.array(order, np.int64)
    by_length: defaultdict[int, list[int]] = defaultdict(list)
    for i, word in enumerate(vocabulary):
        by_length[len(word)].append(i)
    _by = {n: ([vocabulary[i] for i in ids], np.array(ids)) for n, ids in by_length.items()}
    derived = time.perf_counter() - start
    start = time.perf_counter()
    text_lengths(index.papers, len(index.papers))
    return derived, time.perf_counter() - start


def open_index(way: str, work: Path) -> dict:
    from tui_reader.search import SearchIndex, disk

    papers = pickle.loads((work / "papers.pickle").read_bytes())
    digest = pickle.loads((work / "entry.pickle").read_bytes())[0] if way == "pickle" else None
    base = status_mb()
    start = time.perf_counter()
    if way == "folder":
        from tui_reader.search.cache import _digest

        digest = _digest(papers)
        digested = time.perf_counter() - start
        start = time.perf_counter()
        parts = disk.load(work / "entry.index", digest)
    else:
        digested = 0.0
        stored_digest, parts = pickle.loads((work / "entry.pickle").read_bytes())
        assert stored_digest == digest
    read = time.perf_counter() - start
    index = SearchIndex(papers, parts)
    opened = time.perf_counter() - start
    index.search(QUERIES[0])
    searchable = time.perf_counter() - start
    after_open = status_mb()
    derived, lengths = derived_s(index)
    row = measure(index)
    after = status_mb()
    return {
        "way": way,
        "digest_s": digested,
        "read_s": read,
        "open_s": opened,
        "searchable_s": searchable,
        "derived_s": derived,
        "lengths_s": lengths,
        "papers_rss_mb": base["VmRSS"],
        "open_rss_mb": after_open["VmRSS"],
        "open_anon_mb": after_open["RssAnon"],
        "index_rss_mb": after_open["VmRSS"] - base["VmRSS"],
        "index_anon_mb": after_open["RssAnon"] - base["RssAnon"],
        "queries_rss_mb": after["VmRSS"],
        "queries_anon_mb": after["RssAnon"],
        "queries_index_rss_mb": after["VmRSS"] - base["VmRSS"],
        "queries_index_anon_mb": after["RssAnon"] - base["RssAnon"],
        **row,
    }


def child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(built: dict, rows: list[dict]) -> str:
    lines = [
        f"{built['papers']:,} papers, {built['vocabulary']:,} words: build {built['build_s']:.1f} s; written as a "
        f"folder in {built['write_s']:.2f} s ({built['folder_mb']:,.0f} MB), as a pickle in "
        f"{built['pickle_write_s']:.2f} s ({built['pickle_mb']:,.0f} MB); "
        f"digest of the texts {built['digest_s']:.2f} s",
        "",
        "| index kept as | digest s | read s | open s | searchable s | RSS after open MB (anon) "
        "| index's own MB (anon) "
        "| RSS after queries MB (anon) | index's own after queries MB (anon) | keystroke median / p95 / max ms "
        "| phrase+filters max ms | more like this median ms |",
        "|" + "---|" * 12,
    ]
    for r in rows:
        lines.append(
            f"| {r['way']} | {r['digest_s']:.2f} | {r['read_s']:.3f} | {r['open_s']:.3f} | {r['searchable_s']:.3f} "
            f"| {r['open_rss_mb']:,.0f} ({r['open_anon_mb']:,.0f}) "
            f"| {r['index_rss_mb']:,.0f} ({r['index_anon_mb']:,.0f}) "
            f"| {r['queries_rss_mb']:,.0f} ({r['queries_anon_mb']:,.0f}) "
            f"| {r['queries_index_rss_mb']:,.0f} ({r['queries_index_anon_mb']:,.0f}) "
            f"| {r['median_ms']:.1f} / {r['p95_ms']:.1f} / {r['max_ms']:.0f} | {r['extra_max_ms']:.0f} "
            f"| {r['like_median_ms']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="2k papers: checks that it runs")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # internal: (build|folder|pickle, work dir)
    args = parser.parse_args(argv)
    if args.child:
        what, work = args.child[0], Path(args.child[1])
        print(json.dumps(build(args.papers, work) if what == "build" else open_index(what, work)))
        return 0
    n = 2_000 if args.smoke else args.papers
    with tempfile.TemporaryDirectory(prefix="bench-index-disk-") as work:
        built = child("--papers", str(n), "--child", "build", work)
        print(f"built and written: {built['build_s']:.1f} s build", flush=True)
        rows = [child("--papers", str(n), "--child", way, work) for way in ("folder", "pickle")]
    print(table(built, rows))
    print(
        f"of the open: the vocabulary's derived tables {rows[0]['derived_s']:.2f} s, "
        f"the papers' text lengths {rows[0]['lengths_s']:.2f} s (from Paper objects)"
    )
    same = rows[0]["answers"] == rows[1]["answers"]
    print("the same answers both ways" if same else "DIFFERENT ANSWERS from the folder and the pickle")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
