"""Daily Papers JSON listings: every field read, cleaned like dumps; a missing or bad field is a warning naming the
file and the item, and reading goes on."""

from __future__ import annotations

import json

import pytest
from conftest import write
from support.paper_files import daily_item

from tui_reader.corpus import load_corpus, read_file
from tui_reader.export.json_format import render_json
from tui_reader.sorting import Sort, sort_rows

# ---------------------------------------------------------------------------------------------------------
# Daily Papers JSON


def test_a_daily_papers_listing_gives_every_field(tmp_path):
    item = daily_item(
        title='Na\\"ive   $\\alpha$-Scaling\nof {\\em Large} Models',
        summary='We   study\n scaling.\x1b[31m See https://github.com/x/y. 100\\% na\\"ive.',
        arxiv="2403.01234v2",
    )
    path = write(tmp_path / "listing.json", json.dumps([item]))
    (paper,), warnings = read_file(path)
    assert warnings == []
    assert paper.title == "Naïve α-Scaling of Large Models"
    assert paper.abstract == "We study scaling. See https://github.com/x/y. 100% naïve."
    assert paper.links == ("https://github.com/x/y",)
    assert paper.arxiv_id == "2403.01234"  # version dropped
    assert paper.authors == ("Ada Lovelace", "Alan Turing")
    assert paper.published == "2024-03-08"  # the paper's publishedAt
    assert paper.dates == ("Mar 11, 2024",)  # the item's outer publishedAt: when the page listed it
    assert paper.upvotes == 12
    assert paper.sources == ("listing.json",)


def test_missing_fields_are_warnings_naming_file_and_item_and_loading_goes_on(tmp_path):
    bare = daily_item()
    del bare["paper"]["authors"]  # type: ignore[attr-defined]
    del bare["paper"]["summary"]  # type: ignore[attr-defined]
    del bare["summary"]
    items = [daily_item(title="First"), bare, {"paper": {"id": "1"}}, 42, daily_item(title="Last", arxiv="2403.9")]
    path = write(tmp_path / "day.json", json.dumps(items))
    papers, warnings = read_file(path)
    assert [p.title for p in papers] == ["First", "Fast Diffusion", "Last"]
    assert papers[1].abstract == "" and papers[1].authors == ()
    assert papers[2].arxiv_id is None  # "2403.9" is no arXiv id
    assert f"{path}: item 2: no summary" in warnings
    assert f"{path}: item 2: no authors (paper.authors)" in warnings
    assert f"{path}: item 3: no title; skipped" in warnings
    assert f"{path}: item 4: not a JSON object; skipped" in warnings
    assert f"{path}: item 5: no arXiv id (paper.id)" in warnings


def test_a_problem_repeated_in_many_items_is_one_warning(tmp_path):
    items = [daily_item(title=f"Paper {n}", upvotes=n) for n in range(500)]
    for item in items:
        del item["publishedAt"]
    papers, warnings = read_file(write(tmp_path / "big.json", json.dumps(items)))
    assert len(papers) == 500 and all(p.dates == () for p in papers)
    assert warnings == [
        f"{tmp_path / 'big.json'}: item 1: no listing date (paper.submittedOnDailyAt, publishedAt) (and 499 more items)"
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "JSON nested too deeply; skipped"),
        ('[{"paper": ', "not valid JSON"),
        ("[" + "1" * 10_000 + "]", "not valid JSON"),  # an integer too long to convert
    ],
)
def test_bad_json_is_a_warning_not_a_crash(tmp_path, text, problem):
    good = write(tmp_path / "a.json", json.dumps([daily_item()]))
    bad = write(tmp_path / "b.json", text)
    loaded = load_corpus([good, bad])
    assert [p.title for p in loaded.papers] == ["Fast Diffusion"]
    assert any(w.startswith(f"{bad}: {problem}") for w in loaded.warnings), loaded.warnings


def test_deeply_nested_fields_inside_items_are_ignored(tmp_path):
    item = daily_item()
    item["paper"]["extra"] = json.loads("[" * 500 + "]" * 500)  # type: ignore[index]
    item["paper"]["authors"] = [{"name": ["not", "a", "name"]}, {"name": "Grace Hopper"}, "Bare Name"]  # type: ignore[index]
    (paper,), _ = read_file(write(tmp_path / "x.json", json.dumps([item])))
    assert paper.authors == ("Grace Hopper", "Bare Name")


def test_a_listing_that_is_not_utf8_is_read_with_a_warning(tmp_path):
    data = json.dumps([daily_item(title="Caf\u00e9 Models")], ensure_ascii=False).encode("cp1252")
    (paper,), warnings = read_file(write(tmp_path / "latin.json", data))
    assert paper.title == "Café Models"
    assert any("not valid UTF-8" in w for w in warnings)


def test_fields_some_clients_save_on_the_item_are_read_there_too(tmp_path):
    item = {
        "paper": {
            "id": "2602.00001",
            "title": "T",
            "summary": "S.",
            "authors": [],
            "publishedAt": "2026-02-10T00:00:00Z",
        },
        "submittedOnDailyAt": "2026-02-24T23:30:00-02:00",  # Feb 25 in UTC
        "githubRepo": "https://github.com/o/r",
        "githubStars": 0,
        "numComments": 4,
    }
    (paper,), _ = read_file(write(tmp_path / "x.json", json.dumps([item])), use_cache=False)
    assert paper.dates == ("Feb 25, 2026",)
    assert (paper.github_repo, paper.github_stars, paper.num_comments) == ("https://github.com/o/r", 0, 4)
    assert paper.links == ("https://github.com/o/r",)


def test_a_code_link_that_is_not_http_is_no_link(tmp_path):
    item = {"paper": {"id": "2602.00001", "title": "T", "summary": "S.", "authors": [], "githubRepo": "javascript:x"}}
    (paper,), _ = read_file(write(tmp_path / "x.json", json.dumps([item])), use_cache=False)
    assert (paper.github_repo, paper.links) == (None, ())


def test_impossible_dates_are_no_date_with_one_warning_for_the_file():
    import json as json_module

    from tui_reader.sources.arxiv import version_date
    from tui_reader.sources.json_document import parse_json

    def listed(number: int, published: str) -> dict:
        paper = {"id": f"2403.0000{number}", "title": f"Paper {number}", "summary": "s.", "publishedAt": published}
        return {"paper": {**paper, "authors": [{"name": "Ada Lovelace"}]}, "title": f"Paper {number}"}

    days = ["2024-02-31T00:00:00Z", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-02-29T00:00:00Z"]
    papers, problems = parse_json(json_module.dumps([listed(n, day) for n, day in enumerate(days)]), "x.json")
    assert [paper.published for paper in papers] == [None, None, None, "2024-02-29"]
    assert "item 1: no published date (paper.publishedAt) (and 2 more items)" in problems  # one line for them
    assert version_date("Sat, 31 Feb 2007 19:18:42 GMT") is None
    assert version_date("Fri, 29 Feb 2008 19:18:42 GMT") == "2008-02-29"


def test_zero_upvotes_is_a_count_that_sorts_before_no_upvotes_and_exports_as_0(tmp_path):
    listed = daily_item(title="Listed With None", arxiv="2403.00001", upvotes=0)
    del listed["paper"]["upvotes"]  # type: ignore[attr-defined]
    items = [listed, daily_item(title="Listed With Zero", arxiv="2403.00002", upvotes=0)]
    papers, _ = read_file(write(tmp_path / "listing.json", json.dumps(items)))
    assert [p.upvotes for p in papers] == [None, 0]
    assert [papers[i].title for i in sort_rows(papers, range(2), Sort.UPVOTES)] == [
        "Listed With Zero",
        "Listed With None",
    ]
    assert [record["upvotes"] for record in json.loads(render_json(papers))] == [None, 0]
    assert '"upvotes": 0' in render_json(papers[1:])
