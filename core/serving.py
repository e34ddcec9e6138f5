"""One way to answer with a stored file, for the permission-checked and the public media views.

With ``MEDIA_ACCEL_REDIRECT_PREFIX`` set, the view has already decided who may see the file;
it answers with an empty body and ``X-Accel-Redirect: <prefix>/<storage name>`` and nginx
sends the bytes itself from an ``internal`` location (ranges included), so a 2 GB video does
not tie up a gunicorn worker. Unset, the file is streamed through the storage API, and a
single byte range is answered here (206), which iOS and WeChat's browser need to play and
seek videos.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def accel_redirect_enabled() -> bool:
    return bool(settings.MEDIA_ACCEL_REDIRECT_PREFIX)


def file_response(
    request, field_file, *, content_type: str, filename: str | None = None, as_attachment: bool = False
) -> HttpResponse:
    """A response for ``field_file``: handed to nginx, or streamed (a single ``Range`` asked
    for answered 206, or 416 when it lies outside the file). Always ``nosniff``."""
    disposition = content_disposition_header(as_attachment, filename)
    if accel_redirect_enabled():
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
