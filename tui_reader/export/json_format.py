"""JSON: one array of objects, the records ``tui-reader list --format json`` prints (the same code)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import TextIO

from tui_reader.library.model import NO_MARK, Mark
from tui_reader.paper import Paper
from tui_reader.safe_text import shown_path

from .registry import ExportFormat

__all__ = ["FORMAT", "paper_record", "render_json", "write_json"]


def paper_record(paper: Paper, mark: Mark = NO_MARK) -> dict[str, object]:
    """Every field of the paper and what the user wrote of it (marks, tags, note), with exactly the keys the
    README lists."""
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
        "categories": list(paper.categories),
        "announce_type": paper.announce_type,
        "arxiv_version": paper.arxiv_version,
        "doi": paper.doi,
        "journal_ref": paper.journal_ref,
        "comments": paper.comments,
        "github_repo": paper.github_repo,
        "github_stars": paper.github_stars,
        "project_page": paper.project_page,
        "ai_summary": paper.ai_summary,
        "ai_keywords": list(paper.ai_keywords),
        "num_comments": paper.num_comments,
        "organization": paper.organization,
        "tags": list(mark.tags),
        "note": mark.note,
    }


def write_json(
    stream: TextIO,
    papers: Sequence[Paper],
    marks: Callable[[str], Mark] | None = None,
    more: Callable[[str], dict[str, object]] | None = None,
) -> None:
    """The array to ``stream`` as it is encoded (``list --format json`` of a big corpus never holds it whole).
    ``more``: keys added after the paper's own, by paper id (``list``: ``first_seen``, ``watched``, ``watches``)."""
    records = [paper_record(paper, marks(paper.id) if marks else NO_MARK) for paper in papers]
    if more is not None:
        for record, paper in zip(records, papers, strict=True):
            record.update(more(paper.id))
    json.dump(records, stream, ensure_ascii=False, indent=1)
    stream.write("\n")


def render_json(
    papers: Sequence[Paper],
    marks: Callable[[str], Mark] | None = None,
    more: Callable[[str], dict[str, object]] | None = None,
) -> str:
    out = io.StringIO()
    write_json(out, papers, marks, more)
    return out.getvalue()


FORMAT = ExportFormat(
    name="json", label="JSON", ext=".json", order=50, render=lambda papers, marks, _d: render_json(papers, marks)
)
