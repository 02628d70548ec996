"""The reader's tag prompt sends the tags typed, one change per tag, never the whole list its screen showed: two
readers on one machine tagging one paper at once (each screen a little behind the other) keep both tags."""

from __future__ import annotations

from fake_host import FakeHost

from tui_reader.controllers.library import Library
from tui_reader.library import MarkStore
from tui_reader.paper import Paper
from tui_reader.state import ReaderState

PAPERS = [Paper(id="p", title="A paper", abstract="")]


class CommittingSaver:
    """The reader's saver, committing at once (the real one does it on its thread)."""

    def __init__(self, store: MarkStore) -> None:
        self.store = store

    def submit_all(self, changes) -> None:
        self.store.apply(changes)


def test_two_readers_tagging_one_paper_at_once_keep_both_tags(data_dir):
    with MarkStore.open(data_dir) as one, MarkStore.open(data_dir) as two:
        first, second = FakeHost(ReaderState(PAPERS, one)), FakeHost(ReaderState(PAPERS, two))
        saver_one, saver_two = CommittingSaver(one), CommittingSaver(two)
        assert Library(first, lambda: saver_one).change_tags("p", "rl draft") is None  # both screens show no tags
        assert Library(second, lambda: saver_two).change_tags("p", "vision -draft") is None
        assert second.state.mark("p").tags == ("vision",)  # what this screen knew, until it reloads
    with MarkStore.open(data_dir) as store:
        assert store.get("p").tags == ("rl", "vision")
