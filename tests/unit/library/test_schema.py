"""The marks file's schema: the current version on every file, a migration step for every version, old files
migrated without losing a mark (or read without being touched), a failed migration changing nothing, and a file
of a newer tui-reader read but never written."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from conftest import SEEDS, asides

from tui_reader.cli import main
from tui_reader.library import DB_NAME, MarkStore
from tui_reader.library.schema import MIGRATIONS, SCHEMA_VERSION

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
# The current schema


def test_file_uses_wal_and_the_current_schema_version(data_dir):
    MarkStore.open(data_dir).close()
    conn = sqlite3.connect(data_dir / DB_NAME)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_every_schema_version_has_a_migration_step():
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))


def test_an_empty_version_0_sqlite_file_is_migrated(data_dir):
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.execute("VACUUM")  # writes a valid, empty database file
    conn.close()
    assert (data_dir / DB_NAME).stat().st_size > 0
    with MarkStore.open(data_dir) as store:
        assert store.warnings == [] and not store.read_only
        store.set_read("p", True)
    assert asides(data_dir) == []


def test_a_file_from_a_newer_version_is_read_but_never_touched(data_dir):
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.execute(
        "CREATE TABLE marks (paper_id TEXT PRIMARY KEY, read INT, starred INT, read_at REAL, starred_at REAL,"
        " note TEXT)"
    )
    conn.execute("INSERT INTO marks VALUES ('p', 1, 0, 1.0, NULL, 'from the future')")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = sha(data_dir / DB_NAME)
    with MarkStore.open(data_dir) as store:
        assert store.read_only
        assert len(store.warnings) == 1 and "newer" in store.warnings[0] and "not be saved" in store.warnings[0]
        assert store.get("p").read is True
        store.set_starred("p", True)
        assert store.get("p").starred is True  # kept for the session
    assert sha(data_dir / DB_NAME) == before
    assert asides(data_dir) == []


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
    from tui_reader.library import schema as schema_module

    path = old_marks_file(data_dir)
    before = sha(path)
    steps = dict(schema_module.MIGRATIONS)
    # fails after every other statement ran, and only on a file holding marks (the in-memory copy still works)
    steps[2] = (*steps[2], "INSERT INTO marks (paper_id) SELECT paper_id FROM marks")
    monkeypatch.setattr(schema_module, "MIGRATIONS", steps)
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


def test_the_marks_of_many_papers_are_the_same_read_by_lookups_or_by_one_scan(data_dir):
    """A few ids are looked up; ids of most of the table are read in one scan. Either way each paper gets its own
    mark, and a paper without a row no mark, in the order asked."""
    from tui_reader.library.model import NO_MARK
    from tui_reader.library.schema import IDS_PER_QUERY, marks_of

    with MarkStore.open(data_dir) as store:
        for n in range(0, 1200, 3):
            store.set_read(f"p{n}", True)
        store.set_starred("p3", True)
    conn = sqlite3.connect(data_dir / DB_NAME)
    few = marks_of(conn, ["p3", "p4", "p6"])
    assert [(m.read, m.starred) for m in few.values()] == [(True, True), (False, False), (True, False)]
    assert list(few) == ["p3", "p4", "p6"] and few["p4"] is NO_MARK
    many = [f"p{n}" for n in range(1199, -1, -1)]  # 1,200 ids (400 with a row): more than one query's worth
    assert len(many) > IDS_PER_QUERY
    read = marks_of(conn, many)
    assert list(read) == many
    assert [pid for pid, m in read.items() if m.read] == [f"p{n}" for n in range(1197, -1, -3)]
    assert [pid for pid, m in read.items() if m.starred] == ["p3"]
    assert sum(m is NO_MARK for m in read.values()) == 800
    conn.close()
