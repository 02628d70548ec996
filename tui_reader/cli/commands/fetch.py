"""``tui-reader fetch``: download the Daily Papers listings, one file a day, into DATA_DIR/listings.

Days are UTC days (the API's calendar, see tui_reader.fetch): "today" and "in the future" are the UTC date's,
whatever the local time zone, and the messages say so."""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import NoReturn, TextIO

from tui_reader.cli.commands import Command
from tui_reader.cli.common import PROG, UsageError, fail, one_line, path_arg
from tui_reader.config import load_config
from tui_reader.library import default_data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    days = parser.add_mutually_exclusive_group()
    days.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="that day only")
    days.add_argument(
        "--since", type=_iso_date, metavar="YYYY-MM-DD", help="every day from that one to today (or to --until)"
    )
    days.add_argument("--week", type=_iso_week, metavar="YYYY-Www", help="the days of an ISO week (2024-W11)")
    days.add_argument("--month", type=_month, metavar="YYYY-MM", help="the days of a month")
    parser.add_argument(
        "--until", type=_iso_date, metavar="YYYY-MM-DD", help="with --since: the last day (default: today)"
    )
    parser.add_argument("--refresh", action="store_true", help="fetch days already stored again")
    parser.add_argument(
        "--api-url", default=None, metavar="URL", help="the API (default: https://huggingface.co/api/daily_papers)"
    )
    parser.add_argument(
        "--data-dir", type=path_arg, help="where listings are stored, in listings/ (default: the user data directory)"
    )
    parser.add_argument(
        "--arxiv",
        type=_categories,
        metavar="CATS",
        help="today's arXiv announcements in these categories instead (cs.CL,cs.LG; default: the arxiv setting's, "
        "after the Daily Papers)",
    )
    parser.add_argument(
        "--arxiv-url", default=None, metavar="BASE", help="the arXiv feeds (default: https://rss.arxiv.org/rss)"
    )


def _categories(text: str) -> tuple[str, ...]:
    from tui_reader.arxiv_ids import is_category

    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    bad = [name for name in names if not is_category(name)]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"{one_line(bad[0] if bad else text)!r} is not an arXiv category like cs.CL")
    return names


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else _refuse()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{one_line(text)!r} is not a date like 2024-03-11") from None


def _iso_week(text: str) -> tuple[date, date]:
    match = re.fullmatch(r"(\d{4})-W(\d{2})", text)
    try:
        if match is None:
            _refuse()
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        return monday, monday + timedelta(days=6)
    except (ValueError, OverflowError):  # OverflowError: a week ending after the year 9999
        raise argparse.ArgumentTypeError(f"{one_line(text)!r} is not an ISO week like 2024-W11") from None


def _month(text: str) -> tuple[date, date]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    try:
        if match is None:
            _refuse()
        first = date(int(match[1]), int(match[2]), 1)
        if first.month == 12:  # the last day of December is known; the day after it may be past the year 9999
            return first, first.replace(day=31)
        return first, date(first.year, first.month + 1, 1) - timedelta(days=1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{one_line(text)!r} is not a month like 2024-03") from None


def _refuse() -> NoReturn:
    raise ValueError


def run(args: argparse.Namespace) -> int:
    """Fetch listings into DATA_DIR/listings (tui_reader.fetch); a failure is one line naming the URL, exit 1. A
    day not listed yet, or days left out (beyond a run's MAX_DAYS), are said in the summary line, exit 0."""
    from tui_reader import fetch  # urllib and json: only this command and the reader's F pay for them

    data_dir = args.data_dir or default_data_dir()
    if args.arxiv is not None:
        return _fetch_arxiv(args, args.arxiv, data_dir)
    api_url = _checked_api_url(args.api_url or fetch.DEFAULT_API_URL)
    today = fetch.today()
    days, again = _days(args, data_dir, today)
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    client = fetch.Client(api_url=api_url, waiting=bar.waiting if bar is not None else None)
    try:
        result = fetch.fetch_days(days, data_dir, client, today=today, refresh=args.refresh, again=again, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    print(one_line(result.summary(data_dir, _command(args))))
    if result.error is not None:
        return fail(result.error, 1)
    if not _daily_options(args) and (categories := load_config().arxiv):
        return _fetch_arxiv(args, categories, data_dir)
    return 0


def _daily_options(args: argparse.Namespace) -> bool:
    return any(getattr(args, name) is not None for name in ("date", "since", "week", "month"))


def _fetch_arxiv(args: argparse.Namespace, categories: tuple[str, ...], data_dir: Path) -> int:
    """Today's arXiv feed of ``categories`` (tui_reader.fetch_arxiv): one line saying what came, exit 0; a
    failure (a category arXiv does not have) is one line, exit 1, and nothing stored is lost."""
    from tui_reader import fetch_arxiv

    if args.arxiv is not None and _daily_options(args):
        raise UsageError("--arxiv fetches today's feed: it goes with no --date, --since, --week or --month")
    base = _checked_api_url(args.arxiv_url or fetch_arxiv.DEFAULT_FEED_URL, "--arxiv-url")
    result = fetch_arxiv.fetch_feed(
        categories, data_dir, fetch_arxiv.ArxivClient(), base_url=base, refresh=args.refresh
    )
    if result.error is not None:
        return fail(result.error, 1)
    where = f" into {fetch_arxiv.arxiv_dir(data_dir)}" if result.papers else ""
    print(one_line(result.summary() + where))
    return 0


def _checked_api_url(api_url: str, option: str = "--api-url") -> str:
    """The API's URL, checked before any use: http(s), no spaces nor controls, a host, a port that is one."""
    import urllib.parse

    from tui_reader.paper import is_web_url

    if not is_web_url(api_url) or any(ch.isspace() for ch in api_url):
        raise UsageError(f"{option} {api_url}: not an http(s) URL")
    if one_line(api_url) != api_url:
        raise UsageError(f"{option} {api_url}: control characters in the URL")
    try:
        parts = urllib.parse.urlsplit(api_url)
        parts.port  # noqa: B018 (reading it checks it: a port that is not a number or above 65535 raises)
    except ValueError as exc:  # an unclosed IPv6 bracket, a bad port
        raise UsageError(f"{option} {api_url}: not a usable URL ({one_line(str(exc))})") from None
    if not parts.hostname:
        raise UsageError(f"{option} {api_url}: no host in the URL")
    return api_url


def _days(args: argparse.Namespace, data_dir: Path, today: date) -> tuple[list[date], list[date]]:
    """The days the options name, up to today (UTC), and the days to fetch again even if stored."""
    from tui_reader import fetch

    if args.until is not None and args.since is None:
        raise UsageError("--until goes with --since")
    again: list[date] = []
    if args.date is not None:
        first, last = args.date, args.date
    elif args.since is not None:
        first, last = args.since, args.until or today
    elif args.week is not None or args.month is not None:
        first, last = args.week or args.month
    else:
        days, previous = fetch.default_days(data_dir, today)
        first, last, again = days[0], days[-1], [previous] if previous else []
    if first > today:  # the API refuses it: its calendar is UTC's
        raise UsageError(f"{first.isoformat()} is in the future (today in UTC is {today.isoformat()})")
    if last < first:
        raise UsageError(f"--until {last.isoformat()} is before --since {first.isoformat()}")
    return fetch.day_range(first, min(last, today)), again


def _command(args: argparse.Namespace) -> str:
    """This run's command, as far as it matters to a run fetching the days it left out (same API, same data)."""
    words = [PROG, "fetch"]
    if args.api_url is not None:
        words += ["--api-url", args.api_url]
    if args.data_dir is not None:
        words += ["--data-dir", str(args.data_dir)]
    return shlex.join(words)


class ProgressBar:
    """``fetching 2024-03-11  [#####.....]  3/8 days`` on one line of a terminal, redrawn in place; a wait (a
    retry's, or the pacing's) is added to it while it lasts."""

    WIDTH = 24

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.drawn = False
        self.state: tuple[int, int, date] | None = None
        self.note = ""

    def __call__(self, done: int, total: int, day: date) -> None:
        self.state = (done, total, day)
        self.draw()

    def waiting(self, seconds: float, why: str) -> None:
        self.note = f"  (waiting {seconds:.0f} s: {one_line(why)[:60]})" if seconds > 0 else ""
        if self.state is not None:
            self.draw()

    def draw(self) -> None:
        assert self.state is not None
        done, total, day = self.state
        filled = self.WIDTH * done // total if total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        # \x1b[K: the line drawn before may have been longer (a wait's note)
        self.stream.write(f"\r\x1b[Kfetching {day.isoformat()}  [{bar}]  {done}/{total} days{self.note}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


COMMAND = Command(
    "fetch",
    "download the Daily Papers listings into the data directory",
    add_arguments,
    run,
    description="Download the Daily Papers listings, one file a day, into DATA_DIR/listings. Days are UTC days: "
    "today is the date in UTC. With no option: every day from the last one fetched (or a week ago, the first "
    "time) to today. A past day already stored is not fetched again (unless --refresh); today always is. One "
    "run asks for at most a year of days, the newest; the summary gives the command for the days left out. "
    "--arxiv cs.CL,cs.LG fetches today's arXiv announcements in those categories instead (arXiv's day: it starts at "
    "midnight in New York), into DATA_DIR/listings/arxiv; the arxiv setting makes a plain fetch do it too.",
)
