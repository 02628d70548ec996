"""Notes, tags and the undo history in the marks store: the schema migration, the rules for what is stored,
undo/redo across restarts, crash safety (kill -9 mid-save), and the CLI's note/tag commands and exports."""

from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS

from tui_reader.cli import main
from tui_reader.state import ReaderState
from tui_reader.store import (
    DB_NAME,
    HISTORY_KEEP,
    SCHEMA_VERSION,
    Change,
    Journal,
    MarkStore,
    clean_note,
    clean_tags,
)

HERE = Path(__file__).resolve().parent
WORKER = HERE / "store_worker.py"

# The schema as released before notes and tags (schema 1), copied from the code as it was: an old marks.db.
V1_SCHEMA = """CREATE TABLE marks (
    paper_id   TEXT PRIMARY KEY NOT NULL,
    read       INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
    starred    INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
    read_at    REAL,
    starred_at REAL
) WITHOUT ROWID"""


def old_marks_file(data_dir: Path) -> Path:
    path = data_dir / DB_NAME
    conn = sqlite3.connect(path)
    conn.execute(V1_SCHEMA)
    conn.executemany(
        "INSERT INTO marks VALUES (?, ?, ?, ?, ?)",
        [("a", 1, 0, 100.0, None), ("b", 0, 1, None, 200.0), ("c", 1, 1, None, None)],
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Migration


def test_an_old_marks_file_migrates_and_loses_nothing(data_dir):
    old_marks_file(data_dir)
    with MarkStore.open(data_dir) as store:
        assert store.warnings == [] and not store.read_only
        marks = store.all()
        assert (marks["a"].read, marks["a"].read_at, marks["b"].starred, marks["b"].starred_at) == (
            True,
            100,
            True,
            200,
        )
        assert marks["c"].read and marks["c"].starred and marks["c"].note is None and marks["c"].tags == ()
        store.set_note("a", "kept")
        store.change_tags("b", add=["rl"])
    with MarkStore.open(data_dir) as store:
        assert store.notes() == {"a": "kept"} and store.tags() == {"b": ("rl",)} and store.get("a").read
    conn = sqlite3.connect(data_dir / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_reading_an_old_marks_file_shows_its_marks_and_leaves_it_alone(data_dir):
    path = old_marks_file(data_dir)
    before = sha(path)
    with MarkStore.open(data_dir, writable=False) as store:
        assert store.read_ids() == {"a", "c"} and store.starred_ids() == {"b", "c"} and store.notes() == {}
    assert sha(path) == before
    assert main(["list", "--format", "json", "--data-dir", str(data_dir), str(SEEDS)]) == 0
    assert sha(path) == before


def test_a_failed_migration_changes_nothing(data_dir, monkeypatch):
    """The migration runs in one transaction: a statement failing half-way leaves the old file as it was."""
    import tui_reader.store as store_module

    path = old_marks_file(data_dir)
    before = sha(path)
    steps = dict(store_module.MIGRATIONS)
    # fails after every other statement ran, and only on a file holding marks (the in-memory copy still works)
    steps[2] = (*steps[2], "INSERT INTO marks (paper_id) SELECT paper_id FROM marks")
    monkeypatch.setattr(store_module, "MIGRATIONS", steps)
    with MarkStore.open(data_dir) as store:
        assert store.read_only  # cannot migrate: the marks are still shown, nothing is written
        assert store.read_ids() == {"a", "c"}
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert [row[1] for row in conn.execute("PRAGMA table_info(marks)")] == [
        "paper_id",
        "read",
        "starred",
        "read_at",
        "starred_at",
    ]
    conn.close()
    assert sha(path) == before


# ---------------------------------------------------------------------------------------------------------
# What is stored


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


def test_change_tags_adds_and_removes_in_one_step(data_dir):
    with MarkStore.open(data_dir) as store:
        store.change_tags("p", add=["RL", "vision"])
        mark = store.change_tags("p", add=["rl", "new"], remove=["VISION"])
        assert mark.tags == ("new", "RL")
        assert store.all_tags() == ["new", "RL"]
        with pytest.raises(ValueError):
            store.change_tags("p", add=["ok", "not ok"])
        assert store.get("p").tags == ("new", "RL")  # nothing half-applied


# ---------------------------------------------------------------------------------------------------------
# Undo and redo


def test_undo_and_redo_survive_a_restart_and_say_what_they_did(data_dir):
    with MarkStore.open(data_dir) as store:
        store.apply([Change(f"p{i}", "read", True, 1000.0, batch=7) for i in range(412)])
        store.set_starred("p1", True)
        store.set_note("p2", "a thought")
    with MarkStore.open(data_dir) as store:
        undone = store.undo()
        assert undone is not None and undone.message(lambda pid: f"Title of {pid}") == "undone: note on Title of p2"
        assert store.get("p2").note is None
    with MarkStore.open(data_dir) as store:
        assert store.undo().message() == "undone: unstarred 1 paper".replace("unstarred", "starred")
        assert not store.get("p1").starred
        assert store.undo().message() == "undone: marked 412 papers read"
        assert store.read_ids() == set()
        assert store.undo() is None
        assert store.redo().message() == "redone: marked 412 papers read"
        assert len(store.read_ids()) == 412
    with MarkStore.open(data_dir) as store:
        assert store.redo().message() == "redone: starred 1 paper"
        store.change_tags("p3", add=["x"])  # a new change drops what could still be redone (the note)
        assert store.redo() is None
        assert store.get("p2").note is None


def test_at_least_a_hundred_steps_survive_a_restart(data_dir):
    with MarkStore.open(data_dir) as store:
        for i in range(130):
            store.toggle_read(f"p{i}")
    with MarkStore.open(data_dir) as store:
        for _ in range(100):
            assert store.undo() is not None
        assert store.read_ids() == {f"p{i}" for i in range(30)}


def test_the_oldest_steps_are_dropped_beyond_the_history_kept(data_dir):
    with MarkStore.open(data_dir) as store:
        for i in range(HISTORY_KEEP + 5):
            store.toggle_read(f"p{i}")
        assert len(store.history()) == HISTORY_KEEP


def test_the_reader_shows_an_undo_with_titles(seeds_corpus, data_dir):
    papers = seeds_corpus.papers[:3]
    with MarkStore.open(data_dir) as store:
        reader = ReaderState(papers, store)
        changes = reader.changes_for([p.id for p in papers], "read", True)
        assert len(changes) == 3 and len({c.batch for c in changes}) == 1
        for change in changes:
            reader.change(change)
        store.apply(changes)
        reader.saved(changes)
        store.set_note(papers[0].id, "mine")
        reader.reload_marks()
        assert reader.mark(papers[0].id).note == "mine"
        assert reader.undone(store.undo()) == f"undone: note on {papers[0].title}"
        assert reader.mark(papers[0].id).note is None
        assert reader.undone(store.undo()) == "undone: marked 3 papers unread".replace("unread", "read")
        assert reader.read_count == 0


# ---------------------------------------------------------------------------------------------------------
# Crashes


def test_a_journal_line_cut_by_a_crash_drops_the_whole_bulk_change(data_dir):
    with Journal.create(data_dir) as journal:
        journal.append([Change("one", "starred", True, 1.0)])
        journal.append([Change(f"p{i}", "read", True, 2.0, batch=3) for i in range(100)])
        size = journal.path.stat().st_size
        with open(journal.path, "r+b") as f:
            f.truncate(size - 500)  # a kill -9 mid-write
        assert [(c.paper_id, c.field) for c in journal.read()] == [("one", "starred")]


def _kill_at_random(data_dir: Path, mode: str, runs: int) -> None:
    rng = random.Random()
    for run in range(runs):
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), str(data_dir), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=HERE,
        )
        for _ in range(rng.randrange(1, 6)):
            if not worker.stdout.readline():
                break
        worker.kill()
        worker.wait()
        assert worker.returncode == -9, f"run {run}: {worker.stderr.read()}"
        worker.stdout.close(), worker.stderr.close()
        yield


@pytest.mark.serial  # real processes, killed at random moments
def test_kill_9_while_saving_a_note_leaves_a_whole_note(data_dir):
    from store_worker import note_text

    for _ in _kill_at_random(data_dir, "notes", 8):
        with MarkStore.open(data_dir) as store:
            note = store.get("noted").note
            assert note is not None and note == note_text(int(note[:4]))  # one save's note, whole
            history = store.history()
            assert history[-1].items[0][3] == note  # the history step is the save that is on disk


@pytest.mark.serial  # real processes, killed at random moments
def test_kill_9_during_a_bulk_mark_applies_all_or_nothing(data_dir):
    from store_worker import BULK_PAPERS

    for _ in _kill_at_random(data_dir, "bulk", 8):
        with MarkStore.open(data_dir) as store:
            read = store.read_ids()
            assert len(read) in (0, BULK_PAPERS)
            steps = store.history()
            if steps:
                assert len(steps[-1].items) == BULK_PAPERS


# ---------------------------------------------------------------------------------------------------------
# The command line


def test_note_sets_prints_reads_stdin_and_removes(data_dir, capsys, monkeypatch):
    import io

    dd = ["--data-dir", str(data_dir)]
    assert main(["note", "2403.1", "first \x1b]0;title\x07thought", *dd]) == 0
    assert "note saved on 2403.1" in capsys.readouterr().err
    assert main(["note", "2403.1", *dd]) == 0
    assert capsys.readouterr().out == "first thought\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"from\r\nstdin\n")))
    assert main(["note", "2403.1", "-", *dd]) == 0
    capsys.readouterr()
    assert main(["note", "2403.1", *dd]) == 0
    assert capsys.readouterr().out == "from\nstdin\n"
    assert main(["note", "2403.1", "", *dd]) == 0
    assert "note removed from 2403.1" in capsys.readouterr().err
    assert main(["note", "2403.1", *dd]) == 0
    assert capsys.readouterr().out == ""
    assert main(["note", "bad id", "x", *dd]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_tag_adds_removes_prints_and_refuses_bad_tags(data_dir, capsys):
    dd = ["--data-dir", str(data_dir)]
    assert main(["tag", "p", "--add", "RL", "--add", "vision", *dd]) == 0
    assert capsys.readouterr().out == "RL vision\n"
    assert main(["tag", "p", "--add", "rl", "--remove", "Vision", "--add", "new", *dd]) == 0
    assert capsys.readouterr().out == "new RL\n"
    assert main(["tag", "p", "--add", "two words", *dd]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad tag 'two words'" in err
    assert main(["tag", "p", *dd]) == 0
    assert capsys.readouterr().out == "new RL\n"
    with MarkStore.open(data_dir) as store:
        assert [entry.phrase() for entry in store.history()] == ["tags on p", "tags on p"]


def test_list_shows_tags_and_notes(seeds_corpus, data_dir, capsys):
    paper = seeds_corpus.papers[0]
    dd = ["--data-dir", str(data_dir)]
    main(["tag", paper.id, "--add", "rl-theory", *dd])
    main(["note", paper.id, "see section 3", *dd])
    capsys.readouterr()
    assert main(["list", str(SEEDS), *dd]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(paper.id))
    assert line.endswith(f"{paper.title}  [rl-theory]")
    assert main(["list", "--format", "json", str(SEEDS), *dd]) == 0
    records = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert records[paper.id]["tags"] == ["rl-theory"] and records[paper.id]["note"] == "see section 3"
    other = seeds_corpus.papers[1].id
    assert records[other]["tags"] == [] and records[other]["note"] is None
    assert main(["list", "--query", "tag:rl-theory", str(SEEDS), *dd]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == [paper.id]
    assert main(["list", "--query", "note:section", "--format", "json", str(SEEDS), *dd]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [paper.id]


def test_note_and_tag_filters(seeds_corpus):
    from tui_reader.search import SearchIndex
    from tui_reader.store import MarkFlags

    papers = seeds_corpus.papers[:5]
    ids = [p.id for p in papers]
    notes = {ids[0]: "Strong baseline; read the appendix", ids[1]: "weak baseline"}
    tags = {ids[2]: ("RL-theory",), ids[3]: ("rl-theory-2",), ids[4]: ("vision",)}
    index = SearchIndex(papers)

    def found(query: str) -> list[str]:
        result = index.search(query, MarkFlags(set(), set(), notes, tags))
        assert result.error is None
        return sorted(ids[i] for i in result.indices)

    assert found("note:baseline ") == sorted(ids[:2])
    assert found('note:"appendix baseline" ') == [ids[0]]  # every word, in any order
    assert found("note:append") == [ids[0]]  # the word being typed
    assert found("-note:weak ") == sorted(ids[:1] + ids[2:])
    assert found("tag:rl-theory ") == [ids[2]]  # the whole tag, any case
    assert found("tag:RL-THEORY") == sorted(ids[2:4])  # being typed: tags starting with it
    assert found("tag:vision -tag:rl ") == [ids[4]]
    assert index.search("tag: x", MarkFlags(set(), set())).error == "tag: needs a tag, e.g. tag:rl-theory"


def test_export_and_import_carry_notes_and_tags_newer_field_wins(tmp_path, capsys):
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    with MarkStore.open(theirs) as store:
        store.apply([Change("p", "note", "their old note", 100.0), Change("p", "tags", ("new-tag",), 300.0)])
        store.apply([Change("q", "note", "only theirs", 100.0)])
    with MarkStore.open(mine) as store:
        store.apply([Change("p", "note", "my newer note", 200.0), Change("p", "tags", ("old-tag",), 50.0)])
    export = tmp_path / "theirs.json"
    assert main(["marks", "export", str(export), "--data-dir", str(theirs)]) == 0
    record = next(r for r in json.loads(export.read_text()) if r["id"] == "p")
    assert record["note"] == "their old note" and record["tags"] == ["new-tag"] and record["tags_at"] == 300.0
    assert main(["marks", "import", str(export), "--data-dir", str(mine)]) == 0
    assert "2 changed" in capsys.readouterr().out
    with MarkStore.open(mine) as store:
        assert store.get("p").note == "my newer note" and store.get("p").tags == ("new-tag",)
        assert store.get("q").note == "only theirs"
        assert store.undo().message() == "undone: 2 changes on 2 papers"
        assert store.get("p").tags == ("old-tag",) and store.get("q").note is None


def test_import_refuses_a_bad_tag_in_one_line_and_imports_nothing(data_dir, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "p", "read": True}, {"id": "q", "tags": ["fine", "not fine"]}]))
    assert main(["marks", "import", str(bad), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "mark #2" in err and "bad tag" in err
    with MarkStore.open(data_dir) as store:
        assert store.read_ids() == set()


def test_a_note_too_long_on_stdin_is_one_line_and_saves_nothing(data_dir, capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 500_000)))
    assert main(["note", "p", "-", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "note too long" in err
    with MarkStore.open(data_dir) as store:
        assert store.notes() == {}


# ---------------------------------------------------------------------------------------------------------
# Properties of what is stored


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

tag_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


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
