"""The digest: the papers first seen in a window of time, as one Markdown or HTML document for the inbox
(``tui-reader digest``). Plain functions of the papers, their first-seen times and their watches; no clock.

    # Papers first seen since 2026-12-06 07:00
    ## Monday 2026-12-07
    - [Title](https://arxiv.org/abs/2412.00001) — A. One, B. Two · cs.CL, cs.LG · [code](…) · 42 upvotes
      The abstract's first sentence.

Days are the local days of the first-seen times, newest first; within a group the most upvoted come first (papers
without upvotes after them, then the latest seen first). With watches (``--watched``), the groups are the
watch-list entries instead, in their order; a paper matching two entries is under both. Every text a paper brings
(title, names, categories, links) is untrusted: escaped as the Markdown export escapes it, or as HTML.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from tui_reader.export.fields import one_line, paper_authors, paper_url, short_authors
from tui_reader.export.markdown import markdown_text, markdown_url
from tui_reader.paper import Paper, is_web_url

__all__ = ["Digest", "Group", "first_sentence", "make_digest", "parse_since", "render_html", "render_markdown"]

MAX_SENTENCE = 300  # a first sentence longer than this is cut, with "…"
_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "al", "cf", "vs", "fig", "figs", "eq", "eqs", "sec", "ref", "approx", "resp"})
_SINCE = re.compile(r"(\d{1,4})([hdw])")
_CODE_HOSTS = ("https://github.com/", "https://gitlab.com/", "http://github.com/", "http://gitlab.com/")


class Group(NamedTuple):
    """One heading of the digest (a day, or a watch-list entry) and its papers, in order."""

    heading: str
    papers: tuple[Paper, ...]


class Digest(NamedTuple):
    title: str
    groups: tuple[Group, ...]


def parse_since(text: str, now: float) -> float | None:
    """``1d``, ``12h``, ``2w`` before ``now``, or a day ``YYYY-MM-DD`` (its local midnight), as a time; None for
    anything else."""
    import datetime as dt

    text = text.strip()
    if match := _SINCE.fullmatch(text):
        return now - int(match.group(1)) * {"h": 3600, "d": 86400, "w": 7 * 86400}[match.group(2)]
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return time.mktime((day.year, day.month, day.day, 0, 0, 0, 0, 0, -1))


def first_sentence(abstract: str) -> str:
    """The abstract's first sentence: up to the first ``.``, ``!`` or ``?`` followed by a space and a capital or a
    digit, not ending an abbreviation ("e.g. GPT", "et al. Then", "J. Smith" go on); cut at MAX_SENTENCE
    characters."""
    text = one_line(abstract)
    end = next((m.end() for m in _SENTENCE_END.finditer(text) if not _abbreviation(text, m.start())), len(text))
    sentence = text[:end]
    return sentence if len(sentence) <= MAX_SENTENCE else sentence[: MAX_SENTENCE - 1].rstrip() + "…"


def _abbreviation(text: str, at: int) -> bool:
    """Does the full stop at ``text[at]`` end an abbreviation or an initial rather than a sentence?"""
    word = text[:at].rsplit(None, 1)[-1].lstrip("([\"'").lower() if text[:at].strip() else ""
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def make_digest(
    papers: Sequence[Paper],
    seen: Mapping[str, float],
    since: float,
    now: float,
    watches: Mapping[str, Sequence[str]] | None = None,
    entries: Sequence[str] = (),
) -> Digest:
    """The papers first seen after ``since`` and at the latest ``now``: by local day, or (``watches``: each
    watched paper's entries; ``entries``: the watch list's order) by watch, only the watched ones."""
    fresh = [paper for paper in papers if since < seen.get(paper.id, -1.0) <= now]
    fresh.sort(key=lambda paper: (-(paper.upvotes if paper.upvotes is not None else -1), -seen[paper.id]))
    title = f"Papers first seen since {time.strftime('%Y-%m-%d %H:%M', time.localtime(since))}"
    if watches is None:
        days: dict[str, list[Paper]] = {}
        for paper in sorted(fresh, key=lambda paper: -_day_start(seen[paper.id])):  # stable: upvotes within a day
            days.setdefault(time.strftime("%A %Y-%m-%d", time.localtime(seen[paper.id])), []).append(paper)
        return Digest(title, tuple(Group(day, tuple(group)) for day, group in days.items()))
    groups = [Group(entry, tuple(p for p in fresh if entry in watches.get(p.id, ()))) for entry in entries]
    return Digest(
        f"Watched papers first seen since {title.split(' since ', 1)[1]}", tuple(g for g in groups if g.papers)
    )


def _day_start(at: float) -> float:
    local = time.localtime(at)
    return time.mktime((local.tm_year, local.tm_mon, local.tm_mday, 0, 0, 0, 0, 0, -1))


class _Entry(NamedTuple):
    """A paper's parts as both formats write them (one line each, not yet escaped)."""

    title: str
    url: str | None
    authors: str
    categories: str
    code: str | None
    upvotes: str
    sentence: str


def _entry(paper: Paper) -> _Entry:
    authors = short_authors([one_line(author.name) for author in paper_authors(paper)], paper.et_al)
    code = paper.github_repo if paper.github_repo and is_web_url(paper.github_repo) else None
    code = code or next((link for link in paper.links if link.startswith(_CODE_HOSTS)), None)
    url = paper_url(paper)
    code = None if code is not None and one_line(code) == url else code  # the title links to it already
    upvotes = "" if paper.upvotes is None else f"{paper.upvotes} upvote{'' if paper.upvotes == 1 else 's'}"
    return _Entry(
        one_line(paper.title),
        url,
        authors,
        ", ".join(one_line(category) for category in paper.categories),
        one_line(code) if code else None,
        upvotes,
        first_sentence(paper.abstract),
    )


def render_markdown(digest: Digest) -> str:
    """The digest as Markdown: a heading, then a ``##`` heading per group and a list item per paper (its first
    sentence on the item's second line); with no papers, the heading and ``Nothing new.``"""
    lines = [f"# {markdown_text(digest.title)}", ""]
    for group in digest.groups:
        lines += [f"## {markdown_text(group.heading)}", ""]
        for paper in group.papers:
            entry = _entry(paper)
            title = markdown_text(entry.title)
            parts = [f"[{title}]({markdown_url(entry.url)})" if entry.url else title]
            parts += [markdown_text(text) for text in (entry.authors, entry.categories) if text]
            if entry.code:
                parts.append(f"[code]({markdown_url(entry.code)})")
            if entry.upvotes:
                parts.append(entry.upvotes)
            lines.append("- " + " · ".join(parts))
            if entry.sentence:
                lines.append(f"  {markdown_text(entry.sentence)}")
        lines.append("")
    if not digest.groups:
        lines += ["Nothing new.", ""]
    return "\n".join(lines)


def render_html(digest: Digest) -> str:
    """The digest as one HTML document (UTF-8), every text and link escaped; only http(s) links are links."""
    title = _h(digest.title)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        f'<head><meta charset="utf-8"><title>{title}</title></head>',
        "<body>",
        f"<h1>{title}</h1>",
    ]
    for group in digest.groups:
        out += [f"<h2>{_h(group.heading)}</h2>", "<ul>"]
        for paper in group.papers:
            entry = _entry(paper)
            parts = [_link(entry.url, entry.title)]
            parts += [_h(text) for text in (entry.authors, entry.categories) if text]
            if entry.code:
                parts.append(_link(entry.code, "code"))
            if entry.upvotes:
                parts.append(_h(entry.upvotes))
            sentence = f"<br>{_h(entry.sentence)}" if entry.sentence else ""
            out.append(f"<li>{' · '.join(parts)}{sentence}</li>")
        out.append("</ul>")
    if not digest.groups:
        out.append("<p>Nothing new.</p>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _link(url: str | None, text: str) -> str:
    if url is None or not is_web_url(url):
        return _h(text)
    return f'<a href="{_h(url)}">{_h(text)}</a>'
