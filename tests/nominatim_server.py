"""A Nominatim-speaking HTTP server on 127.0.0.1 for tests: real sockets, recorded answers.

In: a mapping from the query text (``q``) to the :class:`Reply` (or list of replies, served in
turn) it gets. Out: the server's base URL and every request it received, with the time it
arrived, so tests can check what geopy really sent and how fast.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "nominatim"


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: status, body bytes, extra headers, and seconds to wait before answering."""

    status: int = 200
    body: bytes = b"[]"
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0


def fixture(name: str) -> Reply:
    """A recorded /search answer from tests/fixtures/nominatim/NAME.json."""
    return Reply(body=(FIXTURES / f"{name}.json").read_bytes(), headers={"Content-Type": "application/json"})


@dataclass(frozen=True)
class Received:
    at: float  # time.monotonic() when the request arrived
    path: str
    params: dict[str, str]
    user_agent: str


class NominatimServer:
    """``with NominatimServer({...}) as server:`` serves on a free port until the block ends."""

    def __init__(self, replies: Mapping[str, Reply | Sequence[Reply]]) -> None:
        self._replies = {q.casefold(): list(r) if isinstance(r, Sequence) else [r] for q, r in replies.items()}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> NominatimServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _next_reply(self, query: str) -> Reply:
        with self._lock:
            queue = self._replies.get(query.casefold())
            if not queue:
                return Reply()  # a query without a recorded answer is a miss
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                with server._lock:
                    server.received.append(Received(time.monotonic(), parts.path, params,
                                                    self.headers.get("User-Agent", "")))
                if parts.path != "/search":
                    reply = Reply(status=404, body=b'{"error": "no such endpoint"}')
                else:
                    reply = server._next_reply(params.get("q", ""))
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left: nothing to answer

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                return

        return Handler


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def json_reply(data: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json", **headers})
