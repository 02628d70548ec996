"""Daily Papers pages as text: hand-made pages and their edge cases (titles without abstracts, headers, dates,
line ends, controls, encodings) parse into the papers a reader sees."""

from __future__ import annotations

import re

import pytest
from conftest import HEADER, SEEDS, page, write

from tui_reader.corpus import load_corpus, paper_id, parse_text


def test_id_is_stable_across_file_order(tmp_path):
    a = write(tmp_path / "a.txt", page("Mar 1", "Alpha Paper", "About alpha.", "Shared Paper", "Shared text."))
    b = write(tmp_path / "b.txt", page("Mar 2", "Beta Paper", "About beta.", "Shared Paper", "Shared text."))
    ab, ba = load_corpus([a, b]), load_corpus([b, a])
    assert [p.title for p in ab.papers] == ["Alpha Paper", "Shared Paper", "Beta Paper"]
    assert [p.title for p in ba.papers] == ["Beta Paper", "Shared Paper", "Alpha Paper"]
    assert {p.id: p.title for p in ab.papers} == {p.id: p.title for p in ba.papers}
    assert {p.id for p in ab.papers} == {paper_id(t) for t in ("Alpha Paper", "Beta Paper", "Shared Paper")}
    # a new file does not change existing ids
    c = write(tmp_path / "c.txt", page("Mar 3", "Gamma Paper", "About gamma."))
    assert {p.id for p in ab.papers} < {p.id for p in load_corpus([c, a, b]).papers}


def test_id_ignores_case_punctuation_accents_and_spacing(tmp_path):
    assert paper_id("Light Schrödinger Bridge") == paper_id("light  schrodinger-bridge!")
    assert paper_id("RLIF: Interactive Imitation") == paper_id("Rlif Interactive imitation")
    assert paper_id("Light Schrödinger Bridge") != paper_id("Light Schrödinger Bridges")
    a = write(tmp_path / "a.txt", page("Mar 1", "Deep Nets: A Survey", "Short."))
    b = write(tmp_path / "b.txt", page("Mar 2", "deep nets - a survey", "A longer abstract wins."))
    (paper,) = load_corpus([a, b]).papers
    assert paper.title == "Deep Nets: A Survey"  # first spelling seen
    assert paper.abstract == "A longer abstract wins."
    assert paper.dates == ("Mar 1", "Mar 2")
    assert paper.sources == ("a.txt", "b.txt")


def test_dedupe_keeps_the_longest_abstract_and_its_links(tmp_path):
    a = write(tmp_path / "a.txt", page("Mar 1", "Same Paper", "Code: https://example.org/old."))
    longer = "A much longer abstract, code at https://example.org/new."
    b = write(tmp_path / "b.txt", page("Mar 1", "Same Paper", longer))
    c = write(tmp_path / "c.txt", page("Mar 4", "Same Paper"))
    corpus = load_corpus([a, b, c])
    assert corpus.entries == 3
    (paper,) = corpus.papers
    assert paper.abstract == longer
    assert paper.links == ("https://example.org/new",)
    assert paper.dates == ("Mar 1", "Mar 4")
    assert paper.sources == ("a.txt", "b.txt", "c.txt")


def test_title_without_abstract_does_not_shift_the_pairs_after_it():
    text = (
        page(
            "Mar 11",
            "First Paper",
            "First abstract.",
            "Lonely Title",
            "Second Paper",
            "Second abstract.",
            "Third Paper",
            "Third abstract.",
            "Last Title On The Page",
        )
        + "\nMar 12\n\nFourth Paper\n\nFourth abstract.\n\nTrailing Title\n"
    )
    got = [(p.title, p.abstract, p.dates) for p in parse_text(text)]
    assert got == [
        ("First Paper", "First abstract.", ("Mar 11",)),
        ("Lonely Title", "", ("Mar 11",)),
        ("Second Paper", "Second abstract.", ("Mar 11",)),
        ("Third Paper", "Third abstract.", ("Mar 11",)),
        ("Last Title On The Page", "", ("Mar 11",)),
        ("Fourth Paper", "Fourth abstract.", ("Mar 12",)),
        ("Trailing Title", "", ("Mar 12",)),
    ]


def test_short_abstract_ending_in_a_url_is_still_an_abstract():
    text = page("Mar 11", "Tool Paper", "Code: https://github.com/x/tool", "Next Paper", "Next abstract.")
    got = [(p.title, p.abstract, p.links) for p in parse_text(text)]
    assert got == [
        ("Tool Paper", "Code: https://github.com/x/tool", ("https://github.com/x/tool",)),
        ("Next Paper", "Next abstract.", ()),
    ]


def test_titles_that_only_start_like_a_month_are_titles():
    text = page("Mar 11", "Mayhem 2", "About chaos.", "March 3", "Marvel 7", "About heroes.")
    got = [(p.title, p.abstract, p.dates) for p in parse_text(text)]
    assert got == [("Mayhem 2", "About chaos.", ("Mar 11",)), ("Marvel 7", "About heroes.", ("March 3",))]


def test_crlf_stray_whitespace_and_wrapped_lines_parse_like_clean_text():
    clean = page("Mar 11", "A Title: With Colon", "One sentence. Two sentences.", "Other Title", "Other text.")
    messy = (
        "\ufeffnew\r\n\r\n \t\r\nSubscribe  \r\n\r\n\r\nDaily Papers\r\n\t\r\n  Mar 11\r\n\r\n"
        "  A   Title:\tWith Colon \r\n\r\n"
        "One sentence.\r\n   Two\r\nsentences.\r\n \r\n\r\n\r\n"
        "\tOther Title\r\n\u3000\r\nOther text.   \r\n"
    )
    key = lambda text: [(p.id, p.title, p.abstract, p.dates) for p in parse_text(text)]  # noqa: E731
    assert key(messy) == key(clean)
    assert key(clean.replace("\n", "\r")) == key(clean)  # old Mac line ends


def test_control_characters_and_ansi_escapes_are_removed():
    text = page(
        "Mar 11",
        "\x1b[1;31mRed\x1b[0m Title\x07",
        "Bell\x07 and \x1b]0;window title\x07esc\x1b(Bapes\x1b[2J gone; tab\tkept as space.\x00\x7f\u202e",
        "\x1b[0m",  # a line holding only an escape is blank
        "Next\x1b]8;;http://x\x1b\\ Title",
        "Still parsed.",
        "Unterminated \x1b]osc on one line",
        "Must not swallow this abstract.",
    )
    got = [(p.title, p.abstract) for p in parse_text(text)]
    assert got == [
        ("Red Title", "Bell and escapes gone; tab kept as space."),
        ("Next Title", "Still parsed."),
        ("Unterminated", "Must not swallow this abstract."),
    ]
    for title, abstract in got:
        assert not re.search(r"[\x00-\x1f\x7f-\x9f]", title + abstract)


BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("char", list(BIDI_CONTROLS), ids=lambda c: f"U+{ord(c):04X}")
def test_bidi_controls_are_removed_from_titles_and_abstracts(char):
    """Embeddings, overrides, isolates and marks can make a terminal show text in another order than it is."""
    text = page(
        "Mar 11",
        f"{char}Safe{char} Ti{char}tle",
        f"An abs{char}tract with a link: https://x.org/{char}code{char}.",
        f"Second{char}\nTitle",
        f"{char}\nAnother abstract.{char}",
    )
    got = [(p.title, p.abstract, p.links) for p in parse_text(text)]
    assert got == [
        ("Safe Title", "An abstract with a link: https://x.org/code.", ("https://x.org/code",)),
        ("Second Title", "Another abstract.", ()),
    ]


def test_the_arabic_letter_mark_is_removed_like_the_other_bidi_marks():
    (paper,) = parse_text(page("Mar 11", "Safe\u061c Title", "An abs\u061ctract."))
    assert (paper.title, paper.abstract) == ("Safe Title", "An abstract.")


def test_non_utf8_file_is_read_with_a_warning(tmp_path):
    latin = write(tmp_path / "latin.txt", page("Mar 11", "Schrödinger Nets", "Für alle.").encode("latin-1"))
    corpus = load_corpus([latin])
    (paper,) = corpus.papers
    assert (paper.title, paper.abstract) == ("Schrödinger Nets", "Für alle.")
    assert len(corpus.warnings) == 1
    assert str(latin) in corpus.warnings[0] and "UTF-8" in corpus.warnings[0]


def test_one_bad_byte_does_not_garble_the_other_lines(tmp_path):
    data = page("Mar 11", "Schrödinger Nets", "Für alle.", "Caf\xe9 Paper", "Plain.").encode()
    mixed = write(tmp_path / "mixed.txt", data.replace("Caf\xe9".encode(), b"Caf\xe9"))  # one latin-1 byte
    corpus = load_corpus([mixed])
    got = [(p.title, p.abstract) for p in corpus.papers]
    assert got == [("Schrödinger Nets", "Für alle."), ("Café Paper", "Plain.")]
    assert corpus.warnings == [f"{mixed}: not valid UTF-8 (line 15); read those lines as Windows-1252"]


def test_utf16_file_with_byte_order_mark_is_read(tmp_path):
    utf16 = write(tmp_path / "utf16.txt", page("Mar 11", "Schrödinger Nets", "Für alle.").encode("utf-16"))
    corpus = load_corpus([utf16])
    assert [(p.title, p.abstract, p.dates) for p in corpus.papers] == [("Schrödinger Nets", "Für alle.", ("Mar 11",))]
    assert corpus.warnings == []


def test_pages_pasted_into_one_file_do_not_turn_headers_into_papers(tmp_path):
    one = page("Mar 11", "First Paper", "First abstract.", "Untitled Lonely")
    with_daily = HEADER.replace("Subscribe", "Subscribe\n\nDaily Papers")
    two = page("Mar 12", "Second Paper", "Second abstract.", header=with_daily)
    both = write(tmp_path / "both.txt", one + "\n" + two)
    got = [(p.title, p.abstract, p.dates) for p in load_corpus([both]).papers]
    assert got == [
        ("First Paper", "First abstract.", ("Mar 11",)),
        ("Untitled Lonely", "", ("Mar 11",)),
        ("Second Paper", "Second abstract.", ("Mar 12",)),
    ]
    seeds = write(tmp_path / "seeds.txt", b"\n".join(p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))))
    corpus = load_corpus([seeds])
    assert (corpus.entries, len(corpus.papers)) == (260, 211)
