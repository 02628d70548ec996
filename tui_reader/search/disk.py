"""An index's parts as a folder of files, read back memory-mapped: opened in milliseconds, its pages the kernel's.

A folder holds, per field (``title``, ``abstract``), the five arrays of its ``Postings`` as ``.npy`` files; the
vocabulary as one UTF-8 text, a word a line (a word never holds a line break: postings keep bytes > 32 only);
the title compounds and the corpus' acronyms as JSON; and ``meta.json``, written last: the format, the digest of
what was indexed, the number of papers and words, and each file's size and CRC-32.

``load`` checks all of it before anything is used: a file missing, truncated, of another size or CRC, not a
regular file (a FIFO, a symlink: never opened through), a header or JSON that is not what ``store`` writes, raises
``Damaged`` with one line saying which file and what. Arrays are mapped read-only: writing into one raises.

``store`` writes a new folder beside the entry, then renames it into place (the old one renamed aside first and
removed: a reader that mapped its files keeps reading them). Any OSError (a full disk) removes what was written.
"""

from __future__ import annotations

import contextlib
import io
import json
import mmap
import os
import shutil
import stat
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

from tui_reader.search.forms import Counts
from tui_reader.search.index import IndexParts
from tui_reader.search.postings import Postings

__all__ = ["FORMAT", "Damaged", "load", "load_counted", "store"]

FORMAT = 3  # 3: a folder of memory-mapped arrays (2 was one pickle)
_META = "meta.json"
_VOCABULARY = "vocabulary.txt"
_FORMS = "forms.json"
_FIELDS = ("title", "abstract")
# each Postings array: its dtype as np.save writes it, and its number of dimensions
_ARRAYS = {
    "offsets": ("<i8", 1),
    "papers": ("<u4", 1),
    "common": ("<i8", 1),
    "bits": ("|u1", 2),
    "common_counts": ("<i8", 1),
}
_NAMES = (*(f"{f}.{a}.npy" for f in _FIELDS for a in _ARRAYS), _VOCABULARY, _FORMS)
_SMALL = 64 << 20  # the most meta.json or forms.json may hold
_BLOCK = 8 << 20  # bytes read at a time for the CRC


class Damaged(Exception):
    """An index folder that cannot be used as it is: the message names the file and the problem."""


# -- writing ---------------------------------------------------------------------------------------------


class _Checked:
    """A file being written that counts its bytes and their CRC-32 (np.save writes through ``write``)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.size = 0
        self.crc = 0

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self.out.write(view)
        self.size += len(view)
        self.crc = zlib.crc32(view, self.crc)
        return len(view)


def _write(folder: Path, name: str, fill: Callable[[_Checked], object], sizes: dict[str, list[int]]) -> None:
    with open(folder / name, "xb") as out:
        checked = _Checked(out)
        fill(checked)
    sizes[name] = [checked.size, checked.crc]


def _arrays(postings: Postings) -> dict[str, np.ndarray]:
    return {
        "offsets": postings.offsets,
        "papers": postings.papers,
        "common": postings.common,
        "bits": postings.bits,
        "common_counts": postings.common_counts,
    }


def _save(array: np.ndarray, dtype: str) -> Callable[[_Checked], None]:
    return lambda out: np.save(out, np.ascontiguousarray(array, dtype), allow_pickle=False)


def _write_parts(folder: Path, digest: bytes, parts: IndexParts, counts: Counts | None = None) -> None:
    sizes: dict[str, list[int]] = {}
    for field, postings in zip(_FIELDS, (parts.title, parts.abstract), strict=True):
        for name, array in _arrays(postings).items():
            _write(folder, f"{field}.{name}.npy", _save(array, _ARRAYS[name][0]), sizes)
    words = "\n".join(parts.vocabulary).encode("utf-8", "surrogatepass")
    _write(folder, _VOCABULARY, lambda out: out.write(words), sizes)
    forms: dict[str, Any] = {"compounds": parts.compounds, "acronyms": parts.acronyms}
    if counts is not None:
        forms["counts"] = [[acronym, list(words), count] for (acronym, words), count in counts.items()]
    _write(folder, _FORMS, lambda out: out.write(json.dumps(forms, ensure_ascii=False).encode()), sizes)
    meta = {
        "format": FORMAT,
        "digest": digest.hex(),
        "papers": parts.title.size,
        "words": len(parts.vocabulary),
        "files": sizes,
    }
    (folder / _META).write_text(json.dumps(meta, indent=1), encoding="utf-8")


def store(entry: Path, digest: bytes, parts: IndexParts, counts: Counts | None = None) -> bool:
    """Write ``parts`` (an index of the papers ``digest`` names) as the folder ``entry``, replacing what is
    there; and ``counts``, when given (the acronyms found with their counts: a part's, to merge). False when it
    cannot be written (nothing of it is left behind then)."""
    return store_folder(entry, lambda new: _write_parts(new, digest, parts, counts))


def store_folder(entry: Path, write: Callable[[Path], object]) -> bool:
    """Fill a new folder beside ``entry`` with ``write``, then put it in the place of ``entry``. False when it
    cannot be written (nothing of it is left behind then)."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        new = Path(tempfile.mkdtemp(prefix=".new-", dir=entry.parent))
    except OSError:
        return False
    try:
        write(new)
        _swap_in(new, entry)
    except OSError:
        shutil.rmtree(new, ignore_errors=True)
        return False
    return True


def _swap_in(new: Path, entry: Path) -> None:
    """Rename ``new`` to ``entry``; whatever was there is renamed aside, then removed."""
    aside: Path | None = None
    if os.path.lexists(entry):
        aside = Path(tempfile.mkdtemp(prefix=".old-", dir=entry.parent))
        os.rename(entry, aside / "entry")
    os.rename(new, entry)
    if aside is not None:
        remove(aside)


def remove(path: Path) -> None:
    """Remove a folder (or a file, or a link: never what it points to), as far as possible."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


# -- reading ---------------------------------------------------------------------------------------------


def load(entry: Path, digest: bytes) -> IndexParts:
    """The parts kept in the folder ``entry`` if they index the papers ``digest`` names. Raises ``Damaged``
    (or OSError: no such folder) otherwise."""
    return load_counted(entry, digest)[0]


def load_counted(entry: Path, digest: bytes) -> tuple[IndexParts, Counts | None]:
    """``load``, and the acronym counts stored with the parts (None when none were)."""
    try:
        folder = os.open(entry, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        raise Damaged(f"{entry}: not a folder ({error.strerror})") from None
    try:
        return _load(folder, entry, digest)
    finally:
        os.close(folder)


def _load(folder: int, entry: Path, digest: bytes) -> tuple[IndexParts, Counts | None]:
    meta = _meta(folder, entry)
    if meta["digest"] != digest.hex():
        raise Damaged(f"{entry}: an index of other papers")
    files: dict[str, list[int]] = meta["files"]
    n, words = meta["papers"], meta["words"]
    fields = []
    for field in _FIELDS:
        arrays = {
            name: _array(folder, entry, f"{field}.{name}.npy", files, dtype, ndim)
            for name, (dtype, ndim) in _ARRAYS.items()
        }
        fields.append(_postings(entry, field, n, words, arrays))
    with _opened(folder, entry, _VOCABULARY, files) as (text, _):
        try:
            vocabulary = str(text, "utf-8", "surrogatepass").split("\n") if words else []
        except UnicodeDecodeError:
            raise Damaged(f"{entry}/{_VOCABULARY}: not UTF-8") from None
    if len(vocabulary) != words:
        raise Damaged(f"{entry}/{_VOCABULARY}: {len(vocabulary)} words, not {words}")
    with _opened(folder, entry, _FORMS, files, _SMALL) as (forms_text, _):
        compounds, acronyms, counts = _forms(entry, forms_text)
    return IndexParts(vocabulary, fields[0], fields[1], compounds, acronyms), counts


def _json(folder: int, entry: Path, name: str) -> Any:
    """A small JSON file of the folder (meta.json: no size nor CRC to check it against), parsed."""
    fd = _open(folder, entry, name)
    with os.fdopen(fd, "rb") as f:
        size = os.fstat(fd).st_size
        if size > _SMALL:
            raise Damaged(f"{entry}/{name}: {size} bytes, too big")
        data = f.read(_SMALL + 1)
    try:
        return json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Damaged(f"{entry}/{name}: not JSON") from None


def _meta(folder: int, entry: Path) -> dict[str, Any]:
    meta = _json(folder, entry, _META)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise Damaged(f"{entry}/{_META}: not format {FORMAT}")
    files = meta.get("files")
    if (
        not isinstance(meta.get("digest"), str)
        or not _count(meta.get("papers"))
        or not _count(meta.get("words"))
        or not isinstance(files, dict)
        or set(files) != set(_NAMES)
        or not all(isinstance(v, list) and len(v) == 2 and all(map(_count, v)) for v in files.values())
    ):
        raise Damaged(f"{entry}/{_META}: not what an index folder holds")
    return meta


def _count(value: object) -> bool:
    return type(value) is int and value >= 0


def _open(folder: int, entry: Path, name: str) -> int:
    """A descriptor of ``name`` in the folder, which must be a regular file (never followed if a link, never
    waited on if a FIFO)."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError as error:
        raise Damaged(f"{entry}/{name}: cannot open ({error.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise Damaged(f"{entry}/{name}: not a regular file")
    return fd


@contextlib.contextmanager
def _opened(
    folder: int, entry: Path, name: str, files: dict[str, list[int]], most: int | None = None
) -> Iterator[tuple[Any, int]]:
    """``(its bytes mapped, its size)``, once the file's size and CRC-32 are what meta.json says."""
    size, crc = files[name]
    if most is not None and size > most:
        raise Damaged(f"{entry}/{name}: {size} bytes, too big")
    fd = _open(folder, entry, name)
    try:
        if os.fstat(fd).st_size != size:
            raise Damaged(f"{entry}/{name}: {os.fstat(fd).st_size} bytes, not {size}")
        data: Any = mmap.mmap(fd, size, access=mmap.ACCESS_READ) if size else b""
    finally:
        os.close(fd)
    view = memoryview(data)
    found = 0
    for start in range(0, size, _BLOCK):
        found = zlib.crc32(view[start : start + _BLOCK], found)
    view.release()
    if found != crc:
        raise Damaged(f"{entry}/{name}: CRC-32 {found:08x}, not {crc:08x}")
    yield data, size


def _array(folder: int, entry: Path, name: str, files: dict[str, list[int]], dtype: str, ndim: int) -> np.ndarray:
    """A ``.npy`` file mapped read-only, once its size, CRC and header are checked."""
    with _opened(folder, entry, name, files) as (data, size):
        header = io.BytesIO(data[: min(size, 4096)])
        try:
            if np.lib.format.read_magic(header) != (1, 0):
                raise ValueError("version")
            shape, fortran, found = np.lib.format.read_array_header_1_0(header)
        except ValueError:
            raise Damaged(f"{entry}/{name}: not an array file") from None
        start = header.tell()
        if fortran or found.str != dtype or len(shape) != ndim or start + int(np.prod(shape)) * found.itemsize != size:
            raise Damaged(f"{entry}/{name}: not the array expected ({found.str} {shape})")
        array = np.frombuffer(data, found, int(np.prod(shape)), start) if size > start else np.empty(0, found)
        array = array.reshape(shape)
        array.flags.writeable = False
        return array


def _postings(entry: Path, field: str, n: int, words: int, a: dict[str, np.ndarray]) -> Postings:
    """The arrays as Postings, once their shapes agree with each other (and the offsets climb)."""
    offsets, papers, common, bits, counts = (a[name] for name in _ARRAYS)
    if (
        len(offsets) != words + 1
        or offsets[0] != 0
        or offsets[-1] != len(papers)
        or bits.shape != (len(common), (n + 7) // 8)
        or len(counts) != len(common)
        or (len(common) and (common[0] < 0 or common[-1] >= words))
        or bool(np.any(offsets[1:] < offsets[:-1]))
    ):
        raise Damaged(f"{entry}/{field}.*.npy: the arrays do not fit together")
    return Postings(n, offsets, papers, common, bits, counts)


def _forms(entry: Path, text: Any) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], Counts | None]:
    try:
        forms = json.loads(bytes(text))
    except (UnicodeDecodeError, ValueError):
        raise Damaged(f"{entry}/{_FORMS}: not JSON") from None
    found = []
    for key in ("compounds", "acronyms"):
        table = forms.get(key) if isinstance(forms, dict) else None
        if not isinstance(table, dict) or not all(
            isinstance(v, list) and all(isinstance(w, str) for w in v) for v in table.values()
        ):
            raise Damaged(f"{entry}/{_FORMS}: no table of {key}")
        found.append({k: tuple(v) for k, v in table.items()})
    return found[0], found[1], _counts(entry, forms.get("counts"))


def _counts(entry: Path, listed: object) -> Counts | None:
    """The acronym counts as ``_write_parts`` lists them: ``[acronym, [words], count]`` each, in order."""
    if listed is None:
        return None
    counts: Counts = Counter()
    for item in listed if isinstance(listed, list) else [None]:
        if not (
            isinstance(item, list)
            and len(item) == 3
            and isinstance(item[0], str)
            and isinstance(item[1], list)
            and all(isinstance(w, str) for w in item[1])
            and _count(item[2])
            and item[2] > 0
        ):
            raise Damaged(f"{entry}/{_FORMS}: acronym counts that are not [acronym, [words], count]")
        counts[item[0], tuple(item[1])] += item[2]
    return counts
