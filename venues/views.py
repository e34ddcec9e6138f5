from django.shortcuts import get_object_or_404, render

from events.context_processors import current_week
from events.selectors.public import public_events

from .models import Venue
from .selectors import venues_in_order


def venue_list(request):
    return render(request, "venues/venue/list.html", {"venues": venues_in_order()})


def venue_detail(request, pk: int):
    venue = get_object_or_404(Venue.objects.select_related("parent"), pk=pk)
    week = current_week(request)
    events = public_events(week=week).filter(venue=venue) if week else []
    return render(
        request,
        "venues/venue/detail.html",
        {"venue": venue, "events": events, "sub_venues": venue.sub_venues.all()},
    )
