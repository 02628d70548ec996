"""Synthetic Daily Papers corpora of any size, for the search benchmark (and for trying the app at scale).

Words are drawn, with their real frequencies, from the bundled seed papers; the 211 real seed papers are
spread through the result so real queries still find real papers. To keep the vocabulary growing with the
corpus as it does in real text (model names, acronyms, rare terms, the odd typo), every paper also gets a few
invented words from a pool that grows like N**0.9: 47k distinct words at 100k papers, 307k at 1M.

    .venv/bin/python benchmarks/gen_corpus.py 100000 -o benchmarks/out/corpus-100k   # dump files
    from gen_corpus import generate; papers = generate(100_000)                       # in memory
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui_reader.corpus import Paper, load_corpus, paper_id  # noqa: E402

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATES = tuple(f"{m} {d}" for m in _MONTHS for d in range(1, 29))
_SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "du",
    "fa",
    "fe",
    "ge",
    "gra",
    "ka",
    "ke",
    "ki",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "tra",
    "va",
    "ve",
    "vi",
    "xo",
    "za",
]
_SUFFIXES = ("Net", "Former", "GAN", "Flow", "BERT")
_WORD = re.compile(r"[^\s]+")


def _strip(word: str) -> str:
    return word.strip(".,;:!?()[]\"'")


def _seed_words(papers: list[Paper]) -> tuple[list[str], list[str]]:
    """Title and abstract word streams of the seeds (sampling from a stream keeps real frequencies)."""
    titles = [w for p in papers for w in map(_strip, p.title.split()) if w]
    abstracts = [w for p in papers for w in map(_strip, p.abstract.split()) if w]
    return titles, abstracts


def _invented(rng: random.Random, i: int) -> str:
    """A made-up word: a pronounceable name, an acronym, or a versioned name."""
    kind = i % 5
    if kind == 0:
        return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(3, 6)))
    if kind == 1:
        name = "".join(rng.choices(_SYLLABLES, k=rng.randint(2, 3))).capitalize()
        return name + rng.choice(_SUFFIXES) + str(rng.randint(1, 99))
    return "".join(rng.choices(_SYLLABLES, k=rng.randint(2, 5)))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i] + word[i:]


def generate(n: int, seed: int = 0) -> list[Paper]:
    """``n`` papers (at least the 211 seeds); deterministic for a given ``seed``."""
    rng = random.Random(seed)
    real = load_corpus().papers
    title_words, abstract_words = _seed_words(real)
    lengths = [len(p.abstract.split()) for p in real]
    pool = [_invented(rng, i) for i in range(max(50, int(1.5 * n**0.9)))]
    every = max(1, n // len(real))  # where the real papers go
    papers: list[Paper] = []
    seen: set[str] = {p.id for p in real}
    real_iter = iter(real)
    while len(papers) < n:
        if len(papers) % every == 0:
            paper = next(real_iter, None)
            if paper is not None:
                papers.append(paper)
                continue
        words = rng.choices(title_words, k=rng.randint(4, 14))
        if rng.random() < 0.3:
            words[0] = rng.choice(pool) + ":"
        title = " ".join(w.capitalize() if rng.random() < 0.6 else w for w in words)
        pid = paper_id(title)
        if pid in seen:
            continue
        seen.add(pid)
        body = rng.choices(abstract_words, k=rng.choice(lengths))
        for _ in range(2):
            body[rng.randrange(len(body))] = rng.choice(pool)
        if rng.random() < 0.02:
            at = rng.randrange(len(body))
            body[at] = _typo(rng, body[at])
        sentences, at = [], 0
        while at < len(body):
            size = rng.randint(12, 35)
            sentence = " ".join(body[at : at + size])
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
            at += size
        dates = (rng.choice(DATES),) if rng.random() < 0.9 else tuple(sorted(set(rng.choices(DATES, k=2))))
        papers.append(Paper(id=pid, title=title, abstract=" ".join(sentences), dates=dates, sources=("synthetic",)))
    return papers


def write_dumps(papers: list[Paper], folder: Path) -> list[Path]:
    """Write the papers as Daily Papers text dumps, one file per listing date."""
    folder.mkdir(parents=True, exist_ok=True)
    by_date: defaultdict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_date[paper.dates[0] if paper.dates else "Jan 1"].append(paper)
    paths = []
    for number, (date, group) in enumerate(sorted(by_date.items())):
        path = folder / f"{number:03d}_synthetic.txt"
        with path.open("w", encoding="utf-8") as out:
            out.write(f"Daily Papers\n\n{date}\n\n")
            for paper in group:
                out.write(f"{paper.title}\n\n{paper.abstract or 'No abstract.'}\n\n")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of papers")
    parser.add_argument("-o", "--out", type=Path, required=True, help="folder for the dump files")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    papers = generate(args.n, args.seed)
    paths = write_dumps(papers, args.out)
    print(f"{len(papers)} papers in {len(paths)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
