"""Saved views' storage (DATA_DIR/views.json): the model the reader's view cycle and palette will use."""

from __future__ import annotations

import json

import pytest

from tui_reader.views import VIEWS_FILE, SavedView, SavedViews


def test_views_are_saved_in_order_and_survive_a_restart(data_dir):
    views = SavedViews.load(data_dir)
    assert views.views == [] and views.warnings == []
    views.save("RL to read", "tag:rl is:unread", "date")
    views.save("Diffusion", "diffusion -survey")
    views.save("rl TO READ", "tag:rl")  # the same name, ignoring case: replaced in place, new spelling
    again = SavedViews.load(data_dir)
    assert again.views == [SavedView("rl TO READ", "tag:rl", ""), SavedView("Diffusion", "diffusion -survey", "")]
    assert again.get("diffusion") == SavedView("Diffusion", "diffusion -survey")
    assert again.remove("DIFFUSION") and not again.remove("nothing")
    assert SavedViews.load(data_dir).names() == ["rl TO READ"]


def test_two_readers_saving_views_keep_both(data_dir):
    first, second = SavedViews.load(data_dir), SavedViews.load(data_dir)
    first.save("one", "a")
    second.save("two", "b")
    assert SavedViews.load(data_dir).names() == ["one", "two"]


@pytest.mark.parametrize("name", ["", "   ", "all", "Unread", "starred", "x" * 41])
def test_a_bad_view_name_is_refused_in_one_line(data_dir, name):
    with pytest.raises(ValueError) as info:
        SavedViews.load(data_dir).save(name, "q")
    assert "\n" not in str(info.value)
    assert not (data_dir / VIEWS_FILE).exists()


def test_names_and_queries_are_kept_safe_to_show(data_dir):
    view = SavedViews.load(data_dir).save("bad\x1b]0;title\x07\nname", "a\x1b[31mb\tc")
    assert view == SavedView("bad name", "ab c")


@pytest.mark.parametrize("content", [b"not json", b'{"name": "x"}', b'[{"name": "all", "query": ""}]', b"\xff"])
def test_a_damaged_views_file_is_one_warning_and_no_views(data_dir, content):
    (data_dir / VIEWS_FILE).write_bytes(content)
    views = SavedViews.load(data_dir)
    assert views.views == [] and len(views.warnings) == 1 and "no saved views" in views.warnings[0]


def test_the_file_is_plain_json(data_dir):
    SavedViews.load(data_dir).save("mine", "is:starred", "upvotes")
    assert json.loads((data_dir / VIEWS_FILE).read_text()) == [
        {"name": "mine", "query": "is:starred", "sort": "upvotes"}
    ]
