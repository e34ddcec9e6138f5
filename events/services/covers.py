"""Web versions of an event's cover: JPEGs 400, 800 and 1600 pixels wide beside the original
(``core.image_versions`` makes them; this module says when, and records them on the event).

An organizer may upload a 9000-pixel photo; phones get a version of about their width through
``srcset``, and the original is kept. A worker makes the versions (``cover_versions_make``)
once a new cover is saved (``cover_versions_schedule``, called by the services that set a
cover) and records them on ``Event.cover_versions`` in ``core.image_versions``' record form;
versions made for another cover (it changed and the worker has not run yet) are not used.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from core import image_versions
from core.dispatch import try_enqueue
from core.image_versions import ImageVersion
from core.public_cache import bump_public_version_after_commit

from ..models import Event

COVER_WIDTHS = image_versions.WIDTHS
# What the form accepts (events/forms.py); a larger cover stored another way gets no versions.
COVER_MAX_PIXELS = image_versions.MAX_PIXELS
TASK_NAME = "events.make_cover_versions"
CoverVersion = ImageVersion


def current_cover_versions(event: Event) -> dict[int, CoverVersion]:
    """The web versions of ``event``'s current cover by slot (400, 800, 1600), smallest first;
    empty while they are not made yet (or the event has no cover)."""
    return image_versions.recorded_versions(event.cover_versions, event.cover.name or "")


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

    A cover that cannot be decoded, or is larger than ``COVER_MAX_PIXELS``, gets no versions.
    Side effects: version files stored; ``Event.cover_versions`` updated, unless the cover
    changed meanwhile (then the new files are deleted again: the newer cover has its own run);
    after commit, the files of the versions replaced deleted and, for a public event,
    ``bump_public_version()`` (its cached pages name the new versions). Returns the versions
    now recorded."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return {}
    source = event.cover.name or ""
    if (event.cover_versions or {}).get("source", "") == source:
        return current_cover_versions(event)
    made = image_versions.make_versions(event.cover.storage, source) if source else []
    return _record(event_id=event_id, source=source, made=made)


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
        old_names = set(image_versions.version_names(recorded))
        event.cover_versions = image_versions.versions_record(source, made)
        Event.objects.filter(pk=event_id).update(cover_versions=event.cover_versions)
        for name in old_names - new_names:
            transaction.on_commit(partial(storage.delete, name), robust=True)
        if event.is_public and event.week.is_published:
            bump_public_version_after_commit(events=[event.pk])
    return current_cover_versions(event)
