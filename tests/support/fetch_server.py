"""A stand-in for the Daily Papers API on 127.0.0.1 (http.server in a thread, port 0): the tests of `tui-reader
fetch` and of the reader's F never touch the internet.

It answers ``GET /api/daily_papers?date=YYYY-MM-DD&limit=N&p=K`` as the real service does (its behaviour is
described in tests/fixtures/real/PROVENANCE.md):

- page K (counted from 0) of the day's items, N items a page (``page_size`` makes pages shorter than the limit
  while more follow, as a real server may); a day with nothing listed (a weekend) answers ``[]``;
- every answer carries ``Link: <…&p=K+1>; rel="next"``, an empty last page too (``links``: "always", the real
  service's way; "more": only while items remain; "none": no Link header, as an older server);
- ``limit`` above 100 answers HTTP 400 ``{"error": "Too big: expected number to be <=100"}``, the real wording;
- a ``date`` after the server's current UTC date (``today``; None: the real one) answers HTTP 400 with a JSON
  ``error``. The real service's words for it were not found in public sources; the ones here ("date must be
  less than or equal to YYYY-MM-DD") are a plausible rendering of what its documentation says;
- ``script`` holds forced answers, used (and removed) first: a 429, a 500, bad JSON; then ``always``, if set;
- ``drip``: seconds between bytes, for a server that answers one byte at a time (its headers too when
  ``drip_headers``), until the answer is sent or ``stopped`` is set (the fixture sets it when the test ends).

``serve_real()`` serves the real 50-item response of tests/fixtures/real/ (copied byte for byte from a public
repository), each item on the UTC day of its ``paper.submittedOnDailyAt``, with that day (2026-02-25) as today.
It records every request's query.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MAX_LIMIT = 100
REAL_RESPONSE = (
    Path(__file__).parents[1] / "fixtures/real/hf_daily_2026-02-25_default50_guo-sj_ai-paper-reader_0150ec7.json"
)
REAL_TODAY = dt.date(2026, 2, 25)  # the day that response was fetched: the newest listed in it


def item(number: int, day: str, title: str | None = None) -> dict[str, object]:
    """One listing item as https://huggingface.co/api/daily_papers gives it."""
    title = title or f"A study of topic {number} on {day}"
    summary = f"We study topic {number}. It works well."
    published = f"{day}T17:59:00.000Z"
    return {
        "paper": {
            "id": f"2403.{number:05d}",
            "title": title,
            "summary": summary,
            "authors": [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}],
            "publishedAt": published,
            "upvotes": 3,
        },
        "publishedAt": published,
        "title": title,
        "summary": summary,
        "numComments": 0,
    }


def items(count: int, day: str, start: int = 0) -> list[dict[str, object]]:
    return [item(start + n, day) for n in range(count)]


def real_items() -> list[dict[str, object]]:
    """The real response's items, in its order."""
    return json.loads(REAL_RESPONSE.read_bytes())


def listed_day(entry: dict[str, object]) -> str:
    """The UTC day an item was listed on: its ``paper.submittedOnDailyAt``."""
    paper = entry["paper"]
    assert isinstance(paper, dict)
    when = dt.datetime.fromisoformat(str(paper["submittedOnDailyAt"]).replace("Z", "+00:00"))
    return when.astimezone(dt.UTC).date().isoformat()


@dataclass
class Answer:
    status: int
    body: bytes = b"[]"
    headers: dict[str, str] | list[tuple[str, str]] = field(default_factory=dict)  # a list: a header repeated
    reason: str | None = None


def error(status: int, message: str) -> Answer:
    return Answer(status, json.dumps({"error": message}).encode())


@dataclass
class Api:
    url: str = ""
    days: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    today: dt.date | None = None  # the server's current UTC date (None: the real one)
    links: str = "always"  # "always", "more" or "none": when answers carry a rel="next" link
    page_size: int | None = None  # items a page at most, whatever the limit (short pages while more follow)
    script: list[Answer] = field(default_factory=list)  # forced answers, used (and removed) first
    always: Answer | None = None  # after the script: this answer to every request
    requests: list[dict[str, str]] = field(default_factory=list)  # each request's query
    drip: float | None = None  # seconds between the answer's bytes (None: all at once)
    drip_headers: bool = False  # with drip: the status line and headers a byte at a time too
    stopped: threading.Event = field(default_factory=threading.Event)  # ends every drip and hold at once
    held: dict[str, threading.Event] = field(default_factory=dict)  # a day answered only once its event is set
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve_real(self) -> None:
        """Serve the real response of tests/fixtures/real/, split by listing day, as on the day it was fetched."""
        self.days = {}
        for entry in real_items():
            self.days.setdefault(listed_day(entry), []).append(entry)
        self.today = REAL_TODAY

    def answer(self, query: dict[str, str]) -> Answer:
        with self.lock:
            self.requests.append(query)
            if self.script:
                return self.script.pop(0)
            if self.always is not None:
                return self.always
            hold = self.held.get(query.get("date", ""))
        while hold is not None and not hold.wait(0.05) and not self.stopped.is_set():
            pass  # the request waits, as a slow server's does, until the test lets it go (or the server stops)
        try:
            limit, page = int(query.get("limit", "50")), int(query.get("p", "0"))
            day = dt.date.fromisoformat(query["date"]) if "date" in query else None
        except ValueError:
            return error(400, "Invalid input: expected a date like 2024-03-11 and whole numbers for limit and p")
        if limit > MAX_LIMIT:
            return error(400, f"Too big: expected number to be <={MAX_LIMIT}")
        today = self.today or dt.datetime.now(dt.UTC).date()
        if day is not None and day > today:
            return error(400, f"date must be less than or equal to {today.isoformat()}")
        listed = self.days.get(query.get("date", ""), [])
        size = min(limit, self.page_size or limit)
        shown = listed[page * size : (page + 1) * size]
        headers: dict[str, str] = {}
        if self.links == "always" or (self.links == "more" and (page + 1) * size < len(listed)):
            following = urllib.parse.urlencode({**query, "p": page + 1})
            headers["Link"] = f'<{self.url}?{following}>; rel="next"'
        return Answer(200, json.dumps(shown).encode(), headers)

    def dates(self) -> list[str]:
        """The days asked for, in order: the dates of the first pages asked for."""
        return [query["date"] for query in self.requests if query.get("p", "0") == "0"]

    def pages(self, day: str) -> list[str]:
        """The pages of ``day`` asked for, in order."""
        return [query.get("p", "0") for query in self.requests if query.get("date") == day]


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-answer (the fetch refusing an answer too big, or giving up at its deadline) is
    what the tests make happen: not a traceback on stderr, where the tests read the command's own one line."""

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def serve() -> tuple[Api, ThreadingHTTPServer]:
    api = Api()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            answer = api.answer(query)
            if api.drip is not None:
                self.dripped(answer, api.drip)
                return
            self.send_response(answer.status, answer.reason)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer.body)))
            headers = answer.headers.items() if isinstance(answer.headers, dict) else answer.headers
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)

        def dripped(self, answer: Answer, interval: float) -> None:
            head = f"HTTP/1.1 {answer.status} OK\r\nContent-Type: application/json\r\n"
            head += f"Content-Length: {len(answer.body)}\r\n\r\n"
            slowly = (head.encode() if api.drip_headers else b"") + answer.body
            if not api.drip_headers:
                self.wfile.write(head.encode())
            for byte in slowly:
                if api.stopped.wait(interval):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return  # the client gave up

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet

    server = _QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    api.url = f"http://127.0.0.1:{server.server_address[1]}/api/daily_papers"
    # shutdown() waits for the loop to look again: every 50 ms, not the default 0.5 s each test's teardown paid
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return api, server
