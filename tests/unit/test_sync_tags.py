"""Tags merge tag by tag: two devices adding different tags to one paper keep both, a removal wins over an older
add and loses to a later one, and tags written before they merged tag by tag are carried over."""

from __future__ import annotations

import sqlite3

from support.sync_devices import device_dir

from tui_reader.cli import main
from tui_reader.library import DB_NAME, Change, MarkStore
from tui_reader.library.schema import MIGRATIONS
from tui_reader.sync import sync_once


def device(root, name):
    (root / "shared").mkdir(exist_ok=True)
    return device_dir(root, name)


def run(*argv: str) -> None:
    assert main(list(argv)) == 0


PAPER = "2e0170c1c245"  # the first bundled paper: tags are only given to papers


def tags(data, paper: str = PAPER) -> tuple[str, ...]:
    with MarkStore.open(data) as store:
        return store.get(paper).tags


def test_two_devices_adding_different_tags_keep_both(tmp_path):
    a, b = device(tmp_path, "aaaaaaaa"), device(tmp_path, "bbbbbbbb")
    folder = str(tmp_path / "shared")
    run("tag", PAPER, "--add", "draft", "--data-dir", str(a))
    run("sync", "--sync-dir", folder, "--data-dir", str(a))
    run("sync", "--sync-dir", folder, "--data-dir", str(b))
    run("tag", PAPER, "--add", "rl", "--data-dir", str(a))  # at the same time, on two machines
    run("tag", PAPER, "--add", "vision", "--remove", "draft", "--data-dir", str(b))
    for data in (a, b, a):
        run("sync", "--sync-dir", folder, "--data-dir", str(data))
    assert tags(a) == tags(b) == ("rl", "vision")
    run("tag", PAPER, "--add", "draft", "--data-dir", str(a))  # added again later: there again
    for data in (a, b):
        run("sync", "--sync-dir", folder, "--data-dir", str(data))
    assert tags(a) == tags(b) == ("draft", "rl", "vision")


def test_a_tag_removed_later_elsewhere_stays_removed_and_old_tags_migrate(tmp_path):
    a = device(tmp_path, "aaaaaaaa")
    conn = sqlite3.connect(a / DB_NAME)  # a file of the version before tags merged tag by tag
    for step in (1, 2, 3):
        for statement in MIGRATIONS[step]:
            conn.execute(statement)
    conn.execute("INSERT INTO marks VALUES ('p', 0, 0, NULL, NULL, NULL, NULL, 'rl vision', 50.0)")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    assert tags(a, "p") == ("rl", "vision")
    folder = tmp_path / "shared"
    b = device(tmp_path, "bbbbbbbb")
    with MarkStore.open(a) as store_a, MarkStore.open(b) as store_b:
        sync_once(store_a, folder), sync_once(store_b, folder)
        assert store_b.get("p").tags == ("rl", "vision")
        store_b.apply([Change("p", "tag", "-rl", 60.0)])
        store_a.apply([Change("p", "tag", "+new", 55.0)])
        sync_once(store_b, folder), sync_once(store_a, folder), sync_once(store_b, folder)
        assert store_a.get("p").tags == store_b.get("p").tags == ("new", "vision")
