"""Serving uploaded files only to those allowed to see them, never from a guessable path."""

from __future__ import annotations

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import View

from core.serving import file_response

from ..models import MediaFile

# Keyed by the sniffer's labels (``media/sniff.py``), lower-cased; others are only downloaded.
VIDEO_TYPES = {
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
}


class MediaFileView(View):
    """A report's file or its preview, to whoever may see the file (rule ``submissions.see_media``);
    to anybody else it does not exist (404), signed in or not."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, pk: int, variant: str, **kwargs):
        media = get_object_or_404(MediaFile.objects.select_related("report__event__week"), pk=pk)
        if not rules.test_rule("submissions.see_media", request.user, media):
            raise Http404
        if variant == "preview":
            if not media.preview:
                raise Http404
            response = file_response(request, media.preview, content_type="image/jpeg")
        elif variant == "original":
            response = _original(request, media)
        else:
            raise Http404
        response["Cache-Control"] = "private, max-age=3600"
        return response


def _original(request, media: MediaFile):
    content_type = _checked_type(media)
    if content_type:
        return file_response(request, media.file, content_type=content_type, filename=media.original_name)
    # Anything not proven to be the image or video it claims is only ever downloaded.
    return file_response(
        request,
        media.file,
        content_type="application/octet-stream",
        filename=media.original_name,
        as_attachment=True,
    )


def _checked_type(media: MediaFile) -> str | None:
    if media.status != MediaFile.Status.PASSED:
        return None
    if media.kind == MediaFile.Kind.PHOTO:
        return "image/jpeg"
    return VIDEO_TYPES.get((media.detected_format or "").strip().lower())
