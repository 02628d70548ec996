"""The command line's notes and tags: ``note`` and ``tag`` set, print and remove them (refusing bad ones in one
line), ``list`` shows them, and ``marks export``/``import`` carry them (the newer field wins)."""

from __future__ import annotations

import json
import sys

from conftest import SEEDS

from tui_reader.cli import main
from tui_reader.library import Change, MarkStore

PAPER = "2e0170c1c245"  # the first bundled paper ("RLIF: Interactive Imitation Learning as Reinforcement Learning")


def test_note_sets_prints_reads_stdin_and_removes(data_dir, capsys, monkeypatch):
    import io

    dd = ["--data-dir", str(data_dir)]
    assert main(["note", PAPER, "first \x1b]0;title\x07thought", *dd]) == 0
    assert f"note saved on {PAPER}" in capsys.readouterr().err
    assert main(["note", PAPER, *dd]) == 0
    assert capsys.readouterr().out == "first thought\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"from\r\nstdin\n")))
    assert main(["note", PAPER, "-", *dd]) == 0
    capsys.readouterr()
    assert main(["note", PAPER, *dd]) == 0
    assert capsys.readouterr().out == "from\nstdin\n"
    assert main(["note", PAPER, "", *dd]) == 0
    assert f"note removed from {PAPER}" in capsys.readouterr().err
    assert main(["note", PAPER, *dd]) == 0
    assert capsys.readouterr().out == ""
    assert main(["note", "bad id", "x", *dd]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_tag_adds_removes_prints_and_refuses_bad_tags(data_dir, capsys):
    dd = ["--data-dir", str(data_dir)]
    assert main(["tag", PAPER, "--add", "RL", "--add", "vision", *dd]) == 0
    assert capsys.readouterr().out == "RL vision\n"
    assert main(["tag", PAPER, "--add", "rl", "--remove", "Vision", "--add", "new", *dd]) == 0
    assert capsys.readouterr().out == "new RL\n"
    assert main(["tag", PAPER, "--add", "two words", *dd]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad tag 'two words'" in err
    assert main(["tag", PAPER, *dd]) == 0
    assert capsys.readouterr().out == "new RL\n"
    with MarkStore.open(data_dir) as store:
        assert [entry.phrase() for entry in store.history()] == [f"tags on {PAPER}"] * 2


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


def test_note_and_tag_refuse_an_id_that_is_no_paper_as_mark_does(data_dir, capsys):
    dd = ["--data-dir", str(data_dir)]
    for command in (["note", "deadbeef0000", "hi"], ["tag", "deadbeef0000", "--add", "rl"], ["note", "deadbeef0000"]):
        assert main([*command, *dd]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "unknown paper id deadbeef0000" in err and "list" in err, err
    with MarkStore.open(data_dir) as store:
        assert store.notes() == {} and store.tags() == {}  # nothing left behind


def test_a_paper_known_only_from_the_marks_file_takes_notes_and_tags(data_dir, capsys):
    with MarkStore.open(data_dir) as store:  # as another device's change arrives through sync
        store.apply([Change("abcdef012345", "starred", True, 1.0)])
    assert main(["note", "abcdef012345", "seen on my laptop", "--data-dir", str(data_dir)]) == 0
    assert main(["tag", "abcdef012345", "--add", "later", "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out == "later\n"


def test_a_paper_another_device_marked_is_known_before_this_one_has_synced(tmp_path, data_dir, config_toml, capsys):
    """Another device starred a paper only its corpus holds and synced: its log in the shared folder names the
    paper, so a note on it here is taken at once (the next sync brings the star); a log that is a symbolic link
    is not followed, and an id no log names is still refused, naming the sync folder."""
    from tui_reader.sync import sync_once

    folder = tmp_path / "shared"
    folder.mkdir()
    with MarkStore.open(tmp_path / "laptop") as laptop:
        laptop.apply([Change("abcdef012345", "starred", True, 1.0)])
        sync_once(laptop, folder)
    (tmp_path / "planted.jsonl").write_text('{"v": 1, "id": "0123456789ab", "field": "read"}\n')
    (folder / "0123456789abcdef.jsonl").symlink_to(tmp_path / "planted.jsonl")
    config_toml(f'sync_dir = "{folder}"\n')
    dd = ["--data-dir", str(data_dir)]
    assert main(["note", "abcdef012345", "seen on my laptop", *dd]) == 0
    capsys.readouterr()
    assert main(["note", "0123456789ab", "planted", *dd]) == 2
    assert "nor in the marks file or the sync folder" in capsys.readouterr().err
    with MarkStore.open(data_dir) as store:
        assert store.notes() == {"abcdef012345": "seen on my laptop"}


def test_note_and_tag_take_the_corpus_an_id_comes_from_as_mark_does(tmp_path, data_dir, capsys):
    """A paper of a folder the reader was given (tui-reader PATH), in no configured corpus: --corpus makes it
    known, as it does for mark; without it the id is refused, naming where it was looked for."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    listed = {"id": "2405.11111", "title": "Only here", "summary": "s.", "authors": [{"name": "Ada Lovelace"}]}
    (folder / "2024-05-01.json").write_text(json.dumps([{"paper": listed}]))
    assert main(["list", str(folder)]) == 0
    paper_id = capsys.readouterr().out.split()[0]
    dd = ["--data-dir", str(data_dir)]
    assert main(["note", paper_id, "from a folder", *dd]) == 2
    assert "unknown paper id" in capsys.readouterr().err
    assert main(["note", paper_id, "from a folder", "--corpus", str(folder), *dd]) == 0
    assert main(["tag", paper_id, "--add", "later", "--corpus", str(folder), *dd]) == 0
    assert capsys.readouterr().out == "later\n"
    assert main(["note", "deadbeef0000", "hi", "--corpus", str(folder), *dd]) == 2
    assert f"unknown paper id deadbeef0000 (not in {folder}, nor in the marks file" in capsys.readouterr().err
    with MarkStore.open(data_dir) as store:
        assert store.notes() == {paper_id: "from a folder"} and store.tags() == {paper_id: ("later",)}


def test_an_id_across_two_parts_of_a_log_is_found(tmp_path, monkeypatch):
    import tui_reader.sync as sync

    folder = tmp_path / "shared"
    folder.mkdir()
    line = '{"v": 1, "id": "abcdef012345", "field": "read", "value": true}\n'
    (folder / "0123456789abcdef.jsonl").write_text("x" * 20 + line)
    for chunk in (16, 25, 29, 40, 1 << 20):  # the id cut at every place a small part can cut it
        monkeypatch.setattr(sync, "READ_CHUNK", chunk)
        assert sync.mentions(folder, "abcdef012345") and not sync.mentions(folder, "abcdef012346")
