"""Public venue pages: the list (main venue first) and each venue with its events by day."""

from django.shortcuts import render

from core.public_cache import public_cached
from events.context_processors import public_current_week
from events.selectors import public as event_selectors
from venues import selectors

from ..maps import map_links


@public_cached()
def venue_list(request):
    return render(request, "public/venue/list.html", {"tree": selectors.venue_tree()})


@public_cached()
def venue_detail(request, pk: int):
    venue = selectors.public_venue(pk=pk)
    week = public_current_week(request)
    events = event_selectors.venue_events(week=week, venue=venue) if week and week.is_published else []
    context = {
        "venue": venue,
        "week": week,
        "grouped": event_selectors.group_by_day(events, week=week) if events else [],
        "sub_venues": list(venue.sub_venues.all()) if venue.kind == venue.Kind.MAIN else [],
        "map_links": map_links(venue.address or venue.name, district=venue.district) if venue.address else [],
    }
    return render(request, "public/venue/detail.html", context)
