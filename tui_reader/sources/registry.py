"""The registry of sources: every kind of file the reader reads, found by content, and the fingerprint of the code
that parses them.

A source is one module of this package defining ``SOURCE = Source(...)``; nothing else names it. The corpus asks
``source_for(head)`` which source reads a file (the first whose ``sniff`` accepts the file's first characters, in
``order``), and stamps the parse cache with ``fingerprint()``: a checksum of every module of this package and of
the modules of the package they use at module level (the model, terminal-safe text), so that changing any
parser's code (or adding a source) makes every user's cached parses stale on its own.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from tui_reader.discovery import defined_in, package_modules
from tui_reader.paper import Paper

__all__ = [
    "ParseLines",
    "Problems",
    "Source",
    "fingerprint",
    "fingerprinted_files",
    "parsing_modules",
    "source_for",
    "sources",
]


class Problems:
    """What went wrong in one file, as few lines: per kind, where it first happened and how many more times."""

    def __init__(self, unit: str) -> None:
        self.unit = unit  # "item", "line"
        self._first: dict[str, int] = {}
        self._count: dict[str, int] = {}

    def add(self, number: int, what: str, times: int = 1) -> None:
        """``what`` went wrong at ``number`` (and ``times - 1`` more times after it)."""
        self._first.setdefault(what, number)
        self._count[what] = self._count.get(what, 0) + times

    def kinds(self) -> list[tuple[str, int, int]]:
        """Each kind of problem: what, where it first happened, how many times (to ``add`` to another's)."""
        return [(what, number, self._count[what]) for what, number in self._first.items()]

    def lines(self) -> list[str]:
        out = []
        for what, number in self._first.items():
            more = self._count[what] - 1
            out.append(f"{self.unit} {number}: {what}" + (f" (and {more:,} more {self.unit}s)" if more else ""))
        return out


Parse = Callable[[str, str], tuple[list[Paper], list[str]]]  # (text, file name) -> papers, problems
ParseLines = Callable[[Iterable[bytes | str | None], str, Problems, int], Iterator[Paper]]
# (lines, file name, problems, number of the first line) -> papers, one line at a time


@dataclass(frozen=True, slots=True)
class Source:
    """One kind of file: how it is recognised and how it is parsed.

    ``sniff`` is given the file's first characters (up to ``corpus.SNIFF_BYTES``), after a byte-order mark and
    leading whitespace. ``parse`` reads a whole file's text; a source that can also be read line by line gives
    ``parse_lines``, and its UTF-8 files are then streamed in parts (bounded memory, papers shown sooner).
    Sources are sniffed in ``order`` (lower first, then by name); a catch-all (``sniff`` always true) goes last.
    ``nothing`` tells, of a file that gave no papers, whether its text says there are none (a day without
    papers: ``[]``): read silently, where any other file without papers is one warning.
    """

    name: str
    sniff: Callable[[str], bool]
    parse: Parse
    parse_lines: ParseLines | None = None
    order: int = 50
    nothing: Callable[[str], bool] = lambda text: False


def _package() -> ModuleType:
    return sys.modules[__package__ or "tui_reader.sources"]


def discover(package: ModuleType) -> tuple[Source, ...]:
    """The ``SOURCE`` of every module of ``package``, in sniffing order."""
    found = defined_in(package, "SOURCE", Source)
    return tuple(sorted(found, key=lambda source: (source.order, source.name)))


@lru_cache(maxsize=1)
def sources() -> tuple[Source, ...]:
    """Every registered source, in the order they are sniffed."""
    return discover(_package())


def source_for(head: str) -> Source:
    """The source that reads a file starting with ``head`` (after a byte-order mark and whitespace)."""
    for source in sources():
        if source.sniff(head):
            return source
    raise LookupError("no source reads this file (a catch-all source is missing)")


# ---------------------------------------------------------------------------------------------------------
# The parse cache's fingerprint


def parsing_modules(registered: Iterable[Source] | None = None) -> list[ModuleType]:
    """The modules whose code turns a file's bytes into papers, by name: every module of this package, each
    registered source's module, and the package's modules their functions and classes come from (the model,
    terminal-safe text), followed through module-level imports."""
    package = _package()
    root = package.__name__.partition(".")[0] + "."
    pending = [package, *package_modules(package)]
    for source in sources() if registered is None else registered:  # a source defined elsewhere (a test, a plugin)
        names = (
            getattr(part, "__module__", None)
            for part in (source.sniff, source.parse, source.parse_lines, source.nothing)
        )
        pending += [sys.modules[name] for name in names if isinstance(name, str) and name in sys.modules]
    seen: dict[str, ModuleType] = {}
    while pending:
        module = pending.pop()
        if module.__name__ in seen:
            continue
        seen[module.__name__] = module
        for value in vars(module).values():
            name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
            if isinstance(name, str) and name.startswith(root) and name not in seen and name in sys.modules:
                pending.append(sys.modules[name])
    return [seen[name] for name in sorted(seen)]


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A checksum of the parsing code (``parsing_modules``) and of the registered sources' names and order: a change
    anywhere else (the corpus's reading and caching, the app) keeps every user's cache."""
    registered = sources()
    checksum = zlib.crc32(" ".join(source.name for source in registered).encode())
    for path in fingerprinted_files(registered):
        checksum = zlib.crc32(path.read_bytes(), checksum)
    return f"{checksum:08x}"


def fingerprinted_files(registered: Iterable[Source] | None = None) -> list[Path]:
    """The files ``fingerprint`` reads: the code of every parsing module."""
    return [Path(str(module.__file__)) for module in parsing_modules(registered)]
