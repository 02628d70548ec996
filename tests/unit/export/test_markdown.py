"""Markdown: one link line per paper, under day headings when the papers are sorted by date."""

from __future__ import annotations

from support.papers_to_export import DUMPED, FAST, make

from tui_reader.export import markdown_link, render
from tui_reader.sorting import Sort, sort_rows


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


def test_papers_sorted_by_date_get_each_heading_once_in_the_order_of_the_sort():
    both = make("Listed Twice", dates=("Mar 11, 2024", "Jun 2, 2024"))
    april = make("Listed In April", dates=("Apr 1, 2024",))
    march = make("Listed In March", dates=("Mar 11, 2024",))
    papers = [both, april, march]
    assert [papers[i].title for i in sort_rows(papers, range(3), Sort.NEWEST)] == [
        "Listed Twice",
        "Listed In April",
        "Listed In March",
    ]
    headings = [line for line in render(papers, "markdown", by_date=True).splitlines() if line.startswith("## ")]
    assert headings == ["## Jun 2 2024", "## Apr 1 2024", "## Mar 11 2024"]


def test_a_list_cut_short_is_the_first_author_et_al_and_doi_code_and_project_links_end_the_line():
    babar = make(
        "Form Factors",
        arxiv="0704.0020",
        published="2007-04-02",
        authors=("The BABAR Collaboration", "B. Aubert"),
        et_al=True,
        doi="10.1016/S0027-9684(15)31340-7 10.1/second",
    )
    agents = make(  # no arXiv id: the title links the first link, the project page, which is not repeated
        "Agents",
        links=("https://agents.example/",),
        github_repo="https://github.com/a/b_c",
        project_page="https://agents.example/",
    )
    listed = make(
        "Agents",
        arxiv="2402.00001",
        github_repo="https://github.com/a/b_c",
        project_page="https://agents.example/",
    )
    assert render([babar, agents, listed], "markdown").splitlines() == [
        "- [Form Factors](https://arxiv.org/abs/0704.0020) — The BABAR Collaboration et al. (2007)"
        " · [DOI](https://doi.org/10.1016/S0027-9684%2815%2931340-7)",  # the first DOI, the paper's own
        "- [Agents](https://agents.example/) · [code](https://github.com/a/b_c)",
        "- [Agents](https://arxiv.org/abs/2402.00001) · [code](https://github.com/a/b_c)"
        " · [project](https://agents.example/)",
    ]


def test_angle_brackets_in_a_title_are_escaped_so_they_show():
    line = render([make("Why <think> Tags >> Help", links=("https://x.org/p",))], "markdown")
    assert line == r"- [Why \<think\> Tags \>\> Help](https://x.org/p)" + "\n"


def test_three_authors_are_named_and_a_fourth_makes_it_the_first_et_al():
    three = make("Three", authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"))
    four = make("Four", authors=("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"))
    assert render([three, four], "markdown").splitlines() == [
        "- Three — Ada Lovelace, Alan Turing, Grace Hopper",
        "- Four — Ada Lovelace et al.",
    ]
