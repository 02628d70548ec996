"""Exports (tui_reader.export and `tui-reader export`), read back by parsers that are not ours: bibtexparser v2
for BibTeX (with LaTeX decoding), rispy for RIS, the csv module for CSV, json for JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from conftest import SEEDS, page, write
from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc import latex2text
from pylatexenc.latex2text import MacroTextSpec
from test_sources import daily_item

from tui_reader.cli import main
from tui_reader.corpus import load_corpus
from tui_reader.export import (
    EXTENSIONS,
    FORMATS,
    bibtex_entry,
    citation_key,
    citation_keys,
    markdown_link,
    paper_url,
    render,
)
from tui_reader.library.model import Mark
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
) -> Paper:
    return Paper(
        paper_id(title), title, abstract, dates=dates, links=links, arxiv_id=arxiv, authors=authors, published=published
    )


FAST = make(
    "Fast Diffusion for LLMs",
    authors=("Ada Lovelace", "Alan Turing"),
    arxiv="2403.01234",
    published="2024-03-08",
    dates=("Mar 11, 2024",),
)
DUMPED = make("Slow Diffusion", dates=("Mar 11",), links=("ftp://x.org/a", "https://slow.example/project"))


# ---------------------------------------------------------------------------------------------------------
# Reading BibTeX back: bibtexparser v2, then the LaTeX escapes decoded


def _decoder() -> latex2text.LatexNodes2Text:
    """pylatexenc's LaTeX-to-text, told three macros as LaTeX typesets them: ``\\textbraceleft`` ``{`` and
    ``\\textbraceright`` ``}`` (unknown to pylatexenc 2 and to latexcodec's table), and ``\\textasciicircum`` ``^``
    (pylatexenc defines it twice, in latex2text/_defaultspecs.py, and the second, ``ˆ``, wins). A lone brace has
    no escape BibTeX accepts that either library decodes (``\\{`` unbalances the field for BibTeX), and
    ``\\textasciicircum`` is the caret that LaTeX typesets as ``^`` in every font encoding."""
    db = latex2text.get_default_latex_context_db()
    db.add_context_category(
        "as-latex-typesets-them",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
        ],
    )
    return latex2text.LatexNodes2Text(latex_context=db, math_mode="verbatim")


DECODER = _decoder()


def parse_bibtex(text: str) -> list[dict[str, object]]:
    """Each entry as {"key", "type", field: value}: author a list of names; title, author and note decoded
    from LaTeX (the URL is verbatim, as biblatex reads it)."""
    library = bibtexparser.parse_string(text, append_middleware=[middlewares.SeparateCoAuthors()])
    assert library.failed_blocks == [] and library.comments == [] and library.strings == []
    entries = []
    for entry in library.entries:
        record: dict[str, object] = {"key": entry.key, "type": entry.entry_type}
        for field in entry.fields:
            value = field.value
            if field.key == "author":
                value = [DECODER.latex_to_text(name) for name in value]
            elif field.key in ("title", "note"):
                value = DECODER.latex_to_text(value)
            record[field.key] = value
        entries.append(record)
    return entries


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


_NAME = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ \u00e9\u00fc\u00df\u00f8\u0141\u4e2d-'.&%$#_{}~^\\,"),
    min_size=1,
    max_size=20,
).map(lambda text: " ".join(text.split()))
_TITLE = st.text(
    alphabet=st.sampled_from(
        "abcxyzABCXYZ0129 &%$#_{}~^\\-`',<>?!\"@=()[]:;/*+|\u00e9\u00fc\u00df\u00f8\u0141\u00c5\u4e2d\u03b1\u00b2"
    ),
    min_size=1,
    max_size=60,
).map(lambda text: " ".join(text.split()))


@settings(max_examples=300, deadline=None)
@given(title=_TITLE.filter(bool), authors=st.lists(_NAME.filter(bool), max_size=4))
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


# ---------------------------------------------------------------------------------------------------------
# RIS, CSV, Markdown, JSON


def test_ris_reads_back_with_rispy():
    text = render([FAST, DUMPED, make("No Link At All")], "ris")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF, as the RIS specification says
    records = rispy.loads(text)
    assert [(r["type_of_reference"], r["title"], r.get("urls")) for r in records] == [
        ("UNPB", FAST.title, ["https://arxiv.org/abs/2403.01234"]),
        ("ELEC", DUMPED.title, ["https://slow.example/project"]),
        ("GEN", "No Link At All", None),
    ]
    assert records[0]["authors"] == ["Lovelace, Ada", "Turing, Alan"]
    assert (records[0]["year"], records[0]["date"], records[0]["abstract"]) == ("2024", "2024/03/08", "An abstract.")
    assert records[1]["notes"] == ["Listed in Hugging Face Daily Papers on Mar 11"]


def test_a_line_break_or_control_in_a_field_never_breaks_a_record():
    paper = make("Two\nLines\x1b[31m", authors=("Ada\r\nER  - Lovelace",), abstract="One\n\nTY  - JOUR")
    for fmt in ("ris", "csv", "bibtex", "markdown"):
        assert "\x1b" not in render([paper], fmt)
    (record,) = rispy.loads(render([paper], "ris"))
    assert (record["title"], record["authors"], record["abstract"]) == (
        "Two Lines",
        ["Lovelace, Ada ER -"],
        "One TY - JOUR",
    )
    (row,) = csv.DictReader(io.StringIO(render([paper], "csv"), newline=""))
    assert row["title"] == "Two Lines"


@settings(max_examples=200, deadline=None)
@given(title=_TITLE.filter(bool), authors=st.lists(_NAME.filter(lambda n: n and "," not in n), max_size=3))
def test_any_title_and_authors_survive_rispy(title, authors):
    (record,) = rispy.loads(render([make(title, authors=tuple(authors))], "ris"))
    assert record["title"] == title
    written = [name.split(", ") for name in record.get("authors", [])]
    # "Surname, Given[, Suffix]" back to the "Given Surname[ Suffix]" the paper holds
    assert [" ".join([*parts[1:2], parts[0], *parts[2:]]) for parts in written] == authors


def test_csv_reads_back_with_the_csv_module():
    marks = {FAST.id: Mark(read=True, starred=True)}
    text = render([FAST, DUMPED], "csv", lambda paper_id: marks.get(paper_id, Mark()))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows == [
        {
            "id": FAST.id,
            "title": "Fast Diffusion for LLMs",
            "authors": "Ada Lovelace; Alan Turing",
            "arxiv_id": "2403.01234",
            "published": "2024-03-08",
            "url": "https://arxiv.org/abs/2403.01234",
            "dates": "Mar 11, 2024",
            "read": "true",
            "starred": "true",
        },
        {
            "id": DUMPED.id,
            "title": "Slow Diffusion",
            "authors": "",
            "arxiv_id": "",
            "published": "",
            "url": "https://slow.example/project",
            "dates": "Mar 11",
            "read": "false",
            "starred": "false",
        },
    ]


@settings(max_examples=200, deadline=None)
@given(title=_TITLE.filter(bool), authors=st.lists(_NAME.filter(lambda n: n and ";" not in n), max_size=3))
def test_any_title_and_authors_survive_csv(title, authors):
    paper = make(title, authors=tuple(authors), arxiv="2401.00001")
    (row,) = csv.DictReader(io.StringIO(render([paper], "csv"), newline=""))
    assert row["title"] == title
    assert row["authors"] == "; ".join(authors) and row["arxiv_id"] == "2401.00001"


def test_markdown_is_one_link_line_per_paper_grouped_by_listing_date_when_sorted_by_date():
    march = make("Earlier & *Bold* [Paper]", dates=("Mar 10, 2024",), authors=("A B", "C D", "E F", "G H"))
    unlisted = make("Never Listed (yet)", links=("https://x.org/a b(c)",))
    papers = [FAST, DUMPED, march, unlisted]
    assert render(papers, "markdown").splitlines() == [
        "- [Fast Diffusion for LLMs](https://arxiv.org/abs/2403.01234) — Ada Lovelace, Alan Turing (2024)",
        "- [Slow Diffusion](https://slow.example/project)",
        r"- Earlier & \*Bold\* \[Paper\] — A B et al. (2024)",
        "- [Never Listed (yet)](https://x.org/a%20b%28c%29)",
    ]
    assert render(papers, "markdown", by_date=True).splitlines() == [
        "## Mar 11 2024",
        "",
        "- [Fast Diffusion for LLMs](https://arxiv.org/abs/2403.01234) — Ada Lovelace, Alan Turing (2024)",
        "",
        "## Mar 11",
        "",
        "- [Slow Diffusion](https://slow.example/project)",
        "",
        "## Mar 10 2024",
        "",
        r"- Earlier & \*Bold\* \[Paper\] — A B et al. (2024)",
        "",
        "## No listing date",
        "",
        "- [Never Listed (yet)](https://x.org/a%20b%28c%29)",
    ]
    assert markdown_link(FAST) == "[Fast Diffusion for LLMs](https://arxiv.org/abs/2403.01234)"


def test_paper_url_is_the_arxiv_abs_page_else_the_first_web_link():
    assert paper_url(FAST) == "https://arxiv.org/abs/2403.01234"
    assert paper_url(DUMPED) == "https://slow.example/project"
    assert paper_url(make("Nothing", links=("javascript:alert(1)",))) is None


def test_no_papers_is_an_empty_but_valid_document_in_every_format():
    assert set(FORMATS) == set(EXTENSIONS)
    empty = {fmt: render([], fmt) for fmt in FORMATS}
    assert parse_bibtex(empty["bibtex"]) == [] and rispy.loads(empty["ris"]) == []
    assert next(csv.reader(io.StringIO(empty["csv"]))) == [
        "id", "title", "authors", "arxiv_id", "published", "url", "dates", "read", "starred"
    ]  # fmt: skip
    assert empty["markdown"] == "" and json.loads(empty["json"]) == []
    with pytest.raises(ValueError, match="unknown export format"):
        render([], "docx")


# ---------------------------------------------------------------------------------------------------------
# tui-reader export


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_export_json_is_what_list_json_prints(capsys, data_dir, seeds_corpus):
    paper = seeds_corpus.papers[5]
    run(capsys, "mark", paper.id, "--star", "--data-dir", str(data_dir))
    listed = run(capsys, "list", "--format", "json", "--data-dir", str(data_dir))
    exported = run(capsys, "export", "--format", "json", "--data-dir", str(data_dir))
    assert exported == listed and listed[0] == 0
    assert [r["id"] for r in json.loads(exported[1]) if r["starred"]] == [paper.id]


def test_export_of_a_daily_papers_listing_to_a_file(capsys, tmp_path, data_dir):
    listing = tmp_path / "day.json"
    items = [
        daily_item(title="Tom & Jerry: 100% $x^2$", arxiv="2403.00002", authors=("J\u00fcrgen M\u00fcller",)),
        daily_item(),
    ]
    listing.write_text(json.dumps(items))
    out_file = tmp_path / "refs.bib"
    status, out, err = run(capsys, "export", str(listing), "-o", str(out_file), "--data-dir", str(data_dir))
    assert (status, out, err) == (0, "", f"2 papers exported to {out_file}\n")
    entries = parse_bibtex(out_file.read_text(encoding="utf-8"))  # bibtex: from the extension
    assert load_corpus([listing]).papers[0].title == "Tom & Jerry: 100% x^2"  # the source reads the LaTeX
    assert [(e["key"], e["title"], e["author"], e["eprint"]) for e in entries] == [
        ("muller2024tom", "Tom & Jerry: 100% x^2", ["J\u00fcrgen M\u00fcller"], "2403.00002"),
        ("lovelace2024fast", "Fast Diffusion", ["Ada Lovelace", "Alan Turing"], "2403.01234"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_format_follows_the_extension_of_the_output_unless_given(capsys, tmp_path, fmt):
    target = tmp_path / f"out{EXTENSIONS[fmt]}"
    assert run(capsys, "export", str(SEEDS), "-o", str(target))[0] == 0
    assert target.read_bytes().decode() == render(load_corpus([SEEDS]).papers, fmt)
    assert run(capsys, "export", str(SEEDS), "--format", "ris", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("TY  - ")


def test_export_filters_by_marks_and_query_like_list(capsys, data_dir, seeds_corpus):
    one, two = seeds_corpus.papers[3], seeds_corpus.papers[7]
    run(capsys, "mark", one.id, two.id, "--star", "--data-dir", str(data_dir))
    run(capsys, "mark", two.id, "--read", "--data-dir", str(data_dir))
    status, out, err = run(capsys, "export", "--starred", "--unread", "--format", "csv", "--data-dir", str(data_dir))
    assert status == 0 and err == ""
    assert [row["title"] for row in csv.DictReader(io.StringIO(out, newline=""))] == [one.title]
    _, listed, _ = run(capsys, "list", "--query", "diffusion", "--data-dir", str(data_dir))
    _, out, _ = run(capsys, "export", "--query", "diffusion", "--format", "ris", "--data-dir", str(data_dir))
    titles = [line[len("0123456789ab  ** ") :].split("  ", 1)[1].lstrip() for line in listed.splitlines()]
    assert [r["title"] for r in rispy.loads(out)] == titles


def test_export_matching_nothing_writes_an_empty_document_and_says_so(capsys, tmp_path):
    status, out, err = run(capsys, "export", str(SEEDS), "--query", "zzzzqqqq", "--format", "csv")
    assert (status, err) == (0, "0 papers exported\n") and out.startswith("id,title,")
    assert len(out.splitlines()) == 1
    target = tmp_path / "none.ris"
    status, _, err = run(capsys, "export", str(SEEDS), "--query", "zzzzqqqq", "-o", str(target))
    assert (status, err) == (0, f"0 papers exported to {target}\n") and target.read_text() == ""


def test_export_to_an_unwritable_path_is_one_line_exit_1_and_leaves_no_file(capsys, tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "refs.bib"
    status, out, err = run(capsys, "export", str(SEEDS), "-o", str(missing))
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith(f"tui-reader: error: {missing}: cannot write")
    status, _, err = run(capsys, "export", str(SEEDS), "-o", str(tmp_path))  # a folder
    assert status == 1 and err.count("\n") == 1 and str(tmp_path) in err
    assert os.listdir(tmp_path) == []


def test_export_never_writes_over_the_marks_file(capsys, data_dir, seeds_corpus):
    run(capsys, "mark", seeds_corpus.papers[0].id, "--star", "--data-dir", str(data_dir))
    marks_file = data_dir / "marks.db"
    before = marks_file.read_bytes()
    status, out, err = run(capsys, "export", "-o", str(marks_file), "--data-dir", str(data_dir))
    assert (status, out) == (
        1,
        "",
    ) and err == f"tui-reader: error: {marks_file}: that is the marks file; export to another file\n"
    assert marks_file.read_bytes() == before


def test_export_replaces_a_file_atomically(capsys, tmp_path):
    target = write(tmp_path / "refs.md", "old notes\n")
    with open(target, encoding="utf-8") as before:  # a reader of the old file still reads it whole
        assert run(capsys, "export", str(SEEDS), "-o", str(target))[0] == 0
        assert before.read() == "old notes\n"
    assert target.read_text(encoding="utf-8").startswith("- ")
    assert sorted(os.listdir(tmp_path)) == ["refs.md"]


def test_export_of_a_text_dump_with_a_year_less_date(capsys, tmp_path):
    dump = write(tmp_path / "d.txt", page("Mar 11", "Learning to Learn", "We learn " * 40 + "https://ll.org/p."))
    status, out, _ = run(capsys, "export", str(dump))
    assert status == 0
    (entry,) = parse_bibtex(out)
    assert entry == {
        "key": "learning",
        "type": "misc",
        "title": "Learning to Learn",
        "url": "https://ll.org/p",
        "note": "Listed in Hugging Face Daily Papers on Mar 11",
    }


def test_export_sorted_newest_puts_the_latest_day_first_under_date_headings(tmp_path, capsys):
    items = [
        daily_item("Older Paper", arxiv="2403.00001", listed="2024-03-11T09:00:00.000Z"),
        daily_item(
            "Newer Paper", arxiv="2404.00002", published="2024-04-01T00:00:00.000Z", listed="2024-04-02T09:00:00.000Z"
        ),
    ]
    listing = tmp_path / "days.json"
    listing.write_text(json.dumps(items), encoding="utf-8")
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["export", str(listing), "--format", "markdown", "--sort", "newest", *data]) == 0
    text = capsys.readouterr().out
    assert text.index("Newer Paper") < text.index("Older Paper")
    assert text.index("## Apr 2 2024") < text.index("Newer Paper") < text.index("## Mar 11 2024")
    assert main(["export", str(listing), "--format", "markdown", *data]) == 0
    unsorted = capsys.readouterr().out
    assert unsorted.index("Older Paper") < unsorted.index("Newer Paper") and "## " not in unsorted
