"""Terminal-safe text (tui_reader.safe_text): escape sequences are removed whole, in their one-character C1 forms
too, so nothing of them reaches the screen (no colours, no window titles, no stray "31m")."""

from __future__ import annotations

import json

import pytest

from tui_reader.cli import main
from tui_reader.safe_text import clean_text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("A \x9b31mred\x9b0m title", "A red title"),  # C1 CSI: parameters and final byte go too
        ("A \x9b1;31;42mloud\x9b0m title", "A loud title"),
        ("x\x9d0;pwned\x07y", "xy"),  # C1 OSC (a window title), ended by BEL
        ("x\x9d52;c;aGk=\x9cy", "xy"),  # C1 OSC 52 (the clipboard), ended by C1 ST
        ("a\x90q#0;2;0;0;0\x9cb", "ab"),  # C1 DCS (sixel), ended by ST
        ("a\x9fapc\x1b\\b", "ab"),  # C1 APC, ended by ESC \
        ("A \x1b[31mred\x1b[0m title", "A red title"),
        ("a\x9bb", "a"),  # a CSI whose final byte is the b: removed whole as well
        ("Plain › title", "Plain › title"),  # the character cp1252 gives 0x9b is not a control
    ],
)
def test_escape_sequences_are_removed_whole(text, shown):
    assert clean_text(text) == shown


def test_a_title_with_a_c1_csi_is_listed_without_its_parameters(tmp_path, capsys):
    path = tmp_path / "papers.json"
    path.write_text(json.dumps([{"title": "Diffusion \x9b31mfor\x9b0m all", "abstract": "An abstract."}]))
    assert main(["list", str(path)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.endswith("Diffusion for all")


@pytest.mark.parametrize("command", [["list"], ["list", "--format", "json"], ["export", "--format", "csv"]])
def test_lone_surrogates_from_json_escapes_are_removed_not_a_traceback(tmp_path, capsys, command):
    """JSON may escape half of a surrogate pair alone ("\\ud800"): it decodes to a character no UTF-8 can
    encode, so printing a title holding one was a UnicodeEncodeError traceback."""
    path = tmp_path / "papers.json"
    path.write_text(
        '[{"title": "Lone \\ud800half \\udfffpairs", "abstract": "An \\udc80abstract.", "authors": "A \\ud83d"}]'
    )
    assert clean_text("a\ud800b\udfffc") == "abc"
    assert main([*command, str(path)]) == 0
    out = capsys.readouterr().out
    assert "Lone half pairs" in out and "\ud800" not in out
