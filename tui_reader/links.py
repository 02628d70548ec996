"""Where a paper can be reached and how it is cited: the items of the reader's ``o`` (open) and ``y`` (copy)
menus, as plain data (no Textual), each ``(key, label, value)``.

Only http(s) URLs are ever offered for opening.
"""

from __future__ import annotations

from urllib.parse import quote_plus

from tui_reader.paper import Paper, arxiv_abs_url, is_web_url, quoted_arxiv_id

__all__ = ["copy_items", "is_web_url", "open_items"]  # is_web_url: tui_reader.paper's, used here too

Item = tuple[str, str, str]  # (the key that picks it, what it is, the URL or the text)

ARXIV_PDF = "https://arxiv.org/pdf/{}"
HF_PAPER = "https://huggingface.co/papers/{}"
ARXIV_TITLE_SEARCH = "https://arxiv.org/search/?query={}&searchtype=title"
HF_SEARCH = "https://huggingface.co/papers?q={}"  # the search box of huggingface.co/papers


def open_items(paper: Paper) -> list[Item]:
    """The arXiv abstract page, PDF and Hugging Face page (with an arXiv id), each http(s) link of the abstract
    (keys 1 to 9, the rest without a key), and, when there is neither, searches for the title on arXiv and Hugging
    Face: never an empty menu."""
    items: list[Item] = []
    if paper.arxiv_id:
        arxiv_id = quoted_arxiv_id(paper.arxiv_id)
        items += [
            ("a", "arXiv abstract page", arxiv_abs_url(paper.arxiv_id)),
            ("p", "PDF", ARXIV_PDF.format(arxiv_id)),
            ("h", "Hugging Face page", HF_PAPER.format(arxiv_id)),
        ]
    links = [link for link in paper.links if is_web_url(link)]
    for number, link in enumerate(links, start=1):
        items.append((str(number) if number <= 9 else "", f"Abstract link {number}", link))
    if not items:
        items += [
            ("a", "Search arXiv for the title", ARXIV_TITLE_SEARCH.format(quote_plus(paper.title))),
            ("h", "Search Hugging Face for the title", HF_SEARCH.format(quote_plus(paper.title))),
        ]
    return items


def copy_items(paper: Paper) -> list[Item]:
    """Title, the reader's id (what ``tui-reader mark`` takes), the arXiv id and link (when there is one), a
    BibTeX entry and a Markdown link (``tui_reader.export``, below this module: imported here so that the export
    formats load only when something is copied)."""
    from tui_reader.export import bibtex_entry, markdown_link

    items: list[Item] = [("t", "Title", paper.title), ("i", "Reader id", paper.id)]
    if paper.arxiv_id:
        items += [("x", "arXiv id", paper.arxiv_id), ("a", "arXiv link", arxiv_abs_url(paper.arxiv_id))]
    items += [("b", "BibTeX entry", bibtex_entry(paper)), ("m", "Markdown link", markdown_link(paper))]
    return items
