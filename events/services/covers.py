"""Web versions of an event's cover: JPEGs 400, 800 and 1600 pixels wide beside the original.

An organizer may upload a 9000-pixel photo; phones get a version of about their width through
``srcset``, and the original is kept. A worker makes the versions (``cover_versions_make``)
once a new cover is saved (``cover_versions_schedule``, called by the services that set a
cover). They are recorded on the event as::

    {"source": "covers/ab12.png",
     "versions": {"400": {"name": "covers/ab12-400w-9f3c0d1e.jpg", "width": 400, "height": 267}, ...}}

Each key is a slot (400, 800, 1600); a slot wider than the cover holds the cover at its own
width (never upscaled) and no wider slot follows. Versions whose ``source`` is not the
event's cover (the cover changed and the worker has not run yet) are not used.

Files are read and written only through the cover field's storage, so S3 works alike.
"""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageCms, ImageOps

from core.dispatch import try_enqueue
from core.public_cache import bump_public_version

from ..models import Event

log = logging.getLogger(__name__)

COVER_WIDTHS = (400, 800, 1600)
# What the form accepts (events/forms.py); a larger cover stored another way gets no versions.
# Pillow's own decompression-bomb limit (Image.MAX_IMAGE_PIXELS) stays in force as well.
COVER_MAX_PIXELS = 50_000_000
JPEG_QUALITY = 82
TASK_NAME = "events.make_cover_versions"

_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class CoverVersion:
    slot: int
    name: str
    width: int
    height: int


def current_cover_versions(event: Event) -> dict[int, CoverVersion]:
    """The web versions of ``event``'s current cover by slot (400, 800, 1600), smallest first;
    empty while they are not made yet (or the event has no cover)."""
    recorded = event.cover_versions or {}
    if not event.cover or recorded.get("source") != event.cover.name:
        return {}
    versions = {}
    for slot, version in sorted(recorded.get("versions", {}).items(), key=lambda item: int(item[0])):
        versions[int(slot)] = CoverVersion(
            slot=int(slot), name=version["name"], width=version["width"], height=version["height"]
        )
    return versions


def cover_versions_schedule(*, event: Event) -> bool:
    """Have a worker make the web versions of ``event``'s (just saved) cover after commit,
    unless they are already recorded for it. A removed cover also schedules the work, which
    then deletes the old versions. Returns whether the work was scheduled.

    Side effects: after commit, task ``events.make_cover_versions`` enqueued."""
    recorded = (event.cover_versions or {}).get("source", "")
    if recorded == (event.cover.name or ""):
        return False
    transaction.on_commit(partial(_enqueue, event_id=event.pk))
    return True


def _enqueue(*, event_id: int) -> None:
    try_enqueue(TASK_NAME, about=f"event {event_id} (cover versions)", event_id=event_id)


def cover_versions_make(*, event_id: int) -> dict[int, CoverVersion]:
    """Make and record the web versions of the event's current cover; safe to run twice.

    Decodes the cover (EXIF orientation applied, converted to sRGB RGB, metadata dropped),
    stores progressive JPEGs beside it and records them on the event, unless the cover changed
    meanwhile (then the new files are deleted again: the newer cover has its own run). A cover
    that cannot be decoded, or is larger than ``COVER_MAX_PIXELS``, gets no versions.

    Side effects: version files stored; ``Event.cover_versions`` updated; after commit, the
    files of the versions replaced deleted and, for a public event, ``bump_public_version()``
    (its cached pages name the new versions). Returns the versions now recorded."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return {}
    source = event.cover.name or ""
    if (event.cover_versions or {}).get("source", "") == source:
        return current_cover_versions(event)
    made = _make_versions(event) if source else []
    return _record(event_id=event_id, source=source, made=made)


def _make_versions(event: Event) -> list[CoverVersion]:
    storage = event.cover.storage
    source = event.cover.name
    with storage.open(source, "rb") as handle:
        try:
            renditions = _render(handle)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            log.warning("event %s: cover %s not decoded (%s); no web versions", event.pk, source, error)
            return []
    path = PurePosixPath(source)
    made = []
    try:
        for slot, image in renditions:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
            # Unique even where a storage overwrites, so two runs for one cover never share a file.
            unique = f"{path.stem}-{image.width}w-{uuid.uuid4().hex[:8]}.jpg"
            name = storage.save(str(path.with_name(unique)), ContentFile(buffer.getvalue()))
            made.append(CoverVersion(slot=slot, name=name, width=image.width, height=image.height))
    except Exception:
        for version in made:
            storage.delete(version.name)
        raise
    return made


def _render(handle) -> list[tuple[int, Image.Image]]:
    """The versions of the image in ``handle`` as (slot, RGB image), smallest first."""
    with Image.open(handle) as image:
        width, height = image.size
        if width * height > COVER_MAX_PIXELS:
            raise ValueError(f"{width}x{height} is more than {COVER_MAX_PIXELS} pixels")
        # A JPEG decodes at a fraction of its size when that is still at least as large as the
        # largest version (in both directions, whichever way the EXIF orientation turns it).
        image.draft("RGB", (COVER_WIDTHS[-1], COVER_WIDTHS[-1]))
        upright = ImageOps.exif_transpose(image)
        rgb = _to_srgb(upright)
    plan = _plan(rgb.width)
    versions = []
    for slot, target in plan:
        target_height = max(1, round(target * rgb.height / rgb.width))
        if (target, target_height) == rgb.size:
            versions.append((slot, rgb))
        else:
            versions.append(
                (slot, rgb.resize((target, target_height), Image.Resampling.LANCZOS, reducing_gap=3.0))
            )
    return versions


def _plan(width: int) -> list[tuple[int, int]]:
    """(slot, width) of each version of an image ``width`` wide: a slot at least as wide as
    the image takes the image's own width, and is the last."""
    plan = []
    for slot in COVER_WIDTHS:
        plan.append((slot, min(slot, width)))
        if width <= slot:
            break
    return plan


def _to_srgb(image: Image.Image) -> Image.Image:
    """``image`` as RGB in sRGB: transparency laid on white, an embedded colour profile applied."""
    profile = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode not in ("RGB", "CMYK"):
        image = image.convert("RGB")
    if profile:
        try:
            return ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _SRGB, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: take the pixels as they are
    return image.convert("RGB") if image.mode != "RGB" else image


def _record(*, event_id: int, source: str, made: list[CoverVersion]) -> dict[int, CoverVersion]:
    storage = Event._meta.get_field("cover").storage
    new_names = {version.name for version in made}
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(of=("self",)).select_related("week").filter(pk=event_id).first()
        )
        recorded = (event.cover_versions or {}) if event else {}
        if event is None or (event.cover.name or "") != source or recorded.get("source", "") == source:
            # The cover changed (or vanished, or another run recorded this one) meanwhile.
            for name in new_names:
                transaction.on_commit(partial(storage.delete, name), robust=True)
            return current_cover_versions(event) if event else {}
        old_names = {version["name"] for version in recorded.get("versions", {}).values()}
        event.cover_versions = {
            "source": source,
            "versions": {str(v.slot): {"name": v.name, "width": v.width, "height": v.height} for v in made},
        }
        Event.objects.filter(pk=event_id).update(cover_versions=event.cover_versions)
        for name in old_names - new_names:
            transaction.on_commit(partial(storage.delete, name), robust=True)
        if event.is_public and event.week.is_published:
            transaction.on_commit(bump_public_version, robust=True)
    return current_cover_versions(event)
