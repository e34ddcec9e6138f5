"""Public venue pages: the list (main venue first) and each venue with its events by day."""

from django.utils.translation import gettext as _

from events.context_processors import public_current_week
from events.selectors import public as event_selectors
from venues import selectors

from .. import selectors as public_selectors
from .. import videos, week_snapshot
from ..maps import map_links
from ..subvenues import venue_cities
from .pages import PublicPageView, share_card, week_summary


class VenueListView(PublicPageView):
    template_name = "public/venue/list.html"

    def get_context_data(self, **kwargs):
        week = public_current_week(self.request)
        return {
            **super().get_context_data(**kwargs),
            "tree": selectors.venue_tree(),
            "week": week,
            # Other cities' portals (federation), apart from the local venues: one query.
            "subvenue_cities": venue_cities() if week and week.is_published else [],
        }

    def share_meta(self, context) -> dict:
        week = context["week"]
        description = week_summary(week) if week else _("主会场、分会场和永久会场。")
        return share_card(self.request, title=_("会场"), description=description)


class VenueDetailView(PublicPageView):
    template_name = "public/venue/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venue = selectors.public_venue(pk=self.kwargs["pk"])
        week = public_current_week(self.request)
        events = []
        if week and week.is_published:
            # The week's rows kept at this public version (public.week_snapshot), as on the
            # schedule; while the shared cache is away, the database.
            snapshot = week_snapshot.current(week)
            if snapshot:
                events = videos.mark_relay_times(snapshot.at_venue(venue.pk))
            else:
                events = videos.mark_relays(event_selectors.venue_events(week=week, venue=venue))  # one query
            event_selectors.mark_for_display(events)
        context.update(
            venue=venue,
            week=week,
            # Each event once, under its first day: a three-day exhibition is one row.
            grouped=public_selectors.listed_once_by_day(events),
            sub_venues=list(venue.sub_venues.all()) if venue.kind == venue.Kind.MAIN else [],
            map_links=map_links(venue.address or venue.name, district=venue.district)
            if venue.address
            else [],
        )
        return context

    def share_meta(self, context) -> dict:
        venue = context["venue"]
        place = " ".join(part for part in (venue.district, venue.address) if part)
        return share_card(self.request, title=venue.name, description=place or venue.get_kind_display())
