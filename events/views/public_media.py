"""Photos and videos the office made public, served through the storage API.

Only files with ``is_public`` and a passed check, of public events, are served; MEDIA_URL is
never linked. Videos answer single byte ranges (206), which iOS and WeChat's browser need to
play and seek them.
"""
from __future__ import annotations

import mimetypes
import re

import rules
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from submissions.serving import accel_redirect_enabled, file_response

from ..models import Event
from ..selectors import public as selectors

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024
CACHE_CONTROL = "public, max-age=300"
# A file only some signed-in people may see (a cover of an unpublished event): no shared cache.
PRIVATE_CACHE_CONTROL = "private, max-age=300"


@require_safe
def media_file(request, pk: int):
    media = selectors.public_media_file(pk=pk)
    return _serve(request, media.file)


@require_safe
def media_preview(request, pk: int):
    media = selectors.public_media_file(pk=pk)
    if media.preview:
        return _serve(request, media.preview)
    if media.kind == media.Kind.PHOTO:
        return _serve(request, media.file)
    raise Http404("No preview for this video")


@require_safe
def event_cover(request, pk: int):
    """An event's cover image, to whoever may see the event (the public once it is published)."""
    event = get_object_or_404(Event.objects.select_related("week"), pk=pk)
    if not event.cover or not rules.test_rule("events.see_event", request.user, event):
        raise Http404("No cover")
    is_public = event.is_public and event.week.is_published
    return _serve(request, event.cover, cache_control=CACHE_CONTROL if is_public else PRIVATE_CACHE_CONTROL)


def _serve(request, field, *, cache_control: str = CACHE_CONTROL):
    if not field:
        raise Http404("No file")
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    if accel_redirect_enabled():
        # nginx answers Range requests itself for the file it is handed.
        return _common(cache_control, file_response(field, content_type=content_type))
    size = field.size
    match = _RANGE.match(request.META.get("HTTP_RANGE", ""))
    if match and size:
        first, last = _range_bounds(match, size)
        if first is None:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return _common(cache_control, response)
        handle = field.open("rb")
        handle.seek(first)
        response = StreamingHttpResponse(_read(handle, last - first + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
        return _common(cache_control, response)
    return _common(cache_control, file_response(field, content_type=content_type))


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


def _common(cache_control: str, response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = cache_control
    return response
