"""The photos and videos the public may see: marked public by the office, passed their
checks, of public events of published weeks."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from events.models import Event, Week

from ..models import DailyReport, MediaFile


def _shown(**of) -> QuerySet[MediaFile]:
    """Files the office marked public that passed their checks (of the reports ``of`` says)."""
    return MediaFile.objects.filter(is_public=True, status=MediaFile.Status.PASSED, **of)


def _published_media() -> QuerySet[MediaFile]:
    return _shown(report__event__in=Event.objects.public())


def public_media(*, event: Event | None = None, week: Week | None = None, limit: int | None = None):
    """Photos and videos the office marked public, that passed their checks, of public events."""
    if event is not None and week is None:
        return _event_media(event, limit)
    media = _published_media().select_related("report__event__week")
    if event is not None:
        media = media.filter(report__event=event)
    if week is not None:
        media = media.filter(report__event__week=week)
    media = media.order_by("report__day", "uploaded_at", "id")
    return list(media[:limit] if limit else media)


def has_public_files() -> Exists:
    """An annotation on events: whether any of its files is public and passed (``public_media``
    of a public event reads them)."""
    return Exists(_shown(report__event=OuterRef("pk")))


def _event_media(event: Event, limit: int | None) -> list[MediaFile]:
    """One event's public files. The event at hand says whether it is public (as
    ``Event.objects.public()`` does), so the files are read without joining it and its week
    again, and each is given the event (an event page: half the query's cost was its joins)."""
    if not (event.is_public and event.week.is_published):
        return []
    media = (
        _shown(report__event_id=event.pk)
        .select_related("report")
        .order_by("report__day", "uploaded_at", "id")
    )
    items = list(media[:limit] if limit else media)
    # Given as the relation's cached value: the event at hand may be its row kept for the
    # week's lists (public.week_snapshot), which reads as the event does.
    report_event = DailyReport._meta.get_field("event")
    for item in items:
        report_event.set_cached_value(item.report, event)
    return items


def public_media_file(*, pk: int) -> MediaFile:
    try:
        return _published_media().get(pk=pk)
    except MediaFile.DoesNotExist:
        raise Http404("No such public media file") from None


def with_public_media_count(weeks: QuerySet[Week]) -> QuerySet[Week]:
    """``weeks`` annotated with ``media_count``, their public media, in the same query."""
    media = _shown(report__event__week=OuterRef("pk"), report__event__status__in=Event.PUBLIC_STATUSES)
    media_count = media.order_by().values("report__event__week").annotate(n=Count("pk")).values("n")[:1]
    return weeks.annotate(media_count=Coalesce(Subquery(media_count), 0))
