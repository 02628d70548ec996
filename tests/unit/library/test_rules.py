"""What may be stored: notes safe to show, tags that are one word, unique ignoring case and sorted; every
refusal one line."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_reader.library import clean_note, clean_tags

tag_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


def test_notes_are_stored_safe_to_show():
    assert clean_note("line one\r\nline two\x1b[31m red\x07\tend  \n\n") == "line one\nline two red\tend"
    assert clean_note("   \n ") is None and clean_note(None) is None
    with pytest.raises(ValueError, match="too long"):
        clean_note("x" * 100_001)


@pytest.mark.parametrize("bad", ["two words", "", "-lead", "trail-", "a:b", "x" * 41, "emoji🙂", "tab\tx"])
def test_a_bad_tag_is_refused_in_one_line(bad):
    with pytest.raises(ValueError) as info:
        clean_tags([bad])
    assert "\n" not in str(info.value) and "a tag is one word" in str(info.value)


def test_tags_are_unique_ignoring_case_keep_the_first_spelling_and_sort():
    assert clean_tags([" RL-theory ", "rl-THEORY", "vision", "a.b/c_d", "Zeta"]) == (
        "a.b/c_d",
        "RL-theory",
        "vision",
        "Zeta",
    )
    assert clean_tags(["Über", "über"]) == ("Über",)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_a_cleaned_note_is_safe_and_cleaning_it_again_changes_nothing(text):
    note = clean_note(text)
    if note is not None:
        # no escape, no control but newline and tab, no bidi override: what safe_text removes everywhere
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]", note)
        assert clean_note(note) == note and note == note.rstrip() and note


@given(st.lists(tag_text, max_size=8))
def test_cleaned_tags_are_valid_unique_ignoring_case_sorted_and_stable(tags):
    try:
        cleaned = clean_tags(tags)
    except ValueError as exc:
        assert "\n" not in str(exc)
        return
    folded = [t.casefold() for t in cleaned]
    assert folded == sorted(set(folded)) and clean_tags(cleaned) == cleaned
    assert all(" " not in t and ":" not in t for t in cleaned)
