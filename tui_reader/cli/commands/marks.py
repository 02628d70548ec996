"""``tui-reader marks export|import``: back up every mark, note and tag as JSON, and merge such a backup back
(the later change wins, per field). An import checks the whole file first: nothing is imported unless all of it
is a valid export, and any bad input is one line and exit 2."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from tui_reader.cli.commands import Command
from tui_reader.cli.common import UsageError, fail, not_saved, open_store, path_arg, same_file
from tui_reader.cli.parser import add_data_dir
from tui_reader.files import replace_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    action = parser.add_subparsers(dest="marks_command", metavar="ACTION", required=True)
    export = action.add_parser("export", help="write every mark, note and tag as JSON (to stdout by default)")
    export.add_argument("file", nargs="?", type=path_arg, metavar="FILE")
    add_data_dir(export)
    restore = action.add_parser(
        "import", help="merge marks, notes and tags from an export: the later change wins, per field"
    )
    restore.add_argument("file", type=path_arg, metavar="FILE", help="an export file, or - for stdin")
    add_data_dir(restore)


def run(args: argparse.Namespace) -> int:
    return (marks_export if args.marks_command == "export" else marks_import)(args)


def marks_export(args: argparse.Namespace) -> int:
    import json

    from tui_reader.safe_text import shown_path

    with open_store(args.data_dir, writable=False) as store:  # reading only: no lock taken, none waited for
        text = json.dumps(store.export(), ensure_ascii=False, indent=1) + "\n"
        marks_file = store.path
    if args.file is None or str(args.file) == "-":
        sys.stdout.write(text)
        return 0
    name = shown_path(args.file)
    if marks_file is not None and same_file(args.file, marks_file):
        raise UsageError(f"{name}: that is the marks file itself; export to another file")
    try:  # atomic (an existing backup is never left half-overwritten), through symlinks, never over a FIFO or device
        replace_file(args.file, text.encode("utf-8"), durable=True)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise UsageError(f"{name}: cannot write ({getattr(exc, 'strerror', None) or exc})") from None
    return 0


def marks_import(args: argparse.Namespace) -> int:
    """Nothing is imported unless the whole file is a valid export; any bad input is one line and exit 2."""
    from tui_reader.safe_text import shown_path

    name = "stdin" if str(args.file) == "-" else shown_path(args.file)
    records = _parse_export(_read_export(args.file, name), name)
    with open_store(args.data_dir) as store:
        try:
            changed = store.import_(records)
        except ValueError as exc:
            raise UsageError(f"{name}: {exc}") from None
        if store.read_only:
            return fail(not_saved("marks", store), 1)
    count = len(records) if isinstance(records, list) else 0  # import_ accepted it: always a list
    print(f"{count} mark{'' if count == 1 else 's'} read from {name}, {changed} changed")
    return 0


MAX_IMPORT_BYTES = 32 * 2**20  # an export holds ~120 bytes a mark: 280k marks. Parsed JSON can take 25 times its
# size in memory, so a bigger file is refused rather than read.
MAX_JSON_DIGITS = 640  # a longer integer is no time nor anything else an export holds (and Python refuses > 4300)


class _NotExport(ValueError):
    """Raised from inside json.loads: a literal no export holds (NaN, a 5000-digit number, a key twice)."""


def _read_export(path: Path, name: str) -> bytes:
    """The bytes of FILE (a regular file: a FIFO or directory is refused, never waited on) or of stdin."""
    import os
    import stat

    try:
        if str(path) == "-":  # not name: a file may be called "stdin"
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            if stream is None:
                raise UsageError("stdin: cannot read (no standard input)")
            data = stream.read(MAX_IMPORT_BYTES + 1)
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogateescape")
        else:
            # O_NONBLOCK: opening a FIFO for reading would wait for a writer
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            try:
                mode = os.fstat(fd).st_mode
            except BaseException:
                os.close(fd)
                raise
            if not stat.S_ISREG(mode):
                os.close(fd)
                kind = "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a device"
                kind = "a socket" if stat.S_ISSOCK(mode) else kind
                raise UsageError(f"{name}: {kind}, not a file to import (give - to read stdin)")
            with open(fd, "rb") as f:
                data = f.read(MAX_IMPORT_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise UsageError(f"{name}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise UsageError(f"{name}: too big for a marks export (over {MAX_IMPORT_BYTES >> 20} MB)")
    return data


def _parse_export(data: bytes, name: str) -> object:
    """The JSON value of an export's bytes; UsageError for anything that is not JSON an export could hold."""
    import json

    def refuse_constant(literal: str) -> float:
        raise _NotExport(f"{literal} is not valid JSON")

    def checked_int(digits: str) -> int:
        if len(digits) > MAX_JSON_DIGITS:
            raise _NotExport(f"a {len(digits.lstrip('-'))}-digit number")
        return int(digits)

    def unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
        record = dict(pairs)
        if len(record) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise _NotExport(f"an object has the key {key[:40]!r} twice")
                seen.add(key)
        return record

    try:
        text = data.decode("utf-8-sig")  # a byte order mark (Windows editors) is no error
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not a marks export (not UTF-8 text, at byte {exc.start + 1})") from None
    if not text.strip():
        raise UsageError(f"{name}: empty, not a marks export")
    enabled = gc.isenabled()
    gc.disable()  # many small containers: collection passes would find nothing and cost seconds
    try:
        return json.loads(text, parse_constant=refuse_constant, parse_int=checked_int, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        problem = f"invalid JSON at line {exc.lineno}: {exc.msg}"
    except RecursionError:
        problem = "nested too deeply"
    except _NotExport as exc:
        problem = str(exc)
    except MemoryError:
        problem = "too big to read into memory"
    finally:
        if enabled:
            gc.enable()
    raise UsageError(f"{name}: not a marks export ({problem})")


COMMAND = Command("marks", "back up or restore marks as JSON", add_arguments, run)
