"""One bounded HTTP GET of another portal's JSON: strict timeouts, a hard cap on the body.

A source may be slow, broken or hostile. Nothing here waits longer than ``connect`` to
connect, ``read`` for any one read, or ``total`` for the whole answer; no answer larger
than ``max_bytes`` (after gzip is undone, so a small bomb cannot grow) is read past the
cap, and one announcing a larger ``Content-Length`` is refused before its body is read.
Redirects are not followed (the office fixes the address instead), so a source cannot send
the worker elsewhere.
"""

from __future__ import annotations

import json
import time
import zlib
from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_CONNECT_SECONDS = 5.0
DEFAULT_READ_SECONDS = 15.0
DEFAULT_TOTAL_SECONDS = 60.0
CHUNK = 64 * 1024
USER_AGENT = "shuangchuang-federation/1"

_pool = urllib3.PoolManager(num_pools=64, maxsize=2, retries=False, block=False)


class FetchError(Exception):
    """The answer could not be had or was refused; the message says why (for the office)."""


@dataclass(frozen=True)
class Answer:
    not_modified: bool
    data: object = None
    etag: str = ""


def limits() -> dict:
    return {
        "max_bytes": getattr(settings, "FEDERATION_MAX_BYTES", DEFAULT_MAX_BYTES),
        "connect": getattr(settings, "FEDERATION_CONNECT_SECONDS", DEFAULT_CONNECT_SECONDS),
        "read": getattr(settings, "FEDERATION_READ_SECONDS", DEFAULT_READ_SECONDS),
        "total": getattr(settings, "FEDERATION_TOTAL_SECONDS", DEFAULT_TOTAL_SECONDS),
    }


def get_json(url: str, *, etag: str = "", token: str = "") -> Answer:
    """GET ``url`` as JSON; ``etag`` is sent as If-None-Match and a 304 is an ``Answer`` with
    ``not_modified``. Raises ``FetchError`` for anything else than a 200 with a JSON body
    inside the limits."""
    limit = limits()
    headers = {"Accept": "application/json", "Accept-Encoding": "gzip", "User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if token:
        headers["Authorization"] = f"Bearer {token}"
    started = time.monotonic()
    try:
        response = _pool.request(
            "GET",
            url,
            headers=headers,
            preload_content=False,
            decode_content=False,
            redirect=False,
            timeout=urllib3.Timeout(connect=limit["connect"], read=limit["read"]),
        )
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(_("连接失败：%(error)s") % {"error": type(error).__name__}) from error
    complete = False
    try:
        if response.status == 304 and etag:
            complete = True
            return Answer(not_modified=True, etag=response.headers.get("ETag", etag)[:300])
        if response.status != 200:
            raise FetchError(_("对方回答 HTTP %(status)s") % {"status": response.status})
        body = _read_capped(
            response,
            max_bytes=limit["max_bytes"],
            deadline=started + limit["total"],
            total_seconds=limit["total"],
        )
        complete = True
    finally:
        if complete:
            response.release_conn()
        else:
            # Never drain a refused body into the pool: it is dropped with its connection.
            response.close()
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise FetchError(_("不是有效的 JSON。")) from error
    return Answer(not_modified=False, data=data, etag=response.headers.get("ETag", "")[:300])


def _read_capped(response, *, max_bytes: int, deadline: float, total_seconds: float) -> bytes:
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip"):
        raise FetchError(_("不支持的内容编码：%(encoding)s") % {"encoding": encoding[:20]})
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            _("内容过大：声明 %(size)s 字节，上限 %(limit)s 字节。")
            % {"size": int(declared), "limit": max_bytes}
        )
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
    body = bytearray()
    try:
        for chunk in response.stream(CHUNK, decode_content=False):
            if inflate is not None:
                chunk = inflate.decompress(chunk, max_bytes + 1 - len(body))
                if inflate.unconsumed_tail:
                    raise FetchError(_("内容过大：超过 %(limit)s 字节。") % {"limit": max_bytes})
            body += chunk
            if len(body) > max_bytes:
                raise FetchError(_("内容过大：超过 %(limit)s 字节。") % {"limit": max_bytes})
            if time.monotonic() > deadline:
                raise FetchError(_("读取超时：超过总时长 %(seconds)s 秒。") % {"seconds": total_seconds})
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(_("读取失败：%(error)s") % {"error": type(error).__name__}) from error
    except zlib.error as error:
        raise FetchError(_("gzip 内容损坏。")) from error
    return bytes(body)
