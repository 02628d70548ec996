"""Terminal-safe text: what every untrusted string (corpus text, file names, URLs, queries) passes through
before it reaches a screen, stderr or a JSON record.

Imports nothing from the project, and nothing slow: the corpus, the CLI and the app all use it.
"""

from __future__ import annotations

import os
import re

__all__ = ["clean_text", "collapse_ws", "shown_path", "strip_controls"]

# CSI (colours, cursor moves), OSC (window titles, clipboard; never past the end of a line), DCS/APC/PM/SOS
# strings and short ESC sequences; and the same introduced by their one-character C1 forms (U+009B is CSI,
# U+009D OSC, U+0090 DCS, U+0098 SOS, U+009E PM, U+009F APC), removed whole, parameters and final byte too:
# removing the control alone would leave "31m" in a title.
_ANSI = (
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]P_^X][^\x07\x1b\n]*(?:\x07|\x1b\\)?|[ -/]*[0-~])"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x9c|\x1b\\)?"
)
_INTRODUCERS = "\x1b\x9b\x9d\x90\x98\x9e\x9f"
# C0/C1 controls except tab/newline/CR (handled as whitespace), DEL, bidi embeddings, overrides and isolates
# that can reorder what a terminal shows, byte-order marks (at the start of a string or a pasted-in file), and lone
# surrogates (JSON's "\ud800" escape decodes to one; no UTF-8 can encode it: printing it was a traceback).
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters (keeps tab/newline/CR)."""
    if any(introducer in text for introducer in _INTRODUCERS):
        text = re.sub(_ANSI, "", text)
    return re.sub(_CONTROL, "", text)


def collapse_ws(text: str) -> str:
    """Single-spaced: every run of whitespace one space, none at either end (``" ".join(text.split())``)."""
    if text.isascii():
        return _single_spaced(text.encode("ascii").translate(_ASCII_SPACES))
    return " ".join(text.split())


def clean_text(text: str) -> str:
    """Terminal-safe, single-spaced text (one line): what a title or an abstract field from JSON becomes."""
    if text.isascii() and "\x1b" not in text:  # most text: controls dropped and spaces made one pass over bytes
        return _single_spaced(text.encode("ascii").translate(_ASCII_SPACES, _ASCII_CONTROLS))
    return collapse_ws(strip_controls(text))


# ASCII whitespace as str.split() knows it (tab, newline, vertical tab, form feed, CR, the four separators), and the
# ASCII controls strip_controls removes (escape sequences aside: text holding ESC takes the general path)
_ASCII_SPACES = bytes.maketrans(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", b" " * 9)
_ASCII_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _single_spaced(data: bytes) -> str:
    """ASCII bytes holding no whitespace but spaces, single-spaced (a third of the time of splitting a wrapped
    abstract into words and joining them)."""
    if b"  " in data:
        data = re.sub(rb"  +", b" ", data)
    return data.strip(b" ").decode("ascii")


def shown_path(path: str | os.PathLike[str] | os.PathLike[bytes] | bytes) -> str:
    """A file name as it may be shown anywhere: bytes that are not UTF-8 become U+FFFD, controls and escape
    sequences are removed, line breaks and tabs become spaces (a name is one line)."""
    raw = os.fsdecode(path)
    text = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _has_surrogates(raw) else raw
    return re.sub(r"[\t\n\r]", " ", strip_controls(text))


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)
