"""Files that are not plain dumps (FIFOs, devices, huge files, names that are not UTF-8), and many small files
on a first launch.

Anything that hung or ate memory before runs in a subprocess with a timeout (and a memory cap), so a regression
fails instead of hanging the test run."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tui_reader import corpus
from tui_reader.cli.launch import STREAM_ABOVE_FILES, is_big
from tui_reader.corpus import corpus_files, load_corpus, read_file

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
# Only regular files are read


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
# File names that are not UTF-8


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
# Many small files


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
