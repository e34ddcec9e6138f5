"""One way to answer with a stored file, for the permission-checked and the public media views.

On S3-compatible storage the view, having decided who may see the file, answers 302 with a
short-lived signed link (``core.media_storage``): the browser fetches the bytes and its Range
requests from the object store, so no gunicorn worker streams a video, whatever its size or
the client's speed. A ``public`` file (a public video's web versions) goes to
``MEDIA_PUBLIC_BASE_URL`` (a CDN) when that is set. The redirect may be cached by the browser
for at most half the link's life (``SignedRedirect``), so a cached redirect never leads to an
expired link.

On local disk, with ``MEDIA_ACCEL_REDIRECT_PREFIX`` set, the view has already decided who may
see the file; it answers with an empty body and ``X-Accel-Redirect: <prefix>/<storage name>``
and nginx sends the bytes itself from an ``internal`` location (ranges included), so a 2 GB video does
not tie up a gunicorn worker. Unset, the file is streamed through the storage API, and a
single byte range is answered here (206), which iOS and WeChat's browser need to play and
seek videos.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import ResponseHeaders
from django.utils.http import content_disposition_header

from . import media_storage

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def accel_redirect_enabled() -> bool:
    return bool(settings.MEDIA_ACCEL_REDIRECT_PREFIX)


def file_response(
    request,
    field_file,
    *,
    content_type: str,
    filename: str | None = None,
    as_attachment: bool = False,
    public: bool = False,
) -> HttpResponse:
    """A response for ``field_file``: a redirect to the object store, handed to nginx, or
    streamed (a single ``Range`` asked for answered 206, or 416 when it lies outside the file).
    Always ``nosniff``. ``public``: anybody may see the file for as long as it exists (a public
    video's web versions), so it may come from ``MEDIA_PUBLIC_BASE_URL``."""
    disposition = content_disposition_header(as_attachment, filename)
    if media_storage.is_object_storage(field_file.storage):
        response = _redirect_to_storage(
            field_file, content_type=content_type, disposition=disposition, public=public
        )
        disposition = None  # the object store sends it
    elif accel_redirect_enabled():
        response = HttpResponse(b"", content_type=content_type)
        response["X-Accel-Redirect"] = f"{settings.MEDIA_ACCEL_REDIRECT_PREFIX}/{quote(field_file.name)}"
    else:
        response = _streamed(request, field_file, content_type=content_type)
        if response is None:
            response = FileResponse(
                field_file.open("rb"),
                content_type=content_type,
                as_attachment=as_attachment,
                filename=filename or "",
            )
            disposition = None  # FileResponse wrote its own
        response["Accept-Ranges"] = "bytes"
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _ClampedHeaders(ResponseHeaders):
    """Headers whose ``Cache-Control`` never allows keeping the answer longer than ``limit``
    seconds, whatever the view sets after ``file_response`` returned."""

    limit = 0

    def __setitem__(self, key, value):
        if key.lower() == "cache-control":
            value = _clamp_max_age(str(value), self.limit)
        super().__setitem__(key, value)


def _clamp_max_age(value: str, limit: int) -> str:
    directives = []
    for directive in (part.strip() for part in value.split(",")):
        name, _, seconds = directive.partition("=")
        if name.strip().lower() in ("max-age", "s-maxage") and seconds.strip().isdigit():
            directive = f"{name.strip()}={min(int(seconds), limit)}"
        directives.append(directive)
    return ", ".join(part for part in directives if part)


class SignedRedirect(HttpResponse):
    """302 to a link that expires: browsers and caches may keep it for ``cache_seconds`` at most.

    The ``Location`` is set directly: a signed link with a long file name in its
    Content-Disposition may exceed the length ``HttpResponseRedirect`` accepts."""

    status_code = 302

    def __init__(self, url: str, *, cache_seconds: int):
        super().__init__(b"")
        headers = _ClampedHeaders({})
        headers.limit = cache_seconds
        for key, value in self.headers.items():
            headers[key] = value
        self.headers = headers
        self["Location"] = url
        self["Cache-Control"] = f"private, max-age={cache_seconds}"

    @property
    def url(self) -> str:
        return self["Location"]


def _redirect_to_storage(
    field_file, *, content_type: str, disposition: str | None, public: bool
) -> HttpResponse:
    lifetime = settings.MEDIA_SIGNED_URL_SECONDS
    url = media_storage.public_url(field_file.name) if public else None
    if url is None:
        url = media_storage.signed_url(
            field_file.storage,
            field_file.name,
            content_type=content_type,
            disposition=disposition,
            lifetime=lifetime,
        )
    return SignedRedirect(url, cache_seconds=lifetime // 2)


def _streamed(request, field_file, *, content_type: str) -> HttpResponse | None:
    """The answer to a single byte range, or None when no (usable) range was asked for."""
    match = _RANGE.match(request.META.get("HTTP_RANGE", ""))
    size = field_file.size if match else 0
    if not size:
        return None
    first, last = _range_bounds(match, size)
    if first is None:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = field_file.open("rb")
    handle.seek(first)
    response = StreamingHttpResponse(_read(handle, last - first + 1), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(last - first + 1)
    return response


def _range_bounds(match, size: int) -> tuple[int | None, int | None]:
    start, end = match.groups()
    if start == "" and end == "":
        return None, None
    if start == "":
        first, last = max(0, size - int(end)), size - 1
    else:
        first, last = int(start), min(int(end) if end else size - 1, size - 1)
    if first > last or first >= size:
        return None, None
    return first, last


def _read(handle, remaining: int):
    try:
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()
