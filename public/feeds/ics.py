"""iCalendar (RFC 5545) feeds built with the icalendar package.

An event that runs over several days is one VEVENT per day with that day's own times, the
same daily slots as the frab schedule (``frab.slots``): daily from its start to its end time
when those make a window (科普日, Monday to Friday 09:00–17:00, is five entries, not one
blocking every night), otherwise from the start to midnight, whole days, and midnight to the
end. A one-day event is one VEVENT.

UIDs: the first (or only) day of event ``pk`` is ``event-<pk>@<site host>``, day ``n`` after
it ``event-<pk>-<n>@<site host>`` (n = 1, 2, …: the frab slot ``n``, id ``pk * 100 + n``).
So a calendar app that subscribed to the schedule, or imported one event, updates each entry
instead of adding a second one, and an entry from before events were split by day (one
VEVENT of ``event-<pk>``) becomes the first day. SEQUENCE grows with every save of the event
(seconds between creation and last change), DTSTAMP and LAST-MODIFIED are the last change,
and a cancelled event carries STATUS:CANCELLED on every day.

Text is cleaned on the way out, whatever is stored: one-line properties (the calendar name,
SUMMARY, LOCATION, CATEGORIES) get every line break or control character turned into a space,
and the description keeps its line breaks (escaped by icalendar) but loses other controls, so
an old subtitle or venue name with a "\\n" in it still makes a valid file.
"""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar.prop import vUri

from ..places import location_line
from . import event_url, site_host
from .frab import slots

PRODID = "-//shuangchuang portal//schedule//ZH"
# Category Cc and the Unicode line/paragraph separators; a run of them becomes one space.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# In multi-line text only LF stays (icalendar writes it as \n); TAB is allowed by RFC 5545.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    """Text for a one-line property: line breaks and control characters become a space."""
    return _BREAKS.sub(" ", text or "").strip()


def multi_line(text: str) -> str:
    """Text for DESCRIPTION: CRLF, CR and the Unicode separators become LF, other controls go."""
    text = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text or "")
    return _CONTROLS.sub("", text)


def calendar(events, *, name: str, time_zone: str, description: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(name))
    cal.add("x-wr-timezone", time_zone)
    if description:
        cal.add("x-wr-caldesc", one_line(description))
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for event in events:
        for slot in slots(event, event.week.zone):
            cal.add_component(_vevent(event, slot))
    cal.add_missing_timezones()
    return cal.to_ical()


def uid(event, number: int = 0) -> str:
    """The UID of the event's day ``number`` (0: the first or only one); see the module docstring."""
    suffix = f"-{number}" if number else ""
    return f"event-{event.pk}{suffix}@{site_host()}"


def _vevent(event, slot) -> VEvent:
    item = VEvent()
    item.add("uid", uid(event, slot.number))
    item.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    item.add("last-modified", event.updated_at.astimezone(dt.UTC))
    item.add("created", event.created_at.astimezone(dt.UTC))
    item.add("sequence", max(0, int((event.updated_at - event.created_at).total_seconds())))
    item.add("dtstart", slot.start)
    item.add("dtend", slot.end)
    # The event's own subtitle: a calendar full of entries starting with the same 35-character
    # unified title shows them all alike. The unified title goes into the description.
    item.add("summary", one_line(event.subtitle))
    item.add("location", one_line(location_line(event)))
    url = event_url(event)
    # An online event's URL is where to take part; the event's page stays in the description.
    online = event.place_kind == event.PlaceKind.ONLINE and event.online_url
    item.add("url", vUri(event.online_url if online else url))
    lines = [event.full_title, f"{event.get_form_display()} · {event.host_names}"]
    if event.description:
        lines.append(event.description)
    if event.online_url:
        lines.append(event.online_url)
    if event.live_url:
        lines.append(event.live_url)
    if event.recording_url and event.recording_url != event.live_url:
        lines.append(event.recording_url)
    if event.status == event.Status.CANCELLED:
        lines.insert(0, event.cancel_reason)
    lines.append(url)
    item.add("description", multi_line("\n\n".join(lines)))
    item.add("categories", [one_line(event.get_form_display())])
    item.add("status", "CANCELLED" if event.status == event.Status.CANCELLED else "CONFIRMED")
    if event.has_venue and event.venue.latitude is not None and event.venue.longitude is not None:
        item.add("geo", (float(event.venue.latitude), float(event.venue.longitude)))
    return item
