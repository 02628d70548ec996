"""`mark`: marks from the command line, one transaction, and where they go."""

from __future__ import annotations

import json

from tui_reader.cli import main
from tui_reader.library import DB_NAME, MarkStore, default_data_dir

from .support import run


def test_cli_mark_then_list_starred_json(seeds_corpus, data_dir, capsys):
    one, two = seeds_corpus.papers[3], seeds_corpus.papers[7]
    status, out, err = run(capsys, "mark", one.id, two.id, "--star", "--data-dir", str(data_dir))
    assert status == 0 and err == ""
    assert [line[:12] for line in out.splitlines()] == [one.id, two.id]
    status, out, _ = run(capsys, "list", "--starred", "--format", "json", "--data-dir", str(data_dir))
    listed = json.loads(out)
    assert [p["id"] for p in listed] == [one.id, two.id]
    assert all(p["starred"] and not p["read"] for p in listed)

    run(capsys, "mark", two.id, "--read", "--unstar", "--data-dir", str(data_dir))
    status, out, _ = run(capsys, "list", "--read", "--format", "json", "--data-dir", str(data_dir))
    assert [(p["id"], p["read"], p["starred"]) for p in json.loads(out)] == [(two.id, True, False)]
    status, out, _ = run(capsys, "list", "--unread", "--data-dir", str(data_dir))
    assert len(out.splitlines()) == len(seeds_corpus.papers) - 1
    assert f"{one.id}  *•" in out  # starred, unread


def test_cli_uses_the_xdg_data_dir_unless_given_one(seeds_corpus, data_dir, capsys):
    paper = seeds_corpus.papers[0]
    run(capsys, "mark", paper.id, "--star")
    assert (default_data_dir() / DB_NAME).is_file()
    _, out, _ = run(capsys, "list", "--starred", "--data-dir", str(data_dir))
    assert out == ""
    _, out, _ = run(capsys, "list", "--starred")
    assert out.startswith(paper.id)


def test_cli_mark_unknown_id_is_one_line_exit_2_and_marks_nothing(seeds_corpus, data_dir, capsys):
    known = seeds_corpus.papers[0].id
    status, out, err = run(capsys, "mark", known, "0123456789ab", "--read", "--data-dir", str(data_dir))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "0123456789ab" in err and known not in err
    with MarkStore.open(data_dir) as store:
        assert store.all() == {}


def test_cli_mark_needs_an_action(seeds_corpus, data_dir, capsys):
    status, _, err = run(capsys, "mark", seeds_corpus.papers[0].id, "--data-dir", str(data_dir))
    assert status == 2 and err.count("\n") == 1 and "--star" in err


def test_cli_mark_takes_ids_from_another_corpus_and_keeps_marks_of_papers_not_listed(tmp_path, data_dir, capsys):
    dump = tmp_path / "dump.txt"
    dump.write_text("Mar 11\n\nA Paper Only Here\n\nIts abstract, long enough to be one.\n")
    _status, out, _ = run(capsys, "list", str(dump), "--format", "json")
    [paper] = json.loads(out)
    assert run(capsys, "mark", paper["id"], "--star", "--corpus", str(dump), "--data-dir", str(data_dir))[0] == 0
    assert run(capsys, "list", "--starred", "--data-dir", str(data_dir))[1] == ""  # not in the seeds
    _, out, _ = run(capsys, "marks", "export", "--data-dir", str(data_dir))
    assert [m["id"] for m in json.loads(out)] == [paper["id"]]


def test_cli_on_an_unwritable_data_dir_lists_and_refuses_to_pretend_it_marked(unwritable_dir, seeds_corpus, capsys):
    paper = seeds_corpus.papers[0]
    assert main(["list", "--data-dir", str(unwritable_dir), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == len(seeds_corpus.papers)
    assert "not be saved" in err and "Traceback" not in err
    assert main(["mark", paper.id, "--read", "--data-dir", str(unwritable_dir)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == f"tui-reader: error: marks not saved: data directory {unwritable_dir} is not writable\n"
    backup = unwritable_dir.parent / "backup.json"
    backup.write_text(json.dumps([{"id": paper.id, "read": True, "read_at": 1.0}]))
    assert main(["marks", "import", str(backup), "--data-dir", str(unwritable_dir)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == f"tui-reader: error: marks not saved: data directory {unwritable_dir} is not writable\n"
