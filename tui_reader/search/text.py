"""What a "word" is, for the index, the query and the highlighting alike.

Text is folded (lower case, accents dropped: ``Schrödinger`` -> ``schrodinger``) and cut at every character that
is not a letter or digit, so ``physics-informed`` is two words and ``ell_infty`` too.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

__all__ = ["FOLD_ERRORS", "fold", "word_spans", "words_of"]

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
NONWORD = re.compile(r"[\W_]+")
# a word in original text; decomposed accents (a letter followed by combining marks) stay inside the word
_WORD = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*")


def fold(text: str) -> str:
    """Lower case without accents: ``"Schrödinger"`` -> ``"schrodinger"``."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def words_of(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return [w for w in NONWORD.split(fold(text)) if w]


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, folded word)`` for every word of ``text``, with positions in the original text.

    A character that folds to several words (rare: ``½`` -> "1", fraction slash, "2") gives each of them the same span.
    """
    spans = []
    for m in _WORD.finditer(text):
        folded = fold(m.group())
        if folded.isalnum():
            spans.append((m.start(), m.end(), folded))
        else:
            spans.extend((m.start(), m.end(), part) for part in NONWORD.split(folded) if part)
    return spans


# ``str.encode("ascii", FOLD_ERRORS)`` folds what is not ASCII, one character at a time (the index's fast path):
# letters and digits become their folded UTF-8 bytes, anything else a space.
FOLD_ERRORS = "tui-reader-fold"
_FOLDED_BYTES: dict[str, bytes] = {}


def _fold_char(char: str) -> bytes:
    folded = _FOLDED_BYTES.get(char)
    if folded is None:
        folded = "".join(c if c.isalnum() else " " for c in fold(char)).encode()
        _FOLDED_BYTES[char] = folded
    return folded


def _fold_errors(error: UnicodeError) -> tuple[bytes, int]:
    assert isinstance(error, UnicodeEncodeError)
    return b"".join(map(_fold_char, error.object[error.start : error.end])), error.end


codecs.register_error(FOLD_ERRORS, _fold_errors)
