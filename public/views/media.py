"""Photos and videos the office made public, served through the storage API.

Only files with ``is_public`` and a passed check, of public events, are served; MEDIA_URL is
never linked. A video is served only as its web versions (``?v=720``, ``?v=360``,
``?v=preview``; H.264 MP4s, see ``submissions.services.renditions``), never as the
organizer's original; until they are made the video is not served at all (the gallery says
"视频处理中"). Videos answer single byte ranges (206), which iOS and WeChat's browser need to
play and seek them.
"""

from __future__ import annotations

import mimetypes

import rules
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import View

from core import image_versions
from core.serving import file_response
from events.models import Event
from events.services import current_cover_versions
from submissions.selectors.public_media import public_media_file

CACHE_CONTROL = "public, max-age=300"
# A file only some signed-in people may see (a cover of an unpublished event): no shared cache.
PRIVATE_CACHE_CONTROL = "private, max-age=300"


class PublicFileView(View):
    http_method_names = ["get", "head"]


class PublicMediaView(PublicFileView):
    def get(self, request, *args, pk: int, **kwargs):
        media = public_media_file(pk=pk)
        if media.kind == media.Kind.VIDEO:
            # Web versions are public for good: they may come from MEDIA_PUBLIC_BASE_URL (a CDN).
            return _serve(request, _web_version(media, request.GET.get("v", "")), public=True)
        return _serve(request, media.file)


class PublicMediaPreviewView(PublicFileView):
    """A photo's thumbnail; a video's poster (the web versions' own, else the check's frame)."""

    def get(self, request, *args, pk: int, **kwargs):
        media = public_media_file(pk=pk)
        if media.kind == media.Kind.VIDEO and media.web_poster_name:
            return _serve(request, FieldFile(media, media.file.field, media.web_poster_name))
        if media.preview:
            return _serve(request, media.preview)
        if media.kind == media.Kind.PHOTO:
            return _serve(request, media.file)
        raise Http404("No preview for this video")


def _web_version(media, slot: str) -> FieldFile:
    """The web version ``slot`` of a video ("720", "360", "preview"; the largest by default)."""
    versions = media.web_versions
    if not versions:
        raise Http404("The web versions of this video are not made yet")
    if slot not in versions:
        sizes = [key for key in versions if key.isdigit()]
        slot = max(sizes, key=int) if sizes else ""
    if not slot:
        raise Http404("No such version")
    return FieldFile(media, media.file.field, versions[slot]["name"])


class EventCoverView(PublicFileView):
    """An event's cover image, to whoever may see the event (the public once it is published).

    ``?w=400``, ``800`` or ``1600`` asks for that web version of the cover (events/services/
    covers.py); while it is not made (or the cover is smaller than the slot) the original is
    served."""

    def get(self, request, *args, pk: int, **kwargs):
        event = get_object_or_404(Event.objects.select_related("week"), pk=pk)
        if not event.cover or not rules.test_rule("events.see_event", request.user, event):
            raise Http404("No cover")
        is_public = event.is_public and event.week.is_published
        cache_control = CACHE_CONTROL if is_public else PRIVATE_CACHE_CONTROL
        return _serve(request, _cover_file(event, request.GET.get("w", "")), cache_control=cache_control)


def _cover_file(event: Event, width: str) -> FieldFile:
    version = image_versions.version_for(current_cover_versions(event), width)
    if version is None:
        return event.cover
    return FieldFile(event, event.cover.field, version.name)


def _serve(request, field, *, cache_control: str = CACHE_CONTROL, public: bool = False):
    if not field:
        raise Http404("No file")
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    # Single byte ranges (206) are answered by the shared helper, by nginx it hands over to,
    # or by the object store it redirects to.
    return _common(cache_control, file_response(request, field, content_type=content_type, public=public))


def _common(cache_control: str, response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = cache_control
    return response
