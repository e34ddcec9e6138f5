"""The week's public events as plain rows, for the JSON API and the frab schedule (issue 21).

``events.selectors.public.week_events`` builds a model instance per event, per partner and
per theme and clones a queryset for every event's prefetched relations: at 1,000 events that
was most of the feeds' time (~2/3), before any byte was written. These feeds print columns,
so they read columns: one query of the events joined with their venue's and host's names,
and (for the API) one of the partners and one of the themes, whatever the number of events.

A ``FeedEvent`` has the attribute names of ``Event`` that ``public.places`` and the writers
read (``place_kind``, ``venue.name``, ``starts_at``, ...), so the place is still said by
``places.where`` and ``places.room``, once for every feed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from events.models import Event, EventPartner, Week

# The columns of one event, in the order of FeedEvent's first fields.
_COLUMNS = (
    "pk",
    "subtitle",
    "form",
    "place_kind",
    "venue_id",
    "place",
    "address",
    "online_url",
    "live_url",
    "recording_url",
    "status",
    "cancel_reason",
    "description",
    "starts_at",
    "ends_at",
    "updated_at",
    "host__name",
    "venue__name",
)


@dataclass(frozen=True, slots=True)
class VenueName:
    """What the place helpers read of an event's venue: its name."""

    name: str


@dataclass(slots=True)
class FeedEvent:
    pk: int
    subtitle: str
    form: str
    place_kind: str
    venue_id: int | None
    place: str
    address: str
    online_url: str
    live_url: str
    recording_url: str
    status: str
    cancel_reason: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    updated_at: dt.datetime
    host_name: str
    venue: VenueName | None
    # The co-hosts' unit names, in order (the lead host is ``host_name``).
    co_host_names: list[str] = field(default_factory=list)
    # (role, name) of every partner in order: co-hosts, undertaking and co-organizing units.
    partners: list[tuple[str, str]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)


def week_feed_events(*, week: Week, with_units: bool = True) -> list[FeedEvent]:
    """The week's public events (approved and cancelled) in the schedule's order, as
    ``week_events`` returns them; ``with_units`` adds partners and themes (two queries)."""
    events = Event.objects.public().filter(week=week)
    venues: dict[int, VenueName] = {}
    rows = []
    for *columns, venue_name in events.order_by("starts_at", "id").values_list(*_COLUMNS):
        venue_id = columns[4]
        venue = None
        if venue_id is not None:
            venue = venues.get(venue_id) or venues.setdefault(venue_id, VenueName(venue_name))
        rows.append(FeedEvent(*columns, venue))
    if not with_units or not rows:
        return rows
    by_pk = {row.pk: row for row in rows}
    public_ids = events.values("pk")
    partners = (
        EventPartner.objects.filter(event__in=public_ids)
        .order_by("order", "id")
        .values_list("event_id", "role", "name", "organizer__name")
    )
    for event_id, role, name, unit_name in partners:
        row = by_pk[event_id]
        row.partners.append((role, name if unit_name is None else unit_name))
        if role == EventPartner.Role.HOST:
            row.co_host_names.append(unit_name)
    themes = (
        Event.themes.through.objects.filter(event__in=public_ids)
        .order_by("theme__order", "theme_id")
        .values_list("event_id", "theme__name")
    )
    for event_id, name in themes:
        by_pk[event_id].themes.append(name)
    return rows
