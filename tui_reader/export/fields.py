"""What every export format reads from a paper the same way: its URL, its DOIs, its authors (each with its name
parts, and whether it is a collaboration), the Daily Papers note, and one-line field values. Plain functions, no
Textual.

Authors: when the source split the names (arXiv's ``authors_parsed``: ``Paper.surnames``), the given name, surname
and suffix are the source's; otherwise they are guessed (``name_parts``: the surname is the last word). A
collaboration, consortium, team or group is one name that no format splits: a name with one of those words, or one
that the source gave as a surname of several words and nothing else (``The BABAR Collaboration``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from tui_reader.dates import first_listing
from tui_reader.paper import Paper, arxiv_abs_url, is_web_url
from tui_reader.safe_text import clean_text

__all__ = [
    "Author",
    "doi_url",
    "dois",
    "listing_note",
    "name_parts",
    "one_line",
    "paper_authors",
    "paper_url",
    "short_authors",
]

_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# A word naming a body of people rather than a person; a hyphen joins it to its neighbour ("Group-Wise" is a name)
_GROUP_WORD = re.compile(r"(?<![\w-])(?:collaboration|consortium|team|group|collab\.)(?![\w-])", re.IGNORECASE)


MAX_AUTHORS = 3  # more (or a list the source cut short), and a short author line names the first and "et al."


def short_authors(names: Sequence[str], et_al: bool) -> str:
    """``A, B, C``; more than MAX_AUTHORS names, or a list the source cut short (``et_al``): ``A et al.``; "" for
    none. The names as the caller writes them (escaped for Markdown, or as they are for HTML)."""
    if not names:
        return ""
    return ", ".join(names) if len(names) <= MAX_AUTHORS and not et_al else f"{names[0]} et al."


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


def dois(paper: Paper) -> tuple[str, ...]:
    """The paper's DOIs, the first the paper's own: arXiv separates several by spaces (an erratum's after the
    article's, ``10.1364/JOSAA.23.002578 10.1364/JOSAA.32.002407``). A DOI holds no space, but may hold ``;`` and
    ``,``, so only spaces separate."""
    return tuple(dict.fromkeys(one_line(paper.doi).split())) if paper.doi else ()


def doi_url(doi: str) -> str:
    """The DOI's resolver URL, ``https://doi.org/<doi>``, its characters that a URL may not hold percent-encoded."""
    return "https://doi.org/" + quote(doi, safe="/:;,()")


@dataclass(frozen=True, slots=True)
class Author:
    """One author as the exports write it: ``name`` as shown (one line); ``given``, ``surname`` and ``suffix``,
    the source's own split when ``split``, else ``name_parts``' guess; ``group``: a collaboration, written whole
    (its ``surname`` is the whole name, ``given`` and ``suffix`` empty)."""

    name: str
    given: str = ""
    surname: str = ""
    suffix: str = ""
    group: bool = False
    split: bool = False


def is_group(name: str, surname: str = "") -> bool:
    """A collaboration, consortium, team or group: one of those words (``Collab.`` too) in the name, or a name of
    several words that the source gave as a surname and nothing else."""
    return _GROUP_WORD.search(name) is not None or (surname == name and " " in name)


def paper_authors(paper: Paper) -> tuple[Author, ...]:
    """The paper's authors (empty names skipped), split by the source's surnames when it gave one per author,
    else by ``name_parts``."""
    surnames = paper.surnames if len(paper.surnames) == len(paper.authors) else ("",) * len(paper.authors)
    authors = []
    for raw, raw_surname in zip(paper.authors, surnames, strict=True):
        name, surname = one_line(raw), one_line(raw_surname)
        if not name:
            continue
        if is_group(name, surname):
            authors.append(Author(name, surname=name, group=True))
        elif (known := _split_at(name, surname)) is not None:
            authors.append(Author(name, *known, split=True))
        else:
            authors.append(Author(name, *name_parts(name)))
    return tuple(authors)


def _split_at(name: str, surname: str) -> tuple[str, str, str] | None:
    """``(given, surname, suffix)`` of a name the source wrote ``given surname suffix``, at the last place the
    surname stands as whole words; None when it is not there (a name and surname that do not belong together)."""
    words, parts = name.split(" "), surname.split(" ")
    if not surname:
        return None
    for start in range(len(words) - len(parts), -1, -1):
        if words[start : start + len(parts)] == parts:
            return " ".join(words[:start]), surname, " ".join(words[start + len(parts) :])
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
    return f"Listed in Hugging Face Daily Papers on {one_line(first_listing(paper))}"
