"""arXiv's XML: the day's announcements of a category feed and the API's answers, as ``tui-reader fetch --arxiv``
and ``tui-reader add`` store them (``DATA_DIR/listings/arxiv/*.xml``), or any such file given as a PATH.

Three forms are read, told apart by their root element:

- the RSS 2.0 feed of rss.arxiv.org (2024 on): an ``<item>`` per announcement, with ``<guid>oai:arXiv.org:<id>v<n>``,
  ``<description>arXiv:<id>v<n> Announce Type: <type> \\nAbstract: …``, a ``<category>`` per category,
  ``<arxiv:announce_type>``, ``<dc:creator>`` (one comma-separated string of names), optional ``<arxiv:DOI>`` and
  ``<arxiv:journal_reference>``, and the day in ``<pubDate>``;
- the old RDF / RSS 1.0 feed (before 2024): ``<title>Title. (arXiv:<id>v<n> [primary] CROSS LISTED)</title>``
  (nothing after the category: new; ``CROSS LISTED``: cross; ``UPDATED``: replace, or replace-cross when the
  category is not the feed's own), an HTML-escaped ``<p>`` abstract, ``<dc:creator>`` holding escaped ``<a>``
  links, the day in the channel's ``<dc:date>``;
- the API's Atom feed (export.arxiv.org/api/query), old and new element orders: an ``<entry>`` per paper with
  ``<id>http://arxiv.org/abs/<id>v<n></id>``, ``<title>``, ``<summary>``, ``<published>`` (v1's date),
  ``<author><name>``, ``<category term>`` and ``<arxiv:primary_category>`` (put first), ``<arxiv:doi>``,
  ``<arxiv:journal_ref>``, ``<arxiv:comment>``. An answer whose one entry is titled ``Error`` (its id under
  ``/api/errors``) is the API's refusal: its summary is the problem.

A feed's error (HTTP 400, a channel titled ``Feed error for query: …``) is a problem too, with its description.
An empty channel or an API answer without entries is a day (or a question) without papers, not a problem.

The XML is parsed with defusedxml: a document declaring entities (a "billion laughs" bomb) or naming external
ones is refused in one line, never expanded nor fetched. Titles and abstracts are cleaned like a dump's.
"""

from __future__ import annotations

import html
import re
import sys
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from tui_reader.arxiv_ids import parse_arxiv_id
from tui_reader.paper import Paper, paper_id
from tui_reader.safe_text import clean_text
from tui_reader.sources.arxiv import split_authors
from tui_reader.sources.cleaning import clean_abstract, clean_title
from tui_reader.sources.hf_daily import author_name, cut_short, iso_date, listing_date
from tui_reader.sources.registry import Source

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["SOURCE", "Feed", "FeedProblem", "read_feed"]

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")
FEED_ERROR = "Feed error for query"


class FeedProblem(ValueError):
    """The text is not an arXiv feed this reader can take: the message says why, on one line."""


class Feed(NamedTuple):
    papers: list[Paper]
    error: str | None  # the service's own refusal: a feed error, or the API's Error entry (one line)


def _text(element: Element | None) -> str:
    return "" if element is None else "".join(element.itertext())


def _word(text: str) -> str:
    """A short field (a category, an announce type) made safe: printable ASCII only needs its spaces trimmed,
    anything else is cleaned as every text is (a feed of 2,000 items has some 10,000 of these)."""
    return text.strip() if text.isascii() and text.isprintable() else clean_text(text)


def parse_xml(text: str) -> Element:
    """The document's root, parsed with entities and external references refused (FeedProblem)."""
    import defusedxml.ElementTree as safe_tree  # only when a feed is read
    from defusedxml import DefusedXmlException

    try:
        root: Element = safe_tree.fromstring(text)
    except DefusedXmlException as exc:
        raise FeedProblem(f"refused: the XML declares entities or external references ({type(exc).__name__})") from None
    except safe_tree.ParseError as exc:
        raise FeedProblem(f"not well-formed XML ({clean_text(str(exc))[:120]})") from None
    return root


def read_feed(text: str, name: str) -> Feed:
    """Every paper of a feed or API answer, and the service's refusal if it is one; FeedProblem when the text is
    not such a document."""
    root = parse_xml(text)
    if root.tag == "rss":
        return _rss(root, name)
    if root.tag == f"{RDF}RDF":
        return _rdf(root, name)
    if root.tag == f"{ATOM}feed":
        return _atom(root, name)
    raise FeedProblem(f"not an arXiv feed (the root element is <{clean_text(root.tag)[:60]}>)")


# ---------------------------------------------------------------------------------------------------------
# RSS 2.0 (rss.arxiv.org)

_DESCRIPTION = re.compile(r"\s*arXiv:\S+\s+Announce Type:\s*\S*\s*(?:Abstract:\s*)?", re.IGNORECASE)


@lru_cache(maxsize=64)  # every item of a feed has the same day
def _day(value: str) -> str | None:
    """``Mon, 27 Apr 2026 00:00:00 -0400`` -> ``Apr 27, 2026`` (the day where it was said), or None."""
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return listing_date(when.date().isoformat())


def _rss(root: Element, name: str) -> Feed:
    channel = root.find("channel")
    if channel is None:
        raise FeedProblem("not an arXiv feed (an RSS document without a channel)")
    title = clean_text(_text(channel.find("title")))
    if title.startswith(FEED_ERROR):
        said = clean_text(_text(channel.find("description")))
        return Feed([], f"{title}" + (f" ({said})" if said and said not in title else ""))
    day = _day(_text(channel.find("pubDate")))
    papers = []
    for item in channel.iterfind("item"):
        paper = _rss_item(item, name, day)
        if paper is not None:
            papers.append(paper)
    return Feed(papers, None)


def _rss_item(item: Element, name: str, day: str | None) -> Paper | None:
    title = clean_title(_text(item.find("title")))
    if not title:
        return None
    ref = parse_arxiv_id(_text(item.find("guid")).strip().removeprefix("oai:arXiv.org:"))
    if ref is None:
        ref = parse_arxiv_id(_text(item.find("link")))
    abstract, links = clean_abstract(_DESCRIPTION.sub("", _text(item.find("description")), count=1))
    kind = _word(_text(item.find(f"{ARXIV}announce_type"))).lower()
    item_day = _day(_text(item.find("pubDate"))) or day
    authors, et_al = _names(_text(item.find(f"{DC}creator")))
    return Paper(
        id=paper_id(title),
        title=title,
        abstract=abstract,
        dates=(item_day,) if item_day else (),
        sources=(name,),
        links=links,
        arxiv_id=ref.id if ref else None,
        authors=authors,
        et_al=et_al,
        categories=_categories(_word(_text(c)) for c in item.iterfind("category")),
        doi=clean_title(_text(item.find(f"{ARXIV}DOI"))) or None,
        journal_ref=clean_title(_text(item.find(f"{ARXIV}journal_reference"))) or None,
        announce_type=sys.intern(kind) if kind in ANNOUNCE_TYPES else None,
        arxiv_version=ref.version if ref else None,
    )


def _names(raw: str) -> tuple[tuple[str, ...], bool]:
    """The names of ``dc:creator`` (one string), and whether it ended in "et al"."""
    return cut_short(split_authors(raw))


def _categories(values: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(sys.intern(value) for value in values if value))  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------------------
# RDF / RSS 1.0 (arxiv.org/rss before 2024)

_RDF_TITLE = re.compile(
    r"(?P<title>.*?)\.?\s*\(arXiv:(?P<id>\S+?)\s*\[(?P<cat>[^\]]*)\]\s*(?P<note>CROSS LISTED|UPDATED)?\s*\)\s*",
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")


def _rdf(root: Element, name: str) -> Feed:
    channel = root.find(f"{RSS1}channel")
    title = clean_text(_text(channel.find(f"{RSS1}title") if channel is not None else None))
    asked = title.removesuffix(" updates on arXiv.org")
    own = set(asked.split("+"))
    when = iso_date(_text(channel.find(f"{DC}date") if channel is not None else None).strip())
    day = listing_date(when) if when else None
    papers = []
    for item in root.iterfind(f"{RSS1}item"):
        match = _RDF_TITLE.fullmatch(_text(item.find(f"{RSS1}title")))
        raw_title = match["title"] if match else _text(item.find(f"{RSS1}title"))
        title_text = clean_title(raw_title)
        if not title_text:
            continue
        ref = parse_arxiv_id(match["id"]) if match else parse_arxiv_id(_text(item.find(f"{RSS1}link")))
        category = clean_text(match["cat"]) if match else ""
        note = match["note"] if match else None
        kind = "cross" if note == "CROSS LISTED" else "new" if note is None else "replace"
        if note == "UPDATED" and category and category not in own:
            kind = "replace-cross"
        abstract, links = clean_abstract(html.unescape(_TAG.sub(" ", _text(item.find(f"{RSS1}description")))))
        authors, et_al = _names(html.unescape(_TAG.sub("", _text(item.find(f"{DC}creator")))))
        papers.append(
            Paper(
                id=paper_id(title_text),
                title=title_text,
                abstract=abstract,
                dates=(day,) if day else (),
                sources=(name,),
                links=links,
                arxiv_id=ref.id if ref else None,
                authors=authors,
                et_al=et_al,
                categories=(sys.intern(category),) if category else (),
                announce_type=kind if match else None,
                arxiv_version=ref.version if ref else None,
            )
        )
    return Feed(papers, None)


# ---------------------------------------------------------------------------------------------------------
# Atom (the API)


def _atom(root: Element, name: str) -> Feed:
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        if _text(entry.find(f"{ATOM}title")).strip() == "Error" and "/api/errors" in _text(entry.find(f"{ATOM}id")):
            said = clean_text(_text(entry.find(f"{ATOM}summary"))) or "an error"
            return Feed([], said[:200])
    papers = [paper for paper in (_atom_entry(entry, name) for entry in entries) if paper is not None]
    return Feed(papers, None)


def _atom_entry(entry: Element, name: str) -> Paper | None:
    title = clean_title(_text(entry.find(f"{ATOM}title")))
    if not title:
        return None
    ref = parse_arxiv_id(_text(entry.find(f"{ATOM}id")))
    abstract, links = clean_abstract(_text(entry.find(f"{ATOM}summary")))
    comments, comment_links = clean_abstract(_text(entry.find(f"{ARXIV}comment")))
    primary = entry.find(f"{ARXIV}primary_category")
    terms = [primary.get("term", "")] if primary is not None else []
    terms += [category.get("term", "") for category in entry.iterfind(f"{ATOM}category")]
    names, et_al = cut_short(
        author_name(_text(author.find(f"{ATOM}name"))) for author in entry.iterfind(f"{ATOM}author")
    )
    return Paper(
        id=paper_id(title),
        title=title,
        abstract=abstract,
        sources=(name,),
        links=tuple(dict.fromkeys((*links, *comment_links))),
        arxiv_id=ref.id if ref else None,
        authors=names,
        et_al=et_al,
        published=iso_date(_text(entry.find(f"{ATOM}published")).strip()),
        categories=_categories(_word(term) for term in terms),
        doi=clean_title(_text(entry.find(f"{ARXIV}doi"))) or None,
        journal_ref=clean_title(_text(entry.find(f"{ARXIV}journal_ref"))) or None,
        comments=comments or None,
        arxiv_version=ref.version if ref else None,
    )


# ---------------------------------------------------------------------------------------------------------
# The source


def parse_arxiv_xml(text: str, name: str) -> tuple[list[Paper], list[str]]:
    try:
        feed = read_feed(text, name)
    except FeedProblem as exc:
        return [], [f"{exc}; skipped"]
    if feed.error is not None:
        return [], [f"arXiv's answer is an error: {feed.error}"]
    return feed.papers, []


def _no_papers(text: str) -> bool:
    """An empty channel (a weekend, a holiday) or an API answer without entries: a file without papers, said so."""
    return "<item" not in text and "<entry" not in text and "Feed error" not in text


def _sniff(head: str) -> bool:
    return head.startswith(("<?xml", "<rss", "<feed", "<rdf:RDF"))


SOURCE = Source(name="arxiv_xml", sniff=_sniff, parse=parse_arxiv_xml, order=40, nothing=_no_papers)
