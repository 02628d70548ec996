"""Fetching the Daily Papers listings from the Hugging Face API into the data directory (``tui-reader fetch``, and
the reader's ``F``). The only module that touches the network.

Each day is asked for as ``API?date=YYYY-MM-DD&limit=N&p=K``, page after page until a page comes back shorter
than the limit, and stored as the API's own JSON (one array: the pages' items, concatenated) in
``DATA_DIR/listings/YYYY-MM-DD.json``, written atomically (files.replace_file): a failed day stores nothing and
leaves what was stored before whole. The items are checked to be JSON objects, not parsed into papers here.

The HTTP client is the standard library's urllib: one GET of a small JSON document a page needs no connection
pool, no HTTP/2 and no streaming, so a third-party client (requests, httpx) would add a dependency (and for
requests, urllib3, charset-normalizer, idna and certifi) for nothing the reader uses. What urllib leaves to us is
written here: a timeout on every request, a few retries with exponential backoff for connection errors,
timeouts and 5xx answers, ``Retry-After`` (seconds or an HTTP date, capped) for 429, a bound on the size of an
answer and on the number of pages, and one clear error line naming the URL for every failure.

Imported only by the ``fetch`` command and the reader's fetch worker, so start-up never pays for it.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

from tui_reader.config import listings_dir
from tui_reader.files import replace_file
from tui_reader.safe_text import clean_text

__all__ = [
    "DEFAULT_API_URL",
    "Client",
    "FetchCancelled",
    "FetchError",
    "FetchResult",
    "day_range",
    "default_days",
    "fetch_days",
    "listing_path",
    "listings_dir",
    "stored_days",
    "today",
]

DEFAULT_API_URL = "https://huggingface.co/api/daily_papers"
PAGE_LIMIT = 100  # items asked for per page (the API's largest page)
MAX_PAGES = 50  # a day with more than 5,000 papers is a server that never ends its pages: an error, not a hang
TIMEOUT_S = 15.0  # per request: connecting, and each read of the answer
ATTEMPTS = 4  # one try and three retries, for connection errors, timeouts, 5xx and 429
BACKOFF_S = 1.0  # waits 1, 2, 4 s between tries
RETRY_AFTER_CAP_S = 60.0  # a 429's Retry-After is honoured up to this long
MAX_ANSWER_BYTES = 32 * 2**20  # a page bigger than this (a listing page is ~100 KB) is refused, not read
FIRST_RUN_DAYS = 7  # with nothing fetched yet, `fetch` starts this many days ago
MAX_DAYS = 366  # days one fetch may cover (--since long ago: one year at a time)
USER_AGENT = "tui-reader (+https://github.com/; a terminal reader of the Daily Papers listing)"


class FetchError(Exception):
    """A day could not be fetched: the message names the URL and the problem (one line, already cleaned)."""


class FetchCancelled(Exception):
    """The fetch was stopped (the reader is closing)."""


def today() -> dt.date:
    """Today's date here: the day always fetched again (tests replace it)."""
    return dt.date.today()


def sleep(seconds: float) -> None:
    """The wait between tries (tests replace it to record the waits instead of sleeping)."""
    time.sleep(seconds)


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
    that last day, to be fetched again: it may have been fetched while it was still under way."""
    days = [day for day in stored_days(data_dir) if day <= today]
    first = days[-1] if days else today - dt.timedelta(days=FIRST_RUN_DAYS)
    return day_range(max(first, today - dt.timedelta(days=MAX_DAYS - 1)), today), (days[-1] if days else None)


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


class _Retry(Exception):
    def __init__(self, problem: str, wait: float | None = None) -> None:
        super().__init__(problem)
        self.wait = wait


@dataclass
class Client:
    """GETs JSON with timeouts and retries. ``sleep`` waits between tries (the reader's makes it interruptible);
    ``cancelled`` is asked before every request."""

    api_url: str = DEFAULT_API_URL
    timeout: float = TIMEOUT_S
    limit: int = PAGE_LIMIT
    sleep: Callable[[float], None] | None = None
    cancelled: Callable[[], bool] = lambda: False
    requests: int = 0  # made so far (the summary line and tests)

    def day_url(self, day: dt.date, page: int) -> str:
        query = urllib.parse.urlencode({"date": day.isoformat(), "limit": self.limit, "p": page})
        return f"{self.api_url}{'&' if '?' in self.api_url else '?'}{query}"

    def fetch_day(self, day: dt.date) -> list[object]:
        """Every item listed on ``day``: pages until one is shorter than the limit."""
        items: list[object] = []
        previous: list[object] | None = None
        for page in range(MAX_PAGES):
            url = self.day_url(day, page)
            answer = self.get_json(url)
            if not isinstance(answer, list):
                raise FetchError(f"{_clean(url)}: not a list of papers (a JSON {type(answer).__name__})")
            if not all(isinstance(item, dict) for item in answer):
                raise FetchError(f"{_clean(url)}: not a list of papers (an item is not a JSON object)")
            if answer == previous:
                break  # a server that ignores the page number: the same page again is the end
            items.extend(answer)
            if len(answer) < self.limit:
                return items
            previous = answer
        else:
            raise FetchError(f"{_clean(self.day_url(day, MAX_PAGES))}: more than {MAX_PAGES} pages; giving up")
        return items

    def get_json(self, url: str) -> object:
        """The JSON value at ``url``; FetchError (naming the URL) once the tries are used up."""
        shown = _clean(url)
        for attempt in range(ATTEMPTS):
            if self.cancelled():
                raise FetchCancelled
            try:
                data = self._get(url)
            except _Retry as retry:
                if attempt == ATTEMPTS - 1:
                    raise FetchError(f"{shown}: {retry} (tried {ATTEMPTS} times)") from None
                (self.sleep or sleep)(retry.wait if retry.wait is not None else BACKOFF_S * 2**attempt)
                continue
            try:
                return json.loads(data.decode("utf-8-sig"))
            except UnicodeDecodeError as exc:
                raise FetchError(f"{shown}: the answer is not UTF-8 text (at byte {exc.start + 1})") from None
            except json.JSONDecodeError as exc:
                raise FetchError(f"{shown}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
            except RecursionError:
                raise FetchError(f"{shown}: invalid JSON (nested too deeply)") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _get(self, url: str) -> bytes:
        """One GET: the body of a 200, _Retry for what may pass, FetchError for what will not."""
        shown = _clean(url)
        self.requests += 1
        request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                data: bytes = answer.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            with exc:
                status = f"HTTP {exc.code}" + (f" {_clean(str(exc.reason), 80)}" if exc.reason else "")
                if exc.code == 429:
                    raise _Retry(f"{status} (too many requests)", retry_after(exc.headers.get("Retry-After"))) from None
                if exc.code >= 500:
                    raise _Retry(status) from None
                raise FetchError(f"{shown}: {status}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, socket.gaierror):  # the name does not resolve: offline, or a typo; no retry
                raise FetchError(f"{shown}: cannot resolve the host name ({_clean(str(reason.strerror))})") from None
            if isinstance(reason, ConnectionRefusedError):
                raise _Retry("connection refused") from None
            if isinstance(reason, TimeoutError):
                raise _Retry(f"no answer within {self.timeout:g} s") from None
            if isinstance(reason, OSError):
                raise _Retry(f"cannot connect ({_clean(reason.strerror or str(reason), 120)})") from None
            raise FetchError(f"{shown}: {_clean(str(reason), 120)}") from None  # unknown scheme and the like
        except TimeoutError:
            raise _Retry(f"no answer within {self.timeout:g} s") from None
        except (ConnectionError, OSError) as exc:  # reset while reading the answer, and the like
            raise _Retry(f"connection lost ({_clean(exc.strerror or str(exc), 120)})") from None
        except (ValueError, http.client.InvalidURL) as exc:  # a URL urllib cannot use ("http://", controls in it)
            raise FetchError(f"{shown}: not a usable URL ({_clean(str(exc), 120)})") from None
        except http.client.HTTPException as exc:  # a garbled answer, or one cut short (IncompleteRead)
            raise _Retry(f"bad HTTP answer ({_clean(type(exc).__name__ + ' ' + str(exc), 120)})") from None
        if len(data) > MAX_ANSWER_BYTES:
            raise FetchError(f"{shown}: answer larger than {MAX_ANSWER_BYTES >> 20} MB; refused")
        return data


# ---------------------------------------------------------------------------------------------------------
# Fetching days


@dataclass
class FetchResult:
    stored: list[Path] = field(default_factory=list)  # listing files written, in day order
    skipped: list[dt.date] = field(default_factory=list)  # past days already stored (not asked for)
    papers: int = 0  # items in the days stored
    requests: int = 0
    error: str | None = None  # the failure that stopped the fetch (days before it are stored)

    def summary(self, data_dir: Path) -> str:
        days = len(self.stored)
        line = f"fetched {days} day{'' if days == 1 else 's'} ({self.papers:,} papers) into {listings_dir(data_dir)}"
        if self.skipped:
            line += f"; {len(self.skipped)} already stored (--refresh fetches them again)"
        return line


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
    """Fetch and store each day (a past day already stored only with ``refresh``; today always). Stops at the
    first failure: its message goes in ``result.error``, nothing is stored for that day, days before it stay.
    ``again``: days fetched even when stored (the last day a run without options fetched, maybe while it was
    still under way). ``progress(done, total, day)`` is called before each day and once at the end."""
    days = list(days)
    again = set(again)
    result = FetchResult()
    stored = set(stored_days(data_dir))
    for done, day in enumerate(days):
        if progress is not None:
            progress(done, len(days), day)
        if day < today and day in stored and not refresh and day not in again:
            result.skipped.append(day)
            continue
        try:
            items = client.fetch_day(day)
            path = listing_path(data_dir, day)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                replace_file(path, json.dumps(items, ensure_ascii=False).encode("utf-8"))
            except (OSError, ValueError) as exc:
                raise FetchError(f"{path}: cannot write ({getattr(exc, 'strerror', None) or exc})") from None
        except FetchError as exc:
            result.error = str(exc)
            break
        finally:
            result.requests = client.requests
        result.stored.append(path)
        result.papers += len(items)
    if progress is not None and result.error is None:
        progress(len(days), len(days), days[-1] if days else today)
    return result
