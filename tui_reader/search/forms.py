"""Other forms of a word, found in the corpus itself: stems, compounds and acronyms.

- **Stems** (Snowball's English stemmer, through PyStemmer): ``reasoning``, ``reasons`` and ``reason`` share the
  stem ``reason``, so each finds the others.
- **Compounds**: ``Geometry-Aware`` is indexed as the words ``geometry`` and ``aware`` and also joined,
  ``geometryaware``; ``GraphCast`` as ``graphcast`` and also split, ``graph`` and ``cast``. ``compounds()`` lists the
  extra words of a text, which the index adds to the paper's field.
- **Acronyms**: ``Mixture of Experts (MoE)`` in any paper links ``moe`` and the words ``mixture of experts``:
  a letter (or the first few) of each word, small words such as "of" free to give one or none.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import accumulate

import numpy as np
import Stemmer

from tui_reader.search.text import fold, words_of

__all__ = ["STOPWORDS", "Acronyms", "Counts", "acronyms_in", "best_expansions", "compounds", "stems"]

Counts = Counter[tuple[str, tuple[str, ...]]]  # (acronym, the words it stands for) -> how often it is defined

# small words: an acronym's letter may skip them ("Mixture of Experts (ME)"), and they carry no topic
STOPWORDS = frozenset(
    ("a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "via", "with")
)
_STEMMER = Stemmer.Stemmer("english")
_STEMMER.maxCacheSize = 0  # its cache makes stemming a vocabulary 4x slower (80 ms instead of 20 at 100k papers)
_STEMMER_LOCK = threading.Lock()  # a Stemmer object is not safe to share between threads
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_DEFINED = re.compile(r"\(([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)?)\)")  # "(MoE)", "(LLMs)", "(MS-SSIM)"
_MIN_PART = 3  # camel-case parts shorter than this ("Mo" of MoE) are not words of their own


def stems(words: Sequence[str]) -> list[str]:
    """The stem of each folded word (``transformers`` -> ``transform``)."""
    with _STEMMER_LOCK:
        return list(_STEMMER.stemWords(words))


def compounds(texts: Sequence[str]) -> tuple[dict[int, str], dict[str, tuple[str, ...]]]:
    """The extra words of the texts that have any, by position (folded, space-separated: hyphenated compounds
    joined, camel-case words split), and each compound's parts (``geometryaware``: "geometry", "aware").

    numpy finds them in all the texts glued together, one code point per element: runs of letters and digits
    joined by single hyphens, or holding a capital after a small letter (a regex would try its character class at
    every letter of the text). Python then sees each compound once.
    """
    joined = "\n".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le"), np.uint32)
    upper = (cp >= 65) & (cp <= 90)
    lower = (cp >= 97) & (cp <= 122)
    word = upper | lower | ((cp >= 48) & (cp <= 57))
    if (wide := np.unique(cp[cp >= 128])).size:
        word |= np.isin(cp, [c for c in wide.tolist() if chr(c).isalnum()])
    joins = np.zeros(len(cp), np.bool_)  # a hyphen between two letters, or a capital after a small letter
    joins[1:-1] = (cp[1:-1] == 45) & word[:-2] & word[2:]
    hyphen = joins.copy()
    joins[1:] |= lower[:-1] & upper[1:]
    edges = np.flatnonzero(np.diff(np.concatenate(([False], word | hyphen, [False])).view(np.int8)))
    run_start, run_end = edges[0::2], edges[1::2]  # runs of letters, digits and joining hyphens
    joined_runs = np.unique(np.searchsorted(run_start, np.flatnonzero(joins), side="right") - 1)
    run_start, run_end = run_start[joined_runs], run_end[joined_runs]
    starts = np.fromiter(accumulate((len(t) + 1 for t in texts), initial=0), np.int64, len(texts) + 1)
    owner = np.searchsorted(starts, run_start, side="right") - 1
    extra: defaultdict[int, list[str]] = defaultdict(list)
    split: dict[str, tuple[str, ...]] = {}
    for start, end, i in zip(run_start.tolist(), run_end.tolist(), owner.tolist(), strict=True):
        text = joined[start:end]
        if "-" in text:
            parts = text.lower().split("-") if text.isascii() else words_of(text)
            found = ["".join(parts)]
        elif len(parts := _CAMEL_PART.findall(text)) > 1 and all(len(p) >= _MIN_PART for p in parts):
            found = parts = [fold(p) for p in parts]
        else:
            continue
        split["".join(parts)] = tuple(parts)
        extra[i].extend(found)
    return {i: " ".join(words) for i, words in extra.items()}, split


def _initials(acronym: str, words: Sequence[str]) -> int:
    """How many of the last ``words`` spell ``acronym`` (the fewest that do), 0 when none do: each word gives its
    first letter or first few, a small word ("of") one letter or none, and the first word at least one."""

    @cache
    def spells(i: int, j: int) -> bool:  # words[j:] spell acronym[i:]
        if j == len(words):
            return i == len(acronym)
        word = words[j]
        if word in STOPWORDS and spells(i, j + 1):
            return True
        k = 1
        while i + k <= len(acronym) and k <= len(word) and acronym[i : i + k] == word[:k]:
            if spells(i + k, j + 1):
                return True
            k += 1
        return False

    for j in range(len(words) - 1, -1, -1):
        if words[j] not in STOPWORDS and spells(0, j):
            return len(words) - j
    return 0


def acronyms_in(texts: Iterable[str]) -> Counts:
    """``(acronym, expansion words)`` defined in the texts, as ``Words Spelled Out (WSO)``, with their counts.

    The acronym is folded and without a plural ``s`` (``LLMs`` -> ``llm``); it needs two capitals and the expansion
    two words or more."""
    found: Counts = Counter()
    for text in texts:
        if "(" not in text:
            continue
        for m in _DEFINED.finditer(text):
            written = m.group(1)
            if sum(c.isupper() for c in written) < 2 or len(written) > 10:
                continue
            if written.endswith("s") and written[-2:-1].isupper():
                written = written[:-1]
            acronym = "".join(words_of(written))
            before = words_of(text[max(0, m.start() - 30 * len(acronym)) : m.start()])[-(len(acronym) + 4) :]
            n = _initials(acronym, before)
            if n >= 2:
                found[acronym, tuple(before[-n:])] += 1
    return found


def best_expansions(pairs: Counts) -> dict[str, tuple[str, ...]]:
    """Each acronym's most frequent expansion (the first found, on a tie)."""
    best: dict[str, tuple[int, tuple[str, ...]]] = {}
    for (acronym, words), count in pairs.items():
        if acronym not in best or count > best[acronym][0]:
            best[acronym] = (count, words)
    return {acronym: words for acronym, (_, words) in best.items()}


class Acronyms:
    """Acronyms and their expansions, both ways: ``moe`` -> ("mixture", "of", "experts") and back, by stems."""

    def __init__(self, expansions: dict[str, tuple[str, ...]]) -> None:
        self.expansions = expansions
        self.by_stems = {tuple(stems(words)): acronym for acronym, words in expansions.items()}
        self.longest = max((len(words) for words in expansions.values()), default=0)

    def expansion(self, word: str) -> tuple[str, ...] | None:
        """The words an acronym stands for (``llms`` too, for ``llm``)."""
        found = self.expansions.get(word)
        if found is None and word.endswith("s"):
            found = self.expansions.get(word[:-1])
        return found

    def acronym(self, words: Sequence[str]) -> str | None:
        """The acronym of these words, in any form (``large language model`` -> ``llm``)."""
        return self.by_stems.get(tuple(stems(words))) if len(words) >= 2 else None
