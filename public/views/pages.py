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
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core.public_cache import FEED_TIMEOUT
from core.views import PublicCachedMixin
from events.context_processors import current_week, public_current_week, remember_current_week
from events.models import Event, EventPartner
from events.selectors import public as selectors
from events.services import current_cover_versions
from exhibits.selectors.public import presented_projects
from submissions.selectors.public_media import public_media
from venues.selectors import venues_in_order

from .. import places, presenters, stats, videos, week_snapshot
from .. import selectors as public_selectors
from ..feeds import absolute
from ..maps import map_links
from ..subvenues import archive_portals, home_relays, schedule_extend
from .sharing import sees_what_the_public_sees

UPCOMING_LIMIT = 6
ARCHIVE_GALLERY_LIMIT = 60
# Chat apps show a card about 500 px wide: the 800 px cover version is sharp and small.
SHARE_COVER_WIDTH = 800


class PublicPageView(PublicCachedMixin, TemplateView):
    """A public page; ``share_meta`` fills the Open Graph and Twitter card of base.html."""

    http_method_names = ["get", "head"]
    shared_with_signed_in = staticmethod(sees_what_the_public_sees)

    def render_to_response(self, context, **response_kwargs):
        # Here, not in get_context_data: the subclasses' context is complete by now.
        context.setdefault("share", self.share_meta(context))
        return super().render_to_response(context, **response_kwargs)

    def share_meta(self, context) -> dict:
        week = context.get("week")
        return share_card(
            self.request,
            title=week.name if week else _("双创周"),
            description=week_summary(week)
            if week
            else _("大众创业万众创新活动周：活动日程、会场和往届档案。"),
        )


def share_card(request, *, title: str, description: str, image: str = "", kind: str = "website") -> dict:
    """What a chat app shows for a link to this page: title, a line of text, a picture.

    URLs are absolute on SITE_URL (readers fetch them from outside, whatever host the request
    named); the page's own address leaves out the query, so a shared filter opens its page.
    """
    return {
        "title": title,
        "description": description,
        "image": image or _absolute_static("img/share.png"),
        "url": absolute(request.path),
        "type": kind,
    }


def _absolute_static(name: str) -> str:
    url = static(name)
    return url if url.startswith(("http://", "https://")) else absolute(url)


def week_summary(week) -> str:
    dates = presenters.date_span(week.starts_on, week.ends_on)
    return _("%(dates)s · 主题：%(theme)s") % {"dates": dates, "theme": week.theme}


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
            # The week's rows kept at this public version (public.week_snapshot), as on the
            # schedule; while the shared cache is away, the database.
            snapshot = week_snapshot.current(week)
            venues = snapshot.venues if snapshot else list(venues_in_order())
            if snapshot:
                today_events = snapshot.schedule(selectors.ScheduleFilters(day=today))
                # From tomorrow on: what runs today is listed under today, once.
                upcoming_events = snapshot.upcoming(after=today, limit=UPCOMING_LIMIT)
                listed = videos.mark_relay_times([*today_events, *upcoming_events], now=now)
            else:
                venues_read = {venue.pk: venue for venue in venues}
                today_events = selectors.schedule_rows(
                    week=week, filters=selectors.ScheduleFilters(day=today), venues_read=venues_read
                )
                upcoming_events = public_selectors.upcoming_events(
                    week=week, after=today, limit=UPCOMING_LIMIT, venues_read=venues_read
                )
                listed = videos.mark_relays([*today_events, *upcoming_events], now=now)  # one query
            selectors.mark_for_display(listed, now=now)
            context.update(
                today=today,
                today_events=today_events,
                upcoming_events=upcoming_events,
                venues=venues,
                strip=stats.week_strip(week=week, now=now),
                phase=_phase(week, today),
                days_to_go=(week.starts_on - today).days,
                # The sub-venues' events with a relay today, apart (public.subvenues): one query.
                subvenue_relays=home_relays(week=week, day=today, now=now),
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
    # ?subvenues=all|<city>: the sub-venues' events too (public.subvenues).
    cache_params = (*selectors.ScheduleFilters.PARAMS, "subvenues")

    def get(self, request, *args, **kwargs):
        week = current_week(request)
        if week is None or not week.is_published:
            return render(request, "public/no_week.html", status=404)
        return self.render_to_response(schedule_extend(self.schedule_context(week), request.GET, week=week))

    def schedule_context(self, week) -> dict:
        # The week's rows kept at this public version (public.week_snapshot); while the shared
        # cache is away, the database.
        snapshot = week_snapshot.current(week)
        event_days, choices = snapshot.facets if snapshot else selectors.schedule_facets(week=week)
        today = week.today()
        default_day = today if today in event_days else (event_days[0] if event_days else week.starts_on)
        filters = selectors.ScheduleFilters.from_query(self.request.GET, week=week, default_day=default_day)
        # Clearing the filters goes back to the day the visitor was looking at.
        reset_url = "?" + urlencode({"day": "all" if filters.all_days else filters.day.isoformat()})
        if filters.q:
            # A search looks through every day: the word is often of an event on another day
            # than the tab that was open. The day tabs then leave the search for that day.
            filters.all_days = True
        if snapshot:
            events = videos.mark_relay_times(selectors.mark_for_display(snapshot.schedule(filters)))
        else:
            # Rows, not model instances: a thousand of those cost more than their SQL.
            # The videos of their recordings are read with the events' query as a subquery.
            scheduled = selectors.schedule_events(week=week, filters=filters)
            events = videos.mark_relays(
                selectors.mark_for_display(
                    # The week's venues are read for the filter already: the cards take theirs from them.
                    selectors.schedule_rows(
                        week=week,
                        filters=filters,
                        venues_read={venue.pk: venue for venue in choices["venues"]},
                    )
                ),
                read_from=scheduled,
            )
        tab_days = sorted(set(event_days) | ({filters.day} if filters.day else set()))
        return self.get_context_data(
            week=week,
            filters=filters,
            events=events,
            grouped=public_selectors.listed_once_by_day(events) if filters.all_days else None,
            day_tabs=[
                {
                    "day": day,
                    "url": "?" + urlencode(filters.as_params(day=day.isoformat(), q="")),
                    "active": not filters.all_days and day == filters.day,
                    "is_today": day == today,
                }
                for day in tab_days
            ],
            all_days_url="?" + urlencode(filters.as_params(day="all")),
            reset_url=reset_url,
            choices=choices,
        )

    def share_meta(self, context) -> dict:
        week = context["week"]
        return share_card(
            self.request, title=_("活动日程 · %(week)s") % {"week": week.name}, description=week_summary(week)
        )


class EventDetailView(PublicPageView):
    """An event's page. A 路演 or 对接会 lists the online hall's projects it presents, in order
    (``exhibits.selectors.public.presented_projects``: one query, whatever their number; the
    hall's curators change the list through ``exhibits.services.presentations_set``, which
    bumps the public version, so this cached page follows)."""

    template_name = "public/event_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The row kept for the week's lists, when this process holds it (public.week_snapshot:
        # read with the page's flags); else the event with its relations from the database.
        row = week_snapshot.held_row(self.kwargs["pk"])
        if row is not None:
            event = selectors.public_event_from_row(row)
            themes = row.themes
            partners = [(role, name) for role, name in row.partners if role != EventPartner.Role.HOST]
        else:
            event = selectors.public_event(pk=self.kwargs["pk"], also=public_selectors.event_page_flags())
            themes = [theme.name for theme in event.themes.all()]
            partners = [(partner.role, partner.display_name) for partner in event.other_partners]
        remember_current_week(self.request, event.week)
        selectors.mark_for_display([event])
        media = public_media(event=event) if event.has_files else []
        # The recording video is among the public media already read: no query of its own.
        videos.mark_relays([event], media=media)
        if event.replay_on:  # played under 回放: not again in the gallery
            media = [item for item in media if item != event.recording_video]
        context.update(
            event=event,
            week=event.week,
            where=places.where(event, with_address=True),
            media=media,
            # No map of this city for an online event or one in another city.
            map_links=map_links(
                event.address or event.place, district=event.venue.district if event.venue_id else ""
            )
            if event.place_kind not in (Event.PlaceKind.ONLINE, Event.PlaceKind.ELSEWHERE)
            else [],
            page_url=absolute(reverse("event_detail", args=[event.pk])),
            themes=themes,
            # The undertaking and co-organizing units: (role, name).
            other_partners=[(EventPartner.Role(role).label, name) for role, name in partners],
            presented=presented_projects(event=event) if event.presents else [],
        )
        return context

    def share_meta(self, context) -> dict:
        """The card of a shared event: its subtitle, when and where, and its cover or a photo."""
        event, where = context["event"], context["where"]
        facts = [presenters.event_date_span(event), where.line(), event.week.unified_title]
        if event.status == event.Status.CANCELLED:
            facts.insert(0, _("已取消"))
        return share_card(
            self.request,
            title=event.subtitle,
            description=" · ".join(fact for fact in facts if fact),
            image=_event_image(event, context["media"]),
            kind="article",
        )


def _event_image(event, media) -> str:
    """The event's cover (its 800 px version once made), else its first public photo."""
    if event.cover:
        return absolute(reverse("event_cover", args=[event.pk]) + _cover_width(event))
    photo = next((item for item in media if item.kind == item.Kind.PHOTO), None)
    if photo is not None:
        return absolute(reverse("public_media_preview", args=[photo.pk]))
    return ""


def _cover_width(event) -> str:
    return f"?w={SHARE_COVER_WIDTH}" if SHARE_COVER_WIDTH in current_cover_versions(event) else ""


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
    """Past weeks, each with its schedule and public photos and videos (seed 001's 档案馆);
    ``?q=`` searches the events of all of them, listed by day."""

    template_name = "public/archive.html"
    cache_params = ("q",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        weeks = public_selectors.archive_weeks()
        q = search_words(self.request)
        # Past weeks are local only; the sub-venues' own archives, with the same search.
        context.update(weeks=weeks, q=q, subvenue_archives=archive_portals(q=q))
        if q:
            results = videos.mark_relays(public_selectors.searched_events(weeks=weeks, q=q))
            context.update(results=results, grouped=public_selectors.listed_once_by_day(results))
        return context

    def share_meta(self, context) -> dict:
        return share_card(self.request, title=_("往届档案"), description=_("历届活动周的日程、照片和视频。"))


def search_words(request) -> str:
    """The search box's words, as the schedule reads them: spaces collapsed, at most 60 characters."""
    return " ".join(request.GET.get("q", "").split())[:60]


class ArchiveWeekView(PublicPageView):
    template_name = "public/archive_week.html"
    cache_params = ("q",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        week = selectors.public_week(pk=self.kwargs["pk"])
        q = search_words(self.request)
        all_events = selectors.week_events(week=week)
        events = public_selectors.searched_events(weeks=[week], q=q) if q else all_events
        # 回放 of past events; the whole week's videos are read with its query as a subquery.
        videos.mark_relays(events, read_from=None if q else selectors.public_events(week=week))
        context.update(
            week=week,
            q=q,
            events=events,
            grouped=public_selectors.listed_once_by_day(events),
            event_count=len(all_events),
            media=public_media(week=week, limit=ARCHIVE_GALLERY_LIMIT),
        )
        return context
