"""A real HTTP server on 127.0.0.1 that serves meeting feeds, for the feed tests.

Each path answers as its `Route` says: a status, a body, an ETag (a matching
``If-None-Match`` gets a 304), a redirect, or an answer that comes too late.
Every request is recorded with its headers, so a test can see the
conditional GET and count retries::

    with FeedServer() as server:
        server.route("/feed.json", body=json.dumps(records), etag='"v1"')
        fetch("aa", server.url("/feed.json"))
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    etag: str | None = None
    location: str | None = None
    delay_s: float = 0.0
    content_type: str = "application/json"


@dataclass
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _release: threading.Event = field(default_factory=threading.Event)

    def route(self, path: str, body: str | bytes = b"", **options: Any) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **options)

    def url(self, path: str) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def __enter__(self) -> FeedServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append(Request(self.path, dict(self.headers)))
                route = owner.routes.get(self.path) or Route(status=404)
                if route.delay_s and owner._release.wait(route.delay_s):
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.location:
                    self.send_header("Location", owner.url(route.location))
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
