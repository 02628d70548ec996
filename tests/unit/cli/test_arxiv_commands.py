"""`tui-reader fetch --arxiv` and `tui-reader add` against the local stand-in of arXiv's feeds and API
(tests/support/arxiv_server.py), which serves the real files of tests/fixtures/real/arxiv/ byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from support.arxiv_server import RSS_NEW, RSS_OLD

from tui_reader import fetch_arxiv
from tui_reader.arxiv_ids import ArxivRef
from tui_reader.config import config_file

from .support import run

DAY = dt.date(2026, 4, 27)  # the day of the real feed


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(fetch_arxiv, "arxiv_today", lambda now=None: DAY)


def fetch_arxiv_args(arxiv, data_dir, categories, *more):
    return ("fetch", "--arxiv", categories, "--arxiv-url", f"{arxiv.url}/rss", "--data-dir", str(data_dir), *more)


def listed(capsys, data_dir):
    status, out, _ = run(capsys, "list", "--format", "json", "--data-dir", str(data_dir))
    assert status == 0
    return {record["arxiv_id"]: record for record in json.loads(out) if record["arxiv_id"]}


def test_the_days_feed_is_stored_as_it_came_and_listed(arxiv, data_dir, today, capsys):
    status, out, err = run(capsys, *fetch_arxiv_args(arxiv, data_dir, "cs.CL"))
    assert (status, err) == (0, "")
    stored = data_dir / "listings/arxiv/2026-04-27_cs.CL.xml"
    assert out == f"arXiv cs.CL: 3 papers into {data_dir / 'listings/arxiv'}\n"
    assert stored.read_bytes() == RSS_NEW.read_bytes()
    assert [path for _, path in arxiv.requests] == ["/rss/cs.CL"]
    records = listed(capsys, data_dir)
    paper = records["2604.22027"]
    assert paper["title"] == "Shared Lexical Task Representations Explain Behavioral Variability In LLMs"
    assert paper["categories"] == ["cs.CL", "cs.AI", "cs.LG"]
    assert paper["announce_type"] == "new"
    assert paper["arxiv_version"] == 1
    assert paper["authors"][:2] == ["Zhuonan Yang", "Jacob Xiaochen Li"]
    others = [r for r in json.loads(run(capsys, "list", "--format", "json", "--data-dir", str(data_dir))[1])]
    assert all(r["announce_type"] is None for r in others if r["arxiv_id"] not in records)


def test_several_categories_are_one_request_and_a_feed_fetched_today_is_not_asked_again(arxiv, data_dir, today, capsys):
    arxiv.feeds["cs.CL+cs.LG"] = RSS_NEW.read_bytes()
    assert run(capsys, *fetch_arxiv_args(arxiv, data_dir, "cs.CL,cs.LG"))[0] == 0
    assert (data_dir / "listings/arxiv/2026-04-27_cs.CL+cs.LG.xml").exists()
    status, out, _ = run(capsys, *fetch_arxiv_args(arxiv, data_dir, "cs.CL,cs.LG"))
    assert (status, out) == (0, "arXiv cs.CL+cs.LG: already fetched today (--refresh fetches it again)\n")
    assert [path for _, path in arxiv.requests] == ["/rss/cs.CL+cs.LG"]
    assert run(capsys, *fetch_arxiv_args(arxiv, data_dir, "cs.CL,cs.LG", "--refresh"))[0] == 0
    assert [path for _, path in arxiv.requests] == ["/rss/cs.CL+cs.LG"] * 2


def test_an_empty_channel_is_a_normal_day(arxiv, data_dir, today, capsys):
    status, out, err = run(capsys, *fetch_arxiv_args(arxiv, data_dir, "cs.LG"))
    assert (status, out, err) == (0, "arXiv cs.LG: nothing announced today\n", "")
    status, _, err = run(capsys, "list", "--data-dir", str(data_dir))
    assert (status, err) == (0, "")  # read without a warning


def test_a_feed_error_names_the_category_and_loses_nothing(arxiv, data_dir, today, capsys):
    arxiv.feeds["cs.CL+cs.XX"] = b"never served"
    stored = data_dir / "listings/arxiv/2026-04-27_cs.CL+cs.XX.xml"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(RSS_NEW.read_bytes())  # fetched earlier today, before the category went wrong
    status, out, err = run(capsys, *fetch_arxiv_args(arxiv, data_dir, "cs.CL,cs.XX", "--refresh"))
    assert status == 1 and out == ""
    assert err == (
        "tui-reader: error: arXiv feed cs.CL+cs.XX: Feed error for query: cs.CL+cs.XX "
        "(Bad archive or category: cs.XX)\n"
    )
    assert stored.read_bytes() == RSS_NEW.read_bytes()


def test_the_old_rdf_feed_is_read_too(arxiv, data_dir, today, capsys):
    assert run(capsys, *fetch_arxiv_args(arxiv, data_dir, "hep-ex"))[0] == 0
    assert (data_dir / "listings/arxiv/2026-04-27_hep-ex.xml").read_bytes() == RSS_OLD.read_bytes()
    records = listed(capsys, data_dir)
    assert records["1805.06430"]["announce_type"] == "replace-cross"
    assert records["1805.06430"]["arxiv_version"] == 2
    assert records["1805.09166"]["announce_type"] == "cross"


def test_a_malformed_category_is_a_usage_error_before_any_request(arxiv, data_dir, capsys):
    with pytest.raises(SystemExit) as exit:  # argparse's own usage error
        run(capsys, *fetch_arxiv_args(arxiv, data_dir, "cs.CL,CS LG"))
    status, err = exit.value.code, capsys.readouterr().err
    assert status == 2 and "'CS LG' is not an arXiv category like cs.CL" in err
    assert arxiv.requests == []


def test_the_arxiv_setting_makes_a_plain_fetch_fetch_the_feed_too(arxiv, api, data_dir, today, capsys):
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text('arxiv = ["cs.CL"]\n')
    argv = ("fetch", "--date", "2024-03-11", "--api-url", api.url, "--data-dir", str(data_dir))
    assert run(capsys, *argv)[0] == 0
    assert arxiv.requests == []  # days named: the Daily Papers only
    status, out, _ = run(
        capsys, "fetch", "--api-url", api.url, "--arxiv-url", f"{arxiv.url}/rss", "--data-dir", str(data_dir)
    )
    assert status == 0
    assert out.splitlines()[-1] == f"arXiv cs.CL: 3 papers into {data_dir / 'listings/arxiv'}"
    assert [path for _, path in arxiv.requests] == ["/rss/cs.CL"]


# ---------------------------------------------------------------------------------------------------------
# add


def add_args(arxiv, data_dir, *ids):
    return ("add", *ids, "--arxiv-api-url", f"{arxiv.url}/api/query", "--data-dir", str(data_dir))


def test_add_asks_for_every_id_in_one_request_and_keeps_the_answer(arxiv, data_dir, capsys):
    ids = ("2202.12139", "cond-mat/0412498v1", "https://arxiv.org/abs/1201.4869")
    status, out, err = run(capsys, *add_args(arxiv, data_dir, *ids))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "added 2202.12139: Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques",
        "added cond-mat/0412498v1: Thermal melting of density waves on the square lattice",
        "added 1201.4869: A Luttinger Liquid Core Inside Helium-4 Filled Nanopores",
    ]
    ((_, path),) = arxiv.requests
    assert path == "/api/query?id_list=2202.12139,cond-mat/0412498v1,1201.4869&max_results=3"
    records = listed(capsys, data_dir)
    assert records["cond-mat/0412498"]["categories"] == ["cond-mat.str-el", "cond-mat.stat-mech"]
    assert records["1201.4869"]["journal_ref"] == "Int. J. Mod. Phys. B, 26, 1244002 (2012)"
    (kept,) = (data_dir / "listings/arxiv").iterdir()
    assert kept.name.startswith("added_") and b"<entry>" in kept.read_bytes()


def test_an_id_arxiv_does_not_know_is_named_and_the_others_kept(arxiv, data_dir, capsys):
    status, out, err = run(capsys, *add_args(arxiv, data_dir, "2202.12139", "2401.99999"))
    assert status == 1
    assert out.startswith("added 2202.12139: ")
    assert err == "tui-reader: error: arXiv does not know 2401.99999\n"
    assert "2202.12139" in listed(capsys, data_dir)


def test_only_unknown_ids_store_nothing(arxiv, data_dir, capsys):
    status, out, err = run(capsys, *add_args(arxiv, data_dir, "0801.0001"))
    assert (status, out, err) == (1, "", "tui-reader: error: arXiv does not know 0801.0001\n")
    assert not (data_dir / "listings/arxiv").exists()


def test_a_malformed_id_is_a_usage_error_before_any_request(arxiv, data_dir, capsys):
    status, out, err = run(capsys, *add_args(arxiv, data_dir, "2202.12139", "abc"))
    assert status == 2 and out == ""
    assert "'abc' is not an arXiv id" in err
    assert arxiv.requests == []


def test_the_apis_error_entry_is_its_summary(arxiv, data_dir):
    result = fetch_arxiv.add_ids(
        [ArxivRef("abc", None)], data_dir, fetch_arxiv.ArxivClient(), api_url=f"{arxiv.url}/api/query"
    )
    assert result.error == "arXiv API: incorrect id format for abc"
    assert result.stored == []


# ---------------------------------------------------------------------------------------------------------
# Politeness


def test_requests_to_arxiv_are_three_seconds_apart_across_commands(arxiv, data_dir, today, capsys):
    run(capsys, *fetch_arxiv_args(arxiv, data_dir, "cs.CL"))
    run(capsys, *add_args(arxiv, data_dir, "2202.12139"))
    run(capsys, *fetch_arxiv_args(arxiv, data_dir, "hep-ex"))
    assert len(arxiv.requests) == 3
    assert arxiv.pacer.waits == [3.0, 3.0]  # the fake clock stood still during each request: 3 s each time


def test_one_connection_at_a_time(arxiv, data_dir, monkeypatch):
    from support import arxiv_server

    slow = threading.Event()
    real = arxiv_server.Arxiv.answer

    def answer(self, path, query):
        slow.wait(0.2)  # a slow server: two requests would overlap here if the client let them
        return real(self, path, query)

    monkeypatch.setattr(arxiv_server.Arxiv, "answer", answer)
    client = fetch_arxiv.ArxivClient()
    threads = [threading.Thread(target=client.get, args=(f"{arxiv.url}/rss/cs.CL", "feed")) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(arxiv.requests) == 3
    assert arxiv.most_connections == 1


def test_a_connection_lost_while_reading_is_tried_again_then_one_line(arxiv, data_dir, capsys, monkeypatch):
    """An answer whose connection breaks while it is read (an OSError such as ENOTCONN, not only a reset) is
    tried again, then said in one line: never a traceback."""
    import errno

    def broken(answer, cap):
        raise OSError(errno.ENOTCONN, "Transport endpoint is not connected")

    monkeypatch.setattr(fetch_arxiv, "read_capped", broken)
    status, out, err = run(capsys, *add_args(arxiv, data_dir, "2202.12139"))
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("tui-reader: error: arXiv API (2202.12139): connection lost") and "tried 3 times" in err
    assert len(arxiv.requests) == 3
