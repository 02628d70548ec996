"""What may be stored: paper ids, times, notes and tags, checked (and cleaned) before anything is written.

Every check raises ValueError with one short line, whatever the input (a value may be a 60 MB string or an
array nested 900 deep: messages never show it whole).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from tui_reader.safe_text import strip_controls

__all__ = [
    "FIELDS",
    "LATEST_TIME",
    "MAX_ID_LENGTH",
    "MAX_NOTE_CHARS",
    "MAX_TAGS",
    "MAX_TAG_CHARS",
    "TAG_RULE",
    "Value",
    "check_id",
    "check_time",
    "clean_note",
    "clean_tag",
    "clean_tags",
    "clean_value",
]

Value = bool | str | None | tuple[str, ...]  # read/starred: bool; note: str or None (no note); tags: sorted tuple

FIELDS = ("read", "starred", "note", "tags")
MAX_ID_LENGTH = 200
MAX_NOTE_CHARS = 100_000
MAX_TAG_CHARS = 40
MAX_TAGS = 50  # on one paper
MAX_TIME = 253_402_300_799  # 9999-12-31 23:59:59 UTC
# The latest time a change may hold in the marks file and on a sync log: a year before MAX_TIME. Every device
# refuses a sync line past it, and no change of this device passes it (the clock is capped there, an imported
# time is brought down to it), so each line a device writes is one every other device reads, and every export
# imports.
LATEST_TIME = MAX_TIME - 366 * 86400

TAG_PATTERN = r"[^\W_](?:[\w.\-/]*[^\W_])?"  # used through re's cache: compiled by the first tag checked
TAG_RULE = (
    f"a tag is one word of up to {MAX_TAG_CHARS} letters, digits and - _ . / (starting and ending with a letter "
    "or digit), e.g. rl-theory"
)


def clean_note(text: str | None) -> str | None:
    """A note as stored: controls other than newline and tab removed (so it is safe to show), line ends as
    ``\\n``, trailing whitespace dropped; an empty note is no note (None). ValueError when too long."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError(f"a note must be text, not {type(text).__name__}")
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n")).rstrip()
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"note too long ({len(text):,} characters; at most {MAX_NOTE_CHARS:,})")
    return text or None


def clean_tag(tag: str) -> str:
    """One tag, trimmed; ValueError (one line) when it breaks TAG_RULE."""
    if not isinstance(tag, str):
        raise ValueError(f"a tag must be text, not {type(tag).__name__}")
    tag = tag.strip()
    if not tag or len(tag) > MAX_TAG_CHARS or not re.fullmatch(TAG_PATTERN, tag):
        shown = strip_controls(tag)[: MAX_TAG_CHARS + 5]
        raise ValueError(f"bad tag {shown!r}: {TAG_RULE}")
    return tag


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as stored: each checked (clean_tag), unique ignoring case (the first spelling kept), sorted ignoring
    case. ValueError for a bad tag or too many."""
    if isinstance(tags, str):
        raise ValueError("tags must be a list of words, not one string")
    kept: dict[str, str] = {}
    for tag in tags:
        tag = clean_tag(tag)
        kept.setdefault(tag.casefold(), tag)
    if len(kept) > MAX_TAGS:
        raise ValueError(f"too many tags ({len(kept)}; at most {MAX_TAGS} on a paper)")
    return tuple(kept[key] for key in sorted(kept))


def clean_value(field_name: str, value: object) -> Value:
    """``value`` checked (and cleaned, for notes and tags) for ``field_name``; ValueError in one line if wrong."""
    if field_name in ("read", "starred"):
        if not isinstance(value, bool):
            raise ValueError(f"{field_name} must be true or false")
        return value
    if field_name == "note":
        if value is not None and not isinstance(value, str):
            raise ValueError("a note must be text or null")
        return clean_note(value)
    if field_name == "tags":
        if not isinstance(value, (list, tuple)):
            raise ValueError("tags must be a list of words")
        return clean_tags(value)
    if field_name == "tag":  # one tag added ("+rl") or removed ("-rl"): tags merge tag by tag
        if not isinstance(value, str) or value[:1] not in ("+", "-"):
            raise ValueError("a tag edit is +tag or -tag")
        return value[0] + clean_tag(value[1:])
    raise ValueError(f"unknown field {str(field_name)[:20]!r} (one of {', '.join(FIELDS)})")


def check_id(paper_id: object) -> str:
    if (
        not isinstance(paper_id, str)
        or not 0 < len(paper_id) <= MAX_ID_LENGTH
        or not paper_id.isprintable()  # every whitespace but the space is unprintable: one pass in C
        or " " in paper_id
    ):
        raise ValueError(f"not a paper id: {paper_id!r}")
    return paper_id


def check_time(value: object, what: str) -> float | None:
    """A ``*_at`` value as a float: null, or a unix time from 1970 to the end of year 9999 (a later one would win
    every merge for ever, and no date can show it). Safe for any value: a huge int is compared exactly (never
    converted to float) and the message describes the value in a few characters."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        kinds = {bool: "true or false", str: "a string", list: "an array", dict: "an object"}
        raise ValueError(f"{what} must be a unix time or null, not {kinds.get(type(value), type(value).__name__)}")
    if not 0 <= value <= MAX_TIME:  # False for NaN too
        if isinstance(value, int) and value.bit_length() > 64:
            shown = f"a {len(str(abs(value)))}-digit number" if value.bit_length() < 2_000 else "a huge number"
        else:
            shown = f"{value:g}" if math.isfinite(value) else "a number out of range"
        raise ValueError(f"{what} must be a unix time from 1970 to 9999, not {shown}")
    return float(value)
