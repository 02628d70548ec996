"""The papers the user selected in the list (Space, v), by id: when there are some, a mark (s, r), the tags (t),
the export (e) and A act on them instead of the paper under the cursor or the list shown, each as one undo step.
The selection stays while the query or the view changes (a paper it hides stays selected: the status line counts
it), and Esc in the list clears it. Plain data, no Textual: ``ReaderState.selection`` holds it.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping, Sequence

from tui_reader.paper import Paper
from tui_reader.paper_set import PaperSet

__all__ = ["Selection"]


class Selection:
    """Paper ids, in the order selected."""

    def __init__(self) -> None:
        self._ids: dict[str, None] = {}
        self._shown: tuple[Sequence[int], Container[int]] | None = None  # the list's rows as a set, made once

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._ids

    def toggle(self, paper_id: str) -> None:
        """Select the paper, or unselect it when it is selected."""
        if paper_id in self._ids:
            del self._ids[paper_id]
        else:
            self._ids[paper_id] = None

    def clear(self) -> int:
        """Unselect every paper; how many were selected."""
        count, self._ids = len(self._ids), {}
        return count

    def papers(self, papers: PaperSet) -> list[Paper]:
        """The selected papers of the corpus, in the corpus' order (what ``e`` exports)."""
        ids = papers.ids
        return [papers[index] for index in sorted(ids[pid] for pid in self._ids if pid in ids)]

    def common_tags(self, tags: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
        """The tags every selected paper has, ignoring case, spelled as the first selected paper has them."""
        lists = [tags.get(paper_id, ()) for paper_id in self._ids]
        if not lists:
            return ()
        common = {tag.casefold() for tag in lists[0]}
        for more in lists[1:]:
            common &= {tag.casefold() for tag in more}
        return tuple(tag for tag in lists[0] if tag.casefold() in common)

    def not_shown(self, rows: Sequence[int], index_of: Mapping[str, int]) -> int:
        """How many selected papers are not among ``rows`` (the list as the query and the view leave it)."""
        if not self._ids:
            return 0
        shown: Container[int] = rows
        if not isinstance(rows, range):  # a result's rows: made a set once per result, not per status line
            if self._shown is None or self._shown[0] is not rows:
                self._shown = (rows, frozenset(rows))
            shown = self._shown[1]
        return sum(1 for paper_id in self._ids if index_of.get(paper_id, -1) not in shown)
