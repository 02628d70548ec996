"""Exported documents read back by readers of their own (a BibTeX parser, rispy, csv, json, a Markdown list
reader), never by the exporter: what the export tests compare with written-out titles."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import rispy
from support.read_bibtex import parse_bibtex


def _markdown_titles(text: str) -> list[str]:
    """``- [Title](link)`` or ``- Title``, one line a paper (headings and blank lines skipped); a backslash escapes
    the punctuation after it, as in CommonMark."""
    lines = (re.match(r"- (?:\[(.*)\]\(\S+\)|(.*))", line) for line in text.splitlines())
    return [re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", match[1] or match[2]) for match in lines if match]


TITLES_READ_BACK: dict[str, Callable[[str], list[str]]] = {
    "bibtex": lambda text: [entry["title"] for entry in parse_bibtex(text)],
    "ris": lambda text: [record["title"] for record in rispy.loads(text)],
    "csv": lambda text: [row["title"] for row in csv.DictReader(io.StringIO(text, newline=""))],
    "markdown": _markdown_titles,
    "json": lambda text: [record["title"] for record in json.loads(text)],
}


def titles_in(text: str, fmt: str) -> list[str]:
    """The papers' titles in an exported document of format ``fmt``, in its order."""
    return TITLES_READ_BACK[fmt](text)
