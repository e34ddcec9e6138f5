"""How a media file is described to the report page's script and to templates."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from .media.reasons import reason_message
from .models import MediaFile


def reason_messages(media: MediaFile) -> list[str]:
    return [reason_message(reason.get("code", ""), reason.get("params", {})) for reason in media.reasons]


def media_as_json(media: MediaFile) -> dict:
    return {
        "id": media.pk,
        "kind": media.kind,
        "name": media.original_name,
        "caption": media.caption,
        "status": media.status,
        "status_label": str(media.get_status_display()),
        "reasons": reason_messages(media),
        "width": media.width,
        "height": media.height,
        "duration": media.duration,
        "preview_url": reverse("media_files:serve", args=[media.pk, "preview"]) if media.preview else "",
        "file_url": reverse("media_files:serve", args=[media.pk, "original"]),
    }


def media_card(media: MediaFile, *, editable: bool, request) -> dict:
    """The file as the report page's script knows it, with its card rendered as the page
    renders it (an upload's answer, a resumable upload's end, the list reconciled)."""
    html = render_to_string(
        "submissions/organizer/report/_media_item.html",
        {"media": media, "editable": editable},
        request=request,
    )
    return {**media_as_json(media), "html": html}
