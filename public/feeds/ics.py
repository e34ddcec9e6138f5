"""iCalendar (RFC 5545) feeds built with the icalendar package.

UIDs are ``event-<pk>@<site host>`` so a calendar app that subscribed to the schedule, or
imported one event, updates the entry instead of adding a second one. SEQUENCE grows with
every save of the event (seconds between creation and last change), DTSTAMP and
LAST-MODIFIED are the last change, and a cancelled event carries STATUS:CANCELLED.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar.prop import vUri

from . import event_url, location_of, site_host

PRODID = "-//shuangchuang portal//schedule//ZH"


def calendar(events, *, name: str, time_zone: str, description: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", time_zone)
    if description:
        cal.add("x-wr-caldesc", description)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for event in events:
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()


def _vevent(event) -> VEvent:
    zone = event.week.zone
    item = VEvent()
    item.add("uid", f"event-{event.pk}@{site_host()}")
    item.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    item.add("last-modified", event.updated_at.astimezone(dt.UTC))
    item.add("created", event.created_at.astimezone(dt.UTC))
    item.add("sequence", max(0, int((event.updated_at - event.created_at).total_seconds())))
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    item.add("summary", event.full_title)
    item.add("location", location_of(event))
    url = event_url(event)
    item.add("url", vUri(url))
    lines = [f"{event.get_form_display()} · {event.host.name}"]
    if event.description:
        lines.append(event.description)
    if event.live_url:
        lines.append(event.live_url)
    if event.status == event.Status.CANCELLED:
        lines.insert(0, event.cancel_reason)
    lines.append(url)
    item.add("description", "\n\n".join(lines))
    item.add("categories", [event.get_form_display()])
    item.add("status", "CANCELLED" if event.status == event.Status.CANCELLED else "CONFIRMED")
    if event.venue.latitude is not None and event.venue.longitude is not None and event.venue_id:
        item.add("geo", (float(event.venue.latitude), float(event.venue.longitude)))
    return item
