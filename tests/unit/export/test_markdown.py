"""Markdown: one link line per paper, under listing-date headings when the papers are sorted by date."""

from __future__ import annotations

from support.papers_to_export import DUMPED, FAST, make

from tui_reader.export import markdown_link, render


def test_markdown_is_one_link_line_per_paper_grouped_by_listing_date_when_sorted_by_date():
    march = make("Earlier & *Bold* [Paper]", dates=("Mar 10, 2024",), authors=("A B", "C D", "E F", "G H"))
    unlisted = make("Never Listed (yet)", links=("https://x.org/a b(c)",))
    papers = [FAST, DUMPED, march, unlisted]
    assert render(papers, "markdown").splitlines() == [
        "- [Fast Diffusion for LLMs](https://arxiv.org/abs/2403.01234) — Ada Lovelace, Alan Turing (2024)",
        "- [Slow Diffusion](https://slow.example/project)",
        r"- Earlier & \*Bold\* \[Paper\] — A B et al. (2024)",
        "- [Never Listed (yet)](https://x.org/a%20b%28c%29)",
    ]
    assert render(papers, "markdown", by_date=True).splitlines() == [
        "## Mar 11 2024",
        "",
        "- [Fast Diffusion for LLMs](https://arxiv.org/abs/2403.01234) — Ada Lovelace, Alan Turing (2024)",
        "",
        "## Mar 11",
        "",
        "- [Slow Diffusion](https://slow.example/project)",
        "",
        "## Mar 10 2024",
        "",
        r"- Earlier & \*Bold\* \[Paper\] — A B et al. (2024)",
        "",
        "## No listing date",
        "",
        "- [Never Listed (yet)](https://x.org/a%20b%28c%29)",
    ]
    assert markdown_link(FAST) == "[Fast Diffusion for LLMs](https://arxiv.org/abs/2403.01234)"
