"""The reader's F (fetch in a thread worker, against the local API stand-in) and the watched corpus folders: new
listings and new or changed dumps join the list while the reader is open; F's outcomes are the command's (UTC
days, a day not listed yet, days left out, a failure). Waits are bounded loops of ``pilot.pause()``, never
sleeps."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import SIZE, notifications, page, settle, shown_titles, status, write
from support.fetch_server import Answer, items

from tui_reader import fetch
from tui_reader.app import ReaderApp
from tui_reader.controllers import loading as loading_module
from tui_reader.controllers.fetching import Fetcher
from tui_reader.corpus import load_corpus
from tui_reader.screens import reader as reader_screen_module

TODAY = date(2024, 3, 20)


async def until(pilot, condition, seconds: float = 15.0) -> None:
    """Let the app run until ``condition()`` holds (bounded: fails after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause()


@pytest.fixture
def handed(monkeypatch) -> list[Path]:
    """The files the reader's loading path (ReaderApp.load_files) reads, each through the real parsers (fetched
    listings are Daily Papers JSON)."""
    real = loading_module.read_file_parts
    read: list[Path] = []

    def reading(path: Path, use_cache: bool = True):
        read.append(path)
        return real(path, use_cache)

    monkeypatch.setattr(loading_module, "read_file_parts", reading)
    return read


@pytest.fixture
def local_api(api, monkeypatch):
    monkeypatch.setattr(fetch, "DEFAULT_API_URL", api.url)
    monkeypatch.setattr(fetch, "today", lambda: TODAY)
    return api


@pytest.fixture
def fetch_ended(monkeypatch):
    """Set when the reader's fetch (fetch.fetch_days, in its thread) has returned or raised."""
    import threading

    ended = threading.Event()
    real = fetch.fetch_days

    def fetch_days(*args, **kwargs):
        try:
            return real(*args, **kwargs)
        finally:
            ended.set()

    monkeypatch.setattr(fetch, "fetch_days", fetch_days)
    return ended


def fetched(app: ReaderApp):
    """F's notifications (a fetched empty day may bring the loader's own warning about it)."""
    return [n for n in notifications(app) if n.title.startswith("Fetch")]


def fetch_command(app: ReaderApp):
    (command,) = [c for c in app.all_commands() if c.binding.id == "fetch"]
    return command


async def test_f_fetches_and_the_new_papers_join_the_list(local_api, papers, store, data_dir, handed):
    local_api.days["2024-03-19"] = items(2, "2024-03-19")
    local_api.days["2024-03-20"] = items(3, "2024-03-20", start=10)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert len(app.reader.papers) == 211
        await pilot.press("F")
        await until(
            pilot,
            lambda: (
                len(app.reader.papers) == 216
                and not app.reader_screen.fetcher.fetching
                and not app.reader_screen.loader.loading
            ),
        )
        await settle(app, pilot)
        # the first fetch: a week ago to today, every day stored, the new files read through load_files
        assert local_api.dates() == [f"2024-03-{d}" for d in range(13, 21)]
        listings = data_dir / "listings"
        assert sorted(p.name for p in listings.iterdir()) == [f"2024-03-{d}.json" for d in range(13, 21)]
        assert handed == [listings / f"2024-03-{d}.json" for d in range(13, 21)]
        assert "A study of topic 12 on 2024-03-20" in shown_titles(app)
        assert status(app).startswith("216 / 216 shown")
        (shown,) = [n for n in notifications(app) if n.title == "Fetched"]
        assert shown.message == f"fetched 8 days (5 papers) into {listings}"
        # F again: from the last day fetched; past days stored are not asked for
        local_api.requests.clear()
        await pilot.press("F")
        await until(
            pilot,
            lambda: (
                len(local_api.requests) == 2  # today's page, and the empty one after it
                and not app.reader_screen.fetcher.fetching
                and not app.reader_screen.loader.loading
            ),
        )
        assert local_api.dates() == ["2024-03-20"]
        assert local_api.pages("2024-03-20") == ["0", "1"]


async def test_a_failed_fetch_is_a_notification_and_the_reader_goes_on(local_api, papers, store, data_dir, monkeypatch):
    monkeypatch.setattr(fetch, "BACKOFF_S", 0.0)  # the reader's waits are real ones: make them nothing
    local_api.always = Answer(500, b"oops", reason="Internal Server Error")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("F")
        await until(pilot, lambda: any(n.title == "Fetch failed" for n in notifications(app)))
        (shown,) = [n for n in notifications(app) if n.title == "Fetch failed"]
        assert shown.severity == "error"
        assert local_api.url in shown.message and "HTTP 500" in shown.message
        assert app.is_running and not app.reader_screen.fetcher.fetching
        assert len(app.reader.papers) == 211
        assert not (data_dir / "listings").exists() or not list((data_dir / "listings").iterdir())
        assert "fetching" not in status(app)


async def test_quitting_during_a_wait_between_tries_ends_the_fetch_at_once(
    local_api, papers, store, monkeypatch, fetch_ended
):
    """The reader's waits are real ones (an Event): closing the reader ends them, so quitting never hangs."""
    monkeypatch.setattr(fetch, "BACKOFF_S", 30.0)  # longer than the test waits for the end below
    local_api.always = Answer(503)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("F")
        await until(pilot, lambda: len(local_api.requests) == 1)
    started = time.monotonic()
    assert fetch_ended.wait(10), "the fetch still waits after the reader closed"
    assert time.monotonic() - started < 10
    assert len(local_api.requests) == 1  # and it asked nothing more


async def test_quitting_during_an_answer_that_drips_ends_the_fetch_at_once(local_api, papers, store, fetch_ended):
    """A server sending one byte at a time never trips a per-read timeout: closing the reader shuts the
    request down, so the fetch ends (and the reader's process can exit) at once."""
    for back in range(8):  # the first fetch asks for a week ago to today
        day = (TODAY - timedelta(days=back)).isoformat()
        local_api.days[day] = items(100, day)
    local_api.drip = 0.05  # each answer would take half an hour
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("F")
        await until(pilot, lambda: len(local_api.requests) == 1)
    assert fetch_ended.wait(5), "the fetch still reads after the reader closed"
    assert len(local_api.requests) == 1  # and it asked nothing more


async def test_fetch_progress_shows_in_the_status_line(local_api, papers, store, handed):
    """The first F asks for the 8 days from a week ago (Mar 13) to today (Mar 20); while the server holds its
    answer for the fourth day, the status line says 3 of the 8 are done; when the fetch ends, it says nothing."""
    import threading

    fourth = local_api.held["2024-03-16"] = threading.Event()
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("F")
        try:
            await until(pilot, lambda: "fetching 3/8 days…" in status(app))
        finally:
            fourth.set()
        await until(pilot, lambda: "fetching" not in status(app))
    assert local_api.dates() == [f"2024-03-{day}" for day in range(13, 21)]


async def test_a_day_not_listed_yet_is_an_ordinary_fetched_notification(local_api, papers, store, data_dir):
    local_api.today = date(2024, 3, 19)  # the API's clock is behind ours: today is not open there yet
    local_api.days["2024-03-19"] = items(2, "2024-03-19")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("F")
        await until(pilot, lambda: fetched(app) != [])
        (shown,) = fetched(app)
        assert (shown.title, shown.severity) == ("Fetched", "information")
        listings = data_dir / "listings"
        assert shown.message == f"fetched 7 days (2 papers) into {listings}; 2024-03-20: not listed yet"
        assert not (listings / "2024-03-20.json").exists()
        await until(pilot, lambda: len(app.reader.papers) == 213)


async def test_days_left_out_are_a_warning_naming_the_command_for_them(local_api, papers, store, data_dir, monkeypatch):
    monkeypatch.setattr(fetch, "MAX_DAYS", 3)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("F")  # the first fetch: a week ago (the 13th) to today, 8 days
        await until(pilot, lambda: fetched(app) != [])
        (shown,) = fetched(app)
        assert (shown.title, shown.severity) == ("Fetched (not all)", "warning")
        assert shown.message == (
            f"fetched 3 days (0 papers) into {data_dir / 'listings'}; left out 2024-03-13 … 2024-03-17 (5 days): "
            f"tui-reader fetch --data-dir {data_dir} --since 2024-03-13 --until 2024-03-17"
        )
        assert local_api.dates() == ["2024-03-18", "2024-03-19", "2024-03-20"]


async def test_a_wait_shows_in_the_status_line_while_it_lasts(local_api, papers, store):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        fetcher = app.reader_screen.fetcher
        app.reader_screen.soon(fetcher.progress, 3, 8)
        app.reader_screen.soon(fetcher.wait_shown, 42.0)
        await until(pilot, lambda: "fetching 3/8 days… (waiting 42 s)" in status(app))
        app.reader_screen.soon(fetcher.wait_shown, 0.0)
        await until(pilot, lambda: "waiting" not in status(app) and "fetching 3/8 days…" in status(app))


class PlainHost:
    """The Host a Fetcher needs, without a screen: work runs at once, in this thread."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str, str]] = []

    def in_thread(self, work, *, group, what, failed) -> None:
        work()

    def soon(self, callback, *args) -> None:
        callback(*args)

    def say(self, message, *, title="", severity="information", timeout=None) -> None:
        self.said.append((title, severity, message))

    def refresh_status(self) -> None:
        pass


@pytest.mark.parametrize(
    ("zone", "now", "local_day"),
    [
        ("Pacific/Kiritimati", datetime(2026, 2, 25, 12, 0, tzinfo=UTC), date(2026, 2, 26)),  # UTC+14
        ("America/Anchorage", datetime(2026, 2, 25, 5, 0, tzinfo=UTC), date(2026, 2, 24)),  # UTC-9
    ],
)
def test_f_asks_for_utc_days_in_any_time_zone(api, tmp_path, monkeypatch, time_zone, zone, now, local_day):
    api.serve_real()  # the API's current date: 2026-02-25
    monkeypatch.setattr(fetch, "DEFAULT_API_URL", api.url)
    monkeypatch.setattr(time, "time", lambda: now.timestamp())
    time_zone(zone)
    assert date.today() == local_day  # the zone is in force: the local date is not the UTC one
    data = tmp_path / "data"
    (data / "listings").mkdir(parents=True)
    (data / "listings" / "2026-02-23.json").write_text("[]")
    host = PlainHost()
    stored: list[Path] = []
    fetcher = Fetcher(host, lambda: data, stored.extend)
    fetcher.fetch()
    assert api.dates() == ["2026-02-23", "2026-02-24", "2026-02-25"]
    assert stored == [data / "listings" / f"2026-02-{d}.json" for d in (23, 24, 25)]
    assert host.said == [("Fetched", "information", f"fetched 3 days (50 papers) into {data / 'listings'}")]


def test_f_is_in_the_command_registry(papers, store):
    command = fetch_command(ReaderApp(papers, store))
    assert (command.keys, command.binding.description) == ("F", "Fetch")
    assert command.binding.tooltip == "Fetch today's listings (and any missed days)"
    assert command.is_command


# --- watched folders ----------------------------------------------------------------------------------------


@pytest.fixture
def fast_watch(monkeypatch):
    monkeypatch.setattr(reader_screen_module, "WATCH_POLL_SECONDS", 0.05)


def dump(title: str, day: str = "Mar 11") -> str:
    return page(day, title, f"An abstract about {title.lower()}.")


async def test_a_dump_added_to_a_watched_folder_appears(tmp_path, store, fast_watch, handed):
    folder = tmp_path / "dumps"
    folder.mkdir()
    write(folder / "a.txt", dump("First watched paper"))
    corpus = load_corpus([folder])
    app = ReaderApp(corpus.papers, store, watch=[folder])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(
            pilot, lambda: app.reader_screen.watcher.seen is not None
        )  # the first look: what is there was read at start
        assert handed == []
        write(folder / "b.txt", dump("Second watched paper"))
        await until(pilot, lambda: "Second watched paper" in shown_titles(app))
        assert handed == [folder / "b.txt"]
        write(folder / "a.txt", dump("First watched paper") + "\n" + dump("Third paper, added later")[4:])
        await until(pilot, lambda: "Third paper, added later" in shown_titles(app))
        await settle(app, pilot)
        assert handed == [folder / "b.txt", folder / "a.txt"]  # what was there at start is not read again
        assert status(app).startswith("3 / 3 shown")
        assert notifications(app) == []


async def test_files_added_while_a_load_is_under_way_are_read_after_it(tmp_path, store, papers, handed):
    one, two = (write(tmp_path / f"{n}.txt", dump(f"Paper number {n}")) for n in ("one", "two"))
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.reader_screen.loader.add_files([one])
        app.reader_screen.loader.add_files(
            [two, one]
        )  # the first load is still under way: these wait for it (one only once)
        await until(pilot, lambda: "Paper number two" in shown_titles(app) and not app.reader_screen.loader.loading)
        await settle(app, pilot)
        assert handed == [one, two, one]
        assert "Paper number one" in shown_titles(app)


async def test_a_watched_folder_made_after_start(tmp_path, store, papers, fast_watch, handed):
    folder = tmp_path / "listings"  # where fetch stores: missing until the first fetch
    app = ReaderApp(papers, store, watch=[folder])
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.reader_screen.watcher.seen is not None)
        folder.mkdir()
        write(folder / "x.txt", dump("A paper from a new folder"))
        await until(pilot, lambda: "A paper from a new folder" in shown_titles(app))


async def test_new_papers_join_a_search_under_way(tmp_path, store, fast_watch, handed):
    folder = tmp_path / "dumps"
    folder.mkdir()
    write(folder / "a.txt", dump("Diffusion for images"))
    app = ReaderApp(load_corpus([folder]).papers, store, watch=[folder])
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.reader_screen.watcher.seen is not None)
        await pilot.press("slash", *"diffusion", "enter")
        await settle(app, pilot)
        write(folder / "b.txt", dump("Diffusion for audio") + "\n" + dump("Transformers for text")[4:])
        await until(pilot, lambda: "Diffusion for audio" in shown_titles(app))
        assert "Transformers for text" not in shown_titles(app)


def test_the_reader_watches_the_corpus_folders_and_the_listings(tmp_path, monkeypatch, data_dir):
    watched: list[list[Path]] = []

    def run(self, *args, **kwargs):
        from tui_reader.saving import MarkSaver

        watched.append(self.watched)
        self.saver = MarkSaver(self.reader.store, lambda report: None)

    monkeypatch.setattr(ReaderApp, "run", run)
    from tui_reader.cli import main

    assert main(["--data-dir", str(data_dir)]) == 0
    # not the bundled dumps (they never change); the arXiv answers fetch --arxiv and add store, from any shell
    assert watched[-1] == [data_dir / "listings", data_dir / "listings/arxiv"]
    folder = tmp_path / "dumps"
    folder.mkdir()
    write(folder / "a.txt", dump("A paper"))
    assert main([str(folder), str(folder / "a.txt"), "--data-dir", str(data_dir)]) == 0
    assert watched[-1] == [folder]  # PATH arguments: their folders only


async def test_refresh_fetches_on_its_own_at_start_and_says_only_what_arrived(
    local_api, papers, store, data_dir, config_toml
):
    from conftest import app_as_launched

    from tui_reader.library.seen import SeenStore

    with SeenStore.open(data_dir) as seen:  # yesterday's session saw the papers there are
        seen.record(paper.id for paper in papers)
        seen.end_session()
    local_api.days["2024-03-20"] = items(3, "2024-03-20")
    config_toml('refresh = "2h"\n')
    app = app_as_launched(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: any(n.message == "3 new papers" for n in notifications(app)))
        await settle(app, pilot)
        assert len(app.reader.papers) == 214 and "· 3 new ·" in status(app)
        assert [n.message for n in notifications(app) if n.title.startswith("Fetch")] == []  # no summary
        requests = len(local_api.requests)
        app.refresher.tick()  # a minute later: the listing just stored is not 2 hours old
        await settle(app, pilot)
        assert len(local_api.requests) == requests
