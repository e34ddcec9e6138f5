"""Serving uploaded files only to those allowed to see them, never from a guessable path."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from ..models import MediaFile
from ..serving import file_response

INLINE_TYPES = {"JPEG": "image/jpeg", "mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}


@require_GET
def serve(request, pk: int, variant: str):
    media = get_object_or_404(MediaFile.objects.select_related("report__event__week"), pk=pk)
    if not request.user.has_perm("submissions.see_media", media):
        raise Http404
    if variant == "preview":
        if not media.preview:
            raise Http404
        response = file_response(media.preview, content_type="image/jpeg")
    elif variant == "original":
        response = _original(media)
    else:
        raise Http404
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _original(media: MediaFile):
    content_type = _checked_type(media)
    if content_type:
        return file_response(media.file, content_type=content_type, filename=media.original_name)
    # Anything not proven to be the image or video it claims is only ever downloaded.
    return file_response(media.file, content_type="application/octet-stream", filename=media.original_name,
                         as_attachment=True)


def _checked_type(media: MediaFile) -> str | None:
    if media.status != MediaFile.Status.PASSED:
        return None
    if media.kind == MediaFile.Kind.PHOTO:
        return "image/jpeg"
    container = (media.detected_format or "").split(",")[0]
    return INLINE_TYPES.get(container, "video/mp4" if "mp4" in (media.detected_format or "") else None)
