"""BibTeX: entries read back by bibtexparser v2 (the LaTeX escapes decoded), capitals protected, citation keys
ASCII and unique whatever the order of the papers."""

from __future__ import annotations

import re

import bibtexparser
import pytest
from bibtexparser import middlewares
from hypothesis import given, settings
from hypothesis import strategies as st
from support.papers_to_export import DUMPED, FAST, NAME, TITLE, make
from support.read_bibtex import parse_bibtex

from tui_reader.export import bibtex_entry, citation_key, citation_keys, render


def test_an_arxiv_paper_is_a_misc_entry_with_eprint_and_url():
    (entry,) = parse_bibtex(render([FAST], "bibtex"))
    assert entry == {
        "key": "lovelace2024fast",
        "type": "misc",
        "title": "Fast Diffusion for LLMs",
        "author": ["Ada Lovelace", "Alan Turing"],
        "year": "2024",
        "eprint": "2403.01234",
        "archivePrefix": "arXiv",
        "url": "https://arxiv.org/abs/2403.01234",
    }
    assert "{LLMs}" in bibtex_entry(FAST)  # sentence-case styles keep the acronym's capitals


def test_a_paper_without_an_arxiv_id_gets_its_first_web_link_and_a_note_naming_the_listing():
    (entry,) = parse_bibtex(bibtex_entry(DUMPED))
    assert entry == {
        "key": "slow",  # no author, no year: the title word alone
        "type": "misc",
        "title": "Slow Diffusion",
        "url": "https://slow.example/project",  # the first http(s) link: ftp is skipped
        "note": "Listed in Hugging Face Daily Papers on Mar 11",
    }


@pytest.mark.parametrize(
    "title, protected",
    [
        ("GPT-4 Beats T5 on 3D ImageNet", ["{GPT}", "{T5}", "{3D}", "{ImageNet}"]),
        ("Scaling LLMs: A Study", ["{LLMs}"]),
        ("A Plain Title Case Title", []),
    ],
)
def test_capitals_inside_words_are_protected_and_title_case_is_not(title, protected):
    field = re.search(r"^  title = \{(.*)\},?$", bibtex_entry(make(title)), re.MULTILINE)
    assert field is not None and re.findall(r"\{[^{}]*\}", field[1]) == protected
    (entry,) = parse_bibtex(bibtex_entry(make(title)))
    assert entry["title"] == title


@pytest.mark.parametrize(
    "title",
    [
        "Tom & Jerry: 100% of $x^2$ in C# with snake_case {braces} and ~tildes~ \\ backslashes",
        "An unmatched { brace",
        "Two } unmatched { braces",
        "Na\u00efve Schr\u00f6dinger Bridges f\u00fcr \u0141\u00f3d\u017a -- a ``quoted'' ?`inverted`! <<angle>> ,,low",
        "$\\mathcal{O}(n)$ attention",
    ],
)
def test_titles_with_special_characters_round_trip(title):
    text = bibtex_entry(make(title))
    depth = 0  # BibTeX counts every brace, escaped or not: the entry must balance by that count
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, text
    assert depth == 0, text
    assert "\u00f6" in text or "\u00f6" not in title  # non-ASCII kept as UTF-8, not \"o
    (entry,) = parse_bibtex(text)
    assert entry["title"] == title


def test_a_name_holding_and_or_a_comma_stays_one_author():
    authors = ("Research and Development Team", "Smith, John", "AND Corp", "Ada Lovelace")
    (entry,) = parse_bibtex(bibtex_entry(make("Teams", authors=authors)))
    assert entry["author"] == list(authors)


@settings(max_examples=300, deadline=None)
@given(title=TITLE.filter(bool), authors=st.lists(NAME.filter(bool), max_size=4))
def test_any_title_and_authors_survive_bibtexparser_and_latex_decoding(title, authors):
    paper = make(title, authors=tuple(authors), arxiv="2401.00001", published="2024-01-02")
    (entry,) = parse_bibtex(bibtex_entry(paper))
    assert entry["title"] == title
    assert entry.get("author", []) == authors
    assert re.fullmatch(r"[a-z0-9]+", str(entry["key"]))
    if not set(title) & set("{}^"):  # what bibtexparser's own decoding (stock pylatexenc) reads right too
        decoding = [middlewares.LatexDecodingMiddleware()]
        assert bibtexparser.parse_string(bibtex_entry(paper), append_middleware=decoding).entries[0]["title"] == title


# ---------------------------------------------------------------------------------------------------------
# Citation keys


def test_keys_are_ascii_surname_year_and_first_title_word_that_is_not_a_stop_word():
    muller = make("The M\u00fcller Effect", authors=("J\u00fcrgen M\u00fcller",), published="2023-05-01")
    assert citation_key(muller) == "muller2023muller"
    assert citation_key(make("On \u00c9tudes", authors=("Bj\u00f8rn \u0141ukasz-\u00df",))) == "lukaszssetudes"
    assert citation_key(make("A Study", authors=("Martin Luther King Jr.",), dates=("Mar 11, 2022",))) == (
        "king2022study"
    )
    assert citation_key(make("\u4e2d\u6587", authors=("\u674e\u56db",))) == "paper"  # nothing ASCII is left


def test_papers_sharing_a_key_get_letters_in_arxiv_order_whatever_the_export_order():
    second = make("Fast Diffusion Two", authors=("Ada Lovelace",), arxiv="2405.00002", published="2024-05-01")
    first = make("Fast Diffusion One", authors=("Ada Lovelace",), arxiv="2402.00001", published="2024-02-01")
    unlisted = make("Fast Diffusion Three", authors=("Ada Lovelace",), dates=("Jun 1, 2024",))
    alone = make("Fast Diffusion", authors=("Alan Turing",), published="2024-01-01")
    # a paper whose own key is what a letter would make: the letters skip it
    taken = make("Fastb", authors=("Ada Lovelace",), published="2024-01-01")
    papers = [second, alone, unlisted, first, taken]
    keys = dict(zip([p.id for p in papers], citation_keys(papers)))
    assert keys == {
        first.id: "lovelace2024fasta",
        second.id: "lovelace2024fastc",
        unlisted.id: "lovelace2024fastd",
        alone.id: "turing2024fast",
        taken.id: "lovelace2024fastb",
    }
    assert [e["key"] for e in parse_bibtex(render(papers, "bibtex"))] == citation_keys(papers)


@settings(max_examples=100, deadline=None)
@given(st.permutations([make(f"Fast {word}", authors=("Ada Lovelace",)) for word in ("Net", "net", "NET!")] + [FAST]))
def test_keys_are_unique_and_do_not_depend_on_the_order_of_the_papers(papers):
    keys = citation_keys(papers)
    assert len(set(keys)) == len(papers)
    assert dict(zip([p.id for p in papers], keys)) == dict(
        zip([p.id for p in sorted(papers, key=lambda p: p.id)], citation_keys(sorted(papers, key=lambda p: p.id)))
    )
