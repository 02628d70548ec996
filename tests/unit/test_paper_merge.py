"""The same paper from several sources is one paper: merged by arXiv id, else by normalised title; richer fields
win whatever the order of arrival; the id is the title-derived one of the first-seen form, so marks survive; the
date column shows the year a richer source adds."""

from __future__ import annotations

import json

from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paper_files import seed_paper_met_again

from tui_reader.cli import main
from tui_reader.corpus import load_corpus
from tui_reader.dates import list_date
from tui_reader.library import MarkStore
from tui_reader.paper import Paper, normalise_title, paper_id
from tui_reader.paper_set import PaperSet, merge

SEED_TITLE = "RLIF: Interactive Imitation Learning as Reinforcement Learning"

# ---------------------------------------------------------------------------------------------------------
# Merge rules, as properties: any order of arrival gives the same papers


def _variant(title: str) -> st.SearchStrategy[str]:
    """The same title as another source may spell it: case, punctuation and spacing differ."""
    return st.sampled_from([title, title.upper(), title.lower(), f"{title}!", title.replace(" ", "  - "), f" {title}:"])


@st.composite
def forms(draw: st.DrawFn) -> list[Paper]:
    """Forms of a few papers, as dumps (title only), Daily Papers items and arXiv lines would give them."""
    out = []
    for number in range(draw(st.integers(1, 4))):
        title = f"Paper {number} about things"
        arxiv = f"2403.{number:05d}"
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["dump", "daily", "arxiv"]))
            shown = draw(_variant(title))
            out.append(
                Paper(
                    id=paper_id(shown),
                    title=shown,
                    abstract=draw(st.sampled_from(["", "Short.", "Other.", "A longer abstract."])),
                    dates=tuple(
                        draw(st.lists(st.sampled_from(["Mar 11", "Mar 12", "Mar 11, 2024"]), unique=True, max_size=2))
                    ),
                    sources=(draw(st.sampled_from(["a.txt", "b.json", "c.jsonl"])),),
                    arxiv_id=None if kind == "dump" else arxiv,
                    authors=()
                    if kind == "dump"
                    else tuple(draw(st.lists(st.sampled_from(["A", "B", "C", "D"]), unique=True, max_size=3))),
                    published=None if kind == "dump" else draw(st.sampled_from(["2024-03-08", "2024-03-09", None])),
                    upvotes=draw(st.integers(0, 50)) if kind == "daily" else None,
                )
            )
    return out


def _fields(paper: Paper) -> tuple[object, ...]:
    return (
        paper.abstract,
        paper.links,
        frozenset(paper.dates),
        frozenset(paper.sources),
        paper.arxiv_id,
        paper.authors,
        paper.published,
        paper.upvotes,
    )


@settings(max_examples=300, deadline=None)
@given(forms(), st.randoms(use_true_random=False))
def test_the_order_of_arrival_does_not_change_the_merged_fields(papers, random):
    shuffled = list(papers)
    random.shuffle(shuffled)
    one, other = merge(papers), merge(shuffled)
    assert len(one) == len(other) == len({normalise_title(p.title) for p in papers})
    by_key = {normalise_title(p.title): p for p in other}
    for paper in one:
        assert _fields(paper) == _fields(by_key[normalise_title(paper.title)])


@settings(max_examples=300, deadline=None)
@given(forms())
def test_the_id_and_title_are_those_first_seen_and_richer_fields_win(papers):
    for merged in merge(papers):
        same = [p for p in papers if normalise_title(p.title) == normalise_title(merged.title)]
        assert (merged.id, merged.title) == (same[0].id, same[0].title)
        assert merged.arxiv_id == next((p.arxiv_id for p in same if p.arxiv_id), None)
        assert len(merged.authors) == max(len(p.authors) for p in same)
        assert merged.published == min((p.published for p in same if p.published), default=None)
        assert merged.upvotes == max((p.upvotes for p in same if p.upvotes is not None), default=None)
        assert list(merged.dates) == list(dict.fromkeys(d for p in same for d in p.dates))


def test_an_arxiv_id_joins_papers_whose_titles_differ():
    first = Paper(id=paper_id("Old Title"), title="Old Title", abstract="", arxiv_id="2403.00001", dates=("Mar 11",))
    revised = Paper(id=paper_id("New Title"), title="New Title", abstract="Longer.", arxiv_id="2403.00001")
    later = Paper(id=paper_id("New Title"), title="New Title", abstract="", dates=("Mar 12",))  # a dump of v2
    papers = PaperSet([first, revised, later])
    assert len(papers) == 1
    assert (papers[0].id, papers[0].title, papers[0].abstract) == (first.id, "Old Title", "Longer.")
    assert papers[0].dates == ("Mar 11", "Mar 12")
    assert list(papers.ids) == [first.id]  # marks are kept by the one id shown


# ---------------------------------------------------------------------------------------------------------
# A seed dump paper met again in a Daily Papers listing and in arXiv metadata


def test_a_seed_paper_gains_the_listing_fields_and_keeps_its_id(tmp_path, seeds_corpus):
    listing, lines = seed_paper_met_again(tmp_path)
    seed = seeds_corpus.papers[0]
    assert seed.title == SEED_TITLE and seed.arxiv_id is None
    loaded = load_corpus([SEEDS, listing, lines])
    assert loaded.warnings == []
    assert [p.id for p in loaded.papers] == [p.id for p in seeds_corpus.papers]  # no id changed, none added
    paper = loaded.papers[0]
    assert (paper.id, paper.title, paper.abstract) == (seed.id, SEED_TITLE, seed.abstract)
    assert paper.arxiv_id == "2403.01234"
    assert paper.authors == ("Ada Lovelace", "Alan Turing")  # the longest list: the listing's
    assert paper.published == "2007-04-02"  # the earliest: the arXiv line's v1
    assert paper.upvotes == 12
    assert paper.dates == (*seed.dates, "Dec 1, 2023")  # both listings
    assert paper.sources == (*seed.sources, "listing.json", "meta.jsonl")
    # the listing first: the same paper, the id still that of its title
    assert load_corpus([listing, SEEDS]).papers[0].id == seed.id


def test_marks_on_a_seed_paper_survive_its_merge(tmp_path, seeds_corpus, data_dir, capsys):
    seed = seeds_corpus.papers[0]
    with MarkStore.open(data_dir) as store:
        store.set_starred(seed.id, True)
    listing, _ = seed_paper_met_again(tmp_path)
    assert main(["list", "--starred", "--format", "json", "--data-dir", str(data_dir), str(SEEDS), str(listing)]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert (record["id"], record["starred"], record["arxiv_id"]) == (seed.id, True, "2403.01234")
    assert record["authors"] == ["Ada Lovelace", "Alan Turing"]
    assert (record["published"], record["upvotes"]) == ("2024-03-08", 12)


def test_list_json_of_a_dump_paper_has_the_new_keys_empty(capsys, tmp_path):
    assert main(["list", "--format", "json", "--data-dir", str(tmp_path), str(SEEDS)]) == 0
    record = json.loads(capsys.readouterr().out)[0]
    assert (record["arxiv_id"], record["authors"], record["published"], record["upvotes"]) == (None, [], None, None)


# ---------------------------------------------------------------------------------------------------------
# What the reader shows


def test_the_date_column_shows_the_year_when_known():
    def paper(dates=(), published=None):
        return Paper(id="x", title="T", abstract="", dates=dates, published=published)

    assert list_date(paper(("Mar 11",))) == "Mar 11"
    assert list_date(paper(("Mar 11, 2024",))) == "Mar 11 2024"
    assert list_date(paper(("Mar 11", "Mar 11, 2024"))) == "Mar 11 2024"  # a dump's date, met again with its year
    assert list_date(paper(("Mar 11",), "2024-03-08")) == "Mar 11 2024"
    # listed the next year, surely, but not said: the published day is the one sorting by date uses
    assert list_date(paper(("Jan 2",), "2023-12-30")) == "Dec 30 2023"
    assert list_date(paper((), "2007-04-02")) == "Apr 2 2007"
    assert list_date(paper()) == ""
