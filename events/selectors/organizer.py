"""Reads for the organizer area."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from core.roles import organizer_ids

from ..models import Event, EventChangeRequest, Notice
from ..validation import week_range_warnings
from .public import with_partners, with_relations

PENDING = EventChangeRequest.Status.PENDING


def with_pending_change(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Attach ``pending_changes`` (a list with at most one pending change request)."""
    return queryset.prefetch_related(
        Prefetch(
            "change_requests",
            queryset=EventChangeRequest.objects.filter(status=PENDING),
            to_attr="pending_changes",
        )
    )


def unit_events(*, user) -> QuerySet[Event]:
    """Every event the user's units host or report for: the organizer views' base queryset
    (others answer 404). Editing stays the lead host's (rule ``events.edit_event``)."""
    return Event.objects.of_units(organizer_ids(user))


def events_for_units(*, user) -> QuerySet[Event]:
    """The events of every unit the user is a member of, for the organizer dashboard."""
    return with_pending_change(with_relations(unit_events(user=user))).order_by("starts_at", "id")


def event_for_unit_detail(*, user, pk: int) -> QuerySet[Event]:
    return with_pending_change(
        with_partners(with_relations(unit_events(user=user)))
        .select_related("reporter")
        .prefetch_related("history__by")
    ).filter(pk=pk)


def latest_notices(*, user, limit: int = 5) -> list[Notice]:
    return list(Notice.objects.filter(recipient=user, read_at__isnull=True)[:limit])


def notices_for(*, user) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user)


def overlapping_events(*, event: Event) -> QuerySet[Event]:
    """Other live events booked at the same place (venue and place name) at overlapping times.
    (Only events at a venue: "全市各区镇", "广州" or an online event book no room.)"""
    return (
        Event.objects.filter(
            week_id=event.week_id,
            venue_id=event.venue_id,
            place=event.place,
            starts_at__lt=event.ends_at,
            ends_at__gt=event.starts_at,
        )
        .exclude(pk=event.pk)
        .exclude(status=Event.Status.CANCELLED)
        .select_related("host")
    )


def event_warnings(*, event: Event, user) -> list[str]:
    """Things worth a second look, never blocking a save: double bookings, a reporter without e-mail.

    A double booking names the other event only if ``user`` may see it anyway (one of the
    user's units hosts it, or it is public); another unit's unpublished event stays anonymous.
    """
    own_units = organizer_ids(user)
    warnings = [str(w) for w in week_range_warnings(event.week, event.starts_at, event.ends_at)]
    anonymous = False
    for other in overlapping_events(event=event)[:5] if event.has_venue else []:
        if other.host_id in own_units or (other.is_public and event.week.is_published):
            warnings.append(
                _("同一地点“%(place)s”在重叠时间已有活动：%(other)s（%(host)s）。")
                % {"place": event.place, "other": other.subtitle, "host": other.host.name}
            )
        else:
            anonymous = True
    if anonymous:
        warnings.append(_("同一地点“%(place)s”在重叠时间已被其他单位的活动预订。") % {"place": event.place})
    if event.reporter_id and not event.reporter.email:
        warnings.append(
            _("信息报送员 %(name)s 没有邮箱，将收不到报送提醒邮件。") % {"name": event.reporter.display_name}
        )
    return warnings
