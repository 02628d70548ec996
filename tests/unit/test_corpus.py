"""The corpus: the five seed dumps read and merged, folders, the wheel, the parse cache. (Parsing a dump is in
sources/test_dumps.py, cleaning LaTeX and links in sources/test_cleaning.py; the `list` command in the CLI's tests.)"""

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

from tui_reader.corpus import CorpusError, bundled_seeds, load_corpus, paper_id


def by_title(corpus, title: str):
    matches = [p for p in corpus.papers if p.title == title]
    assert len(matches) == 1, f"{title!r}: {len(matches)} matches"
    return matches[0]


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
# Shipping: the wheel carries every module, its stylesheets and the five seeds, and works from any directory


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
    styles = {p.relative_to(src).as_posix() for p in (src / "tui_reader").rglob("*.tcss")}  # the reader's, dialogs'
    assert len(styles) == 2 and styles <= names
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


# ---------------------------------------------------------------------------------------------------------
# The parsers' fingerprint, remembered beside the parse cache: used while nothing it covers changed


@pytest.fixture
def fresh_fingerprints():
    """Both fingerprints are worked out once per process: worked out again for this test, and after it."""
    from tui_reader import corpus
    from tui_reader.sources import registry

    caches = (corpus.fingerprint, registry.fingerprint)  # the real ones, whatever a test puts in their place
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


def _memo() -> Path:
    from tui_reader.corpus import FINGERPRINT_MEMO, cache_dir

    return cache_dir().parent / FINGERPRINT_MEMO


def test_a_launch_served_from_the_parse_cache_imports_no_source(tmp_path):
    """The second launch reads the seeds from the cache and the fingerprint from its memo: no parser is loaded."""
    launch = (
        "import sys; from tui_reader.corpus import load_corpus; assert len(load_corpus().papers) == 211; "
        "print(sorted(m for m in sys.modules if m.startswith('tui_reader.sources')))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def loaded() -> str:
        run = subprocess.run([sys.executable, "-c", launch], capture_output=True, text=True, env=env, timeout=60)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert "tui_reader.sources.dumps" in loaded()  # the first launch parses the seeds
    assert loaded() == "[]"
    assert loaded() == "[]"


def test_the_memo_holds_the_fingerprint_until_a_file_it_covers_changes(tmp_path, monkeypatch, fresh_fingerprints):
    from tui_reader import corpus
    from tui_reader.sources import registry

    copies = []
    for path in registry.fingerprinted_files():
        copy = tmp_path / "code" / path.name
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    monkeypatch.setattr(registry, "fingerprinted_files", lambda registered=None: copies)
    first = corpus.fingerprint()
    assert first == registry.fingerprint()
    assert first in _memo().read_text().splitlines()

    worked_out = []
    monkeypatch.setattr(registry, "fingerprint", lambda: worked_out.append(1) or "0123abcd")
    corpus.fingerprint.cache_clear()
    assert corpus.fingerprint() == first  # every covered file as it was: the memo's value, nothing worked out
    assert worked_out == []

    with copies[-1].open("a") as code:
        code.write("# edited\n")
    corpus.fingerprint.cache_clear()
    assert corpus.fingerprint() == "0123abcd"  # worked out again, and remembered
    assert worked_out == [1]
    corpus.fingerprint.cache_clear()
    assert corpus.fingerprint() == "0123abcd"
    assert worked_out == [1]


def test_another_copy_of_the_reader_sharing_the_cache_folder_works_its_own_fingerprint_out(tmp_path):
    """A second checkout (or virtualenv) with a parser of its own: the memo the first one left names the first one's
    files, all unchanged, and must not stand for the second's code (its stores and parse caches would be trusted)."""
    import tui_reader

    package = Path(tui_reader.__file__).parent
    other = tmp_path / "other"
    shutil.copytree(package, other / "tui_reader", ignore=shutil.ignore_patterns("__pycache__"))
    with (other / "tui_reader" / "sources" / "arxiv.py").open("a") as parser:
        parser.write("\nCHANGED = True  # another version of a parser\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def fingerprint_of(root: Path) -> str:
        run = subprocess.run(
            [sys.executable, "-P", "-c", "from tui_reader.corpus import fingerprint; print(fingerprint())"],
            capture_output=True, text=True, env={**env, "PYTHONPATH": str(root)}, timeout=60, cwd=tmp_path,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    ours = fingerprint_of(package.parent)
    theirs = fingerprint_of(other)
    assert theirs != ours
    assert fingerprint_of(package.parent) == ours and fingerprint_of(other) == theirs


@pytest.mark.parametrize("what", ["damaged", "a file it names is gone", "a FIFO", "a folder", "huge"])
def test_a_bad_memo_only_costs_working_the_fingerprint_out(tmp_path, fresh_fingerprints, what):
    from tui_reader import corpus
    from tui_reader.sources import registry

    memo = _memo()
    memo.parent.mkdir(parents=True, exist_ok=True)
    if what == "damaged":
        memo.write_bytes(b"\xff\x00 not a memo\n")
    elif what == "a file it names is gone":
        memo.write_text(f"{corpus._memo_header()}\nffffffff\n1:2:3:4 {os.fsencode(tmp_path / 'gone.py').hex()}")
    elif what == "a FIFO":
        os.mkfifo(memo)  # never opened for reading: it would block
    elif what == "a folder":
        memo.mkdir()
    else:
        memo.write_bytes(f"{corpus._memo_header()}\nffffffff\n".encode() + b"x" * (1 << 20))
    assert corpus.fingerprint() == registry.fingerprint()


def test_a_file_changed_while_the_fingerprint_is_worked_out_leaves_the_memo_stale_not_wrong(
    tmp_path, monkeypatch, fresh_fingerprints
):
    from tui_reader import corpus
    from tui_reader.sources import registry

    code = tmp_path / "parser.py"
    code.write_text("PARSE = 1\n")
    monkeypatch.setattr(registry, "fingerprinted_files", lambda registered=None: [code])

    def worked_out_while_an_upgrade_writes() -> str:
        with code.open("a") as changing:
            changing.write("PARSE = 2\n")  # after the code was read for this value
        return "0000old0"

    monkeypatch.setattr(registry, "fingerprint", worked_out_while_an_upgrade_writes)
    assert corpus.fingerprint() == "0000old0"
    monkeypatch.setattr(registry, "fingerprint", lambda: "0000new0")
    corpus.fingerprint.cache_clear()
    assert corpus.fingerprint() == "0000new0"  # the memo did not vouch for the old value over the new code
