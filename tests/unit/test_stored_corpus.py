"""A big JSON Lines file is imported into stores of papers on disk by one process per part of the file, and opened
from them while it is unchanged. What a user would notice: the same papers as reading the file whole (the
in-memory parse is the independent reference), the same problems said once per kind, the first papers shown while
the import runs, an edited file imported again, nothing left running or half-written when the load is cancelled,
and every paper still there when the stores cannot be written."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import small_tmpfs

from tui_reader import corpus, stored_corpus
from tui_reader.corpus import read_file
from tui_reader.paper import Paper
from tui_reader.paper_set import PaperSet, StoredRows
from tui_reader.stored_corpus import first_stored, merged_index, read_stored, segments, stores_papers

REAL = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "real"
    / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl"
)


@pytest.fixture(autouse=True)
def small_files(monkeypatch):
    """A file of 145 KB counts as big, and splits into one part per core (two, here)."""
    monkeypatch.setattr(stored_corpus, "STORE_MIN_BYTES", 1024)
    monkeypatch.setattr(stored_corpus, "SEGMENT_MIN_BYTES", 16 * 1024)
    monkeypatch.setattr(stored_corpus, "SHOW_FIRST", 10)
    monkeypatch.setattr(stored_corpus, "FIRST_SCREEN", 7)
    monkeypatch.setattr(corpus, "STREAM_FIRST_PART", 10)
    monkeypatch.setattr(stored_corpus, "PROGRESS_SECONDS", 0.01)


def copied(tmp_path: Path, name: str = "arxiv.jsonl") -> Path:
    return Path(shutil.copyfile(REAL, tmp_path / name))


def loaded(path: Path, folder: Path) -> tuple[PaperSet, list[str], list]:
    papers, warnings, found = PaperSet(), [], []
    for part, problems, (count, _) in read_stored(path, folder):
        found.append((part, count))
        papers.add(part)
        warnings += problems
    return papers, warnings, found


def test_the_first_import_gives_the_papers_reading_the_file_gives(tmp_path):
    path = copied(tmp_path)
    assert stores_papers(path) and segments(os.stat(path).st_size) == min(2, os.cpu_count() or 1)
    papers, warnings, found = loaded(path, tmp_path / "stores")
    expected, expected_warnings = read_file(path, use_cache=False)
    assert list(papers) == list(PaperSet(expected)) and len(papers) == 100
    assert warnings == expected_warnings == []
    # the first papers came as parsed, before the stores; the stores came whole, the count rising to 100
    assert isinstance(found[0][0], list) and len(found[0][0]) == 10
    stores = [part for part, _ in found if isinstance(part, StoredRows)]
    assert len(stores) == segments(os.stat(path).st_size)
    assert found[-1][1] == 100
    assert not papers._papers  # the papers shown first are the stores' rows now: nothing held in memory


def test_a_later_launch_opens_the_stores_without_parsing(tmp_path, monkeypatch):
    path = copied(tmp_path)
    first, _, _ = loaded(path, tmp_path / "stores")

    def no_parsing(*args):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(stored_corpus, "_parse_parts", no_parsing)
    monkeypatch.setattr(stored_corpus, "_start", no_parsing)
    again, _, found = loaded(path, tmp_path / "stores")
    assert list(again) == list(first)
    assert all(isinstance(part, StoredRows) for part, _ in found)
    assert again.content_key() == first.content_key()  # the search index built after the import is used


def test_a_later_launch_shows_the_files_first_papers_before_the_stores_which_then_take_their_place(tmp_path):
    path = copied(tmp_path)
    assert first_stored(path, tmp_path / "stores") == []  # not imported yet
    loaded(path, tmp_path / "stores")
    first = first_stored(path, tmp_path / "stores")
    expected = list(PaperSet(read_file(path, use_cache=False)[0]))
    assert first == expected[:7]
    papers = PaperSet(first)  # on screen while the stores open
    for part, _, _ in read_stored(path, tmp_path / "stores"):
        papers.add(part)
    assert list(papers) == expected and not papers._papers  # the first papers are the stores' rows now
    path.write_bytes(REAL.read_bytes()[: len(REAL.read_bytes()) // 2])  # the file changed: its stores are stale
    assert first_stored(path, tmp_path / "stores") == []


@pytest.mark.parametrize("damaged", ["the first store", "the last store"])
def test_first_papers_shown_before_a_damaged_store_is_found_cost_no_paper_and_add_none(tmp_path, damaged):
    path = copied(tmp_path)
    loaded(path, tmp_path / "stores")
    folders = stored_corpus._folders(path, tmp_path / "stores")
    (store,) = (folders[0] if damaged == "the first store" else folders[-1]).iterdir()
    column = store / "chars"  # a column the first papers are not read from: found when the stores open
    data = bytearray(column.read_bytes())
    data[len(data) // 2] ^= 1
    column.write_bytes(bytes(data))
    first = first_stored(path, tmp_path / "stores")
    papers = PaperSet(first)
    for part, _, _ in read_stored(path, tmp_path / "stores"):  # the damaged store is found: the file imported again
        papers.add(part)
    expected = list(PaperSet(read_file(path, use_cache=False)[0]))
    assert len(first) == 7 and list(papers) == expected


def test_the_first_papers_of_a_stored_file_are_read_without_numpy(tmp_path):
    path = copied(tmp_path)
    loaded(path, tmp_path / "stores")
    code = "import sys; from pathlib import Path; from tui_reader import stored_corpus as s; "
    code += "s.STORE_MIN_BYTES, s.SEGMENT_MIN_BYTES, s.FIRST_SCREEN = 1024, 16 * 1024, 7; "
    code += "print(len(s.first_stored(Path(sys.argv[1]), Path(sys.argv[2]))), 'numpy' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(Path(stored_corpus.__file__).parents[1])}  # this checkout's package
    done = subprocess.run(
        [sys.executable, "-c", code, path, tmp_path / "stores"], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["7", "False"]


def test_problems_are_said_once_per_kind_as_when_the_file_is_read_whole(tmp_path):
    lines = REAL.read_bytes().splitlines(keepends=True)
    bad = [b"{not json\n", b'{"id": "x"}\n']
    path = tmp_path / "arxiv.jsonl"
    path.write_bytes(b"".join(lines[:5] + bad + lines[5:90] + bad + bad + lines[90:]))
    papers, warnings, _ = loaded(path, tmp_path / "stores")
    expected, expected_warnings = read_file(path, use_cache=False)
    assert list(papers) == list(PaperSet(expected))
    assert warnings == expected_warnings
    assert len(warnings) == 2 and "and 2 more lines" in warnings[0]


def test_an_edited_file_is_imported_again(tmp_path):
    path = copied(tmp_path)
    loaded(path, tmp_path / "stores")
    lines = REAL.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[50:]))  # half the papers gone
    papers, _, found = loaded(path, tmp_path / "stores")
    assert len(papers) == 50 and isinstance(found[0][0], list)
    assert list(papers) == list(PaperSet(read_file(path, use_cache=False)[0]))


def test_a_cancelled_import_ends_its_processes_and_leaves_no_store(tmp_path, monkeypatch):
    started: list[subprocess.Popen[bytes]] = []
    start = stored_corpus._start

    def recorded(*args):
        importer = start(*args)
        started.append(importer.process)
        return importer

    monkeypatch.setattr(stored_corpus, "_start", recorded)
    path = copied(tmp_path)
    parts = read_stored(path, tmp_path / "stores")
    first, _, _ = next(parts)
    assert first and started
    parts.close()  # the load cancelled (the reader quits, a new file arrives)
    assert all(process.poll() is not None for process in started)
    from tui_reader.corpus import fingerprint
    from tui_reader.paper_store import open_store

    # stopped, not waited for: the processes (a Python start-up each) had not finished their parts, and left none
    for folder in stored_corpus._folders(path, tmp_path / "stores"):
        assert open_store(path, folder, fingerprint=fingerprint()) is None


def test_stores_that_cannot_be_written_cost_no_paper(tmp_path):
    with small_tmpfs(tmp_path / "full", "64k") as full:
        path = copied(tmp_path)
        papers, warnings, _ = loaded(path, full)
        assert list(papers) == list(PaperSet(read_file(path, use_cache=False)[0])) and len(papers) == 100
        assert warnings == []


POSTINGS = ("offsets", "papers", "common", "bits", "common_counts")


def arrays(parts) -> list:
    """Everything an index holds, as plain lists (the vocabulary, each postings array, the word forms)."""
    held = [parts.vocabulary, list(parts.compounds.items()), list(parts.acronyms.items())]
    for postings in (parts.title, parts.abstract):
        held += [postings.size, *(getattr(postings, name).tolist() for name in POSTINGS)]
    return held


def test_the_index_merged_from_the_parts_the_import_indexed_is_the_index_built_whole(tmp_path):
    from tui_reader.search import SearchIndex

    path = copied(tmp_path)
    papers, _, _ = loaded(path, tmp_path / "stores")
    merged = merged_index(papers)
    assert merged is not None and arrays(merged) == arrays(SearchIndex(papers).parts)
    assert merged.acronyms  # the file's abstracts define some: the parts' counts were merged


def test_a_damaged_part_index_is_never_merged(tmp_path):
    from tui_reader.import_part import TERMS
    from tui_reader.paper_store import _store_folder

    path = copied(tmp_path)
    papers, _, _ = loaded(path, tmp_path / "stores")
    part = _store_folder(path, stored_corpus._folders(path, tmp_path / "stores")[1])[0] / TERMS
    target = part / "abstract.papers.npy"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0x01  # one paper of the second part's last word another
    target.write_bytes(bytes(data))
    assert merged_index(papers) is None  # the index is then built whole


def test_no_index_is_merged_for_papers_that_are_not_the_stores_papers(tmp_path):
    path = copied(tmp_path)
    papers, _, _ = loaded(path, tmp_path / "stores")
    assert merged_index(papers) is not None
    more = papers.copy()
    more.add([Paper(id="x" * 12, title="One more paper", abstract="")])
    assert merged_index(more) is None


def test_an_import_process_is_indexing_once_it_says_its_part_is_stored():
    """What the status line's "importing" / "indexing" comes from: the process's count a line, then "stored"."""
    said = {b"120\n250\n": (250, False), b"120\n250\nstored\n": (250, True), b"120\nfailed\n": (120, False)}
    for output, (count, stored) in said.items():
        importer = stored_corpus._Importer(SimpleNamespace(stdout=io.BytesIO(output)))
        importer._reader.join()  # the output read to its end, as when the process has ended
        assert (importer.count, importer.stored, importer.running()) == (count, stored, False)


def test_the_import_says_indexing_only_once_every_process_has_stored_its_part(tmp_path, monkeypatch):
    """Two processes, the first storing its part before the second: "importing" until both have."""
    ticks = [0]  # progress looks taken: one a tick

    class Importer:  # stands for a process: its part stored at a tick, ended three ticks later
        def __init__(self, stored_at: int) -> None:
            self.stored_at = stored_at

        count = property(lambda self: min(ticks[0], self.stored_at) * 10)
        stored = property(lambda self: ticks[0] >= self.stored_at)

        def running(self) -> bool:
            return ticks[0] < self.stored_at + 3

        def end(self) -> None:
            pass

    processes = iter([Importer(2), Importer(4)])
    monkeypatch.setattr(stored_corpus, "_start", lambda *args: next(processes))
    monkeypatch.setattr(stored_corpus.time, "sleep", lambda seconds: ticks.__setitem__(0, ticks[0] + 1))
    path = copied(tmp_path)
    progress = [found[2] for found in read_stored(path, tmp_path / "stores")]
    # the file's first 10 papers as parsed, then the processes' counts a tick at a time (both at 0 first); then, no
    # stores written (the processes stood in), the file read as any other
    assert progress[:8] == [
        (10, "importing"), (10, "importing"), (20, "importing"), (40, "importing"), (50, "importing"),
        (60, "indexing"), (60, "indexing"), (60, "indexing"),
    ]  # fmt: skip
    assert set(progress[8:]) == {(10, "importing")}
