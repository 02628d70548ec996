"""``tui-reader export``: the selected papers in one format, to stdout or atomically to a file, the format from
--format or the file's extension."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
import rispy
from conftest import SEEDS, page, write
from support.paper_files import daily_item
from support.read_back import titles_in
from support.read_bibtex import parse_bibtex

from tui_reader.cli import main
from tui_reader.corpus import load_corpus
from tui_reader.export import EXTENSIONS, FORMATS


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_export_json_is_what_list_json_prints(capsys, data_dir, seeds_corpus):
    paper = seeds_corpus.papers[5]
    run(capsys, "mark", paper.id, "--star", "--data-dir", str(data_dir))
    listed = run(capsys, "list", "--format", "json", "--data-dir", str(data_dir))
    exported = run(capsys, "export", "--format", "json", "--data-dir", str(data_dir))
    assert exported == listed and listed[0] == 0
    assert [r["id"] for r in json.loads(exported[1]) if r["starred"]] == [paper.id]


def test_export_of_a_daily_papers_listing_to_a_file(capsys, tmp_path, data_dir):
    listing = tmp_path / "day.json"
    items = [
        daily_item(title="Tom & Jerry: 100% $x^2$", arxiv="2403.00002", authors=("J\u00fcrgen M\u00fcller",)),
        daily_item(),
    ]
    listing.write_text(json.dumps(items))
    out_file = tmp_path / "refs.bib"
    status, out, err = run(capsys, "export", str(listing), "-o", str(out_file), "--data-dir", str(data_dir))
    assert (status, out, err) == (0, "", f"2 papers exported to {out_file}\n")
    entries = parse_bibtex(out_file.read_text(encoding="utf-8"))  # bibtex: from the extension
    assert load_corpus([listing]).papers[0].title == "Tom & Jerry: 100% x^2"  # the source reads the LaTeX
    assert [(e["key"], e["title"], e["author"], e["eprint"]) for e in entries] == [
        ("muller2024tom", "Tom & Jerry: 100% x^2", ["J\u00fcrgen M\u00fcller"], "2403.00002"),
        ("lovelace2024fast", "Fast Diffusion", ["Ada Lovelace", "Alan Turing"], "2403.01234"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_format_follows_the_extension_of_the_output_unless_given(capsys, tmp_path, fmt):
    target = tmp_path / f"out{EXTENSIONS[fmt]}"
    assert run(capsys, "export", str(SEEDS), "-o", str(target))[0] == 0
    titles = titles_in(target.read_text(encoding="utf-8"), fmt)
    assert len(titles) == 211  # the bundled dumps' papers, each once
    assert titles[:2] == [
        "RLIF: Interactive Imitation Learning as Reinforcement Learning",
        "Learning Unnormalized Statistical Models via Compositional Optimization",
    ]
    assert titles == [paper.title for paper in load_corpus([SEEDS]).papers]
    assert run(capsys, "export", str(SEEDS), "--format", "ris", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("TY  - ")


def test_export_filters_by_marks_and_query_like_list(capsys, data_dir, seeds_corpus):
    one, two = seeds_corpus.papers[3], seeds_corpus.papers[7]
    run(capsys, "mark", one.id, two.id, "--star", "--data-dir", str(data_dir))
    run(capsys, "mark", two.id, "--read", "--data-dir", str(data_dir))
    status, out, err = run(capsys, "export", "--starred", "--unread", "--format", "csv", "--data-dir", str(data_dir))
    assert status == 0 and err == ""
    assert [row["title"] for row in csv.DictReader(io.StringIO(out, newline=""))] == [one.title]
    _, listed, _ = run(capsys, "list", "--query", "diffusion", "--data-dir", str(data_dir))
    _, out, _ = run(capsys, "export", "--query", "diffusion", "--format", "ris", "--data-dir", str(data_dir))
    titles = [line[len("0123456789ab  ** ") :].split("  ", 1)[1].lstrip() for line in listed.splitlines()]
    assert [r["title"] for r in rispy.loads(out)] == titles


def test_export_matching_nothing_writes_an_empty_document_and_says_so(capsys, tmp_path):
    status, out, err = run(capsys, "export", str(SEEDS), "--query", "zzzzqqqq", "--format", "csv")
    assert (status, err) == (0, "0 papers exported\n") and out.startswith("id,title,")
    assert len(out.splitlines()) == 1
    target = tmp_path / "none.ris"
    status, _, err = run(capsys, "export", str(SEEDS), "--query", "zzzzqqqq", "-o", str(target))
    assert (status, err) == (0, f"0 papers exported to {target}\n") and target.read_text() == ""


def test_export_to_an_unwritable_path_is_one_line_exit_1_and_leaves_no_file(capsys, tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "refs.bib"
    status, out, err = run(capsys, "export", str(SEEDS), "-o", str(missing))
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith(f"tui-reader: error: {missing}: cannot write")
    status, _, err = run(capsys, "export", str(SEEDS), "-o", str(tmp_path))  # a folder
    assert status == 1 and err.count("\n") == 1 and str(tmp_path) in err
    assert os.listdir(tmp_path) == []


def test_export_never_writes_over_the_marks_file(capsys, data_dir, seeds_corpus):
    run(capsys, "mark", seeds_corpus.papers[0].id, "--star", "--data-dir", str(data_dir))
    marks_file = data_dir / "marks.db"
    before = marks_file.read_bytes()
    status, out, err = run(capsys, "export", "-o", str(marks_file), "--data-dir", str(data_dir))
    assert (status, out) == (
        1,
        "",
    ) and err == f"tui-reader: error: {marks_file}: that is the marks file; export to another file\n"
    assert marks_file.read_bytes() == before


def test_export_replaces_a_file_atomically(capsys, tmp_path):
    target = write(tmp_path / "refs.md", "old notes\n")
    with open(target, encoding="utf-8") as before:  # a reader of the old file still reads it whole
        assert run(capsys, "export", str(SEEDS), "-o", str(target))[0] == 0
        assert before.read() == "old notes\n"
    assert target.read_text(encoding="utf-8").startswith("- ")
    assert sorted(os.listdir(tmp_path)) == ["refs.md"]


def test_export_of_a_text_dump_with_a_year_less_date(capsys, tmp_path):
    dump = write(tmp_path / "d.txt", page("Mar 11", "Learning to Learn", "We learn " * 40 + "https://ll.org/p."))
    status, out, _ = run(capsys, "export", str(dump))
    assert status == 0
    (entry,) = parse_bibtex(out)
    assert entry == {
        "key": "learning",
        "type": "misc",
        "title": "Learning to Learn",
        "url": "https://ll.org/p",
        "note": "Listed in Hugging Face Daily Papers on Mar 11",
    }


def test_export_sorted_newest_puts_the_latest_day_first_under_date_headings(tmp_path, capsys):
    items = [
        daily_item("Older Paper", arxiv="2403.00001", listed="2024-03-11T09:00:00.000Z"),
        daily_item(
            "Newer Paper", arxiv="2404.00002", published="2024-04-01T00:00:00.000Z", listed="2024-04-02T09:00:00.000Z"
        ),
    ]
    listing = tmp_path / "days.json"
    listing.write_text(json.dumps(items), encoding="utf-8")
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["export", str(listing), "--format", "markdown", "--sort", "newest", *data]) == 0
    text = capsys.readouterr().out
    assert text.index("Newer Paper") < text.index("Older Paper")
    assert text.index("## Apr 2 2024") < text.index("Newer Paper") < text.index("## Mar 11 2024")
    assert main(["export", str(listing), "--format", "markdown", *data]) == 0
    unsorted = capsys.readouterr().out
    assert unsorted.index("Older Paper") < unsorted.index("Newer Paper") and "## " not in unsorted
