"""The on-disk index of big corpora: used only for the very papers it was built from, never a cause of errors.

Answers from the folder are compared with a fresh build in memory (the path that never touches the disk), and a
few are written out."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tui_reader.corpus import load_corpus
from tui_reader.search import SearchIndex
from tui_reader.search.cache import KEEP, cached_index

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
REAL_FILES = [
    REAL / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl",
    REAL / "hf_daily_2026-02-25_default50_guo-sj_ai-paper-reader_0150ec7.json",
]
# a word, a prefix being typed, typos, a phrase (closed, and being typed), an exclusion, filters, acronyms, forms
QUERIES = [
    "diffusion",
    "difusion mod",
    "reinforcment lerning",
    "netwrok",
    '"neural tangent"',
    '"large lang',
    "-diffusion flow",
    "schrodinger",
    "date:Mar 11 gaussian",
    "date:2026 is:unread agent",
    "is:starred model",
    "moe",
    "mixture of experts",
    "geometryaware",
    "reasoning",
    "quantum",
    "graph",
]
MARKS = {"2406.08070": SimpleNamespace(read=True, starred=True)}


@pytest.fixture
def papers(seeds_corpus):
    return seeds_corpus.papers


@pytest.fixture(scope="module")
def real_papers():
    return load_corpus(REAL_FILES, use_cache=False).papers


def answers(index) -> list[list[int]]:
    found = [list(index.search(query, MARKS).indices) for query in QUERIES]
    return found + [list(index.similar(p).indices) for p in (0, len(index.papers) // 2, len(index.papers) - 1)]


def test_the_second_launch_takes_the_index_from_the_cache_and_answers_the_same(papers, files, tmp_path, count_builds):
    fresh = SearchIndex(papers)
    cached_index(papers, files, tmp_path)
    assert count_builds == [len(papers), len(papers)]
    assert len(list(tmp_path.glob("*.index"))) == 1
    again = cached_index(papers, files, tmp_path)
    assert len(count_builds) == 2, "built again instead of read from the cache"
    assert answers(again) == answers(fresh)
    assert all(answers(again)[:5]), "the queries must find something for the comparison to mean anything"
    assert [papers[i].title for i in again.search("schrodinger").indices] == [
        "Light Schr\u00f6dinger Bridge",
        "Stochastic Interpolants: A Unifying Framework for Flows and Diffusions",
        "Physics-Informed Neural Networks for One-Dimensional Quantum Well Problems",
    ]
    assert [papers[i].title for i in again.search('"neural tangent"').indices][:2] == [
        "Neural Tangent Kernel: Convergence and Generalization in Neural Networks",
        "More is Better in Modern Machine Learning: when Infinite Overparameterization is Optimal and "
        "Overfitting is Obligatory",
    ]


def test_an_index_of_real_listings_from_disk_answers_as_one_built_in_memory(real_papers, tmp_path, count_builds):
    files = REAL_FILES
    cached_index(real_papers, files, tmp_path)
    again = cached_index(real_papers, files, tmp_path)
    assert len(count_builds) == 1
    assert answers(again) == answers(SearchIndex(real_papers))
    assert [real_papers[i].id for i in again.search("netwrok").indices][:3] == [
        "84b956ce6861",
        "8e4d0fcc1adc",
        "5a3b87e4b22c",
    ]
    assert [real_papers[i].id for i in again.search('"neural network"').indices] == ["5a3b87e4b22c", "05ecc0bbb3f9"]


def test_a_big_corpus_keeps_common_words_as_bitmaps_on_disk_and_answers_the_same(papers, files, tmp_path, count_builds):
    """5,000 papers: words in more than 1/16 of them are bitmap rows, which the folder keeps as a 2-D array."""
    many = [dataclasses.replace(p, id=f"{p.id}-{k}") for k in range(24) for p in papers][:5000]
    cached_index(many, files, tmp_path)
    again = cached_index(many, files, tmp_path)
    assert len(count_builds) == 1
    assert len(again.parts.title.common) > 0 and len(again.parts.abstract.common) > 0
    assert again.parts.abstract.bits.ndim == 2 and not again.parts.abstract.bits.flags.writeable
    assert answers(again) == answers(SearchIndex(many))


def test_the_arrays_read_back_are_mapped_read_only_and_no_search_writes_into_them(papers, files, tmp_path):
    cached_index(papers, files, tmp_path)
    again = cached_index(papers, files, tmp_path)
    for postings in (again.parts.title, again.parts.abstract):
        for array in (postings.offsets, postings.papers, postings.common, postings.bits, postings.common_counts):
            assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        again.parts.title.papers[0] = 1
    answers(again)  # every kind of query ran over them


def test_changed_papers_are_indexed_again_and_replace_their_entry(papers, files, tmp_path, count_builds):
    cached_index(papers, files, tmp_path)
    edited = list(papers)
    edited[3] = dataclasses.replace(edited[3], abstract=edited[3].abstract + " zyzzogeton")
    index = cached_index(edited, files, tmp_path)
    assert len(count_builds) == 2
    assert [index.papers[i].id for i in index.search("zyzzogeton").indices] == [edited[3].id]
    assert [p.name for p in tmp_path.iterdir()] == [f.name for f in tmp_path.glob("*.index")]  # one, nothing else
    cached_index(edited, files, tmp_path)
    assert len(count_builds) == 2


def test_a_reader_using_the_old_folder_keeps_answering_after_it_is_replaced(papers, files, tmp_path):
    cached_index(papers, files, tmp_path)
    old = cached_index(papers, files, tmp_path)  # mapped from the folder
    before = answers(old)
    edited = [dataclasses.replace(p, title="Aardvarks " + p.title) for p in papers]  # every offset moves
    cached_index(edited, files, tmp_path)
    assert answers(old) == before


def test_a_cache_that_cannot_be_written_only_costs_time(papers, files, tmp_path, count_builds):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    assert answers(cached_index(papers, files, blocked))[0]
    assert answers(cached_index(papers, files, blocked))[0]
    assert len(count_builds) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["not-a-folder"]  # no stray temporary files


def test_an_entry_that_cannot_be_marked_used_is_still_used(papers, files, tmp_path, monkeypatch, count_builds):
    cached_index(papers, files, tmp_path)

    def read_only(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(os, "utime", read_only)
    assert answers(cached_index(papers, files, tmp_path))[0]
    assert len(count_builds) == 1  # read from the cache, not built again


def test_only_the_most_recently_used_corpora_are_kept_and_old_pickles_go(papers, files, tmp_path):
    (tmp_path / "0badcafe.pickle").write_bytes(b"an entry of the format before")
    made = []
    for n in range(1, KEEP + 3):
        cached_index(papers[:n], files[:1] * n, tmp_path)  # a different "corpus" each time
        [entry] = set(tmp_path.glob("*.index")) - set(made)
        os.utime(entry, (n, n))  # used n seconds after the epoch: in the order made
        made.append(entry)
    assert sorted(tmp_path.iterdir()) == sorted(made[-KEEP:])


def test_an_empty_corpus_is_kept_and_read_back(tmp_path, count_builds):
    cached_index([], [Path("none")], tmp_path)
    index = cached_index([], [Path("none")], tmp_path)
    assert len(count_builds) == 1
    assert list(index.search("anything").indices) == [] and index.vocabulary == []


def test_the_arrays_on_disk_hold_the_postings_built(papers, files, tmp_path):
    """Read back by numpy's own reader, the title postings say which papers hold "diffusion"."""
    cached_index(papers, files, tmp_path)
    [entry] = tmp_path.glob("*.index")
    vocabulary = (entry / "vocabulary.txt").read_text(encoding="utf-8").split("\n")
    offsets = np.load(entry / "title.offsets.npy")
    held = np.load(entry / "title.papers.npy")
    w = vocabulary.index("diffusion")
    found = set(held[offsets[w] : offsets[w + 1]].tolist())
    as_word = {i for i, p in enumerate(papers) if "diffusion" in re.split(r"[^a-z]+", p.title.lower())}
    within = {i for i, p in enumerate(papers) if "diffusion" in p.title.lower()}  # DiffusionPDE: split, indexed
    assert len(as_word) == 3 and as_word <= found <= within and len(within) > len(as_word)
