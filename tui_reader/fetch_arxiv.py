"""Fetching from arXiv: the day's announcements of categories (``tui-reader fetch --arxiv cs.CL,cs.LG``, the
``arxiv`` setting, the reader's F) and papers by id (``tui-reader add ID…``). Network code, like tui_reader.fetch
(whose watchdog, fetch_http, bounds every request here too).

Feeds. ``GET BASE/cs.CL+cs.LG`` (BASE: https://rss.arxiv.org/rss) answers the papers announced today, arXiv's
day: it starts at midnight in New York (America/New_York), when the feed changes, whatever the local time
zone. The answer is stored as it came, atomically, in ``DATA_DIR/listings/arxiv/<day>_<categories>.xml``
(``2026-04-27_cs.CL+cs.LG.xml``), where the default corpus reads it; a feed already stored for today is not
asked for again unless ``refresh``. A channel without items (weekends, holidays) is stored too: a normal day. A
category arXiv does not have is answered HTTP 400 with a feed titled ``Feed error for query: …``: one line
naming the categories, nothing stored, what was stored before kept.

Papers by id. ``GET API?id_list=a,b,c&max_results=3`` (API: https://export.arxiv.org/api/query), up to
IDS_PER_REQUEST ids a request; each answer holding papers is stored as it came in
``DATA_DIR/listings/arxiv/added_<time>.xml``. An id arXiv does not know is simply absent from the answer (or the
answer has totalResults 0): it is named. A malformed id is answered HTTP 400 with one entry titled ``Error``: its
summary is the error.

Politeness, as arXiv's terms ask: at most one request every PACE_S (3) seconds and one connection at a time, for
every request to arXiv this process makes (the feeds, the API, the command line and the reader's F share
``PACER``); the clock and the wait are the pacer's, so tests pass time without waiting. Every request has an
overall deadline (fetch_http's watchdog), a byte cap sized for a feed's 2,000 items, and an item cap; XML is
parsed with defusedxml (sources.arxiv_xml).
"""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tui_reader.arxiv_ids import ArxivRef
from tui_reader.config import listings_dir
from tui_reader.fetch_http import TooBig, Watchdog, open_url, read_capped
from tui_reader.files import replace_file
from tui_reader.safe_text import clean_text

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_FEED_URL",
    "PACER",
    "AddResult",
    "ArxivClient",
    "ArxivError",
    "FeedResult",
    "Pacer",
    "add_ids",
    "arxiv_dir",
    "arxiv_today",
    "feed_path",
    "fetch_feed",
]

DEFAULT_FEED_URL = "https://rss.arxiv.org/rss"
DEFAULT_API_URL = "https://export.arxiv.org/api/query"
ARXIV_ZONE = "America/New_York"  # arXiv's day starts at midnight there
PACE_S = 3.0  # arXiv's terms: no more than one request every three seconds
TIMEOUT_S = 20.0  # each socket operation
REQUEST_DEADLINE_S = 120.0  # a request, all of it (a feed of 2,000 items is ~5 MB)
RUN_DEADLINE_S = 10 * 60.0  # a client's requests, from its first
ATTEMPTS = 3  # connection errors, timeouts and 5xx are tried again (paced, after a backoff)
BACKOFF_S = 3.0
MAX_ANSWER_BYTES = 32 * 2**20  # a feed holds at most 2,000 items (~2.5 KB each): 32 MB is far past any real one
MAX_FEED_ITEMS = 2500  # arXiv caps a feed at 2,000 items
IDS_PER_REQUEST = 100
MAX_IDS = 1000  # ids one `add` takes
USER_AGENT = "tui-reader (a terminal reader of arXiv listings; one request every 3 s)"


class ArxivError(Exception):
    """A request to arXiv failed: the message is one line naming what was asked and the problem."""


class Cancelled(Exception):
    """The fetch was stopped (the reader is closing)."""


def arxiv_today(now: float | None = None) -> dt.date:
    """arXiv's date now: the date in New York (the feed changes at midnight there). From time.time, the clock a
    test can fix."""
    from zoneinfo import ZoneInfo

    return dt.datetime.fromtimestamp(time.time() if now is None else now, ZoneInfo(ARXIV_ZONE)).date()


def arxiv_dir(data_dir: Path) -> Path:
    """Where arXiv's answers are kept (read by the default corpus with the other listings)."""
    return listings_dir(data_dir) / "arxiv"


def feed_path(data_dir: Path, day: dt.date, categories: Sequence[str]) -> Path:
    return arxiv_dir(data_dir) / f"{day.isoformat()}_{'+'.join(categories)}.xml"


# ---------------------------------------------------------------------------------------------------------
# Politeness and HTTP


@dataclass
class Pacer:
    """One request at a time, each starting at least ``interval`` seconds after the one before ended."""

    interval: float = PACE_S
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    last: float | None = None  # when the last request ended (``clock``)
    lock: threading.Lock = field(default_factory=threading.Lock)
    waits: list[float] = field(default_factory=list)  # the waits, for tests and the curious

    @contextmanager
    def turn(self, sleep: Callable[[float], None] | None = None) -> Iterator[None]:
        with self.lock:
            if self.last is not None and (wait := self.last + self.interval - self.clock()) > 0:
                self.waits.append(wait)
                (sleep or self.sleep)(wait)
            try:
                yield
            finally:
                self.last = self.clock()


PACER = Pacer()  # every request this process makes to arXiv


@dataclass
class ArxivClient:
    """GETs from arXiv, paced by ``pacer``; ``sleep`` waits (the reader's ends at once when it closes),
    ``cancelled`` is asked before each request."""

    pacer: Pacer | None = None  # None: PACER, the process's
    sleep: Callable[[float], None] | None = None
    cancelled: Callable[[], bool] = lambda: False
    timeout: float = TIMEOUT_S
    deadline: float = REQUEST_DEADLINE_S
    run_deadline: float = RUN_DEADLINE_S
    started: float | None = None

    def get(self, url: str, shown: str) -> tuple[int, bytes]:
        """The status and body of a 200 or a 400 (arXiv's refusals are feeds saying why); ArxivError naming
        ``shown`` for the rest, once the tries are used up."""
        problem = ""
        pacer = self.pacer or PACER
        for attempt in range(ATTEMPTS):
            if attempt:
                (self.sleep or pacer.sleep)(BACKOFF_S * 2 ** (attempt - 1))
            if self.cancelled():
                raise Cancelled
            with pacer.turn(self.sleep):
                if self.cancelled():
                    raise Cancelled
                try:
                    return self._get(url, shown)
                except _Retry as retry:
                    problem = str(retry)
        raise ArxivError(f"{shown}: {problem} (tried {ATTEMPTS} times)")

    def _get(self, url: str, shown: str) -> tuple[int, bytes]:
        now = time.monotonic()
        self.started = now if self.started is None else self.started
        ends = self.started + self.run_deadline
        if now >= ends:
            raise ArxivError(f"{shown}: took longer than {self.run_deadline:g} s; stopped")
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with Watchdog(min(now + self.deadline, ends), self.cancelled) as watchdog:
            try:
                return self._answer(shown, request, watchdog)
            except _Retry:
                if watchdog.fired == "cancelled":
                    raise Cancelled from None
                if watchdog.fired:
                    raise ArxivError(f"{shown}: no whole answer within {self.deadline:g} s; gave up") from None
                raise

    def _answer(self, shown: str, request: urllib.request.Request, watchdog: Watchdog) -> tuple[int, bytes]:
        try:
            with open_url(request, self.timeout, watchdog) as answer:
                return 200, read_capped(answer, MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as exc:
            with exc:
                return self._refused(shown, exc)
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, socket.gaierror):  # the name does not resolve: offline, or a typo; no retry
                raise ArxivError(f"{shown}: cannot resolve the host name") from None
            raise _Retry(f"cannot connect ({_clean(str(reason))})") from None
        except TooBig:
            raise ArxivError(f"{shown}: answer larger than {MAX_ANSWER_BYTES >> 20} MB; refused") from None
        except (OSError, http.client.HTTPException) as exc:  # a timeout, a reset, ENOTCONN while reading, …
            raise _Retry(f"connection lost or no answer ({_clean(type(exc).__name__)})") from None
        except (ValueError, http.client.InvalidURL) as exc:
            raise ArxivError(f"{shown}: not a usable URL ({_clean(str(exc))})") from None

    def _refused(self, shown: str, exc: urllib.error.HTTPError) -> tuple[int, bytes]:
        if exc.code == 400:  # arXiv's refusals: a feed whose title or entry says why
            try:
                return 400, read_capped(exc, 1 << 20)  # type: ignore[arg-type]
            except (TooBig, OSError, http.client.HTTPException):
                raise ArxivError(f"{shown}: HTTP 400") from None
        if exc.code >= 500 or exc.code == 429:
            raise _Retry(f"HTTP {exc.code}")
        raise ArxivError(f"{shown}: HTTP {exc.code} {_clean(str(exc.reason))}".rstrip())


class _Retry(Exception):
    pass


def _clean(text: str, limit: int = 120) -> str:
    text = clean_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------------------
# The day's feed


@dataclass
class FeedResult:
    categories: tuple[str, ...]
    stored: Path | None = None  # the feed written (None: already stored today, or failed)
    skipped: bool = False  # already stored today (not asked for)
    papers: int = 0
    error: str | None = None

    def summary(self) -> str:
        what = f"arXiv {'+'.join(self.categories)}"
        if self.error is not None:
            return self.error
        if self.skipped:
            return f"{what}: already fetched today (--refresh fetches it again)"
        if not self.papers:
            return f"{what}: nothing announced today"
        return f"{what}: {self.papers:,} paper{'' if self.papers == 1 else 's'}"


def fetch_feed(
    categories: Sequence[str],
    data_dir: Path,
    client: ArxivClient,
    *,
    base_url: str | None = None,
    today: dt.date | None = None,
    refresh: bool = False,
) -> FeedResult:
    """Today's announcements in ``categories`` (one request for all of them), stored as they came; a feed stored
    today already is not asked for again unless ``refresh``. Failures are ``result.error`` (one line)."""
    from tui_reader.sources.arxiv_xml import FeedProblem, read_feed

    cats = tuple(categories)
    result = FeedResult(cats)
    path = feed_path(data_dir, today or arxiv_today(), cats)
    if path.exists() and not refresh:
        result.skipped = True
        return result
    joined = "+".join(cats)
    url = f"{(base_url or DEFAULT_FEED_URL).rstrip('/')}/{urllib.parse.quote(joined, safe='+.-')}"
    shown = f"arXiv feed {joined}"
    try:
        status, body = client.get(url, shown)
        if body.count(b"<item") > MAX_FEED_ITEMS:
            raise ArxivError(f"{shown}: more than {MAX_FEED_ITEMS:,} items; refused")
        feed = read_feed(body.decode("utf-8-sig"), path.name)
        if feed.error is not None:
            raise ArxivError(f"{shown}: {_clean(feed.error, 200)}")
        if status != 200:
            raise ArxivError(f"{shown}: HTTP {status}")
        _store(path, body)
    except (ArxivError, FeedProblem) as exc:
        result.error = str(exc) if isinstance(exc, ArxivError) else f"{shown}: {exc}"
        return result
    except UnicodeDecodeError as exc:
        result.error = f"{shown}: the answer is not UTF-8 text (at byte {exc.start + 1})"
        return result
    result.stored, result.papers = path, len(feed.papers)
    return result


def _store(path: Path, body: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, body)
    except (OSError, ValueError) as exc:
        raise ArxivError(f"{path}: cannot write ({getattr(exc, 'strerror', None) or exc})") from None


# ---------------------------------------------------------------------------------------------------------
# Papers by id


@dataclass
class AddResult:
    stored: list[Path] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # ids arXiv answered with a paper (as asked)
    titles: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # ids arXiv does not know
    error: str | None = None


def add_ids(
    refs: Sequence[ArxivRef],
    data_dir: Path,
    client: ArxivClient,
    *,
    api_url: str = DEFAULT_API_URL,
    now: dt.datetime | None = None,
) -> AddResult:
    """Ask the API for ``refs`` (IDS_PER_REQUEST a request) and keep each answer holding papers. Stops at the
    first failure (``result.error``); the answers before it stay stored."""
    result = AddResult()
    unique = list(dict.fromkeys(refs))
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H%M%S")
    for start in range(0, len(unique), IDS_PER_REQUEST):
        batch = unique[start : start + IDS_PER_REQUEST]
        try:
            _add_batch(batch, data_dir, client, api_url, f"{stamp}-{start // IDS_PER_REQUEST + 1}", result)
        except ArxivError as exc:
            result.error = str(exc)
            break
    return result


def _add_batch(
    batch: list[ArxivRef], data_dir: Path, client: ArxivClient, api_url: str, stamp: str, result: AddResult
) -> None:
    from tui_reader.sources.arxiv_xml import FeedProblem, read_feed

    listed = ",".join(str(ref) for ref in batch)
    query = urllib.parse.urlencode({"id_list": listed, "max_results": len(batch)}, safe=",/")
    shown = f"arXiv API ({_clean(listed, 80)})"
    status, body = client.get(f"{api_url}?{query}", shown)
    if body.count(b"<entry") > len(batch) + 1:
        raise ArxivError(f"{shown}: more entries than ids asked for; refused")
    path = arxiv_dir(data_dir) / f"added_{stamp}.xml"
    try:
        feed = read_feed(body.decode("utf-8-sig"), path.name)
    except FeedProblem as exc:
        raise ArxivError(f"{shown}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ArxivError(f"{shown}: the answer is not UTF-8 text (at byte {exc.start + 1})") from None
    if feed.error is not None:
        raise ArxivError(f"arXiv API: {_clean(feed.error, 200)}")
    if status != 200:
        raise ArxivError(f"{shown}: HTTP {status}")
    answered = {paper.arxiv_id: paper for paper in feed.papers if paper.arxiv_id}
    for ref in batch:
        paper = answered.get(ref.id)
        if paper is None:  # (a version asked for is the API's to give: the paper is known either way)
            result.unknown.append(str(ref))
        else:
            result.found.append(str(ref))
            result.titles.append(paper.title)
    if feed.papers:
        _store(path, body)
        result.stored.append(path)
