"""Reads for the organizer area."""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from ..models import Event, Week
from .public import with_relations


def events_for_units(*, user) -> QuerySet[Event]:
    """The events of every unit the user is a member of, for the organizer dashboard."""
    return with_relations(Event.objects.filter(host__memberships__user=user)).order_by(
        "starts_at", "id"
    )


def status_counts(*, week: Week) -> dict[str, int]:
    counts = Event.objects.filter(week=week).aggregate(
        **{status: Count("id", filter=Q(status=status)) for status in Event.Status.values}
    )
    return counts
