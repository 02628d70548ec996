"""Search quality: recall@1/@10, MRR and no-result rate of tui-reader against fzf, rapidfuzz and substring baselines.

Query sets are generated from the five seed dumps with a fixed seed; each query is derived from one target paper
and counts as found at the target's rank. Every engine gets the same query text over the same "title abstract"
text of each paper. The query sets:

- title words: two or three words of the title (4+ letters, not small words), in random order, that no other
  title holds all of (a query several titles answer equally, "neural networks", has no right first answer);
- typo, long word: a title word of 7+ letters with one random edit, plus another title word;
- typo, short word: a 3-4 letter title word with one random edit, plus another title word;
- abstract words: three words of the abstract that are not in the title;
- word forms: a title word in another form (-ing/-ed/-s dropped or added, a hyphenated word joined), plus another;
- acronyms: an acronym defined in another paper ("Mixture of Experts (MoE)") for a title that spells it out, or
  the words for a title using the acronym, plus another title word.

    .venv/bin/python benchmarks/bench_quality.py [--seed 14] [--smoke]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from tui_reader.corpus import load_corpus  # noqa: E402
from tui_reader.paper import Paper  # noqa: E402
from tui_reader.search import SearchIndex, words_of  # noqa: E402
from tui_reader.search.forms import STOPWORDS, acronyms_in, best_expansions  # noqa: E402

LETTERS = "abcdefghijklmnopqrstuvwxyz"
Engine = Callable[[str], list[int]]  # query -> paper positions, best first


def typo(word: str, rng: random.Random) -> str:
    """One random edit (delete, insert, substitute, swap neighbours) that changes the word."""
    while True:
        i = rng.randrange(len(word))
        kind = rng.choice("disw")
        if kind == "d":
            out = word[:i] + word[i + 1 :]
        elif kind == "i":
            out = word[:i] + rng.choice(LETTERS) + word[i:]
        elif kind == "s":
            out = word[:i] + rng.choice(LETTERS) + word[i + 1 :]
        else:
            out = word[:i] + word[i + 1 : i + 2] + word[i] + word[i + 2 :] if i < len(word) - 1 else word
        if out != word and len(out) >= 2:
            return out


def other_form(word: str) -> str | None:
    """Another form of an English word, made by rule (not by the stemmer under test)."""
    for end, new in (("ing", ""), ("ed", ""), ("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(end) and len(word) - len(end) >= 4:
            return word[: len(word) - len(end)] + new
    if word.endswith("y"):
        return word[:-1] + "ies"
    return word + "s" if len(word) >= 4 and word[-1] not in "sx" else None


def content_words(text: str) -> list[str]:
    return [w for w in dict.fromkeys(words_of(text)) if w not in STOPWORDS and w.isalpha()]


def query_sets(papers: Sequence[Paper], rng: random.Random) -> dict[str, list[tuple[str, int]]]:
    sets: dict[str, list[tuple[str, int]]] = {k: [] for k in ("title words", "typo, long word", "typo, short word")}
    sets.update({"abstract words": [], "word forms": [], "acronyms": []})
    expansions = best_expansions(acronyms_in(p.abstract for p in papers))
    title_words = [set(words_of(p.title)) for p in papers]
    for target, paper in enumerate(papers):
        title = [w for w in content_words(paper.title) if len(w) >= 4]
        for _ in range(10 if len(title) >= 2 else 0):
            words = rng.sample(title, min(len(title), rng.choice((2, 3))))
            if not any(set(words) <= other for i, other in enumerate(title_words) if i != target):
                sets["title words"].append((" ".join(words), target))
                break
        long = [w for w in title if len(w) >= 7]
        if long and len(title) >= 2:
            word = rng.choice(long)
            sets["typo, long word"].append((f"{typo(word, rng)} {rng.choice([w for w in title if w != word])}", target))
        short = [w for w in content_words(paper.title) if 3 <= len(w) <= 4]
        if short and title:
            word = rng.choice(short)
            rest = rng.choice([w for w in title if w != word] or title)
            sets["typo, short word"].append((f"{typo(word, rng)} {rest}", target))
        in_title = set(words_of(paper.title))
        abstract = [w for w in content_words(paper.abstract) if w not in in_title and len(w) >= 5]
        if len(abstract) >= 3:
            sets["abstract words"].append((" ".join(rng.sample(abstract, 3)), target))
        hyphenated = [m.replace("-", "").lower() for m in re.findall(r"\w+(?:-\w+)+", paper.title) if m.isascii()]
        forms = [(w, f) for w in title if (f := other_form(w)) and f not in in_title]
        if hyphenated or forms:
            changed, original = (
                (rng.choice(hyphenated), None) if hyphenated and rng.random() < 0.3 else rng.choice(forms)
            )
            others = [w for w in title if w != original and w not in changed]
            sets["word forms"].append((f"{changed} {rng.choice(others)}" if others else changed, target))
        folded = words_of(paper.title)
        for acronym, words in expansions.items():
            spelled = any(tuple(folded[i : i + len(words)]) == words for i in range(len(folded)))
            others = [w for w in title if w not in words and w != acronym]
            if spelled and acronym not in folded and others:
                sets["acronyms"].append((f"{acronym} {rng.choice(others)}", target))
            elif (acronym in folded or acronym + "s" in folded) and others:
                text = words_of(paper.title + " " + paper.abstract)
                if not any(tuple(text[i : i + len(words)]) == words for i in range(len(text))):
                    sets["acronyms"].append((f"{' '.join(words)} {rng.choice(others)}", target))
    return sets


def engines(papers: Sequence[Paper], fzf: str | None) -> dict[str, Engine]:
    texts = [f"{p.title} {p.abstract}" for p in papers]
    index = SearchIndex(papers)
    lowered = [t.lower() for t in texts]
    processed = [utils.default_process(t) for t in texts]

    def ours(query: str) -> list[int]:
        return list(index.search(query).indices)

    def rapidfuzz(scorer: Callable[..., float]) -> Engine:
        def rank(query: str) -> list[int]:
            found = process.extract(
                utils.default_process(query), processed, scorer=scorer, processor=None, limit=10, score_cutoff=50
            )
            return [i for _, _, i in found]

        return rank

    def substring(query: str) -> list[int]:
        words = query.lower().split()
        return [i for i, t in enumerate(lowered) if all(w in t for w in words)]

    found: dict[str, Engine] = {"tui-reader": ours}
    if fzf:
        folder = tempfile.mkdtemp()
        lines = Path(folder, "papers.txt")
        lines.write_text("".join(f"{i}\t{t.replace(chr(10), ' ')}\n" for i, t in enumerate(texts)))

        def fzf_filter(query: str) -> list[int]:
            with lines.open("rb") as stdin:
                out = subprocess.run(
                    [fzf, "--filter", query, "--delimiter", "\t", "--with-nth", "2.."],
                    stdin=stdin,
                    capture_output=True,
                    check=False,
                ).stdout
            return [int(line.split(b"\t", 1)[0]) for line in out.splitlines()]

        found["fzf --filter"] = fzf_filter
    found["rapidfuzz WRatio"] = rapidfuzz(fuzz.WRatio)
    found["rapidfuzz partial_ratio"] = rapidfuzz(fuzz.partial_ratio)
    found["substring (all words)"] = substring
    return found


def measure(engine: Engine, queries: list[tuple[str, int]]) -> dict[str, float]:
    r1 = r10 = mrr = empty = 0.0
    for query, target in queries:
        ranked = engine(query)
        empty += not ranked
        if target in ranked:
            rank = ranked.index(target) + 1
            r1 += rank == 1
            r10 += rank <= 10
            mrr += 1 / rank
    n = len(queries)
    return {"R@1": r1 / n, "R@10": r10 / n, "MRR": mrr / n, "none": empty / n}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--smoke", action="store_true", help="5 queries a set: checks the script still works")
    args = parser.parse_args(argv)
    papers = load_corpus([HERE.parent / "seeds"]).papers
    sets = query_sets(papers, random.Random(args.seed))
    if args.smoke:
        sets = {name: queries[:5] for name, queries in sets.items()}
    found = engines(papers, shutil.which("fzf"))
    print(f"{len(papers)} seed papers, seed {args.seed}")
    print("| query set (queries) | engine | R@1 | R@10 | MRR | no result |")
    print("|---|---|---|---|---|---|")
    for name, queries in sets.items():
        for engine, rank in found.items():
            m = measure(rank, queries)
            bold = "**" if engine == "tui-reader" else ""
            print(
                f"| {name} ({len(queries)}) | {bold}{engine}{bold} | {m['R@1']:.0%} | {m['R@10']:.0%} "
                f"| {m['MRR']:.2f} | {m['none']:.0%} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
