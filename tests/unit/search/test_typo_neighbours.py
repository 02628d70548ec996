"""Typo neighbours found through the letter signatures (tui_reader.search.typos) are exactly the words within reach
of the plain definition: the optimal string alignment distance, worked out here letter by letter, compared with every
word; non-ASCII letters, letters sharing a signature bucket ("a", "A", "!") and words of other lengths included."""

from __future__ import annotations

from bisect import bisect_left

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.paper import Paper
from tui_reader.search import SearchIndex
from tui_reader.search.prefixes import PrefixTables
from tui_reader.search.typos import Neighbours


def osa(a: str, b: str) -> int:
    """Edits (insert, delete, replace a letter, swap two neighbours) from ``a`` to ``b``, no substring edited twice."""
    d = [[i + j if i == 0 or j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_swaps_and_edits_written_out():
    words = ["graph", "grpah", "garph", "grape", "graphs", "paragraph", "ｇraph", "grap!"]
    table = Neighbours([w for w in words if len(w) == 5])
    assert [table.words[i] for i in table.close("graph", 1)] == ["graph", "grpah", "garph", "grape", "ｇraph", "grap!"]
    assert [table.words[i] for i in table.close("grahp", 1)] == ["graph"]
    assert [table.words[i] for i in table.close("grah", 1)] == ["graph", "grpah"]  # one letter missing, or two
    assert table.close("gr", 2).tolist() == []  # three letters shorter


letters = "abcéA!𝔞"  # "a", "A", "!" and "𝔞" (U+1D51E) share a signature bucket: only rapidfuzz tells them apart


@settings(max_examples=400, deadline=None)
@given(
    st.integers(1, 11).flatmap(lambda n: st.lists(st.text(letters, min_size=n, max_size=n), max_size=30, unique=True)),
    st.text(letters, min_size=1, max_size=13),
    st.integers(0, 2),
)
def test_the_words_within_reach_are_those_of_the_plain_distance(words, typed, k):
    found = Neighbours(words).close(typed, k).tolist()
    assert found == [i for i, w in enumerate(words) if osa(typed, w) <= k]


def test_beginnings_are_of_longer_words_only():
    for n in (3, 15, 16, 17, 20):
        vocabulary = ["a" * (n - 1) + "b", "a" * (n + 1)]  # the first is within reach, but a whole word
        assert PrefixTables(vocabulary).within("a" * n, n, 1) == ["a" * n]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text("abcé", min_size=1, max_size=20), max_size=30, unique=True),
    st.text("abcé", min_size=1, max_size=19),
    st.integers(1, 19),
    st.integers(0, 2),
)
def test_the_beginnings_within_reach_are_those_of_the_plain_distance(vocabulary, typed, length, k):
    """Beginnings of ASCII words, of the others ("é"), and of words past the 16 letters kept as bytes."""
    vocabulary.sort()
    expected = sorted({w[:length] for w in vocabulary if len(w) > length and osa(typed, w[:length]) <= k})
    assert PrefixTables(vocabulary).within(typed, length, k) == expected


def same_start(typed: str, word: str) -> bool:
    """One edit that keeps the first letter: the rule for short words."""
    return typed[0] == word[0] or typed[1:] == word or typed == word[1:] or typed[:2] == word[1::-1]


def expected_ranges(vocabulary: list[str], typed: str, prefix: bool) -> list[tuple[int, int, str]]:
    """Every word within 1 edit (2 when the longer of the two has 9 letters or more), short ones keeping their first
    letter; while typing, the distinct beginnings of longer words within the typed word's edits, as ranges."""
    edits = [0, 0, 0, 1, 1, 1, 1, 1, 1] + [2] * 30
    found: list[tuple[int, int, str]] = []
    if len(typed) < 3:
        return found
    for length in range(1, len(typed) + 5):
        k = edits[max(len(typed), length)]
        if abs(length - len(typed)) > k:
            continue
        for i, word in enumerate(vocabulary):
            if (
                len(word) == length
                and osa(typed, word) <= k
                and (max(len(typed), length) >= 5 or same_start(typed, word))
            ):
                found.append((i, i + 1, ""))
        if prefix and len(typed) >= 5 and abs(length - len(typed)) <= edits[len(typed)]:
            for start in sorted({w[:length] for w in vocabulary if len(w) > length}):
                if osa(typed, start) <= edits[len(typed)]:
                    lo = bisect_left(vocabulary, start)
                    found.append((lo, lo + sum(w.startswith(start) for w in vocabulary), start))
    return found


word = st.text("abcdeé", min_size=3, max_size=12)


@st.composite
def near(draw: st.DrawFn, typed: str) -> str:
    """``typed`` after up to three edits, and maybe more letters: words a typo is or is not within reach of."""
    letters = list(typed)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(letters)))
        edit = draw(st.sampled_from(["insert", "delete", "replace", "swap"]))
        if edit == "insert":
            letters.insert(at, draw(st.sampled_from("abcdeé")))
        elif at < len(letters) and edit == "delete":
            del letters[at]
        elif at < len(letters) and edit == "replace":
            letters[at] = draw(st.sampled_from("abcdeé"))
        elif at + 1 < len(letters):
            letters[at], letters[at + 1] = letters[at + 1], letters[at]
    return "".join(letters) + draw(st.text("abcdeé", max_size=4)) or "a"


@settings(max_examples=300, deadline=None)
@given(st.data(), word, st.booleans())
def test_a_search_finds_the_typo_neighbours_of_the_plain_rules(data, typed, prefix):
    words = data.draw(st.lists(near(typed) | word, min_size=1, max_size=25))
    index = SearchIndex([Paper(id=str(i), title=w, abstract="") for i, w in enumerate(words)])
    assert index._typo_ranges(typed, prefix) == expected_ranges(index.vocabulary, typed, prefix)
