"""`tui-reader fetch` against a local stand-in of the Daily Papers API (tests/support/fetch_server.py): paging (the
API's Link header, and the fallbacks without it), retries, Retry-After, pacing, one-line errors naming the URL and
giving the API's own words, days not listed yet, nothing stored for a failed day, which days are fetched (UTC days,
at most a year a run, the rest named), and the real response of tests/fixtures/real/ stored as it came."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from support.fetch_server import REAL_RESPONSE, REAL_TODAY, Answer, error, item, items, listed_day, real_items

from tui_reader import fetch
from tui_reader.cli import main

TODAY = date(2024, 3, 20)
utc_today = fetch.today  # before the fixture below replaces it


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(fetch, "today", lambda: TODAY)


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def run(capsys, api, data, *argv: str) -> tuple[int, str, str]:
    status = main(["fetch", "--api-url", api.url, "--data-dir", str(data), *argv])
    out, err = capsys.readouterr()
    return status, out, err


def stored(data, day: str) -> list[dict]:
    return json.loads((data / "listings" / f"{day}.json").read_text(encoding="utf-8"))


def listing_names(data) -> list[str]:
    folder = data / "listings"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def one_error_line(err: str, *words: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tui-reader: error: "), err
    assert "Traceback" not in err and "\x1b" not in err
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


# --- one day, paging ---------------------------------------------------------------------------------------


def test_one_day_is_stored_as_the_apis_own_json(api, data, capsys):
    api.days["2024-03-11"] = items(3, "2024-03-11")
    status, out, err = run(capsys, api, data, "--date", "2024-03-11")
    assert (status, err) == (0, "")
    assert stored(data, "2024-03-11") == api.days["2024-03-11"]
    # the API links to a next page after the last one too: the empty page it gives ends the day
    assert api.requests == [
        {"date": "2024-03-11", "limit": "100", "p": "0"},
        {"date": "2024-03-11", "limit": "100", "p": "1"},
    ]
    assert out.splitlines() == [f"fetched 1 day (3 papers) into {data / 'listings'}"]
    assert listing_names(data) == ["2024-03-11.json"]  # no temporary file left beside it


@pytest.mark.parametrize(("count", "pages"), [(150, 3), (100, 2), (250, 4), (99, 2), (0, 1)])
def test_pages_are_followed_as_the_link_header_says_until_an_empty_one(api, data, capsys, count, pages):
    api.days["2024-03-11"] = items(count, "2024-03-11")
    status, _, _ = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 0
    assert api.pages("2024-03-11") == [str(p) for p in range(pages)]
    assert stored(data, "2024-03-11") == api.days["2024-03-11"]  # every item once, in order


@pytest.mark.parametrize(("count", "pages"), [(150, 2), (100, 2), (250, 3), (99, 1), (0, 1)])
def test_without_links_pages_are_counted_until_one_is_shorter_than_the_limit(api, data, capsys, count, pages):
    api.links = "none"
    api.days["2024-03-11"] = items(count, "2024-03-11")
    status, _, _ = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 0
    assert api.pages("2024-03-11") == [str(p) for p in range(pages)]
    assert stored(data, "2024-03-11") == api.days["2024-03-11"]  # every item once, in order


def test_a_server_that_ignores_the_page_number_ends_the_day(api, data):
    page = items(100, "2024-03-11")
    api.always = Answer(200, json.dumps(page).encode())
    client = fetch.Client(api_url=api.url)
    assert client.fetch_day(date(2024, 3, 11)) == page
    assert len(api.requests) == 2


def test_pages_that_never_end_are_an_error_not_a_hang(api, monkeypatch):
    monkeypatch.setattr(fetch, "MAX_PAGES", 3)
    api.days["2024-03-11"] = items(1000, "2024-03-11")
    with pytest.raises(fetch.FetchError, match="more than 3 pages"):
        fetch.Client(api_url=api.url).fetch_day(date(2024, 3, 11))
    assert len(api.requests) == 3


def test_a_day_of_pages_too_big_in_all_is_refused_and_nothing_is_stored(api, data, capsys):
    """Each page under the answer cap, 100 items each, but far more than any real day (~300 KB) in all: the day
    is refused with one line, not stored as a listing every later start would read."""
    big = [{**entry, "summary": "x" * 30_000} for entry in items(2000, "2024-03-11")]  # ~3 MB a page of 100
    api.days["2024-03-11"] = big
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1 and "2024-03-11: more than 16 MB of answers for one day; refused" in err
    assert len(api.requests) == 6  # 6 pages of ~3 MB: past 16 MB, no 7th asked for
    assert not (data / "listings" / "2024-03-11.json").exists()


def test_short_pages_with_a_next_link_lose_nothing(api, data, capsys):
    """A server may cut a page short while more follow: with a next link, a short page is not the end."""
    api.page_size = 7
    api.days["2024-03-11"] = items(25, "2024-03-11")
    status, out, _ = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 0
    assert stored(data, "2024-03-11") == api.days["2024-03-11"]  # 7 + 7 + 7 + 4, then the empty page
    assert api.pages("2024-03-11") == ["0", "1", "2", "3", "4"]
    assert "(25 papers)" in out


def test_a_page_without_a_next_link_ends_a_day_whose_pages_had_links(api, data, capsys):
    api.links = "more"  # a server that links only while items remain: its last page, full, has no link
    api.days["2024-03-11"] = items(200, "2024-03-11")
    assert run(capsys, api, data, "--date", "2024-03-11")[0] == 0
    assert api.pages("2024-03-11") == ["0", "1"]  # not a third page counted on after it
    assert stored(data, "2024-03-11") == api.days["2024-03-11"]


def page(day: str, count: int, start: int = 0, link: str | list[str] | None = None) -> Answer:
    """A scripted page: ``link``, the Link header (a list: the header repeated)."""
    headers: dict[str, str] | list[tuple[str, str]] = {}
    if isinstance(link, str):
        headers = {"Link": link}
    elif link is not None:
        headers = [("Link", value) for value in link]
    return Answer(200, json.dumps(items(count, day, start)).encode(), headers)


def test_links_are_resolved_against_the_page_and_read_as_rfc_8288_writes_them(api, data, capsys):
    day = "2024-03-11"
    api.script = [
        page(day, 3, 0, f'<{api.url}?date={day}&p=0>; rel="prev", </api/daily_papers?date={day}&p=7>; rel="next"'),
        page(day, 3, 3, ['<https://elsewhere.example/a>; rel="help"', f"<?date={day}&p=9>; REL=Next"]),
        page(day, 3, 6, f'<x>; title="a, b; rel=next"; rel="prev", <?date={day}&p=4>; rel="last next"'),
        page(day, 0, link=f'<?date={day}&p=5>; rel="next"'),
    ]
    assert run(capsys, api, data, "--date", day)[0] == 0
    assert api.pages(day) == ["0", "7", "9", "4"]  # a path, a query alone: both resolved against the page's URL
    assert stored(data, day) == items(9, day)


@pytest.mark.parametrize(
    "values",
    [
        ['<https://h/a?p=1>; rel="next"'],
        ["<https://h/a?p=1>;rel=next"],
        ['<https://h/x>; rel="prev", <https://h/a?p=1>; rel="next"'],
        ['<https://h/x>; rel="prev"', '<https://h/a?p=1>; rel="next"'],
        ['<https://h/a?p=1>; rel="NEXT last"'],
        ['<https://h/x>; title="x, <y>; rel=next"; rel="prev", < https://h/a?p=1 >; rel="next"'],
        ['<https://h/a?p=1>; type="application/json"; rel="next"; rel="prev"'],  # the first rel counts
        ['garbage, <https://h/a?p=1>; rel="next"'],
    ],
)
def test_the_next_link_is_found_however_the_header_is_written(values):
    assert fetch.next_link(values) == "https://h/a?p=1"


@pytest.mark.parametrize(
    "values",
    [[], [""], ['<https://h/a?p=1>; rel="prev"'], ['<https://h/a?p=1>; rel="nextpage"'], ["<https://h/a?p=1>"]],
)
def test_no_next_link(values):
    assert fetch.next_link(values) is None


@pytest.mark.parametrize(
    "target",
    [
        "https://elsewhere.example/api/daily_papers?p=1",
        "//elsewhere.example/api/daily_papers?p=1",
        "http://127.0.0.2:{port}/api/daily_papers?p=1",
        "http://127.0.0.1:1/api/daily_papers?p=1",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ],
)
def test_a_next_link_away_from_the_api_is_refused_and_nothing_stored(api, data, capsys, waits, target):
    port = api.url.split(":")[2].split("/")[0]
    api.script = [page("2024-03-11", 100, link=f'<{target.format(port=port)}>; rel="next"')]
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    one_error_line(err, api.url, "the next page is elsewhere", "not followed")
    assert len(api.requests) == 1 and listing_names(data) == []


def test_an_empty_page_ends_the_day_wherever_its_link_leads(api, data, capsys):
    day = "2024-03-11"
    api.script = [
        page(day, 2, link=f'<?date={day}&p=1>; rel="next"'),
        page(day, 0, link='<https://elsewhere.example/>; rel="next"'),
    ]
    assert run(capsys, api, data, "--date", day)[0] == 0
    assert stored(data, day) == items(2, day)


def test_a_next_link_from_https_down_to_http_is_refused():
    client = fetch.Client(api_url="https://huggingface.co/api/daily_papers")
    page_url = client.day_url(date(2024, 3, 11), 0)
    assert client._followed(page_url, "?date=2024-03-11&p=1").startswith("https://huggingface.co/api/daily_papers?")
    assert client._followed(page_url, "https://HuggingFace.co:443/api/daily_papers?p=1")
    for insecure in ("http://huggingface.co/api/daily_papers?p=1", "http://huggingface.co:443/api/daily_papers?p=1"):
        with pytest.raises(fetch.FetchError, match="elsewhere"):
            client._followed(page_url, insecure)


def test_a_link_back_to_a_page_already_read_ends_the_day(api, data, capsys):
    day = "2024-03-11"
    first = api.url + f"?date={day}&limit=100&p=0"
    api.script = [page(day, 2, 0, f'<?date={day}&p=1>; rel="next"'), page(day, 2, 2, f'<{first}>; rel="next"')]
    assert run(capsys, api, data, "--date", day)[0] == 0
    assert api.pages(day) == ["0", "1"]
    assert stored(data, day) == items(4, day)


# --- retries -----------------------------------------------------------------------------------------------


def test_429_waits_as_retry_after_says_then_succeeds(api, data, capsys, waits):
    api.days["2024-03-11"] = items(2, "2024-03-11")
    api.script = [Answer(429, b"slow down", {"Retry-After": "7"})]
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert (status, err) == (0, "")
    assert waits == [7.0]
    assert api.pages("2024-03-11") == ["0", "0", "1"]  # the first page again, then on
    assert stored(data, "2024-03-11") == api.days["2024-03-11"]


def test_429_with_an_http_date_and_a_long_wait_is_capped(api, data, capsys, waits):
    api.days["2024-03-11"] = items(2, "2024-03-11")
    api.script = [
        Answer(429, headers={"Retry-After": "3600"}),
        Answer(429),  # no Retry-After: the backoff
    ]
    status, _, _ = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 0
    assert waits == [fetch.RETRY_AFTER_CAP_S, 2.0]


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2024, 3, 11, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert fetch.retry_after(later, now=now.timestamp()) == 30.0
    assert fetch.retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now.timestamp()) == 0.0
    assert fetch.retry_after("5") == 5.0
    assert fetch.retry_after("100000") == fetch.RETRY_AFTER_CAP_S
    assert fetch.retry_after("-3") == 0.0
    for bad in (None, "", "soon", "nan"):
        assert fetch.retry_after(bad) is None


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset")
def test_an_http_date_in_minus_0000_or_gmt_is_utc_whatever_the_local_zone(time_zone):
    time_zone("EST+05")  # five hours behind UTC, no summer time
    now = datetime(2024, 3, 11, 12, 0, 0, tzinfo=UTC).timestamp()
    assert fetch.retry_after("Mon, 11 Mar 2024 12:00:30 -0000", now=now) == 30.0
    assert fetch.retry_after("Mon, 11 Mar 2024 12:00:45 GMT", now=now) == 45.0


def test_500_is_retried_with_backoff_then_one_line_and_nothing_stored(api, data, capsys, waits):
    (data / "listings").mkdir(parents=True)
    before = json.dumps([item(1, "2024-03-11")])
    (data / "listings" / "2024-03-11.json").write_text(before)
    api.always = Answer(500, b"oops", reason="Internal Server Error")
    status, out, err = run(capsys, api, data, "--date", "2024-03-11", "--refresh")
    assert status == 1
    one_error_line(err, api.url, "date=2024-03-11", "HTTP 500", f"tried {fetch.ATTEMPTS} times")
    assert len(api.requests) == fetch.ATTEMPTS
    assert waits == [1.0, 2.0, 4.0]
    assert (data / "listings" / "2024-03-11.json").read_text() == before  # what was stored stays whole
    assert listing_names(data) == ["2024-03-11.json"]
    assert out.startswith("fetched 0 days")


def test_a_500_that_passes_is_only_a_wait(api, data, capsys, waits):
    api.days["2024-03-11"] = items(2, "2024-03-11")
    api.script = [Answer(503), Answer(502)]
    assert run(capsys, api, data, "--date", "2024-03-11")[0] == 0
    assert waits == [1.0, 2.0]


def test_a_404_is_not_retried(api, data, capsys, waits):
    api.always = Answer(404, b"{}", reason="Not Found")
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    one_error_line(err, api.url, "HTTP 404 Not Found")
    assert (len(api.requests), waits) == (1, [])


def test_a_failed_day_stops_the_fetch_and_keeps_the_days_before(api, data, capsys, waits):
    api.days["2024-03-11"] = items(2, "2024-03-11")
    api.script = [Answer(200, json.dumps(items(2, "2024-03-11")).encode())] + [Answer(500)] * fetch.ATTEMPTS
    status, out, err = run(capsys, api, data, "--since", "2024-03-11")
    assert status == 1
    one_error_line(err, "date=2024-03-12", "HTTP 500")
    assert listing_names(data) == ["2024-03-11.json"]
    assert out.startswith("fetched 1 day (2 papers)")


def test_connection_refused_is_retried_then_one_line(data, capsys, waits):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/daily_papers"
    status = main(["fetch", "--api-url", url, "--data-dir", str(data), "--date", "2024-03-11"])
    _, err = capsys.readouterr()
    assert status == 1
    one_error_line(err, url, "connection refused")
    assert len(waits) == fetch.ATTEMPTS - 1
    assert listing_names(data) == []


def test_a_host_name_that_does_not_resolve_is_one_line_without_retries(data, capsys, waits, monkeypatch):
    def no_such_host(*args, **kwargs):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setattr(fetch, "open_url", no_such_host)
    url = "https://no-such-host.invalid/api"
    status = main(["fetch", "--api-url", url, "--data-dir", str(data), "--date", "2024-03-11"])
    assert status == 1
    one_error_line(capsys.readouterr().err, url, "cannot resolve the host name", "Name or service not known")
    assert waits == []


def test_a_server_that_never_answers_times_out(data, waits):
    """A listening socket that never accepts: connecting succeeds (the backlog), reading times out."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        client = fetch.Client(api_url=f"http://127.0.0.1:{sock.getsockname()[1]}/x", timeout=0.2)
        with pytest.raises(fetch.FetchError, match=r"no answer within 0.2 s \(tried 4 times\)"):
            client.fetch_day(date(2024, 3, 11))
    assert len(waits) == fetch.ATTEMPTS - 1


@pytest.mark.parametrize("headers", [False, True], ids=["body", "headers"])
def test_a_server_that_drips_is_given_up_on_at_the_deadline(api, waits, headers):
    """One byte every 50 ms never trips the per-read timeout; the request's deadline ends it, and it is not
    tried again (a server that slow would take the deadline again each time)."""
    api.days["2024-03-11"] = items(3, "2024-03-11")
    api.drip, api.drip_headers = 0.05, headers  # the whole answer would take a minute
    client = fetch.Client(api_url=api.url, deadline=0.5)
    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match=r"no whole answer within 0.5 s; gave up"):
        client.fetch_day(date(2024, 3, 11))
    assert time.monotonic() - started < 3
    assert (len(api.requests), waits) == (1, [])


def test_the_fetch_as_a_whole_has_a_deadline(api, waits):
    api.days["2024-03-11"] = items(3, "2024-03-11")
    client = fetch.Client(api_url=api.url, fetch_deadline=0.5)
    client.fetch_day(date(2024, 3, 11))  # quick: within it
    api.drip = 0.05
    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match=r"the fetch took longer than 0.5 s; stopped"):
        client.fetch_day(date(2024, 3, 11))
    assert time.monotonic() - started < 3


def test_a_cancel_ends_a_dripping_request_at_once(api):
    import threading

    api.days["2024-03-11"] = items(3, "2024-03-11")
    api.drip = 0.05
    cancelled = threading.Event()
    raised: list[BaseException] = []

    def fetching() -> None:
        try:
            fetch.Client(api_url=api.url, cancelled=cancelled.is_set).fetch_day(date(2024, 3, 11))
        except BaseException as exc:
            raised.append(exc)

    worker = threading.Thread(target=fetching, daemon=True)
    worker.start()
    cancelled.set()
    worker.join(5)
    assert not worker.is_alive(), "the request still reads after the fetch was cancelled"
    assert [type(exc) for exc in raised] == [fetch.FetchCancelled]


def test_a_page_with_more_items_than_asked_for_is_refused(api, data, capsys, waits):
    api.always = Answer(200, json.dumps([{}] * 101).encode())
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    one_error_line(err, api.url, "more than the 100 items a page was asked for")
    assert listing_names(data) == []


def test_an_answer_bigger_than_a_few_mb_is_refused(api, data, capsys, waits):
    body = b"[" + b",".join([b'{"a": "' + b"x" * 60_000 + b'"}'] * 90) + b"]"  # 5.4 MB in 90 items
    api.always = Answer(200, body)
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    one_error_line(err, api.url, "answer larger than 4 MB")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'[{"n": ' + b"7" * 5000 + b"}]", "a number with too many digits"),
        (b"7" * 5000, "a number with too many digits"),
        (b'[{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]", "nested too deeply"),
    ],
)
def test_hostile_json_is_one_line_not_a_traceback(api, data, capsys, waits, body, problem):
    api.always = Answer(200, body)
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    one_error_line(err, api.url, problem)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'[{"paper": ', "invalid JSON at line 1"),
        (b"<html>busy</html>", "invalid JSON"),
        (b'{"error": "Invalid date"}', "not a list of papers (a JSON dict)"),
        (b"[1, 2]", "an item is not a JSON object"),
        (b"\xff\xfe[]", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON"),
    ],
)
def test_malformed_answers_are_one_line_and_nothing_stored(api, data, capsys, waits, body, problem):
    api.always = Answer(200, body)
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    one_error_line(err, api.url, problem)
    assert listing_names(data) == []
    assert (len(api.requests), waits) == (1, [])  # a bad answer is not asked for again


def test_half_a_surrogate_pair_in_an_answer_is_stored_as_it_came(api, data, capsys):
    api.always = Answer(200, b'[{"title": "half \\ud800 a pair"}, {"title": "\xc3\xa9t\xc3\xa9"}]')
    status, out, _ = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 0 and out.startswith("fetched 1 day (2 papers)")
    assert stored(data, "2024-03-11") == [{"title": "half \ud800 a pair"}, {"title": "\u00e9t\u00e9"}]


def test_server_text_in_the_error_is_cleaned(api, data, capsys, waits):
    api.always = Answer(418, reason="I'm a \x1b]0;pwned\x07teapot\x1b[2J")
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    line = one_error_line(err, "HTTP 418")
    assert "\x07" not in line and "pwned" not in line


def test_the_clients_errors_are_clean_one_liners(api, waits):
    """FetchError's message is shown as it is (the reader's notification, the CLI's error line): cleaned here."""
    api.always = Answer(418, reason="I'm a \x1b]0;pwned\x07teapot\x1b[2J")
    with pytest.raises(fetch.FetchError) as raised:
        fetch.Client(api_url=api.url).fetch_day(date(2024, 3, 11))
    message = str(raised.value)
    assert "\x1b" not in message and "\x07" not in message and "\n" not in message
    assert "HTTP 418 I'm a teapot" in message
    with pytest.raises(fetch.FetchError, match="not a usable URL") as raised:  # http.client refuses it
        fetch.Client(api_url=api.url + "?x=\x1b[31m").fetch_day(date(2024, 3, 11))
    assert "\x1b" not in str(raised.value)


def test_a_connection_that_times_out_is_retried(data, waits, monkeypatch):
    def slow(*args, **kwargs):
        raise urllib.error.URLError(TimeoutError("timed out"))

    monkeypatch.setattr(fetch, "open_url", slow)
    with pytest.raises(fetch.FetchError, match=r"no answer within 15 s \(tried 4 times\)"):
        fetch.Client(api_url="http://127.0.0.1:9/x").fetch_day(date(2024, 3, 11))
    assert len(waits) == fetch.ATTEMPTS - 1


class RawServer:
    """A server that answers every request with ``head`` and then ``body`` (bytes repeated up to ``repeat``
    times, while the client reads), then closes the connection: the answers http.server will not send."""

    def __init__(self, head: bytes, body: bytes = b"", repeat: int = 1) -> None:
        import threading

        self.head, self.body, self.repeat, self.sent = head, body, repeat, 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/api"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.recv(65536)
                    conn.sendall(self.head)
                    for _ in range(self.repeat):
                        conn.sendall(self.body)
                        self.sent += len(self.body)
                except OSError:
                    pass  # the client hung up: what a cap does


def test_an_answer_without_a_length_is_cut_off_at_the_cap_not_read_whole(data, capsys, waits, monkeypatch):
    monkeypatch.setattr(fetch, "MAX_ANSWER_BYTES", 100_000)
    server = RawServer(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[", b"{}," * 10_000, 2_000)
    assert main(["fetch", "--date", "2024-03-11", "--api-url", server.url, "--data-dir", str(data)]) == 1
    one_error_line(capsys.readouterr().err, server.url, "answer larger than")
    assert server.sent < 20 * 2**20  # of the 60 MB it would send: the client hung up soon after the cap
    assert listing_names(data) == []


def test_an_answer_shorter_than_its_content_length_is_not_stored(data, capsys, waits):
    """A connection closed before the body's promised length is a cut answer, even when what came is JSON:
    storing it would keep a short (here: empty) day that is never asked for again."""
    server = RawServer(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[]")
    assert main(["fetch", "--date", "2024-03-11", "--api-url", server.url, "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    one_error_line(err, server.url, "2 of the 1,000 bytes promised", f"tried {fetch.ATTEMPTS} times")
    assert listing_names(data) == []
    assert len(waits) == fetch.ATTEMPTS - 1


def test_an_answer_too_big_is_refused(api, data, capsys, waits, monkeypatch):
    monkeypatch.setattr(fetch, "MAX_ANSWER_BYTES", 1000)
    api.days["2024-03-11"] = items(50, "2024-03-11")
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    one_error_line(err, "larger than")
    assert listing_names(data) == []


def test_an_unwritable_listings_folder_is_one_line(api, data, capsys):
    data.mkdir()
    (data / "listings").write_text("a file where the folder should be")
    api.days["2024-03-11"] = items(2, "2024-03-11")
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    one_error_line(err, "listings", "cannot write")


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (
            error(400, "Too big: expected number to be <=100"),
            "HTTP 400 Bad Request: Too big: expected number to be <=100",
        ),
        (Answer(403, b'{"error": {"message": "Forbidden\\nfor you"}}'), "HTTP 403 Forbidden: Forbidden for you"),
        (Answer(404, b'{"message": "Sorry, we can\'t find the page"}'), "HTTP 404 Not Found: Sorry, we can't find"),
        (Answer(410, b"Gone for good.\r\n  Really."), "HTTP 410 Gone: Gone for good. Really."),
        (Answer(422, b'"a JSON string"'), "HTTP 422 Unprocessable Entity: a JSON string"),
        (
            Answer(400, b'{"error": "\\u001b]0;pwned\\u0007Invalid \\u001b[31mdate"}'),
            "HTTP 400 Bad Request: Invalid date",
        ),
    ],
)
def test_a_refusal_gives_the_apis_own_words_on_one_line(api, data, capsys, waits, answer, said):
    api.always = answer
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    line = one_error_line(err, f"{api.url}?date=2024-03-11&limit=100&p=0: {said}")
    assert "pwned" not in line and "\x07" not in line
    assert (len(api.requests), waits) == (1, [])


def test_the_limit_refusal_of_the_real_api_is_an_error_not_a_day_not_listed(api, data, waits):
    client = fetch.Client(api_url=api.url, limit=101)  # the stand-in refuses it as the API does
    with pytest.raises(fetch.FetchError, match=r"HTTP 400 Bad Request: Too big: expected number to be <=100$"):
        client.fetch_day(date(2024, 3, 11))


@pytest.mark.parametrize(
    ("body", "shown", "not_shown"),
    [
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", "HTTP 502 Bad Gateway (tried 4 times)", "html"),
        (b"upstream timed out " * 100, "upstream timed out", "upstream timed out " * 12),
        (b'{"pad": "' + b"a" * 5000 + b'", "error": "read too far"}', "HTTP 502 Bad Gateway (tried", "too far"),
        (
            b'{"pad": "' + b"a" * 3000 + b'", "error": "cut short but whole", "more": "' + b"b" * 5000,
            "cut short but whole",
            "bbb",
        ),
    ],
)
def test_error_bodies_are_read_a_few_kb_at_most_and_shown_short(api, data, capsys, waits, body, shown, not_shown):
    api.always = Answer(502, body)
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    line = one_error_line(err, shown)
    assert not_shown not in line
    assert len(line) < 400


def test_a_429_that_stays_says_so_with_the_apis_words(api, data, capsys, waits):
    api.always = Answer(429, json.dumps({"error": "Rate limit reached: 500 requests per 5 minutes"}).encode())
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 1
    one_error_line(err, "HTTP 429 Too Many Requests: Rate limit reached: 500 requests per 5 minutes (tried 4 times)")


def test_requests_are_paced_under_the_apis_rate_limit(api, monkeypatch):
    """No window of RATE_WINDOW_S holds more than RATE_REQUESTS requests; the waits are told, then cleared."""
    now = [1000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(fetch, "RATE_REQUESTS", 3)
    monkeypatch.setattr(fetch, "clock", lambda: now[0])
    monkeypatch.setattr(fetch, "sleep", sleep)
    told: list[tuple[float, str]] = []
    client = fetch.Client(api_url=api.url, waiting=lambda seconds, why: told.append((seconds, why)))
    for number in range(7):
        now[0] += 10.0  # each request 10 s after the one before
        client.fetch_day(date(2024, 3, 11) + timedelta(days=number))  # an empty day: one request
    # at 1010, 1020, 1030; the 4th waits until the 1st leaves the window (1310); the 7th, until 1310 leaves it
    assert slept == [270.0, 270.0]
    assert told[:2] == [(270.0, "at most 3 requests in 5 minutes"), (0.0, "")]
    assert len(api.requests) == 7


# --- which days ---------------------------------------------------------------------------------------------


def test_a_past_day_already_stored_is_not_asked_for(api, data, capsys):
    api.days["2024-03-11"] = items(2, "2024-03-11")
    assert run(capsys, api, data, "--date", "2024-03-11")[0] == 0
    api.requests.clear()
    status, out, _ = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 0
    assert api.requests == []
    assert "1 already stored" in out


def test_a_stored_listing_is_replaced_atomically(api, data, capsys):
    api.days["2024-03-11"] = items(2, "2024-03-11")
    run(capsys, api, data, "--date", "2024-03-11")
    path = data / "listings" / "2024-03-11.json"
    old = path.read_bytes()
    api.days["2024-03-11"] = items(5, "2024-03-11")
    with open(path, "rb") as before:  # a reader of the old listing still reads it whole
        assert run(capsys, api, data, "--date", "2024-03-11", "--refresh")[0] == 0
        assert before.read() == old
    assert len(stored(data, "2024-03-11")) == 5
    assert listing_names(data) == ["2024-03-11.json"]  # no temporary file left beside it


def test_refresh_fetches_a_stored_day_again(api, data, capsys):
    api.days["2024-03-11"] = items(2, "2024-03-11")
    run(capsys, api, data, "--date", "2024-03-11")
    api.days["2024-03-11"] = items(5, "2024-03-11")
    api.requests.clear()
    assert run(capsys, api, data, "--date", "2024-03-11", "--refresh")[0] == 0
    assert api.dates() == ["2024-03-11"]
    assert len(stored(data, "2024-03-11")) == 5


def test_today_is_always_fetched_again(api, data, capsys):
    today = TODAY.isoformat()
    api.days[today] = items(2, today)
    run(capsys, api, data, "--date", today)
    api.days[today] = items(4, today)  # more papers listed since
    api.requests.clear()
    assert run(capsys, api, data, "--date", today)[0] == 0
    assert api.dates() == [today]
    assert len(stored(data, today)) == 4


def test_a_listing_stored_while_the_clock_ran_ahead_does_not_stop_a_plain_fetch(api, data, capsys):
    """A machine whose clock was days ahead stored "2024-03-25"; back on time (today 2024-03-20), a plain fetch
    still asks for the days since the last listing up to today, not for nothing."""
    api.days["2024-03-18"] = items(1, "2024-03-18")
    run(capsys, api, data, "--date", "2024-03-18")
    future = data / "listings" / "2024-03-25.json"
    future.write_text("[]", encoding="utf-8")
    api.requests.clear()
    assert run(capsys, api, data)[0] == 0
    assert api.dates() == ["2024-03-18", "2024-03-19", "2024-03-20"]
    assert future.read_text(encoding="utf-8") == "[]"  # kept as it was


def test_week_month_and_since_ask_for_their_days_up_to_today_skipping_stored_ones(api, data, capsys):
    run(capsys, api, data, "--week", "2024-W10")
    assert api.dates() == [f"2024-03-{d:02d}" for d in range(4, 11)]  # Monday 4 to Sunday 10 March
    api.requests.clear()
    run(capsys, api, data, "--month", "2024-02")
    assert api.dates() == [f"2024-02-{d:02d}" for d in range(1, 30)]  # a leap year
    api.requests.clear()
    run(capsys, api, data, "--since", "2024-03-17")
    assert api.dates() == ["2024-03-17", "2024-03-18", "2024-03-19", "2024-03-20"]
    api.requests.clear()
    run(capsys, api, data, "--month", "2024-03")  # up to today only; the days fetched above are not asked again
    assert api.dates() == [f"2024-03-{d:02d}" for d in (*range(1, 4), *range(11, 17), 20)]


def test_a_month_ends_on_its_last_day_and_the_week_of_today_ends_today(api, data, capsys):
    run(capsys, api, data, "--month", "2023-12")
    assert api.dates()[-1] == "2023-12-31" and len(api.dates()) == 31
    api.requests.clear()
    run(capsys, api, data, "--week", "2024-W12")  # Monday 18 March: up to today, the 20th
    assert api.dates() == ["2024-03-18", "2024-03-19", "2024-03-20"]


def test_no_option_fetches_a_week_then_from_the_last_day_fetched(api, data, capsys):
    run(capsys, api, data)
    first = TODAY - timedelta(days=fetch.FIRST_RUN_DAYS)
    assert api.dates() == [(first + timedelta(days=n)).isoformat() for n in range(fetch.FIRST_RUN_DAYS + 1)]
    (data / "listings" / f"{TODAY.isoformat()}.json").unlink()
    (data / "listings" / "2024-03-19.json").unlink()
    api.requests.clear()
    run(capsys, api, data)
    # the 18th was the last day fetched (it may have been fetched while under way): fetched again, then on
    assert api.dates() == ["2024-03-18", "2024-03-19", "2024-03-20"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--date", "2024-3-11"],
        ["--date", "yesterday"],
        ["--week", "2024-11"],
        ["--week", "2024-W54"],
        ["--month", "2024-13"],
        ["--date", "2024-03-11", "--month", "2024-03"],
        ["--week", "9999-W52"],  # ends after the year 9999
    ],
)
def test_bad_options_are_usage_errors(api, data, capsys, argv):
    with pytest.raises(SystemExit) as exited:
        run(capsys, api, data, *argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("tui-reader fetch: error: argument")
    assert "invalid" not in err  # the option's own words, not argparse's about a function
    assert api.requests == []


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--date", "2024-03-21"], "2024-03-21 is in the future (today in UTC is 2024-03-20)"),
        (["--week", "2024-W13"], "2024-03-25 is in the future (today in UTC is 2024-03-20)"),
        (["--until", "2024-03-11"], "--until goes with --since"),
        (["--since", "2024-03-11", "--until", "2024-03-10"], "--until 2024-03-10 is before --since 2024-03-11"),
        (["--api-url", "file:///etc/passwd", "--date", "2024-03-11"], "not an http(s) URL"),
        (["--api-url", "ftp://x\x1b[2J", "--date", "2024-03-11"], "not an http(s) URL"),
        (["--api-url", "http://127.0.0.1:9/\x1b[2J", "--date", "2024-03-11"], "control characters"),
        (["--api-url", "http://127.0.0.1:9/a b", "--date", "2024-03-11"], "not an http(s) URL"),
        (["--api-url", "http://[::1", "--date", "2024-03-11"], "not a usable URL (Invalid IPv6 URL)"),
        (["--api-url", "http://[::1]:99999/x", "--date", "2024-03-11"], "not a usable URL (Port out of range"),
        (["--api-url", "http://127.0.0.1:x/", "--date", "2024-03-11"], "not a usable URL (Port could not be cast"),
        (["--api-url", "http:///api", "--date", "2024-03-11"], "no host in the URL"),
        (["--api-url", "http://[::1"], "not a usable URL"),
        (["--month", "9999-12"], "9999-12-01 is in the future"),  # no day named: checked before the days too
    ],
)
def test_impossible_requests_are_one_line_exit_2(api, data, capsys, argv, problem):
    status, _, err = run(capsys, api, data, *argv)
    assert status == 2
    one_error_line(err, problem)
    assert api.requests == []


def test_a_day_the_api_has_not_opened_yet_is_not_listed_yet_not_an_error(api, data, capsys, waits):
    api.today = TODAY - timedelta(days=1)  # the API's clock is behind ours (around midnight UTC)
    status, out, err = run(capsys, api, data, "--since", "2024-03-18")
    assert (status, err) == (0, "")
    assert listing_names(data) == ["2024-03-18.json", "2024-03-19.json"]  # nothing stored for the 20th
    assert out.splitlines() == [f"fetched 2 days (0 papers) into {data / 'listings'}; 2024-03-20: not listed yet"]
    assert api.dates() == ["2024-03-18", "2024-03-19", "2024-03-20"] and waits == []


def test_a_day_not_listed_yet_does_not_stop_the_run(api, data, capsys):
    """The API's date is its own: a day it refuses that way is passed, and the days after it are still asked."""
    api.days["2024-03-20"] = items(2, "2024-03-20")
    api.script = [error(400, "date must be less than or equal to 2024-03-17")]
    status, out, _ = run(capsys, api, data, "--since", "2024-03-18")
    assert status == 0
    assert listing_names(data) == ["2024-03-19.json", "2024-03-20.json"]
    assert "fetched 2 days (2 papers)" in out and out.rstrip().endswith("; 2024-03-18: not listed yet")


@pytest.mark.parametrize(
    "said",
    [
        "date must be less than or equal to 2024-03-19",
        "Too big: expected date to be <=2024-03-19T00:00:00.000Z",
        "The date cannot be in the future",
    ],
)
def test_the_apis_ways_of_saying_a_date_is_after_its_own(said):
    assert fetch.is_not_open_yet(400, said)


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (400, "Too big: expected number to be <=100"),
        (400, "Invalid date"),
        (400, ""),
        (404, "date must be less than or equal to 2024-03-19"),
        (500, "date must be less than or equal to 2024-03-19"),
    ],
)
def test_other_refusals_are_errors(status, said):
    assert not fetch.is_not_open_yet(status, said)


def test_empty_days_are_stored_and_not_asked_for_again(api, data, capsys):
    """A weekend answers []: stored as such, so the next run does not ask again."""
    api.days["2024-03-15"] = items(2, "2024-03-15")  # Friday; Saturday and Sunday have nothing
    assert run(capsys, api, data, "--since", "2024-03-15")[0] == 0
    assert stored(data, "2024-03-16") == [] and stored(data, "2024-03-17") == []
    api.requests.clear()
    assert run(capsys, api, data, "--since", "2024-03-15")[0] == 0
    assert api.dates() == ["2024-03-20"]  # today only


def command_in(out: str) -> list[str]:
    """The command a summary line gives for the days left out, as words."""
    return shlex.split(out.split("): ", 1)[1])


def test_a_long_gap_fetches_the_newest_days_and_gives_the_command_for_the_rest(api, data, capsys, monkeypatch):
    monkeypatch.setattr(fetch, "MAX_DAYS", 4)
    (data / "listings").mkdir(parents=True)
    (data / "listings" / "2024-03-10.json").write_text("[]")  # the last day fetched, ten days ago
    status, out, err = run(capsys, api, data)
    assert (status, err) == (0, "")
    assert api.dates() == ["2024-03-17", "2024-03-18", "2024-03-19", "2024-03-20"]
    # the 10th (stored, asked again only as the last day fetched) is not missing: not left out
    command = f"tui-reader fetch --api-url {api.url} --data-dir {data} --since 2024-03-11 --until 2024-03-16"
    assert out.splitlines() == [
        f"fetched 4 days (0 papers) into {data / 'listings'}; left out 2024-03-11 … 2024-03-16 (6 days): {command}"
    ]
    # the command fetches them, a year (here: four days) at a time, the newest first
    api.requests.clear()
    words = command_in(out)
    assert words[:2] == ["tui-reader", "fetch"]
    assert main(words[1:]) == 0
    out = capsys.readouterr().out
    assert api.dates() == ["2024-03-13", "2024-03-14", "2024-03-15", "2024-03-16"]
    rest = f"tui-reader fetch --api-url {api.url} --data-dir {data} --since 2024-03-11 --until 2024-03-12"
    assert out.rstrip().endswith(f"left out 2024-03-11 … 2024-03-12 (2 days): {rest}")
    api.requests.clear()
    assert main(command_in(out)[1:]) == 0
    assert "left out" not in capsys.readouterr().out
    assert api.dates() == ["2024-03-11", "2024-03-12"]
    assert len(listing_names(data)) == 11  # every day from the 10th to the 20th


def test_since_long_ago_is_a_year_at_a_time_with_refresh_carried_on(api, data, capsys):
    status, out, _ = run(capsys, api, data, "--since", "2023-03-01", "--refresh")
    assert status == 0
    first = TODAY - timedelta(days=fetch.MAX_DAYS - 1)
    assert api.dates()[0] == first.isoformat() and len(api.dates()) == fetch.MAX_DAYS
    last_left_out = (first - timedelta(days=1)).isoformat()
    assert out.rstrip().endswith(
        f"left out 2023-03-01 … {last_left_out} ({(first - date(2023, 3, 1)).days} days): "
        f"tui-reader fetch --api-url {api.url} --data-dir {data} --since 2023-03-01 --until {last_left_out} --refresh"
    )


def test_one_day_left_out_is_named_as_one(api, data, capsys, monkeypatch):
    monkeypatch.setattr(fetch, "MAX_DAYS", 2)
    status, out, _ = run(capsys, api, data, "--since", "2024-03-18")
    assert status == 0
    assert out.rstrip().endswith(
        f"left out 2024-03-18 (1 day): tui-reader fetch --api-url {api.url} --data-dir {data} --date 2024-03-18"
    )


def test_until_ends_a_since_and_never_goes_past_today(api, data, capsys):
    run(capsys, api, data, "--since", "2024-03-11", "--until", "2024-03-13")
    assert api.dates() == ["2024-03-11", "2024-03-12", "2024-03-13"]
    api.requests.clear()
    run(capsys, api, data, "--since", "2024-03-19", "--until", "2024-04-30")
    assert api.dates() == ["2024-03-19", "2024-03-20"]


# --- UTC days ----------------------------------------------------------------------------------------------


def test_today_is_the_date_in_utc(monkeypatch, time_zone):
    time_zone("Pacific/Kiritimati")  # UTC+14: its date is the next day from 10:00 UTC
    monkeypatch.setattr(fetch.time, "time", lambda: datetime(2026, 2, 25, 10, 0, 0, tzinfo=UTC).timestamp())
    assert date.today() == date(2026, 2, 26)  # in force
    assert utc_today() == date(2026, 2, 25)
    monkeypatch.setattr(fetch.time, "time", lambda: datetime(2026, 2, 25, 23, 59, 59, tzinfo=UTC).timestamp())
    assert utc_today() == date(2026, 2, 25)
    monkeypatch.setattr(fetch.time, "time", lambda: datetime(2026, 2, 26, 0, 0, 0, tzinfo=UTC).timestamp())
    assert utc_today() == date(2026, 2, 26)


ROOT = Path(__file__).resolve().parents[2]

# The console script's own code (pyproject's tui-reader = tui_reader.cli:main) behind a fixed clock: time.time is
# what date.today(), localtime() and fetch.today() all read, so the process's local date follows TZ as it would.
ENTRY_POINT = "import sys, time; time.time = lambda: {now}; from tui_reader.cli import main; sys.exit(main())"


def cli_in_zone(zone: str, now: datetime, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": zone, "PYTHONPATH": str(ROOT)}
    code = ENTRY_POINT.format(now=now.timestamp())
    return subprocess.run(
        [sys.executable, "-c", code, "fetch", *argv], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )


def local_date_in(zone: str, now: datetime) -> str:
    code = f"import time; print(time.strftime('%Y-%m-%d', time.localtime({now.timestamp()})))"
    env = {**os.environ, "TZ": zone}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout.strip()


# 2026-02-25 in UTC; the next day already in UTC+14, the day before still in UTC-9
ZONES = [
    ("Pacific/Kiritimati", datetime(2026, 2, 25, 12, 0, tzinfo=UTC), "2026-02-26"),
    ("America/Anchorage", datetime(2026, 2, 25, 5, 0, tzinfo=UTC), "2026-02-24"),
]


@pytest.mark.parametrize(("zone", "now", "local_day"), ZONES)
def test_the_command_asks_for_utc_days_in_any_time_zone(api, tmp_path, zone, now, local_day):
    assert local_date_in(zone, now) == local_day  # the zone is in force: the local date is not the UTC one
    api.serve_real()  # the API's current date: 2026-02-25
    data = tmp_path / "data"
    (data / "listings").mkdir(parents=True)
    (data / "listings" / "2026-02-22.json").write_text("[]")
    done = cli_in_zone(zone, now, "--api-url", api.url, "--data-dir", str(data))  # no option: up to today
    assert done.returncode == 0, done.stderr
    assert api.dates() == ["2026-02-22", "2026-02-23", "2026-02-24", "2026-02-25"]
    assert "not listed yet" not in done.stdout
    assert done.stdout.startswith("fetched 4 days (50 papers)")
    api.requests.clear()
    done = cli_in_zone(zone, now, "--api-url", api.url, "--data-dir", str(data), "--week", "2026-W09")
    assert max(api.dates()) == "2026-02-25"  # Monday 23 to today, in UTC
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("zone", "now", "local_day"), ZONES)
def test_in_the_future_means_after_the_date_in_utc(api, tmp_path, zone, now, local_day):
    api.serve_real()
    argv = ["--api-url", api.url, "--data-dir", str(tmp_path / "data")]
    done = cli_in_zone(zone, now, *argv, "--date", "2026-02-26")
    assert done.returncode == 2
    assert "2026-02-26 is in the future (today in UTC is 2026-02-25)" in done.stderr
    done = cli_in_zone(zone, now, *argv, "--date", "2026-02-25")  # today in UTC, whatever the local date
    assert done.returncode == 0, done.stderr
    assert api.dates() == ["2026-02-25"]


# --- the real response ---------------------------------------------------------------------------------------


@pytest.fixture
def real_api(api, monkeypatch):
    api.serve_real()
    monkeypatch.setattr(fetch, "today", lambda: REAL_TODAY)
    return api


@pytest.mark.parametrize("page_size", [None, 4])
def test_the_real_response_is_stored_day_by_day_item_for_item(real_api, data, capsys, page_size):
    """The real 50 items (tests/fixtures/real/), served by listing day: 9, 25 and 16 papers, each stored as the
    API gave it; with pages of 4 (short pages while more follow) nothing is lost either."""
    real_api.page_size = page_size
    status, out, err = run(capsys, real_api, data, "--since", "2026-02-23")
    assert (status, err) == (0, "")
    original = real_items()
    assert len(original) == 50
    for day, count in [("2026-02-23", 9), ("2026-02-24", 25), ("2026-02-25", 16)]:
        kept = stored(data, day)
        assert len(kept) == count
        assert kept == [entry for entry in original if listed_day(entry) == day]  # the same JSON, in the API's order
    every = [entry for day in ("2026-02-23", "2026-02-24", "2026-02-25") for entry in stored(data, day)]
    assert sorted(map(json.dumps, every)) == sorted(map(json.dumps, original))  # all 50, each once
    assert out.startswith("fetched 3 days (50 papers)")
    if page_size == 4:
        assert real_api.pages("2026-02-24") == [str(p) for p in range(8)]  # 7 pages of 25 items, then the empty one


def test_the_real_fixture_is_the_published_bytes():
    assert hashlib.sha256(REAL_RESPONSE.read_bytes()).hexdigest() == (
        "6bc0d3fe2777ff1e6f4db5593eea83491a541184371ad69e9ee5fb8303f1e41c"
    )


def test_the_stand_in_refuses_as_the_real_api_does(real_api):
    client = fetch.Client(api_url=real_api.url)
    with pytest.raises(fetch.NotListedYet) as raised:
        client.fetch_day(date(2026, 2, 26))
    assert "less than or equal to 2026-02-25" in str(raised.value)
    with pytest.raises(fetch.FetchError, match="Too big: expected number to be <=100"):
        fetch.Client(api_url=real_api.url, limit=101).fetch_day(date(2026, 2, 25))
    assert fetch.Client(api_url=real_api.url).fetch_day(date(2026, 2, 22)) == []  # a Sunday


# --- output ---------------------------------------------------------------------------------------------


def test_a_progress_bar_only_on_a_terminal(api, data, capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["fetch", "--api-url", api.url, "--data-dir", str(data), "--since", "2024-03-18"]) == 0
    drawn = terminal.getvalue()
    assert "\r" in drawn and drawn.endswith("3/3 days\n")
    assert "0/3 days" in drawn and "2/3 days" in drawn
    assert capsys.readouterr().out.startswith("fetched 3 days")


def test_a_wait_shows_on_the_progress_bar_while_it_lasts(api, data, capsys, monkeypatch, waits):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    api.script = [Answer(429, b'{"error": "slow down"}', {"Retry-After": "7"})]
    assert main(["fetch", "--api-url", api.url, "--data-dir", str(data), "--date", "2024-03-11"]) == 0
    lines = terminal.getvalue().split("\r")
    waiting = [line for line in lines if "waiting" in line]
    assert waiting == [
        "\x1b[Kfetching 2024-03-11  [" + "." * 24 + "]  0/1 days  (waiting 7 s: HTTP 429 Too Many Requests: slow down)"
    ]
    assert lines[-1] == "\x1b[Kfetching 2024-03-11  [" + "#" * 24 + "]  1/1 days\n"  # the note gone, the line wiped


def test_quiet_when_not_a_terminal(api, data, capsys):
    status, out, err = run(capsys, api, data, "--since", "2024-03-18")
    assert (status, err) == (0, "")
    assert len(out.splitlines()) == 1


def test_the_fetch_module_is_not_imported_by_the_other_commands():
    import subprocess
    import sys

    code = "import sys, tui_reader.cli, tui_reader.app; print('tui_reader.fetch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
