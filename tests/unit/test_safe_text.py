"""Terminal-safe text (tui_reader.safe_text): escape sequences are removed whole, in their one-character C1 forms
too, so nothing of them reaches the screen (no colours, no window titles, no stray "31m")."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.cli import main
from tui_reader.safe_text import clean_text, collapse_ws


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


# What ASCII text without escape sequences becomes, written out here character by character: the controls go
# (NUL..BS, VT, FF, SO..US, DEL), tab/newline/CR are whitespace; then single spaces, none at either end.
_ASCII_DROPPED = {*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F}


def _ascii_reference(text: str) -> str:
    kept = "".join(" " if ch in "\t\n\r" else ch for ch in text if ord(ch) not in _ASCII_DROPPED)
    words, word = [], ""
    for ch in kept:
        if ch == " ":
            if word:
                words.append(word)
            word = ""
        else:
            word += ch
    return " ".join([*words, word] if word else words)


_ASCII_TEXT = st.lists(st.sampled_from([*map(chr, range(0x80)), "  ", "\n  ", " \t "]), max_size=40).map("".join)


@settings(max_examples=400)
@given(_ASCII_TEXT.filter(lambda t: "\x1b" not in t))
def test_ascii_text_loses_its_controls_and_extra_spaces(text):
    assert clean_text(text) == _ascii_reference(text)


@settings(max_examples=400)
@given(st.text(max_size=40) | _ASCII_TEXT)
def test_single_spacing_splits_where_python_splits(text):
    """Every whitespace Python knows (the ASCII separators \\x1c-\\x1f, NBSP, U+2028...) is a space between words."""
    spaced = collapse_ws(text)
    assert spaced.split(" ") == (text.split() or [""])


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("  Wrapped\n  abstract  line\r\n\tend  ", "Wrapped abstract line end"),
        ("a\x00b\x7fc\x0bd\x0ce\x1cf\x1fg", "abcdefg"),  # controls go, they are not spaces
        ("A \x1b[31mred\x1b[0m\n  title", "A red title"),  # ESC: the general path, the same spacing
        ("Na\u00efve  \u00a0 words\u2028here", "Na\u00efve words here"),  # NBSP and the line separator are spaces
        (" " * 100_000 + "x" + " " * 100_000, "x"),
    ],
)
def test_cleaned_text_is_one_line_single_spaced(text, shown):
    assert clean_text(text) == shown
