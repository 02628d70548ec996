"""JSON from the network or from files, parsed so that hostile input is one line of explanation, never a
traceback: the standard library's parser raises JSONDecodeError for bad syntax, but a plain ValueError for an
integer of more than 4,300 digits (the interpreter's guard against quadratic int conversion), RecursionError for
nesting deeper than the stack, and MemoryError when a value does not fit. All of them become JsonProblem, with
a message that says which.

``array_items`` reads a JSON array one item at a time (the decoder's raw_decode from position to position) and
stops as soon as it holds more than ``limit`` items: a page of a million ``{}`` is refused after ``limit + 1``
of them, without ever building the million dicts (each small in the text, each 64 bytes and more in memory).
"""

from __future__ import annotations

import json

__all__ = ["JsonProblem", "TooManyItems", "array_items", "loads"]

_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"


class JsonProblem(ValueError):
    """The text is not JSON this reader can take: the message says why, on one line."""


class TooManyItems(JsonProblem):
    """A JSON array with more items than allowed."""


def loads(text: str) -> object:
    """json.loads, every failure a JsonProblem."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError, MemoryError) as exc:
        raise JsonProblem(_problem(exc)) from None


def array_items(text: str, limit: int) -> object:
    """The value of ``text``; when it is an array, its items are decoded one by one and TooManyItems stops it
    past ``limit`` of them. Every failure is a JsonProblem."""
    start = _skip(text, 0)
    if not text.startswith("[", start):
        return loads(text)
    items: list[object] = []
    position = _skip(text, start + 1)
    try:
        if text.startswith("]", position):
            return _end(text, position + 1, items)
        while True:
            item, position = _DECODER.raw_decode(text, position)
            items.append(item)
            if len(items) > limit:
                raise TooManyItems(f"more than {limit} items")
            position = _skip(text, position)
            if text.startswith("]", position):
                return _end(text, position + 1, items)
            if not text.startswith(",", position):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
            position = _skip(text, position + 1)
    except JsonProblem:
        raise
    except (ValueError, RecursionError, MemoryError) as exc:
        raise JsonProblem(_problem(exc)) from None


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in _SPACE:
        position += 1
    return position


def _end(text: str, position: int, items: list[object]) -> list[object]:
    position = _skip(text, position)
    if position != len(text):
        raise json.JSONDecodeError("Extra data", text, position)
    return items


def _problem(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    if isinstance(exc, RecursionError):
        return "invalid JSON (nested too deeply)"
    if isinstance(exc, MemoryError):
        return "JSON too large to read"
    if "digits" in str(exc):
        return "invalid JSON (a number with too many digits)"
    return "invalid JSON"
