from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from .models import Venue


def venues_in_order() -> QuerySet[Venue]:
    """Main venue first, then sub-venues, then permanent venues, each by their own order."""
    rank = Case(
        When(kind=Venue.Kind.MAIN, then=Value(0)),
        When(kind=Venue.Kind.SUB, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Venue.objects.select_related("parent").annotate(kind_rank=rank).order_by("kind_rank", "order", "id")
    )


def venue_tree() -> list[tuple[Venue, list[Venue]]]:
    """[(venue, its sub-venues)] with main venues first; orphan sub-venues stand alone. One query."""
    venues = list(venues_in_order())
    children: dict[int, list[Venue]] = {}
    for venue in venues:
        if venue.parent_id:
            children.setdefault(venue.parent_id, []).append(venue)
    known = {venue.pk for venue in venues}
    return [
        (venue, children.get(venue.pk, []))
        for venue in venues
        if not venue.parent_id or venue.parent_id not in known
    ]


def public_venue(*, pk: int) -> Venue:
    return get_object_or_404(Venue.objects.select_related("parent").prefetch_related("sub_venues"), pk=pk)


def events_at(venue_ids: list[int]) -> list[int]:
    """The ids of the public events at these venues or at their sub-venues: what a change of
    the venues may show in (an event's place line, the schedule's venue filter)."""
    # The events' model through the venues' reverse relation: events sit above venues.
    events = Venue._meta.get_field("events").related_model.objects.public()
    return list(
        events.filter(Q(venue__in=venue_ids) | Q(venue__parent__in=venue_ids)).values_list("pk", flat=True)
    )
