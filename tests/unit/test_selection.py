"""The papers selected in the list (tui_reader/selection.py): toggling, the corpus order of what e exports, the
tags they all share, and how many the list hides."""

from __future__ import annotations

from tui_reader.paper import Paper
from tui_reader.paper_set import PaperSet
from tui_reader.selection import Selection

PAPERS = PaperSet(Paper(id=f"p{i}", title=f"Paper {i}", abstract="") for i in range(5))


def test_a_paper_toggled_twice_is_unselected_and_clear_says_how_many_there_were():
    selection = Selection()
    for paper_id in ("p3", "p1", "p3", "p4"):
        selection.toggle(paper_id)
    assert list(selection) == ["p1", "p4"] and "p3" not in selection and len(selection) == 2
    assert selection.clear() == 2 and not selection and selection.clear() == 0


def test_the_selected_papers_come_in_the_corpus_order_and_a_paper_gone_is_left_out():
    selection = Selection()
    for paper_id in ("p4", "gone", "p0"):
        selection.toggle(paper_id)
    assert [paper.title for paper in selection.papers(PAPERS)] == ["Paper 0", "Paper 4"]


def test_the_tags_shown_for_the_selection_are_those_every_paper_has_ignoring_case():
    selection = Selection()
    for paper_id in ("p0", "p1"):
        selection.toggle(paper_id)
    tags = {"p0": ("RL", "vision", "x"), "p1": ("rl", "x"), "p2": ("vision",)}
    assert selection.common_tags(tags) == ("RL", "x")
    selection.toggle("p3")  # no tags at all
    assert selection.common_tags(tags) == ()


def test_the_selected_papers_the_list_hides_are_counted():
    selection = Selection()
    for paper_id in ("p0", "p2", "p4"):
        selection.toggle(paper_id)
    assert selection.not_shown(range(5), PAPERS.ids) == 0
    assert selection.not_shown([4, 1], PAPERS.ids) == 2  # p0 and p2
    assert selection.not_shown([0, 2, 4, 3], PAPERS.ids) == 0
    assert selection.not_shown(range(1, 3), PAPERS.ids) == 2
