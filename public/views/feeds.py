"""Calendar feeds, the frab schedule and the JSON API: read-only, cached, CORS open."""

from __future__ import annotations

import orjson
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import View

from core.public_cache import FEED_TIMEOUT
from core.views import PublicCachedMixin
from events.context_processors import current_week
from events.selectors import public as selectors
from venues.models import Venue
from venues.selectors import venues_in_order

from .. import week_snapshot
from ..feeds import api, frab, ics
from .sharing import sees_what_the_public_sees


class FeedView(PublicCachedMixin, View):
    """A feed: kept for ``FEED_TIMEOUT`` (it does not depend on the clock), open to other sites (CORS)."""

    cache_timeout = FEED_TIMEOUT
    cors = True
    http_method_names = ["get", "head", "options"]
    shared_with_signed_in = staticmethod(sees_what_the_public_sees)


def _week(request):
    week = current_week(request)
    if week is None or not week.is_published:
        raise Http404("No published current week")
    return week


def _calendar_response(body: bytes, *, filename: str, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _rows(week, read_without):
    """The week's rows as this process keeps them at the current version (public.week_snapshot:
    every feed's fields), or ``read_without()`` without the shared cache."""
    snapshot = week_snapshot.current(week)
    return snapshot.rows if snapshot else read_without()


class ScheduleIcsView(FeedView):
    def get(self, request, *args, **kwargs):
        week = _week(request)
        # Rows, not model instances (issue 21): ``ics.calendar`` writes either alike.
        events = _rows(week, lambda: selectors.calendar_rows(week=week))
        body = ics.calendar(events, name=week.name, time_zone=week.time_zone, description=week.theme)
        return _calendar_response(body, filename="schedule.ics")


class EventIcsView(FeedView):
    def get(self, request, *args, pk: int, **kwargs):
        event = selectors.public_event(pk=pk)
        body = ics.calendar([event], name=event.full_title, time_zone=event.week.time_zone)
        return _calendar_response(body, filename=f"event-{event.pk}.ics", attachment=True)


class VenueIcsView(FeedView):
    def get(self, request, *args, pk: int, **kwargs):
        venue = get_object_or_404(Venue, pk=pk)
        week = _week(request)
        snapshot = week_snapshot.current(week)
        events = snapshot.at_venue(venue.pk) if snapshot else selectors.venue_events(week=week, venue=venue)
        body = ics.calendar(events, name=f"{week.name} · {venue.name}", time_zone=week.time_zone)
        return _calendar_response(body, filename=f"venue-{venue.pk}.ics")


# The week's feeds read plain rows, not model instances (issue 21: building a thousand events
# with their relations cost more than writing them); the frab schedule names no partner nor
# theme, so it reads neither.


class ScheduleXmlView(FeedView):
    def get(self, request, *args, **kwargs):
        week = _week(request)
        events = _rows(week, lambda: selectors.week_rows(week=week, with_partners=False, with_themes=False))
        body = frab.schedule_xml(events, week=week)
        return HttpResponse(body, content_type="application/xml; charset=utf-8")


class ScheduleFrabJsonView(FeedView):
    def get(self, request, *args, **kwargs):
        week = _week(request)
        events = _rows(week, lambda: selectors.week_rows(week=week, with_partners=False, with_themes=False))
        return _json(frab.schedule_json(events, week=week))


class ApiScheduleView(FeedView):
    def get(self, request, *args, **kwargs):
        week = _week(request)
        snapshot = week_snapshot.current(week)
        if snapshot:
            events, venues = snapshot.rows, snapshot.venues
        else:
            events, venues = selectors.week_rows(week=week), list(venues_in_order())
        data = api.schedule(events, week=week, venues=venues)
        response = _json(data)
        response["X-API-Version"] = api.API_VERSION
        return response


def _json(data) -> HttpResponse:
    """The schedule documents as compact UTF-8 JSON. orjson writes the thousand-event API
    document in under a millisecond where the standard library took 10-16 ms (issue 21);
    anything it does not know (a lazy translation) is written as its text."""
    return HttpResponse(orjson.dumps(data, default=str), content_type="application/json")
