"""Reads for the public site and feeds, each doing its own joins.

Every function here returns only what the public may see: approved and cancelled events
of published weeks (``Event.objects.public()``), and media the office marked public that
passed its checks. The number of queries never grows with the number of events.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Cast, TruncDate
from django.http import Http404
from django.utils import timezone

from venues.models import Venue
from venues.selectors import venues_in_order

from ..models import Event, EventPartner, Theme, Week


def with_partners(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Prefetch the partners (co-hosts first, in order) with their units and reporters: what
    ``Event.hosts``, ``reporting_unit_ids``, ``reporters`` and ``contacts`` read."""
    return queryset.prefetch_related(
        Prefetch("partners", queryset=EventPartner.objects.select_related("organizer", "reporter"))
    )


def with_relations(queryset: QuerySet[Event]) -> QuerySet[Event]:
    return queryset.select_related("week", "venue", "host").prefetch_related("themes")


def with_public_details(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Relations plus partners (co-hosts, undertaking and co-organizing units), for pages and feeds."""
    return with_relations(queryset).prefetch_related(
        Prefetch("partners", queryset=EventPartner.objects.select_related("organizer"))
    )


def public_events(*, week: Week) -> QuerySet[Event]:
    return with_relations(Event.objects.public_of(week))


# --- The schedule ------------------------------------------------------------------------


@dataclass
class ScheduleFilters:
    """The schedule's filters as they stand in the URL: ?day=&venue=&form=&theme=&q=."""

    # Every query parameter ``from_query`` reads: the schedule's page cache is keyed by these.
    PARAMS: ClassVar[tuple[str, ...]] = ("day", "venue", "form", "theme", "q")

    day: dt.date | None = None
    all_days: bool = False
    venue: int | None = None
    # ?venue=none: the events at no venue (a place typed as text, another city, online).
    no_venue: bool = False
    form: str = ""
    theme: int | None = None
    q: str = ""
    explicit_day: bool = field(default=False, repr=False)

    @classmethod
    def from_query(cls, params, *, week: Week, default_day: dt.date | None) -> ScheduleFilters:
        filters = cls(
            venue=_int_or_none(params.get("venue")),
            no_venue=params.get("venue") == NO_VENUE,
            form=params.get("form", "") if params.get("form", "") in Event.Form.values else "",
            theme=_int_or_none(params.get("theme")),
            q=" ".join(params.get("q", "").split())[:60],
        )
        raw_day = params.get("day", "")
        if raw_day == "all":
            filters.all_days = filters.explicit_day = True
        else:
            try:
                day = dt.date.fromisoformat(raw_day)
            except ValueError:
                day = None
            if day is not None and week.starts_on <= day <= week.ends_on:
                filters.day, filters.explicit_day = day, True
            elif filters.q:
                filters.all_days = True  # a search without a day looks through the whole week
            else:
                filters.day = default_day
                filters.all_days = default_day is None
        return filters

    @property
    def is_filtered(self) -> bool:
        return bool(self.venue or self.no_venue or self.form or self.theme or self.q)

    def as_params(self, **overrides) -> dict:
        """The filters as URL parameters, with some replaced (for day tabs and reset links)."""
        params = {
            "day": "all" if self.all_days else (self.day.isoformat() if self.day else ""),
            "venue": NO_VENUE if self.no_venue else (self.venue or ""),
            "form": self.form,
            "theme": self.theme or "",
            "q": self.q,
        }
        params.update(overrides)
        return {name: value for name, value in params.items() if value not in ("", None)}


NO_VENUE = "none"


def _int_or_none(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def search(queryset: QuerySet[Event], q: str) -> QuerySet[Event]:
    """Every word must appear in the subtitle, the host or a partner unit, the place or venue.

    ``icontains`` works for Chinese partial words on SQLite and PostgreSQL alike (no word
    segmentation needed); words are split on spaces.
    """
    for word in q.split():
        partner_match = EventPartner.objects.filter(event=OuterRef("pk")).filter(
            Q(name__icontains=word) | Q(organizer__name__icontains=word)
        )
        queryset = queryset.filter(
            Q(subtitle__icontains=word)
            | Q(host__name__icontains=word)
            | Q(place__icontains=word)
            | Q(address__icontains=word)
            | Q(venue__name__icontains=word)
            | Q(Exists(partner_match))
        )
    return queryset


def at_place_of_form(events: QuerySet[Event], filters: ScheduleFilters) -> QuerySet[Event]:
    """The venue filter (a venue and its sub-venues, or ``none``: no venue) and the form filter,
    shared by the schedule and 云视频 (public.videos)."""
    if filters.venue:
        events = events.filter(Q(venue_id=filters.venue) | Q(venue__parent_id=filters.venue))
    elif filters.no_venue:
        events = events.filter(venue__isnull=True)
    if filters.form:
        events = events.filter(form=filters.form)
    return events


def schedule_events(*, week: Week, filters: ScheduleFilters) -> QuerySet[Event]:
    events = with_public_details(Event.objects.public_of(week))
    if filters.day and not filters.all_days:
        day_start = week.at(filters.day, dt.time.min)
        events = events.filter(starts_at__lt=day_start + dt.timedelta(days=1), ends_at__gt=day_start)
    events = at_place_of_form(events, filters)
    if filters.theme:
        events = events.filter(themes__id=filters.theme)
    if filters.q:
        events = search(events, filters.q)
    return events.order_by("starts_at", "id")


@dataclass(frozen=True, slots=True)
class VenueName:
    """What the place helpers (``public.places``) read of an event's venue: its name."""

    name: str


@dataclass(eq=False)
class EventRow:
    """An event as a list of many shows or prints it (the schedule's cards, the JSON API, the
    frab schedule): its own fields, its venue and its hosts' names, read with ``values()``.
    Building a thousand model instances with their related objects and prefetched partners
    cost these pages and feeds more than their SQL and their bytes; rows cost about a tenth
    (issue 21). They answer what ``public.places``, ``public.videos.mark_relays``, the event
    cards and the feed writers read of an ``Event`` (``mark_for_display`` marks them alike).

    ``event_rows`` fills the first fields always and the others only when asked (each one
    query, or a column): a reader asks for what it prints."""

    pk: int
    subtitle: str
    status: str
    form: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    changed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    place_kind: str
    place: str
    address: str
    venue_id: int | None
    live_url: str
    online_url: str
    recording_url: str
    cancel_reason: str
    host_name: str  # the lead host's unit
    week: Week
    # The venue (``with_venues``), or just its name read in the same query.
    venue: Venue | VenueName | None
    # ``with_description``; None when not read.
    description: str | None = None
    # The co-hosts' unit names in order (``with_co_hosts`` or ``with_partners``).
    co_host_names: list[str] = field(default_factory=list)
    # (role, name) of every partner in order, co-hosts first (``with_partners``).
    partners: list[tuple[str, str]] = field(default_factory=list)
    # The themes' names in order, and beside them their (order, id) (``with_themes``).
    themes: list[str] = field(default_factory=list)
    theme_keys: list[tuple[int, int]] = field(default_factory=list)
    # ``with_page_facts``: what else the event's page reads, by name: its cover, the record of
    # the cover's web versions as JSON text (``public_event_from_row`` parses it), and the
    # caller's annotations (None when not read).
    page_facts: dict | None = None
    # What it was made of (``event_rows``): its record, its partners' and its themes'.
    source: tuple = ()
    # What lists made of this row, by what else they depend on, for a reader that keeps rows
    # across requests (``public.week_snapshot``; None: nothing is kept). A kept row is never
    # changed in place but for the clock's marks (``mark_for_display``), which the keys name:
    # a changed event is read as a new row.
    memo: dict | None = None

    Status: ClassVar = Event.Status
    PlaceKind: ClassVar = Event.PlaceKind
    VENUE_KINDS: ClassVar = Event.VENUE_KINDS
    # The model's own rules, not copies of them; the days are read by the card and the grouping.
    days = functools.cached_property(Event.days.fget)
    relay_is_hls = property(Event.relay_is_hls.fget)
    full_title = property(Event.full_title.fget)
    has_venue = property(Event.has_venue.fget)
    is_public = property(Event.is_public.fget)
    PUBLIC_STATUSES: ClassVar = Event.PUBLIC_STATUSES

    @property
    def id(self) -> int:
        return self.pk

    @property
    def host_names(self) -> str:
        """The lead host and the co-hosts (read ``with_co_hosts``), as ``Event.host_names``."""
        return "、".join([self.host_name, *self.co_host_names])

    def get_form_display(self) -> str:
        return Event._get_FIELD_display(self, Event._meta.get_field("form"))


# Up to this many events, related rows are asked for by the events' ids (see event_rows).
FEW_ROWS = 100

# The columns of one event, in the order of EventRow's first fields.
_ROW_COLUMNS = (
    "id",
    "subtitle",
    "status",
    "form",
    "starts_at",
    "ends_at",
    "changed_at",
    "created_at",
    "updated_at",
    "place_kind",
    "place",
    "address",
    "venue_id",
    "live_url",
    "online_url",
    "recording_url",
    "cancel_reason",
    "host__name",
)
_VENUE_ID = _ROW_COLUMNS.index("venue_id")


def event_rows(
    events: QuerySet[Event],
    *,
    week: Week,
    with_venues: bool = False,
    with_description: bool = False,
    with_co_hosts: bool = False,
    with_partners: bool = False,
    with_themes: bool = False,
    with_page_facts: dict | None = None,
    venues_read: dict[int, Venue] | None = None,
    earlier: Callable[[int, tuple], EventRow | None] | None = None,
) -> list[EventRow]:
    """``events`` (public events of ``week``, ordered) as ``EventRow``s: one query of the events
    joined with their lead host's name (and their venue's, unless ``with_venues`` reads the
    venues themselves, one query, or takes them from ``venues_read``, the caller's venues by
    id, reading only those it lacks), plus one query for each of ``with_co_hosts`` (the
    co-hosts' names), ``with_partners`` (every partner, co-hosts included) and
    ``with_themes``; none of them when there is no event. The count never grows with the
    number of events. ``with_page_facts``: annotations (name: expression) read with the
    events' query, with the cover, into ``page_facts``.

    Each row keeps what it was made of (``EventRow.source``). ``earlier(pk, source)`` may
    answer a row made of the same before (a reader keeping rows across requests): that row is
    then returned instead of a new one."""
    events = events.prefetch_related(None)
    columns = _ROW_COLUMNS + (() if with_venues else ("venue__name",))
    if with_description:
        columns += ("description",)
    read = events
    fact_names = ()
    if with_page_facts is not None:
        # The record of the cover's versions as its JSON text: only the event's own page reads
        # it (``public_event_from_row`` parses it), not the thousand rows of a list.
        read = events.annotate(cover_versions_text=Cast("cover_versions", TextField()), **with_page_facts)
        fact_names = ("cover", "cover_versions", *with_page_facts)
        columns += ("cover", "cover_versions_text", *with_page_facts)
    facts_at = len(columns) - len(fact_names)
    records = list(read.values_list(*columns))
    if not records:
        return []
    # The related queries name the events by a subquery of the events' own, or, for a few,
    # by their ids (a subquery's SQL costs more to build than a short list to send).
    ids = events.values("pk") if len(records) > FEW_ROWS else [record[0] for record in records]
    venues: dict[int, Venue | VenueName] = {}
    if with_venues and venues_read is not None:
        venues = dict(venues_read)
        lacking = {record[_VENUE_ID] for record in records} - venues.keys() - {None}
        if lacking:
            venues.update((venue.pk, venue) for venue in Venue.objects.filter(pk__in=lacking))
    elif with_venues:
        venues = {venue.pk: venue for venue in Venue.objects.filter(pk__in=events.values("venue_id"))}
    partners: dict[int, list[tuple]] = {}
    if with_partners or with_co_hosts:
        # (role, name, the unit's name): the co-hosts alone are (role, None, name).
        if with_partners:
            related = EventPartner.objects.filter(event__in=ids).values_list(
                "event_id", "role", "name", "organizer__name"
            )
        else:
            related = EventPartner.objects.filter(event__in=ids, role=EventPartner.Role.HOST).values_list(
                "event_id", "role", Value(None, output_field=CharField()), "organizer__name"
            )
        for event_id, *partner in related.order_by("order", "id"):
            partners.setdefault(event_id, []).append(tuple(partner))
    themes: dict[int, list[tuple]] = {}
    if with_themes:
        related = (
            Event.themes.through.objects.filter(event__in=ids)
            .order_by("theme__order", "theme_id")
            .values_list("event_id", "theme_id", "theme__name", "theme__order")
        )
        for event_id, *theme in related:
            themes.setdefault(event_id, []).append(tuple(theme))
    own = len(_ROW_COLUMNS)
    host = EventPartner.Role.HOST
    rows = []
    for record in records:
        pk = record[0]
        source = (record, tuple(partners.get(pk, ())), tuple(themes.get(pk, ())))
        if earlier is not None:
            row = earlier(pk, source)
            if row is not None:
                rows.append(row)
                continue
        venue_id = record[_VENUE_ID]
        venue = None
        if venue_id is not None:
            venue = venues.get(venue_id)
            if venue is None and not with_venues:
                venue = venues[venue_id] = VenueName(record[own])
        description = record[facts_at - 1] if with_description else None
        row = EventRow(*record[:own], week, venue, description, source=source)
        if fact_names:
            row.page_facts = dict(zip(fact_names, record[facts_at:], strict=True))
        for role, name, unit_name in source[1]:
            if with_partners:
                row.partners.append((role, name if unit_name is None else unit_name))
            if role == host:
                row.co_host_names.append(unit_name)
        for theme_id, name, order in source[2]:
            row.themes.append(name)
            row.theme_keys.append((order, theme_id))
        rows.append(row)
    return rows


def schedule_rows(
    *, week: Week, filters: ScheduleFilters, venues_read: dict[int, Venue] | None = None
) -> list[EventRow]:
    """The schedule's events (``schedule_events``) as the cards read them, in three queries
    whatever their number: the events with their lead host's name, the co-hosts' names, the
    venues (none when ``venues_read``, the filter's venues of the week by id, has them all)."""
    return event_rows(
        schedule_events(week=week, filters=filters),
        week=week,
        with_venues=True,
        with_co_hosts=True,
        venues_read=venues_read,
    )


def week_rows(*, week: Week, with_partners: bool = True, with_themes: bool = True) -> list[EventRow]:
    """The week's public events (approved and cancelled) in the schedule's order, as
    ``week_events`` returns them, as rows (``event_rows``) with what the feeds print: their
    description, and unless told not to their partners and themes (a query each)."""
    return event_rows(
        _week_in_order(week),
        week=week,
        with_description=True,
        with_partners=with_partners,
        with_themes=with_themes,
    )


def calendar_rows(*, week: Week) -> list[EventRow]:
    """The week's public events as ``week_rows`` orders them, with what an .ics feed prints:
    the description, the co-hosts' names and the venues (their coordinates), in three queries."""
    return event_rows(
        _week_in_order(week), week=week, with_venues=True, with_description=True, with_co_hosts=True
    )


def _week_in_order(week: Week) -> QuerySet[Event]:
    return Event.objects.public_of(week).order_by("starts_at", "id")


def _spans(week: Week) -> list[tuple]:
    """Each distinct (first day, last day, venue, the venue's parent) of the week's public
    events, in one small query: the database says each event's first and last day in the
    week's zone (as ``Event.days``: an end at midnight closes the day before)."""
    zone = week.zone
    last_instant = ExpressionWrapper(
        F("ends_at") - dt.timedelta(microseconds=1), output_field=DateTimeField()
    )
    return list(
        Event.objects.public_of(week)
        .annotate(
            first_day=TruncDate("starts_at", tzinfo=zone), last_day=TruncDate(last_instant, tzinfo=zone)
        )
        .order_by()
        .values_list("first_day", "last_day", "venue_id", "venue__parent_id")
        .distinct()
    )


def _days_of(spans: list[tuple], week: Week) -> list[dt.date]:
    days: set[dt.date] = set()
    for first, last in {(first, last) for first, last, _venue, _parent in spans}:
        day = first
        while day <= last:
            days.add(day)
            day += dt.timedelta(days=1)
    return [day for day in week.days if day in days]


def _choices_of(spans: list[tuple], week: Week) -> dict:
    venue_ids = {venue for _first, _last, venue, _parent in spans if venue is not None}
    # A sub-venue's main venue is offered too: choosing it lists its sub-venues' events.
    venue_ids |= {parent for _first, _last, venue, parent in spans if parent is not None}
    used_themes = Event.themes.through.objects.filter(event__in=Event.objects.public_of(week))
    return {
        "venues": list(venues_in_order().filter(pk__in=venue_ids)) if venue_ids else [],
        "no_venue": any(venue is None for _first, _last, venue, _parent in spans),
        "themes": list(Theme.objects.filter(pk__in=used_themes.values("theme_id")).order_by("order", "id")),
        "forms": Event.Form.choices,
    }


def filter_choices(*, week: Week) -> dict:
    """The venues and themes that the week's public events use, for the filter form."""
    return _choices_of(_spans(week), week)


def schedule_facets(*, week: Week) -> tuple[list[dt.date], dict]:
    """The week's days on which at least one public event runs, and ``filter_choices``, from one
    read of the events (the schedule shows both): three queries, whatever their number."""
    spans = _spans(week)
    return _days_of(spans, week), _choices_of(spans, week)


def mark_for_display(events, *, now: dt.datetime | None = None) -> list[Event]:
    """Set ``is_live``, ``is_over`` and ``is_changed`` on each event (in Python, no query)."""
    now = now or timezone.now()
    marked = list(events)
    for event in marked:
        approved = event.status == Event.Status.APPROVED
        event.is_live = approved and event.starts_at <= now < event.ends_at
        event.is_over = event.ends_at <= now
        event.is_changed = approved and event.changed_at is not None
    return marked


# --- One event ---------------------------------------------------------------------------


def public_event(*, pk: int, also: dict | None = None) -> Event:
    """The public event ``pk`` with its relations, else 404. ``also`` names annotations that the
    layers above add to the same query (the event page asks whether there are files or
    projects to read, so an event without them costs no query for them)."""
    try:
        return with_public_details(Event.objects.public()).annotate(**(also or {})).get(pk=pk)
    except Event.DoesNotExist:
        raise Http404("No such public event") from None


def public_event_from_row(row: EventRow) -> EventRow:
    """The event of ``public_event`` from its row kept for the week's lists
    (``public.week_snapshot``, which reads the row with its venue, description, partners,
    themes, recording and ``with_page_facts``): a copy, with those facts (the cover, the record
    of its web versions, the caller's annotations) as attributes, as the event has them. No
    query: the row says the event is public at this public version."""
    facts = dict(row.page_facts)
    facts["cover_versions"] = json.loads(facts["cover_versions"])
    event = copy.copy(row)
    event.memo = None  # what lists made of the row is not this page's
    event.cover = FieldFile(None, Event._meta.get_field("cover"), facts.pop("cover"))
    for name, value in facts.items():
        setattr(event, name, value)
    return event


# --- Venues ------------------------------------------------------------------------------


def venue_events(*, week: Week, venue: Venue) -> list[EventRow]:
    """The week's public events at ``venue`` in the schedule's order, as rows with what the
    venue's page and calendar print (description, co-hosts), in three queries;
    ``public.week_snapshot.WeekSnapshot.at_venue`` picks the same from the kept rows."""
    return event_rows(
        _week_in_order(week).filter(venue=venue),
        week=week,
        with_venues=True,
        venues_read={venue.pk: venue},
        with_description=True,
        with_co_hosts=True,
    )


def events_of_units(unit_ids: list[int]) -> list[int]:
    """The ids of the public events whose rows print these units (as the lead host or a
    partner): what a change of the units may show in."""
    events = Event.objects.public().filter(Q(host__in=unit_ids) | Q(partners__organizer__in=unit_ids))
    return list(events.values_list("pk", flat=True).distinct())


def events_tagged(theme_ids: list[int]) -> list[int]:
    """The ids of the public events tagged with these themes: what a change of the themes may
    show in (an event's page, the schedule's theme filter)."""
    return list(Event.objects.public().filter(themes__in=theme_ids).values_list("pk", flat=True).distinct())


# --- Weeks and the archive ---------------------------------------------------------------


def public_week(*, pk: int) -> Week:
    try:
        return Week.objects.filter(is_published=True).get(pk=pk)
    except Week.DoesNotExist:
        raise Http404("No such published week") from None


def archive_weeks_query() -> QuerySet[Week]:
    """Published weeks that may have ended, newest first, with their public event counts.

    Weeks may lie in different zones: the database narrows down (no zone is more than a day
    ahead of UTC); ``ended_weeks`` decides with each week's own date."""
    public_status = Q(events__status__in=Event.PUBLIC_STATUSES)
    latest_end = timezone.now().date() + dt.timedelta(days=1)
    return (
        Week.objects.filter(is_published=True, ends_on__lt=latest_end)
        .annotate(event_count=Count("events", filter=public_status, distinct=True))
        .order_by("-starts_on", "-id")
    )


def ended_weeks(weeks) -> list[Week]:
    """The weeks whose ``ends_on`` lies before today in the week's own zone."""
    return [week for week in weeks if week.ends_on < week.today()]


def week_events(*, week: Week) -> list[Event]:
    return mark_for_display(with_public_details(_week_in_order(week)))
