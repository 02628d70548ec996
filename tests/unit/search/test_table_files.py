"""The filters' tables of a big corpus are worked out once, in the process that builds its index, and kept on disk
beside it: a reader that opens the index answers its first ``date:``, ``author:``, ``cat:`` or ``has:`` filter
from them without making a Paper of each paper. What a user would notice: the same papers as tables worked out from
the papers themselves (a plain list of the real fixtures' papers: the independent path), and a damaged folder of
tables only costs the time to work them out again, never a wrong answer, a traceback or a hang."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest

from tui_reader import corpus, index_build, stored_corpus
from tui_reader.corpus import load_corpus, read_file
from tui_reader.paper import Paper
from tui_reader.paper_set import PaperSet
from tui_reader.search import SearchIndex, table_files
from tui_reader.search.cache import _entry_name, cached_index, flag_tests
from tui_reader.search.tables import PaperTables

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
ARXIV = REAL / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl"
DAILY = REAL / "hf_daily_2026-02-25_default50_guo-sj_ai-paper-reader_0150ec7.json"

# every filter the tables answer, each keeping some papers of the fixtures (checked below), and with words
QUERIES = [
    "date:2007",
    "date:2007-04",
    "date:2007-04-01..2007-04-03",
    "date:Feb",
    'date:"Feb 25"',
    "date:ap",  # still being typed: April
    "date:2026",
    "-date:2026",
    "author:wang",
    "author:bal",  # typed: Balázs
    'author:"changhao li"',
    "author:li author:wang",
    "cat:hep-th",
    "cat:math",
    "cat:cs.c",  # typed: cs.CL, cs.CV...
    "-cat:hep-ph",
    "has:code",
    "has:project",
    "has:doi",
    "-has:doi",
    "is:read",
    "is:starred",
    "is:unread cat:hep-ph",
    "model has:code date:2026",
    "quantum -has:doi",
]


@pytest.fixture(scope="module")
def real_papers() -> list[Paper]:
    """The arXiv snapshot's lines and the Daily Papers listing, one paper each."""
    return list(PaperSet([*read_file(ARXIV, use_cache=False)[0], *read_file(DAILY, use_cache=False)[0]]))


@pytest.fixture(scope="module")
def marks(real_papers):
    read = {p.id for p in real_papers[::3]}
    starred = {p.id for p in real_papers[1::5]}
    return SimpleNamespace(read=read, starred=starred, items=lambda: [])


class Counted(Sequence[Paper]):
    """The papers, counting each Paper asked for (a store makes one from disk each time)."""

    def __init__(self, papers: list[Paper]) -> None:
        self._papers = papers
        self.made = 0
        self.ids = {p.id: i for i, p in enumerate(papers)}

    def __getitem__(self, index):
        self.made += 1 if isinstance(index, int) else len(range(*index.indices(len(self))))
        return self._papers[index]

    def __len__(self) -> int:
        return len(self._papers)


def answers(index: SearchIndex, marks) -> dict[str, list[int]]:
    return {query: list(index.search(query, marks).indices) for query in QUERIES}


def stored(papers: list[Paper], folder: Path) -> Path:
    ready = PaperTables(papers, len(papers)).work_out(flag_tests())
    assert table_files.store(folder, b"digest", ready)
    return folder


def test_tables_read_from_disk_answer_every_filter_as_the_papers_do(real_papers, marks, tmp_path):
    expected = answers(SearchIndex(real_papers), marks)
    assert all(expected.values()), [q for q, found in expected.items() if not found]  # each keeps some papers
    assert all(len(found) < len(real_papers) for q, found in expected.items() if "-" not in q)
    folder = stored(real_papers, tmp_path / "tables")
    papers = Counted(real_papers)
    ready = table_files.load(folder, b"digest", len(real_papers))
    from_disk = SearchIndex(papers, SearchIndex(real_papers).parts, ready)
    papers.made = 0
    assert answers(from_disk, marks) == expected
    # not one walk over the papers (a table worked out makes every paper): only those an author's words in a
    # row are checked in
    assert papers.made < len(real_papers)


def test_the_tables_are_mapped_read_only(real_papers, tmp_path):
    ready = table_files.load(stored(real_papers, tmp_path / "tables"), b"digest", len(real_papers))
    with pytest.raises(ValueError):
        ready.days.paper[0] = 1
    with pytest.raises(ValueError):
        ready.authors[1][0][0] = 1


def test_tables_of_other_papers_are_not_used(real_papers, tmp_path):
    folder = stored(real_papers, tmp_path / "tables")
    with pytest.raises(table_files.Damaged):
        table_files.load(folder, b"another digest", len(real_papers))
    with pytest.raises(table_files.Damaged):
        table_files.load(folder, b"digest", len(real_papers) + 1)


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at % len(data)] ^= 0x01
    path.write_bytes(bytes(data))


def _truncate(path: Path, at: int) -> None:
    path.write_bytes(path.read_bytes()[: at % max(path.stat().st_size, 1)])


def _fifo(path: Path, at: int) -> None:
    path.unlink()
    os.mkfifo(path)


def _garbage(path: Path, at: int) -> None:
    path.write_bytes(b"[" * 100_000 if at % 2 else b"\xff\xfe not json")


def _damages():
    names = [*table_files._NAMES, "meta.json"]
    for name in names:
        for damage, at in ((_flip, 7), (_flip, -3), (_truncate, 100), (_truncate, 0), (_fifo, 0)):
            yield pytest.param(name, damage, at, id=f"{name}-{damage.__name__}{at}")
    yield pytest.param("meta.json", _garbage, 0, id="meta-garbage")
    yield pytest.param("meta.json", _garbage, 1, id="meta-nested")


@pytest.mark.parametrize(("name", "damage", "at"), list(_damages()))
def test_a_damaged_file_is_refused_in_one_line(real_papers, tmp_path, name, damage, at):
    folder = stored(real_papers, tmp_path / "tables")
    damage(folder / name, at)
    with pytest.raises(table_files.Damaged) as refused:
        table_files.load(folder, b"digest", len(real_papers))
    assert "\n" not in str(refused.value)
    assert str(folder) in str(refused.value)


def test_meta_that_lies_about_the_flags_is_refused(real_papers, tmp_path):
    folder = stored(real_papers, tmp_path / "tables")
    meta = json.loads((folder / "meta.json").read_text())
    meta["flags"] = meta["flags"][:-1]
    (folder / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(table_files.Damaged, match=r"flags\.npy"):
        table_files.load(folder, b"digest", len(real_papers))


# -- the process that builds the index leaves the tables; the reader's cached_index picks them up ---------------


@pytest.fixture
def small_files(monkeypatch):
    """The arXiv fixture (145 KB) counts as big: it is imported into stores, as a million papers would be."""
    monkeypatch.setattr(stored_corpus, "STORE_MIN_BYTES", 1024)
    monkeypatch.setattr(stored_corpus, "SEGMENT_MIN_BYTES", 16 * 1024)
    monkeypatch.setattr(stored_corpus, "SHOW_FIRST", 10)
    monkeypatch.setattr(corpus, "STREAM_FIRST_PART", 10)
    # index_build.main runs here, not in a child: it must not watch this process' standard input for its parent
    monkeypatch.setattr(index_build.processes, "exit_with_parent", lambda: None)


@pytest.fixture
def corpus_files(tmp_path, small_files) -> list[Path]:
    files = [Path(shutil.copyfile(ARXIV, tmp_path / "arxiv.jsonl")), Path(shutil.copyfile(DAILY, tmp_path / "d.json"))]
    load_corpus(files)  # the first import, as the reader's
    return files


def _entry(files: list[Path]) -> Path:
    from tui_reader.files import cache_dir

    return cache_dir("index") / _entry_name(files)


def test_the_index_process_leaves_tables_the_reader_opens(corpus_files, real_papers, marks, capsys):
    assert index_build.main([str(f) for f in corpus_files]) == 0
    assert capsys.readouterr().out == "built\n"
    assert (_entry(corpus_files) / "tables" / "meta.json").is_file()
    papers = load_corpus(corpus_files).papers
    assert papers.stored
    index = cached_index(papers, corpus_files, build_apart=lambda: pytest.fail("the index was there"))
    assert index._tables._days is not None  # ready: nothing worked out at the first filter
    assert answers(index, marks) == answers(SearchIndex(list(papers)), marks)


@pytest.mark.parametrize(
    ("name", "damage", "at"),
    [
        ("authors.papers.npy", _flip, -1),
        ("days.paper.npy", _truncate, -8),
        ("flags.npy", _fifo, 0),
        ("meta.json", _garbage, 0),
        ("categories.words.json", _flip, 3),
    ],
)
def test_damaged_tables_beside_the_index_are_worked_out_again(corpus_files, marks, name, damage, at):
    index_build.main([str(f) for f in corpus_files])
    damage(_entry(corpus_files) / "tables" / name, at)
    papers = load_corpus(corpus_files).papers
    index = cached_index(papers, corpus_files)
    assert index._tables._authors is None  # not trusted: worked out from the papers
    assert answers(index, marks) == answers(SearchIndex(list(papers)), marks)


def test_a_paper_changed_outside_its_titles_and_abstracts_is_not_answered_from_old_tables(corpus_files, marks):
    index_build.main([str(f) for f in corpus_files])
    before = answers(cached_index(load_corpus(corpus_files).papers, corpus_files), marks)
    text = corpus_files[1].read_text()
    assert text.count('"name": "Changhao Li"') == 1
    corpus_files[1].write_text(text.replace('"name": "Changhao Li"', '"name": "Changhao Xu"'))  # one author only
    papers = load_corpus(corpus_files).papers
    index = cached_index(papers, corpus_files)  # the same titles and abstracts: the index is still good
    renamed = list(index.search("author:changhao author:xu").indices)
    assert renamed == [i for i, p in enumerate(papers) if "Changhao Xu" in p.authors] != []
    after = answers(index, marks)
    assert after == answers(SearchIndex(list(papers)), marks)
    assert after['author:"changhao li"'] != before['author:"changhao li"']


def test_tables_stored_after_the_reader_opened_the_index_are_taken_up_at_the_first_filter(
    corpus_files, marks, monkeypatch
):
    from tui_reader.search import tables
    from tui_reader.search.cache import store_tables

    papers = load_corpus(corpus_files).papers
    cached_index(papers, corpus_files)  # what the index's process stores first (then "built": the reader goes on)
    index = cached_index(papers, corpus_files, build_apart=lambda: pytest.fail("the index was there"))
    assert store_tables(papers, corpus_files)  # then the tables, while the reader runs

    def walked(*args):
        raise AssertionError("a table was worked out from the papers")

    expected = answers(SearchIndex(list(papers)), marks)
    monkeypatch.setattr(tables, "_walk", walked)
    assert answers(index, marks) == expected


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("categories.words.json", lambda words: list(reversed(words))),  # a bisect over them would miss
        ("categories.words.json", lambda words: {"not": "a list"}),
        ("authors.words.json", lambda words: words[:-1]),  # one word fewer than the offsets cut
    ],
)
def test_files_that_match_their_crc_but_not_each_other_are_refused(real_papers, tmp_path, name, text):
    """What a writer that went wrong would leave: each file as meta.json says, the tables not fitting together."""
    import zlib

    folder = stored(real_papers, tmp_path / "tables")
    data = json.dumps(text(json.loads((folder / name).read_text()))).encode()
    (folder / name).write_bytes(data)
    meta = json.loads((folder / "meta.json").read_text())
    meta["files"][name] = [len(data), zlib.crc32(data)]
    (folder / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(table_files.Damaged, match=name.split(".")[0]):
        table_files.load(folder, b"digest", len(real_papers))
