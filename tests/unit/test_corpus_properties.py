"""Property: random papers written out as Daily Papers pages, however messily, parse back to the same papers."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.corpus import load_corpus, normalise_title, paper_id, parse_text

HEADERS = [  # the variants in the seeds, plus a bare "Daily Papers"
    ["new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community"],
    ["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers", "byAK and the research community"],
    ["Daily Papers"],
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "March", "September"]

# Words: any letters or digits (accents, CJK, ...) with ordinary punctuation, but no LaTeX (\ { } $ ~), which the
# parser rewrites on purpose, and no "/", so no URL.
CHAR = st.one_of(st.characters(categories=("Lu", "Ll", "Lo", "Nd")), st.sampled_from(",;:!?()[]'\"%&+-*=<>#@_^."))
WORD = st.text(CHAR, min_size=1, max_size=9).filter(lambda w: any(c.isalnum() for c in w))
TITLE = (
    st.lists(WORD, min_size=1, max_size=12)
    .map(" ".join)
    # "short, no terminal period"; a title that reads exactly like a date ("May 5") is a date in this format
    .filter(lambda t: not t.endswith(".") and not re.fullmatch(r"\w+ \d{1,2}(?:, \d{4})?", t))
)
SENTENCE = st.lists(WORD, min_size=1, max_size=25).map(lambda words: " ".join(words).rstrip(".") + ".")
ABSTRACT = st.lists(SENTENCE, min_size=1, max_size=6).map(" ".join)
DATE = st.builds(
    lambda month, day, year: f"{month} {day}" + (f", {year}" if year else ""),
    st.sampled_from(MONTHS),
    st.integers(1, 31),
    st.one_of(st.none(), st.integers(2019, 2026)),
)


@st.composite
def corpora(draw):
    """Papers with distinct ids, and pages listing them: [(file number, header, [(date, [(paper, with abstract)])])].

    Consecutive pages may share a file, as when dumps are pasted one after another."""
    titles = draw(st.lists(TITLE, min_size=1, max_size=12, unique_by=paper_id))
    papers = [(title, draw(ABSTRACT)) for title in titles]
    pages, file = [], 0
    for number in range(draw(st.integers(1, 5))):
        file += number > 0 and draw(st.booleans())
        order = draw(st.permutations(range(len(papers))))
        shown = order[: draw(st.integers(1, len(papers)))]
        cut = draw(st.integers(0, len(shown)))  # a page may hold two date sections
        sections = [part for part in (shown[:cut], shown[cut:]) if part]
        pages.append(
            (
                file,
                draw(st.sampled_from(HEADERS)),
                [(draw(DATE), [(i, draw(st.booleans()) or draw(st.booleans())) for i in part]) for part in sections],
            )
        )
    return papers, pages


@st.composite
def layouts(draw):
    """How a page is written out: line ends, blank lines, stray spaces and tabs, wrapped lines, colours, BOM."""
    return dict(
        newline=draw(st.sampled_from(["\n", "\r\n"])),
        bom=draw(st.booleans()),
        seed=draw(st.randoms(use_true_random=False)),
    )


def render(paragraphs: list[str], layout: dict) -> bytes:
    rnd, nl = layout["seed"], layout["newline"]
    stray = lambda: rnd.choice(["", "", "", " ", "\t", "  ", " \t", "\xa0", "\u3000"])  # noqa: E731
    out = [nl * rnd.randint(0, 2)]
    for para in paragraphs:
        words = para.split(" ")
        lines, line = [], [words[0]]
        for word in words[1:]:  # sometimes wrap a long paragraph over several lines
            if rnd.random() < 0.05:
                lines.append(" ".join(line))
                line = [word]
            else:
                line.append(word + " " * (rnd.random() < 0.05))  # doubled spaces
        lines.append(" ".join(line))
        out.append(nl.join(stray() + line + stray() for line in lines))
        out.append(nl + "".join(stray() + nl for _ in range(rnd.randint(1, 3))))  # 1-3 "blank" lines
    text = "".join(out)
    return ("\ufeff" if layout["bom"] else "").encode() + text.encode()


def page_paragraphs(header, sections, papers, rnd) -> list[str]:
    paragraphs = list(header)
    for date, entries in sections:
        paragraphs.append(date)
        for index, with_abstract in entries:
            title, abstract = papers[index]
            paragraphs.append(f"\x1b[1m{title}\x1b[0m" if rnd.random() < 0.2 else title)
            if with_abstract:
                paragraphs.append(abstract)
    return paragraphs


def expected(papers, pages) -> list[tuple]:
    """What a reader should see: one paper per title, first-seen order, every date and file it appeared in."""
    seen: dict[int, dict] = {}
    for file, _, sections in pages:
        for date, entries in sections:
            for index, with_abstract in entries:
                paper = seen.setdefault(index, {"abstract": "", "dates": [], "sources": []})
                if with_abstract:
                    paper["abstract"] = papers[index][1]
                for key, value in (("dates", date), ("sources", f"page_{file:02}.txt")):
                    if value not in paper[key]:
                        paper[key].append(value)
    return [
        (paper_id(papers[i][0]), papers[i][0], p["abstract"], tuple(p["dates"]), tuple(p["sources"]))
        for i, p in seen.items()
    ]


@settings(max_examples=100, deadline=None)
@given(corpora(), st.lists(layouts(), min_size=5, max_size=5))
def test_rendered_pages_parse_back_to_the_same_papers(corpus, page_layouts):
    papers, pages = corpus
    with tempfile.TemporaryDirectory() as tmp:
        for (file, header, sections), layout in zip(pages, page_layouts):
            paragraphs = page_paragraphs(header, sections, papers, layout["seed"])
            with open(Path(tmp, f"page_{file:02}.txt"), "ab") as out:
                out.write(render(paragraphs, layout))
        loaded = load_corpus([tmp])

    assert loaded.warnings == []
    assert loaded.entries == sum(len(entries) for _, _, sections in pages for _, entries in sections)
    assert [(p.id, p.title, p.abstract, p.dates, p.sources) for p in loaded.papers] == expected(papers, pages)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_of_title_normalisation_matches_the_unicode_path(title):
    """Ids must not change with the path taken: an ASCII title gives what the NFKD path would give."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    letters = "".join(ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    assert normalise_title(title) == " ".join(letters.split())


# ---------------------------------------------------------------------------------------------------------
# Property: nothing that can drive or reorder a terminal survives, whatever the dump holds

# C0 and C1 controls (tab, newline and CR included: papers are one line of text), DEL, and the bidi embeddings,
# overrides, isolates and marks that make a terminal show text in another order than it is stored in.
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UNSAFE_CHAR = st.one_of(
    st.sampled_from(BIDI),
    st.characters(min_codepoint=0, max_codepoint=0x1F),
    st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
)
ESCAPES = ["\x1b[1;31m", "\x1b[0m", "\x1b]0;title\x07", "\x1b]8;;http://x\x1b\\", "\x1bP1$r\x1b\\", "\x9b2J"]
LATEX = ['na\\"ive', "{\\em x}", "\\L ojasiewicz", "$\\alpha_1$", "50\\%", "~", "{\\it y", "\\'{e}"]
PIECE = st.one_of(
    WORD,
    UNSAFE_CHAR,
    st.text(st.one_of(st.characters(categories=("Lu", "Ll")), UNSAFE_CHAR), min_size=1, max_size=8),  # inside words
    st.sampled_from(ESCAPES),
    st.sampled_from(LATEX),  # the unsafe characters next to what delatex rewrites
    st.builds(lambda path, end: f"https://example.org/{path}{end}", WORD, st.sampled_from(["", ".", ")", "{here.}"])),
)
PARAGRAPH = st.builds(
    lambda pieces, seps: "".join(piece + sep for piece, sep in zip(pieces, seps)),
    st.lists(PIECE, min_size=1, max_size=20),
    st.lists(st.sampled_from([" ", " ", "", "\n", "\t"]), min_size=20, max_size=20),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=8), DATE)
def test_no_control_or_bidi_character_survives_into_a_paper(paragraphs, date):
    text = "\n\n".join(["Daily Papers", date, *paragraphs]) + "\n"
    for paper in parse_text(text):
        for value in (paper.title, paper.abstract, *paper.links):
            assert not UNSAFE.search(value), (value, paper)
