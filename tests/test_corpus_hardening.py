"""Issue 9: files that are not plain dumps (FIFOs, devices, huge files, names that are not UTF-8), paper ids
that must neither merge different papers nor split one, and many small files on a first launch.

Anything that hung or ate memory before runs in a subprocess with a timeout (and a memory cap), so a regression
fails instead of hanging the test run."""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tui_reader import corpus
from tui_reader import paper as paper_module
from tui_reader.cli.launch import STREAM_ABOVE_FILES, is_big
from tui_reader.corpus import bundled_seeds, corpus_files, load_corpus, normalise_title, paper_id, read_file, title_key

PAGE = "Daily Papers\n\nMar 11\n\n{title}\n\nAn abstract about {title}{more}, which ends here.\n"
TIMEOUT = 60  # seconds; a regression (a blocked open, an endless read) fails here instead of hanging
MEMORY_CAP = 2 << 30  # bytes of address space for a child: reading /dev/zero whole ends in MemoryError, fast


def dump(path: Path, title: str, cached: bool = False) -> Path:
    """A one-paper dump; ``cached``: long enough for the parse cache to keep it (CACHE_MIN_BYTES)."""
    more = " and more" * (corpus.CACHE_MIN_BYTES // 9 + 1) if cached else ""
    path.write_text(PAGE.format(title=title, more=more), encoding="utf-8")
    return path


def tui_reader(*args: str | Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the command line in a child process (inheriting the test's XDG dirs), capped in time and memory."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run(
        [sys.executable, "-m", "tui_reader", *map(os.fsencode, args)],
        capture_output=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
        preexec_fn=cap_memory,
        env={**os.environ, "LANG": "C.UTF-8", **(env or {})},
    )


def lines(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines()


def assert_no_traceback(run: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in run.stderr, run.stderr.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------------------
# 3. Only regular files are read


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("special", "what"),
    [("fifo", "a named pipe (FIFO)"), ("/dev/zero", "a character device"), ("/dev/urandom", "a character device")],
)
def test_a_special_file_given_directly_is_skipped_with_one_line_not_read(tmp_path, special, what):
    """A FIFO would hang the read; an endless device would be read until memory runs out."""
    if special == "fifo":
        special = tmp_path / "pipe.txt"
        os.mkfifo(special)
    run = tui_reader("list", special)
    assert_no_traceback(run)
    assert run.returncode == 1
    assert lines(run.stderr) == [
        f"tui-reader: warning: {special}: {what}, not a regular file; skipped",
        f"tui-reader: error: no papers found in {special}",
    ]


def test_the_reader_given_a_fifo_says_so_and_exits_instead_of_hanging(fifo):
    run = tui_reader(fifo)  # the reader reads a small corpus before it takes over the screen
    assert_no_traceback(run)
    assert run.returncode == 1
    assert f"{fifo}: a named pipe (FIFO), not a regular file; skipped" in run.stderr.decode()


def fifo_and_link(path: Path) -> None:
    os.mkfifo(path.with_suffix(".fifo"))
    path.symlink_to(path.with_suffix(".fifo"))


SPECIAL_ENTRIES = {
    "fifo": ("a named pipe (FIFO)", lambda path: os.mkfifo(path)),
    "symlink to a fifo": ("a named pipe (FIFO)", fifo_and_link),
    "symlink to /dev/zero": ("a character device", lambda path: path.symlink_to("/dev/zero")),
    "symlink to /dev/urandom": ("a character device", lambda path: path.symlink_to("/dev/urandom")),
    "folder named x.txt": ("a folder", lambda path: path.mkdir()),
}


@pytest.mark.parametrize("kind", SPECIAL_ENTRIES)
def test_a_special_txt_entry_in_a_folder_is_skipped_with_a_warning_and_the_rest_is_listed(tmp_path, kind):
    what, make = SPECIAL_ENTRIES[kind]
    folder = tmp_path / "dumps"
    folder.mkdir()
    dump(folder / "a.txt", "First Paper")
    make(folder / "b.txt")
    dump(folder / "c.txt", "Last Paper")
    run = tui_reader("list", folder)
    assert_no_traceback(run)
    assert run.returncode == 0
    assert [line.split("  ")[-1].strip() for line in lines(run.stdout)] == ["First Paper", "Last Paper"]
    assert lines(run.stderr) == [f"tui-reader: warning: {folder / 'b.txt'}: {what}, not a regular file; skipped"]


def test_devices_and_folders_named_txt_are_warned_about_by_load_corpus(tmp_path):
    # in this process, so only devices that end at once (/dev/null): a regression must not read /dev/zero here
    (tmp_path / "sub.txt").mkdir()
    (tmp_path / "null.txt").symlink_to("/dev/null")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere")
    dump(tmp_path / "good.txt", "Good Paper")
    loaded = load_corpus([tmp_path, "/dev/null"])
    assert [p.title for p in loaded.papers] == ["Good Paper"]
    assert loaded.warnings == [
        f"{tmp_path / 'gone.txt'}: cannot read (No such file or directory); skipped",
        f"{tmp_path / 'null.txt'}: a character device, not a regular file; skipped",
        f"{tmp_path / 'sub.txt'}: a folder, not a regular file; skipped",
        "/dev/null: a character device, not a regular file; skipped",
    ]


SWAP = """
import sys
from pathlib import Path
from tui_reader import corpus

real, checks = corpus._not_regular, []

def swapped(mode):  # the first look (before the open) still saw a regular file; then a FIFO took its place
    checks.append(mode)
    return None if len(checks) == 1 else real(mode)

corpus._not_regular = swapped
print(corpus.read_file(Path(sys.argv[1]), use_cache=False)[1])
"""


def test_a_fifo_swapped_in_between_the_check_and_the_open_neither_hangs_nor_is_read(fifo):
    run = subprocess.run([sys.executable, "-c", SWAP, str(fifo)], capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == repr([f"{fifo}: a named pipe (FIFO), not a regular file; skipped"])


def test_a_file_over_the_size_limit_is_refused_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_FILE_BYTES", 1000)
    small = dump(tmp_path / "small.txt", "Small Paper")
    big = dump(tmp_path / "big.txt", "Big Paper " + "x" * 1000)
    loaded = load_corpus([small, big], use_cache=False)
    assert [p.title for p in loaded.papers] == ["Small Paper"]
    assert loaded.warnings == [f"{big}: larger than 1000 bytes (the limit for one file); skipped"]


def test_a_file_that_says_it_is_empty_but_goes_on_is_read_no_further_than_the_limit(monkeypatch):
    """/proc files are regular files of size 0 that hold text, like a file still growing: the read is bounded."""
    maps = Path("/proc/self/maps")
    if not maps.exists() or maps.stat().st_size != 0:
        pytest.skip("needs Linux /proc")
    monkeypatch.setattr(corpus, "MAX_FILE_BYTES", 100)
    read_sizes: list[int] = []
    real_read = os.read

    def counting_read(fd: int, size: int) -> bytes:
        data = real_read(fd, size)
        read_sizes.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting_read)
    papers, warnings = read_file(maps, use_cache=False)
    monkeypatch.undo()
    assert papers == []
    assert warnings == [f"{maps}: larger than 100 bytes (the limit for one file); skipped"]
    assert sum(read_sizes) <= 101


def test_the_documented_limit_is_512_mb():
    assert corpus.MAX_FILE_BYTES == 512 * 1024 * 1024


# ---------------------------------------------------------------------------------------------------------
# 4. File names that are not UTF-8


@pytest.fixture
def bad_names(tmp_path: Path) -> Path:
    """A folder holding a dump and an empty file whose names are not UTF-8."""
    folder = tmp_path / "dumps"
    folder.mkdir()
    dump(Path(os.fsdecode(bytes(folder) + b"/bad\xff.txt")), "Paper From A Badly Named File", cached=True)
    Path(os.fsdecode(bytes(folder) + b"/empty\xfe.txt")).write_bytes(b"")
    return folder


def test_files_with_non_utf8_names_are_read_by_load_corpus_and_from_the_cache(bad_names):
    for _ in range(2):  # the second load comes from the parse cache, keyed by the name's bytes
        loaded = load_corpus([bad_names])
        assert [(p.title, p.sources) for p in loaded.papers] == [("Paper From A Badly Named File", ("bad\ufffd.txt",))]
        assert loaded.warnings == [f"{bad_names}/empty\ufffd.txt: empty file; skipped"]
    assert len(list(corpus.cache_dir().iterdir())) == 1  # the dump; an empty file is not worth an entry


@pytest.mark.parametrize("given", ["folder", "file"])
def test_list_text_and_json_show_non_utf8_names_with_replacement_characters(bad_names, given):
    target = bad_names if given == "folder" else Path(os.fsdecode(bytes(bad_names) + b"/bad\xff.txt"))
    text = tui_reader("list", target)
    records = tui_reader("list", "--format", "json", target)
    for run in (text, records):
        assert_no_traceback(run)
        assert run.returncode == 0
        if given == "folder":
            assert lines(run.stderr) == [f"tui-reader: warning: {bad_names}/empty\ufffd.txt: empty file; skipped"]
    assert lines(text.stdout)[0].endswith("Paper From A Badly Named File")
    assert [r["sources"] for r in json.loads(records.stdout)] == [["bad\ufffd.txt"]]


# ---------------------------------------------------------------------------------------------------------
# 5. Paper ids

# sha256 of json.dumps(sorted((title, id) for every seed paper), ensure_ascii=False), recorded with the ids as
# they were before issue 9: marks are kept by id, so no seed paper may get a new one.
SEED_IDS_DIGEST = "af79cfd770f5fe46590da361acbf1fa50d6b166208de583ef324d61ac3316df7"
SEED_IDS = set(
    re.findall(
        "[0-9a-f]{12}",
        """
005d76b990fe 009468038322 00c3dd39ee58 02140b79b91d 05bfe31b6210 062889b3faa2 06c3e734fd8f 071b28faf961
072a4bece132 0873221ce0d3 09bc382cbf6a 0a0dcb713c64 0b2b319290bc 0bc52af91e80 0c901e66c0e6 10e6e930215f
12d56b6bf6eb 13eba994953d 15fd41d4472e 165caa02cfcd 187cdcdb64b1 18c40de6eb67 1a526986868f 1ec6e050490f
1fb73b4c8534 2144518c957c 214c902a9ab3 23c0c7467ec2 24783584e27e 27880cc02038 287e8b71d5ff 28cc6b94c6f3
2934601bead2 2962058d3dd8 29714af901fe 2a3257573403 2af65a8499e9 2c8a448a9710 2d2ff3e97b65 2e0170c1c245
2e2a98254ce3 2eb02af9149b 2f5470425f45 2fb9839bbcfb 3091f73b5f5b 323dbd6e040d 3252f441315c 3317e5339888
34c343385855 364c5b5d7925 3692ac2c3ffb 3bd9a246b9db 3cdeb9c28a39 40523dff58c7 40e84a6b86d7 4239850b8981
437d25274317 45647469c463 466005d7ccb3 4796926c5e3e 480290ab1865 4890e16d3cc1 4a9cd0e50a55 4c11acc09c6c
4d4af4b130aa 4ef268d6ce4f 50b286d67658 50d846c258b8 52ce5adc2c1d 5811f885a079 5953955ccc01 5a3efeae1d64
5a77df086c1f 5bbbb15171ca 5bf396e614a9 5c78720fb44d 5e64371fc6b1 5ef7f97d77df 5fa753565d92 62e174cf82ac
635994234529 63e6c13dbecc 645f91e6125f 66a9967d7e5f 66eeb8c00a56 678da281de7b 68dc6e27f5ed 6923ce135cae
6a137ea83146 6b2f3de567df 6c0663ff3672 6d5a9f93d68e 6d6e1172a65e 6e3f0a25a874 6ebab36095c5 6f032c731891
6f27a51ca405 6f4cc9bfd9a9 70fff5567d26 7387d1ffb3cc 73e26174ecd5 75360721f863 7582bcb309bf 78f69b4c1e06
7a8c47f3441d 7ab438a948be 7b2cce0f6a77 7d98c23582b2 7e73a5e4735c 7ec95ec40150 7ef96c336106 7f8acdc9642c
7fe6b3155127 80e16641dda6 8276cde744be 8651b53d4e5c 882b333ccc49 88bd6cd64238 88fe43270572 8a1094d9e9fd
8ae16c89983c 8b6e293cd3d7 8d252ad60289 8d2c235ac90a 8d3387a8fd1c 8d56a9ede189 8d824fb8c037 8e7035a69098
8f52676ba036 8fc8f2f14fd3 8ffd8b58a0eb 94a0e8e72cae 9554630c4e64 959d9e6715c5 97261440396c 985c94d27af8
985d9afb36d5 990df7ca4942 99d0db11105c 99e64fd4b4c0 9a5bdded97e9 9f59f429f69a 9f8ac7ebb1f5 a1027d748d90
a130e0714e78 a35acb944daf a4d14c0f7899 a504fee4defe a6361fe0f77c a9c1e4209fd9 aa4fc438443c aaf5febfec43
ab5cd887645b ab7936415360 abc9bac21477 ac113e02f853 ae49b3618197 af40f71863d3 afbedff09269 b35ae4299acd
b4593ad73995 b5c06a8986ae b7e47df38194 b9693a05a362 b9a5ddff42f0 bb6b018752b5 bfdf3720b0ec c017ab3fa799
c2293ae4034c c3a7cb23a396 c7bb80dcccf4 c7d17288913e c88dd8ef4f69 ca7dbacae98c cb619cba434a cce540d20e47
cd53e7d72e9f cf48cdb9b6a0 d426786cdf05 d52a59a6f3ac d765395077ac da0e3fd9fe51 db3a8e5f52ef dd3060ee78cc
ddd37d77ead2 de777029b6a3 e1cb3cf344cf e357e23ac216 e6118cd14d60 e6fbba9a1f63 e7c64b95fa03 e9f4b10a2f8e
ec52b551cc3e ecf0ed2a0772 ed1475ca9c69 ee8d4f1d85dc ef4fdaec216c f112d5faee6e f251e62f9445 f280791037a1
f2a0d3e97475 f37d41e3c50a f6167065bff4 f756e9a7bb67 f8d3bd650b71 f8e1debd16ff fa4570dc59b9 fb2d5de54084
fb30da6c25ef fb80dc8c4e6e fd30d96c9f16
""",
    )
)


def test_every_seed_paper_keeps_its_id():
    papers = load_corpus([bundled_seeds()], use_cache=False).papers
    changed = sorted(p.title for p in papers if p.id not in SEED_IDS)
    assert changed == [], f"{len(changed)} seed papers got a new id (their marks would be lost)"
    pairs = sorted((p.title, p.id) for p in papers)
    assert len(pairs) == len(SEED_IDS) == 211
    assert hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode()).hexdigest() == SEED_IDS_DIGEST


def _id_before_issue_9(title: str) -> str:
    """paper_id as it was: every title with a letter or digit and no invisible character must keep it."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    letters = "".join(ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    return hashlib.blake2b(" ".join(letters.split()).encode(), digest_size=6).hexdigest()


FORMAT_CHAR = st.characters(categories=["Cf"])  # zero-width space, soft hyphen, word joiner, BOM, bidi marks, ...


@settings(max_examples=500, deadline=None)
@given(st.text().filter(lambda t: not any(unicodedata.category(ch) == "Cf" for ch in t)))
def test_ids_of_titles_with_a_letter_or_digit_are_those_they_had(title):
    assume(normalise_title(title))
    assert paper_id(title) == _id_before_issue_9(title)


@pytest.mark.parametrize(
    "title, same",
    [
        ("Dif\u00adfusion Models", "Diffusion Models"),  # soft hyphen
        ("Diffusion\u200b Models", "Diffusion Models"),  # zero-width space
        ("Diff\u2060usion Models", "Diffusion Models"),  # word joiner
        ("\ufeffDiffusion Models\u200d", "Diffusion Models"),  # byte-order mark, zero-width joiner
        ("Diffusion\u200b\u200bModels", "DiffusionModels"),
        ("!\u200b!!", "!!!"),
        ("🚀🚀 ", " 🚀🚀"),
        ("❤\ufe0f", "❤"),  # emoji presentation selector: the same heart
        ("！！！", "!!!"),
    ],
)
def test_invisible_characters_do_not_make_a_second_id(title, same):
    assert paper_id(title) == paper_id(same)


def test_titles_of_only_punctuation_or_emoji_are_different_papers():
    titles = ["!!!", "???", "🚀🚀", "🚀", "🎉🎉", "?!", "!?", "...", "— —", "——"]
    assert len({paper_id(t) for t in titles}) == len(titles)
    assert paper_id("!!!") != paper_id("") and paper_id("!!!") != paper_id("Bang")


def test_papers_titled_only_in_punctuation_are_listed_apart_and_invisible_characters_merge(tmp_path):
    pages = [
        ("Mar 11", "!!!"),
        ("Mar 11", "???"),
        ("Mar 11", "🚀🚀"),
        ("Mar 12", "Dif\u00adfusion Models"),
        ("Mar 13", "Diffusion Models"),
    ]
    for number, (date, title) in enumerate(pages):
        text = PAGE.format(title=title, more="").replace("Mar 11", date)
        (tmp_path / f"{number}.txt").write_text(text, encoding="utf-8")
    loaded = load_corpus([tmp_path])
    assert [(p.title, p.dates) for p in loaded.papers] == [
        ("!!!", ("Mar 11",)),
        ("???", ("Mar 11",)),
        ("🚀🚀", ("Mar 11",)),
        ("Dif\u00adfusion Models", ("Mar 12", "Mar 13")),
    ]


@st.composite
def with_format_chars(draw, title: str) -> str:
    chars = list(title)
    for _ in range(draw(st.integers(1, 4))):
        chars.insert(draw(st.integers(0, len(chars))), draw(FORMAT_CHAR))
    return "".join(chars)


@settings(max_examples=500, deadline=None)
@given(st.data(), st.one_of(st.text(), st.text(st.characters(max_codepoint=127))))
def test_inserting_invisible_format_characters_never_changes_an_id(data, title):
    assert paper_id(data.draw(with_format_chars(title))) == paper_id(title)


# few characters, so that two titles often differ only in spacing, case, accents, punctuation or invisible ones
NEAR_TITLE = st.text(st.sampled_from("aAbé1 -!?🚀\u200b\u00ad"), max_size=8)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.tuples(NEAR_TITLE, NEAR_TITLE), st.tuples(st.text(), st.text())))
def test_titles_whose_normalised_forms_differ_never_share_an_id(titles):
    a, b = titles
    assume(title_key(a) != title_key(b))
    assert paper_id(a) != paper_id(b)


# a punctuation mark or symbol that is its own compatibility form and case fold (so full-width and ASCII "!" are not
# drawn as two different marks) and is not a combining mark (those do not count, as accents do not)
# drawn from a few common ones too, so that titles such as "!! ?" and "! !?" come up
SYMBOL = st.one_of(
    st.sampled_from("!?.-#🚀"),
    st.characters(categories=["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"]).filter(
        lambda ch: unicodedata.normalize("NFKD", ch.casefold()) == ch and not unicodedata.combining(ch)
    ),
)
SYMBOL_TITLE = st.lists(st.text(SYMBOL, min_size=1, max_size=4), min_size=1, max_size=4)  # words of symbols
SPACES = st.text(st.sampled_from(" \t\u3000\u00a0"), min_size=1, max_size=3)


@st.composite
def spelled(draw, words: list[str]) -> str:
    """The words as a title, spaced any which way, invisible characters anywhere."""
    title = draw(st.sampled_from(["", " "])) + "".join(word + draw(SPACES) for word in words)
    return draw(st.one_of(st.just(title), with_format_chars(title)))


@st.composite
def symbol_title_pairs(draw) -> tuple[list[str], list[str]]:
    """Two titles of symbols: unrelated, the same, or the same symbols grouped otherwise ("!! ?" / "! !?")."""
    a = draw(SYMBOL_TITLE)
    how = draw(st.sampled_from(["other", "same", "regrouped"]))
    if how == "other":
        return a, draw(SYMBOL_TITLE)
    if how == "same":
        return a, list(a)
    chars = "".join(a)
    cuts = sorted(draw(st.sets(st.integers(1, len(chars) - 1)))) if len(chars) > 1 else []
    return a, [chars[i:j] for i, j in zip([0, *cuts], [*cuts, len(chars)], strict=True)]


@settings(max_examples=500, deadline=None)
@given(st.data(), symbol_title_pairs())
def test_titles_of_only_symbols_share_an_id_exactly_when_they_are_the_same_symbols(data, pair):
    a, b = pair
    first, second, again = data.draw(spelled(a)), data.draw(spelled(b)), data.draw(spelled(a))
    assert paper_id(first) == paper_id(again)
    assert (paper_id(first) == paper_id(second)) == (a == b)


@settings(max_examples=1000, deadline=None)
@given(st.text(st.characters(max_codepoint=127)))
def test_the_ascii_fast_path_gives_what_the_general_path_gives(title):
    assert normalise_title(title) == paper_module._normalise_unicode(title)


# ---------------------------------------------------------------------------------------------------------
# 9. Many small files


def test_a_first_launch_scans_the_cache_folder_once_however_many_entries_it_writes(tmp_path, monkeypatch):
    """Scanning the cache folder after every new entry made a first launch on 5,000 files take a minute."""
    for number in range(40):
        dump(tmp_path / f"{number:02d}.txt", f"Paper Number {number}", cached=True)
    scans: list[Path] = []
    real = corpus.prune_cache
    monkeypatch.setattr(corpus, "prune_cache", lambda folder, now=None: (scans.append(folder), real(folder, now)))
    loaded = load_corpus([tmp_path])
    assert len(loaded.papers) == 40
    assert len(list(corpus.cache_dir().iterdir())) == 40  # every file has its cache entry
    assert scans == [corpus.cache_dir()]


def test_small_dumps_are_parsed_each_time_and_leave_nothing_in_the_cache(tmp_path):
    """A file under CACHE_MIN_BYTES parses faster than its cache entry is found and read, and writing 3,000
    entries made a first launch on 3,000 small dumps several times slower than on one file of the same papers."""
    small = [dump(tmp_path / f"small{number}.txt", f"Small Paper {number}") for number in range(3)]
    big = dump(tmp_path / "big.txt", "Big Paper", cached=True)
    assert all(path.stat().st_size < corpus.CACHE_MIN_BYTES <= big.stat().st_size for path in small)
    for _ in range(2):
        titles = [p.title for p in load_corpus([tmp_path]).papers]
        assert titles == ["Big Paper", "Small Paper 0", "Small Paper 1", "Small Paper 2"]
        assert len(list(corpus.cache_dir().iterdir())) == 1


def test_a_folder_of_many_small_files_is_read_after_the_first_paint(tmp_path):
    """The reader reads a small corpus before its first frame; many files, however small, stream in after it."""
    for number in range(STREAM_ABOVE_FILES + 1):
        dump(tmp_path / f"{number:03d}.txt", f"Paper Number {number}")
    files = corpus_files([tmp_path])
    assert sum(path.stat().st_size for path in files) < 100_000
    assert is_big(files)
    assert not is_big(files[:STREAM_ABOVE_FILES])
    assert not is_big(corpus_files())  # the five seeds: on the first frame
