"""One paper, every source: the same arXiv id from Daily Papers, an arXiv feed, the API and the metadata snapshot
is one paper, each field from the source that has it (the feed is the real file; the others are written here)."""

from __future__ import annotations

import json
from pathlib import Path

from support.arxiv_server import API_NEW, RSS_NEW

from tui_reader.corpus import load_corpus

TITLE = "Shared Lexical Task Representations Explain Behavioral Variability In LLMs"


def write_sources(folder: Path) -> None:
    (folder / "a_feed.xml").write_bytes(RSS_NEW.read_bytes())
    (folder / "b_daily.json").write_text(
        json.dumps([{"paper": {"id": "2604.22027", "title": TITLE + ".", "summary": "Short.", "upvotes": 42,
                               "authors": [{"name": "Zhuonan Yang"}], "githubRepo": "https://github.com/x/y"}}])
    )  # fmt: skip
    (folder / "c_snapshot.jsonl").write_text(
        json.dumps({"id": "2604.22027", "title": "Shared lexical task representations explain behavioral "
                    "variability in LLMs", "abstract": "One.", "authors": "Zhuonan Yang and Ellie Pavlick",
                    "categories": "cs.CL", "doi": "10.1000/xyz",
                    "versions": [{"version": "v1", "created": "Fri, 24 Apr 2026 17:00:00 GMT"}]}) + "\n"
    )  # fmt: skip


def test_the_same_arxiv_id_from_every_source_is_one_paper(tmp_path):
    write_sources(tmp_path)
    corpus = load_corpus([tmp_path], use_cache=False)
    assert not [w for w in corpus.warnings if "a_feed.xml" in w]  # (the hand-written item lacks some fields)
    (paper,) = [p for p in corpus.papers if p.arxiv_id == "2604.22027"]
    assert len(corpus.papers) == 3  # the feed's three papers, no more
    assert paper.title == TITLE  # the first seen (the feed's file comes first)
    assert paper.upvotes == 42  # from Hugging Face
    assert paper.github_repo == "https://github.com/x/y"
    assert paper.categories == ("cs.CL", "cs.AI", "cs.LG")  # the feed's, longer than the snapshot's
    assert paper.announce_type == "new" and paper.arxiv_version == 1
    assert paper.doi == "10.1000/xyz" and paper.published == "2026-04-24"  # from the snapshot
    assert paper.abstract.startswith("One of the most common complaints about large language models")  # longest
    assert paper.sources == ("a_feed.xml", "b_daily.json", "c_snapshot.jsonl")


def test_the_order_the_sources_arrive_in_does_not_change_the_merged_fields(tmp_path):
    write_sources(tmp_path)
    forward = load_corpus(sorted(tmp_path.iterdir()), use_cache=False).papers
    backward = load_corpus(sorted(tmp_path.iterdir(), reverse=True), use_cache=False).papers
    (one,) = [p for p in forward if p.arxiv_id == "2604.22027"]
    (other,) = [p for p in backward if p.arxiv_id == "2604.22027"]
    assert one.id == other.id or one.title != other.title  # ids come from the first title seen, as they always have
    for name in ("abstract", "upvotes", "categories", "announce_type", "arxiv_version", "doi", "published"):
        assert getattr(one, name) == getattr(other, name), name


def test_a_replacement_announced_later_wins_over_the_first_announcement(tmp_path):
    (tmp_path / "a.xml").write_bytes(RSS_NEW.read_bytes())
    replaced = (
        RSS_NEW.read_bytes()
        .replace(b"2604.22027v1", b"2604.22027v2")
        .replace(
            b"<arxiv:announce_type>new</arxiv:announce_type>\n      <dc:rights>http://creativecommons.org/licenses/by/4.0/"
            b"</dc:rights>\n      <dc:creator>Zhuonan",
            b"<arxiv:announce_type>replace</arxiv:announce_type>\n      <dc:rights>http://creativecommons.org/licenses/by/"
            b"4.0/</dc:rights>\n      <dc:creator>Zhuonan",
        )
    )
    (tmp_path / "b.xml").write_bytes(replaced)
    for files in (sorted(tmp_path.iterdir()), sorted(tmp_path.iterdir(), reverse=True)):
        (paper,) = [p for p in load_corpus(files, use_cache=False).papers if p.arxiv_id == "2604.22027"]
        assert (paper.announce_type, paper.arxiv_version) == ("replace", 2)


def test_an_api_answer_and_a_feed_share_ids_with_daily_papers(tmp_path):
    (tmp_path / "api.xml").write_bytes(API_NEW.read_bytes())
    (tmp_path / "daily.json").write_text(
        json.dumps([{"paper": {"id": "2202.12139v1", "title": "Testing deep learning models", "summary": "S.",
                               "upvotes": 7}}])
    )  # fmt: skip
    papers = load_corpus([tmp_path], use_cache=False).papers
    assert len(papers) == 10
    (paper,) = [p for p in papers if p.arxiv_id == "2202.12139"]
    assert paper.upvotes == 7 and paper.categories == ("cs.SE", "cs.LG") and paper.arxiv_version == 1
