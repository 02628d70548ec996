"""A PaperSet holding a store of papers on disk behaves as the same papers held as a list: the same papers in the
same places, one paper per paper whichever way they came, the same lookups. The list path is the independent
reference (it is today's PaperSet, tested on its own in test_paper_merge.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.corpus import read_file
from tui_reader.paper import Paper, _field_values, paper_id
from tui_reader.paper_set import PaperSet
from tui_reader.paper_store_writer import write_store

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
SNAPSHOT = REAL / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl"


def stored(tmp_path: Path, papers: list[Paper], name: str = "big.jsonl"):
    source = tmp_path / name
    source.write_text("{}\n")
    store = write_store(source, [(papers, [])], fingerprint="test", identity_before="", folder=tmp_path / "stores")
    assert store is not None
    return store


@pytest.fixture(scope="module")
def real() -> list[Paper]:
    papers, warnings = read_file(SNAPSHOT, use_cache=False)
    assert len(papers) == 100 and not warnings
    return papers


def paper(title: str, arxiv: str | None = None, source: str = "a", **fields) -> Paper:
    return Paper(
        id=paper_id(title), title=title, abstract=f"About {title}.", arxiv_id=arxiv, sources=(source,), **fields
    )


def same(a: PaperSet, b: PaperSet) -> None:
    assert len(a) == len(b)
    assert list(a) == list(b)
    asked = [*[p.id for p in b][::-1], "000000000000", "not an id", "é"]
    assert a.positions_of(asked).tolist() == [b.ids.get(key, -1) for key in asked]
    for position, p in enumerate(b):
        assert a.ids[p.id] == position
        if p.arxiv_id is not None:
            assert a.arxiv[p.arxiv_id] == b.arxiv[p.arxiv_id]


def test_a_store_is_its_papers_in_their_places(tmp_path, real):
    together = PaperSet()
    together.add(stored(tmp_path, real))
    same(together, PaperSet(real))
    assert together[-1] == real[-1] and together[10:13] == real[10:13]
    assert list(together.texts("title")[5:9]) == [p.title for p in real[5:9]]
    assert together.texts("abstract")[42] == real[42].abstract
    assert "no such id" not in together.ids and together.ids.get("000000000000") is None


def test_papers_held_before_a_store_keep_their_places_and_join_its_copies(tmp_path, real):
    seeds = [
        paper("A seed paper only"),
        real[3],
        paper(real[7].title, source="hf"),
        Paper(**_fields(real[9], sources=("hf",), arxiv_id=real[9].arxiv_id, title="Other title")),
    ]
    together = PaperSet(seeds)
    together.add(stored(tmp_path, real))
    reference = PaperSet(seeds + real)
    same(together, reference)
    # the copies joined: the title-only match and the arXiv-id match kept their places and both sources
    assert together[2].sources == ("hf", *real[7].sources)
    assert together[3].title == "Other title" and real[9].sources[0] in together[3].sources
    assert len(together) == 1 + 100


def test_papers_after_a_store_join_its_rows_or_follow_them(tmp_path, real):
    later = [
        paper("A new paper"),
        Paper(**_fields(real[50], sources=("hf",), upvotes=7)),
        paper(real[60].title, source="hf"),
    ]
    together = PaperSet()
    together.add(stored(tmp_path, real))
    together.add(later)
    same(together, PaperSet(real + later))
    assert together[50].upvotes == 7 and together[60].sources[-1] == "hf"
    assert together.texts("title")[100] == "A new paper"


def test_two_stores_of_one_paper_are_one_paper(tmp_path, real):
    together = PaperSet()
    together.add(stored(tmp_path, real[:60], "one.jsonl"))
    together.add(stored(tmp_path, real[40:], "two.jsonl"))
    same(together, PaperSet(real[:60] + real[40:]))
    assert len(together) == 100


def test_the_content_key_follows_the_texts(tmp_path, real):
    store = stored(tmp_path, real)
    one, two = PaperSet(), PaperSet()
    one.add(store)
    two.add(store)
    assert one.content_key() == two.content_key() is not None
    two.add([Paper(**_fields(real[5], abstract=real[5].abstract + " A longer abstract wins."))])
    assert one.content_key() != two.content_key()
    assert two.texts("abstract")[5].endswith("A longer abstract wins.")
    assert PaperSet(real).content_key() is None  # held in memory: the search digests the texts


def _fields(p: Paper, **changes) -> dict:
    """The paper's fields by name (the class takes them in this order), some changed."""
    values = dict(zip(Paper.__match_args__, _field_values(p), strict=True))
    return {**values, **changes}


def test_a_copy_grows_on_its_own(tmp_path, real):
    original = PaperSet(real[:2])
    original.add(stored(tmp_path, real[2:50]))
    original.add(real[50:60])
    copy = original.copy()
    copy.add([*real[60:], Paper(**_fields(real[55], upvotes=3)), Paper(**_fields(real[20], upvotes=4))])
    assert len(original) == 60 and original[55].upvotes is None and original[20].upvotes is None
    assert "x" not in original.ids and real[70].id not in original.ids
    same(copy, PaperSet([*real, Paper(**_fields(real[55], upvotes=3)), Paper(**_fields(real[20], upvotes=4))]))
    same(original, PaperSet(real[:60]))


def test_a_damaged_paper_is_shown_as_damaged_never_trusted_and_the_store_is_imported_again(tmp_path, real):
    from tui_reader.paper_set import DAMAGED
    from tui_reader.paper_store import open_store

    store = stored(tmp_path, real)
    (folder,) = (tmp_path / "stores").iterdir()
    at = int(store._c["text_at"][60]) + 2  # a byte of paper 60's title, written after the store was opened
    with open(folder / "text.bin", "r+b") as blob:
        blob.seek(at)
        byte = blob.read(1)
        blob.seek(at)
        blob.write(bytes([byte[0] ^ 0x20]))
    together = PaperSet()
    together.add(store)
    assert together[59] == real[59] and together[61] == real[61]
    assert together[60].title == DAMAGED and together[60].id == real[60].id and together[60].abstract == ""
    assert together.texts("title")[58:62] == [real[58].title, real[59].title, DAMAGED, real[61].title]
    assert together.texts("abstract")[60] == real[60].abstract  # its abstract passed its own check
    assert open_store(tmp_path / "big.jsonl", tmp_path / "stores", fingerprint="test") is None


def test_texts_picked_at_scattered_places_are_those_of_the_papers_there(tmp_path, real, monkeypatch):
    """A phrase is checked in its candidates' texts, read at once without making a Paper of each (a store's
    Paper is ~8x slower to make than its title): in a store, in the papers held before it (one of which a store
    row joined), and in the papers after it."""
    from tui_reader.paper_store import StoredPapers
    from tui_reader.search import SearchIndex

    seeds = [paper("A seed paper only"), Paper(**_fields(real[9], sources=("hf",), title="Other title"))]
    longer = real[50].abstract + " Read as a neural tangent kernel."  # the longer abstract wins: a changed row
    later = [
        paper("A new paper about neural tangent kernels"),
        Paper(**_fields(real[50], sources=("hf",), abstract=longer)),
    ]
    together = PaperSet(seeds)
    together.add(stored(tmp_path, real))
    together.add(later)
    reference = PaperSet(seeds + real + later)
    assert len(together) == len(reference) == 102
    positions = [*range(101, -1, -3), 101, -1, 0, 50, 51, 52]  # every part, a changed row, backwards
    index = SearchIndex(together)  # built from slices of the texts
    expected = [list(SearchIndex(reference).search(q).indices) for q in ('"neural tangent', '"of the"', '"a new"')]

    def made(self, row):
        raise AssertionError("a stored paper was made to read its text")

    monkeypatch.setattr(StoredPapers, "_paper", made)
    for field in ("title", "abstract"):
        assert together.texts(field).pick(positions) == [getattr(reference[p], field) for p in positions]
    with pytest.raises(IndexError):
        together.texts("title").pick([102])
    assert [list(index.search(q).indices) for q in ('"neural tangent', '"of the"', '"a new"')] == expected
    assert all(expected)


def test_is_filters_find_the_marked_papers_of_a_store(tmp_path, real):
    from types import SimpleNamespace

    from tui_reader.search import SearchIndex

    together = PaperSet(real[:3])
    together.add(stored(tmp_path, real[3:]))
    starred = SimpleNamespace(read=True, starred=True)
    marks = {real[1].id: starred, real[40].id: starred, real[99].id: starred, "000000000000": starred}
    index = SearchIndex(together)
    assert list(index.search("is:starred", marks).indices) == [1, 40, 99]
    assert len(index.search("is:unread", marks).indices) == 97
