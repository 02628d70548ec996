"""Cleaning text from any source: LaTeX debris to readable text, and URLs collected as links.

Dumps, API listings and arXiv metadata all carry LaTeX and bare URLs; they share these rules.
The regular expressions are kept as strings and used through re's own cache of compiled patterns: a launch
served from the parse cache then compiles none of them (compiling them all costs ~2 ms).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from tui_reader.safe_text import clean_text, collapse_ws

__all__ = ["URL_PATTERN", "clean_abstract", "clean_title", "delatex", "extract_links"]

# ---------------------------------------------------------------------------------------------------------
# LaTeX debris -> readable text (pylatexenc does the real parsing)

_EXTRA_MACROS = {"aka": "a.k.a.", "eg": "e.g.", "ie": "i.e.", "etal": "et al.", "wrt": "w.r.t."}
# Only the LaTeX fragments go through pylatexenc (whole abstracts would be slow, and a bare "%" would
# start a comment that swallows the rest of the paragraph).
_LATEX_FRAGMENT = r"""(?x)
      \{\\(?:em|it|bf|sl|sc|tt|rm|sf|emph|textit|textbf)\s+[^{}]*\}   # {\em word}
      | \\[a-zA-Z]+\*?(?:\{[^{}]*\})*                                    # \macro{arg}
      | \\["'`^~=.uvHcdbrk]\s*(?:\{[a-zA-Z\\]{1,2}\}|\\?[a-zA-Z])        # accents: \"o \'{e} \v{s}
      | \\[%&#_$]                                                       # escaped specials
      | \$[^$\n]{1,200}\$                                                 # inline math
      | ~
"""
# Leftover grouping braces such as "{error indicator}" are dropped, but not math arguments glued to what
# precedes them ("mathcal{O}(n)", "x^{2}", "1{n h}"): without their braces those lose their meaning.
_BRACES = r"\{([^{}\\]*)\}"  # starts with a literal, which re scans for fast; _drop_braces looks behind it


def _drop_braces(match: re.Match[str]) -> str:
    before = match.string[match.start() - 1 : match.start()]
    if before and (before.isalnum() or before in "^_"):  # glued to what precedes it: keep
        return match.group()
    return match.group(1)


@lru_cache(maxsize=1)
def _latex_converter() -> Any:
    from pylatexenc import latex2text

    db = latex2text.get_default_latex_context_db()
    db.add_context_category(
        "tui-reader",
        macros=[latex2text.MacroTextSpec(name, simplify_repl=text) for name, text in _EXTRA_MACROS.items()],
        prepend=True,
    )
    return latex2text.LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=False)


@lru_cache(maxsize=4096)
def _fragment_to_text(fragment: str) -> str:
    if fragment == "~":
        return " "
    try:
        return str(_latex_converter().latex_to_text(fragment)).strip()
    except Exception:  # pylatexenc is tolerant, but never let debris stop a load
        return fragment


def _replace_fragment(match: re.Match[str]) -> str:
    text = _fragment_to_text(match.group())
    # a symbol macro such as "\L ojasiewicz" or "\o re" is part of the word that follows
    string, end = match.string, match.end()
    if len(text) == 1 and text.isalpha() and match.group()[-1].isalpha() and string[end : end + 1] == " ":
        return text + "\x00"  # marker: eat the following space
    return text


def delatex(text: str) -> str:
    """Turn LaTeX debris into plain text: ``na\\"ive`` -> naïve, ``{\\em x}`` -> x, ``\\%`` -> %."""
    # the cheap checks first: most text holds no LaTeX, and these patterns have no literal to scan for
    if "\\" in text or "$" in text or "~" in text:
        text = re.sub(_LATEX_FRAGMENT, _replace_fragment, text).replace("\x00 ", "")
    if "{" in text:
        text = re.sub(_BRACES, _drop_braces, text)
    return text


# ---------------------------------------------------------------------------------------------------------
# URLs

# A URL runs until whitespace; a ``{...}`` right after it is LaTeX debris (``\href{url}{text}`` flattened).
URL_PATTERN = r"(?i)https?://[^\s{}<>\"]+(?:\{[^}\s]*\}?)?"
_URL_TRAIL = ".,;:!?'\"”’)]>"  # noqa: RUF001 (the typographic quotes are meant)


def _clean_url(raw: str) -> tuple[str, str]:
    """Return (url, text to show). ``{...}`` debris is dropped from the URL; sentence punctuation is not a URL."""
    core, _, inner = raw.partition("{")
    inner = inner.rstrip("}")
    url = core
    while url and url[-1] in _URL_TRAIL:
        # keep a closing parenthesis that belongs to the URL, e.g. wiki links with "(...)"
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    if inner and not inner.lower().startswith("http"):
        return url, f"{core} {inner}"  # "README.md{here.}" -> "README.md here."
    return url, core  # "X{X}" -> "X"


def extract_links(text: str) -> tuple[str, tuple[str, ...]]:
    """Find http(s) URLs; return the text with debris removed and the de-duplicated links in order."""
    links: list[str] = []

    def repl(m: re.Match[str]) -> str:
        url, shown = _clean_url(m.group())
        if url.count("/") >= 2 and len(url) > len("https://") and url not in links:
            links.append(url)
        return shown

    if "://" not in text:  # most abstracts: skip the case-insensitive scan, ~5x slower than this check
        return text, ()
    text = re.sub(URL_PATTERN, repl, text)
    return text, tuple(links)


# ---------------------------------------------------------------------------------------------------------
# Fields of structured sources (JSON listings, arXiv metadata): the same rules as a dump's paragraphs


def clean_title(raw: str) -> str:
    """A title from any source: no controls or escape sequences, LaTeX as text, single-spaced."""
    return _delatex_spaced(clean_text(raw))


def clean_abstract(raw: str) -> tuple[str, tuple[str, ...]]:
    """An abstract from any source and the links in it: as ``clean_title``, URLs collected and debris removed."""
    text, links = extract_links(clean_text(raw))
    return _delatex_spaced(text), links


def _delatex_spaced(text: str) -> str:
    """``delatex`` of single-spaced text, single-spaced again (only when it changed anything: most text holds
    no LaTeX, and collapsing a long abstract's spaces twice was a tenth of parsing it)."""
    plain = delatex(text)
    return plain if plain == text else collapse_ws(plain)
