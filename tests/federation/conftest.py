"""A stub portal for the federation's tests: a real HTTP server in a thread of the test
process, answering what each test puts in ``routes`` (a recorded answer of this project's
own API, an error, a hostile body), honouring If-None-Match and counting the bytes it sent."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from events import demo
from events.models import Week


@dataclass
class Route:
    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    etag: str = ""
    headers: dict = field(default_factory=dict)


class StubPortal:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict]] = []
        self.bytes_sent = 0
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                portal.requests.append((self.path, dict(self.headers)))
                route = portal.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.etag:
                    self.send_header("ETag", route.etag)
                try:
                    if callable(route.body):  # streamed without a length: the connection ends it
                        self.send_header("Connection", "close")
                        self.end_headers()
                        for chunk in route.body():
                            self.wfile.write(chunk)
                            portal.bytes_sent += len(chunk)
                        self.close_connection = True
                    else:
                        if "Content-Length" not in route.headers:
                            self.send_header("Content-Length", str(len(route.body)))
                        self.end_headers()
                        self.wfile.write(route.body)
                        portal.bytes_sent += len(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def serve(self, path: str, **route) -> Route:
        self.routes[path] = Route(**route)
        return self.routes[path]


@pytest.fixture
def stub_portal():
    portal = StubPortal()
    portal.thread.start()
    yield portal
    portal.server.shutdown()
    portal.server.server_close()


@pytest.fixture
def demo_week(db, settings):
    settings.SITE_URL = "https://kunshan.example.cn"
    demo.load_demo_week()
    return Week.objects.current()


@pytest.fixture
def recorded_api(demo_week, client):
    """This project's own /api/schedule.json for the demo week, as a second portal serves it."""
    response = client.get(reverse("api_schedule"))
    assert response.status_code == 200
    return response.content


@pytest.fixture(autouse=True)
def _pooled_connections_closed():
    """The sync keeps connections to a portal open for the next sync (urllib3's pool); a test's
    live server would hold its database connection for them and the test database could not
    be dropped at the end. Each test closes them."""
    yield
    from federation.fetch import _pool

    _pool.clear()
