"""The paper model: what one paper is, how the same paper seen twice becomes one, its stable id, and the URLs
every reader of the model shares (the arXiv abstract page; which links are web pages).

Every source (``tui_reader.sources``) produces these; everything above (search, store, app) reads them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, NamedTuple
from urllib.parse import quote

__all__ = [
    "NO_EXTRA",
    "Extra",
    "Paper",
    "Span",
    "Spans",
    "arxiv_abs_url",
    "is_web_url",
    "normalise_title",
    "paper_id",
    "quoted_arxiv_id",
    "title_key",
]

Span = tuple[int, int]  # [start, end) in a paper's title or abstract: what a search highlights
Spans = tuple[Span, ...]


class Extra(NamedTuple):
    """What richer sources add to a paper (``Paper`` documents each field). Held apart, in one slot: most papers
    of a big corpus of text dumps have none of it and share ``NO_EXTRA``, so each of them costs 8 bytes for these
    fields, not 104, and a warm start unpickles 11 values a paper, not 23 (~0.2 s less at 100k papers)."""

    categories: tuple[str, ...] = ()
    doi: str | None = None
    journal_ref: str | None = None
    comments: str | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: tuple[str, ...] = ()
    num_comments: int | None = None
    organization: str | None = None
    surnames: tuple[str, ...] = ()
    et_al: bool = False
    announce_type: str | None = None
    arxiv_version: int | None = None


NO_EXTRA = Extra()


@dataclass(frozen=True, slots=True, init=False)
class Paper:
    """One paper as users see it. ``id`` depends on the title only, so marks survive re-ordering.

    ``dates`` are listing dates (when a Daily Papers page listed it, as written there: ``Mar 11`` or
    ``Mar 11, 2024``); the fields after ``links`` come from richer sources (JSON listings, arXiv metadata) and
    are empty for text dumps: ``arxiv_id`` without version (``2403.01234``), ``published`` an ISO date
    (``YYYY-MM-DD``, arXiv's v1), ``upvotes`` from a Daily Papers listing.

    The rest (given as keywords, read as attributes; kept together in ``extra``): from arXiv metadata,
    ``categories`` (the primary first: ``cs.CL``), ``doi``, ``journal_ref`` and the authors' ``comments``;
    ``surnames``, one per author in ``authors`` ("" where unknown), when the source split the names (arXiv's
    ``authors_parsed``); ``et_al`` when the source's author list ended in "et al" or "others" (never an author:
    the list is known to be incomplete). From Daily Papers: ``github_repo`` and ``project_page`` (http(s) URLs;
    also the first ``links``), ``github_stars``, ``ai_summary`` and ``ai_keywords`` (machine-written),
    ``num_comments`` (the discussion's) and ``organization``. From arXiv's feeds and API: ``announce_type``
    (``new``, ``cross``, ``replace``, ``replace-cross``: how the day's listing announced it) and
    ``arxiv_version`` (the version a feed or the API gave, 2 for ``2401.12345v2``; the id is without it)."""

    id: str
    title: str
    abstract: str
    dates: tuple[str, ...]
    sources: tuple[str, ...]
    links: tuple[str, ...]
    arxiv_id: str | None
    authors: tuple[str, ...]
    published: str | None
    upvotes: int | None
    extra: Extra

    def __init__(
        self,
        id: str,
        title: str,
        abstract: str,
        dates: tuple[str, ...] = (),
        sources: tuple[str, ...] = (),
        links: tuple[str, ...] = (),
        arxiv_id: str | None = None,
        authors: tuple[str, ...] = (),
        published: str | None = None,
        upvotes: int | None = None,
        extra: Extra = NO_EXTRA,
        *,
        categories: tuple[str, ...] = (),
        doi: str | None = None,
        journal_ref: str | None = None,
        comments: str | None = None,
        github_repo: str | None = None,
        github_stars: int | None = None,
        project_page: str | None = None,
        ai_summary: str | None = None,
        ai_keywords: tuple[str, ...] = (),
        num_comments: int | None = None,
        organization: str | None = None,
        surnames: tuple[str, ...] = (),
        et_al: bool = False,
        announce_type: str | None = None,
        arxiv_version: int | None = None,
    ) -> None:
        if (
            categories or doi or journal_ref or comments or github_repo or github_stars is not None or project_page
            or ai_summary or ai_keywords or num_comments is not None or organization or surnames or et_al
            or announce_type or arxiv_version
        ):  # fmt: skip
            given = Extra(
                categories, doi, journal_ref, comments, github_repo, github_stars, project_page, ai_summary,
                ai_keywords, num_comments, organization, surnames, et_al, announce_type, arxiv_version,
            )  # fmt: skip
            extra = given if extra is NO_EXTRA else extra._replace(**_given(given))
        elif extra is not NO_EXTRA and extra == NO_EXTRA:
            extra = NO_EXTRA  # one shared empty value, however many papers were unpickled
        set_field = object.__setattr__  # frozen: what the dataclass's own __init__ does, without its loop
        set_field(self, "id", id)
        set_field(self, "title", title)
        set_field(self, "abstract", abstract)
        set_field(self, "dates", dates)
        set_field(self, "sources", sources)
        set_field(self, "links", links)
        set_field(self, "arxiv_id", arxiv_id)
        set_field(self, "authors", authors)
        set_field(self, "published", published)
        set_field(self, "upvotes", upvotes)
        set_field(self, "extra", extra)

    categories = property(attrgetter("extra.categories"))
    doi = property(attrgetter("extra.doi"))
    journal_ref = property(attrgetter("extra.journal_ref"))
    comments = property(attrgetter("extra.comments"))
    github_repo = property(attrgetter("extra.github_repo"))
    github_stars = property(attrgetter("extra.github_stars"))
    project_page = property(attrgetter("extra.project_page"))
    ai_summary = property(attrgetter("extra.ai_summary"))
    ai_keywords = property(attrgetter("extra.ai_keywords"))
    num_comments = property(attrgetter("extra.num_comments"))
    organization = property(attrgetter("extra.organization"))
    surnames = property(attrgetter("extra.surnames"))
    et_al = property(attrgetter("extra.et_al"))
    announce_type = property(attrgetter("extra.announce_type"))
    arxiv_version = property(attrgetter("extra.arxiv_version"))

    def __reduce__(self) -> tuple[type[Paper], tuple[object, ...]]:
        """Pickled as a call of the class with its fields' values: a parse cache unpickles ~40% faster than
        through the dataclass's generic state (2.0 against 3.6 us a paper: ~0.15 s of a warm start at 100k)."""
        return Paper, _field_values(self)


def _given(extra: Extra) -> dict[str, Any]:
    """The fields of ``extra`` that are not empty."""
    return {name: value for name, value, empty in zip(Extra._fields, extra, NO_EXTRA, strict=True) if value != empty}


_field_values = attrgetter(*Paper.__match_args__)  # every field, in the order the class takes them


# ---------------------------------------------------------------------------------------------------------
# Ids: from the title only, so marks survive re-ordering and new files


def paper_id(title: str) -> str:
    """Stable id from the title's key (``title_key``): case, accents, punctuation, spacing and invisible
    characters do not matter. Marks are kept by id: a change here must leave every existing id as it was."""
    import hashlib  # here, not at the top: a launch served from the parse cache makes no ids (saves ~1.5 ms)

    return hashlib.blake2b(title_key(title).encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def title_key(title: str) -> str:
    """What two titles must share to be one paper: their letters and digits (``normalise_title``); for a title
    with none at all (``!!!``, ``🚀🚀``), its symbols, so such titles do not all become one paper. The two never
    meet: a key of letters holds a letter or digit, a key of symbols holds none."""
    return normalise_title(title) or _symbols(title)


_NOT_ALNUM_ASCII = r"[^a-z0-9]+"


def normalise_title(title: str) -> str:
    """Letters and digits, single-spaced: case, accents, punctuation and spacing do not matter, and invisible
    format characters (zero-width space, soft hyphen, joiners: Unicode category Cf) are dropped, not spaces."""
    if title.isascii():  # the common case, ~10x faster than the general path below; same result (no Cf in ASCII)
        return re.sub(_NOT_ALNUM_ASCII, " ", title.lower()).strip()
    return _normalise_unicode(title)


def _normalise_unicode(title: str) -> str:
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    category = unicodedata.category
    letters = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch) and category(ch) != "Cf"
    )
    return " ".join(letters.split())


def _symbols(title: str) -> str:
    """A title without letters or digits, as its symbols: compatibility forms, case, marks (accents, emoji
    variation selectors), invisible format characters and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch)[0] != "M" and unicodedata.category(ch) != "Cf")
    return " ".join(kept.split())


# ---------------------------------------------------------------------------------------------------------
# The same paper seen again


def _merged(seen: Paper, paper: Paper) -> Paper:
    """The same paper seen again: the id and title first seen; every date and source (in order of arrival); the
    longest abstract and the links found in it; the richer of the other fields, so the order in which sources
    arrive does not change them: the longest author list (with its surnames and "et al"), the earliest published
    date, the most upvotes, stars and comments, the smallest arXiv id (two ids only meet when two arXiv papers
    share a title), the longer of two texts (DOI, journal, comments, links, summary, organization) and lists
    (categories, keywords)."""
    text = paper if (len(paper.abstract), paper.abstract) > (len(seen.abstract), seen.abstract) else seen
    names = max(seen, paper, key=lambda p: (len(p.authors), p.authors, len(p.surnames), p.surnames, p.et_al))
    github_repo, project_page = (
        _richer(seen.github_repo, paper.github_repo),
        _richer(seen.project_page, paper.project_page),
    )
    return Paper(
        id=seen.id,
        title=seen.title,
        abstract=text.abstract,
        dates=_union(seen.dates, paper.dates),
        sources=_union(seen.sources, paper.sources),
        links=_union(tuple(url for url in (github_repo, project_page) if url), text.links),
        arxiv_id=_least(seen.arxiv_id, paper.arxiv_id),
        authors=names.authors,
        published=_least(seen.published, paper.published),
        upvotes=_most(seen.upvotes, paper.upvotes),
        categories=max(seen.categories, paper.categories, key=lambda cats: (len(cats), cats)),
        doi=_richer(seen.doi, paper.doi),
        journal_ref=_richer(seen.journal_ref, paper.journal_ref),
        comments=_richer(seen.comments, paper.comments),
        github_repo=github_repo,
        github_stars=_most(seen.github_stars, paper.github_stars),
        project_page=project_page,
        ai_summary=_richer(seen.ai_summary, paper.ai_summary),
        ai_keywords=max(seen.ai_keywords, paper.ai_keywords, key=lambda words: (len(words), words)),
        num_comments=_most(seen.num_comments, paper.num_comments),
        organization=_richer(seen.organization, paper.organization),
        surnames=names.surnames,
        et_al=names.et_al,
        **_announced(seen, paper),
    )


_ANNOUNCE_ORDER = {"new": 1, "cross": 2, "replace": 3, "replace-cross": 4}


def _announced(seen: Paper, paper: Paper) -> dict[str, Any]:
    """The newest version seen and how it was announced: the higher version wins (a paper announced as new
    on Monday and replaced on Wednesday is a replacement now), then the later kind of announcement; the order in
    which the files arrive does not matter."""
    newest = max(
        seen,
        paper,
        key=lambda p: (p.arxiv_version or 0, _ANNOUNCE_ORDER.get(p.announce_type or "", 0), p.announce_type or ""),
    )
    return {
        "announce_type": newest.announce_type or seen.announce_type or paper.announce_type,
        "arxiv_version": _most(seen.arxiv_version, paper.arxiv_version),
    }


def _least(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a if b is None else b
    return min(a, b)


def _most(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return a if b is None else b
    return max(a, b)


def _richer(a: str | None, b: str | None) -> str | None:
    """The longer text (the greater of two as long): whichever arrives first."""
    if a is None or b is None:
        return a if b is None else b
    return max(a, b, key=lambda value: (len(value), value))


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    held = set(a)
    return a + tuple(x for x in dict.fromkeys(b) if x not in held)


# ---------------------------------------------------------------------------------------------------------
# URLs: what the open and copy menus (``tui_reader.links``) and every export (``tui_reader.export``) share

ARXIV_ABS = "https://arxiv.org/abs/{}"


def is_web_url(url: str) -> bool:
    """An http(s) URL: the only kind ever offered for opening or written as a paper's URL."""
    return url.lower().startswith(("http://", "https://"))


def same_url(a: str | None, b: str | None) -> bool:
    """The same URL, a final "/" aside: a listing's project page may be its repository, and an abstract may link
    either again."""
    if not a or not b:
        return False
    return a.rstrip("/") == b.rstrip("/")


def other_links(paper: Paper) -> list[str]:
    """The paper's links but its code and project page (shown, and offered, under their own names): the detail
    pane numbers the http(s) ones as the ``o`` menu (tui_reader.links) keys them."""
    own = (paper.github_repo, paper.project_page)
    return [link for link in paper.links if not any(same_url(link, url) for url in own)]


def quoted_arxiv_id(arxiv_id: str) -> str:
    """An arXiv id as a URL path holds it: old-style ids keep their slash (``hep-th/9901001``)."""
    return quote(arxiv_id, safe="./")


def arxiv_abs_url(arxiv_id: str) -> str:
    """The paper's arXiv abstract page (what the open menu, the copy menu and every export call its URL)."""
    return ARXIV_ABS.format(quoted_arxiv_id(arxiv_id))
