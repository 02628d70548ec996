"""What the search tests share: the titles or ids a query finds, hand-made papers, and word checks."""

from __future__ import annotations

from tui_reader.corpus import Paper
from tui_reader.search import words_of


def titles(index, query, marks=None):
    result = index.search(query, marks)
    return [index.papers[i].title for i in result.indices]


def assert_every_result_matches(index, query):
    """Every result shows where it matched."""
    result = index.search(query)
    assert len(result) > 0
    for i in result.indices:
        title_spans, abstract_spans = result.spans(i)
        assert title_spans or abstract_spans, index.papers[i].title


def paper(title: str, abstract: str = "") -> Paper:
    return Paper(id=title.lower().replace(" ", "-")[:12], title=title, abstract=abstract)


def ids(index, query):
    return [index.papers[i].id for i in index.search(query).indices]


def top(index, query, n=10):
    return [index.papers[i].title for i in index.search(query).indices[:n]]


def has_phrase(text: str, words: tuple[str, ...]) -> bool:
    found = words_of(text)
    return any(tuple(found[i : i + len(words)]) == words for i in range(len(found) - len(words) + 1))


def words_in(p: Paper) -> set[str]:
    return set(words_of(p.title + " " + p.abstract))


def position(papers, title_start: str) -> int:
    (i,) = [i for i, p in enumerate(papers) if p.title.startswith(title_start)]
    return i


AUTHORED = [
    Paper("h", "Deep belief nets", "x", authors=("Geoffrey E. Hinton", "Simon Osindero"), published="2006-07-01"),
    Paper("m", "Kernel methods", "x", authors=("Klaus-Robert Müller",), dates=("Mar 11, 2024",)),
    Paper("y", "Convolutional networks", "x", authors=("Yann LeCun", "Léon Bottou"), published="2024-03-08"),
    Paper("o", "Another Yann", "x", authors=("Yann Ollivier", "Hinton Lecun"), dates=("Mar 11",)),
    Paper("n", "Nobody", "x", dates=("Feb 29, 2024",), published="2024-02-20"),
]
