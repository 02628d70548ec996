"""The corpus: which files to read, reading them safely, the parse cache, and one deduplicated list of papers.

Sources (``tui_reader.sources``) parse; the model (``tui_reader.paper``) merges; this module decides what is read
and remembers parses between launches. The names of the model and the dump parser are re-exported here.
"""

from __future__ import annotations

import os
import pickle
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISREG, S_ISSOCK

from tui_reader.files import cache_dir, mark_used, replace_file, store_in_cache
from tui_reader.paper import Paper, PaperSet, merge, normalise_title, paper_id, title_key
from tui_reader.safe_text import clean_text, shown_path
from tui_reader.sources.cleaning import delatex, extract_links
from tui_reader.sources.dumps import decode, parse_text

__all__ = [
    "Corpus",
    "CorpusError",
    "Paper",
    "PaperSet",
    "bundled_seeds",
    "cache_dir",
    "clean_text",
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
    "replace_file",
    "store_in_cache",
    "title_key",
]


CacheStamp = tuple[int, str, str, int, int]  # format, parser fingerprint, resolved path, size, mtime (ns)


@dataclass(slots=True)
class Corpus:
    papers: list[Paper]
    warnings: list[str] = field(default_factory=list)
    entries: int = 0  # title/abstract pairs read, before deduplication


class CorpusError(Exception):
    """A problem that stops loading altogether (a path that does not exist)."""


# The regular expressions in this module are kept as strings and used through re's own cache of compiled patterns:
# a launch served from the parse cache then compiles none of them (compiling them all costs ~2 ms).


# ---------------------------------------------------------------------------------------------------------
# Files and folders


def bundled_seeds() -> Path:
    """The corpus shipped inside the package (the five Daily Papers dumps)."""
    return Path(__file__).resolve().parent / "seeds"


FOLDER_PATTERNS = ("*.txt", "*.json")  # the files of a folder that are read (and watched by the reader)


def _expand(paths: Iterable[Path | str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            # every *.txt and *.json entry (dumps, and listings as `tui-reader fetch` stores them), in name order,
            # whatever it is: one that is not a regular file (a FIFO, a device, a folder named x.txt, a dangling
            # link) is skipped with a warning when it is read, not silently here
            files.extend(sorted(entry for pattern in FOLDER_PATTERNS for entry in path.glob(pattern)))
        elif path.exists():
            files.append(path)
        else:
            raise CorpusError(f"{shown_path(raw)}: no such file or directory")
    return files


MAX_FILE_BYTES = 512 * 1024 * 1024  # a dump file larger than this (512 MB) is refused, not read into memory
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


def _read_bytes(path: Path, problems: list[str]) -> bytes | None:
    """The bytes of a regular file of at most MAX_FILE_BYTES, or None with the reason in ``problems``.

    Nothing else is opened or read: a FIFO would block forever, /dev/zero never ends. A file swapped for one of
    those between the check and the open cannot block either: it is opened non-blocking and checked again
    through the open descriptor, and at most MAX_FILE_BYTES + 1 bytes are ever read."""
    limit = MAX_FILE_BYTES
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
            return None
        if info.st_size > limit:
            problems.append(f"larger than {_size_text(limit)} (the limit for one file); skipped")
            return None
        if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)  # a regular file after all: plain reads (some network file systems differ)
        chunks: list[bytes] = []
        total = 0
        want = info.st_size + 1  # the whole file and one byte more: its end is seen without a big buffer
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


def _read_file(path: Path, problems: list[str]) -> list[Paper]:
    """The file's papers; what went wrong goes to ``problems`` (without the path: read_file adds it)."""
    data = _read_bytes(path, problems)
    if data is None:
        return []
    if not data.strip():
        problems.append("empty file; skipped")
        return []
    text = decode(data, problems)
    if text is None:
        problems.append("binary file, not a text dump; skipped")
        return []
    papers = parse_text(text, source=shown_path(path.name))  # a file name is untrusted text: shown as cleaned
    if not papers:
        problems.append("no papers found; skipped")
    return papers


# ---------------------------------------------------------------------------------------------------------
# Parsed files are cached (pickled) in the user cache dir, keyed by path, size, mtime and this parser's own
# source, so a 100k-paper corpus opens in a fraction of a second the second time.

_CACHE_FORMAT = 3  # 2: warnings stored without the path; 3: crc32 names


@lru_cache(maxsize=1)
def _parser_fingerprint() -> str:
    """The code that turns a file's bytes into papers: a change anywhere else (this module's reading and caching,
    the app) keeps every user's cache."""
    from tui_reader import paper, safe_text, sources
    from tui_reader.sources import cleaning, dumps

    parsing = b"".join(
        Path(str(module.__file__)).read_bytes() for module in (paper, safe_text, sources, cleaning, dumps)
    )
    return f"{zlib.crc32(parsing):08x}"


CACHE_MIN_BYTES = 4096  # smaller files are parsed every time, not cached. Parsing costs ~40 us per KiB; finding
# and reading an entry ~150-300 us whatever its size, and writing one a file creation (0.1-1 ms): caching every
# file of a folder of 3,000 dumps of 500 B made its first launch 6.6x slower than one file holding the same
# papers (1.4x without; benchmarks/bench_small_files.py), and its later launches no faster than parsing


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
    stamp = (_CACHE_FORMAT, _parser_fingerprint(), str(resolved), stat.st_size, stat.st_mtime_ns)
    # crc32, not a cryptographic hash (hashlib costs the start-up ~1.5 ms): two paths sharing a name would
    # only take turns in the entry, as the stamp holds the whole path. The name's bytes as the file system
    # has them: a name that is not UTF-8 ("bad\xff.txt") is a str with surrogates, which .encode() refuses.
    name = f"{zlib.crc32(os.fsencode(resolved)):08x}.pickle"
    return cache_dir() / name, stamp


def read_file(path: Path, use_cache: bool = True) -> tuple[list[Paper], list[str]]:
    """Papers and warnings of one file, from the parse cache when the file has not changed. Warnings name the
    file as the caller spelled it (the cache keeps them without the path)."""
    papers, problems = _read_file_cached(path) if use_cache else _parse_file(path)
    return papers, [f"{shown_path(path)}: {problem}" for problem in problems]


def _parse_file(path: Path) -> tuple[list[Paper], list[str]]:
    problems: list[str] = []
    return _read_file(path, problems), problems


def _read_file_cached(path: Path) -> tuple[list[Paper], list[str]]:
    entry = _cache_entry(path)
    if entry is None:
        return _parse_file(path)
    cached, stamp = entry
    try:
        cached_stamp, papers, problems = pickle.loads(cached.read_bytes())
        if cached_stamp == stamp:
            mark_used(cached)
            return papers, problems
    except Exception:  # missing or damaged cache entry: parse again
        pass
    papers, problems = _parse_file(path)
    if store_in_cache(cached, (stamp, papers, problems)):
        prune_cache_once(cached.parent)
    return papers, problems


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
    warnings: list[str] = []
    papers = PaperSet()
    entries = 0
    for path in corpus_files(paths):
        found, problems = read_file(path, use_cache)
        entries += len(found)
        papers.add(found)
        warnings.extend(problems)
    return Corpus(papers=list(papers), warnings=warnings, entries=entries)
