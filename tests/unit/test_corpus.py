"""Corpus parsing: spot checks on the five seed dumps, hand-made edge cases, the wheel, the parse cache.
(The `list` command is in test_cli.py.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import HEADER, S0, S1, S2, S3, S4, SEEDS, page, write

from tui_reader.corpus import CorpusError, bundled_seeds, load_corpus, paper_id, parse_text


def by_title(corpus, title: str):
    matches = [p for p in corpus.papers if p.title == title]
    assert len(matches) == 1, f"{title!r}: {len(matches)} matches"
    return matches[0]


def abstract_with(corpus, fragment: str) -> str:
    hits = [p.abstract for p in corpus.papers if fragment in p.abstract]
    assert hits, f"no abstract contains {fragment!r}"
    return hits[0]


# ---------------------------------------------------------------------------------------------------------
# The seeds


def test_seeds_have_260_entries_and_211_papers(seeds_corpus):
    assert seeds_corpus.entries == 260
    assert len(seeds_corpus.papers) == 211
    assert seeds_corpus.warnings == []
    assert len({p.id for p in seeds_corpus.papers}) == 211


def test_bundled_seeds_are_the_five_seed_files():
    bundled = sorted(p.name for p in bundled_seeds().glob("*.txt"))
    assert bundled == sorted(p.name for p in SEEDS.glob("*.txt")) == [S0, S1, S2, S3, S4]
    default = load_corpus(None)
    assert [p.id for p in default.papers][:3] == [
        paper_id("RLIF: Interactive Imitation Learning as Reinforcement Learning"),
        paper_id("Learning Unnormalized Statistical Models via Compositional Optimization"),
        paper_id("Barlow Twins: Self-Supervised Learning via Redundancy Reduction"),
    ]
    assert len(default.papers) == 211


def test_first_seed_paper(seeds_corpus):
    first = seeds_corpus.papers[0]
    assert first.title == "RLIF: Interactive Imitation Learning as Reinforcement Learning"
    assert first.abstract.startswith(
        "Although reinforcement learning methods offer a powerful framework for automatic skill acquisition,"
    )
    assert first.abstract.endswith("Code and videos can be found on the project website: rlif-page.github.io")
    assert first.dates == ("Mar 11",)
    assert first.sources == (S0,)
    assert first.links == ()
    assert re.fullmatch(r"[0-9a-f]{12}", first.id)


def test_last_paper_comes_from_the_last_file(seeds_corpus):
    assert seeds_corpus.papers[-1].sources == (S4,)
    assert seeds_corpus.papers[-1].dates == ("Sep 9",)


def test_recurring_papers_keep_every_date_and_source(seeds_corpus):
    everywhere = by_title(
        seeds_corpus,
        "More is Better in Modern Machine Learning: when Infinite Overparameterization is Optimal and "
        "Overfitting is Obligatory",
    )
    assert everywhere.dates == ("Mar 11", "Mar 17", "Apr 28", "Sep 9")
    assert everywhere.sources == (S0, S2, S3, S4)

    # two pages dated Mar 17: one date, both sources
    stn = by_title(
        seeds_corpus,
        "Self-Tuning Networks: Bilevel Optimization of Hyperparameters using Structured Best-Response Functions",
    )
    assert stn.dates == ("Mar 11", "Mar 17", "Sep 9")
    assert stn.sources == (S0, S1, S2, S4)

    light = by_title(seeds_corpus, "Light Schrödinger Bridge")
    assert light.dates == ("Mar 11", "Mar 17", "Apr 28")
    assert light.sources == (S0, S2, S3)
    assert light.links == ("https://github.com/ngushchin/LightSB",)
    assert light.abstract.endswith("The code for our solver can be found at https://github.com/ngushchin/LightSB")


def test_duplicate_with_different_abstracts_keeps_the_longest(seeds_corpus):
    # 002 writes "algorithm -- using", 004 "algorithm--using": the longer (spaced) one wins
    paper = by_title(
        seeds_corpus, "Learning to Relax: Setting Solver Parameters Across a Sequence of Linear System Instances"
    )
    assert paper.sources == (S2, S4)
    assert "learning algorithm -- using only the number of iterations as feedback -- can select" in paper.abstract


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


# ---------------------------------------------------------------------------------------------------------
# Hand-made pages


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


def test_folder_reads_every_txt_file_sorted(tmp_path):
    write(tmp_path / "b.txt", page("Mar 2", "Bee Paper", "B."))
    write(tmp_path / "a.txt", page("Mar 1", "Ay Paper", "A."))
    write(tmp_path / "notes.md", page("Mar 3", "Not Read", "M."))
    corpus = load_corpus([tmp_path])
    assert [(p.title, p.sources) for p in corpus.papers] == [("Ay Paper", ("a.txt",)), ("Bee Paper", ("b.txt",))]


def test_missing_path_raises_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match=r"nowhere\.txt"):
        load_corpus([tmp_path / "nowhere.txt"])


# ---------------------------------------------------------------------------------------------------------
# Shipping: the wheel carries every module and the five seeds, and works from any directory


def test_wheel_ships_every_module_and_the_seeds(tmp_path):
    root = SEEDS.parent
    src = tmp_path / "src"  # build from a copy, so the working tree gets no build/ or egg-info
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        (src / name).write_bytes((root / name).read_bytes())
    shutil.copytree(root / "seeds", src / "seeds")
    no_cache = shutil.ignore_patterns("__pycache__")
    shutil.copytree(root / "tui_reader", src / "tui_reader", symlinks=True, ignore=no_cache)
    assert (src / "tui_reader" / "seeds").is_symlink()
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    modules = {p.relative_to(src).as_posix() for p in (src / "tui_reader").rglob("*.py")}
    assert modules <= names
    shipped_seeds = {n.removeprefix("tui_reader/seeds/") for n in names if n.startswith("tui_reader/seeds/")}
    assert shipped_seeds == {S0, S1, S2, S3, S4}

    # the installed package, run from "/", lists the bundled corpus
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    code = "import sys, tui_reader.cli as c; assert c.__file__.startswith(sys.argv[1]); sys.exit(c.main(['list']))"
    site = str(tmp_path / "site")
    run = subprocess.run(
        [sys.executable, "-c", code, site], cwd="/", env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == 211


@pytest.fixture
def cache_small_files(monkeypatch):
    """The pages of the cache tests are tiny, and a file under CACHE_MIN_BYTES is parsed, never cached: cache
    them anyway, so these tests see the cache at work."""
    from tui_reader import corpus

    monkeypatch.setattr(corpus, "CACHE_MIN_BYTES", 0)


def test_cached_warnings_name_the_file_as_the_caller_spelled_it(tmp_path, monkeypatch, cache_small_files):
    from tui_reader.corpus import read_file

    (tmp_path / "empty.txt").write_text("")
    monkeypatch.chdir(tmp_path)
    assert read_file(Path("empty.txt"))[1] == ["empty.txt: empty file; skipped"]
    assert read_file(tmp_path / "empty.txt")[1] == [f"{tmp_path / 'empty.txt'}: empty file; skipped"]  # from cache


# ---------------------------------------------------------------------------------------------------------
# The parse cache: a file is parsed once; a changed file, a damaged or unwritable cache never shows stale papers


def _cached_parse_counter(monkeypatch) -> list[str]:
    from tui_reader import corpus

    parsed: list[str] = []
    real = corpus._parse_parts

    def counting(path):
        parsed.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(corpus, "_parse_parts", counting)
    return parsed


def test_an_unchanged_file_is_parsed_once_then_read_from_the_cache(tmp_path, monkeypatch, cache_small_files):
    from tui_reader.corpus import read_file

    parsed = _cached_parse_counter(monkeypatch)
    page = write(tmp_path / "page.txt", HEADER + "Mar 11\n\nA Title\n\nAn abstract that ends here.\n")
    first = read_file(page)
    assert read_file(page) == first
    assert parsed == ["page.txt"]
    assert [p.title for p in first[0]] == ["A Title"]


def test_a_changed_file_is_parsed_again(tmp_path, monkeypatch, cache_small_files):
    from tui_reader.corpus import read_file

    parsed = _cached_parse_counter(monkeypatch)
    page = write(tmp_path / "page.txt", HEADER + "Mar 11\n\nA Title\n\nAn abstract that ends here.\n")
    read_file(page)
    write(page, HEADER + "Mar 12\n\nA Title\n\nAn abstract that ends here.\n")  # same size, new content
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 1_000_000))
    assert read_file(page)[0][0].dates == ("Mar 12",)
    assert parsed == ["page.txt", "page.txt"]


def test_a_file_cached_by_other_parsing_code_is_parsed_again(tmp_path, monkeypatch, cache_small_files):
    """The parse cache is stamped with the parsing code's fingerprint (sources.registry): a reader whose parsers
    changed never shows what the old ones made of a file."""
    from tui_reader import corpus

    parsed = _cached_parse_counter(monkeypatch)
    page = write(tmp_path / "page.txt", HEADER + "Mar 11\n\nA Title\n\nAn abstract that ends here.\n")
    corpus.read_file(page)
    corpus.read_file(page)
    assert parsed == ["page.txt"]
    monkeypatch.setattr(corpus, "fingerprint", lambda: "other parsers")
    assert [p.title for p in corpus.read_file(page)[0]] == ["A Title"]
    assert parsed == ["page.txt", "page.txt"]


def test_a_damaged_or_unwritable_cache_only_costs_a_parse(tmp_path, monkeypatch, cache_small_files):
    from tui_reader.corpus import cache_dir, read_file

    parsed = _cached_parse_counter(monkeypatch)
    page = write(tmp_path / "page.txt", HEADER + "Mar 11\n\nA Title\n\nAn abstract that ends here.\n")
    read_file(page)
    for entry in cache_dir().iterdir():
        entry.write_bytes(b"\x80\x05 not a pickle")
    assert [p.title for p in read_file(page)[0]] == ["A Title"]
    assert len(parsed) == 2
    shutil.rmtree(cache_dir())
    cache_dir().write_text("a file where the cache folder should be")
    assert [p.title for p in read_file(page)[0]] == ["A Title"]
    assert [p.title for p in read_file(page)[0]] == ["A Title"]
    assert len(parsed) == 4


def test_cache_entries_unused_for_weeks_are_pruned_and_used_ones_kept(tmp_path, cache_small_files):
    import time

    from tui_reader.corpus import CACHE_UNUSED_DAYS, cache_dir, read_file

    pages = [
        write(tmp_path / f"p{n}.txt", HEADER + f"Mar 1{n}\n\nTitle {n}\n\nAn abstract, number {n}.\n") for n in range(3)
    ]
    read_file(pages[0])
    read_file(pages[1])
    long_ago = time.time() - (CACHE_UNUSED_DAYS + 1) * 86400
    for entry in cache_dir().iterdir():
        os.utime(entry, (long_ago, long_ago))
    read_file(pages[0])  # still in use: read from the cache, which marks it used
    # a later launch writes a new entry: stale ones go (a process prunes once, at its first new entry)
    launch = (
        "import sys; from pathlib import Path; from tui_reader import corpus; corpus.CACHE_MIN_BYTES = 0; "
        "corpus.read_file(Path(sys.argv[1]))"
    )
    subprocess.run([sys.executable, "-c", launch, str(pages[2])], check=True, timeout=60)
    assert len(list(cache_dir().iterdir())) == 2
    assert read_file(pages[1])[0][0].title == "Title 1"  # parsed again when it comes back


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
