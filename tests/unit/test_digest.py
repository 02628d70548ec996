"""The digest (tui_reader.digest): papers first seen in a window, by local day or by watch, as Markdown or HTML.
The expected documents are written out by hand; the HTML is read back with the standard library's parser."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tui_reader.digest import first_sentence, make_digest, parse_since, render_html, render_markdown
from tui_reader.paper import Paper

# 2025-12-01 00:00 in New York is 05:00 UTC
DEC_1_NY = 1_764_565_200.0
HOUR = 3600.0

PAPERS = [
    Paper(
        "a" * 12,
        "Spectral [methods] for *everything*",
        "We study spectra, e.g. of graphs. Then more.",
        arxiv_id="2512.00001",
        authors=("Ann Lee", "Bo Chen"),
        upvotes=3,
        categories=("cs.LG", "stat.ML"),
        github_repo="https://github.com/lee/spectral",
    ),
    Paper(
        "b" * 12,
        "Tom & Jerry <script>alert(1)</script>",
        "A cat chases a mouse! It never ends.",
        arxiv_id="2512.00002",
        authors=("Tom", "Jerry", "Spike", "Tyke"),
        upvotes=40,
        categories=("cs.CL",),
    ),
    Paper("c" * 12, "Seen long ago", "Old news.", upvotes=99),
]
SEEN = {
    "a" * 12: DEC_1_NY + 9 * HOUR,  # Dec 1, 09:00 local
    "b" * 12: DEC_1_NY + 8 * HOUR,  # Dec 1, 08:00 local
    "c" * 12: DEC_1_NY - 72 * HOUR,  # before the window
}
NOW = DEC_1_NY + 30 * HOUR  # Dec 2, 06:00 local


@pytest.fixture(autouse=True)
def new_york(time_zone):
    time_zone("America/New_York")


MARKDOWN = """\
# Papers first seen since 2025-12-01 06:00

## Monday 2025-12-01

- [Tom & Jerry \\<script\\>alert(1)\\</script\\>](https://arxiv.org/abs/2512.00002) · Tom et al. · cs.CL · 40 upvotes
  A cat chases a mouse!
- [Spectral \\[methods\\] for \\*everything\\*](https://arxiv.org/abs/2512.00001) · Ann Lee, Bo Chen · cs.LG, stat.ML \
· [code](https://github.com/lee/spectral) · 3 upvotes
  We study spectra, e.g. of graphs.
"""


def test_a_digest_of_three_papers_by_day_most_upvoted_first():
    digest = make_digest(PAPERS, SEEN, NOW - 24 * HOUR, NOW)
    assert render_markdown(digest) == MARKDOWN


def test_the_days_are_local_days_newest_first():
    # Dec 2, 05:00 local for one; Dec 1, 21:00 local (Dec 2 in UTC) for another: days are local days
    seen = {**SEEN, "c" * 12: NOW - HOUR, "a" * 12: DEC_1_NY + 21 * HOUR}
    digest = make_digest(PAPERS, seen, NOW - 48 * HOUR, NOW)
    assert [(group.heading, [p.title[:4] for p in group.papers]) for group in digest.groups] == [
        ("Tuesday 2025-12-02", ["Seen"]),
        ("Monday 2025-12-01", ["Tom ", "Spec"]),
    ]


def test_by_watch_only_the_watched_papers_under_each_entry_they_match():
    watches = {"a" * 12: ("spectral", "cat:cs"), "b" * 12: ("cat:cs",)}
    digest = make_digest(PAPERS, SEEN, NOW - 24 * HOUR, NOW, watches, ["author:nobody", "cat:cs", "spectral"])
    assert render_markdown(digest).splitlines()[:4] == [
        "# Watched papers first seen since 2025-12-01 06:00",
        "",
        "## cat:cs",
        "",
    ]
    assert [(group.heading, [p.title[:4] for p in group.papers]) for group in digest.groups] == [
        ("cat:cs", ["Tom ", "Spec"]),
        ("spectral", ["Spec"]),
    ]


def test_nothing_new_is_an_empty_but_valid_document():
    digest = make_digest(PAPERS, SEEN, NOW - HOUR, NOW)
    assert render_markdown(digest) == "# Papers first seen since 2025-12-02 05:00\n\nNothing new.\n"
    assert "<p>Nothing new.</p>" in render_html(digest) and render_html(digest).endswith("</html>\n")


class Reader(HTMLParser):
    """Headings, list items' text and links, as a browser would show them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.items: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._link_text = ""
        self._in = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in = tag
        if tag in ("h1", "h2"):
            self.headings.append((tag, ""))
        elif tag == "li":
            self.items.append("")
        elif tag == "br":
            self.items[-1] += "\n"
        elif tag == "a":
            self._href, self._link_text = dict(attrs)["href"], ""

    def handle_endtag(self, tag):
        self._in = "li" if tag == "a" else ""
        if tag == "a":
            self.links.append((self._link_text, self._href))

    def handle_data(self, data):
        if self._in in ("h1", "h2"):
            kind, text = self.headings[-1]
            self.headings[-1] = (kind, text + data)
        elif self._in in ("li", "a", "br"):
            self.items[-1] += data
            if self._in == "a":
                self._link_text += data


def test_the_html_digest_reads_back_as_the_same_papers_with_their_text_as_written():
    reader = Reader()
    reader.feed(render_html(make_digest(PAPERS, SEEN, NOW - 24 * HOUR, NOW)))
    assert "script" not in reader.tags  # the title's <script> is text, not an element
    assert reader.headings == [("h1", "Papers first seen since 2025-12-01 06:00"), ("h2", "Monday 2025-12-01")]
    assert reader.items == [
        "Tom & Jerry <script>alert(1)</script> · Tom et al. · cs.CL · 40 upvotes\nA cat chases a mouse!",
        "Spectral [methods] for *everything* · Ann Lee, Bo Chen · cs.LG, stat.ML · code · 3 upvotes\n"
        "We study spectra, e.g. of graphs.",
    ]
    assert reader.links == [
        ("Tom & Jerry <script>alert(1)</script>", "https://arxiv.org/abs/2512.00002"),
        ("Spectral [methods] for *everything*", "https://arxiv.org/abs/2512.00001"),
        ("code", "https://github.com/lee/spectral"),
    ]


def test_a_link_that_is_not_http_is_no_link_and_quotes_cannot_leave_the_attribute():
    evil = Paper(
        "d" * 12,
        "Evil",
        "x",
        links=('https://x.org/"onmouseover="alert(1)', "javascript:alert(2)"),
        github_repo="javascript:alert(3)",
    )
    shown = render_html(make_digest([evil], {"d" * 12: NOW}, NOW - HOUR, NOW))
    reader = Reader()
    reader.feed(shown)
    assert reader.links == [("Evil", 'https://x.org/"onmouseover="alert(1)')]
    assert "javascript:" not in shown


@pytest.mark.parametrize(
    ("abstract", "sentence"),
    [
        ("One. Two.", "One."),
        ("Models (e.g. GPT) learn. Then.", "Models (e.g. GPT) learn."),
        ("Version 2.0 is out. Yes.", "Version 2.0 is out."),
        ("No end at all", "No end at all"),
        ("", ""),
    ],
)
def test_the_first_sentence(abstract, sentence):
    assert first_sentence(abstract) == sentence


def test_since_forms():
    now = DEC_1_NY + 12 * HOUR
    assert parse_since("1d", now) == now - 24 * HOUR
    assert parse_since("12h", now) == now - 12 * HOUR
    assert parse_since("2w", now) == now - 14 * 24 * HOUR
    assert parse_since("2025-12-01", now) == DEC_1_NY  # the day's local midnight
    assert parse_since("yesterday", now) is None and parse_since("1y", now) is None
