"""The paper store: a file's papers written once, read back equal (merged as PaperSet merges them), never trusted
when stale, foreign or damaged, never half-written on a full disk, and still readable while a new one replaces it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui_reader import paper_store
from tui_reader.corpus import read_file
from tui_reader.paper import Paper, paper_id
from tui_reader.paper_set import PaperSet
from tui_reader.paper_store import StoreDamaged, StoredPapers, first_papers, open_store
from tui_reader.paper_store_writer import write_store

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
SNAPSHOT = REAL / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl"
PRINT = "parser-1"


def identity(path: Path) -> str:
    info = os.stat(path)
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def store(source: Path, papers: list[Paper], folder: Path, warnings: tuple[str, ...] = ()) -> StoredPapers | None:
    """Write ``papers`` as the store of ``source`` in parts of 7 (the last part with the warnings)."""
    parts = [(papers[i : i + 7], []) for i in range(0, len(papers), 7)] + [([], list(warnings))]
    return write_store(source, iter(parts), fingerprint=PRINT, identity_before=identity(source), folder=folder)


@pytest.fixture
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Paper]]:
    """A copy of the real arXiv snapshot lines (outside tmp_path: that is the stores' folder) and their papers as
    the project's parser reads them."""
    source = tmp_path_factory.mktemp("source") / "snapshot.jsonl"
    shutil.copyfile(SNAPSHOT, source)
    papers, warnings = read_file(source, use_cache=False)
    assert len(papers) == 100 and not warnings
    return source, papers


def test_a_real_file_reads_back_equal_with_its_lookups_and_texts(snapshot, tmp_path):
    source, papers = snapshot
    written = store(source, papers, tmp_path / "stores", ("line 3: not JSON; skipped",))
    assert written is not None
    found = open_store(source, tmp_path / "stores", fingerprint=PRINT)
    assert found is not None and found.key == written.key
    assert len(found) == 100
    for i, paper in enumerate(papers):
        assert found[i] == paper, i
    assert found[-1] == papers[-1] and found[95:200] == papers[95:]
    with pytest.raises(IndexError):
        found[100]
    assert found.warnings == ["line 3: not JSON; skipped"]
    assert [i.decode() for i in found.ids.tolist()] == [p.id for p in papers]
    assert found.arxiv[0] == b"0704.0001" and found.arxiv[99] == b"0704.0100"
    assert found.position_of_id(papers[42].id) == 42 and found.position_of_id("000000000000") is None
    assert found.position_of_arxiv("0704.0057") == 56 and found.position_of_arxiv("0704.9999") is None
    assert found.rows_of_ids([papers[7].id, "nope", papers[0].id, "é" * 12]).tolist() == [7, -1, 0, -1]
    assert found.texts("title")[10:13] == [p.title for p in papers[10:13]]
    assert found.texts("abstract")[-1] == papers[-1].abstract
    assert found.text_lengths()[:3].tolist() == [len(p.title) + len(p.abstract) for p in papers[:3]]
    with pytest.raises(ValueError):
        found.ids[0] = b"x"  # read-only: the mapped file is never written through


def test_papers_that_are_one_paper_are_merged_as_a_paper_set_merges_them(snapshot, tmp_path):
    source, papers = snapshot
    a, b, c = papers[3], papers[4], papers[5]
    more = [
        Paper(a.id, a.title.upper(), a.abstract + " Longer.", dates=("Mar 11",), sources=("hf",), upvotes=9),  # title
        Paper(paper_id("Another name"), "Another name", "x", arxiv_id=b.arxiv_id, authors=("Z",)),  # arXiv id: alias
        Paper(paper_id("Another name"), "Another name", "y", dates=("Mar 12",)),  # joins b through the alias
        Paper(c.id, c.title, "", arxiv_id="9999.00001"),  # the title, a second arXiv id
        Paper(paper_id("New"), "New", "n", arxiv_id="9999.00001"),  # joins c by that second arXiv id
    ]
    everything = papers + more
    expected = PaperSet(everything)
    found = store(source, everything, tmp_path)
    assert found is not None
    assert list(found) == list(expected)
    assert len(found) == 100
    assert found[3].upvotes == 9 and found[3].abstract.endswith("Longer.") and found[4].dates == ("Mar 12",)
    assert found.position_of_arxiv("9999.00001") == 5
    assert found.position_of_alias(paper_id("Another name")) == 4
    assert found.position_of_id(paper_id("Another name")) is None  # an alias is not a row's id (PaperSet.ids)
    assert found.texts("abstract")[3] == expected[3].abstract


EDITS = {
    "appended": lambda path: path.write_bytes(path.read_bytes() + b"\n"),
    "edited": lambda path: path.write_bytes(path.read_bytes().replace(b"Tevatron", b"Tevatrom", 1)),
    "replaced": lambda path: (shutil.copy2(path, path.with_name("new")), os.replace(path.with_name("new"), path)),
    "touched": lambda path: os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns + 1000)),
    "rewritten in place, times put back": lambda path: (
        (times := os.stat(path)),
        path.write_bytes(path.read_bytes().replace(b"Tevatron", b"Tevatrom", 1)),
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns)),
    ),
}  # fmt: skip


@pytest.mark.parametrize("edit", EDITS)
def test_a_store_of_a_file_changed_since_is_not_opened(snapshot, tmp_path, edit):
    source, papers = snapshot
    assert store(source, papers, tmp_path) is not None
    assert open_store(source, tmp_path, fingerprint=PRINT) is not None
    EDITS[edit](source)
    assert open_store(source, tmp_path, fingerprint=PRINT) is None


def test_a_store_written_by_other_parsing_code_is_not_opened(snapshot, tmp_path):
    source, papers = snapshot
    assert store(source, papers, tmp_path) is not None
    assert open_store(source, tmp_path, fingerprint="parser-2") is None
    assert open_store(source, tmp_path, fingerprint=PRINT) is not None  # nor removed


def test_a_file_changed_while_parsed_is_stored_stale(snapshot, tmp_path):
    source, papers = snapshot
    before = identity(source)
    EDITS["appended"](source)  # during the parse
    written = write_store(source, [(papers, [])], fingerprint=PRINT, identity_before=before, folder=tmp_path)
    assert written is not None and written[0] == papers[0]  # what was parsed, for this launch
    assert open_store(source, tmp_path, fingerprint=PRINT) is None  # parsed again next time


def only_store(folder: Path) -> Path:
    (found,) = [p for p in folder.iterdir() if not p.name.startswith(".") and p.is_dir()]
    return found


def opened_in_child(source: Path, folder: Path) -> str:
    """What open_store gives in a child process, killed after 30 s (a store file that blocks or never ends)."""
    code = "import sys; from pathlib import Path; from tui_reader.paper_store import open_store; "
    code += f"print(open_store(Path(sys.argv[1]), Path(sys.argv[2]), fingerprint={PRINT!r}))"
    env = {**os.environ, "PYTHONPATH": str(Path(paper_store.__file__).parents[1])}  # this checkout's package
    args = [sys.executable, "-c", code, source, folder]
    done = subprocess.run(args, capture_output=True, text=True, timeout=30, env=env, cwd=folder)
    return done.stdout.strip() or done.stderr


def flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


COLUMN_FILES = sorted(paper_store._COLUMNS)


def damage_file(path: Path, damage: str) -> None:
    """Damage one file of a store as a disk, a copy or a person might."""
    size = path.stat().st_size
    if damage == "flip":
        flip(path, size // 2)
    elif damage == "truncate":
        os.truncate(path, size - 1)
    elif damage == "delete":
        path.unlink()
    elif damage == "fifo":
        path.unlink()
        os.mkfifo(path)
    elif damage == "link to /dev/zero":
        path.unlink()
        path.symlink_to("/dev/zero")
    else:
        path.write_bytes(b"{\x00not json" if path.name == "meta.json" else b"\xff" * size)


@pytest.mark.parametrize("name", [*COLUMN_FILES, "meta.json"])
@pytest.mark.parametrize("damage", ["flip", "truncate", "delete", "fifo", "link to /dev/zero", "garbage"])
def test_a_damaged_column_or_meta_is_never_trusted_and_is_removed(snapshot, tmp_path, name, damage):
    source, papers = snapshot
    papers = [*papers, Paper(paper_id("Another name"), "Another name", "x", arxiv_id=papers[4].arxiv_id)]  # an alias
    assert store(source, papers, tmp_path) is not None
    path = only_store(tmp_path) / name
    assert path.stat().st_size > 1
    damage_file(path, damage)
    if damage in ("fifo", "link to /dev/zero"):
        assert opened_in_child(source, tmp_path) == "None"  # a child: a regression fails, never hangs the run
    assert open_store(source, tmp_path, fingerprint=PRINT) is None
    if not (damage == "delete" and name == "meta.json"):  # a folder without meta is no store: written over
        assert not any(tmp_path.iterdir()), "a damaged store is removed, so it is rebuilt"
    assert store(source, papers, tmp_path) is not None
    assert list(open_store(source, tmp_path, fingerprint=PRINT) or []) == list(PaperSet(papers))


@pytest.mark.parametrize(("name", "field"), [("text.bin", "title"), ("text.bin", "abstract"), ("rest.bin", "rest")])
def test_a_damaged_record_raises_when_read_and_the_store_is_rebuilt_next_time(snapshot, tmp_path, name, field):
    source, papers = snapshot
    written = store(source, papers, tmp_path)
    assert written is not None
    c = written._c
    at = {"title": c["text_at"][60], "abstract": c["text_at"][60] + c["title_len"][60], "rest": c["rest_at"][60]}
    flip(only_store(tmp_path) / name, int(at[field]) + 2)  # row 60, after the write (mapped: seen by the open store)
    found = open_store(source, tmp_path, fingerprint=PRINT)
    assert found is not None and found[59] == papers[59] and found[61] == papers[61]
    with pytest.raises(StoreDamaged):
        found[60]
    if field != "rest":
        with pytest.raises(StoreDamaged):
            found.texts(field)[58:62]
    assert open_store(source, tmp_path, fingerprint=PRINT) is None


def test_the_first_papers_read_without_the_whole_store_are_the_files_first_papers(snapshot, tmp_path):
    source, papers = snapshot
    assert store(source, papers, tmp_path) is not None
    assert first_papers(source, tmp_path, fingerprint=PRINT, count=30) == papers[:30]
    assert first_papers(source, tmp_path, fingerprint=PRINT, count=500) == papers  # a store shorter than asked
    assert first_papers(source, tmp_path, fingerprint="parser-2", count=30) == []  # other parsing code
    os.utime(source, ns=(1, 1))  # the file changed since
    assert first_papers(source, tmp_path, fingerprint=PRINT, count=30) == []


@pytest.mark.parametrize("name", [*COLUMN_FILES, "meta.json", "text.bin", "rest.bin"])
@pytest.mark.parametrize("damage", ["flip", "truncate", "delete", "garbage"])
def test_first_papers_of_a_damaged_store_are_none_or_exactly_the_papers_written(snapshot, tmp_path, name, damage):
    """What the first papers read (the ids column whole, each row's texts and record) is checked: damage there
    gives no papers; damage elsewhere is found when the store is opened."""
    source, papers = snapshot
    papers = [*papers, Paper(paper_id("Another name"), "Another name", "x", arxiv_id=papers[4].arxiv_id)]  # an alias
    assert store(source, papers, tmp_path) is not None
    path = only_store(tmp_path) / name
    damage_file(path, damage)
    found = first_papers(source, tmp_path, fingerprint=PRINT, count=200)
    read = {"ids", "text_at", "title_len", "abstract_len", "title_crc", "abstract_crc", "rest_at", "rest_len",
            "rest_crc", "meta.json", "text.bin", "rest.bin"}  # fmt: skip
    assert found == ([] if name in read else list(PaperSet(papers)))


def test_a_truncated_blob_is_not_opened(snapshot, tmp_path):
    source, papers = snapshot
    assert store(source, papers, tmp_path) is not None
    path = only_store(tmp_path) / "text.bin"
    os.truncate(path, path.stat().st_size - 1)
    assert open_store(source, tmp_path, fingerprint=PRINT) is None
    assert not any(tmp_path.iterdir())


def test_a_store_folder_that_is_a_link_is_not_followed(snapshot, tmp_path):
    source, papers = snapshot
    stores = tmp_path / "stores"
    assert store(source, papers, stores) is not None
    real = only_store(stores)
    elsewhere = tmp_path / "elsewhere"
    real.rename(elsewhere)
    real.symlink_to(elsewhere)
    assert open_store(source, stores, fingerprint=PRINT) is None
    assert not real.is_symlink() and (elsewhere / "meta.json").exists()  # the link removed, never what it points at


def test_an_old_store_stays_readable_while_a_new_one_replaces_it(snapshot, tmp_path):
    source, papers = snapshot
    old = store(source, papers, tmp_path)
    assert old is not None
    source.write_bytes(b"".join(SNAPSHOT.read_bytes().splitlines(keepends=True)[50:]))
    new_papers, _ = read_file(source, use_cache=False)
    new = store(source, new_papers, tmp_path)
    assert new is not None and new.key != old.key and len(new) == 50
    assert list(old) == papers and old.texts("abstract")[:100] == [p.abstract for p in papers]
    assert list(open_store(source, tmp_path, fingerprint=PRINT) or []) == new_papers


def test_the_least_recently_used_stores_are_pruned(tmp_path):
    sources = []
    for n in range(paper_store.MAX_STORES + 2):
        source = tmp_path / f"file-{n}.txt"
        source.write_text(f"file {n}")
        sources.append(source)
        assert store(source, [Paper(paper_id(f"t{n}"), f"t{n}", "a")], tmp_path / "stores") is not None
        if n == 0:
            os.utime(only_store(tmp_path / "stores") / "meta.json", (1, 1))  # the oldest
    opened = [open_store(s, tmp_path / "stores", fingerprint=PRINT) is not None for s in sources]
    assert opened == [False, False] + [True] * paper_store.MAX_STORES


def test_a_full_disk_leaves_the_old_store_whole_and_nothing_half_written(snapshot, small_disk):
    source, papers = snapshot
    assert store(source, papers, small_disk) is not None  # ~150 KB
    filler = small_disk / "filler"
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    filler.write_bytes(b"x" * (free - 40_000))
    assert store(source, papers * 3, small_disk) is None  # the same file (still fresh), a bigger store: no room
    assert sorted(p.name for p in small_disk.iterdir()) == sorted([only_store(small_disk).name, "filler"])
    assert list(open_store(source, small_disk, fingerprint=PRINT) or []) == papers
    shutil.rmtree(only_store(small_disk))
    filler.unlink()
    filler.write_bytes(b"x" * (os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize - 40_000))
    assert store(source, papers, small_disk) is None  # no old store: nothing at all
    assert [p.name for p in small_disk.iterdir()] == ["filler"]


def test_a_folder_that_cannot_be_written_gives_no_store(snapshot, tmp_path):
    source, papers = snapshot
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert store(source, papers, blocked) is None
    assert open_store(source, blocked, fingerprint=PRINT) is None


def test_an_empty_file_stores_no_papers(tmp_path):
    source = tmp_path / "empty.jsonl"
    source.write_bytes(b"")
    found = store(source, [], tmp_path / "stores", ("no papers found; skipped",))
    assert found is not None and len(found) == 0 and list(found) == [] and found.warnings
    assert found.position_of_id("000000000000") is None and found.rows_of_ids(["000000000000"]).tolist() == [-1]
    assert open_store(source, tmp_path / "stores", fingerprint=PRINT) is not None


def test_importing_the_store_loads_no_numpy():
    code = "import sys, tui_reader.paper_store; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
optional = st.none() | texts
words = st.lists(texts, max_size=3).map(tuple)


@st.composite
def random_papers(draw: st.DrawFn) -> Paper:
    title = draw(texts)
    return Paper(
        paper_id(title), title, draw(texts), draw(words), draw(words), draw(words), draw(optional), draw(words),
        draw(optional), draw(st.none() | st.integers(-(2**40), 2**40)), categories=draw(words), doi=draw(optional),
        et_al=draw(st.booleans()), arxiv_version=draw(st.none() | st.integers(0, 99)),
    )  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(random_papers(), max_size=12))
@example([Paper(paper_id("a"), "a", "", arxiv_id=""), Paper(paper_id("b"), "b", "", arxiv_id="1\x00")])  # found once
def test_random_papers_read_back_as_a_paper_set_holds_them(tmp_path, papers):
    source = tmp_path / "random.txt"
    source.write_text("x")
    expected = PaperSet(papers)
    found = store(source, papers, tmp_path / "stores")
    assert found is not None
    assert list(found) == list(expected)
    assert found.texts("title")[:] == [p.title for p in expected]
    for paper in expected:
        assert found.position_of_id(paper.id) == expected.ids[paper.id]
    for key, position in expected.arxiv.items():
        assert found.position_of_arxiv(key) == position
    assert first_papers(source, tmp_path / "stores", fingerprint=PRINT, count=5) == list(expected)[:5]
