"""A stand-in for arXiv's feeds and API on 127.0.0.1 (http.server in a thread, port 0), behaving as
tests/fixtures/real/arxiv/API_NOTES.txt says the services do; the tests never touch the network.

Feeds: ``GET /rss/<cat>+<cat>`` answers ``feeds[<cat>+<cat>]`` (bytes as stored: the real files of
tests/fixtures/real/arxiv/ byte for byte) with ``Cache-Control: max-age`` until the next midnight in New York, as
arxiv-feed does. A category in ``known`` without a feed of its own answers an empty channel (a weekend, a
holiday: the channel arXiv sends then, with no ``<item>``). A category not in ``known`` answers HTTP 400 with a
feed titled ``Feed error for query: …`` and a description saying which (the server code's behaviour; its exact
words were not found in public sources, these are a rendering of it).

API: ``GET /api/query?id_list=a,b&max_results=N`` answers an Atom feed with the entries of ``entries`` (the real
entries, cut byte for byte from the real answers) for the ids it knows, in the order asked; an unknown id is left
out (none known: the real empty answer's form, totalResults 0). An id not written as arXiv writes ids answers
HTTP 400 with the real error answer for ``abc`` (its id and words made to name the id asked, as arXiv's do).

Every request is recorded with the time it arrived (``requests``).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

REAL = Path(__file__).parents[1] / "fixtures/real/arxiv"
RSS_NEW = REAL / "rss_2026-04-27_cs.CL_newformat_trimmed-3items.xml"
RSS_OLD = REAL / "rss_2018-05-23_hep-ex_OLD-rdf1.0_trimmed-3items.xml"
API_NEW = REAL / "api_2026-04-12_search_all-testing_10of214881.xml"
API_OLD = REAL / "api_2016-10-09_search_au-del_maestro_10of31_oldformat.xml"
API_EMPTY = REAL / "api_2026-04-12_empty_idlist-0000.0000.xml"
API_ERROR = REAL / "api_2026-04-12_error_idlist-abc_HTTP400.xml"

EMPTY_CHANNEL = """<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
  <channel>
    <title>{cats} updates on arXiv.org</title>
    <link>http://rss.arxiv.org/rss/{cats}</link>
    <description>{cats} updates on the arXiv.org e-print archive.</description>
    <language>en-us</language>
    <lastBuildDate>Sat, 25 Apr 2026 04:00:00 +0000</lastBuildDate>
    <pubDate>Sat, 25 Apr 2026 00:00:00 -0400</pubDate>
    <skipDays>
      <day>Saturday</day>
      <day>Sunday</day>
    </skipDays>
  </channel>
</rss>
"""

FEED_ERROR = """<?xml version='1.0' encoding='UTF-8'?>
<rss version="2.0">
  <channel>
    <title>Feed error for query: {cats}</title>
    <link>http://rss.arxiv.org/rss/{cats}</link>
    <description>Bad archive or category: {bad}</description>
  </channel>
</rss>
"""

_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?")


def real_entries(path: Path) -> dict[str, bytes]:
    """The entries of a real API answer, byte for byte, by arXiv id (without version)."""
    data = path.read_bytes()
    found: dict[str, bytes] = {}
    for match in re.finditer(rb"  <entry>.*?</entry>\n", data, re.DOTALL):
        ident = re.search(rb"<id>https?://arxiv\.org/abs/(\S+?)(v\d+)?</id>", match[0])
        assert ident is not None
        found[ident[1].decode()] = match[0]
    return found


def _head(path: Path) -> bytes:
    data = path.read_bytes()
    return data[: data.index(b"  <entry>")]


@dataclass
class Arxiv:
    url: str = ""  # the server's root
    feeds: dict[str, bytes] = field(default_factory=dict)  # "cs.CL+cs.LG" -> the feed's bytes
    known: set[str] = field(default_factory=lambda: {"cs", "cs.CL", "cs.LG", "cs.AI", "hep-ex", "math.GT"})
    entries: dict[str, bytes] = field(default_factory=dict)
    now: dt.datetime = dt.datetime(2026, 4, 27, 9, 30, tzinfo=ZoneInfo("America/New_York"))
    requests: list[tuple[float, str]] = field(default_factory=list)  # (time.monotonic(), path and query)
    lock: threading.Lock = field(default_factory=threading.Lock)
    open_connections: int = 0
    most_connections: int = 0  # the most requests being answered at once (counted until the answer is sent)

    def serve_real(self) -> None:
        self.feeds = {"cs.CL": RSS_NEW.read_bytes(), "hep-ex": RSS_OLD.read_bytes()}
        self.entries = {**real_entries(API_OLD), **real_entries(API_NEW)}

    def max_age(self) -> int:
        midnight = dt.datetime.combine(self.now.date() + dt.timedelta(days=1), dt.time(), self.now.tzinfo)
        return int((midnight - self.now).total_seconds())

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        if path.startswith("/rss/"):
            return self.feed(urllib.parse.unquote(path.removeprefix("/rss/")))
        if path == "/api/query":
            return self.api(query)
        return 404, b"not found", {}

    def feed(self, cats: str) -> tuple[int, bytes, dict[str, str]]:
        bad = [cat for cat in cats.split("+") if cat not in self.known]
        if bad:
            return 400, FEED_ERROR.format(cats=cats, bad=bad[0]).encode(), {}
        body = self.feeds.get(cats) or EMPTY_CHANNEL.format(cats=cats).encode()
        return 200, body, {"Cache-Control": f"max-age={self.max_age()}"}

    def api(self, query: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        asked = [ident for ident in query.get("id_list", "").split(",") if ident]
        for ident in asked:
            if not _ID.fullmatch(ident):
                body = API_ERROR.read_bytes().replace(b"abc", ident.encode())
                return 400, body, {}
        found = [self.entries[key] for key in (_ID.fullmatch(i)[1] for i in asked) if key in self.entries]  # type: ignore[index]
        if not found:
            return 200, API_EMPTY.read_bytes(), {}
        head = _head(API_NEW).replace(
            b"<opensearch:totalResults>214881<", f"<opensearch:totalResults>{len(found)}<".encode()
        )
        return 200, head + b"".join(found) + b"</feed>\n", {}


def serve() -> tuple[Arxiv, ThreadingHTTPServer]:
    arxiv = Arxiv()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            with arxiv.lock:
                arxiv.requests.append((time.monotonic(), self.path))
                arxiv.open_connections += 1
                arxiv.most_connections = max(arxiv.most_connections, arxiv.open_connections)
            try:
                status, body, headers = arxiv.answer(parts.path, dict(urllib.parse.parse_qsl(parts.query)))
            finally:  # before a byte is sent: a client cannot have its answer, and ask again, before this
                with arxiv.lock:
                    arxiv.open_connections -= 1
            self.send_response(status)
            kind = "application/atom+xml" if parts.path.startswith("/api") else "application/rss+xml"
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    arxiv.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return arxiv, server
