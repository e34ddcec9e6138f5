"""The portal's own JSON schedule (``/api/schedule.json``), documented in docs/api.md.

``api_version`` changes only when a field is removed or changes meaning; new fields may
appear at any time and clients should ignore what they do not know.

Written from the rows of ``events.selectors.public.week_rows``; the place line of each venue and place, the
page address and the zone are worked out once per file, not once per event (issue 21).
"""

from __future__ import annotations

from django.utils.translation import get_language

from events.models import Event, compose_full_title

from ..places import where
from ..week_snapshot import kept
from . import LocalTimes, absolute, event_url_template

API_VERSION = "1.0"


def schedule(events, *, week, venues) -> dict:
    """The document for ``events`` (``week_rows`` with partners and themes) of ``week``."""
    used_venue_ids = {event.venue_id for event in events}
    return {
        "api_version": API_VERSION,
        "week": {
            "id": week.pk,
            "name": week.name,
            "unified_title": week.unified_title,
            "theme": week.theme,
            "starts_on": week.starts_on.isoformat(),
            "ends_on": week.ends_on.isoformat(),
            "time_zone": week.time_zone,
            "url": absolute("/schedule/"),
        },
        "forms": [{"id": event_form, "name": str(label)} for event_form, label in events_forms()],
        "venues": [_venue(venue) for venue in venues if venue.pk in used_venue_ids or venue.kind == "main"],
        "events": _events(events, week),
    }


def events_forms():
    return Event.Form.choices


def _venue(venue) -> dict:
    return {
        "id": venue.pk,
        "name": venue.name,
        "kind": venue.kind,
        "parent_id": venue.parent_id,
        "district": venue.district,
        "address": venue.address,
        "latitude": float(venue.latitude) if venue.latitude is not None else None,
        "longitude": float(venue.longitude) if venue.longitude is not None else None,
        "url": absolute(f"/venues/{venue.pk}/"),
    }


def _events(events, week) -> list[dict]:
    times = LocalTimes(week.zone)
    unified_title = week.unified_title
    page_url = event_url_template()
    events_prefix = absolute("/events/")
    cancelled = Event.Status.CANCELLED
    lines: dict[tuple, str] = {}  # the place line of each (kind, venue, place)
    # What an event's object depends on beyond the event; a row kept across requests keeps its
    # object under it (public.week_snapshot.kept).
    context = ("api", get_language(), week.time_zone, unified_title, page_url, events_prefix)

    def item(event) -> dict:
        place_key = (event.place_kind, event.venue_id, event.place)
        line = lines.get(place_key)
        if line is None:
            line = lines[place_key] = where(event).line()
        host = event.host_name
        units = [{"role": "host", "name": host}]
        if event.partners:
            units += [{"role": role, "name": name} for role, name in event.partners]
        return {
            "id": event.pk,
            "title": compose_full_title(unified_title, event.subtitle),
            "subtitle": event.subtitle,
            "form": event.form,
            "themes": event.themes,
            "place_kind": event.place_kind,
            "venue_id": event.venue_id,
            "place": event.place,
            "where": line,
            "online_url": event.online_url or None,
            "address": event.address,
            "starts_at": times[event.starts_at],
            "ends_at": times[event.ends_at],
            "host": host,
            "hosts": [host, *event.co_host_names],
            "units": units,
            # "The live stream or replay link", as before the two were separate fields.
            "live_url": event.live_url or event.recording_url or None,
            "status": event.status,
            "cancel_reason": event.cancel_reason if event.status == cancelled else None,
            "description": event.description,
            "url": page_url.format(event.pk),
            "ics_url": f"{events_prefix}{event.pk}.ics",
            "updated_at": times[event.updated_at],
        }

    return [kept(event, context, lambda event=event: item(event)) for event in events]
