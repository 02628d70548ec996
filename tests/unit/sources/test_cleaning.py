"""Cleaning text from any source: links found and cleaned of debris (in the seeds and by rule), LaTeX debris as
readable text, math keeping its braces."""

from __future__ import annotations

import re

import pytest
from conftest import page, write

from tui_reader.corpus import load_corpus, paper_id, parse_text


def abstract_with(corpus, fragment: str) -> str:
    hits = [p.abstract for p in corpus.papers if fragment in p.abstract]
    assert hits, f"no abstract contains {fragment!r}"
    return hits[0]


@pytest.mark.parametrize(
    "link, shown",
    [
        # "...AutoCoreset{https://github.com/alaamaalouf/AutoCoreset}." (flattened \href)
        ("https://github.com/alaamaalouf/AutoCoreset", "found at https://github.com/alaamaalouf/AutoCoreset. We"),
        # "(https://github.com/NREL/pinnstripes)."
        ("https://github.com/NREL/pinnstripes", "companion repository (https://github.com/NREL/pinnstripes). The"),
        # "available~https://anonymous.../README.md{here.}"
        (
            "https://anonymous.4open.science/r/BIB-ICLR2023-Submission/README.md",
            "Our code is available https://anonymous.4open.science/r/BIB-ICLR2023-Submission/README.md here.",
        ),
        ("https://github.com/xuke225/EQ-Net.git", "available at https://github.com/xuke225/EQ-Net.git."),
        (
            "https://namgyukang.github.io/Physics-Informed-Gaussians/",
            "page is available at https://namgyukang.github.io/Physics-Informed-Gaussians/",
        ),
    ],
)
def test_links_are_cleaned_of_debris(seeds_corpus, link, shown):
    owners = [p for p in seeds_corpus.papers if link in p.links]
    assert len(owners) == 1
    assert shown in owners[0].abstract


def link_is_trimmed(link: str) -> bool:
    """The parser's rule: no whitespace or braces, no trailing sentence punctuation, and a closing parenthesis
    only when it closes one opened inside the link (``.../wiki/Mamba_(software)``)."""
    if not re.fullmatch(r"https?://[^\s{}]+", link) or link[-1] in ".,;:!?'\"”’]>":
        return False
    return not link.endswith(")") or link.count("(") >= link.count(")")


def test_every_link_is_clean_and_shown_in_its_abstract(seeds_corpus):
    links = [(p, link) for p in seeds_corpus.papers for link in p.links]
    assert len(links) == 38
    for paper, link in links:
        assert link_is_trimmed(link), link
        assert link in paper.abstract
    assert not any("{http" in p.abstract for p in seeds_corpus.papers)


@pytest.mark.parametrize(
    "link, ok",
    [
        ("https://en.wikipedia.org/wiki/Mamba_(software)", True),
        ("https://github.com/NREL/pinnstripes", True),
        ("https://github.com/NREL/pinnstripes)", False),
        ("https://en.wikipedia.org/wiki/Mamba_(software))", False),
        ("https://github.com/x/tool.", False),
        ("https://github.com/x/{tool}", False),
    ],
)
def test_the_link_rule_itself(link, ok):
    assert link_is_trimmed(link) is ok


@pytest.mark.parametrize(
    "abstract, links, shown",
    [
        # a parenthesis opened inside the URL is part of it; the sentence's full stop is not
        (
            "See https://en.wikipedia.org/wiki/Mamba_(software).",
            ("https://en.wikipedia.org/wiki/Mamba_(software)",),
            "See https://en.wikipedia.org/wiki/Mamba_(software).",
        ),
        # an unbalanced closing parenthesis is the sentence's
        ("Code at https://x.org/a) and more.", ("https://x.org/a",), "Code at https://x.org/a) and more."),
        ("Code (see https://x.org/a).", ("https://x.org/a",), "Code (see https://x.org/a)."),
        # both: the URL's own pair is kept, the sentence's closing one dropped
        (
            "A tool (see https://en.wikipedia.org/wiki/Mamba_(software)).",
            ("https://en.wikipedia.org/wiki/Mamba_(software)",),
            "A tool (see https://en.wikipedia.org/wiki/Mamba_(software)).",
        ),
        ("Two: https://x.org/f_(a)_(b), done.", ("https://x.org/f_(a)_(b)",), "Two: https://x.org/f_(a)_(b), done."),
    ],
)
def test_url_trimming_keeps_balanced_parentheses(abstract, links, shown):
    (paper,) = parse_text(page("Mar 11", "A Paper With A Link", abstract))
    assert paper.links == links
    assert paper.abstract == shown


@pytest.mark.parametrize(
    "fragment",
    [
        "that afflict naïve behavioral cloning",  # na\"ive
        "stochastic interpolants recover the Schrödinger bridge",  # Schr\"odinger
        "require large amounts of labeled training data",  # {\em labeled}
        "a generalization of the PL (Polyak-Łojasiewicz) condition",  # \L ojasiewicz
        "The proposed procedure is 30% faster",  # 30\%
        "completely novel. %For stochastic second-order methods",  # a bare % is text, not a comment
        "obtains a 10.5% improvement",
        "given sufficient capacity [Akyürek et al., 2023]",  # Aky\"urek
        "swapping argmax with the Fréchet mean",  # Fr\'echet
        "associated with echoes, in frequency space, which",  # {\it in frequency space}
        "(a.k.a. the number of parameters)",  # \aka
        "noise-contrastive estimation (NCE)",  # estimation~(NCE)
        "observed distributions π_0 and π_1",  # \pi_0
        "we propose a new error indicator, quantifying",  # {error indicator}
        "of rank r ll min{n_1,n_2}, and",  # math arguments keep their braces
    ],
)
def test_latex_debris_becomes_readable_text(seeds_corpus, fragment):
    abstract_with(seeds_corpus, fragment)


@pytest.mark.parametrize(
    "raw, title",
    [
        ('Na\\"ive {\\em Bayes} for \\L ojasiewicz sets', "Naïve Bayes for Łojasiewicz sets"),
        ('Light Schr\\"odinger Bridges', "Light Schrödinger Bridges"),
        ("{\\it Robust} Fr\\'echet Means", "Robust Fréchet Means"),
        ("50\\% Fewer {Parameters}: Pruning \\aka Sparsity", "50% Fewer Parameters: Pruning a.k.a. Sparsity"),
        ("Cost $\\mathcal{O}(n)$ Attention", "Cost 𝒪(n) Attention"),
    ],
)
def test_latex_debris_in_titles_becomes_readable_text(raw, title):
    """The seeds have LaTeX in abstracts only; titles go through the same cleaning."""
    text = page("Mar 11", raw, "An abstract with {\\em emphasis}.", "Next Paper", "Next abstract.")
    first, second = parse_text(text)
    assert (first.title, first.abstract) == (title, "An abstract with emphasis.")
    assert first.id == paper_id(title)
    assert second.title == "Next Paper"


def test_a_title_spelled_with_latex_is_the_same_paper_as_the_clean_spelling(tmp_path):
    a = write(tmp_path / "a.txt", page("Mar 1", 'Na\\"ive {\\em Bayes} for \\L ojasiewicz sets', "Short."))
    b = write(tmp_path / "b.txt", page("Mar 2", "Naïve Bayes for Łojasiewicz Sets", "A longer abstract."))
    (paper,) = load_corpus([a, b]).papers
    assert paper.title == "Naïve Bayes for Łojasiewicz sets"
    assert paper.dates == ("Mar 1", "Mar 2")


def test_no_latex_commands_survive(seeds_corpus):
    for paper in seeds_corpus.papers:
        assert "\\" not in paper.abstract and "\\" not in paper.title, paper.title
        assert "{\\em" not in paper.abstract


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("a {error indicator} here", "a error indicator here"),
        ("{word} at the start", "word at the start"),
        ("(x){y}", "(x)y"),
        ("cost mathcal{O}(n) time", "cost mathcal{O}(n) time"),  # glued to a word: a math argument, kept
        ("x^{2} and y_{i}", "x^{2} and y_{i}"),
        ("1{n h}", "1{n h}"),
        ("é{x}", "é{x}"),
        ('na\\"ive', "naïve"),
        ("{\\em labeled} data", "labeled data"),
        ("50\\% more", "50% more"),
        ("plain text, nothing to do", "plain text, nothing to do"),
    ],
)
def test_latex_debris_becomes_text_and_math_keeps_its_braces(raw, shown):
    from tui_reader.corpus import delatex

    assert delatex(raw) == shown


def test_links_are_found_whatever_the_case_of_the_scheme():
    from tui_reader.corpus import extract_links

    assert extract_links("See HTTPS://Example.com/x. and http://a.b/c), ok")[1] == (
        "HTTPS://Example.com/x",
        "http://a.b/c",
    )
    assert extract_links("no links here") == ("no links here", ())
