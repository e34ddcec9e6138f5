"""云视频: the week's public videos and recordings (``/videos/``), past weeks' (``/videos/<week>/``),
and the beacon that counts plays (``/videos/play/``).

The pages are cached like every public page (``PublicCachedMixin``). The beacon is a POST
that ``static/js/player.js`` sends (``navigator.sendBeacon``) when a video starts playing or a
live relay's page is opened: no cookie is read or set, nothing about the visitor is kept, and
plays are limited per address (``core.ratelimit``) before ``core.view_counts`` counts them.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from core import ratelimit, view_counts
from core.client_ip import client_ip
from core.ratelimit import RateLimit
from events.context_processors import current_week
from events.selectors import public as selectors

from .. import videos, week_snapshot
from .pages import PublicPageView, share_card

# Plays counted per address: a few of one object an hour (a visitor replaying a video), and a
# bound on all objects together. Over either, the play is answered 204 and not counted.
PLAYS_PER_ADDRESS = RateLimit("video-plays-address", 120, 60 * 60)
PLAYS_PER_ADDRESS_AND_OBJECT = RateLimit("video-plays-object", 5, 60 * 60)


class VideosView(PublicPageView):
    """The current week's 云视频, filterable by day, form and venue as the schedule is."""

    template_name = "public/videos.html"
    cache_params = ("day", "venue", "form")

    def get(self, request, *args, **kwargs):
        week = self.week()
        if week is None:
            return render(request, "public/no_week.html", status=404)
        return self.render_to_response(self.videos_context(week))

    def week(self):
        week = current_week(self.request)
        return week if week is not None and week.is_published else None

    def filter_choices(self, week) -> dict:
        # The schedule's, from the week's rows kept at this public version (public.week_snapshot).
        snapshot = week_snapshot.current(week)
        return snapshot.facets[1] if snapshot else selectors.filter_choices(week=week)

    def videos_context(self, week) -> dict:
        # No day chosen: every day (a video is watched after its day, unlike the schedule).
        filters = selectors.ScheduleFilters.from_query(
            {key: self.request.GET.get(key, "") for key in self.cache_params}, week=week, default_day=None
        )
        items = videos.week_videos(week=week, filters=filters)
        return self.get_context_data(
            week=week,
            filters=filters,
            items=items,
            day_tabs=[
                {
                    "day": day,
                    "url": "?" + urlencode(filters.as_params(day=day.isoformat(), q="")),
                    "active": not filters.all_days and day == filters.day,
                }
                for day in week.days
            ],
            all_days_url="?" + urlencode(filters.as_params(day="all", q="")),
            choices=self.filter_choices(week),
            other_weeks=videos.weeks_with_videos(exclude=week),
        )

    def share_meta(self, context) -> dict:
        week = context["week"]
        return share_card(
            self.request,
            title=_("云视频 · %(week)s") % {"week": week.name},
            description=_("活动直播回放和活动视频。"),
        )


class VideosWeekView(VideosView):
    """A past (or any published) week's 云视频: the archive."""

    def week(self):
        return selectors.public_week(pk=self.kwargs["pk"])

    def filter_choices(self, week) -> dict:
        return selectors.filter_choices(week=week)  # a past week's rows are not kept


class PlayForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in videos.VIEW_KINDS])
    id = forms.IntegerField(min_value=1, max_value=2**62)


def same_origin(request) -> bool:
    """The POST comes from one of our pages: browsers send ``Origin`` with every POST (a
    beacon's too), and another site's page cannot forge it."""
    origin = request.headers.get("Origin", "")
    site = urlsplit(settings.SITE_URL)
    allowed = {
        f"{request.scheme}://{request.get_host()}",
        f"{site.scheme}://{site.netloc}",
        *settings.CSRF_TRUSTED_ORIGINS,
    }
    return origin in allowed


# The visitor's pages carry no cookie (so no CSRF token): the beacon is checked by its Origin
# instead, and moves nothing but a count.
@method_decorator(csrf_exempt, name="dispatch")
class ViewBeaconView(View):
    """Count one play. 204 whether counted or not (a play over the limits, or of something
    not public, is simply not counted); 400 for a malformed beacon; 403 from another site
    (or a client that sends no ``Origin``)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not same_origin(request):
            return HttpResponseForbidden()
        form = PlayForm(request.POST)
        if not form.is_valid():
            return HttpResponse(status=400)
        kind, object_id = form.cleaned_data["kind"], form.cleaned_data["id"]
        address = ratelimit.address_key(client_ip(request))
        if ratelimit.spend(PLAYS_PER_ADDRESS, address) and ratelimit.spend(
            PLAYS_PER_ADDRESS_AND_OBJECT, f"{address}|{kind}|{object_id}"
        ):
            week_id = videos.counted_week_id(kind=kind, object_id=object_id)
            if week_id is not None:
                view_counts.record_view(
                    week_id=week_id, kind=kind, object_id=object_id, day=timezone.localdate()
                )
        response = HttpResponse(status=204)
        response["Cache-Control"] = "no-store"
        return response
