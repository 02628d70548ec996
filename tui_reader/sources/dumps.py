"""Daily Papers text dumps: a page copied as text, parsed into papers.

A dump is a short header (``new``, ``Get trending papers...``, ``Subscribe``, ...), a listing date such as
``Mar 11``, then alternating title / abstract paragraphs separated by blank lines. Everything that comes out
of here is safe to put on a terminal: control characters are gone and LaTeX debris is readable text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tui_reader.paper import Paper, paper_id
from tui_reader.safe_text import collapse_ws, strip_controls
from tui_reader.sources.cleaning import URL_PATTERN, delatex, extract_links
from tui_reader.sources.registry import Source

__all__ = ["SOURCE", "decode", "parse_dump", "parse_text"]

# ---------------------------------------------------------------------------------------------------------
# Parsing one page

_DATE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?) \d{1,2}(?:, \d{4})?"
)
_HEADER = r"(?i)new|subscribe|daily papers|get trending papers.*|by\s*ak\b.*|papers?|trending"
_PARAGRAPH_SPLIT = r"\n\s*\n"  # a blank line, even one holding spaces or tabs
_TITLE_MAX = 300


def _looks_like_abstract(paragraph: str) -> bool:
    """Titles are short and do not end a sentence; abstracts are long, end with a full stop or hold a URL."""
    if len(paragraph) > _TITLE_MAX or paragraph.endswith("."):
        return True
    return "://" in paragraph and re.search(URL_PATTERN, paragraph) is not None


def _paragraphs(text: str) -> Iterator[str]:
    # controls go first, so a line holding only an escape sequence still counts as blank
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    for chunk in re.split(_PARAGRAPH_SPLIT, text):
        para = collapse_ws(chunk)
        if para:
            yield para


@dataclass(slots=True)
class _Entry:
    title: str
    abstract: str
    date: str | None


def _header_lines(paras: list[str]) -> set[int]:
    """Positions of header paragraphs: those at the top, and any run of them right before a date (the next
    page's header, when pages were pasted into one file)."""
    is_header = [re.fullmatch(_HEADER, para) is not None for para in paras]
    skip: set[int] = set()
    top = 0
    while top < len(paras) and is_header[top]:
        skip.add(top)
        top += 1
    run: list[int] = []
    for i, para in enumerate(paras):
        if is_header[i]:
            run.append(i)
            continue
        if run and re.fullmatch(_DATE, para):
            skip.update(run)
        run = []
    return skip


def _entries(text: str) -> Iterator[_Entry]:
    """Yield (title, abstract, date) for the text of one file; a title without abstract gets an empty abstract."""
    date: str | None = None
    title: str | None = None
    paras = list(_paragraphs(text))
    headers = _header_lines(paras)
    for i, para in enumerate(paras):
        if i in headers:
            continue
        if re.fullmatch(_DATE, para):
            if title is not None:
                yield _Entry(title, "", date)
                title = None
            date = para
            continue
        if title is None:
            title = para
        elif _looks_like_abstract(para):
            yield _Entry(title, para, date)
            title = None
        else:  # two titles in a row: the first one has no abstract
            yield _Entry(title, "", date)
            title = para
    if title is not None:
        yield _Entry(title, "", date)


def _make_abstract(raw: str) -> tuple[str, tuple[str, ...]]:
    text, links = extract_links(raw)
    return collapse_ws(delatex(text)), links


def parse_text(text: str, source: str = "<text>") -> list[Paper]:
    """Parse the text of one file (one or more pages) into papers, not yet deduplicated."""
    papers = []
    for entry in _entries(text):
        title = collapse_ws(delatex(entry.title))
        abstract, links = _make_abstract(entry.abstract)
        papers.append(
            Paper(
                id=paper_id(title),
                title=title,
                abstract=abstract,
                dates=(entry.date,) if entry.date else (),
                sources=(source,),
                links=links,
            )
        )
    return papers


def decode(data: bytes, problems: list[str]) -> str | None:
    """A file's text, or None when it is binary. UTF-8, or UTF-16 with a byte-order mark; lines that are not
    UTF-8 are read as Windows-1252 (so one stray byte does not garble the rest), with a warning."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines, bad = [], []
    for number, line in enumerate(data.split(b"\n"), 1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1252", errors="replace"))
            bad.append(number)
    where = f"line {bad[0]}" + (f" and {len(bad) - 1} more" if len(bad) > 1 else "")
    problems.append(f"not valid UTF-8 ({where}); read those lines as Windows-1252")
    return "\n".join(lines)


def parse_dump(text: str, source: str = "<text>") -> tuple[list[Paper], list[str]]:
    """``parse_text`` as a source parses: a dump has no problems of its own to report."""
    return parse_text(text, source), []


# Anything no other source recognises is read as a dump: this source is sniffed last.
SOURCE = Source(name="dumps", sniff=lambda head: True, parse=parse_dump, order=100)
