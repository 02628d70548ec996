"""The detail pane's arXiv line shows the version a feed or the API gave, and how the feed announced the paper."""

from __future__ import annotations

from support.arxiv_server import RSS_OLD

from tui_reader.corpus import read_file
from tui_reader.paper import Paper
from tui_reader.widgets.paper_detail import details


def arxiv_line(paper: Paper) -> str:
    (line,) = [text.plain for text in details(paper) if text.plain.startswith("arXiv")]
    return line


def test_the_arxiv_line_holds_the_version_and_the_announcement():
    papers, _ = read_file(RSS_OLD, use_cache=False)
    assert arxiv_line(papers[2]) == "arXiv   1805.06430v2 · replace-cross"
    assert arxiv_line(Paper("x", "A title", "", arxiv_id="2401.12345")) == "arXiv   2401.12345"
