"""Read Daily Papers text dumps into a clean, deduplicated list of papers.

A dump is a short header (``new``, ``Get trending papers...``, ``Subscribe``, ...), a listing date such as
``Mar 11``, then alternating title / abstract paragraphs separated by blank lines. Everything that comes out
of here is safe to put on a terminal: control characters are gone and LaTeX debris is readable text.
"""

from __future__ import annotations

import codecs
import os
import pickle
import re
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISREG, S_ISSOCK
from typing import Iterable, Iterator, Sequence

from tui_reader.safe_text import clean_text, collapse_ws, shown_path, strip_controls  # the cleaning; re-exported

__all__ = [
    "Paper",
    "Corpus",
    "CorpusError",
    "load_corpus",
    "parse_text",
    "paper_id",
    "clean_text",
    "bundled_seeds",
]


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as users see it. ``id`` depends on the title only, so marks survive re-ordering."""

    id: str
    title: str
    abstract: str
    dates: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


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
# LaTeX debris -> readable text (pylatexenc does the real parsing)

_EXTRA_MACROS = {"aka": "a.k.a.", "eg": "e.g.", "ie": "i.e.", "etal": "et al.", "wrt": "w.r.t."}
# Only the LaTeX fragments go through pylatexenc (whole abstracts would be slow, and a bare "%" would
# start a comment that swallows the rest of the paragraph).
_LATEX_FRAGMENT = r"""(?x)
      \{\\(?:em|it|bf|sl|sc|tt|rm|sf|emph|textit|textbf)\s+[^{}]*\}   # {\em word}
      | \\[a-zA-Z]+\*?(?:\{[^{}]*\})*                                    # \macro{arg}
      | \\["'`^~=.uvHcdbrk]\s*(?:\{[a-zA-Z\\]{1,2}\}|\\?[a-zA-Z])        # accents: \"o \'{e} \v{s}
      | \\[%&#_$]                                                       # escaped specials
      | \$[^$\n]{1,200}\$                                                 # inline math
      | ~
"""
# Leftover grouping braces such as "{error indicator}" are dropped, but not math arguments glued to what
# precedes them ("mathcal{O}(n)", "x^{2}", "1{n h}"): without their braces those lose their meaning.
_BRACES = r"\{([^{}\\]*)\}"  # starts with a literal, which re scans for fast; _drop_braces looks behind it


def _drop_braces(match: re.Match[str]) -> str:
    before = match.string[match.start() - 1 : match.start()]
    if before and (before.isalnum() or before in "^_"):  # glued to what precedes it: keep
        return match.group()
    return match.group(1)


@lru_cache(maxsize=1)
def _latex_converter():
    from pylatexenc import latex2text

    db = latex2text.get_default_latex_context_db()
    db.add_context_category(
        "tui-reader",
        macros=[latex2text.MacroTextSpec(name, simplify_repl=text) for name, text in _EXTRA_MACROS.items()],
        prepend=True,
    )
    return latex2text.LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=False)


@lru_cache(maxsize=4096)
def _fragment_to_text(fragment: str) -> str:
    if fragment == "~":
        return " "
    try:
        return _latex_converter().latex_to_text(fragment).strip()
    except Exception:  # pylatexenc is tolerant, but never let debris stop a load
        return fragment


def _replace_fragment(match: re.Match[str]) -> str:
    text = _fragment_to_text(match.group())
    # a symbol macro such as "\L ojasiewicz" or "\o re" is part of the word that follows
    string, end = match.string, match.end()
    if len(text) == 1 and text.isalpha() and match.group()[-1].isalpha() and string[end : end + 1] == " ":
        return text + "\x00"  # marker: eat the following space
    return text


def delatex(text: str) -> str:
    """Turn LaTeX debris into plain text: ``na\\"ive`` -> naïve, ``{\\em x}`` -> x, ``\\%`` -> %."""
    # the cheap checks first: most text holds no LaTeX, and these patterns have no literal to scan for
    if "\\" in text or "$" in text or "~" in text:
        text = re.sub(_LATEX_FRAGMENT, _replace_fragment, text).replace("\x00 ", "")
    if "{" in text:
        text = re.sub(_BRACES, _drop_braces, text)
    return text


# ---------------------------------------------------------------------------------------------------------
# URLs

# A URL runs until whitespace; a ``{...}`` right after it is LaTeX debris (``\href{url}{text}`` flattened).
_URL = r"(?i)https?://[^\s{}<>\"]+(?:\{[^}\s]*\}?)?"
_URL_TRAIL = ".,;:!?'\"”’)]>"


def _clean_url(raw: str) -> tuple[str, str]:
    """Return (url, text to show). ``{...}`` debris is dropped from the URL; sentence punctuation is not a URL."""
    core, _, inner = raw.partition("{")
    inner = inner.rstrip("}")
    url = core
    while url and url[-1] in _URL_TRAIL:
        # keep a closing parenthesis that belongs to the URL, e.g. wiki links with "(...)"
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    if inner and not inner.lower().startswith("http"):
        return url, f"{core} {inner}"  # "README.md{here.}" -> "README.md here."
    return url, core  # "X{X}" -> "X"


def extract_links(text: str) -> tuple[str, tuple[str, ...]]:
    """Find http(s) URLs; return the text with debris removed and the de-duplicated links in order."""
    links: list[str] = []

    def repl(m: re.Match[str]) -> str:
        url, shown = _clean_url(m.group())
        if url.count("/") >= 2 and len(url) > len("https://") and url not in links:
            links.append(url)
        return shown

    if "://" not in text:  # most abstracts: skip the case-insensitive scan, ~5x slower than this check
        return text, ()
    text = re.sub(_URL, repl, text)
    return text, tuple(links)


# ---------------------------------------------------------------------------------------------------------
# Parsing one page

_DATE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?) \d{1,2}(?:, \d{4})?"
)
_HEADER = r"(?i)new|subscribe|daily papers|get trending papers.*|by\s*ak\b.*|papers?|trending"
_PARAGRAPH_SPLIT = r"\n\s*\n"  # a blank line, even one holding spaces or tabs
_TITLE_MAX = 300


def paper_id(title: str) -> str:
    """Stable id from the title's key (``title_key``): case, accents, punctuation, spacing and invisible
    characters do not matter. Marks are kept by id: a change here must leave every existing id as it was."""
    import hashlib  # here, not at the top: a launch served from the parse cache makes no ids (saves ~1.5 ms)

    return hashlib.blake2b(title_key(title).encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def title_key(title: str) -> str:
    """What two titles must share to be one paper: their letters and digits (``normalise_title``); for a title
    with none at all (``!!!``, ``🚀🚀``), its symbols, so such titles do not all become one paper. The two never
    meet: a key of letters holds a letter or digit, a key of symbols holds none."""
    return normalise_title(title) or _symbols(title)


_NOT_ALNUM_ASCII = r"[^a-z0-9]+"


def normalise_title(title: str) -> str:
    """Letters and digits, single-spaced: case, accents, punctuation and spacing do not matter, and invisible
    format characters (zero-width space, soft hyphen, joiners: Unicode category Cf) are dropped, not spaces."""
    if title.isascii():  # the common case, ~10x faster than the general path below; same result (no Cf in ASCII)
        return re.sub(_NOT_ALNUM_ASCII, " ", title.lower()).strip()
    return _normalise_unicode(title)


def _normalise_unicode(title: str) -> str:
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    category = unicodedata.category
    letters = "".join(
        ch if ch.isalnum() else " "
        for ch in decomposed
        if not unicodedata.combining(ch) and category(ch) != "Cf"
    )
    return " ".join(letters.split())


def _symbols(title: str) -> str:
    """A title without letters or digits, as its symbols: compatibility forms, case, marks (accents, emoji
    variation selectors), invisible format characters and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch)[0] != "M" and unicodedata.category(ch) != "Cf")
    return " ".join(kept.split())


def _looks_like_abstract(paragraph: str) -> bool:
    """Titles are short and do not end a sentence; abstracts are long, end with a full stop or hold a URL."""
    if len(paragraph) > _TITLE_MAX or paragraph.endswith("."):
        return True
    return "://" in paragraph and re.search(_URL, paragraph) is not None


def _paragraphs(text: str) -> Iterator[str]:
    # controls go first, so a line holding only an escape sequence still counts as blank
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    for chunk in re.split(_PARAGRAPH_SPLIT, text):
        para = collapse_ws(chunk)
        if para:
            yield para


@dataclass(slots=True)
class _Entry:
    title: str
    abstract: str
    date: str | None


def _header_lines(paras: list[str]) -> set[int]:
    """Positions of header paragraphs: those at the top, and any run of them right before a date (the next
    page's header, when pages were pasted into one file)."""
    is_header = [re.fullmatch(_HEADER, para) is not None for para in paras]
    skip: set[int] = set()
    top = 0
    while top < len(paras) and is_header[top]:
        skip.add(top)
        top += 1
    run: list[int] = []
    for i, para in enumerate(paras):
        if is_header[i]:
            run.append(i)
            continue
        if run and re.fullmatch(_DATE, para):
            skip.update(run)
        run = []
    return skip


def _entries(text: str) -> Iterator[_Entry]:
    """Yield (title, abstract, date) for the text of one file; a title without abstract gets an empty abstract."""
    date: str | None = None
    title: str | None = None
    paras = list(_paragraphs(text))
    headers = _header_lines(paras)
    for i, para in enumerate(paras):
        if i in headers:
            continue
        if re.fullmatch(_DATE, para):
            if title is not None:
                yield _Entry(title, "", date)
                title = None
            date = para
            continue
        if title is None:
            title = para
        elif _looks_like_abstract(para):
            yield _Entry(title, para, date)
            title = None
        else:  # two titles in a row: the first one has no abstract
            yield _Entry(title, "", date)
            title = para
    if title is not None:
        yield _Entry(title, "", date)


def _make_abstract(raw: str) -> tuple[str, tuple[str, ...]]:
    text, links = extract_links(raw)
    return collapse_ws(delatex(text)), links


def parse_text(text: str, source: str = "<text>") -> list[Paper]:
    """Parse the text of one file (one or more pages) into papers, not yet deduplicated."""
    papers = []
    for entry in _entries(text):
        title = collapse_ws(delatex(entry.title))
        abstract, links = _make_abstract(entry.abstract)
        papers.append(
            Paper(
                id=paper_id(title),
                title=title,
                abstract=abstract,
                dates=(entry.date,) if entry.date else (),
                sources=(source,),
                links=links,
            )
        )
    return papers


# ---------------------------------------------------------------------------------------------------------
# Files and folders


def bundled_seeds() -> Path:
    """The corpus shipped inside the package (the five Daily Papers dumps)."""
    return Path(__file__).resolve().parent / "seeds"


def _expand(paths: Iterable[Path | str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            # every *.txt entry, whatever it is: one that is not a regular file (a FIFO, a device, a folder named
            # x.txt, a dangling link) is skipped with a warning when it is read, not silently here
            files.extend(sorted(path.glob("*.txt")))
        elif path.exists():
            files.append(path)
        else:
            raise CorpusError(f"{shown_path(raw)}: no such file or directory")
    return files


def _decode(data: bytes, problems: list[str]) -> str | None:
    """A file's text, or None when it is binary. UTF-8, or UTF-16 with a byte-order mark; lines that are not
    UTF-8 are read as Windows-1252 (so one stray byte does not garble the rest), with a warning."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines, bad = [], []
    for number, line in enumerate(data.split(b"\n"), 1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1252", errors="replace"))
            bad.append(number)
    where = f"line {bad[0]}" + (f" and {len(bad) - 1} more" if len(bad) > 1 else "")
    problems.append(f"not valid UTF-8 ({where}); read those lines as Windows-1252")
    return "\n".join(lines)


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
    text = _decode(data, problems)
    if text is None:
        problems.append("binary file, not a text dump; skipped")
        return []
    papers = parse_text(text, source=shown_path(path.name))  # a file name is untrusted text: shown as cleaned
    if not papers:
        problems.append("no papers found; skipped")
    return papers


def _merged(seen: Paper, paper: Paper) -> Paper:
    """The same paper seen again: every date and source; the longest abstract and the links found in it."""
    text = paper if len(paper.abstract) > len(seen.abstract) else seen
    return Paper(
        id=seen.id,
        title=seen.title,
        abstract=text.abstract,
        dates=_union(seen.dates, paper.dates),
        sources=_union(seen.sources, paper.sources),
        links=text.links,
    )


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return a + tuple(x for x in dict.fromkeys(b) if x not in a)


class PaperSet(Sequence[Paper]):
    """Papers in first-seen order, one per normalised title; grows as files are read (see ``add``)."""

    def __init__(self, papers: Iterable[Paper] = ()) -> None:
        self._papers: list[Paper] = []
        self.ids: dict[str, int] = {}  # paper id -> position
        self.add(papers)

    def add(self, papers: Iterable[Paper]) -> None:
        for paper in papers:
            position = self.ids.get(paper.id)
            if position is None:
                self.ids[paper.id] = len(self._papers)
                self._papers.append(paper)
            else:
                self._papers[position] = _merged(self._papers[position], paper)

    def __getitem__(self, index):  # type: ignore[override]
        return self._papers[index]

    def __len__(self) -> int:
        return len(self._papers)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self._papers)


def merge(papers: Iterable[Paper]) -> list[Paper]:
    """One paper per normalised title, in first-seen order, with every date and source."""
    return list(PaperSet(papers))


# ---------------------------------------------------------------------------------------------------------
# Parsed files are cached (pickled) in the user cache dir, keyed by path, size, mtime and this parser's own
# source, so a 100k-paper corpus opens in a fraction of a second the second time.

_CACHE_FORMAT = 3  # 2: warnings stored without the path; 3: crc32 names


@lru_cache(maxsize=1)
def _parser_fingerprint() -> str:
    from tui_reader import safe_text  # its cleaning is part of parsing

    parsing = Path(__file__).read_bytes() + Path(safe_text.__file__).read_bytes()
    return f"{zlib.crc32(parsing):08x}"


def cache_dir(kind: str = "corpus") -> Path:
    """The user cache folder of one cache: ``corpus`` (parsed files) or ``index`` (tui_reader.search.cache)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("tui-reader")) / kind


def replace_file(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it and a rename, so no reader (and no crash)
    ever sees half a file: the path gets a new inode, and a handle open on the old file still reads the old data.

    A symlink is followed: its final target is replaced, the link kept. Only a regular file is ever replaced:
    a directory, FIFO, device or socket raises OSError (the rename would have swapped a regular file in for
    it; run as root, for /dev/null). The new file keeps the old one's permission bits, and its owner when we
    may set it. ``durable`` (backups): the data is fsync'ed before the rename, the folder after it, so a power
    cut leaves the old file or the new one. Raises OSError, leaving no temporary file behind (nor when
    interrupted)."""
    import errno
    from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISREG, S_ISSOCK

    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        old = os.stat(target)  # a symlink loop raises ELOOP here
    except FileNotFoundError:
        old = None  # a new file (also: the target of a dangling symlink)
    if old is not None and not S_ISREG(old.st_mode):
        mode = old.st_mode
        kind = (
            "a directory" if S_ISDIR(mode)
            else "a FIFO" if S_ISFIFO(mode)
            else "a device" if S_ISCHR(mode) or S_ISBLK(mode)
            else "a socket" if S_ISSOCK(mode)
            else "not a regular file"
        )  # fmt: skip
        raise OSError(errno.EISDIR if S_ISDIR(mode) else errno.EINVAL, f"{kind}, not a regular file")
    # A random part, so two threads (or a stale file of a crashed process with our pid) never collide.
    partial = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.partial")
    # Created never more open than the file it replaces (0o666 is narrowed by the umask), and O_EXCL: never
    # someone else's file.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if old is None else old.st_mode & 0o777)
    try:
        try:
            if old is not None:
                if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                    try:
                        os.fchown(fd, old.st_uid, old.st_gid)
                    except OSError:
                        pass  # only root may give a file away: it stays ours
                os.fchmod(fd, old.st_mode & 0o777)  # exactly the old bits, whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, target)
    except BaseException:
        try:
            os.unlink(partial)
        except OSError:
            pass
        raise
    if durable:
        try:
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except OSError:
            pass  # the file is whole and in place; some file systems cannot sync a folder


def store_in_cache(entry: Path, value: object) -> bool:
    """Pickle ``value`` into a cache entry (its folder made as needed). False when it cannot be written:
    a cache we cannot write only costs time."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        replace_file(entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return False
    return True


def mark_used(entry: Path) -> None:
    """Note that a cache entry is in use (its modification time), so pruning keeps it; best effort (a
    read-only cache is still read)."""
    try:
        os.utime(entry)
    except OSError:
        pass


CACHE_MIN_BYTES = 4096  # smaller files are parsed every time, not cached. Parsing costs ~40 us per KiB; finding
# and reading an entry ~150-300 us whatever its size, and writing one a file creation (0.1-1 ms): caching every
# file of a folder of 3,000 dumps of 500 B made its first launch 6.6x slower than one file holding the same
# papers (1.4x without; benchmarks/bench_small_files.py), and its later launches no faster than parsing


def _cache_entry(path: Path) -> tuple[Path, tuple] | None:
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
    """The files a corpus is read from (folders: every ``*.txt``, sorted). No paths: the bundled seeds.

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
