"""Loading files after the first paint and watching folders (controllers/loading.py), without a screen."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import S0, SEEDS
from fake_host import FakeHost

from tui_reader.controllers.loading import FolderWatcher, Loader
from tui_reader.library import MarkStore
from tui_reader.state import ReaderState

REAL = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "real"
    / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl"
)


@pytest.fixture
def host(data_dir):
    with MarkStore.open(data_dir) as store:
        yield FakeHost(ReaderState([], store))


def make_loader(host, files=()):
    events: list[str] = []
    loader = Loader(
        host,
        files,
        papers_added=lambda: events.append("added"),
        all_loaded=lambda: events.append("all loaded"),
        no_papers=lambda: events.append("no papers"),
    )
    return loader, events


def test_files_are_read_into_the_state_then_the_index_is_built(host):
    loader, events = make_loader(host, [SEEDS / S0])
    assert loader.running and loader.loading == "loading 0/1 files…"
    loader.load([SEEDS / S0])
    assert len(host.state.papers) > 0 and events[0] == "added" and events[-1] == "all loaded"
    assert loader.loading == "" and not loader.running and host.groups == ["load"]


def test_files_with_no_paper_at_all_end_the_reader_with_their_warnings(host, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    loader, events = make_loader(host, [empty])
    loader.load([empty])
    assert events[-1] == "no papers" and any("empty" in w for w in loader.warnings) and host.warned


def test_files_that_come_during_a_load_wait_for_it_each_once(host, tmp_path):
    loader, events = make_loader(host, [SEEDS / S0])  # a load is under way
    loader.add_files([SEEDS / S0])
    loader.add_files([SEEDS / S0])
    assert host.groups == []  # waiting
    loader.all_loaded()  # the load under way ends: the waiting files are read now, once
    assert host.groups == ["load"] and events.count("all loaded") == 1


def test_a_load_that_fails_with_nothing_loaded_ends_the_reader_and_says_why(host, monkeypatch):
    from tui_reader.controllers import loading

    def broken(path):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(loading, "read_file_parts", broken)
    loader, events = make_loader(host, [SEEDS / S0])
    loader.load([SEEDS / S0])
    assert host.failures[0][0] == "Loading papers" and events == ["no papers"]
    assert loader.warnings == ["loading failed (RuntimeError: disk on fire)"] and not loader.running


def test_the_watcher_hands_over_new_and_changed_files_after_its_first_look(tmp_path, host):
    folder = tmp_path / "corpus"
    folder.mkdir()
    old = folder / "old.txt"
    old.write_text("x")
    changed: list[list] = []
    watcher = FolderWatcher(host, [folder], lambda files: changed.append(sorted(files)))
    watcher.scan()
    assert watcher.seen is not None and changed == []  # the first look: what is there was read at start
    new = folder / "new.txt"
    new.write_text("y")
    os.utime(old, ns=(1, 1))  # changed
    watcher.scan()
    assert changed == [[new, old]] and not watcher.scanning


def test_files_a_fetch_read_are_not_handed_over_again(tmp_path, host):
    folder = tmp_path / "corpus"
    folder.mkdir()
    changed: list[list] = []
    watcher = FolderWatcher(host, [folder], lambda files: changed.append(list(files)))
    watcher.scan()
    fetched = folder / "fetched.json"
    fetched.write_text("[]")
    watcher.note_seen([fetched])
    watcher.scan()
    assert changed == [[]]


def test_a_watcher_that_fails_looks_again_next_time(host):
    watcher = FolderWatcher(host, [], lambda files: None)

    def broken(folders):
        raise OSError("gone")

    watcher.look = broken
    watcher.scan()
    assert host.failures[0][0] == "Watching the corpus folders" and not watcher.scanning


def test_a_stored_file_shows_its_first_papers_before_its_stores_are_opened(host, tmp_path, monkeypatch):
    from tui_reader import stored_corpus
    from tui_reader.corpus import read_file
    from tui_reader.paper_set import PaperSet

    monkeypatch.setattr(stored_corpus, "STORE_MIN_BYTES", 1024)  # the snapshot's 145 KB: a big file, in two parts
    monkeypatch.setattr(stored_corpus, "SEGMENT_MIN_BYTES", 16 * 1024)
    monkeypatch.setattr(stored_corpus, "FIRST_SCREEN", 7)
    path = Path(shutil.copyfile(REAL, tmp_path / "arxiv.jsonl"))
    for _ in stored_corpus.read_stored(path):  # a launch before imported it
        pass
    shown_before_open: list[int] = []
    opened = stored_corpus._opened

    def recorded(*args):
        shown_before_open.append(len(host.state.papers))
        return opened(*args)

    monkeypatch.setattr(stored_corpus, "_opened", recorded)
    loader, events = make_loader(host, [path])
    loader.load([path])
    assert shown_before_open == [7]  # the first papers were in the list before the stores were opened
    assert (
        list(host.state.papers) == list(PaperSet(read_file(path, use_cache=False)[0])) and len(host.state.papers) == 100
    )
    assert events[-1] == "all loaded" and not loader.warnings


def test_a_first_import_says_how_far_it_is_then_that_it_indexes(host, tmp_path, monkeypatch):
    from tui_reader.controllers import loading
    from tui_reader.stored_corpus import Progress

    path = tmp_path / "big.jsonl"
    steps = [Progress(1_000), Progress(250_000), Progress(1_000_000, "indexing")]

    def importing(_path):
        for progress in steps:
            yield [], [], progress

    monkeypatch.setattr(loading, "_parts", importing)
    monkeypatch.setattr(loading, "LOAD_BATCH_SECONDS", 0.0)
    said: list[str] = []
    handed = Loader.batch_loaded

    def recorded(loader, *args):
        handed(loader, *args)
        said.append(loader.loading)

    monkeypatch.setattr(Loader, "batch_loaded", recorded)
    loader, _ = make_loader(host, [path])
    loader.load([path])
    assert said[:3] == [
        "importing big.jsonl: 1,000 papers…",
        "importing big.jsonl: 250,000 papers…",
        "indexing big.jsonl: 1,000,000 papers…",
    ]
