"""Launching the reader (`tui-reader [PATH ...]`): what happens before the reader opens."""

from __future__ import annotations

from tui_reader.cli import main


def test_a_launch_that_fails_before_the_reader_opens_leaves_garbage_collection_on(tmp_path, capsys):
    import gc

    missing = tmp_path / "nowhere.txt"
    assert main([str(missing)]) == 2  # the reader's launch, not `list`
    assert capsys.readouterr().err.splitlines() == [f"tui-reader: error: {missing}: no such file or directory"]
    assert gc.isenabled()
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty")]) == 1
    assert gc.isenabled()
