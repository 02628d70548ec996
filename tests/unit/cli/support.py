"""Running the command line in-process, and reading what it left: shared by the CLI tests."""

from __future__ import annotations

from pathlib import Path

from tui_reader.cli import main
from tui_reader.library import MarkStore

GOOD = {"id": "good", "read": True, "read_at": 1_700_000_000.0}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def stored(data_dir: Path) -> dict:
    with MarkStore.open(data_dir) as store:
        return store.all()


def one_error_line(err: str, name: object) -> str:
    """The single stderr line, checked to be `tui-reader: error: NAME: problem`; returns the problem."""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    prefix = f"tui-reader: error: {name}: "
    assert err.startswith(prefix), err
    return err[len(prefix) : -1]
