"""Fetching the Daily Papers listings from the Hugging Face API into the data directory (``tui-reader fetch``, and
the reader's ``F``). The only module that touches the network.

Days are UTC days. The API lists a paper on the UTC day it was put on Daily Papers (``paper.submittedOnDailyAt``)
and refuses a ``date`` after the current UTC date, so ``today()`` is the UTC date, never the local one: east of
Greenwich the local date runs ahead of it (the API would refuse the day asked for), west of it behind (the newest
day would never be asked for).

Each day is asked for as ``API?date=YYYY-MM-DD&limit=100&p=0`` and stored as the API's own JSON (one array: the
pages' items, concatenated) in ``DATA_DIR/listings/YYYY-MM-DD.json``, written atomically (files.replace_file): a
failed day stores nothing and leaves what was stored before whole. A day with nothing listed (``[]``, weekends)
is stored too, so it is not asked for again. The items are checked to be JSON objects, not parsed into papers.

Paging follows the API's ``Link: <…&p=1>; rel="next"`` header. While it names a next page, a page shorter than
the limit does not end the day (a server may cut a page short while more follow); an empty page does, link or
not. The link is resolved against the page's URL and followed only over http(s) to the API's own host and port,
never from https down to http: a link elsewhere is an error for that day, not a detour, and a link back to a
page already read ends the day. Without a Link header (an older server, or a stand-in) the pages are counted
instead: the day ends at a page shorter than the limit, or at a page equal to the one before (a server that
ignores ``p``); once a day's pages have carried links, a page without one is the last. At most MAX_PAGES pages.

A day the API has not opened yet is not an error. It answers HTTP 400 with a JSON ``error`` saying the date must
be at most its current date when its clock is behind ours (around midnight UTC); that day is "not listed yet":
nothing is stored, the run goes on, and the summary says so. Every other 4xx/5xx failure names the URL, the
status and the API's own words (the ``error`` of a JSON body, or a short plain-text body; at most
ERROR_BODY_BYTES of it read, cleaned to one line).

Long gaps and the rate limit. The API allows 500 requests in 5 minutes per user, shared with every other Hub
tool the user runs; a day costs a request a page, plus one for the empty page that ends it when the API links
to it. One run asks for at most MAX_DAYS days (a year: 600 to 750 requests): the newest, since they are what F
and a plain ``fetch`` are for. What it leaves out is never dropped silently: the summary names the days and the
command that fetches them (``left out 2024-01-03 … 2025-01-01 (365 days): tui-reader fetch --since 2024-01-03
--until 2025-01-01``), to run now or later, a year at a time. Within a run, requests are paced to RATE_REQUESTS
in RATE_WINDOW_S (400 in 5 minutes), so a year's catch-up never trips the limit by itself (it takes a few
minutes, the waits shown) and a fifth of the allowance stays free for the user's other tools; a 429 caused by
another program is waited out as its Retry-After says. Fetching a gap of several years at once would hold the
allowance for half an hour and more, for listings nobody has asked for yet: hence the cap, and the command.

The HTTP client is the standard library's urllib: one GET of a small JSON document a page needs no connection
pool, no HTTP/2 and no streaming, so a third-party client (requests, httpx) would add a dependency (and for
requests, urllib3, charset-normalizer, idna and certifi) for nothing the reader uses. What urllib leaves to us is
written here (and in fetch_http): an overall deadline on every request (connecting, headers and body) and on
the run, a timeout on every read, a few retries with exponential backoff for connection errors,
timeouts and 5xx answers, ``Retry-After`` (seconds or an HTTP date, capped) for 429, the pacing above, a bound on
the size of an answer and on the number of pages, and one clear error line naming the URL for every failure.

Imported only by the ``fetch`` command and the reader's fetch worker, so start-up never pays for it.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import NoReturn

from tui_reader.config import listings_dir
from tui_reader.fetch_http import TooBig, Watchdog, next_link, open_url, read_capped
from tui_reader.files import replace_file
from tui_reader.json_limits import JsonProblem, TooManyItems, array_items
from tui_reader.safe_text import clean_text

__all__ = [
    "DEFAULT_API_URL",
    "Client",
    "FetchCancelled",
    "FetchError",
    "FetchResult",
    "NotListedYet",
    "day_range",
    "default_days",
    "fetch_days",
    "listing_path",
    "listings_dir",
    "next_link",
    "stored_days",
    "today",
]

DEFAULT_API_URL = "https://huggingface.co/api/daily_papers"
PAGE_LIMIT = 100  # items asked for per page (the API's largest page: 101 is refused)
MAX_PAGES = 50  # a day with more than 5,000 papers is a server that never ends its pages: an error, not a hang
TIMEOUT_S = 15.0  # per request: connecting, and each read of the answer
REQUEST_DEADLINE_S = 60.0  # per request, all of it: connecting, the headers and the body (fetch_http)
FETCH_DEADLINE_S = 30 * 60.0  # per run: a year of days, paced, takes a few minutes
ATTEMPTS = 4  # one try and three retries, for connection errors, timeouts, 5xx and 429
BACKOFF_S = 1.0  # waits 1, 2, 4 s between tries
RETRY_AFTER_CAP_S = 60.0  # a 429's Retry-After is honoured up to this long
MAX_ANSWER_BYTES = 4 * 2**20  # a page bigger than this (a full day is ~300 KB) is refused, not read
MAX_DAY_BYTES = 16 * 2**20  # a day's pages past this in all (50x a real day) are refused: never a 200 MB listing
ERROR_BODY_BYTES = 4096  # of an error answer's body, for the API's own words
ERROR_TEXT_CHARS = 200  # of those words, in the error line
FIRST_RUN_DAYS = 7  # with nothing fetched yet, `fetch` starts this many days ago
MAX_DAYS = 366  # days one run asks for (a longer gap: the newest, and the command for the rest)
RATE_REQUESTS = 400  # requests a run makes in any RATE_WINDOW_S: the API allows 500, the rest is the user's
RATE_WINDOW_S = 300.0
USER_AGENT = "tui-reader (+https://github.com/; a terminal reader of the Daily Papers listing)"


class FetchError(Exception):
    """A day could not be fetched: the message names the URL and the problem (one line, already cleaned).
    ``status``: the HTTP status of a refusal, ``api_error``: the API's own words about it (cleaned), if any."""

    def __init__(self, message: str, *, status: int | None = None, api_error: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.api_error = api_error


class NotListedYet(Exception):
    """The API has not opened this day yet (its current date is before it): nothing to store, not a failure."""

    def __init__(self, day: dt.date, api_error: str) -> None:
        super().__init__(f"{day.isoformat()}: not listed yet ({api_error})")
        self.day = day


class FetchCancelled(Exception):
    """The fetch was stopped (the reader is closing)."""


def today() -> dt.date:
    """Today's date in UTC, the API's calendar: the newest day there is to fetch. Read from time.time, the clock
    a test can fix for a whole process (datetime.now reads the system clock directly)."""
    return dt.datetime.fromtimestamp(time.time(), dt.UTC).date()


def sleep(seconds: float) -> None:
    """The wait between tries (tests replace it to record the waits instead of sleeping)."""
    time.sleep(seconds)


def clock() -> float:
    """The clock the pacing counts with (tests replace it, with ``sleep``, to pass time without waiting)."""
    return time.monotonic()


# ---------------------------------------------------------------------------------------------------------
# Where listings are kept, and which days to fetch


def listing_path(data_dir: Path, day: dt.date) -> Path:
    return listings_dir(data_dir) / f"{day.isoformat()}.json"


def stored_days(data_dir: Path) -> list[dt.date]:
    """The days with a listing stored (from the file names), in order."""
    days: list[dt.date] = []
    try:
        names = [path.name for path in listings_dir(data_dir).glob("*.json")]
    except OSError:
        return days
    for name in names:
        try:
            days.append(dt.date.fromisoformat(name.removesuffix(".json")))
        except ValueError:
            continue  # another file the user keeps there
    return sorted(days)


def day_range(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def default_days(data_dir: Path, today: dt.date) -> tuple[list[dt.date], dt.date | None]:
    """No option: every day from the last day fetched to today (on the first run, from FIRST_RUN_DAYS ago), and
    that last day, to be fetched again: it may have been fetched while it was still under way. However long the
    gap: fetch_days asks for the newest MAX_DAYS of it and says what it left out."""
    days = [day for day in stored_days(data_dir) if day <= today]
    first = days[-1] if days else today - dt.timedelta(days=FIRST_RUN_DAYS)
    return day_range(first, today), (days[-1] if days else None)


# ---------------------------------------------------------------------------------------------------------
# HTTP


def _clean(text: str, limit: int = 200) -> str:
    text = clean_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped at RETRY_AFTER_CAP_S; None
    when absent or unreadable (the usual backoff applies)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP_S)


_ERROR_MEMBER = re.compile(r'"(?:error|message)"\s*:\s*("(?:[^"\\]|\\.)*")')


def api_error_text(body: bytes) -> str:
    """The API's own words in an error answer, one clean line (at most ERROR_TEXT_CHARS), or "": the ``error``
    (or ``message``) of a JSON object, or a short plain-text body. An HTML page (a proxy's) says nothing a line
    can hold."""
    text = body.decode("utf-8", "replace").strip()
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        value = None
        match = _ERROR_MEMBER.search(text)  # a JSON body cut at ERROR_BODY_BYTES: its member may still be whole
        if match is not None:
            value = {"error": json.loads(match[1])}
        elif text.startswith(("<", "{", "[")):
            return ""
        else:
            return _clean(text, ERROR_TEXT_CHARS)
    if isinstance(value, dict):
        for key in ("error", "message"):
            found = value.get(key)
            if isinstance(found, dict):  # {"error": {"message": …}}
                found = found.get("message")
            if isinstance(found, str) and found.strip():
                return _clean(found, ERROR_TEXT_CHARS)
        return ""
    return _clean(value, ERROR_TEXT_CHARS) if isinstance(value, str) else ""


# The API's refusal of a date after its current one: it names the date and a bound ("must be less than or equal
# to 2026-02-25"; a schema's "Too big: expected date to be <=…"). A refusal of the limit names a number instead.
_DATE_WORD = re.compile(r"\bdates?\b", re.IGNORECASE)
_AFTER_BOUND = re.compile(r"less than or equal|<=|≤|\bfuture\b|\bafter\b|\blater than\b|too big", re.IGNORECASE)


def is_not_open_yet(status: int | None, api_error: str) -> bool:
    """A refusal meaning "the API's current date is before this day" (HTTP 400, the date bounded above)."""
    return status == 400 and bool(_DATE_WORD.search(api_error)) and bool(_AFTER_BOUND.search(api_error))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:  # a port that is not a number
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


class _Retry(Exception):
    def __init__(self, problem: str, wait: float | None = None) -> None:
        super().__init__(problem)
        self.wait = wait


@dataclass
class Client:
    """GETs JSON with timeouts, retries and pacing. ``sleep`` waits between tries and to keep the pace (the
    reader's makes it interruptible); ``cancelled`` is asked before every request; ``waiting(seconds, why)``
    hears of each wait before it, and ``waiting(0, "")`` after it."""

    api_url: str = DEFAULT_API_URL
    timeout: float = TIMEOUT_S
    deadline: float = REQUEST_DEADLINE_S  # seconds a request may take, all of it
    fetch_deadline: float = FETCH_DEADLINE_S  # seconds the client's requests may take, from its first one
    limit: int = PAGE_LIMIT
    sleep: Callable[[float], None] | None = None
    cancelled: Callable[[], bool] = lambda: False
    waiting: Callable[[float, str], None] | None = None
    requests: int = 0  # made so far (the summary line and tests)
    sent: deque[float] = field(default_factory=deque)  # when the requests of the last RATE_WINDOW_S were made
    started: float | None = None  # time.monotonic() of the first request (the fetch's deadline counts from it)
    day_bytes: int = 0  # bytes of the answers of the day being fetched (fetch_day)

    def day_url(self, day: dt.date, page: int) -> str:
        query = urllib.parse.urlencode({"date": day.isoformat(), "limit": self.limit, "p": page})
        return f"{self.api_url}{'&' if '?' in self.api_url else '?'}{query}"

    def fetch_day(self, day: dt.date) -> list[object]:
        """Every item listed on ``day``, following the pages as the module's docstring says; NotListedYet when
        the API has not opened it yet."""
        items: list[object] = []
        url = self.day_url(day, 0)
        read = {url}
        previous: list[object] | None = None
        linked = False  # this day's pages have named a next one: a page that names none is the last
        self.day_bytes = 0  # what this day's answers have held so far (get_json counts)
        for number in range(MAX_PAGES):
            try:
                page, next_url = self.get_page(url)
            except FetchError as exc:
                if number == 0 and is_not_open_yet(exc.status, exc.api_error):
                    raise NotListedYet(day, exc.api_error) from None
                raise
            if not page or page == previous:
                return items  # an empty page ends the day, link or not; so does the same page again
            if self.day_bytes > MAX_DAY_BYTES:
                raise FetchError(
                    f"{day.isoformat()}: more than {MAX_DAY_BYTES // 2**20} MB of answers for one day; refused"
                )
            items.extend(page)
            if next_url is None:
                if linked or len(page) < self.limit:
                    return items
                url = self.day_url(day, number + 1)  # no links: the pages are counted
            elif next_url in read:
                return items  # a link back to a page already read: the end, as a repeated page is
            else:
                linked, url = True, next_url
            read.add(url)
            previous = page
        raise FetchError(f"{_clean(url)}: more than {MAX_PAGES} pages; giving up")

    def get_page(self, url: str) -> tuple[list[object], str | None]:
        """One page of a day: its items (checked to be JSON objects), and the URL of the next page when the
        answer links to one (resolved, and checked to stay with the API)."""
        shown = _clean(url)
        answer, links = self.get_json(url)
        if not isinstance(answer, list):
            raise FetchError(f"{shown}: not a list of papers (a JSON {type(answer).__name__})")
        if not all(isinstance(item, dict) for item in answer):
            raise FetchError(f"{shown}: not a list of papers (an item is not a JSON object)")
        target = next_link(links) if answer else None  # an empty page is the last, wherever its link leads
        return answer, (None if target is None else self._followed(url, target))

    def _followed(self, url: str, target: str) -> str:
        """The next page's URL, resolved against ``url``; FetchError when it leads away from the API."""
        resolved = urllib.parse.urljoin(url, target)
        scheme, host, port = _origin(resolved)
        api_scheme, api_host, api_port = _origin(self.api_url)
        downgrade = api_scheme == "https" and scheme != "https"
        if scheme not in ("http", "https") or (host, port) != (api_host, api_port) or downgrade:
            raise FetchError(f"{_clean(url)}: the next page is elsewhere ({_clean(resolved, 120)}); not followed")
        return resolved

    def get_json(self, url: str) -> tuple[object, list[str]]:
        """The JSON value at ``url`` (an array: at most ``limit`` items) and the answer's Link headers;
        FetchError (naming the URL) once the tries are used up."""
        shown = _clean(url)
        for attempt in range(ATTEMPTS):
            if self.cancelled():
                raise FetchCancelled
            self._pace()
            try:
                data, links = self._get(url)
                self.day_bytes += len(data)
            except _Retry as retry:
                if attempt == ATTEMPTS - 1:
                    raise FetchError(f"{shown}: {retry} (tried {ATTEMPTS} times)") from None
                self._wait(retry.wait if retry.wait is not None else BACKOFF_S * 2**attempt, str(retry))
                continue
            try:
                # a page holding more items than asked for is refused as soon as it shows it, before the rest
                # are built: a few MB of ``{}`` are a million dicts
                return array_items(data.decode("utf-8-sig"), self.limit), links
            except UnicodeDecodeError as exc:
                raise FetchError(f"{shown}: the answer is not UTF-8 text (at byte {exc.start + 1})") from None
            except TooManyItems:
                raise FetchError(f"{shown}: more than the {self.limit} items a page was asked for; refused") from None
            except JsonProblem as exc:
                raise FetchError(f"{shown}: {exc}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _pace(self) -> None:
        """Wait, if need be, so that no RATE_WINDOW_S holds more than RATE_REQUESTS of this client's requests."""
        now = clock()
        while self.sent and now - self.sent[0] >= RATE_WINDOW_S:
            self.sent.popleft()
        if len(self.sent) >= RATE_REQUESTS:
            self._wait(self.sent[0] + RATE_WINDOW_S - now, f"at most {RATE_REQUESTS} requests in 5 minutes")
            if self.cancelled():
                raise FetchCancelled
            self.sent.popleft()
        self.sent.append(clock())

    def _wait(self, seconds: float, why: str) -> None:
        told = self.waiting if seconds >= 1 else None  # the pacing's waits are often a few milliseconds
        if told is not None:
            told(seconds, why)
        (self.sleep or sleep)(seconds)
        if told is not None:
            told(0.0, "")

    def _get(self, url: str) -> tuple[bytes, list[str]]:
        """One GET, all of it within ``deadline`` (and the fetch's): the body of a 200 and its Link headers,
        _Retry for what may pass, FetchError for what will not, FetchCancelled when cancelled meanwhile."""
        shown = _clean(url)
        self.requests += 1
        now = time.monotonic()
        if self.started is None:
            self.started = now
        ends = self.started + self.fetch_deadline
        if now >= ends:
            raise FetchError(f"{shown}: the fetch took longer than {self.fetch_deadline:g} s; stopped")
        request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
        with Watchdog(min(now + self.deadline, ends), self.cancelled) as watchdog:
            try:
                return self._answer(shown, request, watchdog)
            except (_Retry, FetchError):
                if watchdog.fired == "cancelled":
                    raise FetchCancelled from None
                if watchdog.fired and watchdog.deadline >= ends:  # the read the watchdog broke: say what broke it
                    raise FetchError(
                        f"{shown}: the fetch took longer than {self.fetch_deadline:g} s; stopped"
                    ) from None
                if watchdog.fired:
                    raise FetchError(f"{shown}: no whole answer within {self.deadline:g} s; gave up") from None
                raise

    def _answer(self, shown: str, request: urllib.request.Request, watchdog: Watchdog) -> tuple[bytes, list[str]]:
        try:
            with open_url(request, self.timeout, watchdog) as answer:
                data = read_capped(answer, MAX_ANSWER_BYTES)
                links: list[str] = answer.headers.get_all("Link") or []
        except urllib.error.HTTPError as exc:
            with exc:
                _refused(shown, exc)
        except urllib.error.URLError as exc:
            _unreachable(shown, exc.reason, self.timeout)
        except TooBig:
            raise FetchError(f"{shown}: answer larger than {MAX_ANSWER_BYTES >> 20} MB; refused") from None
        except TimeoutError:
            raise _Retry(f"no answer within {self.timeout:g} s") from None
        except (ConnectionError, OSError) as exc:  # reset while reading the answer, and the like
            raise _Retry(f"connection lost ({_clean(exc.strerror or str(exc), 120)})") from None
        except (ValueError, http.client.InvalidURL) as exc:  # a URL urllib cannot use ("http://", controls in it)
            raise FetchError(f"{shown}: not a usable URL ({_clean(str(exc), 120)})") from None
        except http.client.HTTPException as exc:  # a garbled answer, or one cut short (IncompleteRead)
            raise _Retry(f"bad HTTP answer ({_clean(type(exc).__name__ + ' ' + str(exc), 120)})") from None
        if watchdog.fired:  # the body ended early because its socket was shut down
            raise _Retry("cut short")
        return data, links


def _refused(shown: str, exc: urllib.error.HTTPError) -> NoReturn:
    """An HTTP error status: _Retry for 429 and 5xx, FetchError for the rest; the API's words in both."""
    try:
        said = api_error_text(exc.read(ERROR_BODY_BYTES))
    except (OSError, ValueError, AttributeError, http.client.HTTPException):  # no body, or one cut short
        said = ""
    problem = f"HTTP {exc.code}" + (f" {_clean(str(exc.reason), 80)}" if exc.reason else "")
    problem += f": {said}" if said else ""
    if exc.code == 429:
        wait = retry_after(exc.headers.get("Retry-After"))
        raise _Retry(problem if exc.reason else f"{problem} (too many requests)", wait) from None
    if exc.code >= 500:
        raise _Retry(problem) from None
    raise FetchError(f"{shown}: {problem}", status=exc.code, api_error=said) from None


def _unreachable(shown: str, reason: object, timeout: float) -> NoReturn:
    """A request that got no HTTP answer: _Retry for what may pass, FetchError for what will not."""
    if isinstance(reason, socket.gaierror):  # the name does not resolve: offline, or a typo; no retry
        raise FetchError(f"{shown}: cannot resolve the host name ({_clean(str(reason.strerror))})") from None
    if isinstance(reason, ConnectionRefusedError):
        raise _Retry("connection refused") from None
    if isinstance(reason, TimeoutError):
        raise _Retry(f"no answer within {timeout:g} s") from None
    if isinstance(reason, OSError):
        raise _Retry(f"cannot connect ({_clean(reason.strerror or str(reason), 120)})") from None
    raise FetchError(f"{shown}: {_clean(str(reason), 120)}") from None  # unknown scheme and the like


# ---------------------------------------------------------------------------------------------------------
# Fetching days


@dataclass
class FetchResult:
    stored: list[Path] = field(default_factory=list)  # listing files written, in day order
    skipped: list[dt.date] = field(default_factory=list)  # past days already stored (not asked for)
    not_listed: list[dt.date] = field(default_factory=list)  # days the API has not opened yet (nothing stored)
    left_out: list[dt.date] = field(default_factory=list)  # days to fetch beyond MAX_DAYS (older than those asked)
    refresh: bool = False  # the run fetched stored days again: the command for the days left out does too
    papers: int = 0  # items in the days stored
    requests: int = 0
    error: str | None = None  # the failure that stopped the fetch (days before it are stored)

    def summary(self, data_dir: Path, command: str = "tui-reader fetch") -> str:
        """One line: what was stored, skipped, not listed yet and left out (with ``command``, the way this run
        was started, completed into the command that fetches the days left out)."""
        days = len(self.stored)
        line = f"fetched {days} day{'' if days == 1 else 's'} ({self.papers:,} papers) into {listings_dir(data_dir)}"
        if self.skipped:
            line += f"; {len(self.skipped)} already stored (--refresh fetches them again)"
        if self.not_listed:
            line += f"; {', '.join(day.isoformat() for day in self.not_listed)}: not listed yet"
        if self.left_out:
            line += f"; {self.left_out_line(command)}"
        return line

    def left_out_line(self, command: str = "tui-reader fetch") -> str:
        """``left out A … B (N days): <the command that fetches them>``, "" when nothing was left out."""
        if not self.left_out:
            return ""
        first, last, count = self.left_out[0], self.left_out[-1], len(self.left_out)
        span = first.isoformat() if first == last else f"{first.isoformat()} … {last.isoformat()}"
        days = f"--date {first}" if first == last else f"--since {first} --until {last}"
        return f"left out {span} ({count} day{'' if count == 1 else 's'}): {command} {days}" + (
            " --refresh" if self.refresh else ""
        )


def fetch_days(
    days: Iterable[dt.date],
    data_dir: Path,
    client: Client,
    *,
    today: dt.date,
    refresh: bool = False,
    again: Iterable[dt.date] = (),
    progress: Callable[[int, int, dt.date], None] | None = None,
) -> FetchResult:
    """Fetch and store each day (a past day already stored only with ``refresh``; today always; never a day
    after ``today``), at most MAX_DAYS of them: the newest, the older rest in ``result.left_out``. A day not
    listed yet is noted and passed. Stops at the first failure: its message goes in ``result.error``, nothing is
    stored for that day, days before it stay. ``again``: days fetched even when stored (the last day a run
    without options fetched, maybe while it was still under way). ``progress(done, total, day)`` is called
    before each day asked for and once at the end."""
    result = FetchResult(refresh=refresh)
    asked = _days_to_ask(days, data_dir, today, refresh, set(again), result)
    for done, day in enumerate(asked):
        if progress is not None:
            progress(done, len(asked), day)
        try:
            items = client.fetch_day(day)
            path = _store(data_dir, day, items)
        except NotListedYet:
            result.not_listed.append(day)
            continue
        except FetchError as exc:
            result.error = str(exc)
            break
        finally:
            result.requests = client.requests
        result.stored.append(path)
        result.papers += len(items)
    if progress is not None and result.error is None:
        progress(len(asked), len(asked), asked[-1] if asked else today)
    return result


def _days_to_ask(
    days: Iterable[dt.date], data_dir: Path, today: dt.date, refresh: bool, again: set[dt.date], result: FetchResult
) -> list[dt.date]:
    """The days a run asks for, in order; the stored ones passed go in ``result.skipped``, those beyond
    MAX_DAYS (the oldest) in ``result.left_out``."""
    stored = set(stored_days(data_dir))
    asked: list[dt.date] = []
    for day in sorted(set(days)):
        if day > today:
            continue  # the API's calendar has not reached it: the callers refuse such days before this
        if day < today and day in stored and not refresh and day not in again:
            result.skipped.append(day)
        else:
            asked.append(day)
    if len(asked) > MAX_DAYS:
        # a day asked for only as ``again`` is stored: left out, it is not missing
        result.left_out = [day for day in asked[:-MAX_DAYS] if refresh or day not in again or day not in stored]
        asked = asked[-MAX_DAYS:]
    return asked


def _json_bytes(items: list[object]) -> bytes:
    """The items as UTF-8 JSON; one holding half a surrogate pair (JSON's lone "\\ud800", which no UTF-8 can
    encode) is written with its non-ASCII escaped, as the API sent it, not refused as a file that cannot be
    written."""
    try:
        return json.dumps(items, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(items).encode("ascii")


def _store(data_dir: Path, day: dt.date, items: list[object]) -> Path:
    path = listing_path(data_dir, day)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, _json_bytes(items))
    except (OSError, ValueError) as exc:
        raise FetchError(f"{path}: cannot write ({getattr(exc, 'strerror', None) or exc})") from None
    return path
