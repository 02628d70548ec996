"""Saved views (controllers/saved_views.py) and reaching the paper (controllers/reach.py), without a screen."""

from __future__ import annotations

import pytest
from fake_host import FakeHost

from tui_reader.controllers import reach as reach_module
from tui_reader.controllers.reach import Reach
from tui_reader.controllers.saved_views import ViewsController
from tui_reader.paper import Paper
from tui_reader.sorting import Sort
from tui_reader.state import ReaderState
from tui_reader.views import SavedViews

PAPERS = [Paper(id=f"p{i}", title=f"Paper {i}", abstract="") for i in range(3)]


@pytest.fixture
def host(data_dir):
    from tui_reader.library import MarkStore

    with MarkStore.open(data_dir) as store:
        yield FakeHost(ReaderState(PAPERS, store))


@pytest.fixture
def views(host, data_dir):
    searches: list[str] = []
    controller = ViewsController(host, data_dir, lambda: searches.append(host.state.full_query), lambda: None)
    controller.searches = searches
    return controller


def test_saving_a_view_keeps_its_sort_and_shows_it(host, views, data_dir):
    assert views.save_question() is None and host.messages == [
        "Nothing to save: type a query first (a view is a saved query)."
    ]
    host.state.query, host.state.sort = "diffusion", Sort.NEWEST
    query, kept, hint = views.save_question()
    assert (query, kept) == ("diffusion", "newest") and hint.startswith("Saves “diffusion” sorted by newest")
    assert views.save(query, kept, "all") == "'all' is a built-in view; choose another name"
    assert views.save(query, kept, "Diff") is None
    assert host.state.view_name == "Diff" and host.state.query == "" and views.searches == ["diffusion "]
    assert SavedViews.load(data_dir).names() == ["Diff"]


def test_the_view_cycle_reads_views_saved_by_another_reader(host, views, data_dir):
    SavedViews.load(data_dir).save("rl", "tag:rl")
    names = []
    for _ in range(6):
        views.cycle()
        names.append(host.state.view_name)
    assert names == ["unread", "starred", "new", "watched", "rl", "all"]


def test_deleting_the_view_shown_goes_back_to_all(host, views, data_dir):
    views.save("tag:rl", "", "rl")
    views.delete(None)  # the menu was closed
    views.delete("RL")
    assert host.state.saved_view is None and host.messages[-1] == "View “RL” deleted."
    assert SavedViews.load(data_dir).views == []


@pytest.fixture
def reach(host):
    read: list[str] = []
    controller = Reach(host, read.append)
    controller.read = read
    return controller


def test_a_link_opens_in_the_browser_and_the_paper_is_read(reach, host, monkeypatch):
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: True)
    monkeypatch.setattr(webbrowser, "open", lambda url, new: opened.append(url))
    reach.open_link("https://arxiv.org/abs/2403.01234", "p0")
    assert opened == ["https://arxiv.org/abs/2403.01234"] and reach.read == ["p0"]
    reach.open_link(None, "p0")  # the menu was closed
    reach.open_link("javascript:alert(1)", "p1")
    assert opened == ["https://arxiv.org/abs/2403.01234"] and reach.read == ["p0"]
    assert host.said[-1] == ("Not an http(s) link; not opened: javascript:alert(1)", "", "warning")


def test_with_no_graphical_browser_the_link_is_copied_and_the_paper_left_unread(reach, host, monkeypatch):
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: False)
    reach.open_link("https://example.org/", "p0")
    assert host.clipboard == ["https://example.org/"] and reach.read == []


def test_a_copy_says_what_was_copied_on_one_short_line(reach, host):
    reach.copy(None)
    reach.copy(("Title", "A title\nover two lines " + "x" * 200))
    assert host.clipboard[0].startswith("A title\n")
    assert host.messages == [
        "Title sent to the terminal's clipboard (OSC 52, unconfirmed): A title over two lines " + "x" * 26 + "…"
    ]


def test_an_export_is_said_once_done(reach, host):
    reach.exported(None)
    reach.exported("Exported 3 papers to ~/papers.bib")
    assert host.said == [("Exported 3 papers to ~/papers.bib", "Exported", "information")]
