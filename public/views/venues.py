"""Public venue pages: the list (main venue first) and each venue with its events by day."""

from events.context_processors import public_current_week
from events.selectors import public as event_selectors
from venues import selectors

from ..maps import map_links
from .pages import PublicPageView


class VenueListView(PublicPageView):
    template_name = "public/venue/list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "tree": selectors.venue_tree()}


class VenueDetailView(PublicPageView):
    template_name = "public/venue/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venue = selectors.public_venue(pk=self.kwargs["pk"])
        week = public_current_week(self.request)
        events = event_selectors.venue_events(week=week, venue=venue) if week and week.is_published else []
        context.update(
            venue=venue,
            week=week,
            grouped=event_selectors.group_by_day(events, week=week) if events else [],
            sub_venues=list(venue.sub_venues.all()) if venue.kind == venue.Kind.MAIN else [],
            map_links=map_links(venue.address or venue.name, district=venue.district)
            if venue.address
            else [],
        )
        return context
