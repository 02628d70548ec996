"""One GET with an overall deadline, for tui_reader.fetch: connecting, the headers and the body together end by
a fixed time, however slowly the server answers, and at once when the fetch is cancelled.

urllib's ``timeout`` bounds each socket operation, not the request: a server that sends one byte every few
seconds (in its headers or its body) never trips it. The body alone could be read in chunks with the clock
checked between them, but the headers are read inside http.client (``readline`` after ``readline``), where no
check can be slipped in. So the bound is kept from outside: a watchdog thread, started for the request, waits
until the deadline (looking every WATCH_S at whether the fetch was cancelled) and then shuts the request's
socket down. A shut-down socket wakes a read blocked on it at once, in any thread, with end-of-file or an error;
the request then fails, and ``Watchdog.fired`` says why (the deadline, or a cancel), so the caller reports that
and not the broken read it caused. The sockets are handed to the watchdog by the connection classes below as
soon as they connect (a redirect's too), before a byte of the answer is read.

Other ways were weighed: running the request in a thread and giving up on it after a join timeout leaves the
thread reading from a hostile server for as long as it likes (and the process waiting for it at exit); a
signal (SIGALRM) works only in the main thread, and the reader fetches in another; setting the socket's timeout
to what remains before each read needs the reads, which http.client keeps to itself. Connecting is bounded by
the socket timeout, never beyond the deadline. Resolving the host name is the one step nothing here can
interrupt (getaddrinfo blocks in C); it is bounded by the system resolver's own timeouts.

The body is read in chunks, at most ``cap`` bytes (a Content-Length above it is refused before reading), so a
huge answer costs neither the time nor the memory it asks for.
"""

from __future__ import annotations

import functools
import http.client
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["CutShort", "TooBig", "Watchdog", "next_link", "open_url", "read_capped"]

WATCH_S = 0.05  # how often the watchdog looks at whether the fetch was cancelled
CHUNK_BYTES = 64 * 1024


class TooBig(Exception):
    """The answer is larger than the cap (said by its Content-Length, or found while reading)."""


class CutShort(http.client.IncompleteRead):
    """The body ended (the server closed the connection) before the bytes its Content-Length promised."""

    def __str__(self) -> str:
        return f"{len(self.partial):,} of the {len(self.partial) + (self.expected or 0):,} bytes promised"


class Watchdog:
    """Shuts down the sockets given to ``watch`` at ``deadline`` (time.monotonic) or once ``cancelled()`` is
    true, unless the request ended first (the ``with`` block was left). ``fired``: "", "deadline" or
    "cancelled"."""

    def __init__(self, deadline: float, cancelled: Callable[[], bool] = lambda: False) -> None:
        self.deadline = deadline
        self.cancelled = cancelled
        self.fired = ""
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fetch-watchdog", daemon=True)

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._finished.set()

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 0.0)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:  # connected just as the watchdog fired: this one is shut down too
                _shut(sock)

    def _run(self) -> None:
        while not self._finished.wait(min(WATCH_S, self.remaining())):
            if time.monotonic() >= self.deadline:
                self.fired = "deadline"
            elif self.cancelled():
                self.fired = "cancelled"
            else:
                continue
            with self._lock:
                for sock in self._sockets:
                    _shut(sock)
            return


def _shut(sock: socket.socket) -> None:
    try:
        # the plain socket's shutdown, under TLS too: the TLS layer's would tear its state down under the reader
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed, or never connected: nothing left to wake


class _Watched(http.client.HTTPConnection):
    """A connection that hands its socket to the watchdog as soon as it is connected (HTTP or, below, HTTPS)."""

    def __init__(self, *args: Any, watchdog: Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def connect(self) -> None:
        super().connect()
        self._watchdog.watch(self.sock)


class _WatchedHTTP(_Watched):
    pass


class _WatchedHTTPS(_Watched, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: Watchdog) -> None:
        super().__init__()
        self.watchdog = watchdog

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_WatchedHTTP, watchdog=self.watchdog), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: Watchdog) -> None:
        super().__init__()
        self.watchdog = watchdog

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_WatchedHTTPS, watchdog=self.watchdog)
        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


def open_url(request: urllib.request.Request, timeout: float, watchdog: Watchdog) -> http.client.HTTPResponse:
    """urlopen, with the request's sockets watched by ``watchdog`` and no socket operation waiting past it."""
    opener = urllib.request.build_opener(_HTTPHandler(watchdog), _HTTPSHandler(watchdog))
    answer: http.client.HTTPResponse = opener.open(request, timeout=max(min(timeout, watchdog.remaining()), 0.001))
    return answer


def read_capped(answer: http.client.HTTPResponse, cap: int) -> bytes:
    """The body, read in chunks; TooBig past ``cap`` bytes (or when the Content-Length says so); CutShort when
    it ends before its Content-Length (http.client's ``read(amount)`` returns what came and says nothing), so
    that a cut answer is never taken for a whole one."""
    length = answer.headers.get("Content-Length", "").strip()
    expected = int(length) if length.isdigit() and not getattr(answer, "chunked", False) else None
    if expected is not None and expected > cap:
        raise TooBig
    chunks: list[bytes] = []
    size = 0
    while chunk := answer.read(CHUNK_BYTES):
        size += len(chunk)
        if size > cap:
            raise TooBig
        chunks.append(chunk)
    if expected is not None and size < expected:
        raise CutShort(b"".join(chunks), expected - size)
    return b"".join(chunks)


_LINK_TARGET = re.compile(r"\s*<([^>]*)>")
_LINK_PARAM = re.compile(r'\s*;\s*([^\s=;,]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;,]*))?')


def next_link(values: Iterable[str]) -> str | None:
    """The target of the first ``rel="next"`` link in Link header values (RFC 8288: several links a header,
    several headers, quoted or bare parameters, rel holding several relation types), as written (unresolved)."""
    for value in values:
        position = 0
        while position < len(value):
            target = _LINK_TARGET.match(value, position)
            if target is not None:
                relations, position = _relations(value, target.end())
                if "next" in relations:
                    return target[1].strip()
            comma = value.find(",", position)  # past this link (or what could not be read) to the next one
            if comma < 0:
                break
            position = comma + 1
    return None


def _relations(value: str, position: int) -> tuple[list[str], int]:
    """The relation types of the link whose parameters start at ``position`` (its first rel's, lowercased), and
    where its parameters end."""
    relations: list[str] | None = None
    while (param := _LINK_PARAM.match(value, position)) is not None:
        position = param.end()
        if param[1].lower() == "rel" and param[2] is not None and relations is None:
            rel = param[2].strip()
            if rel.startswith('"'):
                rel = re.sub(r"\\(.)", r"\1", rel[1:-1])
            relations = rel.lower().split()
    return relations or [], position
