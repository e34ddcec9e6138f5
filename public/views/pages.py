"""Public pages: home, schedule, event page, archive. Thin: selectors read, templates show.

Every page is cached for anonymous visitors (``PublicCachedMixin``): a cached copy keyed by
the public version and the language (see ``core.public_cache``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from core.public_cache import FEED_TIMEOUT
from core.views import PublicCachedMixin
from events.context_processors import current_week, public_current_week
from events.selectors import public as selectors
from submissions.selectors.public_media import public_media
from venues.selectors import venues_in_order

from .. import selectors as public_selectors
from ..feeds import absolute
from ..maps import map_links

UPCOMING_LIMIT = 6
ARCHIVE_GALLERY_LIMIT = 60


class PublicPageView(PublicCachedMixin, TemplateView):
    http_method_names = ["get", "head"]


class HomeView(PublicPageView):
    """The current week: title, theme and dates, what is on today and next, the venues."""

    template_name = "public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        week = public_current_week(self.request)
        context["week"] = week
        if week is not None:
            today = week.today()
            now = timezone.now()
            context.update(
                today=today,
                today_events=selectors.mark_for_display(
                    selectors.public_events_on(week=week, day=today), now=now
                ),
                upcoming_events=selectors.mark_for_display(
                    selectors.public_events_from(week=week, moment=now, limit=UPCOMING_LIMIT), now=now
                ),
                venues=venues_in_order(),
                phase=_phase(week, today),
                days_to_go=(week.starts_on - today).days,
            )
        return context


def _phase(week, today) -> str:
    if today < week.starts_on:
        return "before"
    if today > week.ends_on:
        return "after"
    return "running"


class ScheduleView(PublicPageView):
    """One tab per day; filters by venue, form, theme and a search box, all in the URL."""

    template_name = "public/schedule.html"
    cache_params = selectors.ScheduleFilters.PARAMS

    def get(self, request, *args, **kwargs):
        week = current_week(request)
        if week is None or not week.is_published:
            return render(request, "public/no_week.html", status=404)
        return self.render_to_response(self.schedule_context(week))

    def schedule_context(self, week) -> dict:
        event_days = selectors.days_with_events(week=week)
        today = week.today()
        default_day = today if today in event_days else (event_days[0] if event_days else week.starts_on)
        filters = selectors.ScheduleFilters.from_query(self.request.GET, week=week, default_day=default_day)
        events = selectors.mark_for_display(selectors.schedule_events(week=week, filters=filters))
        tab_days = sorted(set(event_days) | ({filters.day} if filters.day else set()))
        return self.get_context_data(
            week=week,
            filters=filters,
            events=events,
            grouped=selectors.group_by_day(events, week=week) if filters.all_days else None,
            day_tabs=[
                {
                    "day": day,
                    "url": "?" + urlencode(filters.as_params(day=day.isoformat())),
                    "active": not filters.all_days and day == filters.day,
                    "is_today": day == today,
                }
                for day in tab_days
            ],
            all_days_url="?" + urlencode(filters.as_params(day="all")),
            reset_url="?" + urlencode({"day": "all" if filters.all_days else filters.day.isoformat()}),
            choices=selectors.filter_choices(week=week),
        )


class EventDetailView(PublicPageView):
    template_name = "public/event_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = selectors.public_event(pk=self.kwargs["pk"])
        selectors.mark_for_display([event])
        where = event.address or event.place
        context.update(
            event=event,
            week=event.week,
            media=public_media(event=event),
            map_links=map_links(where, district=event.venue.district),
            page_url=absolute(reverse("event_detail", args=[event.pk])),
            partners=list(event.partners.all()),
        )
        return context


class EventQrView(PublicCachedMixin, View):
    """An SVG QR code of the event page's address, for posters."""

    cache_timeout = FEED_TIMEOUT
    http_method_names = ["get", "head"]

    def get(self, request, *args, pk: int, **kwargs):
        event = selectors.public_event(pk=pk)
        image = qrcode.make(
            absolute(reverse("event_detail", args=[event.pk])),
            image_factory=qrcode.image.svg.SvgPathFillImage,
            box_size=10,
            border=2,
        )
        response = HttpResponse(image.to_string(), content_type="image/svg+xml")
        response["Content-Disposition"] = f'inline; filename="event-{event.pk}-qr.svg"'
        return response


class ArchiveView(PublicPageView):
    """Past weeks, each with its schedule and public photos and videos (seed 001's 档案馆)."""

    template_name = "public/archive.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "weeks": public_selectors.archive_weeks()}


class ArchiveWeekView(PublicPageView):
    template_name = "public/archive_week.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        week = selectors.public_week(pk=self.kwargs["pk"])
        events = selectors.week_events(week=week)
        context.update(
            week=week,
            grouped=selectors.group_by_day(events, week=week),
            event_count=len(events),
            media=public_media(week=week, limit=ARCHIVE_GALLERY_LIMIT),
        )
        return context
