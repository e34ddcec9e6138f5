"""Reads of the sources and their events for the public pages and the office."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from core.public_cache import forget_kept, kept_at_version

from .models import RemoteEvent, Source
from .payload import TOTALS_KEYS


def remote_events(
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    city: str = "",
    form: str = "",
    q: str = "",
) -> QuerySet[RemoteEvent]:
    """Events of enabled sources, by start: those running between ``start`` and ``end``
    (either may be None), of one city, of one form, matching every word of ``q``."""
    events = RemoteEvent.objects.filter(source__enabled=True).select_related("source")
    if start is not None:
        events = events.filter(ends_at__gt=start)
    if end is not None:
        events = events.filter(starts_at__lt=end)
    if city:
        events = events.filter(source__city=city)
    if form:
        events = events.filter(form=form)
    for word in q.split():
        events = events.filter(
            Q(title__icontains=word)
            | Q(subtitle__icontains=word)
            | Q(where__icontains=word)
            | Q(host__icontains=word)
            | Q(venue_name__icontains=word)
            | Q(source__city__icontains=word)
        )
    return events.order_by("starts_at", "source__order", "id")


def relayed(*, start: dt.datetime, end: dt.datetime, limit: int) -> list[RemoteEvent]:
    """At most ``limit`` events of enabled sources with a live relay, not cancelled, running
    between ``start`` and ``end`` (the home page's sub-venue relays of today). One query."""
    events = remote_events(start=start, end=end).exclude(live_url="").exclude(status="cancelled")
    return list(events[:limit])


def city_event_counts() -> list[tuple[str, int]]:
    """Each city of the enabled sources with its number of events, in the sources' order.
    One query, whatever the number of events."""
    counts: dict[str, int] = {}
    for city, count in (
        Source.objects.filter(enabled=True)
        .annotate(count=Count("events"))
        .order_by("order", "city", "id")
        .values_list("city", "count")
    ):
        counts[city] = counts.get(city, 0) + count
    return list(counts.items())


def enabled_sources() -> list[Source]:
    """The enabled sources, in their order. One query."""
    return list(Source.objects.filter(enabled=True).order_by("order", "city", "id"))


# The cities are kept in the process at the public version (a source's save in the admin bumps it).
CITIES_KEY = "federation:cities"


def cities() -> list[str]:
    """The cities of the enabled sources, in the sources' order, each once (every schedule page
    asks: kept at the public version, ``core.public_cache.kept_at_version``)."""
    return kept_at_version(CITIES_KEY, _read_cities)


def forget_cities(**_kwargs) -> None:
    """A source saved or deleted in this process (``post_save``, ``post_delete``)."""
    forget_kept(CITIES_KEY)


def _read_cities() -> list[str]:
    seen: dict[str, None] = {}
    for city in (
        Source.objects.filter(enabled=True).order_by("order", "city", "id").values_list("city", flat=True)
    ):
        seen.setdefault(city, None)
    return list(seen)


@dataclass
class CityTotals:
    city: str
    sources: list[Source] = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def totals_by_city() -> tuple[list[CityTotals], dict]:
    """Each city's sources with their last read totals summed (a rate is recomputed from its
    counts), and the sum over every city. A figure no source of a city publishes stays None."""
    rows: dict[str, CityTotals] = {}
    for source in Source.objects.filter(enabled=True).order_by("order", "city", "id"):
        rows.setdefault(source.city, CityTotals(city=source.city)).sources.append(source)
    for row in rows.values():
        row.totals = _summed([source.totals or {} for source in row.sources])
    return list(rows.values()), _summed([row.totals for row in rows.values()])


def _summed(items: list[dict]) -> dict:
    total: dict = {}
    for key in TOTALS_KEYS:
        if key == "report_on_time_rate":
            continue
        values = [item.get(key) for item in items if item.get(key) is not None]
        total[key] = sum(values) if values else None
    due, on_time = total.get("reports_due"), total.get("reports_on_time")
    total["report_on_time_rate"] = round(on_time / due, 4) if due and on_time is not None else None
    return total


def sources_status() -> QuerySet[Source]:
    """Every source, for the office: failing ones first."""
    return Source.objects.order_by("-enabled", "order", "city", "id")
