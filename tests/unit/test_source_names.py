"""The Sources line names where a paper was read from as a person knows it: the source and the listing day, the
arXiv snapshot, the user's own file by name; never a cache file's name."""

from __future__ import annotations

from conftest import S0, S1, S2

from tui_reader.paper import Paper
from tui_reader.source_names import source_names


def paper(**fields) -> Paper:
    return Paper(id="p", title="A Paper", abstract="An abstract.", **fields)


def test_a_stored_listing_is_daily_papers_and_its_day():
    assert source_names(paper(sources=("2026-02-25.json",), dates=("2026-02-25",))) == ["Daily Papers, Feb 25 2026"]


def test_two_stored_listings_are_daily_papers_and_both_days_in_order():
    listed = paper(sources=("2024-03-12.json", "2024-03-11.json"), dates=("2024-03-12", "2024-03-11"))
    assert source_names(listed) == ["Daily Papers, Mar 12 2024 · Mar 11 2024"]


def test_a_bundled_dump_is_daily_papers_and_its_listing_day_never_the_cache_name():
    assert source_names(paper(sources=(S0,), dates=("Mar 11",))) == ["Daily Papers, Mar 11"]
    assert source_names(paper(sources=(S0,), dates=("Mar 11, 2024",))) == ["Daily Papers, Mar 11 2024"]


def test_a_paper_in_two_bundled_dumps_is_daily_papers_and_each_listing_day_once():
    both = paper(sources=(S0, S1, S2), dates=("Mar 11", "Mar 17"), published="2024-03-08")
    assert source_names(both) == ["Daily Papers, Mar 11 2024 · Mar 17 2024"]  # the year: the published date's


def test_a_dump_without_a_listing_day_is_daily_papers_alone():
    assert source_names(paper(sources=(S0,))) == ["Daily Papers"]


def test_an_arxiv_snapshot_is_named_so():
    record = paper(sources=("arxiv-metadata-oai-snapshot.json",), categories=("cs.LG",), published="2007-04-02")
    assert source_names(record) == ["arXiv metadata snapshot"]


def test_a_listing_and_the_arxiv_snapshot_of_the_same_paper():
    merged = paper(
        sources=("2026-02-25.json", "meta.jsonl"), dates=("2026-02-25",), categories=("cs.CL",), published="2026-02-20"
    )
    assert source_names(merged) == ["Daily Papers, Feb 25 2026", "arXiv metadata snapshot"]


def test_the_users_own_files_keep_their_names_cleaned():
    own = paper(sources=("my papers.txt", "saved-daily.json", "bad\x1b[31m.txt"))
    assert source_names(own) == ["my papers.txt", "saved-daily.json", "bad.txt"]


def test_json_files_without_arxiv_metadata_are_the_users_files():
    assert source_names(paper(sources=("saved.json", "more.jsonl"), categories=("cs.LG",))) == [
        "saved.json",
        "more.jsonl",
    ]  # two files that could be the snapshot: neither is named so by guess


def test_a_day_both_fetched_and_in_a_bundled_dump_is_named_once():
    twice = paper(sources=("2024-03-11.json", S0), dates=("2024-03-11", "Mar 11, 2024"))
    assert source_names(twice) == ["Daily Papers, Mar 11 2024"]


def test_arxiv_feeds_and_api_answers_are_named_by_their_categories_and_day():
    fed = paper(sources=("2026-04-27_cs.CL+cs.LG.xml", "2026-04-28_cs.CL.xml"), categories=("cs.CL",))
    assert source_names(fed) == ["arXiv cs.CL, cs.LG, Apr 27 2026", "arXiv cs.CL, Apr 28 2026"]
    added = paper(sources=("added_2026-12-07T091500.xml", "added_2026-12-08T101010-2.xml"))
    assert source_names(added) == ["arXiv API, Dec 7 2026", "arXiv API, Dec 8 2026"]
    assert source_names(paper(sources=("notes_cs.CL.xml",))) == ["notes_cs.CL.xml"]  # the user's own file
