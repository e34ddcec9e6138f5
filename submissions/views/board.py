"""The office's daily board: one day's event days, their states and the leaders present.

``BoardView`` renders the page; ``BoardLiveView`` only the part that changes (counts,
leaders, rows); ``BoardVersionView`` the board's version (``submissions.board_version``).
``static/js/board.js`` asks for the version every second and fetches the part that changes,
with the page's own query string, only when the version moved: a change by one reviewer is
on the others' boards within two seconds, and a board nobody changes costs one small query a
second instead of a rendering. Nothing waits on the server (no stream, no long poll), so an
open board never holds one of gunicorn's sync workers.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import rules
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.utils import timezone
from django.utils.http import parse_etags, quote_etag
from django.views.generic import TemplateView, View

from core.views import PortalPermissionMixin
from events.context_processors import current_week
from events.models import Week
from events.selectors.reporting import reporting_calendar

from ..board_version import board_version
from ..selectors import board as selectors

# How often an open board asks whether it changed (board.js backs off on errors and pauses
# while its tab is hidden).
SIGNAL_SECONDS = 1
FILTER_PARAMS = ("venue", "unit", "form", "state")


class OfficeAreaMixin(PortalPermissionMixin):
    permission_required = "submissions.review_reports"


class ResultsReaderMixin(PortalPermissionMixin):
    """Pages the read-only observers (publicity department, city leaders) read beside the
    office: what they may do there is in ``reader_context``."""

    permission_required = "submissions.see_board"

    def reader_context(self) -> dict:
        user = self.request.user
        return {
            "can_review": rules.test_rule("submissions.review_reports", user),
            "show_phones": rules.test_rule("events.see_contact_phones", user),
        }


def board_day(week: Week, value: str | None) -> dt.date:
    """The day asked for, or today in the week's zone, kept inside the week's reporting days
    (the board's and the reminder log's ``?day=``). Only a day outside the period asks which
    days around it are reported (``reporting_calendar``: earlier days, and the day after it
    when the last day's evening events are due then), so the board's live rows stay cheap."""
    try:
        day = dt.date.fromisoformat(value) if value else week.today()
    except ValueError:
        day = week.today()
    if week.starts_on <= day <= week.ends_on:
        return day
    calendar = reporting_calendar(week=week)
    return min(max(day, calendar[0]), calendar[-1])


class OfficeDayMixin(PortalPermissionMixin):
    """A page about one day of the current week: ``?day=``, else today, kept inside it."""

    permission_required = "submissions.review_reports"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        week = current_week(self.request)
        context["week"] = week
        if week is not None:
            day = board_day(week, self.request.GET.get("day"))
            context.update(day=day, **self.day_context(week, day))
        return context

    def day_context(self, week: Week, day: dt.date) -> dict:
        raise NotImplementedError


class BoardView(ResultsReaderMixin, OfficeDayMixin, TemplateView):
    template_name = "submissions/board/home.html"
    permission_required = "submissions.see_board"
    with_choices = True

    def day_context(self, week: Week, day: dt.date) -> dict:
        query = self.request.GET
        filters = selectors.Filters.from_query(query)
        # Read before the rows: a change committed in between shows up in the rows and moves
        # the version past this one, so the page refreshes once more instead of missing it.
        version = board_version()
        board = selectors.board_for_day(week=week, day=day, now=timezone.now(), filters=filters, light=True)
        kept = {key: value for key, value in query.items() if key in FILTER_PARAMS and value}
        unstated = {key: value for key, value in kept.items() if key != "state"}
        context = {
            "board": board,
            "filters": filters,
            "counts": board.counts,
            "today": week.today(),
            "now": board.now,
            "board_version": version,
            "signal_seconds": SIGNAL_SECONDS,
            "filter_query": urlencode(kept),
            "query": urlencode({"day": day.isoformat(), **kept}),
            "base_query": urlencode({"day": day.isoformat(), **unstated}),
            **self.reader_context(),
        }
        if self.with_choices:
            # The day strip: every reporting day, a month-long plan's thirty-one included.
            context.update(choices=selectors.filter_choices(week=week), days=reporting_calendar(week=week))
        return context


class BoardLiveView(BoardView):
    template_name = "submissions/board/_live.html"
    with_choices = False

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if context["week"] is None:
            raise Http404
        response = self.render_to_response(context)
        response["Cache-Control"] = "no-store"
        return response


class BoardVersionView(ResultsReaderMixin, View):
    """The board's version as ``{"version": "..."}`` with it as the ETag; ``304`` while the
    ``If-None-Match`` the script sends still matches. One query besides the sign-in's (session,
    user, office group), no rendering."""

    def get(self, request, *args, **kwargs):
        version = board_version()
        etag = quote_etag(version)
        # A proxy that compresses answers may have weakened the tag (W/"..."): same version.
        sent = [tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))]
        if etag in sent:
            response = HttpResponseNotModified()
        else:
            response = JsonResponse({"version": version})
        response["ETag"] = etag
        response["Cache-Control"] = "no-store"
        return response
