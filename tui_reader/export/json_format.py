"""JSON: one array of objects, the records ``tui-reader list --format json`` prints (the same code)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path
from tui_reader.store import NO_MARK, Mark

__all__ = ["paper_record", "render_json"]


def paper_record(paper: Paper, mark: Mark = NO_MARK) -> dict[str, object]:
    """Every field of the paper and its marks, with exactly the keys the README lists."""
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "dates": list(paper.dates),
        "sources": [shown_path(source) for source in paper.sources],  # file names: cleaned wherever shown
        "links": list(paper.links),
        "read": mark.read,
        "starred": mark.starred,
        "arxiv_id": paper.arxiv_id,
        "authors": list(paper.authors),
        "published": paper.published,
        "upvotes": paper.upvotes,
    }


def render_json(papers: Sequence[Paper], marks: Callable[[str], Mark] | None = None) -> str:
    records = [paper_record(paper, marks(paper.id) if marks else NO_MARK) for paper in papers]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
