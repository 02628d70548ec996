"""BibTeX: one ``@misc`` entry per paper, for LaTeX (BibTeX, biber/biblatex), Zotero and JabRef.

Written by hand rather than through pylatexenc's ``unicode_to_latex`` (README, *Dependencies*): only the ten
characters TeX treats specially are escaped, and non-ASCII text is kept as UTF-8, which every current BibTeX tool
reads; pylatexenc would turn accents into ``\\"u`` macros, leaves ``--`` to become a dash, and writes ``\\{`` for a
brace, which BibTeX still counts, so one unmatched brace in a title breaks the whole file.

Keys are ``surname + year + first title word``, ASCII lower case (``lovelace2024fast``); see ``citation_keys`` for
when a letter is added.

An arXiv paper is what arXiv's own export writes, ``@misc`` with ``eprint``, ``archivePrefix = {arXiv}`` and
``primaryClass`` (its primary category), which BibTeX styles that print eprints read and biblatex takes as aliases
of ``eprinttype`` and ``eprintclass``; plus ``eprinttype = {arxiv}`` itself, the only form Zotero's BibTeX import
reads (it ignores ``archivePrefix`` and would drop the arXiv id; biber's alias never overwrites a field, so it
keeps ``eprinttype`` and ignores the other without a word). The entry stays ``@misc`` when arXiv names a journal:
its ``journal_ref`` (``Phys.Rev.D76:013009,2007``) does not split reliably into journal, volume and pages, so it
is written whole in ``note``, the field biblatex describes for such publication facts and every style prints.
``doi`` holds the first DOI (the paper's own); further ones (an erratum's) follow the journal reference in
``note`` as ``also doi:…``. ``doi`` and ``url`` are verbatim fields (biblatex, Zotero and JabRef read them as
written), so they are written unescaped, with only the characters that would end or unbalance the field
percent-encoded.

Authors: a name the source split (``Paper.surnames``) is written ``Surname, Given`` or ``Surname, Suffix,
Given``, so BibTeX takes the source's surname rather than its own guess; other names ``Given Surname`` as given,
which BibTeX's name parser splits (particles such as ``van`` included) better than a guess here could. A
collaboration is braced whole (``{The BABAR Collaboration}``) so it is never split into given name and surname,
and a list the source cut short ends in ``and others``, which styles print as "et al.".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from urllib.parse import quote

from tui_reader.dates import paper_year
from tui_reader.paper import Paper

from .fields import Author, dois, listing_note, one_line, paper_authors, paper_url
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


def _name(author: Author) -> str:
    """One author: a collaboration braced whole; a name the source split ``Surname, Given`` (``Surname, Suffix,
    Given``); any other ``Given Surname`` as the source gives it, for BibTeX's own name parser. A split name with
    a suffix but no given name is braced whole too: ``Surname, Suffix,`` ends in a comma, which BibTeX and biber
    warn of and strict parsers reject."""
    if author.group or (author.split and author.suffix and not author.given):
        return "{" + latex_text(author.name) + "}"
    if author.split:
        parts = (author.surname, author.suffix, author.given) if author.suffix else (author.surname, author.given)
        return ", ".join(_name_part(part) for part in parts if part)
    return _name_part(author.name)


def _name_part(text: str) -> str:
    """A name, or one part of one, escaped; braced whole when it holds a comma or the word ``and``, which would
    otherwise split it."""
    text = latex_text(text)
    return "{" + text + "}" if "," in text or _AND_RE.search(f" {text} ") else text


def _authors(paper: Paper) -> str | None:
    """The ``author`` field: the names joined by ``and``, ending in ``and others`` when the source cut the list
    short (BibTeX's way of saying "et al."); None without a name."""
    names = [_name(author) for author in paper_authors(paper)]
    if not names:
        return None
    return " and ".join([*names, "others"] if paper.et_al else names)


def _ascii(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``, accents dropped: ``Müller`` -> ``muller``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TO_ASCII)).lower()
    return re.sub(r"[^a-z0-9]", "", decomposed)


def citation_key(paper: Paper) -> str:
    """``surname + year + first title word`` (``lovelace2024fast``): the first author's surname and the first
    title word that is not a stop word (``a``, ``the``, ``on``, …), both as ASCII; a part the paper lacks is left
    out (a text dump gives no authors, often no year); ``paper`` when nothing is left. Depends on this paper only."""
    authors = paper_authors(paper)
    surname = _key_name(authors[0]) if authors else ""
    year = paper_year(paper)
    word = ""
    for match in _WORD_RE.finditer(paper.title):
        candidate = _ascii(match.group())
        if candidate and candidate not in _STOP_WORDS:
            word = candidate
            break
    return f"{surname}{year or ''}{word}" or "paper"


def _key_name(author: Author) -> str:
    """The name a key starts with: the surname (the source's when it split the name), as ASCII; for a
    collaboration, its first word that is not a stop word (``The BABAR Collaboration``: ``babar``)."""
    if not author.group:
        return _ascii(author.surname)
    words = (_ascii(word) for word in _WORD_RE.findall(author.name))
    return next((word for word in words if word and word not in _STOP_WORDS), "")


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


_VERBATIM_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "{}\\")  # printable ASCII


def _verbatim(value: str) -> str:
    """A URL or DOI as a BibTeX field: verbatim (biblatex, the url package, Zotero and JabRef read it so), with
    the characters that would end or unbalance the field percent-encoded."""
    return quote(value, safe=_VERBATIM_SAFE)


def _arxiv_fields(paper: Paper, arxiv_id: str) -> list[tuple[str, str]]:
    """``eprint``, ``archivePrefix`` and ``eprinttype`` (see the module's docstring), and ``primaryClass`` when the
    paper's categories are known."""
    fields = [("eprint", latex_text(arxiv_id)), ("archivePrefix", "arXiv"), ("eprinttype", "arxiv")]
    if paper.categories and (primary := one_line(paper.categories[0])):
        fields.append(("primaryClass", latex_text(primary)))
    return fields


def _note(paper: Paper, more_dois: tuple[str, ...]) -> str | None:
    """The journal reference, the DOIs after the first, and for a paper without an arXiv id the listing note, in
    that order, ``; `` between them."""
    parts = [one_line(paper.journal_ref or ""), *(f"also doi:{doi}" for doi in more_dois)]
    if not paper.arxiv_id:
        parts.append(listing_note(paper) or "")
    text = "; ".join(part for part in parts if part)
    return latex_text(text) if text else None


def bibtex_entry(paper: Paper, key: str | None = None) -> str:
    """One ``@misc`` entry (with ``key``, else ``citation_key``): title, authors, year; for an arXiv paper its
    ``eprint``, ``archivePrefix``, ``eprinttype``, ``primaryClass`` and abs URL; for another, its first link; its
    DOI; a note with the journal reference, further DOIs and (without an arXiv id) the listing date."""
    fields = [("title", _title(paper.title))]
    if (authors := _authors(paper)) is not None:
        fields.append(("author", authors))
    if (year := paper_year(paper)) is not None:
        fields.append(("year", str(year)))
    if arxiv_id := one_line(paper.arxiv_id or ""):
        fields += _arxiv_fields(paper, arxiv_id)
    first_doi, *more_dois = dois(paper) or ("",)
    if first_doi:
        fields.append(("doi", _verbatim(first_doi)))
    if (url := paper_url(paper)) is not None:
        fields.append(("url", _verbatim(url)))
    if (note := _note(paper, tuple(more_dois))) is not None:
        fields.append(("note", note))
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
