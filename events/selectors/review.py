"""Reads for the office's review area."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

from django.db.models import Count, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from venues.models import Venue

from ..models import Event, EventChangeRequest, Organizer, OrganizerApplication
from .organizer import with_pending_change
from .public import with_partners, with_relations


def submitted_events() -> QuerySet[Event]:
    """The review queue: submitted events, oldest submission first."""
    return with_relations(Event.objects.filter(status=Event.Status.SUBMITTED)).order_by("updated_at", "id")


def pending_change_requests() -> QuerySet[EventChangeRequest]:
    return (
        EventChangeRequest.objects.filter(status=EventChangeRequest.Status.PENDING)
        .select_related("event__host", "event__venue", "event__week", "requested_by")
        .order_by("requested_at", "id")
    )


def events_by_status(*, status: str = "") -> QuerySet[Event]:
    queryset = with_pending_change(with_relations(Event.objects.all())).order_by("starts_at", "id")
    return queryset.filter(status=status) if status else queryset


def event_for_review(*, pk: int) -> QuerySet[Event]:
    return (
        with_partners(with_relations(Event.objects.all()))
        .select_related("reporter")
        .prefetch_related(
            "history__by",
            "change_requests__requested_by",
            "change_requests__decided_by",
        )
        .filter(pk=pk)
    )


def venue_names(ids) -> dict[int, str]:
    return dict(Venue.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))


def organizers_with_counts() -> QuerySet[Organizer]:
    return Organizer.objects.annotate(
        member_count=Count("memberships", distinct=True), event_count=Count("events", distinct=True)
    ).order_by("name")


def organizer_detail(*, pk: int) -> QuerySet[Organizer]:
    return Organizer.objects.prefetch_related("memberships__user", "invitations").filter(pk=pk)


def pending_applications() -> QuerySet[OrganizerApplication]:
    return OrganizerApplication.objects.filter(status=OrganizerApplication.Status.PENDING).order_by(
        "created_at"
    )


def decided_applications(*, limit: int = 20) -> QuerySet[OrganizerApplication]:
    return (
        OrganizerApplication.objects.exclude(status=OrganizerApplication.Status.PENDING)
        .select_related("decided_by", "organizer")
        .order_by("-decided_at")[:limit]
    )


# Translated when shown (``with_diffs``); the catalogue holds each label.
CHANGE_LABELS = {
    "subtitle": "标题",
    "place_kind": "地点类型",
    "venue": "会场",
    "place": "活动地点",
    "address": "详细地址",
    "online_url": "线上参与链接",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "live_url": "直播链接",
    "recording_url": "回放链接",
    "description": "活动简介",
    "cover": "封面图",
}


def with_diffs(change_requests) -> list[EventChangeRequest]:
    """Give each change request ``rows``: (label, approved value, proposed value) per changed field.

    Values are plain text (a description whole, with its line breaks; a cover by the file
    name it is stored under), for templates to escape. Venue names are read for all requests
    at once, so a list costs one extra query.
    """
    requests = list(change_requests)
    ids = {cr.proposed.get("venue") for cr in requests} | {cr.previous.get("venue") for cr in requests}
    names = venue_names(ids) if requests else {}

    def shown(field, value):
        if field == "venue":
            return names.get(value, "—")
        if field == "place_kind" and value:
            return str(Event.PlaceKind(value).label) if value in Event.PlaceKind.values else value
        if field in ("starts_at", "ends_at") and value:
            return formats.date_format(timezone.localtime(dt.datetime.fromisoformat(value)), "Y-m-d H:i")
        if field == "cover" and value:
            return PurePosixPath(value).name
        return value or "—"

    for cr in requests:
        cr.rows = [
            (_(label), shown(field, cr.previous.get(field)), shown(field, cr.proposed.get(field)))
            for field, label in CHANGE_LABELS.items()
            if cr.previous.get(field) != cr.proposed.get(field)
        ]
    return requests
