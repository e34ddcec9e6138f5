"""One way to answer with a stored file, for the permission-checked and the public media views.

With ``MEDIA_ACCEL_REDIRECT_PREFIX`` set, the view has already decided who may see the file;
it answers with an empty body and ``X-Accel-Redirect: <prefix>/<storage name>`` and nginx
sends the bytes itself from an ``internal`` location (ranges included), so a 2 GB video does
not tie up a gunicorn worker. Unset, the file is streamed through the storage API.
"""
from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def accel_redirect_enabled() -> bool:
    return bool(settings.MEDIA_ACCEL_REDIRECT_PREFIX)


def file_response(field_file, *, content_type: str, filename: str | None = None,
                  as_attachment: bool = False) -> HttpResponse:
    """A response for ``field_file``: streamed, or handed to nginx. Always ``nosniff``."""
    if accel_redirect_enabled():
        response = HttpResponse(b"", content_type=content_type)
        response["X-Accel-Redirect"] = f"{settings.MEDIA_ACCEL_REDIRECT_PREFIX}/{quote(field_file.name)}"
        disposition = content_disposition_header(as_attachment, filename)
        if disposition:
            response["Content-Disposition"] = disposition
    else:
        response = FileResponse(field_file.open("rb"), content_type=content_type, as_attachment=as_attachment,
                                filename=filename or "")
    response["X-Content-Type-Options"] = "nosniff"
    return response
