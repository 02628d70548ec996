"""The journal of changes not yet saved: it gives back what was written to it, a line cut by a crash is dropped
whole (never half a bulk change), lines of an older version still replay, and the reader shows pending changes
over the file."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.library import Change, Journal, MarkStore
from tui_reader.state import ReaderState


def test_a_journal_line_cut_by_a_crash_drops_the_whole_bulk_change(data_dir):
    with Journal.create(data_dir) as journal:
        journal.append([Change("one", "starred", True, 1.0)])
        journal.append([Change(f"p{i}", "read", True, 2.0, batch=3) for i in range(100)])
        size = journal.path.stat().st_size
        with open(journal.path, "r+b") as f:
            f.truncate(size - 500)  # a kill -9 mid-write
        assert [(c.paper_id, c.field) for c in journal.read()] == [("one", "starred")]


values = st.one_of(
    st.tuples(st.sampled_from(["read", "starred"]), st.booleans()),
    st.tuples(st.just("note"), st.one_of(st.none(), st.text(max_size=30))),
    st.tuples(
        st.just("tags"), st.lists(st.from_regex(r"[a-zA-Z0-9]([a-z0-9\-]{0,4}[a-z0-9])?", fullmatch=True), max_size=4)
    ),
)


@given(st.lists(st.tuples(values, st.floats(0, 2e9), st.integers(0, 3)), min_size=1, max_size=6))
def test_a_journal_gives_back_the_changes_written_to_it(tmp_path_factory, items):
    changes = [Change("p", field, value, at, batch) for (field, value), at, batch in items]
    with Journal.create(tmp_path_factory.mktemp("j")) as journal:
        journal.append(changes)
        assert journal.read() == changes


def test_a_note_holding_a_unicode_line_separator_comes_back_with_its_batch(data_dir):
    """Python's splitlines() also splits at U+2028, U+0085 and form feeds, which a note may hold (JSON writes them
    as they are): the line would read as two cut ones and the whole batch would be lost."""
    changes = [Change("p", "note", "one\u2028two\x85three", 5.0, 2), Change("q", "read", True, 5.0, 2)]
    with Journal.create(data_dir) as journal:
        journal.append(changes)
        assert journal.read() == changes


def test_a_journal_line_of_an_older_version_still_replays(data_dir):
    with Journal.create(data_dir) as journal:
        with open(journal.path, "a") as f:
            f.write(json.dumps({"id": "old", "field": "starred", "value": True, "at": 5.0}) + "\n")
        assert journal.read() == [Change("old", "starred", True, 5.0)]


def test_the_reader_shows_a_pending_note_and_tags_over_the_file(seeds_corpus, data_dir):
    paper = seeds_corpus.papers[0]
    with MarkStore.open(data_dir) as store:
        reader = ReaderState(seeds_corpus.papers, store)
        note, tags = Change(paper.id, "note", "pending", 1.0), Change(paper.id, "tags", ("rl",), 1.0)
        reader.change(note), reader.change(tags)
        assert reader.mark(paper.id).note == "pending" and reader.all_tags() == ["rl"]
        flags = reader.flags()
        reader.set_marks(frozenset(), frozenset(), {}, {})  # another program's write, before ours is saved
        assert reader.mark(paper.id).note == "pending" and reader.mark(paper.id).tags == ("rl",)
        assert flags.notes == {paper.id: "pending"}  # a search worker's copy is never changed under it
        reader.saved([note, tags])
        reader.set_marks(frozenset(), frozenset(), {}, {})
        assert reader.mark(paper.id).note is None and reader.all_tags() == []
        assert flags.notes == {paper.id: "pending"}
