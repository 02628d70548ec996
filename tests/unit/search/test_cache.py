"""The on-disk index of big corpora: used only for the very papers it was built from, never a cause of errors."""

from __future__ import annotations

import dataclasses
import os

import pytest

from tui_reader.search.cache import KEEP, cached_index

QUERIES = ["diffusion", "difusion mod", '"neural tangent"', "-diffusion flow", "schrodinger", "date:Mar 11 gaussian"]


@pytest.fixture
def papers(seeds_corpus):
    return seeds_corpus.papers


def answers(index) -> list[list[int]]:
    return [list(index.search(query).indices) for query in QUERIES]


def test_the_second_launch_takes_the_index_from_the_cache_and_answers_the_same(papers, files, tmp_path, count_builds):
    fresh = cached_index(papers, files, tmp_path)
    assert count_builds == [len(papers)]
    assert len(list(tmp_path.glob("*.pickle"))) == 1
    again = cached_index(papers, files, tmp_path)
    assert count_builds == [len(papers)], "built again instead of read from the cache"
    assert answers(again) == answers(fresh)
    assert answers(again)[0], "the queries must find something for the comparison to mean anything"
    assert (
        list(again.search("schrodinger").indices)
        and again.search("schrodinger").spans(again.search("schrodinger").indices[0])[0]
    )


def test_changed_papers_are_indexed_again_and_replace_their_entry(papers, files, tmp_path, count_builds):
    cached_index(papers, files, tmp_path)
    edited = list(papers)
    edited[3] = dataclasses.replace(edited[3], abstract=edited[3].abstract + " zyzzogeton")
    index = cached_index(edited, files, tmp_path)
    assert len(count_builds) == 2
    assert [index.papers[i].id for i in index.search("zyzzogeton").indices] == [edited[3].id]
    assert len(list(tmp_path.glob("*.pickle"))) == 1  # the corpus' one entry, now for the new text
    cached_index(edited, files, tmp_path)
    assert len(count_builds) == 2


def test_a_damaged_entry_is_rebuilt_silently(papers, files, tmp_path, count_builds):
    cached_index(papers, files, tmp_path)
    [entry] = tmp_path.glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:1000])  # cut short
    index = cached_index(papers, files, tmp_path)
    assert len(count_builds) == 2 and answers(index)[0]
    cached_index(papers, files, tmp_path)  # and it was stored again, whole
    assert len(count_builds) == 2


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


def test_only_the_most_recently_used_corpora_are_kept(papers, files, tmp_path):
    made = []
    for n in range(1, KEEP + 3):
        cached_index(papers[:n], files[:1] * n, tmp_path)  # a different "corpus" each time
        [entry] = set(tmp_path.glob("*.pickle")) - set(made)
        os.utime(entry, (n, n))  # used n seconds after the epoch: in the order made
        made.append(entry)
    assert sorted(tmp_path.glob("*.pickle")) == sorted(made[-KEEP:])
