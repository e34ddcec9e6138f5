"""The portal's own JSON schedule (``/api/schedule.json``), documented in docs/api.md.

``api_version`` changes only when a field is removed or changes meaning; new fields may
appear at any time and clients should ignore what they do not know.
"""

from __future__ import annotations

from events.models import Event

from ..places import where
from . import absolute, event_url, units_of

API_VERSION = "1.0"


def schedule(events, *, week, venues) -> dict:
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
        "events": [_event(event) for event in events],
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


def _event(event) -> dict:
    zone = event.week.zone
    return {
        "id": event.pk,
        "title": event.full_title,
        "subtitle": event.subtitle,
        "form": event.form,
        "themes": [theme.name for theme in event.themes.all()],
        "place_kind": event.place_kind,
        "venue_id": event.venue_id,
        "place": event.place,
        "where": where(event).line(),
        "online_url": event.online_url or None,
        "address": event.address,
        "starts_at": event.starts_at.astimezone(zone).isoformat(),
        "ends_at": event.ends_at.astimezone(zone).isoformat(),
        "host": event.host.name,
        "hosts": [unit.name for unit in event.hosts],
        "units": units_of(event),
        # "The live stream or replay link", as before the two were separate fields.
        "live_url": event.live_url or event.recording_url or None,
        "status": event.status,
        "cancel_reason": event.cancel_reason if event.status == "cancelled" else None,
        "description": event.description,
        "url": event_url(event),
        "ics_url": absolute(f"/events/{event.pk}.ics"),
        "updated_at": event.updated_at.astimezone(zone).isoformat(),
    }
