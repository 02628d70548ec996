"""Search engines compared on one generated corpus: our SearchIndex, tantivy and SQLite FTS5.

The corpus is generated once (benchmarks/gen_corpus.py: the 211 seed papers spread through N generated ones) and
written as JSON Lines; each engine then runs in its own processes, so that one engine's memory never counts for
another: ``build`` (read the lines, index, write to disk), ``cold`` (the index files dropped from the page cache
with posix_fadvise, then opened and one query answered) and ``warm`` (opened again, then measured):

- keystrokes: the queries of bench_search.py typed key by key (the search, then the 50 rows shown);
- phrase + filters: bench_search.py's two extra queries typed key by key (``is:unread``: every 100th paper read);
- more like this: 20 papers spread over the corpus;
- quality: bench_quality.py's query sets (seed 14), each target being the seed paper inside the big corpus,
  R@10 of the query as typed (its last word a prefix).

How each engine gets our rules (typos, word forms, prefixes, acronyms): see ``Tantivy`` and ``Fts5`` below.
An engine that is not installed is skipped with one line. Memory: VmRSS / VmHWM / RssAnon of /proc/self/status.

    .venv/bin/python benchmarks/bench_engines.py                      # 100k papers (a few minutes)
    .venv/bin/python benchmarks/bench_engines.py --papers 1000000     # 1M (20-30 minutes, ~4 GB free disk)
    .venv/bin/python benchmarks/bench_engines.py --smoke              # 2k papers: checks it works
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pickle
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_search import EXTRA, QUERIES, ROWS, keystrokes, percentile  # noqa: E402

from tui_reader.search.forms import STOPWORDS  # noqa: E402
from tui_reader.search.query import Query, Term, max_typos, parse_query  # noqa: E402
from tui_reader.search.text import words_of  # noqa: E402

ENGINES = ("ours", "tantivy", "fts5")
LIKE = 20  # "more like this" on this many papers spread over the corpus
READ_EVERY = 100  # every 100th paper is read (as in bench_search.py)
CANDIDATES = 200  # quality: is the target among this many (what a re-ranking of the engine's best would see)
Row = dict[str, Any]


def status() -> dict[str, float]:
    """Resident memory of this process, MB: now, peak, anonymous (not file-backed pages)."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    mb = {key: int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM", "RssAnon")}
    return {"rss_mb": mb["VmRSS"], "peak_mb": mb["VmHWM"], "anon_mb": mb["RssAnon"]}


def read_lines(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """(id, title, abstract, first date) of each paper of the corpus file."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            pid, title, abstract, date = json.loads(line)
            yield pid, title, abstract, date


def size_of(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def drop_cache(path: Path) -> None:
    """Evict the file, or the files of the folder, from the page cache (no root needed; clean pages only)."""
    for f in [path, *path.rglob("*")] if path.is_dir() else [path]:
        if f.is_file():
            fd = os.open(f, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


# ---------------------------------------------------------------------------------------------------------
# Our index: the papers and the index parts pickled (the reader's parse cache and index cache), unpickled whole


class Ours:
    def __init__(self, folder: Path) -> None:
        self.file = folder / "ours.pickle"
        self.index: Any = None
        self.marks: dict[str, Any] = {}

    def build(self, corpus: Path) -> None:
        from tui_reader.paper import Paper
        from tui_reader.search import SearchIndex

        papers = [
            Paper(id=i, title=t, abstract=a, dates=(d,), sources=("synthetic",)) for i, t, a, d in read_lines(corpus)
        ]
        self.index = SearchIndex(papers)
        with self.file.open("wb") as out:
            pickle.dump((papers, self.index.parts), out, protocol=pickle.HIGHEST_PROTOCOL)

    def open(self) -> None:
        from tui_reader.search import SearchIndex

        with self.file.open("rb") as stored:
            papers, parts = pickle.load(stored)
        self.index = SearchIndex(papers, parts)
        read = self.index.papers[::READ_EVERY]
        self.marks = {p.id: SimpleNamespace(read=True, starred=k % 10 == 0) for k, p in enumerate(read)}

    def search(self, text: str, rows: int = ROWS) -> list[int]:
        result = self.index.search(text, self.marks)
        shown = result.indices[:rows]
        for i in shown:
            result.spans(i)
        return [int(i) for i in shown]

    def like(self, position: int, text: str) -> list[int]:
        result = self.index.similar(position)
        for i in result.indices[:ROWS]:
            result.spans(i)
        return [int(i) for i in result.indices[:ROWS]]


# ---------------------------------------------------------------------------------------------------------
# tantivy: raw fields (positions: phrases, prefixes, fuzzy terms) and stemmed fields (en_stem, frequencies)


class Tantivy:
    """A word: BM25 of its stem in the title (boost 4) and the abstract, or a fuzzy term in the raw fields
    (distance as ours, at most 2; the last word a fuzzy prefix), whose score is a constant below an exact word.
    Filters: ``date:`` a raw month field, ``is:unread`` a MustNot term set over a ``pos`` field. No acronyms, no
    compounds; when no paper has every word, any word (our partial matches)."""

    def __init__(self, folder: Path) -> None:
        import Stemmer
        import tantivy  # type: ignore[import-not-found]

        self.t = tantivy
        self.folder = folder / "tantivy"
        self.stemmer = Stemmer.Stemmer("english")
        builder = tantivy.SchemaBuilder()
        builder.add_unsigned_field("pos", indexed=True, fast=True)
        for field in ("title", "abstract"):
            builder.add_text_field(field, tokenizer_name="default", index_option="position")
            builder.add_text_field(field + "_stem", tokenizer_name="en_stem", index_option="freq")
        builder.add_text_field("date", tokenizer_name="raw", index_option="basic")
        self.schema = builder.build()
        self.read: list[int] = []

    def build(self, corpus: Path) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)  # an index left there would be added to
        self.folder.mkdir(parents=True)
        index = self.t.Index(self.schema, path=str(self.folder))
        writer = index.writer(200_000_000, 1)
        for pos, (_, title, abstract, date) in enumerate(read_lines(corpus)):
            doc = self.t.Document()
            doc.add_unsigned("pos", pos)
            doc.add_text("title", title)
            doc.add_text("title_stem", title)
            doc.add_text("abstract", abstract)
            doc.add_text("abstract_stem", abstract)
            doc.add_text("date", date.lower())
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()

    def open(self) -> None:
        self.index = self.t.Index.open(str(self.folder))
        self.searcher = self.index.searcher()
        self.read = list(range(0, self.searcher.num_docs, READ_EVERY))

    def _word(self, word: str, prefix: bool) -> Any:
        q, s = self.t.Query, self.schema
        (stem,) = self.stemmer.stemWords([word])
        k = min(2, max_typos(len(word)))
        alternatives = [
            q.boost_query(q.term_query(s, "title_stem", stem), 4.0),
            q.term_query(s, "abstract_stem", stem),
        ]
        if k or prefix:
            alternatives.append(q.boost_query(q.fuzzy_term_query(s, "title", word, k, True, prefix), 2.0))
            alternatives.append(q.boost_query(q.fuzzy_term_query(s, "abstract", word, k, True, prefix), 0.5))
        return q.boolean_query([(self.t.Occur.Should, a) for a in alternatives])

    def _phrase(self, term: Term) -> Any:
        q, s = self.t.Query, self.schema
        words = list(term.words)
        make = q.phrase_prefix_query if term.prefix else q.phrase_query
        return q.boolean_query([(self.t.Occur.Should, make(s, f, words)) for f in ("title", "abstract")])

    def query(self, parsed: Query, occur: Any) -> Any:
        q, s, o = self.t.Query, self.schema, self.t.Occur
        clauses = [(occur, self._word(t.words[0], t.prefix)) for t in (t for t in parsed.terms if not t.phrase)]
        clauses += [(o.Must, self._phrase(t)) for t in parsed.terms if t.phrase]
        for t in parsed.excluded:
            fields = ("title", "abstract")
            if t.phrase:
                clauses.append((o.MustNot, self._phrase(t)))
            else:
                clauses += [(o.MustNot, q.fuzzy_term_query(s, f, t.words[0], 0, True, True)) for f in fields]
        for f in parsed.filters:
            if f.field == "date":
                found = q.fuzzy_term_query(s, "date", f.value, 0, True, True)
            elif f.field == "is" and f.value in ("read", "unread"):
                found = q.term_set_query(s, "pos", self.read)
            else:
                continue  # the other filters are not in the query sets
            clauses.append((o.MustNot if f.exclude != (f.value == "unread") else o.Must, found))
        if not any(c[0] in (o.Must, o.Should) for c in clauses):
            clauses.append((o.Must, q.all_query()))
        return q.boolean_query(clauses)

    def search(self, text: str, rows: int = ROWS) -> list[int]:
        parsed = parse_query(text)
        if parsed.empty:
            return list(range(rows))
        found = self.searcher.search(self.query(parsed, self.t.Occur.Must), rows, count=True)
        if found.count == 0 and len(parsed.terms) > 1:
            found = self.searcher.search(self.query(parsed, self.t.Occur.Should), rows, count=True)
        addresses = [address for _, address in found.hits]
        return [int(p) for p in self.searcher.fast_field_values("pos", addresses)]

    def like(self, position: int, text: str) -> list[int]:
        fields = {"title_stem": [text], "abstract_stem": [text]}
        query = self.t.Query.more_like_this_document_fields_query(
            self.schema, fields, min_doc_frequency=2, max_doc_frequency=self.searcher.num_docs // 4, max_query_terms=25
        )
        found = self.searcher.search(query, ROWS + 1, count=False)
        positions = self.searcher.fast_field_values("pos", [a for _, a in found.hits])
        return [int(p) for p in positions if p != position][:ROWS]


# ---------------------------------------------------------------------------------------------------------
# SQLite FTS5: one porter table holding the text (ranking, stems, phrases, filters), a raw vocabulary table
# (prefixes) and a trigram index over it (typos)


class Fts5:
    """A word: its porter stem, or while typed (the last word) the 40 most frequent raw words starting with it
    (FTS5's own ``w*`` over porter stems misses "diffusi" for "diffus"); typo neighbours (candidates sharing
    enough trigrams with the word in the trigram table, checked with rapidfuzz: FTS5 has no edit distance) only
    for a word in fewer papers than ours asks. Ranking: bm25 with the title weighing 4. No acronyms, no compounds;
    when no paper has every word, any word."""

    COMPLETIONS = 40

    def __init__(self, folder: Path) -> None:
        self.file = folder / "fts5.sqlite"
        self.db: sqlite3.Connection | None = None

    def build(self, corpus: Path) -> None:
        self.file.unlink(missing_ok=True)
        db = sqlite3.connect(self.file)
        db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE VIRTUAL TABLE docs USING fts5(title, abstract, date UNINDEXED,"
            " tokenize='porter unicode61 remove_diacritics 2', prefix='1 2 3');"
            "CREATE VIRTUAL TABLE temp.raw USING fts5(text, content='', detail=none,"
            " tokenize='unicode61 remove_diacritics 2');"
        )
        rows = ((pos + 1, t, a, d.lower()) for pos, (_, t, a, d) in enumerate(read_lines(corpus)))
        while chunk := list(islice(rows, 10_000)):
            db.executemany("INSERT INTO docs(rowid, title, abstract, date) VALUES (?, ?, ?, ?)", chunk)
            db.executemany("INSERT INTO temp.raw(rowid, text) VALUES (?, ?)", [(r[0], f"{r[1]} {r[2]}") for r in chunk])
        db.executescript(
            "CREATE VIRTUAL TABLE temp.raw_vocab USING fts5vocab(temp, raw, row);"
            "CREATE TABLE vocab(term TEXT PRIMARY KEY, docs INTEGER) WITHOUT ROWID;"
            "INSERT INTO vocab SELECT term, doc FROM temp.raw_vocab;"
            "CREATE TABLE terms(id INTEGER PRIMARY KEY, term TEXT);"
            "INSERT INTO terms(term) SELECT term FROM vocab;"
            "CREATE VIRTUAL TABLE trigrams USING fts5(term, content='terms', content_rowid='id', tokenize='trigram',"
            " detail=none);"
            "INSERT INTO trigrams(trigrams) VALUES ('rebuild');"
            "INSERT INTO docs(docs) VALUES ('optimize');"
        )
        db.commit()
        db.close()

    def open(self) -> None:
        self.db = sqlite3.connect(f"file:{self.file}?mode=ro", uri=True, check_same_thread=False)
        self.db.execute("PRAGMA mmap_size=8000000000")
        self.db.execute("CREATE TEMP TABLE read(pos INTEGER PRIMARY KEY)")
        (n,) = self.db.execute("SELECT max(rowid) FROM docs").fetchone()
        self.size = int(n or 0)
        self.db.executemany("INSERT INTO temp.read VALUES (?)", ((p,) for p in range(1, self.size + 1, READ_EVERY)))
        self.db.execute("CREATE VIRTUAL TABLE temp.stems USING fts5vocab(main, docs, row)")

    def _docs(self, word: str) -> int:
        assert self.db is not None
        found = self.db.execute("SELECT docs FROM vocab WHERE term = ?", (word,)).fetchone()
        return int(found[0]) if found else 0

    def _typos(self, word: str) -> list[str]:
        """Words within our edit distance of ``word``: those sharing enough of its trigrams, then checked."""
        from rapidfuzz.distance import OSA

        assert self.db is not None
        k = max_typos(len(word) + 1)
        grams = {word[i : i + 3] for i in range(len(word) - 2)}
        if k == 0 or len(grams) - 3 * k < 1:
            return []
        hits: Counter[int] = Counter()
        for gram in grams:
            hits.update(
                r for (r,) in self.db.execute("SELECT rowid FROM trigrams WHERE trigrams MATCH ?", (f'"{gram}"',))
            )
        near = [i for i, c in hits.items() if c >= len(grams) - 3 * k]
        found = []
        for i in near[:2000]:
            (term,) = self.db.execute("SELECT term FROM terms WHERE id = ?", (i,)).fetchone()
            if term != word and OSA.distance(word, term, score_cutoff=max_typos(max(len(word), len(term)))) <= k:
                found.append(term)
        return found

    def _word(self, word: str, prefix: bool) -> str:
        assert self.db is not None
        alternatives = [word]
        if prefix and len(word) >= 3:
            alternatives += [
                t
                for (t,) in self.db.execute(
                    "SELECT term FROM vocab WHERE term > ? AND term < ? ORDER BY docs DESC LIMIT ?",
                    (word, word + "\uffff", self.COMPLETIONS),
                )
            ]
        elif prefix:
            return f'"{word}"*'
        if len(word) >= 3 and self._docs(word) < 10 + self.size // 1000:
            alternatives += self._typos(word)
        return "(" + " OR ".join(f'"{w}"' for w in dict.fromkeys(alternatives)) + ")"

    def match(self, parsed: Query, joiner: str) -> str:
        parts = [self._word(t.words[0], t.prefix) for t in (t for t in parsed.terms if not t.phrase)]
        parts += ['"' + " ".join(t.words) + '"' + ("*" if t.prefix else "") for t in parsed.terms if t.phrase]
        expression = f" {joiner} ".join(parts)
        for t in parsed.excluded:
            expression += ' NOT "' + " ".join(t.words) + '"' + ("" if t.phrase else "*")
        return expression

    def search(self, text: str, rows: int = ROWS) -> list[int]:
        assert self.db is not None
        parsed = parse_query(text)
        where, args = [], []
        for f in parsed.filters:
            if f.field == "date":
                where.append(("NOT " if f.exclude else "") + "date LIKE ?")
                args.append(f.value + "%")
            elif f.field == "is" and f.value in ("read", "unread"):
                inside = (f.value == "read") != f.exclude
                where.append("rowid " + ("IN" if inside else "NOT IN") + " (SELECT pos FROM temp.read)")
        if not parsed.terms:
            if not where:
                return list(range(rows))
            sql = f"SELECT rowid FROM docs WHERE {' AND '.join(where)} LIMIT ?"
            return [r - 1 for (r,) in self.db.execute(sql, [*args, rows])]
        sql = "SELECT rowid FROM docs WHERE docs MATCH ? " + "".join(f"AND {w} " for w in where)
        sql += "ORDER BY bm25(docs, 4.0, 1.0) LIMIT ?"
        found = self.db.execute(sql, [self.match(parsed, "AND"), *args, rows]).fetchall()
        if not found and len(parsed.terms) > 1:
            found = self.db.execute(sql, [self.match(parsed, "OR"), *args, rows]).fetchall()
        titles = self.db.execute(  # the rows shown: their titles, as a list would read them from this table
            f"SELECT title FROM docs WHERE rowid IN ({','.join('?' * len(found))})", [r for (r,) in found]
        ).fetchall()
        assert len(titles) == len(found)
        return [r - 1 for (r,) in found]

    def like(self, position: int, text: str) -> list[int]:
        """No more-like-this in FTS5: the paper's 25 rarest words (document counts of the stems) OR'd, bm25."""
        assert self.db is not None
        import Stemmer

        stemmer = Stemmer.Stemmer("porter")
        words = [w for w in dict.fromkeys(words_of(text)) if w not in STOPWORDS and w.isalpha()]
        counts = {w: self.db.execute("SELECT doc FROM temp.stems WHERE term = ?", (s,)).fetchone() for w, s in
                  zip(words, stemmer.stemWords(words), strict=True)}  # fmt: skip
        useful = [(c[0], w) for w, c in counts.items() if c and 1 < c[0] < self.size // 4]
        best = [w for _, w in sorted(useful)[:25]]
        if not best:
            return []
        sql = "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 4.0, 1.0) LIMIT ?"
        found = self.db.execute(sql, (" OR ".join(f'"{w}"' for w in best), ROWS + 1)).fetchall()
        return [r - 1 for (r,) in found if r - 1 != position][:ROWS]


def engine(name: str, folder: Path) -> Any:
    return {"ours": Ours, "tantivy": Tantivy, "fts5": Fts5}[name](folder)


# ---------------------------------------------------------------------------------------------------------
# One phase of one engine, in its own process


def timed(search: Any, queries: tuple[str, ...]) -> list[float]:
    times = []
    for query in queries:
        for text in keystrokes(query):
            start = time.perf_counter()
            search(text)
            times.append(time.perf_counter() - start)
    return times


def _rank(target: int, found: list[int]) -> int:
    return found.index(target) + 1 if target in found else len(found) + 10**9


def run_phase(name: str, phase: str, folder: Path) -> Row:
    found = engine(name, folder)
    row: Row = {"engine": name, "phase": phase}
    if phase == "build":
        start = time.perf_counter()
        found.build(folder / "corpus.jsonl")
        row["build_s"] = time.perf_counter() - start
        row.update(status())
        return row
    start = time.perf_counter()
    found.open()
    row["open_s"] = time.perf_counter() - start
    found.search(QUERIES[0])
    row["searchable_s"] = time.perf_counter() - start
    row.update(status())
    if phase == "cold":
        return row
    keys = timed(found.search, QUERIES)
    extra = timed(found.search, EXTRA)
    spec = json.loads((folder / "queries.json").read_text())
    like = []
    for position, text in spec["like"]:
        start = time.perf_counter()
        found.like(position, text)
        like.append(time.perf_counter() - start)
    quality: dict[str, list[int]] = {}
    for set_name, queries in spec["sets"].items():
        ranks = [_rank(target, found.search(query, CANDIDATES)) for query, target in queries]
        quality[set_name] = [sum(r <= 10 for r in ranks), len(ranks), sum(r <= CANDIDATES for r in ranks)]
    row.update(
        keystrokes=len(keys),
        median_ms=statistics.median(keys) * 1000,
        p95_ms=percentile(keys, 95) * 1000,
        max_ms=max(keys) * 1000,
        extra_max_ms=max(extra) * 1000,
        like_median_ms=statistics.median(like) * 1000,
        quality=quality,
        after=status(),
    )
    return row


# ---------------------------------------------------------------------------------------------------------
# The corpus, the query sets, the table


def prepare(n: int, folder: Path, seed: int) -> None:
    """Write the corpus (JSON Lines) and the queries: bench_quality.py's sets, targets moved to the big corpus."""
    import bench_quality
    from gen_corpus import generate

    from tui_reader.corpus import load_corpus

    papers = generate(n)
    position = {p.id: i for i, p in enumerate(papers)}
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for p in papers:
            out.write(json.dumps([p.id, p.title, p.abstract, p.dates[0] if p.dates else ""]) + "\n")
    seeds = load_corpus([HERE.parent / "seeds"]).papers
    sets = bench_quality.query_sets(seeds, random.Random(seed))
    moved = {
        name: [(q, position[seeds[t].id]) for q, t in queries if seeds[t].id in position]
        for name, queries in sets.items()
    }
    like = [(i, f"{papers[i].title} {papers[i].abstract}") for i in range(0, n, max(1, n // LIKE))]
    (folder / "queries.json").write_text(json.dumps({"sets": moved, "like": like}))


def available(name: str) -> bool:
    if name == "tantivy" and importlib.util.find_spec("tantivy") is None:
        print("tantivy: skipped (not installed: pip install tantivy, in a separate venv)", flush=True)
        return False
    if name == "fts5":
        try:
            sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        except sqlite3.OperationalError:
            print("fts5: skipped (this Python's SQLite has no FTS5)", flush=True)
            return False
    return True


def subprocess_row(name: str, phase: str, folder: Path) -> Row | None:
    command = [sys.executable, __file__, "--phase", f"{name}:{phase}", "--folder", str(folder)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        print(f"{name} {phase}: failed (exit {done.returncode})", flush=True)
        return None
    row: Row = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def measure(name: str, folder: Path) -> Row | None:
    work = folder / name
    work.mkdir(exist_ok=True)
    for shared in ("corpus.jsonl", "queries.json"):
        if not (work / shared).exists():
            os.symlink(folder / shared, work / shared)
    build = subprocess_row(name, "build", work)
    if build is None:
        return None
    files = [f for f in work.iterdir() if f.name not in ("corpus.jsonl", "queries.json")]
    disk = sum(size_of(f) if f.is_dir() else f.stat().st_size for f in files)
    for f in files:
        drop_cache(f)
    cold = subprocess_row(name, "cold", work)
    warm = subprocess_row(name, "warm", work)
    if cold is None or warm is None:
        return None
    print(f"{name}: done", flush=True)
    return {"engine": name, "disk_mb": disk / 1e6, "build": build, "cold": cold, "warm": warm}


def table(rows: list[Row], n: int) -> str:
    head = (
        f"| {n:,} papers | build s | disk MB | RSS after build MB (peak) | cold open / searchable s | RSS cold MB "
        "| warm open / searchable s | RSS warm MB (anon) | RSS after queries MB (anon) "
        "| keystroke median / p95 / max ms | phrase+filters max ms | more like this median ms |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        b, c, w = r["build"], r["cold"], r["warm"]
        lines.append(
            f"| {r['engine']} | {b['build_s']:.1f} | {r['disk_mb']:,.0f} | {b['rss_mb']:,.0f} ({b['peak_mb']:,.0f}) "
            f"| {c['open_s']:.2f} / {c['searchable_s']:.2f} | {c['rss_mb']:,.0f} "
            f"| {w['open_s']:.2f} / {w['searchable_s']:.2f} | {w['rss_mb']:,.0f} ({w['anon_mb']:,.0f}) "
            f"| {w['after']['rss_mb']:,.0f} ({w['after']['anon_mb']:,.0f}) "
            f"| {w['median_ms']:.1f} / {w['p95_ms']:.1f} / {w['max_ms']:.0f} "
            f"| {w['extra_max_ms']:.0f} | {w['like_median_ms']:.1f} |"
        )
    sets = list(rows[0]["warm"]["quality"]) if rows else []
    lines += [
        "",
        f"| R@10 (R@{CANDIDATES}), query as typed | " + " | ".join(sets) + " |",
        "|" + "---|" * (len(sets) + 1),
    ]
    for r in rows:
        q = {s: (hit, max(1, of), top) for s, (hit, of, top) in r["warm"]["quality"].items()}
        lines.append(f"| {r['engine']} | " + " | ".join(f"{h / o:.0%} ({t / o:.0%})" for h, o, t in q.values()) + " |")
    lines.append("queries a set: " + ", ".join(f"{s} {n}" for s, (_, n, _) in rows[0]["warm"]["quality"].items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: " + ", ".join(ENGINES))
    parser.add_argument("--seed", type=int, default=14, help="of the quality query sets (bench_quality.py)")
    parser.add_argument("--folder", type=Path, help="work folder (default: a temporary one, removed after)")
    parser.add_argument("--json", type=Path, help="also write the measured rows here")
    parser.add_argument("--smoke", action="store_true", help="2k papers: checks the script works")
    parser.add_argument("--phase", help=argparse.SUPPRESS)  # internal: ENGINE:PHASE in this process, print JSON
    args = parser.parse_args(argv)
    if args.phase:
        name, phase = args.phase.split(":")
        print(json.dumps(run_phase(name, phase, args.folder)))
        return 0
    n = 2_000 if args.smoke else args.papers
    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-engines-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        prepare(n, folder, args.seed)
        print(f"{n:,} papers generated in {time.perf_counter() - start:.0f} s under {folder}", flush=True)
        rows = [r for e in args.engines.split(",") if available(e) and (r := measure(e, folder)) is not None]
    finally:
        if args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    print(table(rows, n))
    return 0 if rows else 1


if __name__ == "__main__":
    raise SystemExit(main())
