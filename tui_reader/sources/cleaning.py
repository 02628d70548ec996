"""Cleaning text from any source: LaTeX debris to readable text, and URLs collected as links.

Dumps, API listings and arXiv metadata all carry LaTeX and bare URLs; they share these rules.
The regular expressions are kept as strings and used through re's own cache of compiled patterns: a launch
served from the parse cache then compiles none of them (compiling them all costs ~2 ms).

LaTeX becomes text, and cleaning never deletes meaning: every letter and digit of the source stays, except the
name of a macro that became what it stands for (``\\alpha`` -> α, ``\\"o`` -> ö, ``{\\em x}`` -> x) and what a
typeset paper would not show either (``\\label{key}``, ``\\hspace{1em}``, a colour's name).

- A macro pylatexenc knows becomes its Unicode (``\\leq`` ≤, ``\\ell`` ℓ, ``\\sqrt{5}`` √(5)). One that only sets
  type (``\\bf``, ``\\bm{x}``, ``\\left``) leaves its arguments; a citation or reference keeps its key (``[key]``).
- A macro it does not know, usually one the paper defines itself, keeps its name as text: ``\\MethodName can``
  -> ``MethodName can``, ``$\\Q(\\sqrt{5})$`` -> ``Q(√(5))``, ``$4500\\kms$`` -> ``4500kms``.
- ``~`` is LaTeX's tie, a space, where it ties: glued to a word before it (``Fig.~3``, ``et~al``, ``A.~ One``),
  glued to both sides (``$n$~nodes``, ``2~GB``), or before a command (``see ~\\cite{x}``). Anywhere else it
  means "about" or "of the order of" (``~500 km/s``, ``B_0 ~ 30 T``, ``(~100-fold)``, ``V_{DM}~ 4500``) and is
  shown as ∼, as ``\\sim`` is (one spelling for both, found by one search). Inside a URL it is the URL's.
- Braces go where they only group (``{error indicator}``, BibTeX's ``{Ki(z)}``) and stay where they carry
  meaning: around a comma (``{a, a', b}``, ``H^{p,q}``), around more than one character after ``^`` or ``_``
  (``S_{λ+1/2}``: ``S_λ+1/2`` would be another formula), glued to what precedes them (``mathcal{O}(n)``, a
  macro's argument), escaped (``\\{x\\}``, a set).
- Superscripts and subscripts stay as ``^``/``_`` text (``x^2``): Unicode's ² would read better, but search and a
  paper's id would then see "x2" where the source says "x 2".
"""  # noqa: RUF002 (the Unicode that LaTeX becomes is meant)

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from tui_reader.safe_text import clean_text, collapse_ws

__all__ = ["URL_PATTERN", "clean_abstract", "clean_title", "delatex", "extract_links"]

# ---------------------------------------------------------------------------------------------------------
# LaTeX debris -> readable text (pylatexenc does the real parsing)

_EXTRA_MACROS = {
    "aka": "a.k.a.",
    "eg": "e.g.",
    "ie": "i.e.",
    "etal": "et al.",
    "wrt": "w.r.t.",
    # escaped braces: markers until grouping braces are gone (delatex puts them back)
    "{": "\x01",
    "}": "\x02",
    "lbrace": "\x01",
    "rbrace": "\x02",
    # signs pylatexenc does not know (its fallback would show their names)
    "iff": "⟺",
    "implies": "⟹",
    "impliedby": "⟸",
    "neg": "¬",
    "land": "∧",
    "lor": "\u2228",  # logical or
    "colon": ":",
    "lbrack": "[",
    "rbrack": "]",
    "|": "‖",
    "bot": "⊥",
    "coloneqq": "≔",
    "upmu": "μ",
    "newline": " ",
    "linebreak": " ",
    # hints to the typesetter: a soft hyphen, an italic correction, an end-of-sentence mark
    "-": "",
    "/": "",
    "@": "",
}
# Macros that only set type (fonts, sizes, delimiters' sizes) or steer the typesetter: nothing of their own.
_FORMAT_MACROS = (
    "em it bf sl sc tt sf rm up md cal mit boldmath unboldmath normalfont itshape bfseries upshape scshape "
    "ttfamily sffamily rmfamily mdseries slshape displaystyle textstyle scriptstyle scriptscriptstyle "
    "left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr bigm Bigm "
    "limits nolimits xspace noindent centering par relax protect nonumber allowbreak "
    "tiny scriptsize footnotesize small normalsize large Large LARGE huge Huge"
)
# Macros whose argument is the text, set in some type (pylatexenc would drop or not parse them).
_TYPE_MACROS = "bm boldsymbol pmb mathbbm mathds mathnormal textnormal mathop hbox mbox texttt textsf textup textmd"
_CITES = "cite citet citep citealt citealp citeauthor citeyear citeyearpar Citet Citep Citealt Citealp Citeauthor"
_FRACTIONS = "frac tfrac dfrac nicefrac"
# operator names TeX sets apart from a variable before them: "m\log n" is m log n, not "mlog n"
_OPERATORS = (
    " arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd hom inf ker lg lim liminf limsup ln log "
    "max min Pr sec sin sinh sup tan tanh "
)
# macro -> (its arguments for the parser, its text: str.format of the arguments' texts)
_WITH_ARGUMENTS = {
    "operatorname": ("*{", "{1}"),
    "textsuperscript": ("{", "^{0}"),
    "textsubscript": ("{", "_{0}"),
    "binom": ("{{", "({0} choose {1})"),
    "pmod": ("{", "(mod {0})"),
    "ref": ("{", "{0}"),
    "autoref": ("{", "{0}"),
    "cref": ("{", "{0}"),
    "Cref": ("{", "{0}"),
    "pageref": ("{", "{0}"),
    "eqref": ("{", "({0})"),
    "href": ("{{", "{1} <{0}>"),
}
# Only the LaTeX fragments go through pylatexenc (whole abstracts would be slow, and a bare "%" would
# start a comment that swallows the rest of the paragraph).
_LATEX_FRAGMENT = r"""(?x)
      \{\\(?:em|it|bf|sl|sc|tt|rm|sf|emph|textit|textbf)\s+[^{}]*\}   # {\em word}
      | \\[a-zA-Z]+\*?(?:\{[^{}]*\})*                                    # \macro{arg}
      | \\["'`^~=.uvHcdbrk]\s*(?:\{[a-zA-Z\\]{1,2}\}|\\?[a-zA-Z])        # accents: \"o \'{e} \v{s}
      | \\[%&#_${}\ ,;:!/@|-]                                           # escaped specials, spacing: \% \{ \,
      | \$\$[^$]{1,400}\$\$ | \$[^$\n]{1,200}\$                          # math: $$x$$ $x$
      | \\\[.{1,400}?\\\] | \\\(.{1,200}?\\\)                             # math: \[x\] \(x\)
      | ~
"""
# Leftover grouping braces such as "{error indicator}" are dropped, but not math arguments glued to what
# precedes them ("mathcal{O}(n)", "x^{2}", "1{n h}") nor a list ("{a, a', b}"): without their braces those
# lose their meaning.
_BRACES = r"\{([^{}\\]*)\}"  # starts with a literal, which re scans for fast; _drop_braces looks behind it
# The end of something a tie may follow: closing punctuation, closing math, a percent sign.
_TIE_AFTER = ".,;:!?)]}'\"’”$%"  # noqa: RUF001 (the typographic quotes are meant)
_ABOUT = "\u223c"  # what a "~" meaning "about" becomes: the tilde operator, what pylatexenc makes of \sim


def _drop_braces(match: re.Match[str]) -> str:
    before = match.string[match.start() - 1 : match.start()]
    if before and (before.isalnum() or before in "^_"):  # glued to what precedes it: keep
        return match.group()
    if "," in match.group(1):  # a list or a pair of indices: "{a, a', b}"
        return match.group()
    return match.group(1)


def _tilde(string: str, at: int) -> str:
    """What the ``~`` at ``string[at]`` means: a tie (a space), "about" (_ABOUT), or a URL's own character."""
    before, after = string[at - 1 : at], string[at + 1 : at + 2]
    word_start = string.rfind(" ", 0, at) + 1
    if "://" in string[word_start:at]:  # "https://host/~user/": part of the URL
        return "~"
    if before.isalpha() or before == ".":  # "Fig.~3", "et~al", "A.~ One": ties a word to what follows
        return " "
    # after a number or the end of something ("$n$~nodes", "2~GB"), a tie when it ties to what follows
    ties = before.isdigit() or (before != "" and before in _TIE_AFTER)
    if (ties and after != "" and not after.isspace()) or after == "\\":  # or before a command: "see ~\\cite{x}"
        return " "
    return _ABOUT  # "~500 km/s", "B_0 ~ 30 T", "(~100-fold)", "V_{DM}~ 4500"


def _argument_texts(node: Any, l2tobj: Any) -> list[str]:
    """The text of each argument pylatexenc parsed for a macro, "" for one not given (none for a macro it does not
    know)."""
    argd = node.nodeargd
    count = len(argd.argnlist) if argd and argd.argnlist else 0
    texts = [l2tobj.node_arg_to_text(node, k) if argd.argnlist[k] is not None else "" for k in range(count)]
    return ["" if text == "*" else str(text) for text in texts]  # a star only picks a variant


def _arguments(node: Any, l2tobj: Any) -> list[str]:
    return [text for text in _argument_texts(node, l2tobj) if text]


def _formatted(template: str) -> Callable[[Any, Any], str]:
    """The text of a macro from its arguments' (an argument not given is empty: no "%s" left, no warning)."""

    def text(node: Any, l2tobj: Any) -> str:
        return template.format(*_argument_texts(node, l2tobj), "", "")

    return text


def _unknown_macro(node: Any, l2tobj: Any) -> str:
    """A macro with no text of its own: one the paper defines itself (``\\MethodName``, ``\\XQM``) keeps its name;
    one parsed with arguments (``\\texttt{code}``) shows them."""
    arguments = _arguments(node, l2tobj)
    return "".join(arguments) if arguments else str(node.macroname)


def _citation(node: Any, l2tobj: Any) -> str:
    return "[" + ", ".join(_arguments(node, l2tobj)) + "]"  # "\cite{key}" -> "[key]", not pylatexenc's "<cit.>"


def _fraction(node: Any, l2tobj: Any) -> str:
    """``\\frac{a+b}{c}`` -> (a+b)/c, not pylatexenc's a+b/c (another number); ``\\frac{1}{2}`` stays 1/2."""
    parts = [text if text.isalnum() else f"({text})" for text in _arguments(node, l2tobj)]
    return "/".join(parts)


def _group_to_text(node: Any, contents: str) -> str:
    """A braced group of its own (not a macro's argument) keeps its braces where they carry meaning."""
    source = node.parsing_state.s
    before = source[node.pos - 1 : node.pos] if node.pos else ""
    contents = contents.strip()  # "{\\rm A}": the space after a macro is no text
    keep = "," in contents or (contents != "" and before.isalnum()) or (before in ("^", "_") and len(contents) > 1)
    return "{" + contents + "}" if keep and node.delimiters == ("{", "}") else contents


def _parser_context() -> Any:
    """pylatexenc's parser, told which arguments the macros below take."""
    from pylatexenc import latexwalker, macrospec

    db = latexwalker.get_default_latex_context_db()
    db.add_context_category(
        "tui-reader",
        macros=[macrospec.MacroSpec(name, "{") for name in _TYPE_MACROS.split()]
        + [macrospec.MacroSpec(name, argspec) for name, (argspec, _) in _WITH_ARGUMENTS.items()]
        + [macrospec.MacroSpec(name, "{{") for name in _FRACTIONS.split()]
        + [macrospec.MacroSpec("label", "{")],
        prepend=True,
    )
    return db


def _text_context() -> Any:
    """pylatexenc's text for each macro, with the rules of this module."""
    from pylatexenc.latex2text import MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    db.add_context_category(
        "tui-reader",
        macros=[MacroTextSpec(name, simplify_repl=text) for name, text in _EXTRA_MACROS.items()]
        + [MacroTextSpec(name, simplify_repl="") for name in _FORMAT_MACROS.split()]
        + [MacroTextSpec(name, discard=False) for name in _TYPE_MACROS.split()]
        + [MacroTextSpec(name, simplify_repl=_formatted(text)) for name, (_, text) in _WITH_ARGUMENTS.items()]
        + [MacroTextSpec(name, simplify_repl=_citation) for name in _CITES.split()]
        + [MacroTextSpec(name, simplify_repl=_fraction) for name in _FRACTIONS.split()]
        + [MacroTextSpec("label", simplify_repl="")],
        prepend=True,
    )
    db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))
    return db


def _glued_operator(node: Any) -> bool:
    """An operator name glued to a letter or digit before it (``m\\log n``): TeX sets it apart, so does the text."""
    return f" {node.macroname} " in _OPERATORS and node.pos > 0 and node.parsing_state.s[node.pos - 1].isalnum()


@lru_cache(maxsize=1)
def _latex_converter() -> Callable[[str], str]:
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latexwalker import LatexCharsNode

    class Converter(LatexNodes2Text):  # type: ignore[misc]  # pylatexenc has no type hints
        """Groups of their own keep meaningful braces; a macro's arguments are text for the macro to use."""

        def __init__(self) -> None:
            super().__init__(latex_context=_text_context(), math_mode="text", strict_latex_spaces=False)
            self.parser_context = _parser_context()
            self.arguments: set[int] = set()  # the groups that are arguments in the fragment being converted
            self.math = 0  # inside a formula ($x$): how deep

        def convert(self, fragment: str) -> str:
            self.arguments.clear()
            self.math = 0
            return str(self.latex_to_text(fragment, latex_context=self.parser_context))

        def math_node_to_text(self, node: Any) -> str:
            self.math += 1
            try:
                return str(super().math_node_to_text(node))
            finally:
                self.math -= 1

        def nodelist_to_text(self, nodelist: Any) -> str:
            """In a formula, the space after a symbol stays before text (pylatexenc's own rule: ``\\alpha x``)
            and where the source spaced the symbol on both sides (``x \\leq \\alpha \\sim y`` is spaced so, where
            pylatexenc glues the symbols; but not in ``q\\le \\infty``: that space only ends the macro's name); a
            space between two constructs stays too (``V_{a} \\sin i``: not "V_asin i")."""
            if not self.math:
                return str(super().nodelist_to_text(nodelist))
            text, after = "", ""  # after: the space after the bare macro just converted, when it is kept
            for node in nodelist:
                if after and (after == "spaced" or node.isNodeType(LatexCharsNode)) and not text.endswith(" "):
                    text += " "
                after = ""
                if self._is_bare_macro_node(node) and node.macro_post_space:
                    after = "spaced" if text.endswith(" ") or f" {node.macroname} " in _OPERATORS else "before text"
                text += self.node_to_text(node)
            return text

        def chars_node_to_text(self, node: Any, textcol: int = 0) -> str:
            if self.math and node.chars and node.chars.isspace():
                return " "  # a space between two constructs ("{a} \\sin"): pylatexenc drops it in formulas
            return str(super().chars_node_to_text(node, textcol=textcol))

        def macro_node_to_text(self, node: Any) -> str:
            if node.nodeargd and node.nodeargd.argnlist:
                self.arguments.update(id(arg) for arg in node.nodeargd.argnlist)
            text = str(super().macro_node_to_text(node))
            return " " + text if self.math and _glued_operator(node) else text  # "m\\log n": m log n

        def group_node_to_text(self, node: Any) -> str:
            contents = str(self.nodelist_to_text(node.nodelist))
            return contents if id(node) in self.arguments else _group_to_text(node, contents)

    return Converter().convert


@lru_cache(maxsize=4096)
def _fragment_to_text(fragment: str) -> str:
    if "%" in fragment:  # abstracts are not LaTeX files: "%" is a percent sign, not a comment
        fragment = re.sub(r"(?<!\\)%", r"\\%", fragment)
    try:
        text = _latex_converter()(fragment)
    except Exception:  # pylatexenc is tolerant, but never let debris stop a load
        return fragment
    return text.strip() or (" " if text else "")  # "\ ", "\," and "\quad" are spaces between words


def _glues(fragment: str, text: str) -> bool:
    """A letter macro such as ``\\L`` (Ł) or ``\\o`` (ø) is part of the word after its space: ``\\L ojasiewicz``.
    Not a Greek letter (``\\pi scattering``) nor an accent (``Petojevi\\' c verified``)."""
    return (
        len(text) == 1 and not text.isascii() and fragment[1:].isalpha() and unicodedata.name(text, "")[:5] == "LATIN"
    )


def _replace_fragment(match: re.Match[str]) -> str:
    fragment, string = match.group(), match.string
    if fragment == "~":
        return _tilde(string, match.start())
    text = _fragment_to_text(fragment)
    if string[match.end() : match.end() + 1] == " " and _glues(fragment, text):
        return text + "\x00"  # marker: eat the following space
    return text


def delatex(text: str) -> str:
    """Turn LaTeX debris into plain text: ``na\\"ive`` -> naïve, ``{\\em x}`` -> x, ``\\%`` -> %.

    The text holds no control characters (its cleaning strips them first): a few serve as markers here."""
    # the cheap checks first: most text holds no LaTeX, and these patterns have no literal to scan for
    if "\\" in text or "$" in text or "~" in text:
        text = re.sub(_LATEX_FRAGMENT, _replace_fragment, text).replace("\x00 ", "")
    if "{" in text:
        text = re.sub(_BRACES, _drop_braces, text)
    if "\x01" in text or "\x02" in text:  # escaped braces, safe from _BRACES until now
        text = text.replace("\x01", "{").replace("\x02", "}")
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
    links: dict[str, None] = {}  # in order, each once (a list's lookup made a megabyte of links quadratic)

    def repl(m: re.Match[str]) -> str:
        url, shown = _clean_url(m.group())
        if url.count("/") >= 2 and len(url) > len("https://"):
            links.setdefault(url)
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
