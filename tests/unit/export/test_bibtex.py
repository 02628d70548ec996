"""BibTeX: entries read back by bibtexparser v2 (the LaTeX escapes decoded, names split by BibTeX's rules),
capitals protected, arXiv's fields (primary class, DOI, journal reference) where biblatex and Zotero read them,
citation keys ASCII and unique whatever the order of the papers."""

from __future__ import annotations

import re

import bibtexparser
import pytest
from bibtexparser import middlewares
from conftest import write
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paper_files import arxiv_line
from support.papers_to_export import DUMPED, FAST, NAME, TITLE, make
from support.read_bibtex import Name, parse_bibtex, parse_names

from tui_reader.corpus import read_file
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
        "archivePrefix": "arXiv",  # what BibTeX styles and biblatex read
        "eprinttype": "arxiv",  # what Zotero reads
        "url": "https://arxiv.org/abs/2403.01234",
    }
    assert "{LLMs}" in bibtex_entry(FAST)  # sentence-case styles keep the acronym's capitals


def test_arxiv_metadata_adds_the_primary_class_the_doi_and_the_journal_reference_in_the_note():
    paper = make(
        "Optics",
        arxiv="0704.0033",
        published="2007-04-01",
        categories=("physics.optics", "physics.comp-ph"),
        doi="10.1364/JOSAA.23.002578 10.1007/978-3-540_23",
        journal_ref="J.Opt.Soc.Am.A 23, 2578-2591 (2006); Erratum: 100% {new}",
    )
    (entry,) = parse_bibtex(bibtex_entry(paper))
    assert entry == {
        "key": "2007optics",
        "type": "misc",
        "title": "Optics",
        "year": "2007",
        "eprint": "0704.0033",
        "archivePrefix": "arXiv",
        "eprinttype": "arxiv",
        "primaryClass": "physics.optics",  # the first category is arXiv's primary one
        "doi": "10.1364/JOSAA.23.002578",  # one DOI, verbatim: the paper's own, the first arXiv lists
        "url": "https://arxiv.org/abs/0704.0033",
        "note": "J.Opt.Soc.Am.A 23, 2578-2591 (2006); Erratum: 100% {new}; also doi:10.1007/978-3-540_23",
    }
    # verbatim, as biblatex and Zotero read the field: an underscore stays, a brace that would unbalance it does not
    assert parse_bibtex(bibtex_entry(make("X", doi="10.1007/978-3-540-74126-8_23")))[0]["doi"] == (
        "10.1007/978-3-540-74126-8_23"
    )
    assert parse_bibtex(bibtex_entry(make("X", doi="10.1/a}b")))[0]["doi"] == "10.1/a%7Db"


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


def test_names_the_source_split_are_surname_first_collaborations_whole_and_a_list_cut_short_ends_in_others():
    paper = make(
        "Names",
        authors=(
            "The BABAR Collaboration",  # the source's surname is the whole name
            "B. Aubert",
            "Robert P. C. de Marrais",
            "Neal J. Evans II",
            "Ludwig van Beethoven",  # no surname given: as written, for BibTeX to split
            "ATLAS Collab.",  # a collaboration by its word
            "Ada Lovelace",  # a surname that is not in the name: not the source's split after all
            "Plato",
            "Smith Jr.",  # a suffix without a given name: "Smith, Jr.," would end in a comma
            "Pierre Auger Observatory",  # no word of a collaboration, but the source gave it all as the surname
        ),
        surnames=(
            *("The BABAR Collaboration", "Aubert", "de Marrais", "Evans", "", "", "Byron", "Plato", "Smith"),
            "Pierre Auger Observatory",
        ),
        et_al=True,
    )
    text = bibtex_entry(paper)
    assert (
        "  author = {{The BABAR Collaboration} and Aubert, B. and de Marrais, Robert P. C. and Evans, II, Neal J."
        " and Ludwig van Beethoven and {ATLAS Collab.} and Ada Lovelace and Plato and {Smith Jr.}"
        " and {Pierre Auger Observatory} and others}"
    ) in text
    assert parse_names(text) == [
        [
            Name("", "", "The BABAR Collaboration", ""),  # one surname, never "The BABAR" + "Collaboration"
            Name("B.", "", "Aubert", ""),
            Name("Robert P. C.", "de", "Marrais", ""),
            Name("Neal J.", "", "Evans", "II"),
            Name("Ludwig", "van", "Beethoven", ""),
            Name("", "", "ATLAS Collab.", ""),
            Name("Ada", "", "Lovelace", ""),
            Name("", "", "Plato", ""),
            Name("", "", "Smith Jr.", ""),
            Name("", "", "Pierre Auger Observatory", ""),
            Name("", "", "others", ""),  # BibTeX's "et al."
        ]
    ]
    # without a surname for every author, none is taken as the source's (which one it belongs to is not known);
    # a collaboration is still one name
    unsplit = make("Names", authors=("Ludwig Van Beethoven", "Qwen Team"), surnames=("Van Beethoven",))
    assert parse_names(bibtex_entry(unsplit)) == [
        [Name("Ludwig Van", "", "Beethoven", ""), Name("", "", "Qwen Team", "")]
    ]
    assert "and others" not in bibtex_entry(unsplit)


# a name's parts as a source splits them: no word of a collaboration, no surname that is also the suffix
PART = NAME.filter(lambda part: not re.search(r"(?i)collab|consortium|team|group", part))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(st.just(""), PART), PART.filter(bool), st.sampled_from(("", "Jr.", "III")))
        .filter(lambda parts: parts[1] not in ("Jr.", "III") and (parts[0] or not parts[2]))
        .filter(lambda parts: parts[0] or " " not in parts[1]),  # else it is a collaboration's name
        min_size=1,
        max_size=4,
        unique_by=lambda parts: " ".join(part for part in parts if part),
    )
)
def test_any_name_the_source_split_reads_back_in_the_same_parts(parts):
    authors = tuple(" ".join(part for part in name if part) for name in parts)
    paper = make("Names", authors=authors, surnames=tuple(surname for _, surname, _ in parts))
    names = parse_names(bibtex_entry(paper))[0]
    assert [(n.first, " ".join(filter(None, (n.von, n.last))), n.jr) for n in names] == parts


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
    # the source's surname when it split the name; a collaboration's first word that is not a stop word
    assert citation_key(make("Boxes", authors=("Robert de Marrais",), surnames=("de Marrais",))) == "demarraisboxes"
    assert citation_key(make("Boxes", authors=("Robert de Marrais",))) == "marraisboxes"
    babar = make("The Measurement", authors=("The BABAR Collaboration", "B. Aubert"), published="2007-04-02")
    assert citation_key(babar) == "babar2007measurement"


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
    assert [e["key"] for e in parse_bibtex(render(papers, "bibtex"))] == [
        "lovelace2024fastc",
        "turing2024fast",
        "lovelace2024fastd",
        "lovelace2024fasta",
        "lovelace2024fastb",
    ]


@settings(max_examples=100, deadline=None)
@given(st.permutations([make(f"Fast {word}", authors=("Ada Lovelace",)) for word in ("Net", "net", "NET!")] + [FAST]))
def test_keys_are_unique_and_do_not_depend_on_the_order_of_the_papers(papers):
    keys = citation_keys(papers)
    assert len(set(keys)) == len(papers)
    assert dict(zip([p.id for p in papers], keys)) == dict(
        zip([p.id for p in sorted(papers, key=lambda p: p.id)], citation_keys(sorted(papers, key=lambda p: p.id)))
    )


def test_three_papers_with_one_key_get_letters_no_other_paper_has_and_a_brace_in_a_url_is_escaped():
    same = [make("Same Words", published=f"2024-01-0{n}", links=("https://x.org/a}b",)) for n in (1, 2, 3)]
    text = render(same, "bibtex")
    assert re.findall(r"@\w+\{([^,]+),", text) == ["2024samea", "2024sameb", "2024samec"]
    assert text.count("url = {https://x.org/a%7Db}") == 3
    assert text.count("{") == text.count("}")
    # two papers already own the first two letters' keys: the three skip them
    owners = [make("Samea", published="2024-02-01"), make("Sameb", published="2024-02-01")]
    assert citation_keys([*same, *owners]) == ["2024samec", "2024samed", "2024samee", "2024samea", "2024sameb"]


def test_pairs_tex_would_join_into_one_character_get_an_empty_group_between_them():
    text = render([make("a ,, b << c >> d -- e")], "bibtex")
    assert "title = {a ,{}, b <{}< c >{}> d -{}- e}" in text


def test_an_et_al_glued_to_the_last_name_is_written_and_others(tmp_path):
    """arXiv's author parser leaves "et al" with no comma before it in the last name (["al", "F. Aharonian et",
    ""]): BibTeX gets the surname Aharonian and ``and others``, never a name "al"."""
    line = arxiv_line(
        authors="W. Hofmann, F. Aharonian et al", authors_parsed=[["Hofmann", "W.", ""], ["al", "F. Aharonian et", ""]]
    )
    (paper,), _ = read_file(write(tmp_path / "m.jsonl", line + "\n"), use_cache=False)
    (names,) = parse_names(bibtex_entry(paper))
    assert names == [Name("W.", "", "Hofmann", ""), Name("F.", "", "Aharonian", ""), Name("", "", "others", "")]
