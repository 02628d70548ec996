"""A prototype for searching all of arXiv: tantivy's postings, our word rules and our score on top. Not part of the
reader, and no benchmark of `make bench` (it needs tantivy, which the project does not depend on yet): it is how the
design in benchmarks/README.md ("Search engines compared") was checked, kept to be built on.

Each query word becomes alternatives found in the vocabulary (tantivy's term dictionary, read once at open):
the exact word (3), completions of the last word (2, a prefix automaton), same-stem words (2), typo neighbours
(1, only for rare or unknown words, as ours), an acronym's expansion (1, all words in one field) and the acronym
of spelled-out words (1). Per field the best alternative counts (dismax over constant scores), title x4 + abstract,
summed over the words: the very score of tui_reader.search.index. No compounds yet (titles not re-indexed).

    python3 -m venv /tmp/venv-tantivy && /tmp/venv-tantivy/bin/pip install tantivy -e .
    /tmp/venv-tantivy/bin/python benchmarks/bench_engines.py --papers 1000000 --folder /tmp/engines-1m
    /tmp/venv-tantivy/bin/python benchmarks/engines_hybrid.py /tmp/engines-1m/tantivy
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np
from bench_engines import EXTRA, QUERIES, ROWS, Tantivy, keystrokes, percentile, read_lines, status
from rapidfuzz import process
from rapidfuzz.distance import OSA

from tui_reader.search.forms import STOPWORDS, Acronyms, acronyms_in, best_expansions, stems
from tui_reader.search.query import max_typos

EXACT, COMPLETION, TYPO = 3, 2, 1


class Hybrid(Tantivy):
    def open(self) -> None:
        super().open()
        counts: defaultdict[str, int] = defaultdict(int)
        for field in ("title", "abstract"):
            for term, n in self.searcher.terms_with_prefix(field, ""):
                counts[term] += n
        self.vocab = sorted(counts)
        self.counts = counts
        st = stems(self.vocab)
        order = sorted(range(len(st)), key=st.__getitem__)
        self.stem_keys = [st[i] for i in order]
        self.stem_words = [self.vocab[i] for i in order]
        by_length: defaultdict[int, list[str]] = defaultdict(list)
        for w in self.vocab:
            by_length[len(w)].append(w)
        self.by_length = dict(by_length)
        self.size = self.searcher.num_docs

    def load_acronyms(self, corpus: Path) -> None:
        self.acronyms = Acronyms(best_expansions(acronyms_in(a for _, _, a, _ in read_lines(corpus) if "(" in a)))

    def _alternatives(self, word: str, prefix: bool) -> list[tuple[str, int]]:
        alts: list[tuple[str, int]] = []
        if word in self.counts:
            alts.append((word, EXACT))
        (stem,) = stems([word])
        lo, hi = bisect_left(self.stem_keys, stem), bisect_right(self.stem_keys, stem)
        alts += [(w, COMPLETION) for w in self.stem_words[lo:hi] if w != word]
        own = sum(self.counts[w] for w, _ in alts)
        if len(word) >= 3 and own < (10 + self.size // 1000 if len(word) >= 5 else 1):
            most = max_typos(len(word) + 2)
            for length in range(max(1, len(word) - most), len(word) + most + 1):
                k = max_typos(max(len(word), length))
                words = self.by_length.get(length, [])
                if abs(length - len(word)) > k or not words:
                    continue
                d = process.cdist([word], words, scorer=OSA.distance, score_cutoff=k, dtype=np.int32)[0]
                for i in np.flatnonzero(d <= k).tolist():
                    w = words[i]
                    close = max(len(word), length) >= 5 or w[0] == word[0] or word[1:] == w or word == w[1:]
                    if close and self.counts[w] > 10 * own:
                        alts.append((w, TYPO))
        return alts

    def _field(self, field: str, alts: list[tuple[str, int]], word: str, prefix: bool, weight: int) -> Any:
        q, s = self.t.Query, self.schema
        subs = [q.const_score_query(q.term_query(s, field, w), float(weight * quality)) for w, quality in alts]
        if prefix:
            subs.append(q.const_score_query(q.fuzzy_term_query(s, field, word, 0, True, True), float(weight * 2)))
            if len(word) >= 5:
                k = max_typos(len(word))
                subs.append(q.const_score_query(q.fuzzy_term_query(s, field, word, k, True, True), float(weight)))
        expansion = self.acronyms.expansion(word)
        if expansion:
            must = [(self.t.Occur.Must, q.term_query(s, field, w)) for w in expansion if w not in STOPWORDS]
            subs.append(q.const_score_query(q.boolean_query(must), float(weight)))
        return q.disjunction_max_query(subs) if subs else None

    def _term(self, word: str, prefix: bool, extra: list[str]) -> Any:
        alts = self._alternatives(word, prefix) + [(a, TYPO) for a in extra]
        fields = [self._field(f, alts, word, prefix, w) for f, w in (("title", 4), ("abstract", 1))]
        fields = [f for f in fields if f is not None]
        if not fields:
            return self.t.Query.empty_query()
        return self.t.Query.boolean_query([(self.t.Occur.Should, f) for f in fields])

    def query(self, parsed: Any, occur: Any) -> Any:
        base = super().query(parsed, occur)  # phrases, exclusions, filters (the word clauses are replaced)
        words = [t for t in parsed.terms if not t.phrase]
        linked: list[list[str]] = [[] for _ in words]
        plain = [t.words[0] for t in words]
        i = 0
        while i < len(plain):
            for n in range(min(self.acronyms.longest, len(plain) - i), 1, -1):
                if (acronym := self.acronyms.acronym(plain[i : i + n])) is not None:
                    for j in range(i, i + n):
                        linked[j].append(acronym)
                    i += n - 1
                    break
            i += 1
        clauses = [(occur, self._term(t.words[0], t.prefix, extra)) for t, extra in zip(words, linked, strict=True)]
        return self.t.Query.boolean_query([*clauses, (self.t.Occur.Must, base)]) if clauses else base

    def _word(self, word: str, prefix: bool) -> Any:
        return self.t.Query.all_query()  # the base query's word clauses: replaced by _term in query()


def typed(h: Hybrid, queries: Sequence[str]) -> list[float]:
    """Seconds each keystroke's search took, each query typed key by key."""
    times = []
    for query in queries:
        for text in keystrokes(query):
            start = time.perf_counter()
            h.search(text)
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    folder = Path(sys.argv[1])  # a bench_engines work folder's tantivy part (…/tantivy, holding tantivy/)
    h = Hybrid(folder)
    start = time.perf_counter()
    h.open()
    opened = time.perf_counter() - start
    h.load_acronyms(folder / "corpus.jsonl")
    row: dict[str, Any] = {"open_s": opened, **status()}
    times, extra = typed(h, QUERIES), typed(h, EXTRA)
    row.update(median_ms=statistics.median(times) * 1e3, p95_ms=percentile(times, 95) * 1e3, max_ms=max(times) * 1e3)
    row["extra_max_ms"] = max(extra) * 1e3
    spec = json.loads((folder / "queries.json").read_text())
    for name, queries in spec["sets"].items():
        ranks = []
        for query, target in queries:
            found = h.search(query, 200)
            ranks.append(found.index(target) + 1 if target in found else 10**9)
        row[name] = f"{sum(r <= 10 for r in ranks) / len(ranks):.0%} ({sum(r <= 200 for r in ranks) / len(ranks):.0%})"
    row["after"] = status()
    print(json.dumps(row, indent=1))
    _ = ROWS


if __name__ == "__main__":
    main()
