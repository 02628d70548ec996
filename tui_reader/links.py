"""Where a paper can be reached and how it is cited: the items of the reader's ``o`` (open) and ``y`` (copy)
menus, as plain data (no Textual), each ``(key, label, value)``.

Only http(s) URLs are ever offered for opening.
"""

from __future__ import annotations

from urllib.parse import quote_plus

from tui_reader.paper import Paper, arxiv_abs_url, is_web_url, other_links, quoted_arxiv_id, same_url

__all__ = ["copy_items", "is_web_url", "open_items"]  # is_web_url: tui_reader.paper's, used here too

Item = tuple[str, str, str]  # (the key that picks it, what it is, the URL or the text)

ARXIV_PDF = "https://arxiv.org/pdf/{}"
HF_PAPER = "https://huggingface.co/papers/{}"
ARXIV_TITLE_SEARCH = "https://arxiv.org/search/?query={}&searchtype=title"
HF_SEARCH = "https://huggingface.co/papers?q={}"  # the search box of huggingface.co/papers


def open_items(paper: Paper) -> list[Item]:
    """The arXiv abstract page, PDF and Hugging Face page (with an arXiv id), the code and the project page (when
    a listing gave them), each other http(s) link of the abstract (keys 1 to 9, the rest without a key: the detail
    pane numbers them alike), and, when there is none of these, searches for the title on arXiv and Hugging Face:
    never an empty menu."""
    items: list[Item] = []
    if paper.arxiv_id:
        arxiv_id = quoted_arxiv_id(paper.arxiv_id)
        items += [
            ("a", "arXiv abstract page", arxiv_abs_url(paper.arxiv_id)),
            ("p", "PDF", ARXIV_PDF.format(arxiv_id)),
            ("h", "Hugging Face page", HF_PAPER.format(arxiv_id)),
        ]
    items += _code_and_project(paper)
    links = [link for link in other_links(paper) if is_web_url(link)]  # the code and project page: above
    for number, link in enumerate(links, start=1):
        items.append((str(number) if number <= 9 else "", f"Abstract link {number}", link))
    if not items:
        items += [
            ("a", "Search arXiv for the title", ARXIV_TITLE_SEARCH.format(quote_plus(paper.title))),
            ("h", "Search Hugging Face for the title", HF_SEARCH.format(quote_plus(paper.title))),
        ]
    return items


def copy_items(paper: Paper) -> list[Item]:
    """Title, the reader's id (what ``tui-reader mark`` takes), the arXiv id and link (when there is one), the
    code and project page (as the open menu has them, with the same keys), a BibTeX entry and a Markdown link
    (``tui_reader.export``, below this module: imported here so that the export formats load only when something
    is copied)."""
    from tui_reader.export import bibtex_entry, markdown_link

    items: list[Item] = [("t", "Title", paper.title), ("i", "Reader id", paper.id)]
    if paper.arxiv_id:
        items += [("x", "arXiv id", paper.arxiv_id), ("a", "arXiv link", arxiv_abs_url(paper.arxiv_id))]
    items += _code_and_project(paper)
    items += [("b", "BibTeX entry", bibtex_entry(paper)), ("m", "Markdown link", markdown_link(paper))]
    return items


def _code_and_project(paper: Paper) -> list[Item]:
    """The paper's code (a GitHub repository) and project page, where a listing gave them as http(s) URLs: the same
    items, with the same keys, in the open and the copy menu. A project page that is the repository is the code."""
    project = None if same_url(paper.github_repo, paper.project_page) else paper.project_page
    found = [("c", "Code (GitHub)", paper.github_repo), ("w", "Project page", project)]
    return [(key, label, url) for key, label, url in found if url and is_web_url(url)]
