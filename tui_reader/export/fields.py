"""What every export format reads from a paper the same way: its URL, its authors' name parts, the Daily Papers
note, and one-line field values. Plain functions, no Textual."""

from __future__ import annotations

from tui_reader.dates import list_date
from tui_reader.paper import Paper, arxiv_abs_url, is_web_url
from tui_reader.safe_text import clean_text

__all__ = ["listing_note", "name_parts", "one_line", "paper_url"]

_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def one_line(text: str) -> str:
    """A field value as written into a file: no control characters or escape sequences, single-spaced, one line
    (RIS and CSV readers split records at line ends; a terminal may show the file)."""
    return clean_text(text)


def paper_url(paper: Paper) -> str | None:
    """``https://arxiv.org/abs/<id>`` for an arXiv paper, else its first http(s) link; None without either."""
    if paper.arxiv_id:
        return arxiv_abs_url(one_line(paper.arxiv_id))
    for link in paper.links:
        if is_web_url(link):
            return one_line(link)
    return None


def name_parts(name: str) -> tuple[str, str, str]:
    """``(given, surname, suffix)`` of a name written ``Given Surname`` (the sources' form): the surname is the
    last word, before a ``Jr.``/``III``; a name already written ``Surname, Given`` is split at its comma. A name
    of one word is all surname (mononyms, names in scripts written without spaces)."""
    name = one_line(name)
    if "," in name:
        surname, _, given = name.partition(",")
        return given.strip(), surname.strip(), ""
    words = name.split()
    suffix = ""
    if len(words) > 2 and words[-1].lower() in _SUFFIXES:
        suffix = words.pop()
    if not words:
        return "", "", ""
    return " ".join(words[:-1]), words[-1], suffix


def listing_note(paper: Paper) -> str | None:
    """``Listed in Hugging Face Daily Papers on Mar 11 2024`` (the first listing date, with its year when known);
    None for a paper no Daily Papers page listed."""
    if not paper.dates:
        return None
    return f"Listed in Hugging Face Daily Papers on {one_line(list_date(paper))}"
