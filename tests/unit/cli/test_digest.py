"""`tui-reader digest` through the command line, in-process: what cron gets on stdout, and nothing else."""

from __future__ import annotations

import json
import time

import pytest
from support.paper_files import daily_item

from .support import run

DAY = 86_400.0


@pytest.fixture
def listing(tmp_path):
    items = [
        daily_item(title="Spectral graphs", summary="Eigen things. More.", arxiv="2512.00001", upvotes=5),
        daily_item(title="Parsing *fast*", summary="We parse. Quickly.", arxiv="2512.00002", upvotes=50),
    ]
    path = tmp_path / "day.json"
    path.write_text(json.dumps(items))
    return path


def test_the_digest_of_papers_first_seen_today_is_the_document_alone(capsys, listing, data_dir, time_zone):
    time_zone("UTC")
    status, out, err = run(capsys, "digest", str(listing), "--data-dir", str(data_dir))
    assert (status, err) == (0, "")
    today = time.strftime("%A %Y-%m-%d", time.gmtime())
    lines = out.splitlines()
    assert lines[0].startswith("# Papers first seen since ") and lines[2] == f"## {today}"
    assert lines[4:] == [
        "- [Parsing \\*fast\\*](https://arxiv.org/abs/2512.00002) · Ada Lovelace, Alan Turing · 50 upvotes",
        "  We parse.",
        "- [Spectral graphs](https://arxiv.org/abs/2512.00001) · Ada Lovelace, Alan Turing · 5 upvotes",
        "  Eigen things.",
    ]


def test_papers_seen_before_the_window_are_not_in_it_and_nothing_new_exits_0(capsys, listing, data_dir, monkeypatch):
    real = time.time()
    monkeypatch.setattr(time, "time", lambda: real - 3 * DAY)  # first seen three days ago
    assert run(capsys, "list", str(listing), "--data-dir", str(data_dir))[0] == 0
    monkeypatch.setattr(time, "time", lambda: real)
    status, out, err = run(capsys, "digest", str(listing), "--since", "1d", "--data-dir", str(data_dir))
    assert (status, err) == (0, "")
    assert out.endswith("\n\nNothing new.\n") and out.count("\n") == 3
    status, out, _ = run(capsys, "digest", str(listing), "--since", "7d", "--data-dir", str(data_dir))
    assert "Spectral graphs" in out and "Parsing" in out


def test_watched_only_the_papers_of_the_watch_list_by_watch(capsys, listing, data_dir, config_toml):
    config_toml('watch = ["spectral", "author:nobody", "foo:bar"]\n')
    status, out, err = run(capsys, "digest", str(listing), "--watched", "--data-dir", str(data_dir))
    assert status == 0
    assert out.splitlines()[0].startswith("# Watched papers first seen since ")
    assert out.splitlines()[1:] == [
        "",
        "## spectral",
        "",
        "- [Spectral graphs](https://arxiv.org/abs/2512.00001) · Ada Lovelace, Alan Turing · 5 upvotes",
        "  Eigen things.",
    ]
    assert out.endswith("Eigen things.\n")
    assert err.count("\n") == 1 and "watch entry 'foo:bar' is not a query" in err  # a warning, on stderr


def test_html_to_a_file_written_atomically(capsys, listing, data_dir, tmp_path):
    target = tmp_path / "digest.html"
    target.write_text("yesterday's digest")
    with open(target, encoding="utf-8") as before:
        status, out, err = run(
            capsys, "digest", str(listing), "--format", "html", "-o", str(target), "--data-dir", str(data_dir)
        )
        assert before.read() == "yesterday's digest"  # the old file is whole for whoever had it open
    assert (status, out, err) == (0, "", "")
    text = target.read_text()
    assert text.startswith("<!DOCTYPE html>") and "Parsing *fast*" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--since", "yesterday"], "tui-reader: error: --since 'yesterday': use 1d, 12h, 7d, 2w or a day YYYY-MM-DD\n"),
        (
            ["-o", "{tmp}/no/such/folder/d.md"],
            "tui-reader: error: {tmp}/no/such/folder/d.md: cannot write (No such file or directory)\n",
        ),
    ],
)
def test_a_failure_is_one_line_on_stderr_and_nothing_on_stdout(capsys, listing, data_dir, tmp_path, argv, message):
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    status, out, err = run(capsys, "digest", str(listing), *argv, "--data-dir", str(data_dir))
    assert out == "" and err == message.replace("{tmp}", str(tmp_path))
    assert status in (1, 2)


def test_list_json_gives_first_seen_and_it_stays_when_seen_again(capsys, listing, data_dir, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1_764_547_200.0)  # 2025-12-01T00:00:00Z
    first = json.loads(run(capsys, "list", str(listing), "--format", "json", "--data-dir", str(data_dir))[1])
    monkeypatch.setattr(time, "time", lambda: 1_764_547_200.0 + DAY)
    again = json.loads(run(capsys, "list", str(listing), "--format", "json", "--data-dir", str(data_dir))[1])
    assert [r["first_seen"] for r in first] == ["2025-12-01T00:00:00Z", "2025-12-01T00:00:00Z"]
    assert [r["first_seen"] for r in again] == ["2025-12-01T00:00:00Z", "2025-12-01T00:00:00Z"]


def test_list_json_says_which_watches_a_paper_matches(capsys, listing, data_dir, config_toml):
    config_toml('watch = ["spectral", "author:lovelace", "parsing"]\n')
    records = json.loads(run(capsys, "list", str(listing), "--format", "json", "--data-dir", str(data_dir))[1])
    assert [(r["title"], r["watched"], r["watches"]) for r in records] == [
        ("Spectral graphs", True, ["spectral", "author:lovelace"]),
        ("Parsing *fast*", True, ["author:lovelace", "parsing"]),
    ]
    config_toml("")
    records = json.loads(run(capsys, "list", str(listing), "--format", "json", "--data-dir", str(data_dir))[1])
    assert [(r["watched"], r["watches"]) for r in records] == [(False, []), (False, [])]


def test_a_query_and_the_watch_list_are_answered_by_one_index(capsys, listing, data_dir, config_toml, monkeypatch):
    from tui_reader.cli import selection as selection_module

    built = []
    real = selection_module.search_index
    monkeypatch.setattr(selection_module, "search_index", lambda *args: built.append(1) or real(*args))
    config_toml('watch = ["author:lovelace"]\n')
    argv = ("list", str(listing), "--query", "spectral", "--format", "json", "--data-dir", str(data_dir))
    records = json.loads(run(capsys, *argv)[1])
    assert [(r["title"], r["watches"]) for r in records] == [("Spectral graphs", ["author:lovelace"])]
    assert len(built) == 1
