"""BibTeX: one ``@misc`` entry per paper, for LaTeX (BibTeX, biber/biblatex), Zotero and JabRef.

Written by hand rather than through pylatexenc's ``unicode_to_latex`` (README, *Dependencies*): only the ten
characters TeX treats specially are escaped, and non-ASCII text is kept as UTF-8, which every current BibTeX tool
reads; pylatexenc would turn accents into ``\\"u`` macros, leaves ``--`` to become a dash, and writes ``\\{`` for a
brace, which BibTeX still counts, so one unmatched brace in a title breaks the whole file.

Keys are ``surname + year + first title word``, ASCII lower case (``lovelace2024fast``); see ``citation_keys`` for
when a letter is added.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from urllib.parse import quote

from tui_reader.dates import paper_year
from tui_reader.paper import Paper

from .fields import listing_note, name_parts, one_line, paper_url
from .registry import ExportFormat

__all__ = ["FORMAT", "bibtex_entry", "citation_key", "citation_keys", "latex_text", "render_bibtex"]

# Each special character as LaTeX text mode writes it, in a group of its own: BibTeX takes that as one "special
# character" (never changing its case), and name splitters that skip the character after a backslash without
# ending the word (bibtexparser's) still find the "and" after it. Braces are spelt as macros: BibTeX counts a
# brace even after a backslash, so "\{" alone would unbalance the field.
_SPECIAL = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "&": r"{\&}",
    "%": r"{\%}",
    "$": r"{\$}",
    "#": r"{\#}",
    "_": r"{\_}",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}
_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^]")
# Pairs TeX fonts join into another character (-- en dash, `` and '' curly quotes, ,, << >> low and angle
# quotes, ?` !` inverted marks): an empty group between them keeps the two characters.
_LIGATURE_RE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=,)(?=,)|(?<=<)(?=<)|(?<=>)(?=>)|(?<=[?!])(?=`)")
_WORD_RE = re.compile(r"[^\W_]+")  # a run of letters and digits
_AND_RE = re.compile(r"\sand\s", re.IGNORECASE)
# Letters NFKD does not take apart into an ASCII letter and an accent.
_TO_ASCII = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d",
     "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "\u0131": "i"}
)  # fmt: skip
# Words a key skips at the start of a title (Google Scholar's and Zotero's keys skip them too).
_STOP_WORDS = frozenset(
    {"a", "an", "the", "on", "of", "in", "for", "to", "at", "by", "with", "from", "and", "or", "via", "towards"}
)


def latex_text(text: str) -> str:
    """``text`` as BibTeX field text (one line): the ten special characters escaped, ligatures broken, Unicode
    kept."""
    return _escape(one_line(text))


def _escape(text: str) -> str:
    return _LIGATURE_RE.sub("{}", _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], text))


def _title(title: str) -> str:
    """The title with the capitals of acronyms and names like ``LLMs``, ``GPT-4``, ``ImageNet``, ``T5``, ``3D``
    protected by braces (``{LLMs}``): styles that print titles in sentence case lower every other capital."""
    title = one_line(title)
    parts: list[str] = []
    end = 0
    for match in _WORD_RE.finditer(title):
        word = match.group()
        parts.append(_escape(title[end : match.start()]))
        capitals = [ch.isupper() for ch in word]
        protect = any(capitals[1:]) or (capitals[0] and any(ch.isdigit() for ch in word))
        parts.append("{" + word + "}" if protect else word)
        end = match.end()
    parts.append(_escape(title[end:]))
    return "".join(parts)


def _name(name: str) -> str:
    """One author, ``Given Surname`` as the sources give it: BibTeX's own name parser then finds the surname,
    particles (``van``, ``de``) included, better than a guess here could. A name holding a comma or the word
    ``and`` is braced whole, so it stays one name."""
    text = latex_text(name)
    return "{" + text + "}" if "," in text or _AND_RE.search(f" {text} ") else text


def _ascii(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``, accents dropped: ``Müller`` -> ``muller``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TO_ASCII)).lower()
    return re.sub(r"[^a-z0-9]", "", decomposed)


def citation_key(paper: Paper) -> str:
    """``surname + year + first title word`` (``lovelace2024fast``): the first author's surname and the first
    title word that is not a stop word (``a``, ``the``, ``on``, …), both as ASCII; a part the paper lacks is left
    out (a text dump gives no authors, often no year); ``paper`` when nothing is left. Depends on this paper only."""
    surname = _ascii(name_parts(paper.authors[0])[1]) if paper.authors else ""
    year = paper_year(paper)
    word = ""
    for match in _WORD_RE.finditer(paper.title):
        candidate = _ascii(match.group())
        if candidate and candidate not in _STOP_WORDS:
            word = candidate
            break
    return f"{surname}{year or ''}{word}" or "paper"


def _suffix(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa, …"""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _rank(paper: Paper) -> tuple[bool, str, str, str]:
    """The order of papers sharing a key: arXiv papers by id (the order arXiv published them), then the others."""
    return (paper.arxiv_id is None, paper.arxiv_id or "", paper.published or "", paper.id)


def citation_keys(papers: Sequence[Paper]) -> list[str]:
    """A unique key per paper. A key only one paper has stays as ``citation_key`` gives it; papers sharing one all
    get a letter, ``a``, ``b``, ``c``, … in arXiv-id order (papers without one after, by their id), skipping any key
    another paper already has. So a paper's key depends on which papers are exported, never on their order."""
    bases = [citation_key(paper) for paper in papers]
    counts = Counter(bases)
    taken = {base for base, count in counts.items() if count == 1}
    shared: defaultdict[str, list[int]] = defaultdict(list)
    for i, base in enumerate(bases):
        if counts[base] > 1:
            shared[base].append(i)
    keys = list(bases)
    for base in sorted(shared):
        n = 0
        for i in sorted(shared[base], key=lambda i: _rank(papers[i])):
            n += 1
            while base + _suffix(n) in taken:
                n += 1
            keys[i] = base + _suffix(n)
            taken.add(keys[i])
    return keys


def _url(url: str) -> str:
    """A URL as a BibTeX field: verbatim (biblatex and the url package read it so), with the characters that
    would end or unbalance the field percent-encoded."""
    return quote(url, safe="".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "{}\\"))


def bibtex_entry(paper: Paper, key: str | None = None) -> str:
    """One ``@misc`` entry (with ``key``, else ``citation_key``): title, authors, year; for an arXiv paper its
    ``eprint``, ``archivePrefix`` and abs URL; for another, its first link and a note naming its listing date."""
    fields = [("title", _title(paper.title))]
    authors = [_name(name) for name in paper.authors if one_line(name)]
    if authors:
        fields.append(("author", " and ".join(authors)))
    if (year := paper_year(paper)) is not None:
        fields.append(("year", str(year)))
    if paper.arxiv_id:
        fields += [("eprint", latex_text(paper.arxiv_id)), ("archivePrefix", "arXiv")]
    if (url := paper_url(paper)) is not None:
        fields.append(("url", _url(url)))
    if not paper.arxiv_id and (note := listing_note(paper)) is not None:
        fields.append(("note", latex_text(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key or citation_key(paper)},\n{body}\n}}\n"


def render_bibtex(papers: Sequence[Paper]) -> str:
    """Every paper's entry, a blank line between them, keys unique (``citation_keys``)."""
    return "\n".join(bibtex_entry(paper, key) for paper, key in zip(papers, citation_keys(papers), strict=True))


FORMAT = ExportFormat(
    name="bibtex",
    label="BibTeX",
    ext=".bib",
    also_ext=(".bibtex",),
    order=10,
    render=lambda papers, _m, _d: render_bibtex(papers),
)
