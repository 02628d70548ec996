"""A stand-in for the Daily Papers API on 127.0.0.1 (http.server in a thread, port 0): the tests of `tui-reader
fetch` and of the reader's F never touch the internet.

It serves ``GET /api/daily_papers?date=YYYY-MM-DD&limit=N&p=K`` from ``days`` (items in the real API's shape),
records every request, and answers with ``script`` first when it holds forced answers (a 429, a 500, bad JSON).
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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


@dataclass
class Answer:
    status: int
    body: bytes = b"[]"
    headers: dict[str, str] = field(default_factory=dict)
    reason: str | None = None


@dataclass
class Api:
    url: str = ""
    days: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    script: list[Answer] = field(default_factory=list)  # forced answers, used (and removed) first
    always: Answer | None = None  # after the script: this answer to every request
    requests: list[dict[str, str]] = field(default_factory=list)  # each request's query
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, query: dict[str, str]) -> Answer:
        with self.lock:
            self.requests.append(query)
            if self.script:
                return self.script.pop(0)
            if self.always is not None:
                return self.always
        listed = self.days.get(query.get("date", ""), [])
        limit, page = int(query.get("limit", "100")), int(query.get("p", "0"))
        return Answer(200, json.dumps(listed[page * limit : (page + 1) * limit]).encode())

    def dates(self) -> list[str]:
        return [query["date"] for query in self.requests]


def serve() -> tuple[Api, ThreadingHTTPServer]:
    api = Api()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            answer = api.answer(query)
            self.send_response(answer.status, answer.reason)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    api.url = f"http://127.0.0.1:{server.server_address[1]}/api/daily_papers"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return api, server
