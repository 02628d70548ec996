"""`tui-reader fetch` against a local stand-in of the Daily Papers API (tests/support/fetch_server.py): paging, retries,
Retry-After, one-line errors naming the URL, nothing stored for a failed day, which days are fetched."""

from __future__ import annotations

import io
import json
import socket
import urllib.error
from datetime import date, timedelta
from email.utils import format_datetime

import pytest
from support.fetch_server import Answer, item, items

from tui_reader import fetch
from tui_reader.cli import main

TODAY = date(2024, 3, 20)


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
    assert api.requests == [{"date": "2024-03-11", "limit": "100", "p": "0"}]
    assert out.splitlines() == [f"fetched 1 day (3 papers) into {data / 'listings'}"]
    assert listing_names(data) == ["2024-03-11.json"]  # no temporary file left beside it


@pytest.mark.parametrize(("count", "pages"), [(150, 2), (100, 2), (250, 3), (99, 1), (0, 1)])
def test_pages_are_followed_until_one_is_shorter_than_the_limit(api, data, capsys, count, pages):
    api.days["2024-03-11"] = items(count, "2024-03-11")
    status, _, _ = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 0
    assert [query["p"] for query in api.requests] == [str(p) for p in range(pages)]
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


# --- retries -----------------------------------------------------------------------------------------------


def test_429_waits_as_retry_after_says_then_succeeds(api, data, capsys, waits):
    api.days["2024-03-11"] = items(2, "2024-03-11")
    api.script = [Answer(429, b"slow down", {"Retry-After": "7"})]
    status, _, err = run(capsys, api, data, "--date", "2024-03-11")
    assert (status, err) == (0, "")
    assert waits == [7.0]
    assert len(api.requests) == 2
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
    from datetime import UTC, datetime

    now = datetime(2024, 3, 11, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert fetch.retry_after(later, now=now.timestamp()) == 30.0
    assert fetch.retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now.timestamp()) == 0.0
    assert fetch.retry_after("5") == 5.0
    assert fetch.retry_after("100000") == fetch.RETRY_AFTER_CAP_S
    assert fetch.retry_after("-3") == 0.0
    for bad in (None, "", "soon", "nan"):
        assert fetch.retry_after(bad) is None


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

    monkeypatch.setattr(fetch.urllib.request, "urlopen", no_such_host)
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

    monkeypatch.setattr(fetch.urllib.request, "urlopen", slow)
    with pytest.raises(fetch.FetchError, match=r"no answer within 15 s \(tried 4 times\)"):
        fetch.Client(api_url="http://127.0.0.1:9/x").fetch_day(date(2024, 3, 11))
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


# --- which days ---------------------------------------------------------------------------------------------


def test_a_past_day_already_stored_is_not_asked_for(api, data, capsys):
    api.days["2024-03-11"] = items(2, "2024-03-11")
    assert run(capsys, api, data, "--date", "2024-03-11")[0] == 0
    api.requests.clear()
    status, out, _ = run(capsys, api, data, "--date", "2024-03-11")
    assert status == 0
    assert api.requests == []
    assert "1 already stored" in out


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
    ],
)
def test_bad_options_are_usage_errors(api, data, capsys, argv):
    with pytest.raises(SystemExit) as exited:
        run(capsys, api, data, *argv)
    assert exited.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
    assert api.requests == []


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--date", "2024-03-21"], "2024-03-21 is in the future"),
        (["--since", "2020-01-01"], "at most 366"),
        (["--api-url", "file:///etc/passwd", "--date", "2024-03-11"], "not an http(s) URL"),
        (["--api-url", "ftp://x\x1b[2J", "--date", "2024-03-11"], "not an http(s) URL"),
        (["--api-url", "http://127.0.0.1:9/\x1b[2J", "--date", "2024-03-11"], "control characters"),
        (["--api-url", "http://127.0.0.1:9/a b", "--date", "2024-03-11"], "not an http(s) URL"),
    ],
)
def test_impossible_requests_are_one_line_exit_2(api, data, capsys, argv, problem):
    status, _, err = run(capsys, api, data, *argv)
    assert status == 2
    one_error_line(err, problem)
    assert api.requests == []


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


def test_quiet_when_not_a_terminal(api, data, capsys):
    status, out, err = run(capsys, api, data, "--since", "2024-03-18")
    assert (status, err) == (0, "")
    assert len(out.splitlines()) == 1


def test_the_fetch_module_is_not_imported_by_the_other_commands():
    import subprocess
    import sys

    code = "import sys, tui_reader.cli, tui_reader.app; print('tui_reader.fetch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
