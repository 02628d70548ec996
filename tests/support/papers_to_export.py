"""Papers as the export tests make them, and strategies for any title and author name a source could give."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tui_reader.paper import Paper, paper_id


def make(
    title: str,
    *,
    authors: tuple[str, ...] = (),
    arxiv: str | None = None,
    published: str | None = None,
    dates: tuple[str, ...] = (),
    links: tuple[str, ...] = (),
    abstract: str = "An abstract.",
    **more: Any,
) -> Paper:
    """A paper with ``title``; ``more`` sets any other field of ``Paper`` (``doi``, ``surnames``, ``et_al``, ...)."""
    return Paper(
        paper_id(title),
        title,
        abstract,
        dates=dates,
        links=links,
        arxiv_id=arxiv,
        authors=authors,
        published=published,
        **more,
    )


FAST = make(
    "Fast Diffusion for LLMs",
    authors=("Ada Lovelace", "Alan Turing"),
    arxiv="2403.01234",
    published="2024-03-08",
    dates=("Mar 11, 2024",),
)
DUMPED = make("Slow Diffusion", dates=("Mar 11",), links=("ftp://x.org/a", "https://slow.example/project"))


# Any author name and title: letters of many scripts, and every character a format treats specially
NAME = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ \u00e9\u00fc\u00df\u00f8\u0141\u4e2d-'.&%$#_{}~^\\,"),
    min_size=1,
    max_size=20,
).map(lambda text: " ".join(text.split()))
TITLE = st.text(
    alphabet=st.sampled_from(
        "abcxyzABCXYZ0129 &%$#_{}~^\\-`',<>?!\"@=()[]:;/*+|\u00e9\u00fc\u00df\u00f8\u0141\u00c5\u4e2d\u03b1\u00b2"
    ),
    min_size=1,
    max_size=60,
).map(lambda text: " ".join(text.split()))
