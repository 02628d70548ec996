"""The index itself: postings are exactly the papers containing each word, and searches agree with brute force and
across threads."""

from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.corpus import Paper
from tui_reader.search import SearchIndex, words_of
from tui_reader.search.postings import build

text = st.text(alphabet=st.sampled_from(list("abcé ö-_.\x7fXY1 ")) | st.characters(), max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(text, text), min_size=1, max_size=40))
def test_postings_are_exact(pairs):
    """Every word of every text (accents, separators, odd characters) is found, and nothing else."""
    titles_ = [t for t, _ in pairs]
    abstracts = [a for _, a in pairs]
    vocabulary, fields = build(titles_, abstracts)
    assert vocabulary == sorted(set(vocabulary))
    for texts_, postings in zip((titles_, abstracts), fields):
        expected: dict[str, set[int]] = {}
        for i, text_ in enumerate(texts_):
            for word in words_of(text_):
                expected.setdefault(word, set()).add(i)
        assert set(expected) <= set(vocabulary)
        for w, word in enumerate(vocabulary):
            assert postings.papers_of(w).tolist() == sorted(expected.get(word, ())), word


def test_postings_across_chunks():
    """More papers than one chunk (1024): paper numbers stay right across chunk borders."""
    n = 5000
    titles_ = [f"common w{i % 7} t{i}" for i in range(n)]
    vocabulary, (title_postings, _) = build(titles_, [""] * n)
    where = {w: i for i, w in enumerate(vocabulary)}
    assert title_postings.papers_of(where["common"]).tolist() == list(range(n))  # kept as a bitmap
    assert title_postings.papers_of(where["w3"]).tolist() == list(range(3, n, 7))  # bitmap too (1/7)
    assert title_postings.papers_of(where["t4999"]).tolist() == [4999]  # a postings list
    assert len(title_postings.common) == 8 and title_postings.count(0, len(vocabulary)) == 3 * n


def test_long_words_differing_anywhere_stay_apart():
    base = "a" * 60
    words = [base[:i] + "b" + base[i + 1 :] for i in range(60)] + [base, base[:-1], "a" * 8 + "z", "a" * 9]
    vocabulary, (postings, _) = build(words, [""] * len(words))
    assert vocabulary == sorted(words)
    assert [postings.papers_of(vocabulary.index(w)).tolist() for w in words] == [[i] for i in range(len(words))]


def test_search_matches_brute_force_on_many_papers():
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda", "sigma"]
    papers = [
        Paper(id=f"{i:012x}", title=f"{words[i % 10]} {words[i * 7 % 10]}s", abstract=f"{words[i * 3 % 10]} x{i}")
        for i in range(4500)
    ]
    index = SearchIndex(papers)

    def where(test):
        return {i for i, p in enumerate(papers) if any(test(w) for w in words_of(p.title + " " + p.abstract))}

    assert set(index.search("gamma").indices) == where(lambda w: w.startswith("gamma"))
    assert set(index.search("gam").indices) == where(lambda w: w.startswith("gam"))
    gamma, kappa = where(lambda w: w in ("gamma", "gammas")), where(lambda w: w.startswith("kappa"))
    assert not gamma & kappa  # no paper has both: the papers with either are shown, and said to be partial
    assert set(index.search("gamma kappa").indices) == gamma | kappa and index.search("gamma kappa").partial
    assert set(index.search("-alpha beta").indices) == where(lambda w: w.startswith("beta")) - where(
        lambda w: w.startswith("alpha")
    )
    assert list(index.search("x4321").indices) == [4321]
    assert set(index.search("sigmma").indices) == where(lambda w: w.startswith("sigma"))  # a typo


def test_concurrent_searches_agree(index):
    queries = ["difusion", "graph neurl", '"neural tangent"', "gausian proces", "-diffusion flow", "d", "le"]
    expected = {q: list(index.search(q).indices) for q in queries}
    fresh = SearchIndex(index.papers)  # empty caches: threads race to fill them
    errors = []

    def run(offset):
        for k in range(len(queries) * 3):
            q = queries[(k + offset) % len(queries)]
            if list(fresh.search(q).indices) != expected[q]:
                errors.append(q)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
