"""Streaming: a JSON Lines file comes in parts as it is read, and is cached part by part."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from conftest import write
from support.paper_files import arxiv_line

from tui_reader import corpus
from tui_reader.corpus import read_file, read_file_parts
from tui_reader.sources import registry
from tui_reader.sources.json_lines import parse_lines


def _lines_file(tmp_path: Path, count: int) -> Path:
    lines = [arxiv_line(id=f"0704.{n:04d}", title=f"Paper number {n}") for n in range(count)]
    lines.insert(4, "broken")
    if count > 8:
        lines.insert(9, "[]")
    return write(tmp_path / "m.jsonl", "\n".join(lines) + "\n")


def test_json_lines_come_in_parts_with_warnings_last(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "STREAM_PART", 3)
    path = _lines_file(tmp_path, 10)
    parts = list(read_file_parts(path, use_cache=False))
    assert [len(papers) for papers, _ in parts] == [3, 3, 3, 1]
    assert [warnings for _, warnings in parts] == [
        [],
        [],
        [],
        [f"{path}: line 5: not valid JSON; skipped", f"{path}: line 10: not a JSON object; skipped"],
    ]
    # a last part left empty is no problem: the file had papers
    assert list(read_file_parts(_lines_file(tmp_path, 6), use_cache=False))[-1] == (
        [],
        [f"{path}: line 5: not valid JSON; skipped"],
    )


def test_the_first_part_is_smaller_so_papers_show_sooner(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "STREAM_PART", 4)
    monkeypatch.setattr(corpus, "STREAM_FIRST_PART", 2)
    parts = list(read_file_parts(_lines_file(tmp_path, 10), use_cache=False))
    assert [len(papers) for papers, _ in parts] == [2, 4, 4, 0]


def test_the_first_part_arrives_before_the_rest_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "STREAM_PART", 2)
    path = _lines_file(tmp_path, 6)
    parts = read_file_parts(path, use_cache=False)
    first, _ = next(parts)
    with path.open("a") as more:  # what the reader has not reached yet is read later
        more.write(arxiv_line(id="0704.9999", title="Appended later") + "\n")
    rest = [paper.title for papers, _ in parts for paper in papers]
    assert [p.title for p in first] == ["Paper number 0", "Paper number 1"]
    assert rest[-1] == "Appended later"


def test_parts_are_cached_and_a_lost_part_is_parsed_again_from_where_it_starts(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "STREAM_PART", 3)
    monkeypatch.setattr(corpus, "CACHE_MIN_BYTES", 0)
    path = _lines_file(tmp_path, 10)
    expected = read_file(path, use_cache=False)
    assert read_file(path) == expected  # parsed, and cached part by part
    entries = sorted((Path(corpus.cache_dir())).glob("*.pickle"))
    assert len(entries) == 4
    starts: list[int] = []

    def recording(lines, source, problems, first_line=1):
        starts.append(first_line)
        return parse_lines(lines, source, problems, first_line)

    recorded = tuple(replace(s, parse_lines=recording) if s.parse_lines else s for s in registry.sources())
    monkeypatch.setattr(registry, "sources", lambda: recorded)
    assert read_file(path) == expected  # all from the cache
    assert starts == []
    next(
        e for e in entries if e.stem.endswith("-2")
    ).unlink()  # the third part: the parse resumes at its first line, with the line numbers right
    assert read_file(path) == expected
    assert starts == [8]  # lines 1-7 held the first two parts (6 papers and the broken line 5); line 10 is bad too


def test_an_old_cache_format_is_not_misread(tmp_path, monkeypatch):
    import pickle

    monkeypatch.setattr(corpus, "CACHE_MIN_BYTES", 0)
    path = write(tmp_path / "m.jsonl", arxiv_line(title="Fresh") + "\n")
    entry, stamp = corpus._cache_entry(path)  # type: ignore[misc]
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_bytes(pickle.dumps(((3, *stamp[1:]), [], [])))  # format 3: (stamp, papers, problems)
    assert [p.title for p in read_file(path)[0]] == ["Fresh"]
    stale = [corpus.Paper(id="x", title="Stale", abstract="")]
    entry.write_bytes(pickle.dumps(((3, *stamp[1:]), 0, stale, [], None)))  # an entry's shape, another format
    assert [p.title for p in read_file(path)[0]] == ["Fresh"]


def test_each_line_comes_with_the_offset_after_it_an_overlong_one_skipped_whole(tmp_path, monkeypatch):
    """Where the next line starts is what a part resumes from (the parse cache, an import process's range): a line
    over the limit is skipped to its end however long it is, and the last line may have no newline."""
    monkeypatch.setattr(corpus, "MAX_LINE_BYTES", 1000)
    lines = [b"first\n", b"x" * 2_500_000 + b"\n", b"\n", b"y" * 1000 + b"\n", b"z" * 1001 + b"\r\n", b"last"]
    path = write(tmp_path / "m.jsonl", b"".join(lines))
    ends = [sum(map(len, lines[: k + 1])) for k in range(len(lines))]  # offsets written out from the bytes
    fd = os.open(path, os.O_RDONLY)
    try:
        got = list(corpus._lines(fd, 0))
        from_third = list(corpus._lines(fd, ends[1]))
    finally:
        os.close(fd)
    shown = [b"first\n", None, b"\n", b"y" * 1000 + b"\n", None, b"last"]
    assert got == list(zip(shown, ends, strict=True))
    assert from_third == got[2:]
