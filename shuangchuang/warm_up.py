"""A new web process asks itself for the busiest public pages before it takes a request
(gunicorn's ``post_worker_init``, shuangchuang/scripts/gunicorn.conf.py).

A process's first request used to load the URL configuration and every view module behind it
(about half a second), compile the templates and read the week's rows (``public.week_snapshot``):
after each deploy and each worker's recycling (``max_requests``), a visitor waited 0.7 s for a
page served in 20 ms. The warm-up requests go through the whole application as a visitor's do,
marked in the WSGI environment (which no client can set) so the page cache neither answers nor
keeps them (``core.public_cache.WARM_UP_ENVIRON_KEY``): each page is rendered here, and what it
loaded stays loaded.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings

from core.public_cache import WARM_UP_ENVIRON_KEY

from .garbage import settle

# Today's schedule in both languages and the home page: what most visitors ask for first.
WARM_UP_PATHS = ("/", "/schedule/", "/en/schedule/")


def warm_up(application: Callable) -> list[tuple[str, int]]:
    """Ask ``application`` (a WSGI application) for each of ``WARM_UP_PATHS``; their statuses.
    What the requests loaded is then moved out of the garbage collector's walks, as
    shuangchuang/wsgi.py does with what loading the application left (``garbage.settle``)."""
    answers = [(path, _ask(application, path)) for path in WARM_UP_PATHS]
    settle()
    return answers


def _ask(application: Callable, path: str) -> int:
    site = urlsplit(settings.SITE_URL)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": site.hostname or "localhost",
        "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": site.netloc,
        "HTTP_ACCEPT_ENCODING": "gzip",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": site.scheme or "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        WARM_UP_ENVIRON_KEY: True,
    }
    if site.scheme == "https" and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # As nginx tells it; without it a production process would answer with its redirect.
        header, value = settings.SECURE_PROXY_SSL_HEADER
        environ[header] = value
    statuses = []
    body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        for _chunk in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()  # request_finished, as a server sends it
    return int(statuses[0].split()[0])
