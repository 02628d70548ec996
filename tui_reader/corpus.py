"""The corpus: which files to read, reading them safely, the parse cache, and one deduplicated list of papers.

Sources (``tui_reader.sources``) parse; the model (``tui_reader.paper``) merges; this module decides what is read
and remembers parses between launches. The names of the model and the dump parser are re-exported here.

Which source reads a file is decided by its content, whatever its name: the sources' registry
(``sources.registry.source_for``) is given the file's first characters, after any byte-order mark and whitespace
(JSON Lines: a ``{`` whose first line is a whole object; a JSON document: any other ``[`` or ``{``, its records
read as Daily Papers or arXiv by their keys; anything else: a text dump). A UTF-8 file of
a source that parses line by line (JSON Lines) is streamed: read line by line and handed over in parts of
STREAM_PART papers (``read_file_parts``), and cached part by part.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import pickle
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISREG, S_ISSOCK
from typing import TYPE_CHECKING, Any, NamedTuple

from tui_reader.files import cache_dir, mark_used, replace_file, store_in_cache
from tui_reader.paper import Paper, normalise_title, paper_id, title_key
from tui_reader.paper_set import PaperSet, merge
from tui_reader.safe_text import shown_path

# The sources are imported when a file is parsed, not when every file comes from the parse cache (a launch on the
# seeds): their names here (the dump parser, the LaTeX cleaning) load on first use.
if TYPE_CHECKING:
    from tui_reader.sources.cleaning import delatex, extract_links
    from tui_reader.sources.dumps import parse_text
    from tui_reader.sources.registry import ParseLines, Problems, Source

__all__ = [
    "Corpus",
    "CorpusError",
    "Paper",
    "PaperSet",
    "bundled_seeds",
    "cache_dir",
    "corpus_files",
    "delatex",
    "extract_links",
    "load_corpus",
    "mark_used",
    "merge",
    "normalise_title",
    "paper_id",
    "parse_text",
    "read_file",
    "read_file_parts",
    "replace_file",
    "store_in_cache",
    "title_key",
]


_LAZY = {"delatex": "cleaning", "extract_links": "cleaning", "parse_text": "dumps"}  # name -> module of sources


def __getattr__(name: str) -> Any:
    """The re-exported names of the sources, imported on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"tui_reader.sources.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


CacheStamp = tuple[int, str, str, int, int]  # format, parser fingerprint, resolved path, size, mtime (ns)


class Corpus(NamedTuple):
    papers: Sequence[Paper]  # a PaperSet
    warnings: list[str]
    entries: int  # title/abstract pairs read, before deduplication


class CorpusError(Exception):
    """A problem that stops loading altogether (a path that does not exist)."""


# The regular expressions in this module are kept as strings and used through re's own cache of compiled patterns:
# a launch served from the parse cache then compiles none of them (compiling them all costs ~2 ms).


# ---------------------------------------------------------------------------------------------------------
# Files and folders


def bundled_seeds() -> Path:
    """The corpus shipped inside the package (the five Daily Papers dumps)."""
    return Path(__file__).resolve().parent / "seeds"


def _expand(paths: Iterable[Path | str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        try:
            is_dir = S_ISDIR(path.stat().st_mode)
        except (FileNotFoundError, NotADirectoryError):
            raise CorpusError(f"{shown_path(raw)}: no such file or directory") from None
        except OSError as exc:  # a name too long, a loop of links, no permission to look
            raise CorpusError(f"{shown_path(raw)}: cannot read ({exc.strerror or exc})") from None
        except ValueError:  # a NUL byte in the name
            raise CorpusError(f"{shown_path(raw)}: not a file name (it holds a NUL byte)") from None
        if is_dir:
            # every *.txt, *.json, *.jsonl and *.xml entry (dumps, listings as `tui-reader fetch` stores them,
            # arXiv metadata, arXiv's feeds and API answers), in name order, whatever it is: one that is not a
            # regular file (a FIFO, a device, a folder named x.txt, a dangling link) is skipped with a warning when
            # it is read, not silently here
            files.extend(sorted(entry for pattern in FOLDER_PATTERNS for entry in path.glob(pattern)))
        else:
            files.append(path)
    return files


FOLDER_PATTERNS = (
    "*.txt",
    "*.json",
    "*.jsonl",
    "*.xml",
)  # a folder's files that are read (and watched by the reader); a file
# named on its own is read whatever its name, by its content
MAX_FILE_BYTES = 512 * 1024 * 1024  # a file larger than this (512 MB) is refused, not read into memory (JSON Lines
# files are streamed, so they have no such limit)
MAX_LINE_BYTES = 64 * 1024 * 1024  # a JSON Lines line longer than this (64 MB) is skipped, not read into memory
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def _not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is (None for a regular file): only regular files are read."""
    if S_ISREG(mode):
        return None
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "a special file"


_KINDS = (
    (S_ISDIR, "a folder"),
    (S_ISFIFO, "a named pipe (FIFO)"),
    (S_ISCHR, "a character device"),
    (S_ISBLK, "a block device"),
    (S_ISSOCK, "a socket"),
)


def _size_text(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size} bytes"


def _open_regular(path: Path, problems: list[str]) -> tuple[int, int] | None:
    """An open descriptor of a regular file and its size, or None with the reason in ``problems``.

    Nothing else is opened: a FIFO would block forever, /dev/zero never ends. A file swapped for one of those
    between the check and the open cannot block either: it is opened non-blocking and checked again through the
    open descriptor."""
    try:
        kind = _not_regular(os.stat(path).st_mode)
        if kind is None:
            fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        problems.append(f"cannot read ({exc.strerror or exc}); skipped")
        return None
    if kind is not None:
        problems.append(f"{kind}, not a regular file; skipped")
        return None
    try:
        info = os.fstat(fd)
        kind = _not_regular(info.st_mode)
        if kind is not None:
            problems.append(f"{kind}, not a regular file; skipped")
            os.close(fd)
            return None
        if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)  # a regular file after all: plain reads (some network file systems differ)
    except OSError as exc:
        problems.append(f"cannot read ({exc.strerror or exc}); skipped")
        os.close(fd)
        return None
    return fd, info.st_size


def _read_open(fd: int, size: int, problems: list[str]) -> bytes | None:
    """Read an open regular file to its end (and close it), refusing one over MAX_FILE_BYTES."""
    limit = MAX_FILE_BYTES
    try:
        if size > limit:
            problems.append(f"larger than {_size_text(limit)} (the limit for one file); skipped")
            return None
        chunks: list[bytes] = []
        total = 0
        want = size + 1  # the whole file and one byte more: its end is seen without a big buffer
        while total <= limit:
            chunk = os.read(fd, min(want - total if want > total else 1 << 20, limit + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
        problems.append(f"larger than {_size_text(limit)} (the limit for one file); skipped")  # grew while read
        return None
    except OSError as exc:
        problems.append(f"cannot read ({exc.strerror or exc}); skipped")
        return None
    finally:
        os.close(fd)


SNIFF_BYTES = 4096  # how far the first non-space byte is looked for


def _sniff_open(fd: int) -> Source:
    """The source of the open file by its first bytes (after a UTF-8 byte-order mark and whitespace), as UTF-8: a
    file it names as one that parses line by line is streamed; any other is read whole and sniffed again as text
    (``_read_whole``: UTF-16 files are known only once decoded)."""
    if hasattr(os, "pread"):
        head = os.pread(fd, min(SNIFF_BYTES, MAX_FILE_BYTES + 1), 0)
    else:  # Windows
        head = os.read(fd, min(SNIFF_BYTES, MAX_FILE_BYTES + 1))
        os.lseek(fd, 0, os.SEEK_SET)
    from tui_reader.sources.registry import source_for

    return source_for(head.removeprefix(codecs.BOM_UTF8).lstrip().decode("utf-8", "replace"))


Resume = tuple[int, int, "Problems", int]  # where a streamed file's next part starts: byte offset, line number,
# the problems found so far, the papers found so far
Part = tuple[list[Paper], list[str], Resume | None]  # papers, problems (without the path), None: the last part


def _parse_parts(path: Path) -> Iterator[Part]:
    """The file's papers in parts: a file of a source that parses line by line (JSON Lines) STREAM_PART papers at
    a time, as it is read; any other file in one part. Problems come with the last part, without the path
    (read_file_parts adds it)."""
    problems: list[str] = []
    opened = _open_regular(path, problems)
    if opened is None:
        yield [], problems, None
        return
    fd, size = opened
    try:
        parse_lines = _sniff_open(fd).parse_lines
    except OSError as exc:
        os.close(fd)
        yield [], [f"cannot read ({exc.strerror or exc}); skipped"], None
        return
    if parse_lines is not None:
        from tui_reader.sources.registry import Problems

        yield from _stream_parts(fd, parse_lines, shown_path(path.name), (0, 1, Problems("line"), 0))
    else:
        yield _read_whole(fd, size, shown_path(path.name), problems), problems, None


def _read_whole(fd: int, size: int, source: str, problems: list[str]) -> list[Paper]:
    """A file read whole (and closed), parsed by the source its text starts like: a text dump, a Daily Papers JSON
    listing, or JSON Lines in UTF-16 (UTF-8 ones are streamed)."""
    data = _read_open(fd, size, problems)
    if data is None:
        return []
    if not data.strip():
        problems.append("empty file; skipped")
        return []
    from tui_reader.sources.dumps import decode
    from tui_reader.sources.registry import source_for

    text = decode(data, problems)
    if text is None:
        problems.append("binary file, not a text dump; skipped")
        return []
    kind = source_for(text[:SNIFF_BYTES].lstrip("\ufeff \t\r\n"))
    papers, found = kind.parse(text, source)
    problems.extend(found)
    if not papers and not found and not kind.nothing(text):  # with problems, they say why there are none
        problems.append("no papers found; skipped")
    return papers


STREAM_PART = 5000  # papers per part of a JSON Lines file: handed to the reader, and cached, part by part
STREAM_FIRST_PART = 1000  # the first part is smaller: the first papers are on screen sooner


def _lines(fd: int, offset: int) -> Iterator[tuple[bytes | None, int]]:
    """The lines of an open file from ``offset``, each with the offset after it; at most MAX_LINE_BYTES each (a
    longer one is None: skipped unread). The caller closes the file."""
    # the offset counted here, not asked of the stream: its tell() was an lseek a line, 5x the time of reading it
    with os.fdopen(fd, "rb", buffering=_READ_BUFFER, closefd=False) as stream:
        stream.seek(offset)
        while line := stream.readline(MAX_LINE_BYTES + 1):
            offset += len(line)
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while rest := stream.readline(1 << 20):
                    offset += len(rest)
                    if rest.endswith(b"\n"):
                        break
                yield None, offset
                continue
            yield line, offset


_READ_BUFFER = 1 << 20  # bytes read at a time from a file read line by line (8 KiB by default: a read per 4 lines)


def _stream_parts(fd: int, parse_lines: ParseLines, source: str, resume: Resume) -> Iterator[Part]:
    """Parts of at most STREAM_PART papers (the file's first: STREAM_FIRST_PART) from where ``resume`` says,
    each with where the next one starts (None for the last, which holds the problems). Closes the file."""
    offset, first_line, problems, count = resume
    try:
        part: list[Paper] = []
        numbered = _Counted(_lines(fd, offset), offset, first_line)
        for paper in parse_lines(numbered, source, problems, first_line):
            part.append(paper)
            if len(part) >= (STREAM_PART if count else min(STREAM_PART, STREAM_FIRST_PART)):  # count: 0 at the start
                count += len(part)
                yield part, [], (numbered.offset, numbered.next_line, problems, count)
                part = []
    finally:
        os.close(fd)
    found = problems.lines()
    if not count + len(part) and not found:  # with problems, they say why there are none
        found.append("no papers found; skipped")
    yield part, found, None


class _Counted(Iterator[bytes | None]):
    """Lines passed on, remembering where the next one starts (byte offset, line number)."""

    def __init__(self, lines: Iterator[tuple[bytes | None, int]], offset: int, first_line: int) -> None:
        self._lines = lines
        self.offset = offset
        self.next_line = first_line

    def __next__(self) -> bytes | None:
        line, self.offset = next(self._lines)
        self.next_line += 1
        return line


# ---------------------------------------------------------------------------------------------------------
# Parsed files are cached (pickled) in the user cache dir, keyed by path, size, mtime and the parsing code's
# fingerprint (``sources.registry.fingerprint``: every source and what it uses), so a 100k-paper corpus opens in
# a fraction of a second the second time.

_CACHE_FORMAT = 4  # 2: warnings stored without the path; 3: crc32 names; 4: papers with arXiv fields, files in parts


CACHE_MIN_BYTES = 4096  # smaller files are parsed every time, not cached. Parsing costs ~40 us per KiB; finding
# and reading an entry ~150-300 us whatever its size, and writing one a file creation (0.1-1 ms): caching every
# file of a folder of 3,000 dumps of 500 B made its first launch 6.6x slower than one file holding the same
# papers (1.4x without; benchmarks/bench_small_files.py), and its later launches no faster than parsing


# The parse cache's stamp holds the parsing code's fingerprint (``sources.registry.fingerprint``). Working it out
# imports every source and reads the code of each parsing module (~2 ms of a launch's first frame), so it is
# remembered beside the parse cache's folder together with what it was worked out from: the identity (inode, size,
# change times) of each file it read and of the sources' folder (a module added or removed changes the folder).
# While all of them are unchanged, the remembered value is the value; any change, a missing or damaged memo, works
# it out again. The memo is only a shortcut: it is never needed, and never written when it cannot be.

FINGERPRINT_MEMO = "parsers.memo"  # in the user cache folder, beside the corpus's (which holds only its entries)
_MEMO_HEADER = "tui-reader parser fingerprint 1"
_MEMO_MAX_BYTES = 1 << 16


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """The parsing code's fingerprint, read back from the memo when nothing it covers changed (once a process)."""
    memo = cache_dir().parent / FINGERPRINT_MEMO
    remembered = _read_memo(memo)
    if remembered is not None:
        return remembered
    from tui_reader.sources import registry

    covered = [*registry.fingerprinted_files(), Path(registry.__file__).parent]
    try:  # the files' identities before their code is read: one changed in between makes the memo stale, not wrong
        identities = [f"{_identity(path)} {os.fsencode(path).hex()}" for path in covered]
    except OSError:
        identities = []  # a file gone meanwhile: no memo this time
    value = registry.fingerprint()
    if identities:
        with contextlib.suppress(OSError):  # an unwritable cache: no memo
            memo.parent.mkdir(parents=True, exist_ok=True)
            replace_file(memo, "\n".join([_memo_header(), value, *identities]).encode())
    return value


def _identity(path: Path) -> str:
    """What changes whenever a file is written, replaced, copied over or touched: inode, size, mtime and ctime."""
    info = os.stat(path)
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def _memo_header() -> str:
    """The memo's first line: its format and the package whose parsers it fingerprints. Another copy of the reader
    sharing the cache folder (a second checkout, another virtualenv) has parsing files of its own: its memo is not
    ours, however unchanged its files are."""
    return f"{_MEMO_HEADER} {os.fsencode(Path(__file__).parent).hex()}"


def _read_memo(memo: Path) -> str | None:
    """The remembered fingerprint when every file it covers is as it was; None otherwise (never raises)."""
    problems: list[str] = []
    opened = _open_regular(memo, problems)  # never a FIFO or a device, whatever the cache folder holds
    if opened is None:
        return None
    fd, size = opened
    if size > _MEMO_MAX_BYTES:
        os.close(fd)
        return None
    data = _read_open(fd, size, problems) or b""
    try:
        header, value, *covered = data.decode().split("\n")
        if header != _memo_header() or not covered or not value.isalnum():
            return None
        for line in covered:
            identity, _, path = line.partition(" ")
            if _identity(Path(os.fsdecode(bytes.fromhex(path)))) != identity:
                return None
    except (OSError, ValueError):
        return None
    return value


def _cache_entry(path: Path) -> tuple[Path, CacheStamp] | None:
    """Where a file's parse is cached (one entry per file path, overwritten when the file changes) and the
    stamp that must match for the entry to be used."""
    try:
        stat = path.stat()
        # a FIFO, a device (_read_file says why it is skipped), or a file parsed faster than its entry is read
        if not S_ISREG(stat.st_mode) or stat.st_size < CACHE_MIN_BYTES:
            return None
        resolved = path.resolve()
    except OSError:
        return None
    stamp = (_CACHE_FORMAT, fingerprint(), str(resolved), stat.st_size, stat.st_mtime_ns)
    # crc32, not a cryptographic hash (hashlib costs the start-up ~1.5 ms): two paths sharing a name would
    # only take turns in the entry, as the stamp holds the whole path. The name's bytes as the file system
    # has them: a name that is not UTF-8 ("bad\xff.txt") is a str with surrogates, which .encode() refuses.
    name = f"{zlib.crc32(os.fsencode(resolved)):08x}.pickle"
    return cache_dir() / name, stamp


def read_file(path: Path, use_cache: bool = True) -> tuple[list[Paper], list[str]]:
    """Papers and warnings of one file, from the parse cache when the file has not changed. Warnings name the
    file as the caller spelled it (the cache keeps them without the path)."""
    papers: list[Paper] = []
    warnings: list[str] = []
    for part, part_warnings in read_file_parts(path, use_cache):
        papers.extend(part)
        warnings.extend(part_warnings)
    return papers, warnings


def read_file_parts(path: Path, use_cache: bool = True) -> Iterator[tuple[list[Paper], list[str]]]:
    """``read_file`` in parts, as the file is read: a streamed file (JSON Lines) STREAM_PART papers at a time
    (bounded memory besides the papers; warnings with the last part), any other file in one part."""
    parts = _read_parts_cached(path) if use_cache else _parse_parts(path)
    for papers, problems, _ in parts:
        yield papers, [f"{shown_path(path)}: {problem}" for problem in problems]


def _part_entry(first: Path, number: int) -> Path:
    return first if number == 0 else first.with_name(f"{first.stem}-{number}{first.suffix}")


def _read_parts_cached(path: Path) -> Iterator[Part]:
    """Parts from the cache while it has them, the rest parsed (and cached part by part): each entry holds one
    part and where the next one starts, so a streamed file is never pickled whole."""
    entry = _cache_entry(path)
    if entry is None:
        yield from _parse_parts(path)
        return
    first, stamp = entry
    number = 0
    resume: Resume | None = None
    while True:
        cached = _part_entry(first, number)
        try:
            cached_stamp, cached_number, papers, problems, next_part = pickle.loads(cached.read_bytes())
            hit = cached_stamp == stamp and cached_number == number
        except Exception:  # missing or damaged cache entry: parse again
            hit = False
        if not hit:
            break
        mark_used(cached)
        yield papers, problems, next_part
        if next_part is None:
            return
        resume = next_part
        number += 1
    parts = _parse_parts(path) if number == 0 else _resume_parts(path, resume)
    for papers, problems, resume in parts:
        if store_in_cache(_part_entry(first, number), (stamp, number, papers, problems, resume)):
            prune_cache_once(first.parent)
        yield papers, problems, resume
        number += 1


def _resume_parts(path: Path, resume: Resume | None) -> Iterator[Part]:
    """A streamed file's parts from where the cache left off, by the source its first bytes name (the file is
    unchanged: its cache stamp matched)."""
    problems: list[str] = []
    opened = _open_regular(path, problems) if resume is not None else None
    if opened is None or resume is None:
        yield [], problems, None
        return
    fd = opened[0]
    try:
        parse_lines = _sniff_open(fd).parse_lines
    except OSError as exc:
        parse_lines = None
        problems.append(f"cannot read ({exc.strerror or exc}); skipped")
    if parse_lines is None:  # changed after all, between the stamp and the open: the next launch parses it again
        os.close(fd)
        yield [], problems, None
        return
    yield from _stream_parts(fd, parse_lines, shown_path(path.name), resume)


CACHE_UNUSED_DAYS = 60  # an entry not read for this long (a file since deleted, moved or renamed) is dropped
_pruned: set[Path] = set()  # cache folders this process has pruned


def prune_cache_once(folder: Path) -> None:
    """Prune ``folder`` the first time this process writes a new entry into it, never again: scanning the whole
    folder after every new entry made a first launch on thousands of small files quadratic (a minute for 5,000).
    A launch that only reads from the cache never prunes; entries go at the next launch that writes one."""
    if folder not in _pruned:
        _pruned.add(folder)
        prune_cache(folder)


def prune_cache(folder: Path, now: float | None = None) -> None:
    """Drop entries no launch has read for CACHE_UNUSED_DAYS (see prune_cache_once: once per process)."""
    cutoff = (time.time() if now is None else now) - CACHE_UNUSED_DAYS * 86400
    try:
        entries = list(folder.iterdir())
    except OSError:
        return  # the folder is gone or unreadable: nothing to prune
    for entry in entries:
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
        except OSError:
            pass  # gone already (another reader pruned it) or not ours to remove


def corpus_files(paths: Iterable[Path | str] | None = None) -> list[Path]:
    """The files a corpus is read from (folders: every ``*.txt`` and ``*.json``, sorted by name). No paths: the
    bundled seeds.

    Raises CorpusError for a path that does not exist."""
    return _expand(list(paths) if paths else [bundled_seeds()])


def load_corpus(paths: Iterable[Path | str] | None = None, use_cache: bool = True) -> Corpus:
    """Load files and folders (folders: every ``*.txt``, sorted). No paths: the bundled seeds.

    Raises CorpusError for a path that does not exist; unreadable, empty or binary files become warnings, and so
    do what is not a regular file (a FIFO, a device, a socket, a folder named ``x.txt``: never opened for reading)
    and files over MAX_FILE_BYTES (512 MB).
    """
    from tui_reader.stored_corpus import read_stored, stores_papers

    warnings: list[str] = []
    papers = PaperSet()
    entries = 0
    for path in corpus_files(paths):
        if use_cache and stores_papers(path):  # a big JSON Lines file: its store of papers on disk
            for found, problems, _ in read_stored(path):
                entries += len(found)
                papers.add(found)
                warnings.extend(problems)
            continue
        found, problems = read_file(path, use_cache)
        entries += len(found)
        papers.add(found)
        warnings.extend(problems)
    return Corpus(papers=papers, warnings=warnings, entries=entries)
