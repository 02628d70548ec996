"""Adding a paper by id from the reader (controllers/adding.py), without a screen: the work runs at once
(FakeHost), arXiv is the local stand-in."""

from __future__ import annotations

from fake_host import FakeHost

from tui_reader import fetch_arxiv
from tui_reader.controllers.adding import Adder
from tui_reader.corpus import read_file_parts
from tui_reader.library import MarkStore
from tui_reader.paper import Paper
from tui_reader.state import ReaderState

HERE = [Paper("p0", "Spectral clustering", "Graphs."), Paper("p1", "Old", "x", arxiv_id="2405.13786")]


def adder_for(data_dir):
    host = FakeHost(ReaderState(HERE, MarkStore.open(data_dir)))
    stored, shown_all = [], []
    return host, Adder(host, lambda: data_dir, stored.extend, lambda: shown_all.append(True)), stored, shown_all


def test_a_paper_in_the_list_already_is_gone_to_without_asking_arxiv(arxiv, data_dir):
    host, adder, stored, shown_all = adder_for(data_dir)
    adder.add("  https://arxiv.org/pdf/2405.13786v2.pdf ")
    assert arxiv.requests == [] and host.groups == [] and stored == []
    assert ("cursor on", 1) in host.shown and shown_all == [True]
    assert host.messages == ["2405.13786 is in the list already."]


def test_the_cursor_goes_to_the_added_paper_once_it_is_read_into_the_list(arxiv, data_dir, monkeypatch):
    monkeypatch.setattr(fetch_arxiv, "DEFAULT_API_URL", f"{arxiv.url}/api/query")
    host, adder, stored, shown_all = adder_for(data_dir)
    adder.add("2202.12139")
    assert adder.adding == "2202.12139" and len(stored) == 1 and stored[0].name.startswith("added_")
    adder.loaded()  # papers of another file arrived: not the one asked for yet
    assert shown_all == [] and adder.adding == "2202.12139"
    for papers, _ in read_file_parts(stored[0]):  # what the loader does with the stored file
        host.state.add(papers)
    adder.loaded()
    assert ("cursor on", 2) in host.shown and shown_all == [True] and adder.adding is None
    assert host.messages[-1].startswith("Added 2202.12139: Testing Deep Learning Models")
    adder.add("2202.12139")  # now here: no second request
    assert len(arxiv.requests) == 1


def test_a_second_add_while_one_is_under_way_waits(arxiv, data_dir, monkeypatch):
    monkeypatch.setattr(fetch_arxiv, "DEFAULT_API_URL", f"{arxiv.url}/api/query")
    host, adder, _, _ = adder_for(data_dir)
    adder.add("2202.12139")
    adder.add("1201.4869")
    assert host.messages[-1] == "Still adding 2202.12139." and len(arxiv.requests) == 1
