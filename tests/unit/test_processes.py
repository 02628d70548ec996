"""The processes the reader starts run the reader's own code, whatever folder it was started in."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader import processes


def test_a_child_never_runs_a_tui_reader_package_from_the_folder_the_reader_was_started_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a downloaded folder (or another checkout) holding a package of the same name
    planted = tmp_path / "tui_reader"
    planted.mkdir()
    marker = tmp_path / "ran-the-folders-code"
    (planted / "__init__.py").write_text("")
    (planted / "processes.py").write_text(f"open({str(marker)!r}, 'w').close()\nprint('planted', flush=True)\n")
    monkeypatch.chdir(tmp_path)
    process = processes.start("tui_reader.processes")
    assert process.stdin is not None and process.stdout is not None
    process.stdin.close()
    out = process.stdout.read()
    processes.end(process)
    assert out == b""
    assert not marker.exists()
