"""An index folder damaged on disk is rebuilt, never trusted: no traceback, no hang, and the answers stay right.

Each case damages the folder a first launch wrote, then launches again: the index must be built afresh (the
build is counted), answer as a fresh build in memory does, and be stored whole again (a third launch reads it).
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import small_tmpfs as mounted

from tui_reader.search import SearchIndex, disk
from tui_reader.search.cache import cached_index

QUERIES = ["diffusion", "difusion mod", '"neural tangent"', "-diffusion flow", "moe", "date:Mar 11 gaussian"]
FILES = [f"{field}.{name}.npy" for field in ("title", "abstract") for name in disk._ARRAYS]
FILES += ["vocabulary.txt", "forms.json", "meta.json"]


@pytest.fixture
def papers(seeds_corpus):
    # 4,220 papers: enough for common words to be kept as bitmaps, so that no file of the folder is empty
    return [dataclasses.replace(p, id=f"{p.id}-{k}") for k in range(20) for p in seeds_corpus.papers]


@pytest.fixture
def entry(papers, files, tmp_path, count_builds):
    cached_index(papers, files, tmp_path)
    assert len(count_builds) == 1
    [found] = tmp_path.glob("*.index")
    assert sorted(p.name for p in found.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (found / name).stat().st_size > 0, name
    return found


@pytest.fixture(scope="module")
def expected(seeds_corpus):
    papers = [dataclasses.replace(p, id=f"{p.id}-{k}") for k in range(20) for p in seeds_corpus.papers]
    return answers(SearchIndex(papers))


def answers(index) -> list[list[int]]:
    return [list(index.search(q).indices) for q in QUERIES] + [list(index.similar(5).indices)]


def relaunch_rebuilds(papers, files, tmp_path, count_builds, expected) -> None:
    index = cached_index(papers, files, tmp_path)
    assert len(count_builds) == 2, "the damaged folder was used"
    assert answers(index) == expected
    again = cached_index(papers, files, tmp_path)
    assert len(count_builds) == 2, "not stored again whole"
    assert answers(again) == expected
    assert [p.name for p in tmp_path.iterdir()] == [entry_name(tmp_path)]  # nothing half-written, nothing aside


def entry_name(folder: Path) -> str:
    [found] = folder.glob("*.index")
    return found.name


@pytest.mark.parametrize("name", FILES)
def test_a_flipped_byte_in_any_file_is_found(name, entry, papers, files, tmp_path, count_builds, expected):
    path = entry / name
    data = bytearray(path.read_bytes())
    data[len(data) * 2 // 3] ^= 0x01
    path.write_bytes(bytes(data))
    relaunch_rebuilds(papers, files, tmp_path, count_builds, expected)


@pytest.mark.parametrize("name", FILES)
def test_a_file_cut_short_or_missing_is_found(name, entry, papers, files, tmp_path, count_builds, expected):
    path = entry / name
    path.write_bytes(path.read_bytes()[:-1])
    relaunch_rebuilds(papers, files, tmp_path, count_builds, expected)
    (tmp_path / entry_name(tmp_path) / name).unlink()
    cached_index(papers, files, tmp_path)
    assert len(count_builds) == 3


@pytest.mark.parametrize("name", ["title.papers.npy", "vocabulary.txt", "meta.json"])
def test_a_fifo_where_a_file_should_be_is_not_waited_on(name, entry, papers, files, tmp_path, count_builds, expected):
    (entry / name).unlink()
    os.mkfifo(entry / name)  # opening it for reading would wait for a writer forever
    relaunch_rebuilds(papers, files, tmp_path, count_builds, expected)


@pytest.mark.parametrize("name", ["abstract.offsets.npy", "forms.json", "meta.json"])
def test_a_symlink_is_not_followed_even_to_the_very_same_bytes(
    name, entry, papers, files, tmp_path, count_builds, expected
):
    copy = tmp_path.parent / f"{tmp_path.name}-{name}"
    shutil.copyfile(entry / name, copy)
    (entry / name).unlink()
    (entry / name).symlink_to(copy)
    relaunch_rebuilds(papers, files, tmp_path, count_builds, expected)
    assert copy.exists()  # what the link pointed to is left alone


def test_the_folder_itself_a_symlink_is_not_followed(entry, papers, files, tmp_path, count_builds, expected):
    elsewhere = tmp_path.parent / f"{tmp_path.name}-moved"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    relaunch_rebuilds(papers, files, tmp_path, count_builds, expected)
    assert sorted(p.name for p in elsewhere.iterdir()) == sorted(FILES)  # left alone


def test_a_file_where_the_folder_should_be_is_replaced(entry, papers, files, tmp_path, count_builds, expected):
    shutil.rmtree(entry)
    entry.write_bytes(b"\x80\x05 a pickle of the format before, or anything")
    relaunch_rebuilds(papers, files, tmp_path, count_builds, expected)


GARBAGE = {
    "not JSON": lambda meta: b"\x00\xff garbage",
    "a list": lambda meta: b"[1, 2, 3]",
    "another format": lambda meta: json.dumps({**meta, "format": 2}).encode(),
    "a file left out": lambda meta: json.dumps({**meta, "files": dict(list(meta["files"].items())[1:])}).encode(),
    "a size as text": lambda meta: json.dumps({**meta, "papers": str(meta["papers"])}).encode(),
    "another number of papers": lambda meta: json.dumps({**meta, "papers": meta["papers"] + 8}).encode(),
    "another number of words": lambda meta: json.dumps({**meta, "words": meta["words"] - 1}).encode(),
    "a negative size": lambda meta: json.dumps({**meta, "words": -1}).encode(),
    "huge": lambda meta: b" " * (65 << 20) + json.dumps(meta).encode(),
}


@pytest.mark.parametrize("kind", GARBAGE)
def test_garbage_in_the_meta_file_is_found(kind, entry, papers, files, tmp_path, count_builds, expected):
    meta = json.loads((entry / "meta.json").read_text())
    (entry / "meta.json").write_bytes(GARBAGE[kind](meta))
    relaunch_rebuilds(papers, files, tmp_path, count_builds, expected)


def test_an_array_file_with_a_consistent_but_wrong_header_is_found(
    entry, papers, files, tmp_path, count_builds, expected
):
    """The CRC in meta.json made to agree with a file whose header says float64: the header is checked too."""
    import zlib

    path = entry / "title.common_counts.npy"
    data = path.read_bytes().replace(b"'<i8'", b"'<f8'")
    path.write_bytes(data)
    meta = json.loads((entry / "meta.json").read_text())
    meta["files"][path.name] = [len(data), zlib.crc32(data)]
    (entry / "meta.json").write_text(json.dumps(meta))
    relaunch_rebuilds(papers, files, tmp_path, count_builds, expected)


def test_an_index_of_other_papers_under_this_name_is_not_used(papers, files, tmp_path, count_builds):
    others = [dataclasses.replace(p, title=p.title + " zyzzogeton") for p in papers]
    cached_index(others, files, tmp_path)
    index = cached_index(papers, files, tmp_path)
    assert len(count_builds) == 2
    assert list(index.search("zyzzogeton").indices) == []


def test_a_full_disk_leaves_nothing_half_written_and_the_index_is_still_given(
    papers, files, tmp_path, monkeypatch, count_builds, expected
):
    written = []
    real = disk._Checked.write

    def filling(self, data):
        if sum(written) > 200_000:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(len(memoryview(data).cast("B")))
        return real(self, data)

    monkeypatch.setattr(disk._Checked, "write", filling)
    index = cached_index(papers, files, tmp_path)
    assert answers(index) == expected and written
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def small_tmpfs(tmp_path):
    with mounted(tmp_path / "small", "64k") as mount:
        yield mount


def test_a_really_full_disk_leaves_nothing_and_keeps_the_entry_there(
    small_tmpfs, papers, files, count_builds, expected
):
    small = papers[:3]
    cached_index(small, files, small_tmpfs)  # a small index fits
    [kept] = small_tmpfs.glob("*.index")
    before = sorted((p.name, p.read_bytes()) for p in kept.iterdir())
    index = cached_index(papers, files, small_tmpfs)  # the big one does not
    assert answers(index) == expected
    assert [p.name for p in small_tmpfs.iterdir()] == [kept.name]
    assert sorted((p.name, p.read_bytes()) for p in kept.iterdir()) == before
