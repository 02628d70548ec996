"""`list`: the corpus as lines or JSON, bad input as a user sees it, damaged and uncreatable data dirs, the
installed command; ranked by --query, most alike first with --like, in --sort's order."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HEADER, S0, SEEDS, asides, page, random_bytes, write

from tui_reader.cli import launch, main
from tui_reader.config import config_file
from tui_reader.corpus import cache_dir, paper_id
from tui_reader.library import DB_NAME

from .support import run

KEYS = [
    "id",
    "title",
    "abstract",
    "dates",
    "sources",
    "links",
    "read",
    "starred",
    "arxiv_id",
    "authors",
    "published",
    "upvotes",
    "categories",
    "announce_type",
    "arxiv_version",
    "doi",
    "journal_ref",
    "comments",
    "github_repo",
    "github_stars",
    "project_page",
    "ai_summary",
    "ai_keywords",
    "num_comments",
    "organization",
    "tags",
    "note",
    "first_seen",
    "watched",
    "watches",
]


def test_list_json_has_exactly_the_documented_keys(capsys):
    assert main(["list", "--format", "json", str(SEEDS)]) == 0
    out = capsys.readouterr()
    records = json.loads(out.out)
    assert len(records) == 211
    for record in records:
        assert list(record) == KEYS
        assert re.fullmatch(r"[0-9a-f]{12}", record["id"])
        assert isinstance(record["title"], str) and record["title"]
        assert isinstance(record["abstract"], str)
        for key in ("dates", "sources", "links"):
            assert isinstance(record[key], list) and all(isinstance(x, str) for x in record[key])
        assert isinstance(record["read"], bool) and isinstance(record["starred"], bool)
    assert records[0]["title"] == "RLIF: Interactive Imitation Learning as Reinforcement Learning"
    assert records[0]["dates"] == ["Mar 11"] and records[0]["sources"] == [S0]


def test_list_text_is_one_line_per_paper(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 211
    assert lines[0].startswith(paper_id("RLIF: Interactive Imitation Learning as Reinforcement Learning"))
    assert lines[0].endswith("RLIF: Interactive Imitation Learning as Reinforcement Learning")


def test_empty_and_binary_files_are_warned_and_skipped(tmp_path, capsys):
    empty = write(tmp_path / "empty.txt", "")
    blank = write(tmp_path / "blank.txt", "\n \n\t\n")
    binary = write(tmp_path / "blob.txt", bytes(range(256)) * 4)
    good = write(tmp_path / "good.txt", page("Mar 11", "Good Paper", "Good abstract."))
    assert main(["list", str(empty), str(blank), str(binary), str(good)]) == 0
    out = capsys.readouterr()
    (line,) = out.out.splitlines()
    assert line.startswith(paper_id("Good Paper")) and line.endswith("Good Paper")
    warnings = out.err.splitlines()
    assert len(warnings) == 3
    for path, line in zip((empty, blank, binary), warnings):
        assert line.startswith("tui-reader: warning: ") and str(path) in line and "skipped" in line
    assert "binary" in warnings[2]
    assert "Traceback" not in out.err


def test_missing_path_exits_2_with_one_line(tmp_path, capsys):
    missing = tmp_path / "nowhere.txt"
    assert main(["list", str(SEEDS), str(missing)]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.splitlines() == [f"tui-reader: error: {missing}: no such file or directory"]


def test_no_papers_exits_1_with_a_clear_message(tmp_path, capsys):
    header_only = write(tmp_path / "header.txt", HEADER + "Mar 11\n")
    assert main(["list", str(header_only)]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.splitlines() == [
        f"tui-reader: warning: {header_only}: no papers found; skipped",
        f"tui-reader: error: no papers found in {header_only}",
    ]
    assert main(["list", str(tmp_path / "empty-dir")]) == 2  # does not exist
    (tmp_path / "empty-dir").mkdir()
    assert main(["list", str(tmp_path / "empty-dir")]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"tui-reader: error: no papers found in {tmp_path / 'empty-dir'}"


def _console_script() -> Path:
    script = Path(sys.executable).parent / "tui-reader"
    if not script.exists():
        pytest.skip("tui-reader console script is not installed next to this interpreter")
    return script


def test_real_console_script_from_another_directory(tmp_path):
    script = _console_script()
    listing = subprocess.run([script, "list"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    assert len(listing.stdout.splitlines()) == 211
    assert listing.stderr == ""

    missing = subprocess.run([script, "list", "nowhere.txt"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "tui-reader: error: nowhere.txt: no such file or directory\n"

    write(tmp_path / "blob.txt", b"\x00\xff" * 100)
    empty = subprocess.run([script, "list", "blob.txt"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert empty.returncode == 1
    assert empty.stderr.splitlines() == [
        "tui-reader: warning: blob.txt: binary file, not a text dump; skipped",
        "tui-reader: error: no papers found in blob.txt",
    ]


def test_cli_list_after_a_damaged_file_works_and_says_where_it_went(data_dir, capsys):
    random_bytes(data_dir / DB_NAME)
    status, out, err = run(capsys, "list", "--format", "json", "--data-dir", str(data_dir))
    [aside] = asides(data_dir)
    assert status == 0 and json.loads(out)
    assert err.count("\n") == 1 and str(aside) in err


def test_the_installed_command_on_an_uncreatable_data_dir_prints_no_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "tui_reader", "list", "--starred", "--data-dir", str(blocker / "x")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "marks will not be saved" in result.stderr


# search from the command line: list --query


def test_cli_list_query_prints_ranked_results(capsys, data_dir):
    assert main(["list", "--query", "gausian proces", "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("Solving High Frequency and Multi-Scale PDEs with Gaussian Processes")
    assert len(lines) == 11


def test_cli_list_query_json_and_warning(capsys, data_dir):
    assert main(["list", "--query", '"neural tangent', "--format", "json", "--data-dir", str(data_dir)]) == 0
    out, err = capsys.readouterr()
    records = json.loads(out)
    assert records[0]["title"].startswith("Neural Tangent Kernel") and records[0]["read"] is False
    assert "unclosed quote" in err and err.count("\n") == 1


def test_cli_list_query_uses_marks(capsys, data_dir):
    assert main(["mark", "2e0170c1c245", "--star", "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    assert main(["list", "--query", "is:starred", "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "RLIF" in lines[0]
    assert main(["list", "--query", "nothing-matches-this-qqq", "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out == ""


def test_list_query_on_a_big_corpus_uses_the_cache(files, monkeypatch, count_builds, capsys):
    monkeypatch.setattr(launch, "STREAM_ABOVE_BYTES", 0)  # the seeds count as big
    for _ in range(2):
        assert main(["list", "--query", "schrodinger"]) == 0
        assert "Light Schrödinger Bridge" in capsys.readouterr().out
    assert len(count_builds) == 1
    assert len(list(cache_dir("index").glob("*.index"))) == 1


# ---------------------------------------------------------------------------------------------------------
# list --sort


def test_list_sort_orders_by_date_upvotes_and_title(tmp_path, data_dir, capsys):
    def item(title: str, listed: str | None, upvotes: int) -> dict[str, object]:
        paper = {"id": f"2403.{len(title):05d}", "title": title, "summary": "s", "authors": [], "upvotes": upvotes}
        return {"paper": paper, "publishedAt": listed, "title": title}

    listing = [item("beta", "2024-03-11T09:00:00.000Z", 5), item("Alpha", "2024-03-12T09:00:00.000Z", 1)]
    write(tmp_path / "listing.json", json.dumps(listing))
    write(tmp_path / "dump.txt", page("Mar 9", "Zed undated paper\n\nAn abstract that is long enough to keep."))

    def order(sort: str) -> list[str]:
        assert main(["list", str(tmp_path), "--sort", sort, "--format", "json", "--data-dir", str(data_dir)]) == 0
        return [record["title"] for record in json.loads(capsys.readouterr().out)]

    assert order("relevance") == ["Zed undated paper", "beta", "Alpha"]  # as listed: dump.txt, then listing.json
    assert order("newest") == ["Alpha", "beta", "Zed undated paper"]  # a year-less date sorts after dated ones
    assert order("oldest") == ["beta", "Alpha", "Zed undated paper"]
    assert order("upvotes") == ["beta", "Alpha", "Zed undated paper"]  # no upvotes: last
    assert order("title") == ["Alpha", "beta", "Zed undated paper"]
    assert main(["list", str(tmp_path), "--sort", "newest", "--query", "is:unread", "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    titles = order("title")
    assert [next(t for t in titles if line.endswith(t)) for line in lines] == order("newest")


# more like this from the command line: list --like


def test_cli_list_like_prints_the_neighbours_in_order(capsys, data_dir):
    assert main(["list", "--like", "63e6c13dbecc", "--data-dir", str(data_dir)]) == 0  # shortest path diffusion
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2fb9839bbcfb") and lines[0].endswith(
        "On Kinetic Optimal Probability Paths for Generative Models"
    )
    assert not any(line.startswith("63e6c13dbecc") for line in lines) and 10 < len(lines) <= 100


def test_cli_list_like_unknown_id_is_one_line_and_exit_2(capsys, data_dir):
    assert main(["list", "--like", "nope\x1b[31m", "--data-dir", str(data_dir)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "no paper with id" in err and "\x1b" not in err


def test_list_writes_every_source_s_date_alike_in_one_aligned_column(tmp_path, data_dir, capsys):
    write(tmp_path / "a.txt", page("March 11, 2024", "A long date paper\n\nAn abstract that is long enough to keep."))
    write(tmp_path / "b.txt", page("Mar 9", "A short date paper\n\nAn abstract that is long enough to keep too."))
    assert main(["list", str(tmp_path), "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line[18:29] for line in lines] == ["Mar 11 2024", "Mar 9      "]
    assert {line.index("A ") for line in lines} == {31}


def real_and_empty_files(tmp_path):
    """A corpus folder of one dump with a paper and 2,000 empty files."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    write(folder / "real.txt", page(S0))
    for number in range(2000):
        (folder / f"empty_{number:04d}.txt").write_text("")
    return folder


def test_a_flood_of_warnings_is_a_handful_then_one_line_with_the_rest_in_the_log(tmp_path, capsys):
    from tui_reader.files import log_file

    folder = real_and_empty_files(tmp_path)
    for number in range(10):  # binary files: warnings of their own, not counted with the empty ones
        (folder / f"binary_{number}.txt").write_bytes(b"\x00\x01" * 10)
    assert main(["list", str(folder)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 6, err
    assert all("binary file" in line for line in err[:5])
    assert err[5] == f"tui-reader: warning: 6 more warnings (see {log_file()})"
    logged = log_file().read_text(encoding="utf-8")
    assert logged.count("empty file; skipped") == 2000 and logged.count("binary file") == 10


def test_files_with_no_papers_are_counted_in_one_warning(tmp_path, capsys):
    folder = real_and_empty_files(tmp_path)
    assert main(["list", str(folder)]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert (
        line == f"tui-reader: warning: 2,000 files with no papers skipped ({folder / 'empty_0000.txt'} and 1,999 more)"
    )


def test_a_category_ending_the_query_is_a_finished_one_on_the_command_line(tmp_path, capsys, data_dir):
    """Typed in the search box, `cat:math` is still growing (math-ph may follow); given whole on the command line
    it is the math archive: math.AG, not math-ph, an archive of its own. A last plain word stays a prefix."""
    versions = [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]
    records = [
        {"id": "0704.0072", "title": "Only mathematical physics", "authors": "A. One", "categories": "math-ph"},
        {"id": "0704.0073", "title": "Algebraic geometry processes", "authors": "B. Two", "categories": "math.AG"},
    ]
    corpus = tmp_path / "arxiv.jsonl"
    corpus.write_text("".join(json.dumps({**r, "abstract": "x", "versions": versions}) + "\n" for r in records))
    for query, titles in (
        ("cat:math", ["Algebraic geometry processes"]),
        ("cat:math-ph", ["Only mathematical physics"]),
        ("cat:math proces", ["Algebraic geometry processes"]),
    ):
        assert main(["list", str(corpus), "--query", query, "--format", "json", "--data-dir", str(data_dir)]) == 0
        out, err = capsys.readouterr()
        assert [record["title"] for record in json.loads(out)] == titles and err == ""


def test_a_path_the_system_cannot_look_at_is_one_line_with_the_reason(tmp_path, capsys, data_dir):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    assert main(["list", str(tmp_path / "a"), "--data-dir", str(data_dir)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"tui-reader: error: {tmp_path / 'a'}: cannot read (Too many levels of symbolic links)"
    ]


def test_a_corpus_entry_too_long_for_the_system_is_left_out_in_one_line_cut_in_the_middle(
    config_toml, capsys, data_dir
):
    """config.toml's corpus is not checked by the command line's parser: an entry no system takes is one warning
    (the middle of the name cut, the reason kept), and the rest of the configuration holds."""
    too_long = f"/nonexistent/{'x' * 100_000}"  # the system takes 255 bytes a part, 4,096 in all
    config_toml(f'corpus = ["{too_long}"]\n')
    assert main(["list", "--data-dir", str(data_dir)]) == 0
    out, err = capsys.readouterr()
    first, *rest = err.splitlines()
    assert first.startswith("tui-reader: warning: ") and "corpus path /nonexistent/xxx" in first and len(first) < 1100
    assert first.endswith("xxx cannot be read (File name too long); left out")
    assert rest == [f"tui-reader: warning: {config_file()}: no corpus path exists; using the bundled dumps"]
    assert len(out.splitlines()) == 211  # the bundled demo papers


def test_an_argument_of_100_kb_is_repeated_cut_in_its_error(capsys, data_dir):
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--sort", "x" * 100_000, "--data-dir", str(data_dir)])
    assert exit_.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith("tui-reader list: error: argument --sort: invalid choice: 'xxx") and len(error) < 1100
    assert "(99,1" in error and error.endswith("(choose from 'relevance', 'newest', 'oldest', 'upvotes', 'title')")


@pytest.mark.parametrize(
    "argv", [["list", "--data-dir"], ["sync", "--sync-dir"], ["note", "2e0170c1c245", "hi", "--data-dir"]]
)
def test_a_folder_name_no_system_takes_is_a_usage_error_before_it_is_used(argv, tmp_path, capsys):
    """The marks file, the sync folder and the corpus are each looked at in many places: a name no file system
    takes (a part over 255 bytes) is refused where the command line is read, once, not as a traceback later."""
    with pytest.raises(SystemExit) as exit_:
        main([*argv, str(tmp_path / ("z" * 5000))])
    assert exit_.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.endswith(": file name too long (a part of 5,000 bytes; the system takes 255 a part)")
